/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_drv_user: this process is the virtio driver and a vhost-user frontend.
 *
 * One connection = one vhost-user session with the daemon: a memfd (rings +
 * bounce heap) registered with SET_MEM_TABLE at device addresses 0..size-1,
 * and every request queue the device offers, each with kick/call eventfds.
 *
 * A request is copied once into a bounce buffer (header, arg headers, read
 * data and in/out write data, never an out-only buffer's old contents;
 * large args 64-byte aligned in descriptors of their own, see vio_layout),
 * goes out as one chain on the calling thread's queue, and is copied once
 * back out.
 * Completions arrive in any order: whichever waiter of a queue reaps the used
 * ring marks every completed request done and wakes its owner. Waiters spin
 * for poll_us, then one of them (the "reaper") sleeps in epoll_wait() on the
 * call eventfd (edge-triggered: never read); a monitor thread per connection sleeps on the socket,
 * so a daemon that dies (socket HUP) fails every waiter with -EIO at once instead of leaving it
 * asleep. The next request opens a new connection of a new generation; ids of older generations are
 * refused
 * (-ESTALE), since the host forgot them.
 */
#include "vio_drv.h"
#include "vio_shm.h"

#include "vhu.h"
#include "vq.h"
#include "vaccel_common.h"
#include "vaccel_lock.h"
#include "vaccel_spin.h"
#include "vaccel_sys.h"

#include <errno.h>
#include <linux/virtio_config.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define VIO_CHUNK (1ull << 30) /* largest descriptor we build */
#define VIO_RING_ALIGN 4096u
#define VIO_REAPER_TIMEOUT_MS 1000 /* safety net only: re-check the ring */
#define VIO_HANDSHAKE_TIMEOUT_S 10
#define VIO_MAX_SEGS 128
/* Args this large get their own 64-byte aligned descriptor(s): the device
 * can use them in place, naturally aligned. Smaller ones are packed. */
#define VIO_OWN_SEG_MIN 4096
/* Bounce chunk a queue keeps for its small requests (a 4 KiB arg each way fits). */
#define VIO_SPARE_BYTES (16u * 1024)
#define VIO_NO_SPARE UINT64_MAX

struct vio_queue {
	struct vq_drv vq;
	struct vaccel_lock lock; /* guards vq, reaper, every token on this queue */
	struct vaccel_cond cond; /* a completion was reaped, or the reaper left */
	bool reaper;		 /* a waiter sleeps in epoll_wait() for this queue */
	unsigned sleepers;	 /* waiters in vaccel_cond_wait() on cond: none, no broadcast */
	struct vaccel_spin spin; /* this queue's adaptive polling window (under lock) */
	int kick_fd;
	int call_fd;
	int ep_fd; /* call_fd, edge-triggered */
	/* A free VIO_SPARE_BYTES bounce chunk kept for this queue's next small request, or
	 * VIO_NO_SPARE: steady-state small requests skip the heap's lock and first-fit walk. */
	_Atomic uint64_t spare;
};

struct vio_conn {
	atomic_uint refs;
	atomic_bool broken;
	pthread_t monitor; /* watches the socket: the daemon leaving breaks c */
	bool has_monitor;
	uint64_t gen;
	uint64_t poll_ns;
	struct vhu_front *front;
	int sock_fd;
	struct vio_shm shm;
	struct vio_limits lim;
	unsigned max_segs; /* descriptors per request: the device's, the ring's and ours */
	uint16_t ring_size;
	unsigned nq;
	struct vio_queue *q;
};

struct vio_user {
	struct vio_drv drv;
	struct vio_user_opts opts;
	char *path;
	struct vaccel_lock lock; /* guards conn and gen */
	struct vio_conn *conn;
	uint64_t gen;
};

/* One in-flight request: the ring token. */
struct vio_token {
	bool done;
	uint32_t used;
};

static _Thread_local unsigned tls_slot = UINT32_MAX;
static atomic_uint next_slot;

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* ------------------------------------------------------------ connection */

static void conn_free(struct vio_conn *c)
{
	if (c->has_monitor) {
		/* Wakes the monitor's poll(): it breaks c (nobody waits any more) and leaves. */
		shutdown(c->sock_fd, SHUT_RDWR);
		pthread_join(c->monitor, NULL);
	}
	for (unsigned i = 0; c->q && i < c->nq; i++) {
		struct vio_queue *q = &c->q[i];

		if (q->kick_fd >= 0)
			close(q->kick_fd);
		if (q->call_fd >= 0)
			close(q->call_fd);
		if (q->ep_fd >= 0)
			close(q->ep_fd);
		if (q->vq.num)
			vq_drv_destroy(&q->vq);
	}
	free(c->q);
	if (c->front)
		vhu_front_close(c->front);
	vio_shm_destroy(&c->shm);
	free(c);
}

