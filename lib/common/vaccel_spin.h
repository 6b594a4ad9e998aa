/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The adaptive polling window both sides of the transport use (the driver
 * waiting for a response, the daemon waiting for the next request).
 *
 * Spinning pays only when the other side answers while we spin. It does not
 * when the other side is not running: both spinners sharing one CPU, or the
 * other side descheduled by the rest of the machine. Then every spin burns
 * the whole window and, on a shared CPU, keeps the other side from running.
 * So the window follows what answers took: a few times (VACCEL_SPIN_ROUNDS)
 * the running average of the waits that ended while spinning, never more
 * than the configured maximum. After VACCEL_SPIN_GIVE_UP windows in a row
 * ended without an answer we stop spinning (sleep at once) and only probe
 * with the full configured window every VACCEL_SPIN_PROBE waits, to notice
 * that answers have become fast again (a full window: while the other side
 * has given up too, its answer comes through a wake-up, ~20-40 us here).
 *
 * A probe that has waited VACCEL_SPIN_YIELD_NS yields the CPU between looks
 * (vaccel_spin_pause): when the other side shares our CPU it runs then,
 * instead of waiting for our time slice to end. Ordinary windows do not
 * yield: two spinners that never yield are spread over two CPUs by the
 * scheduler, and stay there.
 *
 * Single writer: each state belongs to one lock or one thread (its user
 * says which). Not thread-safe by itself.
 */
#ifndef VACCEL_SPIN_H
#define VACCEL_SPIN_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "vaccel_common.h"

/* window = this many typical answers */
#define VACCEL_SPIN_ROUNDS 4
/* never less while spinning pays (clock granularity, jitter) */
#define VACCEL_SPIN_MIN_NS 2000u
/* windows in a row without an answer: stop spinning */
#define VACCEL_SPIN_GIVE_UP 3
/* then try a full window once every this many waits */
#define VACCEL_SPIN_PROBE 64
/* a probe spins purely up to here, then yields between looks */
#define VACCEL_SPIN_YIELD_NS 2000u
/* looks at the watched word between two clock reads */
#define VACCEL_SPIN_LOOKS 64

struct vaccel_spin {
	uint64_t max_ns; /* the configured window; 0: never spin */
	uint64_t avg_ns; /* running average of the waits answered while spinning */
	unsigned misses; /* windows in a row that ended without an answer */
	unsigned waits;	 /* waits since we stopped spinning (for the probe) */
};

static inline void vaccel_spin_init(struct vaccel_spin *s, uint64_t max_ns)
{
	s->max_ns = max_ns;
	s->avg_ns = max_ns / VACCEL_SPIN_ROUNDS; /* start with the full window */
	s->misses = 0;
	s->waits = 0;
}

/* How long to spin for the wait that starts now (0: sleep at once). */
static inline uint64_t vaccel_spin_window(struct vaccel_spin *s)
{
	uint64_t w;

	if (!s->max_ns)
		return 0;
	if (s->misses >= VACCEL_SPIN_GIVE_UP)
		return ++s->waits % VACCEL_SPIN_PROBE ? 0 : s->max_ns;
	w = s->avg_ns * VACCEL_SPIN_ROUNDS;
	if (w < VACCEL_SPIN_MIN_NS)
		w = VACCEL_SPIN_MIN_NS;
	return w < s->max_ns ? w : s->max_ns;
}

/* Between two looks at what we wait for, spun_ns into the window. */
static inline void vaccel_spin_pause(const struct vaccel_spin *s, uint64_t spun_ns)
{
	if (s->misses >= VACCEL_SPIN_GIVE_UP && spun_ns >= VACCEL_SPIN_YIELD_NS)
		sched_yield(); /* a probe */
	else
		vaccel_cpu_relax();
}

/*
 * Look at a word the other side moves (a ring index: vq_dev_watch(),
 * vq_drv_watch()) until it is no longer `seen`, at most VACCEL_SPIN_LOOKS
 * times. True when it moved. One load a look, no lock and no clock read: the
 * answer is noticed within a look, not within a lock, a clock read and a
 * pause (~100 ns here), and the line moves only when the other side writes.
 */
static inline bool vaccel_spin_watch(const uint16_t *word, uint16_t seen)
{
	for (unsigned i = 0; i < VACCEL_SPIN_LOOKS; i++) {
		if (__atomic_load_n(word, __ATOMIC_RELAXED) != seen)
			return true;
		vaccel_cpu_relax();
	}
	return false;
}

/* The wait was answered while spinning, after waited_ns. */
static inline void vaccel_spin_hit(struct vaccel_spin *s, uint64_t waited_ns)
{
	/* Average over about 8 waits: one slow answer does not close the window. */
	s->avg_ns = s->avg_ns - s->avg_ns / 8 + waited_ns / 8;
	s->misses = 0;
	s->waits = 0;
}

/* The window ended without an answer (or there was none: window 0). */
static inline void vaccel_spin_miss(struct vaccel_spin *s)
{
	if (s->misses < VACCEL_SPIN_GIVE_UP)
		s->misses++;
}

#endif /* VACCEL_SPIN_H */
