/* SPDX-License-Identifier: Apache-2.0 */
/* ID pools: allocation in order with wrap-around, exhaustion, put errors, concurrency. */
#include "th.h"
#include "rt.h"
#include <pthread.h>
#include "vt_main.h"

static void test_basic(void **state)
{
	struct rt_id_pool *p;

	(void)state;
	assert_int_equal(rt_id_pool_new(&p, 0), VACCEL_EINVAL);
	assert_int_equal(rt_id_pool_new(NULL, 3), VACCEL_EINVAL);
	assert_int_equal(rt_id_pool_new(&p, 3), VACCEL_OK);
	assert_int_equal(rt_id_pool_get(p), 1);
	assert_int_equal(rt_id_pool_get(p), 2);
	assert_int_equal(rt_id_pool_get(p), 3);
	assert_int_equal(rt_id_pool_get(p), -VACCEL_EUSERS);
	assert_int_equal(rt_id_pool_in_use(p), 3);
	assert_int_equal(rt_id_pool_put(p, 2), VACCEL_OK);
	assert_int_equal(rt_id_pool_put(p, 2), VACCEL_EPERM);
	assert_int_equal(rt_id_pool_put(p, 0), VACCEL_EINVAL);
	assert_int_equal(rt_id_pool_put(p, 4), VACCEL_EINVAL);
	assert_int_equal(rt_id_pool_put(p, -1), VACCEL_EINVAL);
	assert_int_equal(rt_id_pool_get(p), 2); /* the only free ID */
	assert_int_equal(rt_id_pool_put(p, 1), VACCEL_OK);
	assert_int_equal(rt_id_pool_put(p, 3), VACCEL_OK);
	assert_int_equal(rt_id_pool_get(p), 3); /* the one after the last given */
	assert_int_equal(rt_id_pool_get(p), 1); /* wrapped around */
	assert_int_equal(rt_id_pool_get(NULL), -VACCEL_EINVAL);
	assert_int_equal(rt_id_pool_put(NULL, 1), VACCEL_EINVAL);
	rt_id_pool_delete(p);
	rt_id_pool_delete(NULL);
}

/* A freed ID does not come back while other IDs are free: a stale ID misses. */
static void test_no_immediate_reuse(void **state)
{
	struct rt_id_pool *p;

	(void)state;
	assert_int_equal(rt_id_pool_new(&p, 10), VACCEL_OK);
	assert_int_equal(rt_id_pool_get(p), 1);
	assert_int_equal(rt_id_pool_put(p, 1), VACCEL_OK);
	for (vaccel_id_t want = 2; want <= 10; want++) {
		assert_int_equal(rt_id_pool_get(p), want);
		assert_int_equal(rt_id_pool_put(p, want), VACCEL_OK);
	}
	assert_int_equal(rt_id_pool_get(p), 1); /* only after a full round */
	rt_id_pool_delete(p);
}

#define THREADS 8
#define PER_THREAD 100

static struct rt_id_pool *shared;
static vaccel_id_t got[THREADS][PER_THREAD];

static void *worker(void *arg)
{
	long t = (long)arg;

	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < PER_THREAD; i++)
			got[t][i] = rt_id_pool_get(shared);
		if (round < 19)
			for (int i = 0; i < PER_THREAD; i++)
				rt_id_pool_put(shared, got[t][i]);
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	pthread_t th[THREADS];
	static char seen[THREADS * PER_THREAD + 1];

	(void)state;
	assert_int_equal(rt_id_pool_new(&shared, THREADS * PER_THREAD), VACCEL_OK);
	for (long t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, worker, (void *)t), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	/* the final round holds every ID exactly once */
	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < PER_THREAD; i++) {
			assert_in_range(got[t][i], 1, THREADS * PER_THREAD);
			assert_int_equal(seen[got[t][i]], 0);
			seen[got[t][i]] = 1;
		}
	}
	assert_int_equal(rt_id_pool_in_use(shared), THREADS * PER_THREAD);
	assert_int_equal(rt_id_pool_get(shared), -VACCEL_EUSERS);
	rt_id_pool_delete(shared);
}

VT_MAIN(NULL, NULL, test_basic, test_no_immediate_reuse, test_concurrent)
