/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel_common.h: small header-only helpers shared by every userspace part
 * (runtime, plugins, daemon, transport libraries, tests, benchmarks). Nothing
 * here has state or is exported from a shared library; a helper belongs here
 * only when two parts would otherwise each write their own copy.
 */
#ifndef VACCEL_COMMON_H
#define VACCEL_COMMON_H

#include <stdint.h>
#include <time.h>

/* Element count of an array. Given a pointer instead, the bit-field width is
 * 0 and the build fails, rather than silently dividing a pointer's size. */
#define VACCEL_MUST_BE_ARRAY(a)                                                                    \
	(0 * sizeof(struct {                                                                       \
		 int not_an_array                                                                  \
		     : !__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0]));          \
	 }))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]) + VACCEL_MUST_BE_ARRAY(a))

/* Nanoseconds on the given clock (CLOCK_MONOTONIC for timeouts and spin
 * windows, CLOCK_MONOTONIC_RAW where the prof API's clock is wanted). */
static inline uint64_t vaccel_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One polite busy-wait step: lets the sibling hyperthread (or, under
 * emulation, the other vCPU) run while we spin on shared memory. */
static inline void vaccel_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

#endif /* VACCEL_COMMON_H */
