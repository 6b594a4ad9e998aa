/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user tests: a backend (vhu_dev_serve) on a thread and a frontend
 * (vhu_front_*) on a socketpair or a listening socket, with guest memory in
 * a memfd both sides map. The backend's queue worker echoes requests
 * (each byte + 1) so a data round trip crosses the socket and the ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "vhu.h"
#include "vhu_priv.h"
#include "vaccel_common.h"

#define NQ 2
#define MEM_SIZE (1u << 20)
#define GPA_BASE 0x40000000ull
#define RING_NUM 16
#define DATA_OFF (128u * 1024)
#define F_VERSION_1 (1ull << 32)
#define F_EVENT_IDX (1ull << VIRTIO_RING_F_EVENT_IDX)

static const uint8_t test_config[24] = {1,  2,	3,  4,	5,  6,	7,  8,	9,  10, 11, 12,
					13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};

/* ------------------------------------------------------------- backend */

struct worker {
	struct vhu_dev *dev;
	unsigned index;
	struct vq_dev *vq;
	int kick_fd;
	int stop_fd;
	pthread_t th;
	bool running;
};

struct backend {
	struct vhu_dev *dev;
	struct worker w[NQ];
	int starts, stops, disconnects;
	int serve_fd;
	int result;
	pthread_t th;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct iovec iov[16];
	struct vq_elem elem;

	for (;;) {
		struct pollfd p[2] = {{w->kick_fd, POLLIN, 0}, {w->stop_fd, POLLIN, 0}};
		uint64_t v;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			return NULL;
		if (read(w->kick_fd, &v, sizeof(v)) < 0)
			continue;
		for (;;) {
			int r;

			vq_dev_set_notify(w->vq, false);
			while ((r = vq_dev_pop(w->vq, &elem, iov, 16)) != 0) {
				uint32_t written = 0;

				if (r == -EPROTO)
					break;
				if (r == 1 && elem.nr_read >= 1 && elem.nr_write >= 1) {
					const uint8_t *in = iov[0].iov_base;
					uint8_t *out = iov[elem.nr_read].iov_base;
					size_t n = iov[0].iov_len < iov[elem.nr_read].iov_len
						       ? iov[0].iov_len
						       : iov[elem.nr_read].iov_len;

					for (size_t i = 0; i < n; i++)
						out[i] = (uint8_t)(in[i] + 1);
					written = (uint32_t)n;
				}
				if (vq_dev_push(w->vq, elem.head, written))
					vhu_dev_notify(w->dev, w->index);
			}
			vq_dev_set_notify(w->vq, true);
			if (!vq_dev_avail_pending(w->vq))
				break;
		}
	}
}

static int q_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd,
		   void *opaque)
{
	struct backend *b = opaque;
	struct worker *w = &b->w[index];

	assert_true(index < NQ);
	assert_false(w->running);
	w->dev = dev;
	w->index = index;
	w->vq = vq;
	w->kick_fd = kick_fd;
	w->stop_fd = eventfd(0, EFD_CLOEXEC);
	assert_true(w->stop_fd >= 0);
	assert_int_equal(pthread_create(&w->th, NULL, worker_main, w), 0);
	w->running = true;
	b->starts++;
	return 0;
}

static void q_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	struct backend *b = opaque;
	struct worker *w = &b->w[index];
	uint64_t one = 1;

	(void)dev;
	assert_true(w->running);
	assert_int_equal(write(w->stop_fd, &one, sizeof(one)), sizeof(one));
	pthread_join(w->th, NULL);
	close(w->stop_fd);
	w->running = false;
	b->stops++;
}

static void q_disconnect(struct vhu_dev *dev, void *opaque)
{
	struct backend *b = opaque;

	(void)dev;
	b->disconnects++;
}

static const struct vhu_dev_ops ops = {
    .queue_start = q_start, .queue_stop = q_stop, .disconnect = q_disconnect};

static struct backend *backend_new(void)
{
	struct backend *b = calloc(1, sizeof(*b));
	struct vhu_dev_config cfg = {
	    .features = F_VERSION_1 | F_EVENT_IDX,
	    .num_queues = NQ,
	    .config = test_config,
	    .config_len = sizeof(test_config),
	    .limits = {16, 1 << 20},
	};

	assert_non_null(b);
	assert_int_equal(vhu_dev_new(&b->dev, &cfg, &ops, b), 0);
	return b;
}

static void backend_free(struct backend *b)
{
	vhu_dev_free(b->dev);
	free(b);
}

static void *serve_main(void *arg)
{
	struct backend *b = arg;

	b->result = vhu_dev_serve(b->dev, b->serve_fd);
	return NULL;
}

/* Start serving one end of a fresh socketpair; return a frontend on the other. */
static struct vhu_front *connect_pair(struct backend *b)
{
	struct vhu_front *f;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	b->serve_fd = sv[1];
	b->result = 1;
	assert_int_equal(pthread_create(&b->th, NULL, serve_main, b), 0);
	assert_int_equal(vhu_front_from_fd(&f, sv[0]), 0);
	return f;
}

/* Wait for the backend to finish the connection; return serve()'s result. */
static int finish(struct backend *b, struct vhu_front *f)
{
	if (f)
		vhu_front_close(f);
	pthread_join(b->th, NULL);
	/* Nothing survives a connection. */
	assert_int_equal(b->dev->nregions, 0);
	for (unsigned i = 0; i < NQ; i++) {
		assert_false(b->w[i].running);
		assert_int_equal(b->dev->queues[i].kick_fd, -1);
		assert_int_equal(b->dev->queues[i].call_fd, -1);
	}
	assert_int_equal(b->starts, b->stops);
	assert_int_equal(vhu_dev_features(b->dev), 0);
	return b->result;
}

/* ------------------------------------------------------------ frontend */

struct guest {
	int memfd;
	uint8_t *mem;
	struct vq_drv drv[NQ];
	int kick[NQ], call[NQ];
	bool no_event_idx; /* negotiate without EVENT_IDX */
};

static uint64_t to_gpa(struct guest *g, const void *p)
{
	return GPA_BASE + (uint64_t)((const uint8_t *)p - g->mem);
}

