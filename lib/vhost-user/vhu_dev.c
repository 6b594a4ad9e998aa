/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user backend: device lifecycle, queue start/stop, the serve loop.
 * Message semantics live in vhu_handle.c, framing in vhu_msg.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vaccel_common.h"
#include "vaccel_sys.h"

#include "vhu_priv.h"

int vhu_dev_new(struct vhu_dev **devp, const struct vhu_dev_config *cfg,
		const struct vhu_dev_ops *ops, void *opaque)
{
	struct vhu_dev *dev;
	unsigned i;

	if (!devp || !cfg || !ops || !ops->queue_start || !ops->queue_stop)
		return -EINVAL;
	if (cfg->num_queues < 1 || cfg->num_queues > VHU_MAX_QUEUES)
		return -EINVAL;
	if (cfg->config_len > VHU_MAX_CONFIG || (cfg->config_len && !cfg->config))
		return -EINVAL;

	vhu_mem_guard_init();
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->cfg = *cfg;
	if (cfg->config_len) {
		dev->config_copy = malloc(cfg->config_len);
		if (!dev->config_copy)
			goto nomem;
		memcpy(dev->config_copy, cfg->config, cfg->config_len);
	}
	dev->cfg.config = dev->config_copy;
	dev->ops = ops;
	dev->opaque = opaque;
	for (i = 0; i < VHU_MAX_MEM_REGIONS; i++)
		dev->regions[i].fd = dev->regions[i].guard = -1;
	dev->queues = calloc(cfg->num_queues, sizeof(*dev->queues));
	if (!dev->queues)
		goto nomem;
	for (i = 0; i < cfg->num_queues; i++) {
		struct vhu_queue *q = &dev->queues[i];

		vaccel_lock_init(&q->call_lock);
		q->kick_fd = q->call_fd = q->err_fd = -1;
	}
	*devp = dev;
	return 0;

nomem:
	free(dev->queues);
	free(dev->config_copy);
	free(dev);
	return -ENOMEM;
}

void vhu_dev_free(struct vhu_dev *dev)
{
	if (!dev)
		return;
	vhu_dev_reset(dev, false);
	free(dev->queues);
	free(dev->config_copy);
	free(dev);
}

void vhu_dev_pause(struct vhu_dev *dev)
{
	__atomic_store_n(&dev->pause, 1, __ATOMIC_RELEASE);
}

uint64_t vhu_dev_features(const struct vhu_dev *dev)
{
	return __atomic_load_n(&dev->features, __ATOMIC_ACQUIRE);
}

static void *map_gpa(void *opaque, uint64_t addr, uint64_t len)
{
	return vhu_dev_gpa_to_va(opaque, addr, len);
}

static bool window_gpa(void *opaque, uint64_t addr, struct vq_window *w)
{
	return vhu_mem_gpa_window(opaque, addr, w);
}

/* Bytes of each ring part for num entries (event fields included). */
static uint64_t desc_bytes(uint16_t num)
{
	return 16ull * num;
}

static uint64_t avail_bytes(uint16_t num)
{
	return 6ull + 2ull * num;
}

static uint64_t used_bytes(uint16_t num)
{
	return 6ull + 8ull * num;
}

/* One ring part: where it lies, as the memory it is (file pages), not as an address. */
struct ring_part {
	const struct vhu_region *r;
	uint64_t off, len; /* in the region */
	void *host;
};

static bool locate_part(const struct vhu_dev *dev, uint64_t uva, uint64_t len, struct ring_part *p)
{
	if (!vhu_mem_locate(dev, uva, len, &p->r, &p->off))
		return false;
	p->len = len;
	p->host = p->r->host + p->off;
	return true;
}

/*
 * Whether two parts share memory: the same file pages, through one region
 * or through two that map the same file range. A device writing the used
 * ring must never move the avail index or rewrite descriptors.
 */
static bool parts_overlap(const struct ring_part *a, const struct ring_part *b)
{
	uint64_t fa = a->r->file_off + a->off, fb = b->r->file_off + b->off;

	if (a->r->file_dev != b->r->file_dev || a->r->file_ino != b->r->file_ino)
		return false;
	return fa < fb + b->len && fb < fa + a->len; /* offsets are far below 2^63 */
}