static void conn_put(struct vio_conn *c)
{
	if (atomic_fetch_sub(&c->refs, 1) == 1)
		conn_free(c);
}

static void call_poke(struct vio_queue *q);

/* Fail every waiter of c and make the daemon drop the connection. */
static void conn_break(struct vio_conn *c)
{
	if (atomic_exchange(&c->broken, true))
		return;
	/* The daemon drops the connection; our monitor's poll() returns. */
	shutdown(c->sock_fd, SHUT_RDWR);
	for (unsigned i = 0; i < c->nq; i++) {
		vaccel_lock(&c->q[i].lock);
		vaccel_cond_broadcast(&c->q[i].cond);
		vaccel_unlock(&c->q[i].lock);
		/* A reaper sleeps in epoll_wait() on the call eventfd: wake it. */
		call_poke(&c->q[i]);
	}
	vio_shm_cancel(&c->shm);
}

static void call_poke(struct vio_queue *q)
{
	uint64_t one = 1;

	if (q->call_fd >= 0 && write(q->call_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the reaper wakes anyway. */
	}
}

/*
 * One thread per connection sleeps in poll() on the socket. The daemon never
 * writes to it unasked: any event means it left (or we shut it down), and
 * the connection breaks at once, waking every waiter with -EIO and making
 * the next request reconnect. Waiters thus sleep on their call eventfd
 * alone, and requests need no liveness check of their own. Once a
 * second it also pokes sleeping reapers so they re-check their ring (a
 * safety net against a lost interrupt; nothing happens while idle).
 */
static void *monitor(void *arg)
{
	struct vio_conn *c = arg;
	struct pollfd p = {.fd = c->sock_fd, .events = POLLIN | POLLRDHUP};

	for (;;) {
		int n = poll(&p, 1, VIO_REAPER_TIMEOUT_MS);

		if (n > 0 || (n < 0 && errno != EINTR))
			break;
		if (n < 0)
			continue;
		for (unsigned i = 0; i < c->nq; i++) {
			struct vio_queue *q = &c->q[i];
			bool sleeping;

			vaccel_lock(&q->lock);
			sleeping = q->reaper;
			vaccel_unlock(&q->lock);
			if (sleeping)
				call_poke(q);
		}
	}
	conn_break(c);
	return NULL;
}

static int front_err(int ret)
{
	/* Setup failures after connecting mean the daemon misbehaved or left. */
	return ret == -ENOMEM ? ret : -EIO;
}

static int conn_setup_queue(struct vio_conn *c, unsigned i, uint64_t ring_off, bool event_idx)
{
	struct vio_queue *q = &c->q[i];
	struct epoll_event ev;
	struct vhu_vring_setup s;
	uint64_t d, a, u;
	int ret;

	ret = vq_drv_init(&q->vq, c->ring_size, c->shm.base + ring_off, ring_off, event_idx);
	if (ret)
		return ret;
	q->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (q->kick_fd < 0 || q->call_fd < 0 || q->ep_fd < 0)
		return -errno;
	/*
	 * A reaper sleeps in one epoll_wait() and never reads the call fd:
	 * edge-triggered, every interrupt is an event (the counter cannot
	 * overflow in practice), so a wait costs one system call.
	 */
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLET};
	if (epoll_ctl(q->ep_fd, EPOLL_CTL_ADD, q->call_fd, &ev) < 0)
		return -errno;
	/* We sleep only after enabling callbacks in the wait loop. */
	vq_drv_disable_cb(&q->vq);
	vq_drv_ring_addrs(&q->vq, &d, &a, &u);
	s = (struct vhu_vring_setup){
	    .num = c->ring_size,
	    .desc_uva = (uint64_t)(uintptr_t)(c->shm.base + d),
	    .avail_uva = (uint64_t)(uintptr_t)(c->shm.base + a),
	    .used_uva = (uint64_t)(uintptr_t)(c->shm.base + u),
	    .base = 0,
	    .kick_fd = q->kick_fd,
	    .call_fd = q->call_fd,
	};
	ret = vhu_front_setup_vring(c->front, i, &s);
	return ret ? front_err(ret) : 0;
}