static struct guest *guest_new(void)
{
	struct guest *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	g->memfd = memfd_create("vhu-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_true(g->memfd >= 0);
	assert_int_equal(ftruncate(g->memfd, MEM_SIZE), 0);
	assert_int_equal(fcntl(g->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	g->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, g->memfd, 0);
	assert_true(g->mem != MAP_FAILED);
	for (unsigned i = 0; i < NQ; i++) {
		g->kick[i] = eventfd(0, EFD_CLOEXEC);
		g->call[i] = eventfd(0, EFD_CLOEXEC);
		assert_true(g->kick[i] >= 0 && g->call[i] >= 0);
	}
	return g;
}

static void guest_free(struct guest *g)
{
	for (unsigned i = 0; i < NQ; i++) {
		vq_drv_destroy(&g->drv[i]);
		close(g->kick[i]);
		close(g->call[i]);
	}
	munmap(g->mem, MEM_SIZE);
	close(g->memfd);
	free(g);
}

static struct vhu_mem_region region_of(struct guest *g)
{
	struct vhu_mem_region r = {GPA_BASE, MEM_SIZE, (uintptr_t)g->mem, 0, g->memfd};

	return r;
}

/* Full negotiation as QEMU does it. */
static bool negotiate_no_event_idx;

static void negotiate(struct vhu_front *f, bool protocol)
{
	uint64_t feat, pf, n;

	assert_int_equal(vhu_front_get_features(f, &feat), 0);
	assert_true(feat & (1ull << VHU_F_PROTOCOL_FEATURES));
	assert_true(feat & F_VERSION_1);
	assert_true(feat & F_EVENT_IDX);
	if (protocol) {
		assert_int_equal(vhu_front_get_protocol_features(f, &pf), 0);
		assert_true(pf & (1ull << VHU_PROTOCOL_F_MQ));
		assert_true(pf & (1ull << VHU_PROTOCOL_F_REPLY_ACK));
		assert_true(pf & (1ull << VHU_PROTOCOL_F_CONFIG));
		assert_int_equal(vhu_front_set_protocol_features(f, pf), 0);
		assert_int_equal(vhu_front_get_queue_num(f, &n), 0);
		assert_int_equal(n, NQ);
	} else {
		feat &= ~(1ull << VHU_F_PROTOCOL_FEATURES);
	}
	if (negotiate_no_event_idx)
		feat &= ~F_EVENT_IDX;
	assert_int_equal(vhu_front_set_owner(f), 0);
	assert_int_equal(vhu_front_set_features(f, feat), 0);
}

/* Set up queue q's ring in guest memory and hand it to the backend with `call_fd`. */
static void setup_queue_call(struct guest *g, struct vhu_front *f, unsigned q, int call_fd)
{
	uint8_t *ring = g->mem + q * 16384;
	struct vhu_vring_setup s = {.num = RING_NUM, .kick_fd = g->kick[q], .call_fd = call_fd};

	assert_int_equal(vq_drv_init(&g->drv[q], RING_NUM, ring, to_gpa(g, ring), !g->no_event_idx),
			 0);
	s.desc_uva = (uintptr_t)g->drv[q].desc;
	s.avail_uva = (uintptr_t)g->drv[q].avail;
	s.used_uva = (uintptr_t)g->drv[q].used;
	s.base = g->drv[q].avail_idx;
	assert_int_equal(vhu_front_setup_vring(f, q, &s), 0);
}

static void setup_queue(struct guest *g, struct vhu_front *f, unsigned q)
{
	setup_queue_call(g, f, q, g->call[q]);
}

/*
 * Queue an 8-byte request on queue 0 and wait, polling the used ring rather than the call
 * fd, until the backend completes it; returns the used length. `must_kick`: the ring
 * must ask for a kick (it may not, with event idx, while the backend is still polling).
 */
static uint32_t polled_request(struct guest *g, bool must_kick)
{
	struct vq_buf bufs[2] = {{to_gpa(g, g->mem + DATA_OFF), 8},
				 {to_gpa(g, g->mem + DATA_OFF + 64), 8}};
	uint64_t v = 1;
	uint32_t len;
	int tries = 0;
	bool kick;

	assert_int_equal(vq_drv_add(&g->drv[0], bufs, 1, 1, g), 0);
	kick = vq_drv_kick_prepare(&g->drv[0]);
	if (must_kick)
		assert_true(kick);
	if (kick)
		assert_int_equal(write(g->kick[0], &v, 8), 8);
	while (!vq_drv_get_used(&g->drv[0], &len)) {
		assert_true(++tries < 5000);
		usleep(1000);
	}
	return len;
}

/* A backend, one front connected and negotiated with it, and a guest whose memory it maps. */
struct conn {
	struct backend *b;
	struct vhu_front *f;
	struct guest *g;
};

static void conn_open(struct conn *c)
{
	struct vhu_mem_region r;

	c->b = backend_new();
	c->f = connect_pair(c->b);
	c->g = guest_new();
	r = region_of(c->g);
	negotiate(c->f, true);
	assert_int_equal(vhu_front_set_mem_table(c->f, &r, 1), 0);
}

/* The front disconnects cleanly; everything is freed. */
static void conn_close(struct conn *c)
{
	assert_int_equal(finish(c->b, c->f), 0);
	guest_free(c->g);
	backend_free(c->b);
}

/* Send one request on queue q and wait for the echo. */
static void round_trip(struct guest *g, unsigned q, uint8_t seed)
{
	uint8_t *in = g->mem + DATA_OFF + q * 8192, *out = in + 4096;
	struct vq_buf bufs[2] = {{to_gpa(g, in), 100}, {to_gpa(g, out), 100}};
	uint64_t v = 1;
	uint32_t len = 0;
	void *tok;

	for (int i = 0; i < 100; i++)
		in[i] = (uint8_t)(seed + i);
	memset(out, 0, 100);
	assert_int_equal(vq_drv_add(&g->drv[q], bufs, 1, 1, in), 0);
	if (vq_drv_kick_prepare(&g->drv[q]))
		assert_int_equal(write(g->kick[q], &v, sizeof(v)), sizeof(v));
	for (;;) {
		struct pollfd p = {g->call[q], POLLIN, 0};

		tok = vq_drv_get_used(&g->drv[q], &len);
		if (tok)
			break;
		assert_int_equal(poll(&p, 1, 5000), 1);
		assert_int_equal(read(g->call[q], &v, sizeof(v)), sizeof(v));
	}
	assert_ptr_equal(tok, in);
	assert_int_equal(len, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(out[i], (uint8_t)(seed + i + 1));
}

/* --------------------------------------------------------------- tests */

static void test_negotiation_and_config(void **state)
{
	struct backend *b = backend_new();
	struct vhu_front *f = connect_pair(b);
	uint8_t cfg[sizeof(test_config)], big[64];
	uint64_t v;

	(void)state;
	negotiate(f, true);
	assert_int_equal(vhu_dev_features(b->dev),
			 F_VERSION_1 | F_EVENT_IDX | (1ull << VHU_F_PROTOCOL_FEATURES));
	assert_int_equal(vhu_front_get_config(f, cfg, sizeof(cfg)), 0);
	assert_memory_equal(cfg, test_config, sizeof(cfg));
	assert_int_equal(vhu_front_get_config(f, cfg, 4), 0);
	assert_memory_equal(cfg, test_config, 4);
	/* Past the end of config space: the backend refuses (empty reply). */
	assert_int_equal(vhu_front_get_config(f, big, sizeof(big)), -EIO);
	assert_int_equal(vhu_front_get_config(f, big, 300), -EINVAL);
	/* Still alive. */
	assert_int_equal(vhu_front_get_queue_num(f, &v), 0);
	assert_int_equal(finish(b, f), 0);
	assert_int_equal(b->disconnects, 1);
	backend_free(b);
}

static void data_session(struct backend *b, struct vhu_front *f, bool protocol)
{
	struct guest *g = guest_new();
	struct vhu_mem_region r = region_of(g);
	uint16_t base;
	int starts = b->starts;

	/* The plain session also runs without EVENT_IDX (flags-based notifications). */
	g->no_event_idx = !protocol;
	negotiate_no_event_idx = !protocol;
	negotiate(f, protocol);
	assert_int_equal(vhu_front_set_mem_table(f, &r, 1), 0);
	for (unsigned q = 0; q < NQ; q++)
		setup_queue(g, f, q);
	/* With REPLY_ACK every step was acked, so the queues run now. */
	if (protocol)
		assert_int_equal(b->starts, starts + NQ);
	for (int i = 0; i < 50; i++)
		round_trip(g, (unsigned)i % NQ, (uint8_t)i);

	/* New memory table while running: queues stop and restart on the new mapping. */
	assert_int_equal(vhu_front_set_mem_table(f, &r, 1), 0);
	round_trip(g, 0, 7);

	/* GET_VRING_BASE stops the ring and reports where it stopped. */
	assert_int_equal(vhu_front_stop_vring(f, 0, &base), 0);
	assert_int_equal(base, g->drv[0].avail_idx);
	assert_false(b->w[0].running);
	/* ... and the ring resumes from there. */
	{
		struct vhu_vring_setup s = {.num = RING_NUM,
					    .desc_uva = (uintptr_t)g->drv[0].desc,
					    .avail_uva = (uintptr_t)g->drv[0].avail,
					    .used_uva = (uintptr_t)g->drv[0].used,
					    .base = base,
					    .kick_fd = g->kick[0],
					    .call_fd = g->call[0]};

		assert_int_equal(vhu_front_setup_vring(f, 0, &s), 0);
	}
	round_trip(g, 0, 9);
	assert_int_equal(finish(b, f), 0);
	negotiate_no_event_idx = false;
	guest_free(g);
}

static void test_data_round_trip(void **state)
{
	struct backend *b = backend_new();

	(void)state;
	data_session(b, connect_pair(b), true);
	assert_int_equal(b->disconnects, 1);
	/* The same device serves a second connection, without protocol features this time. */
	data_session(b, connect_pair(b), false);
	assert_int_equal(b->disconnects, 2);
	backend_free(b);
}

static void *accept_serve_main(void *arg)
{
	struct backend *b = arg;
	int c = accept4(b->serve_fd, NULL, NULL, SOCK_CLOEXEC);

	b->result = c < 0 ? -errno : vhu_dev_serve(b->dev, c);
	return NULL;
}

static void test_listen_socket(void **state)
{
	char dir[] = "/tmp/vhu-test-XXXXXX", path[64];
	struct backend *b = backend_new();
	struct vhu_front *f;
	int lfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sock", dir);
	for (int round = 0; round < 2; round++) {
		/* The second listen replaces the stale socket file. */
		lfd = vhu_listen(path);
		assert_true(lfd >= 0);
		b->serve_fd = lfd;
		assert_int_equal(pthread_create(&b->th, NULL, accept_serve_main, b), 0);
		assert_int_equal(vhu_front_connect(&f, path), 0);
		data_session(b, f, true);
		close(lfd);
	}
	/* A path that is not a socket is never replaced. */
	unlink(path);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(vhu_listen(path), -EEXIST);
	unlink(path);
	rmdir(dir);
	backend_free(b);
}

/* ------------------------------------------------------- broken frontends */

static size_t build(uint8_t *buf, uint32_t req, uint32_t flags, const void *payload, uint32_t size)
{
	struct vhu_hdr h = {req, flags, size};

	memcpy(buf, &h, sizeof(h));
	if (size)
		memcpy(buf + sizeof(h), payload, size);
	return sizeof(h) + size;
}

/*
 * The log, kept off stderr (the violations these tests provoke are expected) but counted:
 * a violation must say why at warning level or worse.
 */
static unsigned warnings_logged;
static void counting_log(int level, const char *msg)
{
	(void)msg;
	if (level <= LOG_WARNING)
		__atomic_add_fetch(&warnings_logged, 1, __ATOMIC_RELAXED);
}

/* Send one raw message (after a valid handshake); expect the backend to hang up with -EPROTO. */
static void expect_violation(const void *msg, size_t len, const int *fds, unsigned nfds,
			     bool with_memory)
{
	int fds_before = fd_count_open();
	struct backend *b = backend_new();
	struct vhu_front *f = connect_pair(b);
	struct guest *g = NULL;
	uint8_t reply[64];
	unsigned warned;

	negotiate(f, true);
	if (with_memory) {
		struct vhu_mem_region r;

		g = guest_new();
		r = region_of(g);
		assert_int_equal(vhu_front_set_mem_table(f, &r, 1), 0);
		setup_queue(g, f, 0);
		assert_int_equal(b->starts, 1);
	}
	warned = __atomic_load_n(&warnings_logged, __ATOMIC_RELAXED);
	assert_int_equal(vhu_front_send_raw(f, msg, len, fds, nfds, NULL, 0), 0);
	/* The backend closes: reading gives EOF (0 bytes), not a reply. */
	assert_int_equal(vhu_front_send_raw(f, NULL, 0, NULL, 0, reply, sizeof(reply)), 0);
	assert_int_equal(finish(b, f), -EPROTO);
	assert_true(__atomic_load_n(&warnings_logged, __ATOMIC_RELAXED) > warned);
	assert_int_equal(b->disconnects, 1);
	if (g)
		guest_free(g);
	backend_free(b);
	/* Every fd the backend received (kept or stray) was closed. */
	assert_int_equal(fd_count_open(), fds_before);
}

/* GET_STATUS through a raw message; also orders us after earlier requests. */
static uint64_t get_status(struct vhu_front *f)
{
	uint8_t msg[64], reply[64];
	uint64_t v;
	size_t len = build(msg, VHU_GET_STATUS, 1, NULL, 0);

	assert_int_equal(vhu_front_send_raw(f, msg, len, NULL, 0, reply, sizeof(reply)),
			 (int)(sizeof(struct vhu_hdr) + sizeof(v)));
	memcpy(&v, reply + sizeof(struct vhu_hdr), sizeof(v));
	return v;
}

static void set_status(struct vhu_front *f, uint64_t status)
{
	uint8_t msg[64];
	size_t len = build(msg, VHU_SET_STATUS, 1, &status, sizeof(status));

	assert_int_equal(vhu_front_send_raw(f, msg, len, NULL, 0, NULL, 0), 0);
}

/*
 * The driver resetting the device (status 0 after DRIVER_OK) stops the
 * queues and drops the driver's state, and the connection goes on: the
 * driver sets the device up again and it works.
 */
static void test_device_reset(void **state)
{
	struct backend *b = backend_new();
	struct vhu_front *f = connect_pair(b);
	struct guest *g = guest_new();
	struct vhu_mem_region r = region_of(g);
	uint64_t pf;

	(void)state;
	assert_int_equal(vhu_front_get_protocol_features(f, &pf), 0);
	assert_true(pf & (1ull << VHU_PROTOCOL_F_STATUS));
	negotiate(f, true);
	assert_int_equal(vhu_front_set_mem_table(f, &r, 1), 0);
	for (unsigned q = 0; q < NQ; q++)
		setup_queue(g, f, q);
	set_status(f, 0x0f); /* ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK */
	assert_int_equal(get_status(f), 0x0f);
	round_trip(g, 0, 1);
	assert_int_equal(b->disconnects, 0);

	set_status(f, 0);
	assert_int_equal(get_status(f), 0);
	assert_int_equal(b->disconnects, 1);
	assert_int_equal(b->starts, b->stops);
	for (unsigned q = 0; q < NQ; q++)
		assert_false(b->w[q].running);

	/* A second reset without DRIVER_OK in between releases nothing more. */
	set_status(f, 0);
	assert_int_equal(get_status(f), 0);
	assert_int_equal(b->disconnects, 1);

	/* Set up again, as a driver does after a reset. */
	for (unsigned q = 0; q < NQ; q++) {
		vq_drv_destroy(&g->drv[q]);
		setup_queue(g, f, q);
	}
	set_status(f, 0x0f);
	round_trip(g, 1, 2);
	assert_int_equal(finish(b, f), 0);
	assert_int_equal(b->disconnects, 2);
	guest_free(g);
	backend_free(b);
}

static void test_oversized_size(void **state)
{
	uint8_t buf[64];
	struct vhu_hdr h = {VHU_SET_FEATURES, VHU_VERSION, 100000};

	(void)state;
	memcpy(buf, &h, sizeof(h));
	expect_violation(buf, sizeof(h), NULL, 0, true);
}

/* A malformed request without fds, sent after a valid handshake (and memory, if asked). */
struct violation {
	const char *what;
	uint32_t request, flags;
	union {
		uint64_t word;
		struct vhu_vring_state vring;
		struct vhu_wire_config config;
		struct vhu_wire_memory memory;
	} payload;
	uint32_t size; /* of the payload sent */
	bool with_memory;
};

#define VRING_STATE_SIZE sizeof(struct vhu_vring_state)

static void expect_violations(const struct violation *v, size_t n)
{
	uint8_t buf[512];

	for (size_t i = 0; i < n; i++) {
		size_t len = build(buf, v[i].request, v[i].flags, &v[i].payload, v[i].size);

		print_message("violation: %s\n", v[i].what);
		expect_violation(buf, len, NULL, 0, v[i].with_memory);
	}
}

static void test_bad_sizes_and_values(void **state)
{
	static const struct violation cases[] = {
	    {"SET_FEATURES with 4 bytes", VHU_SET_FEATURES, VHU_VERSION, {.word = 0}, 4, false},
	    {"unoffered feature bits",
	     VHU_SET_FEATURES,
	     VHU_VERSION,
	     {.word = 1ull << 40},
	     8,
	     true},
	    {"unoffered protocol feature bits",
	     VHU_SET_PROTOCOL_FEATURES,
	     VHU_VERSION,
	     {.word = 1ull << 1},
	     8,
	     false},
	    {"bad version", VHU_GET_FEATURES, 2, {.word = 0}, 0, false},
	    {"reply flag on a request",
	     VHU_GET_FEATURES,
	     VHU_VERSION | VHU_FLAG_REPLY,
	     {.word = 0},
	     0,
	     false},
	    {"vring index NQ",
	     VHU_SET_VRING_NUM,
	     VHU_VERSION,
	     {.vring = {NQ, 16}},
	     VRING_STATE_SIZE,
	     true},
	    {"vring index 200",
	     VHU_GET_VRING_BASE,
	     VHU_VERSION,
	     {.vring = {200, 16}},
	     VRING_STATE_SIZE,
	     true},
	    {"vring index NQ in an fd word",
	     VHU_SET_VRING_CALL,
	     VHU_VERSION,
	     {.word = NQ | VHU_VRING_NOFD},
	     8,
	     false},
	    {"ring size not a power of two",
	     VHU_SET_VRING_NUM,
	     VHU_VERSION,
	     {.vring = {0, 24}},
	     VRING_STATE_SIZE,
	     true},
	    {"ring size too big",
	     VHU_SET_VRING_NUM,
	     VHU_VERSION,
	     {.vring = {0, 2048}},
	     VRING_STATE_SIZE,
	     false},
	    {"base beyond 16 bits",
	     VHU_SET_VRING_BASE,
	     VHU_VERSION,
	     {.vring = {0, 70000}},
	     VRING_STATE_SIZE,
	     false},
	    {"enable value",
	     VHU_SET_VRING_ENABLE,
	     VHU_VERSION,
	     {.vring = {0, 2}},
	     VRING_STATE_SIZE,
	     false},
	    {"stray bits in a vring fd word",
	     VHU_SET_VRING_KICK,
	     VHU_VERSION,
	     {.word = 0x10000},
	     8,
	     false},
	    {"GET_CONFIG size larger than the message",
	     VHU_GET_CONFIG,
	     VHU_VERSION,
	     {.config = {0, 200, 0, {0}}},
	     VHU_CONFIG_HDR + 8,
	     false},
	    {"GET_CONFIG size larger than the config",
	     VHU_GET_CONFIG,
	     VHU_VERSION,
	     {.config = {0, 1000, 0, {0}}},
	     VHU_CONFIG_HDR,
	     false},
	};

	(void)state;
	expect_violations(cases, ARRAY_SIZE(cases));
}

static void test_missing_fds(void **state)
{
	static const struct violation cases[] = {
	    {"SET_MEM_TABLE without fds",
	     VHU_SET_MEM_TABLE,
	     VHU_VERSION,
	     {.memory = {1, 0, {{GPA_BASE, 4096, 0x1000, 0}}}},
	     8 + 32,
	     false},
	    {"SET_VRING_KICK without its fd",
	     VHU_SET_VRING_KICK,
	     VHU_VERSION,
	     {.word = 0},
	     8,
	     true},
	    {"SET_VRING_CALL without its fd",
	     VHU_SET_VRING_CALL,
	     VHU_VERSION,
	     {.word = 0},
	     8,
	     false},
	};

	(void)state;
	expect_violations(cases, ARRAY_SIZE(cases));
}

static void test_bad_mem_tables(void **state)
{
	struct vhu_wire_memory m = {0};
	uint8_t buf[512];
	int fds[VHU_MAX_MEM_REGIONS + 1];
	int memfd = memfd_create("t", MFD_CLOEXEC | MFD_ALLOW_SEALING),
	    smallfd = memfd_create("s", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t n;

	(void)state;
	assert_int_equal(ftruncate(memfd, 1 << 20), 0);
	assert_int_equal(ftruncate(smallfd, 4096), 0);
	assert_int_equal(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	assert_int_equal(fcntl(smallfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	for (unsigned i = 0; i <= VHU_MAX_MEM_REGIONS; i++)
		fds[i] = memfd;
	/* too many regions */
	m.nregions = VHU_MAX_MEM_REGIONS + 1;
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8);
	expect_violation(buf, n, fds, 1, true);
	/* size field disagrees with nregions */
	m.nregions = 2;
	for (unsigned i = 0; i < 2; i++)
		m.regions[i] = (struct vhu_wire_region){GPA_BASE + i * 65536, 65536,
							0x10000000 + i * 65536, i * 65536};
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8 + 32);
	expect_violation(buf, n, fds, 2, false);
	/* fd count disagrees */
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8 + 64);
	expect_violation(buf, n, fds, 1, false);
	/* overlapping guest ranges */
	m.regions[1].gpa = GPA_BASE + 4096;
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8 + 64);
	expect_violation(buf, n, fds, 2, true);
	/* overlapping frontend ranges */
	m.regions[1].gpa = GPA_BASE + 65536;
	m.regions[1].uva = 0x10000000 + 100;
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8 + 64);
	expect_violation(buf, n, fds, 2, false);
	/* zero size, wrapping range */
	m.nregions = 1;
	m.regions[0] = (struct vhu_wire_region){GPA_BASE, 0, 0x10000000, 0};
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8 + 32);
	expect_violation(buf, n, fds, 1, false);
	m.regions[0] = (struct vhu_wire_region){UINT64_MAX - 4095, 8192, 0x10000000, 0};
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8 + 32);
	expect_violation(buf, n, fds, 1, false);
	/* region beyond the end of its file (would SIGBUS on access) */
	m.regions[0] = (struct vhu_wire_region){GPA_BASE, 65536, 0x10000000, 0};
	n = build(buf, VHU_SET_MEM_TABLE, VHU_VERSION, &m, 8 + 32);
	expect_violation(buf, n, &smallfd, 1, false);
	/* not a regular file */
	{
		int efd = eventfd(0, EFD_CLOEXEC);

		expect_violation(buf, n, &efd, 1, false);
		close(efd);
	}
	/* more fds than any message may carry; not under qemu-user (cross builds), whose
	 * recvmsg() loses MSG_CTRUNC: the host call gets twice the control buffer and
	 * the emulator truncates the fd list without saying so */
	n = build(buf, VHU_SET_OWNER, VHU_VERSION, NULL, 0);
	if (getenv("MESON_EXE_WRAPPER")) {
		print_message("fd overflow case skipped under %s\n", getenv("MESON_EXE_WRAPPER"));
	} else {
		int many[VHU_MAX_MEM_REGIONS + 1];
		struct backend *b = backend_new();
		struct vhu_front *f = connect_pair(b);
		union {
			char c[CMSG_SPACE(sizeof(many))];
			struct cmsghdr a;
		} ctl;
		struct iovec iov = {buf, n};
		struct msghdr mh = {0};
		struct cmsghdr *c;

		for (unsigned i = 0; i <= VHU_MAX_MEM_REGIONS; i++)
			many[i] = memfd;
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.c;
		mh.msg_controllen = sizeof(ctl.c);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(many));
		memcpy(CMSG_DATA(c), many, sizeof(many));
		assert_int_equal(sendmsg(vhu_front_fd(f), &mh, 0), (ssize_t)n);
		assert_int_equal(finish(b, f), -EPROTO);
		backend_free(b);
	}
	close(memfd);
	close(smallfd);
}