int vhu_queue_try_start(struct vhu_dev *dev, unsigned index)
{
	struct vhu_queue *q = &dev->queues[index];
	struct ring_part desc, avail, used;
	bool event_idx;
	int ret;

	if (q->started || !q->num || !q->addr_set || !q->kick_set || q->kick_fd < 0 || !q->enabled)
		return 0;
	if (!locate_part(dev, q->desc_uva, desc_bytes(q->num), &desc) ||
	    !locate_part(dev, q->avail_uva, avail_bytes(q->num), &avail) ||
	    !locate_part(dev, q->used_uva, used_bytes(q->num), &used)) {
		vhu_log(LOG_WARNING, "queue %u: ring addresses outside the memory table", index);
		return -EINVAL;
	}
	if (parts_overlap(&desc, &avail) || parts_overlap(&desc, &used) ||
	    parts_overlap(&avail, &used)) {
		vhu_log(LOG_WARNING,
			"queue %u: ring parts overlap (desc, avail and used must not "
			"share memory): not started",
			index);
		return -EINVAL;
	}
	event_idx = vhu_dev_features(dev) & (1ull << VIRTIO_RING_F_EVENT_IDX);
	ret = vq_dev_init(&q->vq, q->num, desc.host, avail.host, used.host, q->base, event_idx,
			  &dev->cfg.limits, map_gpa, dev);
	if (ret) {
		vhu_log(LOG_WARNING, "queue %u: bad ring layout (%d)", index, ret);
		return ret;
	}
	vq_dev_set_window(&q->vq, window_gpa);
	ret = dev->ops->queue_start(dev, index, &q->vq, q->kick_fd, dev->opaque);
	if (ret) {
		vhu_log(LOG_WARNING, "queue %u: queue_start failed (%d)", index, ret);
		vq_dev_destroy(&q->vq);
		/* The application's failure is not the frontend's protocol error. */
		return ret == -EPROTO || ret >= 0 ? -EIO : ret;
	}
	q->started = true;
	vhu_log(LOG_DEBUG, "queue %u started (num %u, base %u)", index, q->num, q->base);
	return 0;
}

void vhu_queue_stop(struct vhu_dev *dev, unsigned index)
{
	struct vhu_queue *q = &dev->queues[index];

	if (!q->started)
		return;
	dev->ops->queue_stop(dev, index, dev->opaque);
	q->base = vq_dev_last_avail(&q->vq);
	vq_dev_destroy(&q->vq);
	q->started = false;
	vhu_log(LOG_DEBUG, "queue %u stopped at %u", index, q->base);
}

void vhu_dev_reset(struct vhu_dev *dev, bool disconnect)
{
	unsigned i;

	for (i = 0; i < dev->cfg.num_queues; i++)
		vhu_queue_stop(dev, i);
	if (disconnect && dev->ops->disconnect)
		dev->ops->disconnect(dev, dev->opaque);
	vhu_mem_unmap(dev, dev->regions, dev->nregions);
	dev->nregions = 0;
	for (i = 0; i < dev->cfg.num_queues; i++) {
		struct vhu_queue *q = &dev->queues[i];

		vhu_close_fd(&q->kick_fd);
		vaccel_lock(&q->call_lock);
		vhu_close_fd(&q->call_fd);
		vaccel_unlock(&q->call_lock);
		vhu_close_fd(&q->err_fd);
		q->num = 0;
		q->addr_set = false;
		q->desc_uva = q->avail_uva = q->used_uva = 0;
		q->base = 0;
		q->kick_set = false;
		q->enabled = false;
	}
	__atomic_store_n(&dev->features, 0, __ATOMIC_RELEASE);
	dev->protocol_features = 0;
	dev->features_set = false;
	dev->owner = false;
	dev->status = 0;
}

/* The interrupt again after a failed write: EINTR retries, EAGAIN means the
 * counter is saturated (the driver will wake anyway). Apart: the usual
 * interrupt, one write that succeeds, is not a loop. */
__attribute__((noinline)) static void notify_again(int fd)
{
	while (errno == EINTR && vaccel_sys_eventfd_signal(fd) < 0)
		;
}

void vhu_dev_notify(struct vhu_dev *dev, unsigned index)
{
	struct vhu_queue *q;

	if (!dev || index >= dev->cfg.num_queues)
		return;
	q = &dev->queues[index];
	vaccel_lock(&q->call_lock);
	if (q->call_fd >= 0 && vaccel_sys_eventfd_signal(q->call_fd) < 0)
		notify_again(q->call_fd);
	vaccel_unlock(&q->call_lock);
}

static bool reply_ack_on(const struct vhu_dev *dev)
{
	return dev->protocol_features & (1ull << VHU_PROTOCOL_F_REPLY_ACK);
}

void vhu_dev_keep_mappings(struct vhu_dev *dev)
{
	dev->keep_mappings = true;
}

static uint64_t now_ms(void)
{
	return vaccel_clock_ns(CLOCK_MONOTONIC) / 1000000u;
}

/* How long serve() may sleep before it must look at the clock or its memory again. */
#define SERVE_MAX_SLEEP_MS 1000u
/* ... and at vhu_dev_pause(): how long a pause may wait to be seen. */
#define SERVE_PAUSE_MS 100u

/*
 * Wait for the next message. Returns 1 (readable), 0 (woke for a tick),
 * VHU_SERVE_PAUSED + 1 (vhu_dev_pause() asked) or a negative errno that
 * ends the connection: the handshake was not done in time, or guest memory
 * faulted.
 */
