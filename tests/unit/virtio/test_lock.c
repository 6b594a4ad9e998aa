// SPDX-License-Identifier: Apache-2.0
/*
 * The transport's futex lock and its condition variable (lib/common/vaccel_lock.h):
 * the lock excludes, and a broadcast made under the lock is never lost, however the
 * waiters and the broadcaster interleave (the driver's request queues wait on it).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vaccel_lock.h"
#include "vt_main.h"

#define THREADS 4
#define ROUNDS 20000

struct shared {
	struct vaccel_lock lock;
	struct vaccel_cond cond;
	uint64_t counter;  /* under lock */
	unsigned turn;	   /* under lock: whose turn it is, 0..THREADS-1 */
	unsigned sleepers; /* under lock */
};

struct who {
	struct shared *sh;
	unsigned id;
};

static void *add_many(void *arg)
{
	struct shared *sh = arg;

	for (int i = 0; i < ROUNDS; i++) {
		vaccel_lock(&sh->lock);
		sh->counter++;
		vaccel_unlock(&sh->lock);
	}
	return NULL;
}

static void test_lock_excludes(void **state)
{
	struct shared sh = {0};
	pthread_t t[THREADS];

	(void)state;
	vaccel_lock_init(&sh.lock);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, add_many, &sh), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(sh.counter, (uint64_t)THREADS * ROUNDS);
}

/* Each thread waits for its turn, takes it, hands it to the next one and wakes everyone. */
static void *take_turns(void *arg)
{
	struct who *w = arg;
	struct shared *sh = w->sh;

	for (int i = 0; i < ROUNDS / 10; i++) {
		vaccel_lock(&sh->lock);
		while (sh->turn != w->id) {
			sh->sleepers++;
			vaccel_cond_wait(&sh->cond, &sh->lock);
			sh->sleepers--;
		}
		sh->counter++;
		sh->turn = (sh->turn + 1) % THREADS;
		if (sh->sleepers)
			vaccel_cond_broadcast(&sh->cond);
		vaccel_unlock(&sh->lock);
	}
	return NULL;
}

static void test_cond_loses_no_broadcast(void **state)
{
	struct shared sh = {0};
	struct who w[THREADS];
	pthread_t t[THREADS];

	(void)state;
	vaccel_lock_init(&sh.lock);
	vaccel_cond_init(&sh.cond);
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct who){&sh, i};
		assert_int_equal(pthread_create(&t[i], NULL, take_turns, &w[i]), 0);
	}
	/* A lost wake-up leaves every thread asleep: the test's timeout catches it. */
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(sh.counter, (uint64_t)THREADS * (ROUNDS / 10));
	assert_int_equal(sh.sleepers, 0);
}

VT_MAIN(NULL, NULL, test_lock_excludes, test_cond_loses_no_broadcast)
