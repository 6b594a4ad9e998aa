/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-queue worker pools.
 *
 * Every idle worker of a queue sleeps in epoll_wait() on its own epoll set
 * holding the kick eventfd and a peer-wake eventfd (edge-triggered,
 * EPOLLEXCLUSIVE) and the stop eventfd (level-triggered). A kick wakes
 * one sleeping worker, the first registered one that sleeps:
 * it pops ONE request under the queue's pop lock and runs it itself (no
 * thread hop for a cheap request). Idle workers stay asleep in epoll, so a
 * kick that arrives while a slow request runs wakes another one: a slow op
 * never holds up its queue while a worker is free. When a worker pops and
 * sees more requests pending, it wakes a peer through the peer eventfd.
 * Queues never share workers: a slow op on one cannot stall another.
 * Requests complete (vq_dev_push) in whatever order they finish.
 *
 * Per request in notification mode that is one epoll_wait() and one write
 * to the call eventfd, as a plain eventfd ping-pong. The kick eventfd is
 * never read: edge-triggered epoll reports every write to it, and its
 * counter cannot overflow in practice (2^64 - 2 kicks).
 *
 * Lost wake-ups: a worker about to sleep re-arms kicks (vq_dev_set_notify)
 * and re-checks the ring under the pop lock; a kick that comes between
 * the re-check and epoll_wait() stays on the epoll ready list.
 *
 * Polling (--poll-us): at most one worker per queue spins on the avail
 * ring for the window before sleeping, with kicks suppressed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <vaccel.h>

#include "vaccel_common.h"

#include "daemon.h"

struct daemon_queue {
	struct daemon *d;
	unsigned index;
	struct vq_dev *vq;
	int kick_fd;
	int stop_fd;
	int wake_fd;		  /* peer wake-up: more requests pending */
	pthread_mutex_t pop_lock; /* vq_dev_pop / set_notify / the broken warning */
	bool spinning;		  /* a worker busy-polls (atomic) */
	bool stopping;		  /* atomic */
	bool warned;		  /* corrupt ring reported */
	bool running;
	unsigned nr_threads;
	pthread_t *threads;
};

static bool stopping(struct daemon_queue *q)
{
	return __atomic_load_n(&q->stopping, __ATOMIC_ACQUIRE);
}

/* Complete a chain and interrupt the driver when the ring asks for it. */
static void complete(struct daemon_queue *q, uint16_t head, uint32_t used)
{
	if (vq_dev_push(q->vq, head, used))
		vhu_dev_notify(q->d->dev, q->index);
}

