/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small mutual-exclusion lock for the transport's hot path: an
 * uncontended lock and unlock are one atomic instruction each, inline,
 * where pthread_mutex_lock/unlock cost ~55 instructions a pair through the
 * PLT (counted with callgrind, docs/performance.md). Contended waiters
 * spin briefly, then sleep on a futex. Process-private; not recursive.
 *
 * struct vaccel_cond is the condition variable that goes with it: a futex
 * on a sequence number. A waiter reads the number under the lock, unlocks
 * and sleeps only while the number is unchanged; a broadcast (under the
 * same lock) bumps it and wakes every sleeper, so no wake-up is lost.
 * Broadcast only; waiters may wake spuriously and re-check (as with
 * pthread_cond_wait). A broadcast without sleepers is one atomic add and a
 * system call: callers that know nobody sleeps skip it.
 *
 * States: 0 free, 1 locked, 2 locked and someone may sleep (the unlocker
 * then wakes one). The classic three-state futex mutex.
 */
#ifndef VACCEL_LOCK_H
#define VACCEL_LOCK_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vaccel_common.h"

struct vaccel_lock {
	_Atomic uint32_t state;
};

#define VACCEL_LOCK_INIT                                                                           \
	{                                                                                          \
		0                                                                                  \
	}
#define VACCEL_LOCK_SPINS 100 /* polite re-reads before sleeping: holders hold briefly */

static inline void vaccel_lock_init(struct vaccel_lock *l)
{
	atomic_init(&l->state, 0);
}

__attribute__((noinline, unused)) static void vaccel_lock_slow(struct vaccel_lock *l, uint32_t c)
{
	for (int i = 0; i < VACCEL_LOCK_SPINS && c == 1; i++) {
		vaccel_cpu_relax();
		c = atomic_load_explicit(&l->state, memory_order_relaxed);
		if (c == 0) {
			if (atomic_compare_exchange_strong_explicit(
				&l->state, &c, 1, memory_order_acquire, memory_order_relaxed))
				return;
		}
	}
	/* Announce a sleeper (2); whoever we took it from free (0) means it is ours. */
	if (c != 2)
		c = atomic_exchange_explicit(&l->state, 2, memory_order_acquire);
	while (c != 0) {
		syscall(SYS_futex, &l->state, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = atomic_exchange_explicit(&l->state, 2, memory_order_acquire);
	}
}

static inline void vaccel_lock(struct vaccel_lock *l)
{
	uint32_t c = 0;

	if (!atomic_compare_exchange_strong_explicit(&l->state, &c, 1, memory_order_acquire,
						     memory_order_relaxed))
		vaccel_lock_slow(l, c);
}

/* Take l if it is free (as vaccel_lock); false, and nothing changed, if it is held. */
static inline bool vaccel_trylock(struct vaccel_lock *l)
{
	uint32_t c = 0;

	return atomic_compare_exchange_strong_explicit(&l->state, &c, 1, memory_order_acquire,
						       memory_order_relaxed);
}

static inline void vaccel_unlock(struct vaccel_lock *l)
{
	if (atomic_exchange_explicit(&l->state, 0, memory_order_release) == 2)
		syscall(SYS_futex, &l->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

struct vaccel_cond {
	_Atomic uint32_t seq;
};

static inline void vaccel_cond_init(struct vaccel_cond *c)
{
	atomic_init(&c->seq, 0);
}

/* Sleep until a broadcast (or spuriously); l is held on entry and on return. */
static inline void vaccel_cond_wait(struct vaccel_cond *c, struct vaccel_lock *l)
{
	uint32_t seq = atomic_load_explicit(&c->seq, memory_order_relaxed);

	vaccel_unlock(l);
	/* Returns at once when a broadcast came between the unlock and here. */
	syscall(SYS_futex, &c->seq, FUTEX_WAIT_PRIVATE, seq, NULL, NULL, 0);
	vaccel_lock(l);
}

/* Wake every waiter of c; the caller holds the waiters' lock. */
static inline void vaccel_cond_broadcast(struct vaccel_cond *c)
{
	atomic_fetch_add_explicit(&c->seq, 1, memory_order_relaxed);
	syscall(SYS_futex, &c->seq, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

#endif /* VACCEL_LOCK_H */
