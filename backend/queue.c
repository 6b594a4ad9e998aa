/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-queue worker pools, leader/follower style.
 *
 * Of a queue's N workers, at most one is the leader: it waits for work
 * (spinning on the avail ring for --poll-us, then sleeping in poll() on the
 * kick eventfd and a stop eventfd), pops ONE request, hands leadership to an
 * idle follower and runs the request itself, so a cheap request costs no
 * thread hop and a slow one never holds up the queue while a worker is
 * free. Queues never share workers: a slow op on one cannot stall another.
 * Requests complete (vq_dev_push) in whatever order they finish.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <vaccel.h>

#include "daemon.h"

struct daemon_queue {
	struct daemon *d;
	unsigned index;
	struct vq_dev *vq;
	int kick_fd;
	int stop_fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool has_leader;
	bool stopping;
	bool running;
	unsigned nr_threads;
	pthread_t *threads;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

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

/*
 * Leader only: wait for and pop one request. Returns 1 with elem filled,
 * 0 when the queue stops.
 */
static int lead(struct daemon_queue *q, struct worker_ctx *w, struct vq_elem *elem)
{
	unsigned poll_us = q->d->opts->poll_us;
	bool spun = false;

	for (;;) {
		struct pollfd pfd[2];
		int r;

		if (stopping(q))
			return 0;
		if (!q->vq->broken) {
			r = vq_dev_pop(q->vq, elem, w->iov, w->iov_cap);
			if (r == 1)
				return 1;
			if (r == -EBADMSG) {
				vaccel_debug("queue %u: malformed chain %u", q->index, elem->head);
				complete(q, elem->head, 0);
				continue;
			}
			if (r == -EPROTO)
				vaccel_warn("queue %u: ring is corrupt, not serving it any more",
					    q->index);
			else if (r == 0 && poll_us && !spun) {
				/* Busy-poll with kicks suppressed, for the window only. */
				uint64_t end = now_ns() + (uint64_t)poll_us * 1000;

				vq_dev_set_notify(q->vq, false);
				while (!vq_dev_avail_pending(q->vq) && !stopping(q) &&
				       now_ns() < end)
					cpu_relax();
				vq_dev_set_notify(q->vq, true);
				spun = true;
				continue;
			}
			if (!q->vq->broken) {
				/* Re-arm, then re-check: the driver may have added meanwhile. */
				vq_dev_set_notify(q->vq, true);
				if (vq_dev_avail_pending(q->vq))
					continue;
			}
		}
		pfd[0] = (struct pollfd){.fd = q->kick_fd, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = q->stop_fd, .events = POLLIN};
		r = poll(pfd, 2, -1);
		if (r < 0 && errno != EINTR)
			return 0;
		if (pfd[1].revents)
			return 0;
		if (pfd[0].revents & POLLIN) {
			uint64_t v;

			/* Only the leader reads the kick fd: the counter is > 0 here. */
			if (read(q->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				vaccel_debug("queue %u: kick read: %d", q->index, errno);
			spun = false;
		} else if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			/* A dead kick fd: wait for the stop only. */
			pfd[0].fd = -1;
			poll(&pfd[1], 1, -1);
			return 0;
		}
	}
}

static void *worker(void *arg)
{
	struct daemon_queue *q = arg;
	struct worker_ctx w;
	struct vq_elem elem;

	if (worker_ctx_init(&w, q->d)) {
		vaccel_error("queue %u: no memory for a worker", q->index);
		return NULL;
	}
	pthread_mutex_lock(&q->lock);
	while (!q->stopping) {
		int r;

		if (q->has_leader) {
			pthread_cond_wait(&q->cond, &q->lock);
			continue;
		}
		q->has_leader = true;
		pthread_mutex_unlock(&q->lock);
		r = lead(q, &w, &elem);
		pthread_mutex_lock(&q->lock);
		q->has_leader = false;
		pthread_cond_signal(&q->cond); /* next leader */
		if (r != 1)
			break;
		pthread_mutex_unlock(&q->lock);
		complete(q, elem.head, handle_request(q->d, &w, &elem));
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	worker_ctx_free(&w);
	return NULL;
}

int queue_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd, void *opaque)
{
	struct daemon *d = opaque;
	struct daemon_queue *q;
	unsigned n = d->opts->workers_per_queue;

	(void)dev;
	if (index >= d->opts->queues)
		return -EINVAL;
	q = &d->queues[index];
	if (q->running)
		return -EBUSY;
	q->vq = vq;
	q->kick_fd = kick_fd;
	q->stopping = false;
	q->has_leader = false;
	q->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->stop_fd < 0)
		return -errno;
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
	close(q->stop_fd);
	q->stop_fd = -1;
	return -ENOMEM;
}

void queue_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	struct daemon *d = opaque;
	struct daemon_queue *q;
	uint64_t one = 1;

	(void)dev;
	if (index >= d->opts->queues)
		return;
	q = &d->queues[index];
	if (!q->running)
		return;
	pthread_mutex_lock(&q->lock);
	__atomic_store_n(&q->stopping, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	if (write(q->stop_fd, &one, sizeof(one)) < 0)
		vaccel_warn("queue %u: stop signal failed: %d", index, errno);
	/* Workers finish the request they run before they exit. */
	for (unsigned i = 0; i < q->nr_threads; i++)
		pthread_join(q->threads[i], NULL);
	free(q->threads);
	q->threads = NULL;
	q->nr_threads = 0;
	close(q->stop_fd);
	q->stop_fd = -1;
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
		q->stop_fd = -1;
		q->kick_fd = -1;
		pthread_mutex_init(&q->lock, NULL);
		pthread_cond_init(&q->cond, NULL);
	}
	return 0;
}

void queues_free(struct daemon *d)
{
	if (!d->queues)
		return;
	for (unsigned i = 0; i < d->opts->queues; i++) {
		pthread_mutex_destroy(&d->queues[i].lock);
		pthread_cond_destroy(&d->queues[i].cond);
	}
	free(d->queues);
	d->queues = NULL;
}
