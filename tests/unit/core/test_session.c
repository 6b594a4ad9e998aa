/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions: plugin binding, IDs, rundirs, virtio hooks, update, lookups. */
#include "th.h"
#include "rt.h"
#include "rt_registry.h"
#include <vaccel.h>

static char plugins[2048];

static int boot_all(void **state)
{
	(void)state;
	snprintf(plugins, sizeof(plugins), "%s:%s:%s", th_plugin("tp-local"), th_plugin("tp-gpu"),
		 th_plugin("tp-virtio"));
	if (th_boot(plugins))
		return -1;
	memset(th_state("tp-virtio"), 0, sizeof(struct tp_state));
	return 0;
}

static void test_not_bootstrapped(void **state)
{
	struct vaccel_session s, *sp;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_EPERM);
	assert_int_equal(vaccel_session_init(NULL, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_get_by_id(&sp, 1), VACCEL_EPERM);
	assert_int_equal(vaccel_session_new(&sp, 0), VACCEL_EPERM);
}

static void test_no_plugins(void **state)
{
	struct vaccel_session s;

	(void)state;
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_ENOTSUP);
	assert_int_equal(s.id, 0);
	assert_int_equal(rt_sessions_live(), 0);
}

static void test_init_release(void **state)
{
	struct vaccel_session s, *found = NULL;
	char rundir[PATH_MAX];

	(void)state;
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(s.id, 1);
	assert_false(s.is_virtio);
	assert_int_equal(s.remote_id, 0);
	assert_int_equal(s.hint, 0);
	assert_string_equal(s.plugin->info->name, "tp-local");
	assert_non_null(strstr(s.rundir, "session.1"));
	assert_true(strncmp(s.rundir, vaccel_rundir(), strlen(vaccel_rundir())) == 0);
	assert_true(th_exists(s.rundir));
	assert_int_equal(vaccel_session_get_by_id(&found, s.id), VACCEL_OK);
	assert_ptr_equal(found, &s);
	assert_int_equal(vaccel_session_get_by_id(&found, 77), VACCEL_ENOENT);
	assert_int_equal(vaccel_session_get_by_id(&found, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_get_by_id(NULL, 1), VACCEL_EINVAL);

	strcpy(rundir, s.rundir);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_int_equal(s.id, 0);
	assert_null(s.plugin);
	assert_false(th_exists(rundir));
	assert_int_equal(vaccel_session_release(&s), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_release(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_get_by_id(&found, 1), VACCEL_ENOENT);
}

static void test_hint_binding(void **state)
{
	struct vaccel_session s;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_GPU), VACCEL_OK);
	assert_string_equal(s.plugin->info->name, "tp-gpu");
	assert_int_equal(s.hint, VACCEL_PLUGIN_GPU);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	/* GENERIC matches the virtio plugin's type, but a local hint binds a local plugin */
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_GENERIC), VACCEL_OK);
	assert_false(s.is_virtio);
	assert_string_equal(s.plugin->info->name, "tp-local");
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_ALL), VACCEL_OK);
	assert_false(s.is_virtio);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_int_equal(th_state("tp-virtio")->sess_init, 0);
}

static void test_id_reuse(void **state)
{
	struct vaccel_session s[3], t;

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(vaccel_session_init(&s[i], 0), VACCEL_OK);
		assert_int_equal(s[i].id, i + 1);
	}
	assert_int_equal(vaccel_session_release(&s[1]), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&t, 0), VACCEL_OK);
	/* A freed ID is not reused at once: a stale ID must not find a new session. */
	assert_int_equal(t.id, 4);
	assert_int_equal(vaccel_session_get_by_id(&(struct vaccel_session *){NULL}, 2), VACCEL_ENOENT);
	assert_int_equal(vaccel_session_release(&t), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s[0]), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s[2]), VACCEL_OK);
	assert_int_equal(rt_sessions_live(), 0);
}

