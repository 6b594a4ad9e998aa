// SPDX-License-Identifier: Apache-2.0
/*
 * The adaptive polling window (lib/common/vaccel_spin.h) that the driver and
 * the daemon share: it follows the answers, stops spinning when they do not
 * come while spinning, probes now and then, and comes back when they do.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vaccel_spin.h"
#include "vt_main.h"

static void test_never_spins_without_a_window(void **state)
{
	struct vaccel_spin s;

	(void)state;
	vaccel_spin_init(&s, 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(vaccel_spin_window(&s), 0);
}

static void test_window_follows_the_answers(void **state)
{
	struct vaccel_spin s;

	(void)state;
	vaccel_spin_init(&s, 200000);
	/* Before any answer: the configured window. */
	assert_int_equal(vaccel_spin_window(&s), 200000);
	/* Answers in 1 us: the window shrinks to a few of them (floor 2 us)... */
	for (int i = 0; i < 100; i++)
		vaccel_spin_hit(&s, 1000);
	assert_in_range(vaccel_spin_window(&s), VACCEL_SPIN_MIN_NS, VACCEL_SPIN_ROUNDS * 1100);
	/* ...and grows with slower ones, never past the maximum. */
	for (int i = 0; i < 100; i++)
		vaccel_spin_hit(&s, 10000);
	assert_in_range(vaccel_spin_window(&s), VACCEL_SPIN_ROUNDS * 9000,
			VACCEL_SPIN_ROUNDS * 10000);
	for (int i = 0; i < 100; i++)
		vaccel_spin_hit(&s, 1000000);
	assert_int_equal(vaccel_spin_window(&s), 200000);
}

static void test_gives_up_then_probes_then_recovers(void **state)
{
	struct vaccel_spin s;
	int spun = 0;

	(void)state;
	vaccel_spin_init(&s, 200000);
	for (int i = 0; i < 20; i++)
		vaccel_spin_hit(&s, 1000);
	/* The other side stops answering while we spin (it is not running). */
	for (int i = 0; i < VACCEL_SPIN_GIVE_UP; i++) {
		assert_true(vaccel_spin_window(&s) > 0);
		vaccel_spin_miss(&s);
	}
	/* Now we sleep at once, except one probe per VACCEL_SPIN_PROBE waits. */
	for (int i = 0; i < 10 * VACCEL_SPIN_PROBE; i++) {
		uint64_t w = vaccel_spin_window(&s);

		if (w) {
			/* A probe: the whole window, whatever the answers took before. */
			assert_int_equal(w, 200000);
			spun++;
			vaccel_spin_miss(&s);
		}
	}
	assert_int_equal(spun, 10);
	/* A probe answered: spinning pays again, every wait spins. */
	while (!vaccel_spin_window(&s))
		;
	vaccel_spin_hit(&s, 1000);
	for (int i = 0; i < 100; i++)
		assert_true(vaccel_spin_window(&s) > 0);
}

/* The word another thread moves: vaccel_spin_watch() sees the change, and only a change. */
static uint16_t watched;

static void *move_watched(void *arg)
{
	(void)arg;
	__atomic_store_n(&watched, (uint16_t)8, __ATOMIC_RELEASE);
	return NULL;
}

static void test_watch_sees_a_move(void **state)
{
	pthread_t th;

	(void)state;
	watched = 7;
	assert_false(vaccel_spin_watch(&watched, 7)); /* the looks run out */
	assert_true(vaccel_spin_watch(&watched, 6));  /* already elsewhere */
	assert_int_equal(pthread_create(&th, NULL, move_watched, NULL), 0);
	while (!vaccel_spin_watch(&watched, 7))
		;
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(__atomic_load_n(&watched, __ATOMIC_ACQUIRE), 8);
}

VT_MAIN(NULL, NULL, test_never_spins_without_a_window, test_window_follows_the_answers,
	test_gives_up_then_probes_then_recovers, test_watch_sees_a_move)
