/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions, resources and registrations from many threads at once. */
#include "th.h"
#include "rt.h"
#include "rt_registry.h"
#include <pthread.h>
#include <vaccel.h>
#include "vt_main.h"

#define THREADS 8
#define ROUNDS 50

static char file[PATH_MAX], dir[256];
static struct vaccel_resource shared_res;
static int errors;
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;

static void note(int cond)
{
	if (!cond) {
		pthread_mutex_lock(&err_lock);
		errors++;
		pthread_mutex_unlock(&err_lock);
	}
}

static void *worker(void *arg)
{
	uint32_t hint = ((long)arg % 2) ? VACCEL_PLUGIN_REMOTE : 0;

	for (int i = 0; i < ROUNDS; i++) {
		struct vaccel_session s, *found;
		struct vaccel_resource r;

		note(vaccel_session_init(&s, hint) == VACCEL_OK);
		note(vaccel_session_get_by_id(&found, s.id) == VACCEL_OK && found == &s);
		note(vaccel_resource_init(&r, file, VACCEL_RESOURCE_DATA) == VACCEL_OK);
		note(vaccel_resource_register(&r, &s) == VACCEL_OK);
		note(vaccel_resource_register(&shared_res, &s) == VACCEL_OK);
		note(vaccel_session_has_resource(&s, &shared_res));
		note(vaccel_resource_unregister(&shared_res, &s) == VACCEL_OK);
		note(vaccel_resource_release(&r) == VACCEL_OK);
		note(vaccel_session_release(&s) == VACCEL_OK);
	}
	return NULL;
}

static void test_parallel(void **state)
{
	char plugins[2048];
	pthread_t t[THREADS];

	(void)state;
	assert_non_null(th_tmpdir(dir, sizeof(dir)));
	assert_int_equal(th_write_file(dir, "f", "data", 4, file, sizeof(file)), 0);
	snprintf(plugins, sizeof(plugins), "%s:%s", th_plugin("tp-local"), th_plugin("tp-virtio"));
	assert_int_equal(th_boot(plugins), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&shared_res, file, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	for (long i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(errors, 0);
	assert_int_equal(vaccel_resource_refcount(&shared_res), 0);
	assert_int_equal(rt_sessions_live(), 0);
	assert_int_equal(rt_resources_live(), 1);
	assert_int_equal(vaccel_resource_release(&shared_res), VACCEL_OK);
	assert_int_equal(rt_resources_live(), 0);
	vaccel_cleanup();
	unlink(file);
	rmdir(dir);
}

VT_MAIN(NULL, NULL, test_parallel)