static void test_virtio_session(void **state)
{
	struct tp_state *vs = th_state("tp-virtio");
	struct vaccel_session s, l;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_GPU),
			 VACCEL_OK);
	assert_true(s.is_virtio);
	assert_string_equal(s.plugin->info->name, "tp-virtio");
	assert_int_equal(s.remote_id, 1);
	assert_int_equal(vs->sess_init, 1);
	assert_int_equal(vs->last_flags, VACCEL_PLUGIN_GPU); /* REMOTE stripped for the hook */
	assert_int_equal(s.hint, VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_GPU);

	assert_int_equal(vaccel_session_init(&l, 0), VACCEL_OK);
	assert_false(l.is_virtio);
	assert_int_equal(l.remote_id, 0);
	assert_int_equal(vs->sess_init, 1);

	assert_int_equal(vaccel_session_update(&s, VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_CPU),
			 VACCEL_OK);
	assert_int_equal(vs->sess_update, 1);
	assert_int_equal(s.hint, VACCEL_PLUGIN_CPU); /* set by the plugin */

	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_int_equal(vs->sess_release, 1);
	assert_int_equal(s.remote_id, 0);
	assert_int_equal(vaccel_session_release(&l), VACCEL_OK);
	assert_int_equal(vs->sess_release, 1);
}

static void test_virtio_failures(void **state)
{
	struct tp_state *vs = th_state("tp-virtio");
	struct vaccel_session s, *found;

	(void)state;
	vs->fail_sess_init = 1;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_EBACKEND);
	assert_int_equal(s.id, 0);
	assert_int_equal(rt_sessions_live(), 0);
	vs->fail_sess_init = 0;

	/* success with an invalid remote id is an error, and the remote side is undone */
	vs->zero_remote_id = 1;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_EBACKEND);
	assert_int_equal(vs->sess_release, 1);
	assert_int_equal(rt_sessions_live(), 0);
	vs->zero_remote_id = 0;

	/* a failing remote release is reported, but the local session is gone */
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	vs->fail_sess_release = 1;
	assert_int_equal(vaccel_session_get_by_id(&found, s.id), VACCEL_OK);
	vaccel_id_t id = s.id;
	assert_int_equal(vaccel_session_release(&s), VACCEL_EBACKEND);
	assert_int_equal(s.id, 0);
	assert_int_equal(vaccel_session_get_by_id(&found, id), VACCEL_ENOENT);
	vs->fail_sess_release = 0;
}