static void test_truncated(void **state)
{
	uint8_t buf[64];
	struct vhu_hdr h = {VHU_SET_FEATURES, VHU_VERSION, 8};
	struct backend *b;
	struct vhu_front *f;

	(void)state;
	/* Half a header, then the peer closes. */
	b = backend_new();
	f = connect_pair(b);
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(vhu_front_send_raw(f, buf, 6, NULL, 0, NULL, 0), 0);
	assert_int_equal(finish(b, f), -EPROTO);
	backend_free(b);
	/* A header announcing 8 bytes, then 3 bytes and close. */
	b = backend_new();
	f = connect_pair(b);
	assert_int_equal(vhu_front_send_raw(f, buf, sizeof(h) + 3, NULL, 0, NULL, 0), 0);
	assert_int_equal(finish(b, f), -EPROTO);
	backend_free(b);
	/* Byte by byte is fine (short reads). */
	b = backend_new();
	f = connect_pair(b);
	{
		struct vhu_hdr g = {VHU_GET_QUEUE_NUM, VHU_VERSION, 0};
		uint8_t reply[sizeof(struct vhu_hdr) + 8];
		uint64_t v;

		memcpy(buf, &g, sizeof(g));
		for (size_t i = 0; i + 1 < sizeof(g); i++) {
			assert_int_equal(vhu_front_send_raw(f, buf + i, 1, NULL, 0, NULL, 0), 0);
			usleep(1000);
		}
		assert_int_equal(
		    vhu_front_send_raw(f, buf + sizeof(g) - 1, 1, NULL, 0, reply, sizeof(reply)),
		    (int)sizeof(reply));
		memcpy(&v, reply + sizeof(struct vhu_hdr), 8);
		assert_int_equal(v, NQ);
	}
	assert_int_equal(finish(b, f), 0);
	backend_free(b);
}

