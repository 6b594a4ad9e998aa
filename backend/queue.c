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
 * Lost wake-ups: a worker about to sleep re-arms kicks (vq_dev_arm)
 * and re-checks the ring under the pop lock; a kick that comes between
 * the re-check and epoll_wait() stays on the epoll ready list.
 *
 * Polling (--poll-us): at most one worker per queue spins on the avail
 * ring for the window before sleeping, with kicks suppressed.
 *
 * Every loop that pops looks at the stop flag on every round, so a guest
 * that keeps publishing (malformed) chains cannot keep a worker from
 * stopping.
 *
 * Ops that do not return (a host function that hangs): workers are
 * detached threads that mark themselves busy for each request (two atomic
 * stores, no lock). The connection's tick (vhu, every stuck-op-ms / 4)
 * notices a worker busy with the same request for --stuck-op-ms: it is
 * stuck, and while the connection has fewer than --max-inflight worker
 * threads the queue gets a new worker in its place; the stuck one leaves
 * after its request, if it ever ends. queue_stop waits for running
 * requests up to --stuck-op-ms, then leaves the ones still running
 * behind: they own a reference on the connection's state (freed after
 * the last of them), guest memory is kept mapped for them (as anonymous
 * memory once the frontend's is gone), and they never touch the queue
 * again. They still count against --max-inflight until they return, so
 * a driver that resets its device (stopping and restarting its queues)
 * cannot pile up more of them: once all are taken, a queue does not
 * start. So one op that never returns costs one thread, its session and
 * the memory it holds; never another queue, connection or the daemon.
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
#include "vaccel_lock.h"
#include "vaccel_spin.h"
#include "vaccel_sys.h"

#include "daemon.h"

enum worker_state { W_IDLE, W_BUSY, W_LEFT }; /* W_LEFT: left behind by queue_stop */

struct worker {
	struct daemon_queue *q;
	struct worker_ctx ctx;
	unsigned state;	      /* atomic: enum worker_state */
	unsigned long served; /* atomic: requests started */
	bool stuck;	      /* atomic: replaced; leaves after its request */
	/* The tick's own view (wk_lock). */
	unsigned long seen; /* served at the last tick */
	unsigned ticks;	    /* ticks seen busy on the same request */
};

struct daemon_queue {
	struct daemon *d;
	unsigned index;
	struct vq_dev *vq;
	int kick_fd;
	int stop_fd;
	int wake_fd;		     /* peer wake-up: more requests pending */
	struct vaccel_lock pop_lock; /* vq_dev_pop / set_notify / the broken warning */
	unsigned poll_us;	     /* --poll-us */
	bool spinning;		     /* a worker busy-polls (atomic) */
	struct vaccel_spin spin;     /* adaptive window: only the worker that set `spinning` */
	bool stopping;		     /* atomic */
	bool warned;		     /* corrupt ring reported */
	bool running;
	pthread_mutex_t wk_lock; /* workers[], nr_workers; workers leaving */
	pthread_cond_t wk_gone;
	struct worker **workers; /* opts->limits.inflight slots */
	unsigned nr_workers;	 /* live, not left behind */
};

/* Ops still running whose queue stopped without them (daemon-wide). */
static unsigned left_behind;

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
	/* EAGAIN: the counter is saturated, a wake-up is pending anyway. */
	while (vaccel_sys_eventfd_signal(fd) < 0 && errno == EINTR)
		;
}

/*
 * Pop one request (pop lock held). Returns 1 (elem filled), 0 (ring empty;
 * with `arm`, kicks re-armed and nothing raced in) or -1 (ring broken or queue
 * stopping: wait for stop). A broken ring is vq_dev_pop()'s to report.
 */
static int pop_locked(struct daemon_queue *q, struct worker_ctx *w, struct vq_elem *elem, bool arm)
{
	for (;;) {
		int r;

		if (stopping(q))
			return -1;
		r = vq_dev_pop(q->vq, elem, w->iov, w->iov_cap);
		if (r == 1)
			return 1;
		if (r == 0) {
			/* Re-arm, then re-check: the driver may have added meanwhile. */
			if (!arm || !vq_dev_arm(q->vq))
				return 0;
			continue;
		}
		if (r == -EBADMSG) {
			vaccel_debug("queue %u: malformed chain %u", q->index, elem->head);
			complete(q, elem->head, 0);
			continue;
		}
		if (!q->warned)
			vaccel_warn("queue %u: ring is corrupt, not serving it any more", q->index);
		q->warned = true;
		return -1;
	}
}

/*
 * Busy-poll the avail ring for the adaptive window (vaccel_spin.h), kicks
 * suppressed. The caller set q->spinning: the window's state is ours.
 */