static void poke(int fd)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is saturated, a wake-up is pending anyway. */
	while (write(fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/*
 * Pop one request (pop lock held). Returns 1 (elem filled), 0 (ring empty,
 * kicks re-armed and nothing raced in) or -1 (ring broken: wait for stop).
 */
static int pop_locked(struct daemon_queue *q, struct worker_ctx *w, struct vq_elem *elem)
{
	for (;;) {
		int r;

		if (q->vq->broken)
			return -1;
		r = vq_dev_pop(q->vq, elem, w->iov, w->iov_cap);
		if (r == 1)
			return 1;
		if (r == -EBADMSG) {
			vaccel_debug("queue %u: malformed chain %u", q->index, elem->head);
			complete(q, elem->head, 0);
			continue;
		}
		if (r == -EPROTO) {
			if (!q->warned)
				vaccel_warn("queue %u: ring is corrupt, not serving it any more",
					    q->index);
			q->warned = true;
			return -1;
		}
		/* Re-arm, then re-check: the driver may have added meanwhile. */
		vq_dev_set_notify(q->vq, true);
		if (!vq_dev_avail_pending(q->vq))
			return 0;
	}
}

/* Busy-poll the avail ring for the window, kicks suppressed. */
static void spin(struct daemon_queue *q, unsigned poll_us)
{
	uint64_t end = vaccel_clock_ns(CLOCK_MONOTONIC) + (uint64_t)poll_us * 1000;

	pthread_mutex_lock(&q->pop_lock);
	vq_dev_set_notify(q->vq, false);
	pthread_mutex_unlock(&q->pop_lock);
	while (!stopping(q) && vaccel_clock_ns(CLOCK_MONOTONIC) < end) {
		bool pending;

		/* Under the lock: another worker may pop meanwhile. */
		pthread_mutex_lock(&q->pop_lock);
		pending = vq_dev_avail_pending(q->vq);
		pthread_mutex_unlock(&q->pop_lock);
		if (pending)
			break;
		vaccel_cpu_relax();
	}
	/* The next pop_locked() re-arms kicks before anyone sleeps. */
}

/* Wait for and pop one request. Returns 1 with elem filled, 0 when the queue stops. */
static int take(struct daemon_queue *q, int ep, struct worker_ctx *w, struct vq_elem *elem)
{
	unsigned poll_us = q->d->opts->poll_us;
	bool spun = false;

	for (;;) {
		struct epoll_event ev[3];
		bool more = false;
		int r, n;

		if (stopping(q))
			return 0;
		pthread_mutex_lock(&q->pop_lock);
		r = pop_locked(q, w, elem);
		if (r == 1)
			more = vq_dev_avail_pending(q->vq);
		pthread_mutex_unlock(&q->pop_lock);
		if (r == 1) {
			/* A sleeping peer takes the next one while we run this. */
			if (more)
				poke(q->wake_fd);
			return 1;
		}
		if (r == 0 && poll_us && !spun &&
		    !__atomic_exchange_n(&q->spinning, true, __ATOMIC_ACQ_REL)) {
			spin(q, poll_us);
			__atomic_store_n(&q->spinning, false, __ATOMIC_RELEASE);
			spun = true;
			continue;
		}
		n = epoll_wait(ep, ev, 3, -1);
		if (n < 0 && errno != EINTR) {
			vaccel_error("queue %u: epoll_wait: %s", q->index, strerror(errno));
			return 0;
		}
		for (int i = 0; i < n; i++)
			if (ev[i].data.fd == q->stop_fd)
				return 0;
		spun = false;
	}
}

static int ep_add(int ep, int fd, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/*
 * The worker's own epoll set. EPOLLEXCLUSIVE: a kick wakes the first worker
 * (in registration order) that sleeps, not every one, and not one in
 * turn: the same worker serves back-to-back requests, so it stays where
 * the scheduler put it and its cache stays warm. Stop reaches every one.
 */
static int worker_epoll(struct daemon_queue *q)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), ret;

	if (ep < 0)
		return -errno;
	ret = ep_add(ep, q->kick_fd, EPOLLIN | EPOLLET | EPOLLEXCLUSIVE);
	if (!ret)
		ret = ep_add(ep, q->wake_fd, EPOLLIN | EPOLLET | EPOLLEXCLUSIVE);
	if (!ret)
		ret = ep_add(ep, q->stop_fd, EPOLLIN);
	if (ret) {
		close(ep);
		return ret;
	}
	return ep;
}

static void *worker(void *arg)
{
	struct daemon_queue *q = arg;
	struct worker_ctx w;
	struct vq_elem elem;
	int ep = worker_epoll(q);

	if (ep < 0) {
		vaccel_error("queue %u: worker epoll: %s", q->index, strerror(-ep));
		return NULL;
	}
	if (worker_ctx_init(&w, q->d)) {
		vaccel_error("queue %u: no memory for a worker", q->index);
		close(ep);
		return NULL;
	}
	while (take(q, ep, &w, &elem) == 1)
		complete(q, elem.head, handle_request(q->d, &w, &elem));
	worker_ctx_free(&w);
	close(ep);
	return NULL;
}

static void close_fds(struct daemon_queue *q)
{
	if (q->stop_fd >= 0)
		close(q->stop_fd);
	if (q->wake_fd >= 0)
		close(q->wake_fd);
	q->stop_fd = q->wake_fd = -1;
}

int queue_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd, void *opaque)
{
	struct daemon *d = opaque;
	struct daemon_queue *q;
	unsigned n = d->opts->workers_per_queue;
	int ret;

	(void)dev;
	if (index >= d->opts->queues)
		return -EINVAL;
	q = &d->queues[index];
	if (q->running)
		return -EBUSY;
	q->vq = vq;
	q->kick_fd = kick_fd;
	q->stopping = false;
	q->spinning = false;
	q->warned = false;
	q->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->stop_fd < 0 || q->wake_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = -ENOMEM;
	q->threads = calloc(n, sizeof(*q->threads));
	if (!q->threads)
		goto fail;
	for (q->nr_threads = 0; q->nr_threads < n; q->nr_threads++)
		if (pthread_create(&q->threads[q->nr_threads], NULL, worker, q))
			break;
	if (!q->nr_threads)
		goto fail;
	q->running = true;
	vaccel_debug("queue %u: started with %u workers", index, q->nr_threads);
	return 0;
fail:
	free(q->threads);
	q->threads = NULL;
	close_fds(q);
	return ret;
}

void queue_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	struct daemon *d = opaque;
	struct daemon_queue *q;

	(void)dev;
	if (index >= d->opts->queues)
		return;
	q = &d->queues[index];
	if (!q->running)
		return;
	__atomic_store_n(&q->stopping, true, __ATOMIC_RELEASE);
	poke(q->stop_fd);
	/* Workers finish the request they run before they exit. */
	for (unsigned i = 0; i < q->nr_threads; i++)
		pthread_join(q->threads[i], NULL);
	free(q->threads);
	q->threads = NULL;
	q->nr_threads = 0;
	close_fds(q);
	q->running = false;
	vaccel_debug("queue %u: stopped", index);
}

int queues_init(struct daemon *d)
{
	d->queues = calloc(d->opts->queues, sizeof(*d->queues));
	if (!d->queues)
		return -ENOMEM;
	for (unsigned i = 0; i < d->opts->queues; i++) {
		struct daemon_queue *q = &d->queues[i];

		q->d = d;
		q->index = i;
		q->stop_fd = q->wake_fd = -1;
		q->kick_fd = -1;
		pthread_mutex_init(&q->pop_lock, NULL);
	}
	return 0;
}

void queues_free(struct daemon *d)
{
	if (!d->queues)
		return;
	for (unsigned i = 0; i < d->opts->queues; i++)
		pthread_mutex_destroy(&d->queues[i].pop_lock);
	free(d->queues);
	d->queues = NULL;
}