/* Soft failures: answered (REPLY_ACK) or ignored, the connection goes on. */
static void test_soft_failures(void **state)
{
	struct backend *b = backend_new();
	struct vhu_front *f = connect_pair(b);
	uint8_t buf[512], reply[64];
	struct vhu_hdr rh;
	uint64_t v;
	size_t n;
	int efd = eventfd(0, EFD_CLOEXEC);
	int fds_before = fd_count_open();

	(void)state;
	negotiate(f, true);
	/* Unknown request with need_reply: a failing ack. */
	v = 0;
	n = build(buf, 99, VHU_VERSION | VHU_FLAG_NEED_REPLY, &v, 8);
	assert_int_equal(vhu_front_send_raw(f, buf, n, NULL, 0, reply, sizeof(reply)), 20);
	memcpy(&rh, reply, sizeof(rh));
	assert_int_equal(rh.request, 99);
	assert_int_equal(rh.flags, VHU_VERSION | VHU_FLAG_REPLY);
	memcpy(&v, reply + sizeof(rh), 8);
	assert_int_not_equal(v, 0);
	/* SET_CONFIG is refused: config space is read-only. */
	{
		struct vhu_wire_config c = {0, 4, 0, {9, 9, 9, 9}};
		uint8_t cfg[4];

		n = build(buf, VHU_SET_CONFIG, VHU_VERSION | VHU_FLAG_NEED_REPLY, &c,
			  VHU_CONFIG_HDR + 4);
		assert_int_equal(vhu_front_send_raw(f, buf, n, NULL, 0, reply, sizeof(reply)), 20);
		memcpy(&v, reply + sizeof(rh), 8);
		assert_int_not_equal(v, 0);
		assert_int_equal(vhu_front_get_config(f, cfg, 4), 0);
		assert_memory_equal(cfg, test_config, 4);
	}
	/* Unknown request without need_reply, carrying an fd: ignored, fd closed. */
	n = build(buf, 77, VHU_VERSION, NULL, 0);
	assert_int_equal(vhu_front_send_raw(f, buf, n, &efd, 1, NULL, 0), 0);
	/* Stray fd on SET_OWNER: closed, request still handled. */
	assert_int_equal(vhu_front_send_raw(f, buf, build(buf, VHU_SET_OWNER, VHU_VERSION, NULL, 0),
					    &efd, 1, NULL, 0),
			 0);
	/* GET_MAX_MEM_SLOTS */
	n = build(buf, VHU_GET_MAX_MEM_SLOTS, VHU_VERSION, NULL, 0);
	assert_int_equal(vhu_front_send_raw(f, buf, n, NULL, 0, reply, sizeof(reply)), 20);
	memcpy(&v, reply + sizeof(rh), 8);
	assert_int_equal(v, VHU_MAX_MEM_REGIONS);
	assert_int_equal(vhu_front_get_queue_num(f, &v), 0);
	/* The stray fds were closed by the backend as they arrived. */
	assert_int_equal(fd_count_open(), fds_before);
	assert_int_equal(finish(b, f), 0);
	close(efd);
	backend_free(b);
}