static void spin(struct daemon_queue *q)
{
	uint64_t window = vaccel_spin_window(&q->spin), start, now;

	if (!window)
		return; /* the driver has not been answering while we spin: sleep */
	start = now = vaccel_clock_ns(CLOCK_MONOTONIC);
	vaccel_lock(&q->pop_lock);
	vq_dev_set_notify(q->vq, false);
	vaccel_unlock(&q->pop_lock);
	for (;;) {
		const uint16_t *avail;
		uint16_t seen;
		bool pending;

		/* Under the lock: another worker may pop meanwhile. */
		vaccel_lock(&q->pop_lock);
		pending = vq_dev_avail_pending(q->vq);
		avail = vq_dev_watch(q->vq, &seen);
		vaccel_unlock(&q->pop_lock);
		if (pending) {
			vaccel_spin_hit(&q->spin, now - start);
			return;
		}
		if (stopping(q) || (now = vaccel_clock_ns(CLOCK_MONOTONIC)) - start >= window)
			break;
		/* Back to the lock as soon as the index moves: no clock read in between. */
		if (!vaccel_spin_watch(avail, seen))
			vaccel_spin_pause(&q->spin, now - start);
	}
	vaccel_spin_miss(&q->spin);
	/* The next pop_locked() re-arms kicks before anyone sleeps. */
}

/*
 * Wait for and pop one request. Returns 1 with elem filled, 0 when the queue
 * stops. The stop flag is set before stop_fd is written: the pop that follows
 * every wake-up sees it, the wake-up's events need no look.
 */
