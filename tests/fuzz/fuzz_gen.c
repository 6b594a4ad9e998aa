/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Generators shared by the deterministic fuzz smoke test and the seed
 * corpora of the libFuzzer targets (fuzz_seeds.c): a seeded PRNG, ring
 * images a driver would lay out (then corrupted a bit), and vhost-user
 * message streams of a plausible session (then mutated).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_gen.h"
#include "vaccel_common.h"
#include "vhu_priv.h"
#include "vq_priv.h"

static uint64_t rng_state;

uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

void seed(uint64_t salt)
{
	const char *s = getenv("FUZZ_SEED");

	rng_state = (s ? strtoull(s, NULL, 0) : 0x5eed1234abcdull) ^ salt;
	if (!rng_state)
		rng_state = 1;
}

/* ------------------------------------------------------------- ring images */

/*
 * Build a ring of 2^log2n entries at offset 0 of mem with random chains
 * (direct and hand-made indirect), as a driver would, then corrupt it a bit.
 */
void make_ring(uint8_t *mem, unsigned log2n, bool event_idx)
{
	uint16_t num = (uint16_t)(1u << log2n);
	size_t data = (vq_ring_bytes(num) + 4095) & ~(size_t)4095;
	struct vq_drv drv;
	unsigned chains = below(num + 1), i, k;

	memset(mem, 0, FUZZ_MEM_SIZE);
	if (vq_drv_init(&drv, num, mem, FUZZ_GPA_BASE, event_idx))
		abort();
	for (i = 0; i < chains; i++) {
		struct vq_buf b[8];
		unsigned nr = 1 + below(8), nw = below(nr + 1);

		for (k = 0; k < nr; k++) {
			b[k].addr = FUZZ_GPA_BASE + data + below((uint32_t)(FUZZ_MEM_SIZE - data));
			b[k].len = below(2048);
			if (below(20) == 0)
				b[k].addr = rnd(); /* wild pointer */
		}
		if (vq_drv_add(&drv, b, nr - nw, nw, (void *)(uintptr_t)(i + 1)))
			break;
	}
	/* Turn some heads into indirect descriptors pointing at random tables. */
	for (i = 0; i < drv.avail_idx && below(3) == 0; i++) {
		uint16_t head = drv.avail->ring[below(drv.avail_idx) & (num - 1)] & (num - 1);
		uint32_t toff =
		    (uint32_t)(data + below((uint32_t)(FUZZ_MEM_SIZE - data - 1024))) & ~15u;
		struct vring_desc *t = (struct vring_desc *)(mem + toff);
		unsigned n = 1 + below(12);

		for (k = 0; k < n; k++) {
			t[k].addr = FUZZ_GPA_BASE + data + below(4096);
			t[k].len = below(512);
			t[k].flags = (uint16_t)((k + 1 < n ? VRING_DESC_F_NEXT : 0) |
						(k >= n / 2 ? VRING_DESC_F_WRITE : 0) |
						(below(30) == 0 ? VRING_DESC_F_INDIRECT : 0));
			t[k].next = (uint16_t)(below(10) == 0 ? below(16) : k + 1);
		}
		drv.desc[head].addr = FUZZ_GPA_BASE + toff;
		drv.desc[head].len = (uint32_t)(below(15) == 0 ? below(300) : n * 16);
		drv.desc[head].flags = VRING_DESC_F_INDIRECT;
	}
	/* Corrupt a few bytes of the ring itself, now and then the avail index. */
	for (k = below(6); k; k--)
		mem[below((uint32_t)vq_ring_bytes(num))] = (uint8_t)rnd();
	if (below(10) == 0)
		drv.avail->idx = (uint16_t)rnd();
	vq_drv_destroy(&drv);
}

/* --------------------------------------------------------- message streams */

static void put(struct stream *s, uint32_t req, uint32_t flags, const void *p, uint32_t size)
{
	struct vhu_hdr h = {req, VHU_VERSION | flags, size};

	if (s->len + sizeof(h) + size > sizeof(s->buf))
		return;
	memcpy(s->buf + s->len, &h, sizeof(h));
	if (size)
		memcpy(s->buf + s->len + sizeof(h), p, size);
	s->len += sizeof(h) + size;
	s->msgs++;
}

static void put_u64(struct stream *s, uint32_t req, uint64_t v)
{
	put(s, req, below(4) == 0 ? VHU_FLAG_NEED_REPLY : 0, &v, 8);
}

static void put_state(struct stream *s, uint32_t req, uint32_t idx, uint32_t num)
{
	struct vhu_vring_state st = {idx, num};

	put(s, req, 0, &st, sizeof(st));
}