/* Ring addresses outside the memory table: the queue does not start; a REPLY_ACK says so. */
static void test_bad_ring_addr(void **state)
{
	struct vhu_vring_setup s = {.num = RING_NUM,
				    .desc_uva = 0x1000,
				    .avail_uva = 0x2000,
				    .used_uva = 0x3000,
				    .call_fd = -1};
	struct conn c;

	(void)state;
	conn_open(&c);
	s.kick_fd = c.g->kick[0];
	assert_int_equal(vhu_front_setup_vring(c.f, 0, &s), -EIO);
	assert_int_equal(c.b->starts, 0);
	/* Misaligned desc inside memory: also refused. */
	s.desc_uva = (uintptr_t)c.g->mem + 8;
	s.avail_uva = (uintptr_t)c.g->mem + 4096;
	s.used_uva = (uintptr_t)c.g->mem + 8192;
	assert_int_equal(vhu_front_setup_vring(c.f, 0, &s), -EIO);
	assert_int_equal(c.b->starts, 0);
	/* Ring past the end of the region. */
	s.desc_uva = (uintptr_t)c.g->mem + MEM_SIZE - 16;
	assert_int_equal(vhu_front_setup_vring(c.f, 0, &s), -EIO);
	conn_close(&c);
}

/* A guest that corrupts its ring: the backend keeps serving, the connection is unaffected. */
static void test_hostile_ring(void **state)
{
	struct conn c;
	uint64_t one = 1, v;
	struct pollfd p;

	(void)state;
	conn_open(&c);
	setup_queue(c.g, c.f, 0);
	setup_queue(c.g, c.f, 1);
	/* Queue 1: a descriptor pointing outside guest memory: completed with 0 bytes. */
	{
		struct vq_buf bad[2] = {{0x10, 100}, {GPA_BASE + DATA_OFF, 100}};
		uint32_t len = 99;

		assert_int_equal(vq_drv_add(&c.g->drv[1], bad, 1, 1, &one), 0);
		vq_drv_kick_prepare(&c.g->drv[1]);
		assert_int_equal(write(c.g->kick[1], &one, 8), 8);
		p = (struct pollfd){c.g->call[1], POLLIN, 0};
		assert_int_equal(poll(&p, 1, 5000), 1);
		assert_int_equal(read(c.g->call[1], &v, 8), 8);
		assert_ptr_equal(vq_drv_get_used(&c.g->drv[1], &len), &one);
		assert_int_equal(len, 0);
	}
	round_trip(c.g, 1, 3);
	/* Queue 0: avail index runs ahead: ring broken, queue 1 unaffected. */
	c.g->drv[0].avail->idx = 1000;
	assert_int_equal(write(c.g->kick[0], &one, 8), 8);
	usleep(10000);
	round_trip(c.g, 1, 4);
	assert_int_equal(vhu_front_get_queue_num(c.f, &v), 0);
	conn_close(&c);
}

