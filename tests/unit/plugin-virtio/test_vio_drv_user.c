/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The userspace driver against a scripted fake device (lib/vhost-user
 * backend + lib/virtio device side in this process): wire layout as the
 * device sees it, out-of-order completion, limits checked before sending,
 * protocol violations, a device that disappears mid-request, reconnection
 * with a new generation, and the polling path.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vhu.h"
#include "vio_drv.h"
#include "vq.h"

#define NQ 2

enum mode {
	M_ECHO,	      /* GENOP: write arg i = read arg i+1 (op type skipped) */
	M_BAD_OUTLEN, /* out_len larger than the buffer */
	M_USED0,      /* chain completed with used length 0 */
	M_HANG,	      /* never answer */
	M_STATUS,     /* answer with status fdev.status */
};

struct fq {
	pthread_t thr;
	struct vq_dev *vq;
	int kick_fd;
	atomic_bool stop;
	bool running;
};

static struct {
	char dir[64], sock[128];
	struct vhu_dev *dev;
	int lfd;
	atomic_int conn_fd;
	pthread_t serve_thr;
	struct fq q[NQ];
	atomic_int mode;
	uint8_t status;
	atomic_uint_fast64_t next_id;
	atomic_int connections;
	atomic_int requests;
	atomic_int slow_pending; /* deferred completions still to push */
	/* last request as seen on the wire */
	pthread_mutex_t lock;
	struct virtio_accel_req_hdr last_hdr;
	size_t last_read_bytes, last_write_bytes;
} fdev;

/* Concatenate iov[from, from+n) into dst (at most cap bytes). */
static size_t gather(const struct iovec *iov, unsigned n, uint8_t *dst, size_t cap)
{
	size_t off = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t l = iov[i].iov_len < cap - off ? iov[i].iov_len : cap - off;

		memcpy(dst + off, iov[i].iov_base, l);
		off += l;
	}
	return off;
}

static void scatter(const struct iovec *iov, unsigned n, const uint8_t *src, size_t len)
{
	size_t off = 0;

	for (unsigned i = 0; i < n && off < len; i++) {
		size_t l = iov[i].iov_len < len - off ? iov[i].iov_len : len - off;

		memcpy(iov[i].iov_base, src + off, l);
		off += l;
	}
}

struct slow {
	struct vq_dev *vq;
	unsigned index;
	uint16_t head;
	uint32_t written;
};

static void *slow_push(void *p)
{
	struct slow *s = p;

	usleep(500000);
	if (vq_dev_push(s->vq, s->head, s->written))
		vhu_dev_notify(fdev.dev, s->index);
	free(s);
	atomic_fetch_sub(&fdev.slow_pending, 1);
	return NULL;
}

/* Build the response of one request; returns the used length. */
static uint32_t handle(unsigned index, struct vq_dev *vq, struct vq_elem *e, bool *defer)
{
	static _Thread_local uint8_t rd[1 << 20], wr[1 << 20];
	struct virtio_accel_req_hdr h;
	struct virtio_accel_resp_hdr resp = {0};
	size_t rlen = gather(e->iov, e->nr_read, rd, sizeof(rd));
	uint64_t wlen = e->write_bytes, woff = 0, roff;
	unsigned nr, nw;

	(void)index;
	(void)vq;
	*defer = false;
	atomic_fetch_add(&fdev.requests, 1);
	if (rlen < sizeof(h) || wlen > sizeof(wr))
		return 0;
	memcpy(&h, rd, sizeof(h));
	pthread_mutex_lock(&fdev.lock);
	fdev.last_hdr = h;
	fdev.last_read_bytes = rlen;
	fdev.last_write_bytes = wlen;
	pthread_mutex_unlock(&fdev.lock);
	nr = le16toh(h.nr_read);
	nw = le16toh(h.nr_write);
	memset(wr, 0, wlen);
	roff = sizeof(h) + 24 * (uint64_t)(nr + nw);
	switch (atomic_load(&fdev.mode)) {
	case M_USED0:
		return 0;
	case M_STATUS:
		resp.status = fdev.status;
		break;
	default:
		break;
	}
	if (le16toh(h.code) == VIRTIO_ACCEL_C_CREATE_SESSION ||
	    le16toh(h.code) == VIRTIO_ACCEL_C_REGISTER_RESOURCE)
		resp.id = htole64(atomic_fetch_add(&fdev.next_id, 1) + 1);
	/* Echo: read arg i+1 into write arg i, out_len = bytes copied. */
	uint64_t roffs[64], rlens[64], wcap[64], outl[64];
	struct virtio_accel_arg_hdr a;

	if (nr > 64 || nw > 64)
		return 0;
	for (unsigned i = 0; i < nr + nw; i++) {
		memcpy(&a, rd + sizeof(h) + 24 * i, sizeof(a));
		if (i < nr) {
			rlens[i] = le64toh(a.len);
			roffs[i] = roff;
			roff += rlens[i];
		} else {
			wcap[i - nr] = le64toh(a.len);
		}
	}
	for (unsigned i = 0; i < nw; i++) {
		outl[i] = 0;
		if (i + 1 < nr) {
			uint64_t n = rlens[i + 1] < wcap[i] ? rlens[i + 1] : wcap[i];

			memcpy(wr + woff, rd + roffs[i + 1], n);
			outl[i] = n;
			if (n && rd[roffs[i + 1]] == 'S')
				*defer = true;
		}
		if (atomic_load(&fdev.mode) == M_BAD_OUTLEN)
			outl[i] = wcap[i] + 1;
		woff += wcap[i];
	}
	memcpy(wr + woff, &resp, sizeof(resp));
	for (unsigned i = 0; i < nw && i < 64; i++) {
		uint64_t l = htole64(outl[i]);

		memcpy(wr + woff + sizeof(resp) + 8 * i, &l, 8);
	}
	scatter(e->iov + e->nr_read, e->nr_write, wr, wlen);
	return (uint32_t)wlen;
}

