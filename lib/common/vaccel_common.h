/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel_common.h: small header-only helpers shared by every userspace part
 * (runtime, plugins, daemon, transport libraries, tests, benchmarks). Nothing
 * here has state or is exported from a shared library; a helper belongs here
 * only when two parts would otherwise each write their own copy.
 */
#ifndef VACCEL_COMMON_H
#define VACCEL_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
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

/*
 * Copy n bytes into memory the other side of a ring reads (descriptors, ring
 * entries, request and response blocks), storing them only when they differ
 * from what is there. A store takes the cache line away from the reader, who
 * then misses on it even when the bytes are the same; a call repeated with
 * the same header, a descriptor reused with the same buffer, leave the
 * reader's copy valid this way, and a polled round trip moves fewer lines
 * between the two CPUs. The compare reads a line both sides share: no
 * transfer.
 * Only for bytes the caller owns at that point of the protocol (the peer
 * does not write them); a peer that scribbles on them anyway only garbles
 * what it will itself read.
 */
static inline void vaccel_put_changed(void *dst, const void *src, size_t n)
{
	/* With n a constant the compare is inline, a few words and one branch. */
	if (memcmp(dst, src, n))
		memcpy(dst, src, n);
}

#endif /* VACCEL_COMMON_H */