/* A call fd arriving while the queue runs triggers one interrupt (lost ones are recovered). */
static void test_late_call_fd(void **state)
{
	uint8_t buf[64], reply[64];
	uint64_t v = 0;
	struct pollfd p;
	struct conn c;

	(void)state;
	conn_open(&c);
	p = (struct pollfd){c.g->call[0], POLLIN, 0};
	setup_queue_call(c.g, c.f, 0, -1);
	assert_int_equal(polled_request(c.g, true), 8);
	assert_int_equal(poll(&p, 1, 0), 0); /* no call fd: nobody was told */
	assert_int_equal(vhu_front_send_raw(c.f, buf,
					    build(buf, VHU_SET_VRING_CALL,
						  VHU_VERSION | VHU_FLAG_NEED_REPLY, &v, 8),
					    &c.g->call[0], 1, reply, sizeof(reply)),
			 20);
	assert_int_equal(poll(&p, 1, 0), 1);
	conn_close(&c);
}

/* ------------------------------------------------------- broken backends */

struct fake {
	int fd;
	uint8_t reply[512];
	size_t reply_len; /* sent after reading one request; 0: close instead */
};

static void *fake_main(void *arg)
{
	struct fake *k = arg;
	struct vhu_hdr h;
	uint8_t sink[512];

	/* Read one request (header + payload), answer with the canned bytes. */
	if (read(k->fd, &h, sizeof(h)) == (ssize_t)sizeof(h) && h.size <= sizeof(sink) &&
	    (h.size == 0 || read(k->fd, sink, h.size) == (ssize_t)h.size) && k->reply_len)
		assert_int_equal(write(k->fd, k->reply, k->reply_len), (ssize_t)k->reply_len);
	close(k->fd);
	return NULL;
}

typedef int (*front_call)(struct vhu_front *f);

static int call_get_features(struct vhu_front *f)
{
	uint64_t v;

	return vhu_front_get_features(f, &v);
}

static int call_get_config(struct vhu_front *f)
{
	uint8_t buf[8];

	return vhu_front_get_config(f, buf, sizeof(buf));
}

static int call_stop_vring(struct vhu_front *f)
{
	uint16_t base;

	return vhu_front_stop_vring(f, 1, &base);
}

/* Run call against a backend that answers with reply[0..len); return the call's result. */
static int against(front_call call, const void *reply, size_t len)
{
	struct fake k = {.reply_len = len};
	struct vhu_front *f;
	pthread_t th;
	int sv[2], ret;

	memcpy(k.reply, reply, len);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	k.fd = sv[1];
	assert_int_equal(pthread_create(&th, NULL, fake_main, &k), 0);
	assert_int_equal(vhu_front_from_fd(&f, sv[0]), 0);
	ret = call(f);
	pthread_join(th, NULL);
	vhu_front_close(f);
	return ret;
}

static size_t reply_of(uint8_t *buf, uint32_t req, uint32_t flags, const void *p, uint32_t size)
{
	return build(buf, req, flags, p, size);
}

static void test_front_vs_bad_backend(void **state)
{
	const uint32_t R = VHU_VERSION | VHU_FLAG_REPLY;
	uint8_t buf[512];
	uint64_t v = 7;
	struct vhu_vring_state st = {1, 5};
	struct vhu_wire_config c = {0, 8, 0, {0}};

	(void)state;
	/* Sanity: a good reply works. */
	assert_int_equal(against(call_get_features, buf, reply_of(buf, VHU_GET_FEATURES, R, &v, 8)),
			 0);
	/* Backend hangs up. */
	assert_int_equal(against(call_get_features, buf, 0), -ECONNRESET);
	/* Reply to another request, missing reply flag, wrong size, bad version. */
	assert_int_equal(
	    against(call_get_features, buf, reply_of(buf, VHU_GET_QUEUE_NUM, R, &v, 8)), -EPROTO);
	assert_int_equal(
	    against(call_get_features, buf, reply_of(buf, VHU_GET_FEATURES, VHU_VERSION, &v, 8)),
	    -EPROTO);
	assert_int_equal(against(call_get_features, buf, reply_of(buf, VHU_GET_FEATURES, R, &v, 4)),
			 -EPROTO);
	assert_int_equal(against(call_get_features, buf,
				 reply_of(buf, VHU_GET_FEATURES, 2 | VHU_FLAG_REPLY, &v, 8)),
			 -EPROTO);
	/* Header announcing more than any reply may carry, or cut short. */
	{
		struct vhu_hdr h = {VHU_GET_FEATURES, R, 100000};

		memcpy(buf, &h, sizeof(h));
		assert_int_equal(against(call_get_features, buf, sizeof(h)), -EPROTO);
		h.size = 8;
		memcpy(buf, &h, sizeof(h));
		assert_int_equal(against(call_get_features, buf, sizeof(h) + 3), -EPROTO);
		assert_int_equal(against(call_get_features, buf, 5), -EPROTO);
	}
	/* GET_CONFIG: size mismatch, other offset, empty (refused). */
	assert_int_equal(
	    against(call_get_config, buf, reply_of(buf, VHU_GET_CONFIG, R, &c, VHU_CONFIG_HDR + 8)),
	    0);
	assert_int_equal(
	    against(call_get_config, buf, reply_of(buf, VHU_GET_CONFIG, R, &c, VHU_CONFIG_HDR + 4)),
	    -EPROTO);
	c.offset = 4;
	assert_int_equal(
	    against(call_get_config, buf, reply_of(buf, VHU_GET_CONFIG, R, &c, VHU_CONFIG_HDR + 8)),
	    -EPROTO);
	assert_int_equal(against(call_get_config, buf, reply_of(buf, VHU_GET_CONFIG, R, NULL, 0)),
			 -EIO);
	/* GET_VRING_BASE: right index and base; another index; base over 16 bits. */
	assert_int_equal(
	    against(call_stop_vring, buf, reply_of(buf, VHU_GET_VRING_BASE, R, &st, sizeof(st))),
	    0);
	st.index = 0;
	assert_int_equal(
	    against(call_stop_vring, buf, reply_of(buf, VHU_GET_VRING_BASE, R, &st, sizeof(st))),
	    -EPROTO);
	st.index = 1;
	st.num = 70000;
	assert_int_equal(
	    against(call_stop_vring, buf, reply_of(buf, VHU_GET_VRING_BASE, R, &st, sizeof(st))),
	    -EPROTO);
}