static int conn_open(struct vio_user *u, uint64_t gen, struct vio_conn **cp)
{
	const uint64_t want = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
			      (1ull << VHU_F_PROTOCOL_FEATURES) |
			      (1ull << VIRTIO_ACCEL_F_RESOURCES) |
			      (1ull << VIRTIO_ACCEL_F_EXEC_UPLOAD);
	struct virtio_accel_config cfg;
	uint64_t features, pfeatures, qnum = 1, ring_bytes;
	const struct timeval handshake_timeout = {.tv_sec = VIO_HANDSHAKE_TIMEOUT_S};
	struct vhu_mem_region region;
	struct vio_conn *c;
	bool event_idx;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->shm.fd = -1;
	c->sock_fd = -1;
	atomic_init(&c->refs, 1);
	atomic_init(&c->broken, false);
	c->gen = gen;
	c->poll_ns = u->opts.poll_us * 1000;
	c->ring_size = u->opts.ring_size;

	ret = vhu_front_connect(&c->front, u->path);
	if (ret) {
		c->front = NULL;
		ret = -ENODEV;
		goto err;
	}
	c->sock_fd = vhu_front_fd(c->front);
	/* A daemon that accepts but never answers (hung, or busy with another
	 * frontend) must not block us forever during the handshake. */
	setsockopt(c->sock_fd, SOL_SOCKET, SO_RCVTIMEO, &handshake_timeout,
		   sizeof(handshake_timeout));
	setsockopt(c->sock_fd, SOL_SOCKET, SO_SNDTIMEO, &handshake_timeout,
		   sizeof(handshake_timeout));
	ret = vhu_front_set_owner(c->front);
	if (ret)
		goto err_front;
	ret = vhu_front_get_features(c->front, &features);
	if (ret)
		goto err_front;
	if (!(features & (1ull << VIRTIO_F_VERSION_1)) ||
	    !(features & (1ull << VHU_F_PROTOCOL_FEATURES))) {
		ret = -EIO;
		goto err;
	}
	ret = vhu_front_get_protocol_features(c->front, &pfeatures);
	if (ret)
		goto err_front;
	if (!(pfeatures & (1ull << VHU_PROTOCOL_F_CONFIG))) {
		ret = -EIO;
		goto err;
	}
	pfeatures &= (1ull << VHU_PROTOCOL_F_CONFIG) | (1ull << VHU_PROTOCOL_F_MQ);
	ret = vhu_front_set_protocol_features(c->front, pfeatures);
	if (ret)
		goto err_front;
	if (pfeatures & (1ull << VHU_PROTOCOL_F_MQ)) {
		ret = vhu_front_get_queue_num(c->front, &qnum);
		if (ret)
			goto err_front;
	}
	memset(&cfg, 0, sizeof(cfg));
	ret = vhu_front_get_config(c->front, &cfg, sizeof(cfg));
	if (ret)
		goto err_front;
	ret = vio_limits_from_config(&c->lim, &cfg);
	if (ret) {
		ret = -EIO;
		goto err;
	}
	features &= want;
	ret = vhu_front_set_features(c->front, features);
	if (ret)
		goto err_front;
	c->lim.features = features;
	c->max_segs = c->lim.max_segments;
	if (c->max_segs > c->ring_size)
		c->max_segs = c->ring_size;
	if (c->max_segs > VIO_MAX_SEGS)
		c->max_segs = VIO_MAX_SEGS;
	event_idx = features & (1ull << VIRTIO_RING_F_EVENT_IDX);

	c->nq = c->lim.num_queues;
	if (qnum < c->nq)
		c->nq = (unsigned)qnum;
	if (c->nq > VHU_MAX_QUEUES)
		c->nq = VHU_MAX_QUEUES;
	if (!c->nq) {
		ret = -EIO;
		goto err;
	}
	c->q = calloc(c->nq, sizeof(*c->q));
	if (!c->q) {
		ret = -ENOMEM;
		goto err;
	}
	for (unsigned i = 0; i < c->nq; i++) {
		c->q[i].kick_fd = c->q[i].call_fd = c->q[i].ep_fd = -1;
		atomic_init(&c->q[i].spare, VIO_NO_SPARE);
		vaccel_spin_init(&c->q[i].spin, c->poll_ns);
		vaccel_lock_init(&c->q[i].lock);
		vaccel_cond_init(&c->q[i].cond);
	}

	ret = vio_shm_init(&c->shm, u->opts.shm_bytes);
	if (ret)
		goto err;
	ring_bytes = round_up(vq_ring_bytes(c->ring_size), VIO_RING_ALIGN);
	ret = vio_shm_reserve(&c->shm, ring_bytes * c->nq);
	if (ret)
		goto err;
	region = (struct vhu_mem_region){
	    .gpa = 0,
	    .size = c->shm.size,
	    .uva = (uint64_t)(uintptr_t)c->shm.base,
	    .mmap_offset = 0,
	    .fd = c->shm.fd,
	};
	ret = vhu_front_set_mem_table(c->front, &region, 1);
	if (ret)
		goto err_front;
	for (unsigned i = 0; i < c->nq; i++) {
		ret = conn_setup_queue(c, i, ring_bytes * i, event_idx);
		if (ret)
			goto err;
	}
	ret = -pthread_create(&c->monitor, NULL, monitor, c);
	if (ret)
		goto err;
	c->has_monitor = true;
	*cp = c;
	return 0;

err_front:
	ret = front_err(ret);
err:
	conn_free(c);
	return ret;
}