static void *queue_thread(void *p)
{
	struct fq *q = p;
	unsigned index = (unsigned)(q - fdev.q);
	struct iovec iov[64];
	struct vq_elem e;

	while (!atomic_load(&q->stop)) {
		struct pollfd pfd = {.fd = q->kick_fd, .events = POLLIN};
		uint64_t v;
		int r;

		if (poll(&pfd, 1, 50) > 0) {
			ssize_t n = read(q->kick_fd, &v, sizeof(v));

			(void)n;
		}
		while ((r = vq_dev_pop(q->vq, &e, iov, 64)) != 0) {
			bool defer = false;
			uint32_t used;

			if (r < 0 && r != -EBADMSG)
				break;
			if (atomic_load(&fdev.mode) == M_HANG)
				continue;
			used = r == 1 ? handle(index, q->vq, &e, &defer) : 0;
			if (defer) {
				struct slow *s = malloc(sizeof(*s));
				pthread_t t;

				*s = (struct slow){q->vq, index, e.head, used};
				atomic_fetch_add(&fdev.slow_pending, 1);
				pthread_create(&t, NULL, slow_push, s);
				pthread_detach(t);
				continue;
			}
			if (vq_dev_push(q->vq, e.head, used))
				vhu_dev_notify(fdev.dev, index);
		}
		vq_dev_set_notify(q->vq, true);
	}
	return NULL;
}

static int q_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd,
		   void *opaque)
{
	struct fq *q = &fdev.q[index];

	(void)dev;
	(void)opaque;
	q->vq = vq;
	q->kick_fd = kick_fd;
	atomic_store(&q->stop, false);
	q->running = true;
	return pthread_create(&q->thr, NULL, queue_thread, q) ? -ENOMEM : 0;
}

static void q_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	struct fq *q = &fdev.q[index];

	(void)dev;
	(void)opaque;
	if (!q->running)
		return;
	atomic_store(&q->stop, true);
	pthread_join(q->thr, NULL);
	q->running = false;
}

static void *serve_thread(void *p)
{
	(void)p;
	for (;;) {
		int c = accept(fdev.lfd, NULL, NULL);

		if (c < 0)
			return NULL;
		atomic_fetch_add(&fdev.connections, 1);
		atomic_store(&fdev.conn_fd, c);
		vhu_dev_serve(fdev.dev, c);
		atomic_store(&fdev.conn_fd, -1);
	}
}

static const struct vhu_dev_ops fops = {.queue_start = q_start, .queue_stop = q_stop};

