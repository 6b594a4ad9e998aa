/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic fuzz smoke test: seeded PRNG, valid rings and vhost-user
 * sessions, then mutated. Runs the same harnesses as the libFuzzer targets
 * (which abort on a broken invariant) plus the real socket path.
 * FUZZ_SEED in the environment changes the seed; the default is fixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fuzz_harness.h"
#include "vhu_priv.h"
#include "vq_priv.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void seed(uint64_t salt)
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
static void make_ring(uint8_t *mem, unsigned log2n, bool event_idx)
{
	uint16_t num = (uint16_t)(1u << log2n);
	size_t data = (vq_ring_bytes(num) + 4095) & ~(size_t)4095;
	struct vq_drv drv;
	unsigned chains = below(num + 1), i, k;

	memset(mem, 0, FUZZ_MEM_SIZE);
	assert_int_equal(vq_drv_init(&drv, num, mem, FUZZ_GPA_BASE, event_idx), 0);
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

static void test_vq_pop_smoke(void **state)
{
	uint8_t *mem = aligned_alloc(4096, FUZZ_MEM_SIZE);
	unsigned i;

	(void)state;
	assert_non_null(mem);
	seed(1);
	for (i = 0; i < 20000; i++) {
		uint8_t p[8];
		unsigned log2n = below(9);
		bool ev = below(2);

		make_ring(mem, log2n, ev);
		p[0] = (uint8_t)log2n;
		p[1] = (uint8_t)((ev ? 1 : 0) | (below(256) & ~1u));
		p[2] = (uint8_t)below(40);
		p[3] = (uint8_t)below(2);
		p[4] = (uint8_t)rnd();
		p[5] = (uint8_t)rnd();
		p[6] = p[7] = 0;
		if (below(8) == 0) { /* start index elsewhere */
			p[6] = (uint8_t)rnd();
			p[7] = (uint8_t)rnd();
		}
		assert_int_equal(fuzz_vq_pop(p, mem, FUZZ_MEM_SIZE), 0);
	}
	/* Pure noise too. */
	for (i = 0; i < 2000; i++) {
		uint8_t p[8];

		for (unsigned k = 0; k < FUZZ_MEM_SIZE; k += 8) {
			uint64_t r = rnd();

			memcpy(mem + k, &r, 8);
		}
		memcpy(p, mem, 8);
		assert_int_equal(fuzz_vq_pop(p, mem + 8, 4096), 0);
	}
	free(mem);
}

/* --------------------------------------------------------- message streams */

#define UVA_BASE 0x7f1200000000ull
#define NUM_LOG2 4

struct stream {
	uint8_t buf[16384];
	size_t len;
	unsigned msgs;
};

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
static void make_session(struct stream *s)
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
static void mutate(struct stream *s)
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
			uint32_t v = vals[below(sizeof(vals) / sizeof(vals[0]))];

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

static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void test_vhu_messages_smoke(void **state)
{
	uint8_t *mem = aligned_alloc(4096, FUZZ_MEM_SIZE);
	struct stream *s = malloc(sizeof(*s));
	unsigned total = 0, sessions = 0;
	int fds_before = count_fds();

	(void)state;
	assert_non_null(mem);
	assert_non_null(s);
	seed(2);
	while (total < 20000) {
		s->msgs = 0;
		make_session(s);
		if (sessions % 10)
			mutate(s);
		make_ring(mem, NUM_LOG2, below(2));
		assert_int_equal(fuzz_vhu_messages(s->buf, s->len, mem, FUZZ_MEM_SIZE), 0);
		total += s->msgs;
		sessions++;
	}
	/* Pure noise, and noise with valid headers. */
	for (unsigned i = 0; i < 2000; i++) {
		s->len = 12 + below(600);
		for (size_t k = 0; k < s->len; k++)
			s->buf[k] = (uint8_t)rnd();
		for (size_t k = 0; k + 12 <= s->len && below(2); k += 12 + below(40)) {
			struct vhu_hdr h = {1 + below(40), VHU_VERSION, below(48)};

			memcpy(s->buf + k, &h, sizeof(h));
		}
		assert_int_equal(fuzz_vhu_messages(s->buf, s->len, mem, 4096), 0);
	}
	assert_int_equal(count_fds(), fds_before);
	print_message("%u messages in %u sessions\n", total, sessions);
	free(s);
	free(mem);
}

/* ------------------------------------------------------------ real sockets */

struct sock_run {
	struct vhu_dev *dev;
	int fd;
	int result;
	unsigned starts, stops;
	const struct stream *s;
	int memfd;
};

static int sk_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd,
		    void *opaque)
{
	struct sock_run *r = opaque;
	struct iovec iov[16];
	struct vq_elem elem;
	int n = 0, ret;

	(void)kick_fd;
	r->starts++;
	while (n++ < 64 && (ret = vq_dev_pop(vq, &elem, iov, 16)) != 0 && ret != -EPROTO)
		if (vq_dev_push(vq, elem.head, 0))
			vhu_dev_notify(dev, index);
	return 0;
}

