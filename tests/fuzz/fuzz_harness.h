/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harnesses shared by the libFuzzer entry points and the deterministic
 * fuzz-smoke test. Each returns 0, or aborts on a broken invariant (so
 * libFuzzer reports it and the smoke test dies loudly).
 */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Guest memory image size both harnesses use. */
#define FUZZ_MEM_SIZE 65536u
/* Where that memory sits in guest-physical space. */
#define FUZZ_GPA_BASE 0x10000ull

/*
 * Feed a byte stream of vhost-user messages (header + payload, back to back)
 * to a fresh backend through its message handler, with memory whose contents
 * are mem[0..mem_len) (zero-padded). fds are made up per request: memfds for
 * SET_MEM_TABLE, eventfds for the vring fd requests. Queues that start are
 * drained synchronously, so ring contents are fuzzed too.
 */
int fuzz_vhu_messages(const uint8_t *msgs, size_t len, const uint8_t *mem, size_t mem_len);

/*
 * Pop every chain of a ring whose memory image is mem (ring at offset 0,
 * buffers anywhere in FUZZ_MEM_SIZE), with ring size, EVENT_IDX, limits and
 * start index taken from params[0..8).
 */
int fuzz_vq_pop(const uint8_t params[8], const uint8_t *mem, size_t mem_len);

/*
 * A well-behaved frontend up to the rings, whose size, part addresses and
 * start index come from params[0..16) (see fuzz_harness.c), over a sealed
 * memory image mem: queue start (translation, alignment, overlap checks)
 * and pop on fuzzed rings.
 */
int fuzz_vq_start(const uint8_t params[16], const uint8_t *mem, size_t mem_len);

/*
 * The backend every harness serves with (opaque: a struct fuzz_backend): it
 * drains each queue as it starts, checking every chain it pops (aborts on a
 * broken invariant), and counts starts and stops.
 */
struct fuzz_backend {
	unsigned starts, stops;
};
struct vhu_dev_ops;
extern const struct vhu_dev_ops fuzz_backend_ops;

/* libFuzzer-style wrappers: split one input into the pieces above. */
int fuzz_vhu_input(const uint8_t *data, size_t size);
int fuzz_vq_input(const uint8_t *data, size_t size);
int fuzz_vq_start_input(const uint8_t *data, size_t size);

#endif /* FUZZ_HARNESS_H */