static int take(struct daemon_queue *q, int ep, struct worker_ctx *w, struct vq_elem *elem)
{
	bool spun = false;

	vaccel_lock(&q->pop_lock);
	for (;;) {
		struct epoll_event ev[3];
		/* Spinning next: kicks stay off (spin() keeps them so); only a sleep arms them. */
		bool may_spin = q->poll_us && !spun;
		int r = pop_locked(q, w, elem, !may_spin);

		if (r == 1) {
			/* A sleeping peer takes the next one while we run this. */
			bool more = vq_dev_seen_more(q->vq);

			vaccel_unlock(&q->pop_lock);
			if (more)
				poke(q->wake_fd);
			return 1;
		}
		vaccel_unlock(&q->pop_lock);
		if (r < 0 && stopping(q))
			return 0;
		if (r == 0 && may_spin) {
			if (!__atomic_exchange_n(&q->spinning, true, __ATOMIC_ACQ_REL)) {
				spin(q);
				__atomic_store_n(&q->spinning, false, __ATOMIC_RELEASE);
			}
			/* Spun, or another worker spins: the next round arms before a sleep. */
			spun = true;
		} else {
			/* Direct: no cancellation wrapper (vaccel_sys.h), once per request. */
			if (vaccel_sys_epoll_wait(ep, ev, 3, -1) < 0 && errno != EINTR) {
				vaccel_error("queue %u: epoll_wait: %s", q->index, strerror(errno));
				return 0;
			}
			spun = false;
		}
		vaccel_lock(&q->pop_lock);
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

static void worker_free(struct worker *wk)
{
	worker_ctx_free(&wk->ctx);
	free(wk);
}

/* A worker leaves its queue (stop, or replaced while stuck). */
static void worker_leave(struct worker *wk)
{
	struct daemon_queue *q = wk->q;
	unsigned slots = q->d->opts->limits.inflight;

	pthread_mutex_lock(&q->wk_lock);
	for (unsigned i = 0; i < slots; i++) {
		if (q->workers[i] == wk) {
			q->workers[i] = NULL;
			q->nr_workers--;
			__atomic_fetch_sub(&q->d->threads, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	pthread_cond_broadcast(&q->wk_gone);
	pthread_mutex_unlock(&q->wk_lock);
	worker_free(wk);
}

/* A worker left behind finished its op at last: its queue is gone, its connection may be. */
static void worker_late(struct worker *wk)
{
	struct daemon *d = wk->q->d;

	vaccel_info("an op left behind by connection %u ended", d->id);
	worker_free(wk);
	__atomic_fetch_sub(&left_behind, 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&d->threads, 1, __ATOMIC_RELAXED); /* counted until now */
	daemon_put(d);
}

static void *worker(void *arg)
{
	struct worker *wk = arg;
	struct daemon_queue *q = wk->q;
	struct vq_elem elem;
	int ep = worker_epoll(q);

	if (ep < 0) {
		vaccel_error("queue %u: worker epoll: %s", q->index, strerror(-ep));
		worker_leave(wk);
		return NULL;
	}
	while (take(q, ep, &wk->ctx, &elem) == 1) {
		unsigned busy = W_BUSY;
		uint32_t used;

		__atomic_store_n(&wk->served, wk->served + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&wk->state, W_BUSY, __ATOMIC_RELEASE);
		used = handle_request(q->d, &wk->ctx, &elem);
		if (!__atomic_compare_exchange_n(&wk->state, &busy, W_IDLE, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			/* Left behind: the queue, its ring and its fds are gone. */
			close(ep);
			worker_late(wk);
			return NULL;
		}
		complete(q, elem.head, used);
		if (__atomic_load_n(&wk->stuck, __ATOMIC_ACQUIRE))
			break; /* another worker took this one's place meanwhile */
	}
	close(ep);
	worker_leave(wk);
	return NULL;
}

/*
 * Start one more worker on q (wk_lock held): 0, -ENOSPC when the
 * connection has --max-inflight threads already (ops left behind
 * included), or another negative errno. Only the connection's thread
 * spawns (queue start, tick), so the count cannot be overtaken.
 */
static int spawn_locked(struct daemon_queue *q)
{
	struct daemon *d = q->d;
	unsigned slots = d->opts->limits.inflight, i;
	pthread_attr_t attr;
	struct worker *wk;
	pthread_t tid;
	int ret;

	if (__atomic_load_n(&d->threads, __ATOMIC_RELAXED) >= slots)
		return -ENOSPC;
	for (i = 0; i < slots && q->workers[i]; i++)
		;
	if (i == slots)
		return -ENOSPC;
	wk = calloc(1, sizeof(*wk));
	if (!wk)
		return -ENOMEM;
	wk->q = q;
	if (worker_ctx_init(&wk->ctx, d)) {
		free(wk);
		return -ENOMEM;
	}
	wk->ctx.conn = &d->conn;
	q->workers[i] = wk;
	q->nr_workers++;
	__atomic_fetch_add(&d->threads, 1, __ATOMIC_RELAXED);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&tid, &attr, worker, wk);
	pthread_attr_destroy(&attr);
	if (ret) {
		q->workers[i] = NULL;
		q->nr_workers--;
		__atomic_fetch_sub(&d->threads, 1, __ATOMIC_RELAXED);
		worker_free(wk);
		return -ret;
	}
	return 0;
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
	int ret = 0;

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
	q->poll_us = d->opts->poll_us;
	vaccel_spin_init(&q->spin, (uint64_t)d->opts->poll_us * 1000);
	q->warned = false;
	q->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->stop_fd < 0 || q->wake_fd < 0) {
		ret = -errno;
		close_fds(q);
		return ret;
	}
	pthread_mutex_lock(&q->wk_lock);
	for (unsigned i = 0; i < n && !ret; i++)
		ret = spawn_locked(q);
	if (!q->nr_workers) {
		pthread_mutex_unlock(&q->wk_lock);
		close_fds(q);
		if (ret == -ENOSPC)
			vaccel_warn(
			    "queue %u (connection %u): not started: all %u worker threads "
			    "of the connection run ops that never returned (--max-inflight)",
			    index, d->id, d->opts->limits.inflight);
		return ret ? ret : -ENOMEM;
	}
	pthread_mutex_unlock(&q->wk_lock);
	q->running = true;
	vaccel_debug("queue %u: started with %u workers", index, q->nr_workers);
	return 0;
}

/*
 * Leave the workers still running a request behind (wk_lock held): they
 * may finish some day, but not as workers of this queue. Returns how many.
 */
static unsigned leave_behind_locked(struct daemon_queue *q)
{
	unsigned slots = q->d->opts->limits.inflight, n = 0;

	for (unsigned i = 0; i < slots; i++) {
		struct worker *wk = q->workers[i];
		unsigned busy = W_BUSY;

		if (!wk || !__atomic_compare_exchange_n(&wk->state, &busy, W_LEFT, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue; /* idle: it is on its way out */
		q->workers[i] = NULL;
		q->nr_workers--;
		/* Still a thread of the connection (d->threads) until it returns. */
		__atomic_fetch_add(&q->d->refs, 1, __ATOMIC_RELAXED); /* the worker's now */
		__atomic_fetch_add(&left_behind, 1, __ATOMIC_RELAXED);
		n++;
	}
	return n;
}

static void deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void queue_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	struct daemon *d = opaque;
	struct daemon_queue *q;
	struct timespec until;
	unsigned left = 0;

	if (index >= d->opts->queues)
		return;
	q = &d->queues[index];
	if (!q->running)
		return;
	__atomic_store_n(&q->stopping, true, __ATOMIC_RELEASE);
	poke(q->stop_fd);
	/* Workers finish the request they run before they leave: up to --stuck-op-ms. */
	deadline_in(&until, d->opts->stuck_op_ms);
	pthread_mutex_lock(&q->wk_lock);
	while (q->nr_workers) {
		if (pthread_cond_timedwait(&q->wk_gone, &q->wk_lock, &until) != ETIMEDOUT)
			continue;
		left += leave_behind_locked(q);
		deadline_in(&until, 100); /* the idle ones are leaving: soon */
	}
	pthread_mutex_unlock(&q->wk_lock);
	if (left) {
		vaccel_warn("queue %u: %u ops still running after %u ms are left behind (each "
			    "keeps its thread and session until it returns)",
			    index, left, d->opts->stuck_op_ms);
		vhu_dev_keep_mappings(dev);
	}
	close_fds(q);
	q->running = false;
	vaccel_debug("queue %u: stopped", index);
}

/* The tick's look at one queue: mark stuck workers, replace them (wk_lock held). */
static void tick_locked(struct daemon_queue *q, unsigned stuck_ticks)
{
	struct daemon *d = q->d;
	unsigned slots = d->opts->limits.inflight, available = 0, fresh = 0;

	for (unsigned i = 0; i < slots; i++) {
		struct worker *wk = q->workers[i];
		unsigned long served;

		if (!wk)
			continue;
		served = __atomic_load_n(&wk->served, __ATOMIC_RELAXED);
		if (__atomic_load_n(&wk->state, __ATOMIC_ACQUIRE) != W_BUSY || served != wk->seen) {
			wk->seen = served;
			wk->ticks = 0;
		} else if (++wk->ticks >= stuck_ticks && !wk->stuck) {
			__atomic_store_n(&wk->stuck, true, __ATOMIC_RELEASE);
			fresh++;
		}
		if (!__atomic_load_n(&wk->stuck, __ATOMIC_ACQUIRE))
			available++;
	}
	if (fresh)
		vaccel_warn("queue %u (connection %u): %u ops running for over %u ms: stuck",
			    q->index, d->id, fresh, d->opts->stuck_op_ms);
	while (available < d->opts->workers_per_queue && spawn_locked(q) == 0)
		available++;
}

unsigned queues_tick_ms(const struct daemon_opts *o)
{
	unsigned ms = o->stuck_op_ms / 4;

	return ms < 10 ? 10 : ms > 1000 ? 1000 : ms;
}

void queues_tick(struct vhu_dev *dev, void *opaque)
{
	struct daemon *d = opaque;
	unsigned tick = queues_tick_ms(d->opts);
	unsigned n = (d->opts->stuck_op_ms + tick - 1) / tick; /* ticks that make it stuck */

	(void)dev;
	for (unsigned i = 0; i < d->opts->queues; i++) {
		struct daemon_queue *q = &d->queues[i];

		if (!q->running)
			continue;
		pthread_mutex_lock(&q->wk_lock);
		tick_locked(q, n);
		pthread_mutex_unlock(&q->wk_lock);
	}
}

void queues_usage(struct daemon *d, struct queue_usage *u)
{
	unsigned slots = d->opts->limits.inflight;

	memset(u, 0, sizeof(*u));
	for (unsigned i = 0; i < d->opts->queues; i++) {
		struct daemon_queue *q = &d->queues[i];

		pthread_mutex_lock(&q->wk_lock);
		for (unsigned j = 0; q->workers && j < slots; j++) {
			struct worker *wk = q->workers[j];

			if (!wk || __atomic_load_n(&wk->state, __ATOMIC_ACQUIRE) != W_BUSY)
				continue;
			u->busy++;
			u->stuck += __atomic_load_n(&wk->stuck, __ATOMIC_ACQUIRE);
		}
		pthread_mutex_unlock(&q->wk_lock);
	}
}

unsigned queues_left_behind(void)
{
	return __atomic_load_n(&left_behind, __ATOMIC_RELAXED);
}

int queues_init(struct daemon *d)
{
	d->queues = calloc(d->opts->queues, sizeof(*d->queues));
	if (!d->queues)
		return -ENOMEM;
	for (unsigned i = 0; i < d->opts->queues; i++) {
		struct daemon_queue *q = &d->queues[i];
		pthread_condattr_t ca;

		q->d = d;
		q->index = i;
		q->stop_fd = q->wake_fd = -1;
		q->kick_fd = -1;
		vaccel_lock_init(&q->pop_lock);
		pthread_mutex_init(&q->wk_lock, NULL);
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&q->wk_gone, &ca);
		pthread_condattr_destroy(&ca);
		q->workers = calloc(d->opts->limits.inflight, sizeof(*q->workers));
		if (!q->workers)
			return -ENOMEM; /* queues_free() undoes the rest */
	}
	return 0;
}

void queues_free(struct daemon *d)
{
	if (!d->queues)
		return;
	for (unsigned i = 0; i < d->opts->queues; i++) {
		struct daemon_queue *q = &d->queues[i];

		pthread_mutex_destroy(&q->wk_lock);
		pthread_cond_destroy(&q->wk_gone);
		free(q->workers);
	}
	free(d->queues);
	d->queues = NULL;
}