/* conn_get() when u has no live connection: drop a broken one, open the next; u->lock held. */
static __attribute__((noinline)) int conn_renew_locked(struct vio_user *u)
{
	struct vio_conn *c = u->conn;
	int ret;

	if (c) {
		conn_break(c);
		u->conn = NULL;
		conn_put(c);
	}
	ret = conn_open(u, u->gen + 1, &c);
	if (ret)
		return ret;
	u->gen++;
	u->conn = c;
	return 0;
}

/* Whether u's connection is there and not broken; u->lock held. */
static inline bool conn_live_locked(const struct vio_user *u)
{
	return u->conn && !atomic_load_explicit(&u->conn->broken, memory_order_relaxed);
}

/* conn_get() the long way: waiting for the lock, or renewing the connection. */
static __attribute__((noinline)) int conn_get_slow(struct vio_user *u, struct vio_conn **cp)
{
	struct vio_conn *c;
	int ret = 0;

	vaccel_lock(&u->lock);
	if (!conn_live_locked(u)) {
		ret = conn_renew_locked(u);
		if (ret)
			goto out;
	}
	c = u->conn;
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	*cp = c;
out:
	vaccel_unlock(&u->lock);
	return ret;
}

/*
 * A referenced, live connection, opening one if needed. The usual case (lock free, the
 * connection live) keeps no registers across a call.
 */
static inline int conn_get(struct vio_user *u, struct vio_conn **cp)
{
	if (vaccel_trylock(&u->lock)) {
		struct vio_conn *c = u->conn;

		if (conn_live_locked(u)) {
			atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
			vaccel_unlock(&u->lock);
			*cp = c;
			return 0;
		}
		vaccel_unlock(&u->lock);
	}
	return conn_get_slow(u, cp);
}

/* ------------------------------------------------------------- requests */

/* Sleep on q->cond, counted so that wakers know whether anyone listens; caller holds q->lock. */
static void cond_wait(struct vio_queue *q)
{
	q->sleepers++;
	vaccel_cond_wait(&q->cond, &q->lock);
	q->sleepers--;
}

/* Mark every completed request of q done; caller holds q->lock. */
static void reap_locked(struct vio_queue *q)
{
	struct vio_token *t;
	uint32_t len;
	bool any = false;

	for (;;) {
		while ((t = vq_drv_get_used(&q->vq, &len))) {
			t->used = len;
			t->done = true;
			any = true;
		}
		/*
		 * With EVENT_IDX the device interrupts once per re-arm: if we
		 * reaped under a sleeping reaper's feet, re-arm for it, or its
		 * own completion would never be signalled.
		 */
		if (!any || !q->reaper || vq_drv_enable_cb(&q->vq))
			break;
	}
	if (any && q->sleepers)
		vaccel_cond_broadcast(&q->cond);
}