static void test_remote_without_virtio_plugin(void **state)
{
	struct vaccel_session s;

	(void)state;
	assert_int_equal(th_boot(th_plugin("tp-local")), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_ENOTSUP);
	vaccel_cleanup();
	/* the only plugin is virtio: a plain session is virtio */
	assert_int_equal(th_boot(th_plugin("tp-virtio")), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_true(s.is_virtio);
	assert_true(s.remote_id > 0);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

static void test_update_local(void **state)
{
	struct vaccel_session s;
	struct vaccel_resource r;
	char dir[256], path[512];

	(void)state;
	assert_int_equal(vaccel_session_update(NULL, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_session_update(&s, VACCEL_PLUGIN_GPU), VACCEL_OK);
	assert_string_equal(s.plugin->info->name, "tp-gpu");
	assert_int_equal(s.hint, VACCEL_PLUGIN_GPU);
	/* a local session cannot turn into a virtio one */
	assert_int_equal(vaccel_session_update(&s, VACCEL_PLUGIN_REMOTE), VACCEL_ENOTSUP);

	assert_non_null(th_tmpdir(dir, sizeof(dir)));
	assert_int_equal(th_write_file(dir, "f", "x", 1, path, sizeof(path)), 0);
	assert_int_equal(vaccel_resource_init(&r, path, VACCEL_RESOURCE_DATA), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r, &s), VACCEL_OK);
	assert_int_equal(vaccel_session_update(&s, 0), VACCEL_ENOTSUP);
	assert_string_equal(s.plugin->info->name, "tp-gpu");
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);
	assert_int_equal(vaccel_session_update(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	unlink(path);
	rmdir(dir);
}

static void test_new_delete_aliases(void **state)
{
	struct vaccel_session *s = NULL, t;

	(void)state;
	assert_int_equal(vaccel_session_new(NULL, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_new(&s, 0), VACCEL_OK);
	assert_true(s->id > 0);
	assert_int_equal(vaccel_session_delete(s), VACCEL_OK);
	assert_int_equal(vaccel_session_delete(NULL), VACCEL_EINVAL);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	assert_int_equal(vaccel_sess_init(&t, VACCEL_PLUGIN_GPU), VACCEL_OK);
	assert_int_equal(vaccel_sess_update(&t, 0), VACCEL_OK);
	assert_string_equal(t.plugin->info->name, "tp-local");
	assert_false(vaccel_sess_has_resource(&t, NULL));
	assert_int_equal(vaccel_sess_free(&t), VACCEL_OK);
#pragma GCC diagnostic pop
}

static void test_resource_lookups(void **state)
{
	struct vaccel_session s;
	struct vaccel_resource r1, r2, r3, *found = NULL, **all = NULL;
	char dir[256], p1[512], p2[512];
	size_t n = 99;

	(void)state;
	assert_non_null(th_tmpdir(dir, sizeof(dir)));
	assert_int_equal(th_write_file(dir, "a", "a", 1, p1, sizeof(p1)), 0);
	assert_int_equal(th_write_file(dir, "b", "b", 1, p2, sizeof(p2)), 0);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&r1, p1, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&r2, p2, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&r3, p2, VACCEL_RESOURCE_LIB), VACCEL_OK);

	assert_int_equal(vaccel_session_resource_by_type(&s, &found, VACCEL_RESOURCE_MODEL),
			 VACCEL_ENOENT);
	assert_int_equal(vaccel_session_resources_by_type(&s, &all, &n, VACCEL_RESOURCE_MODEL),
			 VACCEL_ENOENT);
	assert_int_equal(n, 0);
	assert_false(vaccel_session_has_resource(&s, &r1));

	assert_int_equal(vaccel_resource_register(&r2, &s), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r1, &s), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r3, &s), VACCEL_OK);
	assert_true(vaccel_session_has_resource(&s, &r1));
	assert_false(vaccel_session_has_resource(NULL, &r1));
	assert_false(vaccel_session_has_resource(&s, NULL));

	assert_int_equal(vaccel_session_resource_by_type(&s, &found, VACCEL_RESOURCE_MODEL),
			 VACCEL_OK);
	assert_ptr_equal(found, &r2); /* first registered */
	assert_int_equal(vaccel_session_resource_by_type(&s, &found, VACCEL_RESOURCE_DATA),
			 VACCEL_ENOENT);
	assert_int_equal(vaccel_session_resource_by_type(&s, &found, VACCEL_RESOURCE_MAX),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_session_resource_by_id(&s, &found, r3.id), VACCEL_OK);
	assert_ptr_equal(found, &r3);
	assert_int_equal(vaccel_session_resource_by_id(&s, &found, 999), VACCEL_ENOENT);
	assert_int_equal(vaccel_session_resource_by_id(&s, &found, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_resource_by_id(NULL, &found, 1), VACCEL_EINVAL);
	assert_int_equal(vaccel_session_resources_by_type(&s, &all, &n, VACCEL_RESOURCE_MODEL),
			 VACCEL_OK);
	assert_int_equal(n, 2);
	assert_ptr_equal(all[0], &r2);
	assert_ptr_equal(all[1], &r1);
	free(all);
	assert_int_equal(vaccel_session_resources_by_type(&s, &all, &n, VACCEL_RESOURCE_MAX),
			 VACCEL_EINVAL);
	assert_int_equal(s.resource_counts[VACCEL_RESOURCE_MODEL], 2);

	/* releasing the session unregisters its resources */
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_int_equal(vaccel_resource_refcount(&r1), 0);
	assert_int_equal(vaccel_resource_refcount(&r3), 0);
	assert_int_equal(vaccel_resource_release(&r1), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&r2), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&r3), VACCEL_OK);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
}

static void test_cleanup_releases_sessions(void **state)
{
	struct vaccel_session s;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	assert_int_equal(s.id, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_not_bootstrapped),
	    cmocka_unit_test_teardown(test_no_plugins, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_init_release, boot_all, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_hint_binding, boot_all, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_id_reuse, boot_all, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_virtio_session, boot_all, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_virtio_failures, boot_all, th_cleanup),
	    cmocka_unit_test_teardown(test_remote_without_virtio_plugin, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_update_local, boot_all, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_new_delete_aliases, boot_all, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_resource_lookups, boot_all, th_cleanup),
	    cmocka_unit_test_setup_teardown(test_cleanup_releases_sessions, boot_all, th_cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