/* Address translation through the memory table, at and across region edges. */
static void test_translate(void **state)
{
	struct backend *b = backend_new();
	struct vhu_front *f = connect_pair(b);
	struct guest *g = guest_new();
	struct vhu_mem_region r[2] = {
	    {GPA_BASE, 65536, 0x10000000, 0, g->memfd},
	    {GPA_BASE + 65536, 65536, 0x20000000, 131072, g->memfd},
	};
	struct vhu_dev *d = b->dev;
	uint8_t *p;

	(void)state;
	negotiate(f, true);
	assert_null(vhu_dev_gpa_to_va(d, GPA_BASE, 1)); /* no table yet */
	assert_int_equal(vhu_front_set_mem_table(f, r, 2), 0);
	/* Region 0 maps file offset 0, region 1 file offset 131072. */
	g->mem[10] = 0xaa;
	g->mem[131072 + 20] = 0xbb;
	p = vhu_dev_gpa_to_va(d, GPA_BASE + 10, 1);
	assert_non_null(p);
	assert_int_equal(*p, 0xaa);
	p = vhu_dev_gpa_to_va(d, GPA_BASE + 65536 + 20, 4);
	assert_non_null(p);
	assert_int_equal(*p, 0xbb);
	p = vhu_dev_uva_to_va(d, 0x20000000 + 20, 1);
	assert_non_null(p);
	assert_int_equal(*p, 0xbb);
	assert_non_null(vhu_dev_gpa_to_va(d, GPA_BASE, 65536));
	assert_non_null(vhu_dev_gpa_to_va(d, GPA_BASE + 65535, 1));
	assert_non_null(vhu_dev_gpa_to_va(d, GPA_BASE + 65535, 0));
	/* Ranges spanning two regions are refused even when adjacent. */
	assert_null(vhu_dev_gpa_to_va(d, GPA_BASE + 65535, 2));
	assert_null(vhu_dev_gpa_to_va(d, GPA_BASE - 1, 1));
	assert_null(vhu_dev_gpa_to_va(d, GPA_BASE + 131072, 0));
	assert_null(vhu_dev_gpa_to_va(d, GPA_BASE + 10, UINT64_MAX));
	assert_null(vhu_dev_gpa_to_va(d, UINT64_MAX, 2));
	assert_null(vhu_dev_uva_to_va(d, 0x10000000 + 65536, 1));
	assert_null(vhu_dev_uva_to_va(d, GPA_BASE, 1));
	assert_null(vhu_dev_gpa_to_va(NULL, GPA_BASE, 1));
	assert_int_equal(finish(b, f), 0);
	assert_null(vhu_dev_gpa_to_va(d, GPA_BASE, 1)); /* unmapped after the connection */
	guest_free(g);
	backend_free(b);
}

/* A call fd that would block (a full pipe) never hangs the backend. */
static void test_call_fd_would_block(void **state)
{
	uint8_t junk[4096] = {0};
	struct conn c;
	int pfd[2];

	(void)state;
	conn_open(&c);
	assert_int_equal(pipe2(pfd, O_CLOEXEC | O_NONBLOCK), 0);
	while (write(pfd[1], junk, sizeof(junk)) > 0)
		;
	/* Hand over a blocking fd: the backend must make it non-blocking. */
	assert_int_equal(fcntl(pfd[1], F_SETFL, 0), 0);
	setup_queue_call(c.g, c.f, 0, pfd[1]);
	for (int i = 0; i < 3; i++)
		assert_int_equal(polled_request(c.g, false), 8);
	conn_close(&c);
	close(pfd[0]);
	close(pfd[1]);
}

/* Copies of fds[0..n), as SCM_RIGHTS gives another process its own. */
static void dup_fds(const int *fds, int *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		out[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 0);
		assert_true(out[i] >= 0);
	}
}

/*
 * Handover: a connection paused on one device (a request queued meanwhile
 * stays in the ring) is exported, imported by a second device with copies
 * of the fds, and served on from there: the queued request is answered by
 * the second, the old device goes without the frontend noticing (no
 * disconnect, the frontend's messages reach the new one).
 */
