/* SPDX-License-Identifier: Apache-2.0 */
/* Generators shared by fuzz_smoke.c and fuzz_seeds.c (see fuzz_gen.c). */
#ifndef FUZZ_GEN_H
#define FUZZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_harness.h"

/* xorshift64*, seeded from salt (and FUZZ_SEED in the environment). */
void seed(uint64_t salt);
uint64_t rnd(void);
uint32_t below(uint32_t n);

/* A ring of 2^log2n entries at offset 0 of mem (FUZZ_MEM_SIZE), chains a driver would add. */
void make_ring(uint8_t *mem, unsigned log2n, bool event_idx);

#define UVA_BASE 0x7f1200000000ull
#define NUM_LOG2 4

/* A vhost-user message stream (header + payload, back to back). */
struct stream {
	uint8_t buf[16384];
	size_t len;
	unsigned msgs;
};

/* Negotiation, a memory table, rings and some traffic requests. */
void make_session(struct stream *s);
/* Flip bytes, rewrite fields, cut, splice: the ways a frontend can be wrong. */
void mutate(struct stream *s);

#endif /* FUZZ_GEN_H */