/* A plausible session: negotiation, memory, rings, some traffic requests. */
void make_session(struct stream *s)
{
	uint16_t num = 1u << NUM_LOG2;
	struct vhu_wire_memory m = {1, 0, {{FUZZ_GPA_BASE, FUZZ_MEM_SIZE, UVA_BASE, 0}}};
	unsigned q, nq = 1 + below(4);

	s->len = 0;
	put(s, VHU_GET_FEATURES, 0, NULL, 0);
	put_u64(s, VHU_SET_FEATURES,
		(1ull << 32) | (below(2) ? 1ull << 29 : 0) |
		    (below(2) ? 1ull << VHU_F_PROTOCOL_FEATURES : 0));
	put(s, VHU_GET_PROTOCOL_FEATURES, 0, NULL, 0);
	put_u64(s, VHU_SET_PROTOCOL_FEATURES, below(2) ? 0x209 : 0x8);
	put(s, VHU_SET_OWNER, 0, NULL, 0);
	put(s, VHU_GET_QUEUE_NUM, 0, NULL, 0);
	if (below(3) == 0) {
		m.nregions = 2;
		m.regions[0].size = FUZZ_MEM_SIZE / 2;
		m.regions[1] =
		    (struct vhu_wire_region){FUZZ_GPA_BASE + FUZZ_MEM_SIZE / 2, FUZZ_MEM_SIZE / 2,
					     UVA_BASE + FUZZ_MEM_SIZE / 2, FUZZ_MEM_SIZE / 2};
	}
	put(s, VHU_SET_MEM_TABLE, 0, &m, 8 + m.nregions * 32);
	for (q = 0; q < nq; q++) {
		struct vhu_vring_addr a = {
		    q, 0, UVA_BASE, UVA_BASE + vq_used_off(num), UVA_BASE + vq_avail_off(num), 0};

		put_state(s, VHU_SET_VRING_NUM, q, num);
		put(s, VHU_SET_VRING_ADDR, 0, &a, sizeof(a));
		put_state(s, VHU_SET_VRING_BASE, q, 0);
		put_u64(s, VHU_SET_VRING_CALL, q);
		put_u64(s, VHU_SET_VRING_KICK, q);
		put_state(s, VHU_SET_VRING_ENABLE, q, 1);
	}
	{
		struct vhu_wire_config c = {below(8), below(20), 0, {0}};

		put(s, VHU_GET_CONFIG, 0, &c, VHU_CONFIG_HDR + c.size);
	}
	put(s, VHU_GET_MAX_MEM_SLOTS, 0, NULL, 0);
	put(s, VHU_SET_MEM_TABLE, 0, &m, 8 + m.nregions * 32);
	put_state(s, VHU_GET_VRING_BASE, below(nq + 1), 0);
	put_state(s, VHU_SET_VRING_ENABLE, 0, 0);
	put(s, VHU_RESET_OWNER, 0, NULL, 0);
}

/* Flip bytes, rewrite fields, cut, splice: the ways a frontend can be wrong. */
void mutate(struct stream *s)
{
	unsigned n = below(6), i;

	for (i = 0; i < n && s->len; i++) {
		size_t at = below((uint32_t)s->len);

		switch (below(6)) {
		case 0:
			s->buf[at] ^= (uint8_t)(1u << below(8));
			break;
		case 1:
			s->buf[at] = (uint8_t)rnd();
			break;
		case 2: { /* a 32-bit field to an interesting value */
			static const uint32_t vals[] = {0,     1,     8,    9,		16,
							255,   256,   257,  0x7fffffff, 0xffffffff,
							65535, 65536, 1024, 2048};
			uint32_t v = vals[below(ARRAY_SIZE(vals))];

			at &= ~(size_t)3;
			if (at + 4 <= s->len)
				memcpy(s->buf + at, &v, 4);
			break;
		}
		case 3:
			s->len = at; /* truncate */
			break;
		case 4: { /* duplicate a chunk */
			size_t from = below((uint32_t)s->len), len = below(64);

			if (from + len <= s->len && s->len + len <= sizeof(s->buf)) {
				memmove(s->buf + at + len, s->buf + at, s->len - at);
				memmove(s->buf + at, s->buf + from + (from >= at ? len : 0), len);
				s->len += len;
			}
			break;
		}
		default: { /* 64-bit field to a random value */
			uint64_t v = rnd();

			at &= ~(size_t)7;
			if (at + 8 <= s->len)
				memcpy(s->buf + at, &v, 8);
			break;
		}
		}
	}
}