static int serve_wait(struct vhu_dev *dev, int conn_fd, uint64_t hello_by, bool greeted,
		      uint64_t *next_tick)
{
	struct pollfd p = {.fd = conn_fd, .events = POLLIN};
	uint64_t now = now_ms(), wake = now + SERVE_MAX_SLEEP_MS;
	int r;

	if (!greeted && hello_by && hello_by < wake)
		wake = hello_by;
	if (dev->cfg.tick_ms && *next_tick < wake)
		wake = *next_tick;
	if (dev->cfg.tick_ms == 0 || dev->cfg.tick_ms > SERVE_PAUSE_MS)
		wake = wake < now + SERVE_PAUSE_MS ? wake : now + SERVE_PAUSE_MS;
	r = poll(&p, 1, wake > now ? (int)(wake - now) : 0);
	if (r < 0 && errno != EINTR)
		return -errno;
	/*
	 * Between two messages: a message the frontend sent meanwhile waits in
	 * the socket. A flag seen at the next wake-up, not an fd per device:
	 * a connection costs the daemon no more fds than before.
	 */
	if (__atomic_exchange_n(&dev->pause, 0, __ATOMIC_ACQ_REL))
		return VHU_SERVE_PAUSED + 1;
	if (__atomic_load_n(&dev->mem_fault, __ATOMIC_ACQUIRE)) {
		vhu_log(LOG_WARNING, "guest memory faulted (truncated, or no huge page to back "
				     "it): closing the connection");
		return -EFAULT;
	}
	now = now_ms();
	if (dev->cfg.tick_ms && now >= *next_tick) {
		if (dev->ops->tick)
			dev->ops->tick(dev, dev->opaque);
		*next_tick = now + dev->cfg.tick_ms;
	}
	if (r > 0)
		return 1;
	if (!greeted && hello_by && now >= hello_by) {
		vhu_log(LOG_WARNING, "frontend sent no SET_OWNER within %u ms: closing",
			dev->cfg.handshake_timeout_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

int vhu_dev_serve(struct vhu_dev *dev, int conn_fd)
{
	struct vhu_msg msg, reply;
	int fds[VHU_MAX_FDS];
	unsigned nfds;
	uint64_t hello_by = 0, next_tick;
	int msg_timeout = -1;
	bool greeted = false;
	int ret;

	if (!dev || conn_fd < 0)
		return -EINVAL;
	next_tick = now_ms() + dev->cfg.tick_ms;
	if (dev->cfg.handshake_timeout_ms) {
		hello_by = now_ms() + dev->cfg.handshake_timeout_ms;
		msg_timeout = (int)dev->cfg.handshake_timeout_ms;
	}
	__atomic_store_n(&dev->mem_fault, 0, __ATOMIC_RELEASE);
	/*
	 * A device serving again after a pause, or set up by vhu_dev_import():
	 * the frontend said hello long ago, and its ready queues run on.
	 */
	greeted = dev->owner;
	for (unsigned i = 0; i < dev->cfg.num_queues; i++)
		vhu_queue_try_start(dev, i);
	for (;;) {
		bool has_reply = false;
		int r;

		r = serve_wait(dev, conn_fd, hello_by, greeted, &next_tick);
		if (r < 0) {
			ret = r;
			break;
		}
		if (r == VHU_SERVE_PAUSED + 1) {
			/* Queues stop (in-flight requests complete); everything else stays. */
			for (unsigned i = 0; i < dev->cfg.num_queues; i++)
				vhu_queue_stop(dev, i);
			vhu_log(LOG_INFO, "paused for a handover");
			return VHU_SERVE_PAUSED;
		}
		if (r == 0)
			continue;
		r = vhu_msg_recv(conn_fd, &msg, fds, &nfds, msg_timeout);
		if (r == -ETIMEDOUT)
			vhu_log(LOG_WARNING, "frontend message not completed within %d ms: closing",
				msg_timeout);
		if (r <= 0) {
			ret = r;
			break;
		}
		/* Once set up, a frontend may stay silent as long as it likes (an idle VM). */
		greeted = greeted || msg.hdr.request == VHU_SET_OWNER;
		memset(&reply.hdr, 0, sizeof(reply.hdr));
		r = vhu_dev_handle(dev, &msg, fds, nfds, &reply, &has_reply);
		if (r == -EPROTO) {
			ret = r;
			break;
		}
		if (!has_reply && (msg.hdr.flags & VHU_FLAG_NEED_REPLY) && reply_ack_on(dev)) {
			reply.hdr.request = msg.hdr.request;
			reply.hdr.size = sizeof(uint64_t);
			reply.payload.u64 = r ? 1 : 0;
			has_reply = true;
		}
		if (has_reply) {
			reply.hdr.flags = VHU_VERSION | VHU_FLAG_REPLY;
			r = vhu_msg_send(conn_fd, &reply, NULL, 0);
			if (r) {
				ret = r;
				break;
			}
		}
	}
	if (ret)
		vhu_log(LOG_WARNING, "connection ends: %s", strerror(-ret));
	vhu_dev_reset(dev, true);
	close(conn_fd);
	return ret;
}

int vhu_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, ret;

	if (!path || !*path)
		return -EINVAL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		/* Replace a stale socket, never some other file. */
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (unlink(path) < 0)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}
