/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vq internals shared by the device and driver sides: single-copy accesses
 * to ring memory the other side writes concurrently, and ring geometry.
 */
#ifndef VQ_PRIV_H
#define VQ_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "vq.h"

/*
 * Hard cap on descriptors per chain, whatever the limits say. Large
 * arguments from pinned guest pages need one descriptor per physically
 * contiguous run (a 256 MiB argument can be 65536 pages), so the real bound
 * is the limit the device advertises; this only keeps a misconfigured
 * limit from being unbounded (a 16 MiB indirect table).
 */
#define VQ_MAX_INDIRECT VQ_MAX_SEGMENTS

static inline bool vq_num_valid(unsigned num)
{
	return num >= 1 && num <= VQ_MAX_SIZE && (num & (num - 1)) == 0;
}

static inline uint16_t vq_load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static inline uint16_t vq_load16_acquire(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static inline uint32_t vq_load32(const void *p)
{
	return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
}

static inline void vq_store16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

static inline void vq_store16_release(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
}

/* Offsets of the three parts inside one ring allocation (driver side). */
static inline size_t vq_avail_off(uint16_t num)
{
	return (size_t)num * sizeof(struct vring_desc);
}

static inline size_t vq_used_off(uint16_t num)
{
	size_t end = vq_avail_off(num) + 6 + 2 * (size_t)num; /* flags, idx, ring, used_event */

	return (end + 3) & ~(size_t)3;
}

#endif /* VQ_PRIV_H */