static int setup(void **state)
{
	struct virtio_accel_config cfg = {0};
	struct vhu_dev_config dc = {0};

	(void)state;
	memset(&fdev, 0, sizeof(fdev));
	pthread_mutex_init(&fdev.lock, NULL);
	atomic_store(&fdev.conn_fd, -1);
	snprintf(fdev.dir, sizeof(fdev.dir), "/tmp/vio-fdev-XXXXXX");
	if (!mkdtemp(fdev.dir))
		return -1;
	snprintf(fdev.sock, sizeof(fdev.sock), "%s/s", fdev.dir);
	cfg.version = htole32(1);
	cfg.num_queues = htole16(NQ);
	cfg.max_args = htole16(32);
	cfg.max_segments = htole32(8);
	cfg.max_request_bytes = htole64(1 << 20);
	dc.features = (1ull << 32) | (1ull << 29) | (1ull << VIRTIO_ACCEL_F_RESOURCES);
	dc.num_queues = NQ;
	dc.config = &cfg;
	dc.config_len = sizeof(cfg);
	dc.limits = (struct vq_limits){.max_segments = 8, .max_bytes = 1 << 20};
	if (vhu_dev_new(&fdev.dev, &dc, &fops, NULL))
		return -1;
	fdev.lfd = vhu_listen(fdev.sock);
	if (fdev.lfd < 0)
		return -1;
	return pthread_create(&fdev.serve_thr, NULL, serve_thread, NULL) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	/* No deferred completion may touch the device after this. */
	while (atomic_load(&fdev.slow_pending))
		usleep(1000);
	shutdown(fdev.lfd, SHUT_RDWR);
	close(fdev.lfd);
	int c = atomic_load(&fdev.conn_fd);

	if (c >= 0)
		shutdown(c, SHUT_RDWR);
	pthread_join(fdev.serve_thr, NULL);
	vhu_dev_free(fdev.dev);
	unlink(fdev.sock);
	rmdir(fdev.dir);
	return 0;
}

static struct vio_drv *new_drv(uint64_t poll_us)
{
	struct vio_drv *d;
	struct vio_user_opts o = {
	    .socket_path = fdev.sock, .shm_bytes = 8 << 20, .poll_us = poll_us, .ring_size = 16};

	assert_int_equal(vio_drv_user_new(&d, &o), 0);
	return d;
}

static int echo(struct vio_drv *d, const char *in, char *out, size_t cap, struct vio_req *req)
{
	static uint8_t op = 0;
	struct vio_arg rd[2] = {{.buf = &op, .len = 1, .type = 9},
				{.buf = (void *)in, .len = strlen(in) + 1, .type = 28}};
	struct vio_arg *wr = malloc(sizeof(*wr));
	int ret;

	wr[0] = (struct vio_arg){.buf = out, .len = cap, .type = 26};
	*req = (struct vio_req){.code = VIRTIO_ACCEL_C_GENOP,
				.session_id = 1,
				.read = rd,
				.nr_read = 2,
				.write = wr,
				.nr_write = 1};
	ret = d->ops->submit(d, req);
	req->write = NULL;
	if (!ret && req->status == 0)
		ret = (int)wr[0].len;
	free(wr);
	return ret;
}

static void test_roundtrip_and_layout(void **state)
{
	struct vio_drv *d = new_drv(0);
	struct vio_req req;
	struct vio_limits lim;
	char out[64];

	(void)state;
	assert_int_equal(atomic_load(&fdev.connections), 0); /* lazy */
	assert_int_equal(echo(d, "hello", out, sizeof(out), &req), 6);
	assert_string_equal(out, "hello");
	assert_int_equal(atomic_load(&fdev.connections), 1);
	assert_int_equal(le16toh(fdev.last_hdr.code), VIRTIO_ACCEL_C_GENOP);
	assert_int_equal(le16toh(fdev.last_hdr.nr_read), 2);
	assert_int_equal(le16toh(fdev.last_hdr.nr_write), 1);
	assert_int_equal(fdev.last_read_bytes, 40 + 3 * 24 + 1 + 6);
	assert_int_equal(fdev.last_write_bytes, 64 + 16 + 8);
	assert_int_equal(req.gen, 1);
	assert_int_equal(d->ops->info(d, &lim), 0);
	assert_int_equal(lim.num_queues, NQ);
	assert_int_equal(lim.max_args, 32);
	assert_true(lim.features & (1ull << VIRTIO_ACCEL_F_RESOURCES));
	assert_true(lim.features & (1ull << 32));

	/* Create session: the id comes back. */
	req = (struct vio_req){.code = VIRTIO_ACCEL_C_CREATE_SESSION, .flags = 0x80};
	assert_int_equal(d->ops->submit(d, &req), 0);
	assert_int_equal(req.status, 0);
	assert_true(req.id > 0);
	assert_int_equal(le32toh(fdev.last_hdr.flags), 0x80);
	d->ops->close(d);
}

