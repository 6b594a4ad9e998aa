/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic fuzz smoke test: seeded PRNG, valid rings and vhost-user
 * sessions, then mutated. Runs the same harnesses as the libFuzzer targets
 * (which abort on a broken invariant) plus the real socket path.
 * FUZZ_SEED in the environment changes the seed; the default is fixed.
 */
#include <errno.h>
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

#include "fd_count.h"
#include "fuzz_gen.h"
#include "fuzz_harness.h"
#include "vhu_priv.h"
#include "vq_priv.h"

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

/* Queue start on sealed memory: sane layouts (queues start, rings drain) and wild ones. */
static void test_vq_start_smoke(void **state)
{
	uint8_t *mem = aligned_alloc(4096, FUZZ_MEM_SIZE);
	int fds_before = fd_count_open();

	(void)state;
	assert_non_null(mem);
	seed(3);
	for (unsigned i = 0; i < 3000; i++) {
		uint8_t p[16];
		unsigned log2n = below(9);
		uint16_t num = (uint16_t)(1u << log2n), off[3] = {0, 0, 0};

		for (size_t k = 0; k < sizeof(p); k++)
			p[k] = (uint8_t)rnd();
		p[0] = (uint8_t)log2n;
		if (below(2)) { /* the layout a driver uses (offsets in 2-byte units) */
			off[1] = (uint16_t)(vq_avail_off(num) / 2);
			off[2] = (uint16_t)(vq_used_off(num) / 2);
			if (below(4) == 0) /* used on avail */
				off[2] = off[1];
			memcpy(p + 2, off, sizeof(off));
			p[10] = (uint8_t)(16 + below(200));
			p[11] = 0x10;
		}
		make_ring(mem, log2n, p[1] & 1);
		assert_int_equal(fuzz_vq_start(p, mem, FUZZ_MEM_SIZE), 0);
	}
	assert_int_equal(fd_count_open(), fds_before);
	free(mem);
}

static void test_vhu_messages_smoke(void **state)
{
	uint8_t *mem = aligned_alloc(4096, FUZZ_MEM_SIZE);
	struct stream *s = malloc(sizeof(*s));
	unsigned total = 0, sessions = 0;
	int fds_before = fd_count_open();

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
	assert_int_equal(fd_count_open(), fds_before);
	print_message("%u messages in %u sessions\n", total, sessions);
	free(s);
	free(mem);
}

/* ------------------------------------------------------------ real sockets */

struct sock_run {
	struct fuzz_backend fb; /* the backend's opaque */
	struct vhu_dev *dev;
	int fd;
	int result;
	const struct stream *s;
	int memfd;
};

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
	assert_int_equal(vhu_dev_new(&r.dev, &cfg, &fuzz_backend_ops, &r.fb), 0);
	fds_before = fd_count_open();
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
		assert_int_equal(r.fb.starts, r.fb.stops);
		assert_int_equal(vhu_dev_features(r.dev), 0);
	}
	vhu_dev_free(r.dev);
	assert_int_equal(fd_count_open(), fds_before);
	munmap(mem, FUZZ_MEM_SIZE);
	close(r.memfd);
	free(s);
}

static void quiet(int level, const char *msg)
{
	(void)level;
	(void)msg;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vq_pop_smoke),
	    cmocka_unit_test(test_vhu_messages_smoke),
	    cmocka_unit_test(test_vq_start_smoke),
	    cmocka_unit_test(test_socket_smoke),
	};

	vhu_set_log(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