static void sk_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	struct sock_run *r = opaque;

	(void)dev;
	(void)index;
	r->stops++;
}

static void *sk_serve(void *arg)
{
	struct sock_run *r = arg;

	r->result = vhu_dev_serve(r->dev, r->fd);
	return NULL;
}

/* Write the stream message by message, attaching the fds each request expects. */
static void *sk_write(void *arg)
{
	struct sock_run *r = arg;
	const struct stream *s = r->s;
	size_t off = 0;
	int fd = r->fd;

	while (off < s->len) {
		struct vhu_hdr h = {0};
		size_t n = s->len - off;
		int fds[VHU_MAX_FDS], nfds = 0, i;

		if (n >= sizeof(h)) {
			memcpy(&h, s->buf + off, sizeof(h));
			if (h.size <= VHU_MSG_MAX_PAYLOAD && sizeof(h) + h.size < n)
				n = sizeof(h) + h.size;
			if (h.request == VHU_SET_MEM_TABLE)
				nfds = 1 + below(2);
			else if (h.request >= VHU_SET_VRING_KICK && h.request <= VHU_SET_VRING_ERR)
				nfds = 1;
		}
		for (i = 0; i < nfds; i++)
			fds[i] =
			    h.request == VHU_SET_MEM_TABLE ? r->memfd : eventfd(0, EFD_CLOEXEC);
		/* A failed write means the backend hung up: keep going to free our fds. */
		(void)vhu_write_all(fd, s->buf + off, n, fds, (unsigned)nfds);
		for (i = 0; i < nfds; i++)
			if (fds[i] != r->memfd)
				close(fds[i]);
		off += n;
	}
	shutdown(fd, SHUT_WR);
	return NULL;
}

static void test_socket_smoke(void **state)
{
	static const struct vhu_dev_ops sk_ops = {.queue_start = sk_start, .queue_stop = sk_stop};
	struct vhu_dev_config cfg = {
	    .features = (1ull << 32) | (1ull << 29), .num_queues = 4, .limits = {16, 1 << 16}};
	struct stream *s = malloc(sizeof(*s));
	struct sock_run r = {0};
	uint8_t *mem;
	unsigned i;
	int fds_before;

	(void)state;
	assert_non_null(s);
	seed(3);
	r.memfd = memfd_create("sock-smoke", MFD_CLOEXEC);
	assert_true(r.memfd >= 0);
	assert_int_equal(ftruncate(r.memfd, FUZZ_MEM_SIZE), 0);
	mem = mmap(NULL, FUZZ_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r.memfd, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(vhu_dev_new(&r.dev, &cfg, &sk_ops, &r), 0);
	fds_before = count_fds();
	for (i = 0; i < 400; i++) {
		pthread_t ts, tw;
		int sv[2];
		uint8_t sink[512];

		make_session(s);
		if (i % 4)
			mutate(s);
		make_ring(mem, NUM_LOG2, false);
		r.s = s;
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		r.fd = sv[1];
		assert_int_equal(pthread_create(&ts, NULL, sk_serve, &r), 0);
		/* The writer uses the frontend end; we drain replies from it here. */
		{
			struct sock_run w = r;

			w.fd = sv[0];
			assert_int_equal(pthread_create(&tw, NULL, sk_write, &w), 0);
			while (read(sv[0], sink, sizeof(sink)) > 0)
				;
			pthread_join(tw, NULL);
		}
		pthread_join(ts, NULL);
		close(sv[0]);
		assert_true(r.result == 0 || r.result == -EPROTO || r.result == -EPIPE ||
			    r.result == -ECONNRESET);
		assert_int_equal(r.starts, r.stops);
		assert_int_equal(vhu_dev_features(r.dev), 0);
	}
	vhu_dev_free(r.dev);
	assert_int_equal(count_fds(), fds_before);
	munmap(mem, FUZZ_MEM_SIZE);
	close(r.memfd);
	free(s);
}

static void quiet(int level, const char *msg)
{
	(void)level;
	(void)msg;
}

static int setup(void **state)
{
	(void)state;
	vhu_set_log(quiet);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vq_pop_smoke),
	    cmocka_unit_test(test_vhu_messages_smoke),
	    cmocka_unit_test(test_socket_smoke),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