/* Wait until tok completes or the connection breaks; caller holds q->lock. */
static int wait_locked(struct vio_conn *c, struct vio_queue *q, struct vio_token *tok)
{
	uint64_t window = vaccel_spin_window(&q->spin), start = 0, now = 0;
	bool spinning = window != 0, reap = spinning;

	if (spinning)
		start = now = vaccel_clock_ns(CLOCK_MONOTONIC);
	for (;;) {
		/*
		 * Not spinning, tok was added under our lock just now: nobody can have reaped it,
		 * and vq_drv_enable_cb() below sees any completion already in (then we reap).
		 */
		if (reap)
			reap_locked(q);
		reap = true;
		if (tok->done) {
			if (spinning)
				vaccel_spin_hit(&q->spin, now - start);
			return 0;
		}
		if (atomic_load(&c->broken))
			return -EIO;
		if (spinning && (now = vaccel_clock_ns(CLOCK_MONOTONIC)) - start < window) {
			uint16_t seen;
			const uint16_t *used = vq_drv_watch(&q->vq, &seen);

			vaccel_unlock(&q->lock);
			if (!vaccel_spin_watch(used, seen))
				vaccel_spin_pause(&q->spin, now - start);
			vaccel_lock(&q->lock);
			continue;
		}
		if (spinning || c->poll_ns) {
			/* No answer within the window (or none tried): spinning did not pay. */
			vaccel_spin_miss(&q->spin);
			spinning = false;
		}
		if (q->reaper) {
			cond_wait(q);
			continue;
		}
		if (!vq_drv_enable_cb(&q->vq))
			continue; /* completions raced in: reap them */
		q->reaper = true;
		vaccel_unlock(&q->lock);

		struct epoll_event ev;

		if (vaccel_sys_epoll_wait(q->ep_fd, &ev, 1, -1) < 0 && errno != EINTR)
			conn_break(c); /* cannot wait: fail rather than spin */
		vaccel_lock(&q->lock);
		q->reaper = false;
		vq_drv_disable_cb(&q->vq);
		/* Another waiter may have to take over the reaper's job. */
		if (q->sleepers)
			vaccel_cond_broadcast(&q->cond);
	}
}

static int queue_submit(struct vio_conn *c, struct vio_queue *q, const struct vq_buf *bufs,
			unsigned nr_rd, unsigned nr_wr, struct vio_token *tok)
{
	int ret;

	vaccel_lock(&q->lock);
	while ((ret = vq_drv_add(&q->vq, bufs, nr_rd, nr_wr, tok)) == -ENOSPC) {
		/* Ring full: its requests' owners are waiting and reaping. */
		reap_locked(q);
		if (atomic_load(&c->broken)) {
			ret = -EIO;
			goto out;
		}
		cond_wait(q);
	}
	if (ret)
		goto out;
	if (vq_drv_kick_prepare(&q->vq))
		(void)vaccel_sys_eventfd_signal(q->kick_fd); /* EAGAIN: a kick is already pending */
	ret = wait_locked(c, q, tok);
out:
	vaccel_unlock(&q->lock);
	return ret;
}

/* Give every queue's spare chunk back to the heap (a request needs the room). */
static void spares_reclaim(struct vio_conn *c)
{
	for (unsigned i = 0; i < c->nq; i++) {
		uint64_t off = atomic_exchange(&c->q[i].spare, VIO_NO_SPARE);

		if (off != VIO_NO_SPARE)
			vio_shm_free(&c->shm, off, VIO_SPARE_BYTES);
	}
}

/* Bounce space for `size` bytes: q's spare chunk when small and free, else from the heap. */
static int bounce_get(struct vio_conn *c, struct vio_queue *q, uint64_t size, uint64_t *off)
{
	int ret;

	if (size <= VIO_SPARE_BYTES) {
		*off = atomic_exchange_explicit(&q->spare, VIO_NO_SPARE, memory_order_acquire);
		if (*off != VIO_NO_SPARE)
			return 0;
		size = VIO_SPARE_BYTES;
	}
	ret = vio_shm_try_alloc(&c->shm, size, off);
	if (ret != -EAGAIN)
		return ret;
	/* Spares idle on other queues must not make this request wait forever. */
	spares_reclaim(c);
	return vio_shm_alloc(&c->shm, size, off);
}

static void bounce_put(struct vio_conn *c, struct vio_queue *q, uint64_t size, uint64_t off)
{
	if (size <= VIO_SPARE_BYTES) {
		uint64_t none = VIO_NO_SPARE;

		if (atomic_compare_exchange_strong_explicit(
			&q->spare, &none, off, memory_order_release, memory_order_relaxed))
			return;
		size = VIO_SPARE_BYTES;
	}
	vio_shm_free(&c->shm, off, size);
}

/*
 * Lay req out for the device and copy it into bounce space (*off) of q: a small request
 * straight into q's spare chunk in one pass (vio_layout_pack), any other through the
 * general plan. On success l describes it; on error nothing is held.
 */
static int layout_request(struct vio_conn *c, struct vio_queue *q, const struct vio_req *req,
			  struct vio_layout *l, uint64_t *off)
{
	unsigned max_segs = c->max_segs;
	int ret = -EAGAIN;