static void test_limits(void **state)
{
	struct vio_drv *d = new_drv(0);
	struct vio_arg rd[40];
	char buf[16];
	static char big[2 << 20];
	struct vio_req req = {.code = VIRTIO_ACCEL_C_GENOP, .read = rd, .nr_read = 40};
	int before;

	(void)state;
	for (int i = 0; i < 40; i++)
		rd[i] = (struct vio_arg){.buf = buf, .len = 1};
	assert_int_equal(echo(d, "x", buf, sizeof(buf), &req), 2); /* connect */
	before = atomic_load(&fdev.requests);
	req = (struct vio_req){.code = VIRTIO_ACCEL_C_GENOP, .read = rd, .nr_read = 40};
	assert_int_equal(d->ops->submit(d, &req), -E2BIG);
	rd[0] = (struct vio_arg){.buf = big, .len = sizeof(big)};
	req.nr_read = 1;
	assert_int_equal(d->ops->submit(d, &req), -E2BIG);
	assert_int_equal(atomic_load(&fdev.requests), before); /* nothing sent */
	d->ops->close(d);
}

static void test_bounce_memory_too_small(void **state)
{
	struct vio_drv *d;
	struct vio_user_opts o = {
	    .socket_path = fdev.sock, .shm_bytes = 512 << 10, .ring_size = 16};
	static char big[600 << 10];
	struct vio_arg rd[] = {{.buf = big, .len = sizeof(big)}};
	struct vio_req req = {.code = VIRTIO_ACCEL_C_GENOP, .read = rd, .nr_read = 1};

	(void)state;
	/* Fits the device's 1 MiB limit but not 512 KiB of shared memory. */
	assert_int_equal(vio_drv_user_new(&d, &o), 0);
	assert_int_equal(d->ops->submit(d, &req), -E2BIG);
	d->ops->close(d);
}

static void *small_echo(void *p)
{
	struct vio_drv *d = p;
	struct vio_req req;
	char out[8];

	assert_int_equal(echo(d, "q", out, sizeof(out), &req), 2);
	return NULL;
}

/*
 * Each queue keeps a spare bounce chunk for its next small request. Those
 * must give way to a request that needs the heap they sit in: after small
 * requests on both queues, one as large as the heap still goes through
 * (it waited forever, alarm() ends the test, before spares were reclaimed).
 */
static void test_spares_give_way(void **state)
{
	struct vio_drv *d;
	struct vio_user_opts o = {
	    .socket_path = fdev.sock, .shm_bytes = 512 << 10, .ring_size = 16};
	static char big[490 << 10], out[8];
	struct vio_arg rd[] = {{.buf = out, .len = 1}, {.buf = big, .len = sizeof(big)}};
	struct vio_arg wr[] = {{.buf = out, .len = sizeof(out)}};
	struct vio_req req = {.code = VIRTIO_ACCEL_C_GENOP,
			      .session_id = 1,
			      .read = rd,
			      .nr_read = 2,
			      .write = wr,
			      .nr_write = 1};
	pthread_t t[NQ];

	(void)state;
	assert_int_equal(vio_drv_user_new(&d, &o), 0);
	/* One thread per queue (threads take queues in turn): every queue keeps a spare. */
	for (int i = 0; i < NQ; i++)
		assert_int_equal(pthread_create(&t[i], NULL, small_echo, d), 0);
	for (int i = 0; i < NQ; i++)
		pthread_join(t[i], NULL);
	memset(big, 'b', sizeof(big));
	alarm(20);
	assert_int_equal(d->ops->submit(d, &req), 0);
	alarm(0);
	assert_int_equal(req.status, 0);
	assert_int_equal(wr[0].len, sizeof(out)); /* the big arg's first bytes, echoed */
	assert_memory_equal(out, big, sizeof(out));
	d->ops->close(d);
}