static void test_handover_round_trip(void **state)
{
	struct vhu_handover h;
	int fds[VHU_HANDOVER_MAX_FDS], copies[VHU_HANDOVER_MAX_FDS];
	unsigned nfds = 0;
	struct backend *b2 = backend_new();
	struct vq_buf bufs[2];
	uint8_t *in, *out;
	uint64_t v = 1, feat;
	uint32_t len = 0;
	struct conn c;
	void *tok;

	(void)state;
	conn_open(&c);
	for (unsigned q = 0; q < NQ; q++)
		setup_queue(c.g, c.f, q);
	round_trip(c.g, 0, 1);
	vhu_dev_pause(c.b->dev);
	pthread_join(c.b->th, NULL);
	assert_int_equal(c.b->result, VHU_SERVE_PAUSED);
	assert_int_equal(c.b->starts, c.b->stops); /* queues stopped, in-flight done */
	assert_int_equal(c.b->disconnects, 0);

	/* Queued while nobody serves. */
	in = c.g->mem + DATA_OFF + 8192;
	out = in + 4096;
	for (int i = 0; i < 100; i++)
		in[i] = (uint8_t)(40 + i);
	bufs[0] = (struct vq_buf){to_gpa(c.g, in), 100};
	bufs[1] = (struct vq_buf){to_gpa(c.g, out), 100};
	assert_int_equal(vq_drv_add(&c.g->drv[1], bufs, 1, 1, in), 0);
	if (vq_drv_kick_prepare(&c.g->drv[1]))
		assert_int_equal(write(c.g->kick[1], &v, sizeof(v)), sizeof(v));

	assert_int_equal(vhu_dev_export(c.b->dev, &h, fds, &nfds), 0);
	assert_int_equal(nfds, 1 + 2 * NQ); /* the memory, a kick and a call per queue */
	dup_fds(fds, copies, nfds);
	assert_int_equal(vhu_dev_import(b2->dev, &h, sizeof(h), copies, nfds), 0);
	/* The old device goes; its copies with it. */
	b2->serve_fd = fcntl(c.b->serve_fd, F_DUPFD_CLOEXEC, 0);
	assert_true(b2->serve_fd >= 0);
	close(c.b->serve_fd);
	backend_free(c.b);
	b2->result = 1;
	assert_int_equal(pthread_create(&b2->th, NULL, serve_main, b2), 0);

	/* The request queued during the pause is served by the new device. */
	for (;;) {
		struct pollfd p = {c.g->call[1], POLLIN, 0};

		tok = vq_drv_get_used(&c.g->drv[1], &len);
		if (tok)
			break;
		assert_int_equal(poll(&p, 1, 5000), 1);
		assert_int_equal(read(c.g->call[1], &v, sizeof(v)), sizeof(v));
	}
	assert_ptr_equal(tok, in);
	assert_int_equal(len, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(out[i], (uint8_t)(40 + i + 1));
	round_trip(c.g, 0, 2);
	assert_int_equal(vhu_front_get_features(c.f, &feat), 0);
	assert_int_equal(get_status(c.f), 0);
	c.b = b2;
	conn_close(&c);
}

/*
 * Import trusts nothing: each bad record is refused, every fd handed in is
 * closed, and the device stays fresh (a good record imports afterwards).
 */
static void test_handover_import_refuses(void **state)
{
	int at_start = fd_count_open();
	struct backend *b = backend_new();
	struct guest *g = guest_new();
	struct vhu_handover good, h;
	int fds[3], before = fd_count_open();
	enum {
		LEN,
		MAGIC,
		QUEUES,
		FEAT,
		PFEAT,
		RING,
		KICK_UNSET,
		FLAGS,
		MORE_FDS,
		FEWER_FDS,
		CLOSED_FD,
		REGION_SIZE,
		NCASES
	};

	(void)state;
	memset(&good, 0, sizeof(good));
	good.magic = VHU_HANDOVER_MAGIC;
	good.version = VHU_HANDOVER_VERSION;
	good.num_queues = NQ;
	good.nregions = 1;
	good.features = F_VERSION_1;
	good.owner = 1;
	good.features_set = 1;
	good.regions[0] = (struct vhu_handover_region){GPA_BASE, MEM_SIZE, 0x1000000, 0};
	good.queues[0].num = RING_NUM;
	good.queues[0].flags = VHU_HQ_KICK_SET | VHU_HQ_KICK_FD | VHU_HQ_CALL_FD;
	for (int k = 0; k < NCASES; k++) {
		size_t len = sizeof(h);
		unsigned n = 3;

		h = good;
		fds[0] = fcntl(g->memfd, F_DUPFD_CLOEXEC, 0);
		fds[1] = fcntl(g->kick[0], F_DUPFD_CLOEXEC, 0);
		fds[2] = fcntl(g->call[0], F_DUPFD_CLOEXEC, 0);
		switch (k) {
		case LEN:
			len--;
			break;
		case MAGIC:
			h.magic ^= 1;
			break;
		case QUEUES:
			h.num_queues = NQ + 1;
			break;
		case FEAT:
			h.features |= 1ull << 40;
			break;
		case PFEAT:
			h.protocol_features |= 1ull << 1;
			break;
		case RING:
			h.queues[0].num = 24;
			break;
		case KICK_UNSET:
			h.queues[0].flags &= ~VHU_HQ_KICK_SET;
			break;
		case FLAGS:
			h.queues[1].flags = 0x80;
			break;
		case MORE_FDS:
			h.queues[1].flags = VHU_HQ_ERR_FD;
			break;
		case FEWER_FDS:
			n = 2;
			close(fds[2]);
			break;
		case CLOSED_FD:
			close(fds[1]);
			fds[1] = 1000;
			break;
		case REGION_SIZE:
			h.regions[0].size = 2 * MEM_SIZE;
			break; /* past the file */
		}
		if (vhu_dev_import(b->dev, &h, len, fds, n) != -EPROTO)
			fail_msg("bad record %d was not refused with -EPROTO", k);
		if (fd_count_open() != before)
			fail_msg("bad record %d: %d fds open, expected %d", k, fd_count_open(),
				 before);
	}
	fds[0] = fcntl(g->memfd, F_DUPFD_CLOEXEC, 0);
	fds[1] = fcntl(g->kick[0], F_DUPFD_CLOEXEC, 0);
	fds[2] = fcntl(g->call[0], F_DUPFD_CLOEXEC, 0);
	assert_int_equal(vhu_dev_import(b->dev, &good, sizeof(good), fds, 3), 0);
	assert_int_equal(b->dev->nregions, 1);
	assert_int_equal(vhu_dev_features(b->dev), F_VERSION_1);
	/* Only a fresh device takes a connection over. */
	fds[0] = fcntl(g->memfd, F_DUPFD_CLOEXEC, 0);
	assert_int_equal(vhu_dev_import(b->dev, &(struct vhu_handover){0}, sizeof(h), fds, 1),
			 -EBUSY);
	backend_free(b);
	guest_free(g);
	assert_int_equal(fd_count_open(), at_start);
}

static void test_dev_new_invalid(void **state)
{
	struct vhu_dev *d;
	struct vhu_dev_config cfg = {.features = 0, .num_queues = 0};

	(void)state;
	assert_int_equal(vhu_dev_new(&d, &cfg, &ops, NULL), -EINVAL);
	cfg.num_queues = VHU_MAX_QUEUES + 1;
	assert_int_equal(vhu_dev_new(&d, &cfg, &ops, NULL), -EINVAL);
	cfg.num_queues = 1;
	cfg.config_len = VHU_MAX_CONFIG + 1;
	cfg.config = test_config;
	assert_int_equal(vhu_dev_new(&d, &cfg, &ops, NULL), -EINVAL);
	cfg.config_len = 0;
	assert_int_equal(vhu_dev_new(&d, &cfg, NULL, NULL), -EINVAL);
	assert_int_equal(vhu_dev_new(&d, &cfg, &ops, NULL), 0);
	vhu_dev_notify(d, 5); /* out of range: no-op */
	vhu_dev_notify(d, 0); /* no call fd: no-op */
	vhu_dev_free(d);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dev_new_invalid),
		cmocka_unit_test(test_negotiation_and_config),
		cmocka_unit_test(test_data_round_trip),
		cmocka_unit_test(test_device_reset),
		cmocka_unit_test(test_listen_socket),
		cmocka_unit_test(test_oversized_size),
		cmocka_unit_test(test_bad_sizes_and_values),
		cmocka_unit_test(test_missing_fds),
		cmocka_unit_test(test_bad_mem_tables),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_soft_failures),
		cmocka_unit_test(test_bad_ring_addr),
		cmocka_unit_test(test_hostile_ring),
		cmocka_unit_test(test_late_call_fd),
		cmocka_unit_test(test_front_vs_bad_backend),
		cmocka_unit_test(test_translate),
		cmocka_unit_test(test_call_fd_would_block),
		cmocka_unit_test(test_handover_round_trip),
		cmocka_unit_test(test_handover_import_refuses),
	};
	/* clang-format on */

	vhu_set_log(counting_log);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