	*off = atomic_exchange_explicit(&q->spare, VIO_NO_SPARE, memory_order_acquire);
	if (*off != VIO_NO_SPARE) {
		ret = vio_layout_pack(l, req, &c->lim, VIO_OWN_SEG_MIN, VIO_CHUNK,
				      c->shm.base + *off, VIO_SPARE_BYTES);
		if (!ret && l->nr_seg > max_segs)
			ret = -E2BIG;
		if (ret)
			bounce_put(c, q, VIO_SPARE_BYTES, *off);
		if (ret != -EAGAIN)
			return ret;
	}
	ret = vio_layout_plan(l, req, &c->lim, VIO_OWN_SEG_MIN, VIO_CHUNK);
	if (!ret && l->nr_seg > max_segs) {
		/* Too many large args for the device: pack them instead. */
		vio_layout_free(l);
		ret = vio_layout_plan(l, req, &c->lim, 0, VIO_CHUNK);
	}
	if (ret)
		return ret;
	if (l->nr_seg > max_segs) {
		ret = -E2BIG;
		goto err_layout;
	}
	ret = bounce_get(c, q, l->size, off);
	if (ret) {
		ret = ret == -ECANCELED ? -EIO : ret;
		goto err_layout;
	}
	vio_layout_encode(l, req, c->shm.base + *off);
	return 0;
err_layout:
	vio_layout_free(l);
	return ret;
}

static int user_submit(struct vio_drv *drv, struct vio_req *req)
{
	struct vio_user *u = (struct vio_user *)drv;
	struct vq_buf bufs[VIO_MAX_SEGS];
	struct vio_token tok = {0};
	struct vio_layout l;
	struct vio_queue *q;
	struct vio_conn *c;
	uint64_t off;
	int ret;

	ret = conn_get(u, &c);
	if (ret)
		return ret;
	if (req->gen && req->gen != c->gen) {
		ret = -ESTALE;
		goto out_put;
	}
	req->gen = c->gen;
	if (tls_slot == UINT32_MAX)
		tls_slot = atomic_fetch_add(&next_slot, 1);
	q = &c->q[tls_slot % c->nq];
	ret = layout_request(c, q, req, &l, &off);
	if (ret)
		goto out_put;
	for (unsigned i = 0; i < l.nr_seg; i++)
		bufs[i] =
		    (struct vq_buf){.addr = off + l.seg[i].off, .len = (uint32_t)l.seg[i].len};

	ret = queue_submit(c, q, bufs, l.nr_rd_seg, l.nr_seg - l.nr_rd_seg, &tok);
	if (!ret)
		ret = vio_layout_decode(&l, req, c->shm.base + off, tok.used);
	if (ret == -EPROTO) {
		/* A device that breaks the protocol is not trusted further. */
		conn_break(c);
		ret = -EIO;
	}
	bounce_put(c, q, l.size, off);
	vio_layout_free(&l);
out_put:
	conn_put(c);
	return ret;
}

static int user_info(struct vio_drv *drv, struct vio_limits *lim)
{
	struct vio_user *u = (struct vio_user *)drv;
	struct vio_conn *c;
	int ret = conn_get(u, &c);

	if (ret)
		return ret;
	*lim = c->lim;
	lim->num_queues = c->nq;
	conn_put(c);
	return 0;
}

static void user_close(struct vio_drv *drv)
{
	struct vio_user *u = (struct vio_user *)drv;

	if (u->conn)
		conn_put(u->conn);
	free(u->path);
	free(u);
}

static const struct vio_drv_ops user_ops = {
    .name = "user",
    .info = user_info,
    .submit = user_submit,
    .close = user_close,
};

int vio_drv_user_new(struct vio_drv **drv, const struct vio_user_opts *opts)
{
	struct vio_user *u;

	if (!opts->socket_path || !*opts->socket_path || !opts->shm_bytes ||
	    opts->shm_bytes % 4096 || !opts->ring_size || opts->ring_size > VQ_MAX_SIZE ||
	    (opts->ring_size & (opts->ring_size - 1)))
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->path = strdup(opts->socket_path);
	if (!u->path) {
		free(u);
		return -ENOMEM;
	}
	u->drv.ops = &user_ops;
	u->opts = *opts;
	u->opts.socket_path = u->path;
	vaccel_lock_init(&u->lock);
	*drv = &u->drv;
	return 0;
}