struct client {
	struct vio_drv *d;
	const char *msg;
	double end; /* completion time */
	int ret;
	char out[32];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *client(void *p)
{
	struct client *c = p;
	struct vio_req req;

	c->ret = echo(c->d, c->msg, c->out, sizeof(c->out), &req);
	c->end = now();
	return NULL;
}

static void test_out_of_order(void **state)
{
	struct vio_drv *d = new_drv(0);
	struct client slow = {.d = d, .msg = "Slow"}, fast[8];
	pthread_t ts, tf[8];
	char buf[8];
	struct vio_req req;

	(void)state;
	assert_int_equal(echo(d, "x", buf, sizeof(buf), &req), 2);
	pthread_create(&ts, NULL, client, &slow);
	usleep(20000);
	for (int i = 0; i < 8; i++) {
		fast[i] = (struct client){.d = d, .msg = "fast"};
		pthread_create(&tf[i], NULL, client, &fast[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(tf[i], NULL);
		assert_int_equal(fast[i].ret, 5);
		assert_string_equal(fast[i].out, "fast");
	}
	pthread_join(ts, NULL);
	assert_int_equal(slow.ret, 5);
	assert_string_equal(slow.out, "Slow");
	/* Submitted after it, completed before it: nobody waited behind the
	 * slow request, on its queue or the other one. */
	for (int i = 0; i < 8; i++)
		assert_true(fast[i].end < slow.end);
	d->ops->close(d);
}

static void test_polling(void **state)
{
	struct vio_drv *d = new_drv(200);
	char out[16];
	struct vio_req req;

	(void)state;
	for (int i = 0; i < 200; i++) {
		assert_int_equal(echo(d, "poll", out, sizeof(out), &req), 5);
		assert_string_equal(out, "poll");
	}
	d->ops->close(d);
}

static void test_protocol_violations(void **state)
{
	struct vio_drv *d = new_drv(0);
	char out[16];
	struct vio_req req;

	(void)state;
	atomic_store(&fdev.mode, M_BAD_OUTLEN);
	assert_int_equal(echo(d, "abc", out, sizeof(out), &req), -EIO);
	atomic_store(&fdev.mode, M_USED0);
	assert_int_equal(echo(d, "abc", out, sizeof(out), &req), -EIO);
	atomic_store(&fdev.mode, M_STATUS);
	fdev.status = VIRTIO_ACCEL_S_INVSESS;
	assert_int_equal(echo(d, "abc", out, sizeof(out), &req), 0);
	assert_int_equal(req.status, VIRTIO_ACCEL_S_INVSESS);
	atomic_store(&fdev.mode, M_ECHO);
	assert_int_equal(echo(d, "abc", out, sizeof(out), &req), 4);
	d->ops->close(d);
}

struct hang_client {
	struct vio_drv *d;
	int ret;
};

static void *hang_client(void *p)
{
	struct hang_client *h = p;
	char out[8];
	struct vio_req req;

	h->ret = echo(h->d, "zzz", out, sizeof(out), &req);
	return NULL;
}

static void test_device_gone_and_reconnect(void **state)
{
	struct vio_drv *d = new_drv(0);
	struct hang_client h[3];
	pthread_t t[3];
	struct vio_req req, old;
	char out[8];
	double t0;

	(void)state;
	assert_int_equal(echo(d, "a", out, sizeof(out), &old), 2);
	assert_int_equal(old.gen, 1);
	atomic_store(&fdev.mode, M_HANG);
	for (int i = 0; i < 3; i++) {
		h[i] = (struct hang_client){.d = d, .ret = 1};
		pthread_create(&t[i], NULL, hang_client, &h[i]);
	}
	usleep(100000);
	t0 = now();
	/* The device side drops the connection: every waiter fails, promptly. */
	shutdown(atomic_load(&fdev.conn_fd), SHUT_RDWR);
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(h[i].ret, -EIO);
	}
	assert_true(now() - t0 < 2.0);
	atomic_store(&fdev.mode, M_ECHO);
	/* Next request reconnects, in a new generation. */
	assert_int_equal(echo(d, "b", out, sizeof(out), &req), 2);
	assert_int_equal(req.gen, 2);
	assert_int_equal(atomic_load(&fdev.connections), 2);
	/* Ids of generation 1 are refused without reaching the device. */
	req = (struct vio_req){.code = VIRTIO_ACCEL_C_DESTROY_SESSION, .session_id = 1, .gen = 1};
	assert_int_equal(d->ops->submit(d, &req), -ESTALE);
	d->ops->close(d);
}

static void test_no_device(void **state)
{
	struct vio_drv *d;
	struct vio_user_opts o = {
	    .socket_path = "/nonexistent/sock", .shm_bytes = 1 << 20, .ring_size = 16};
	struct vio_req req = {.code = VIRTIO_ACCEL_C_CREATE_SESSION};

	(void)state;
	assert_int_equal(vio_drv_user_new(&d, &o), 0);
	assert_int_equal(d->ops->submit(d, &req), -ENODEV);
	d->ops->close(d);
	o.ring_size = 3;
	assert_int_equal(vio_drv_user_new(&d, &o), -EINVAL);
}

/* A test run with the fixture above: setup() before, teardown() after. */
#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FIXTURE_TEST(test_roundtrip_and_layout),
	    FIXTURE_TEST(test_limits),
	    FIXTURE_TEST(test_bounce_memory_too_small),
	    FIXTURE_TEST(test_spares_give_way),
	    FIXTURE_TEST(test_out_of_order),
	    FIXTURE_TEST(test_polling),
	    FIXTURE_TEST(test_protocol_violations),
	    FIXTURE_TEST(test_device_gone_and_reconnect),
	    cmocka_unit_test(test_no_device),
	};

	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
