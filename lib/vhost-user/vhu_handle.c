/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user backend: what each request means. The payload arrives bounded
 * by vhu_msg_recv(); here every request checks its exact size, its queue
 * index and its fds before touching any state.
 *
 * Policy: malformed requests (wrong size, bad index, missing fd, bad ring
 * size, unoffered feature bits, bad memory table) are violations: -EPROTO
 * ends the connection. Requests we understand but refuse (SET_CONFIG, the
 * dirty-log requests) and unknown requests fail softly: logged, answered
 * with a failing REPLY_ACK when the frontend asked for one, else ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <linux/virtio_config.h>

#include "vhu_priv.h"

uint64_t vhu_offered_features(const struct vhu_dev *dev)
{
	return dev->cfg.features | (1ull << VHU_F_PROTOCOL_FEATURES);
}

int vhu_vring_fd_adopt(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -EPROTO;
	return 0;
}

/* Take fds[i] out of the array: the caller now owns it. */
static int take_fd(int *fds, unsigned nfds, unsigned i)
{
	int fd;

	if (i >= nfds)
		return -1;
	fd = fds[i];
	fds[i] = -1;
	return fd;
}

static int need_size(const struct vhu_msg *msg, uint32_t size)
{
	char rb[VHU_REQ_STR];

	if (msg->hdr.size != size) {
		vhu_log(LOG_WARNING, "%s: payload size %u, expected %u",
			vhu_req_str(msg->hdr.request, rb), msg->hdr.size, size);
		return -EPROTO;
	}
	return 0;
}

/* Requests without a payload; tolerate an ignored u64 as some frontends send. */
static int need_empty(const struct vhu_msg *msg)
{
	if (msg->hdr.size != 0 && msg->hdr.size != sizeof(uint64_t))
		return need_size(msg, 0);
	return 0;
}

static int queue_index(const struct vhu_dev *dev, uint32_t index, uint32_t request)
{
	char rb[VHU_REQ_STR];

	if (index >= dev->cfg.num_queues) {
		vhu_log(LOG_WARNING, "%s: queue index %u out of range", vhu_req_str(request, rb),
			index);
		return -EPROTO;
	}
	return 0;
}

static void reply_u64(const struct vhu_msg *msg, struct vhu_msg *reply, bool *has_reply, uint64_t v)
{
	reply->hdr.request = msg->hdr.request;
	reply->hdr.size = sizeof(uint64_t);
	reply->payload.u64 = v;
	*has_reply = true;
}

/*
 * Stop the queue if it runs, apply change, start it again if ready; ret gets
 * the start result (so a REPLY_ACK reports a queue that cannot start).
 */
#define WITH_QUEUE_STOPPED(ret, dev, i, change)                                                    \
	do {                                                                                       \
		vhu_queue_stop(dev, i);                                                            \
		change;                                                                            \
		(ret) = vhu_queue_try_start(dev, i);                                               \
	} while (0)

static int set_features(struct vhu_dev *dev, const struct vhu_msg *msg)
{
	uint64_t f = msg->payload.u64;
	unsigned i;

	if (f & ~vhu_offered_features(dev)) {
		vhu_log(LOG_WARNING, "SET_FEATURES: unoffered bits 0x%llx",
			(unsigned long long)(f & ~vhu_offered_features(dev)));
		return -EPROTO;
	}
	/* EVENT_IDX is baked into running queues: restart them around the change. */
	for (i = 0; i < dev->cfg.num_queues; i++)
		vhu_queue_stop(dev, i);
	__atomic_store_n(&dev->features, f, __ATOMIC_RELEASE);
	dev->features_set = true;
	for (i = 0; i < dev->cfg.num_queues; i++) {
		/* Without PROTOCOL_FEATURES rings are enabled from the start. */
		if (!(f & (1ull << VHU_F_PROTOCOL_FEATURES)))
			dev->queues[i].enabled = true;
		vhu_queue_try_start(dev, i);
	}
	return 0;
}

static int set_mem_table(struct vhu_dev *dev, const struct vhu_msg *msg, int *fds, unsigned nfds)
{
	uint32_t n;

	if (msg->hdr.size < 8)
		return need_size(msg, 8);
	n = msg->payload.memory.nregions;
	if (n > VHU_MAX_MEM_REGIONS) {
		vhu_log(LOG_WARNING, "SET_MEM_TABLE: %u regions (max %u)", n, VHU_MAX_MEM_REGIONS);
		return -EPROTO;
	}
	if (need_size(msg, 8 + n * (uint32_t)sizeof(struct vhu_wire_region)))
		return -EPROTO;
	if (nfds != n) {
		vhu_log(LOG_WARNING, "SET_MEM_TABLE: %u regions but %u fds", n, nfds);
		return -EPROTO;
	}
	return vhu_mem_set(dev, &msg->payload.memory, n, fds);
}

static int set_vring_num(struct vhu_dev *dev, const struct vhu_msg *msg)
{
	int ret;
	const struct vhu_vring_state *s = &msg->payload.state;

	if (need_size(msg, sizeof(*s)) || queue_index(dev, s->index, msg->hdr.request))
		return -EPROTO;
	if (s->num < 1 || s->num > VQ_MAX_SIZE || (s->num & (s->num - 1))) {
		vhu_log(LOG_WARNING, "SET_VRING_NUM: bad size %u", s->num);
		return -EPROTO;
	}
	WITH_QUEUE_STOPPED(ret, dev, s->index, dev->queues[s->index].num = (uint16_t)s->num);
	return ret;
}

static int set_vring_addr(struct vhu_dev *dev, const struct vhu_msg *msg)
{
	int ret;
	const struct vhu_vring_addr *a = &msg->payload.addr;
	struct vhu_queue *q;

	if (need_size(msg, sizeof(*a)) || queue_index(dev, a->index, msg->hdr.request))
		return -EPROTO;
	q = &dev->queues[a->index];
	/* flags only carries VHOST_VRING_F_LOG; dirty logging is not offered. */
	WITH_QUEUE_STOPPED(ret, dev, a->index, {
		q->desc_uva = a->desc;
		q->avail_uva = a->avail;
		q->used_uva = a->used;
		q->addr_set = true;
	});
	return ret;
}

static int set_vring_base(struct vhu_dev *dev, const struct vhu_msg *msg)
{
	int ret;
	const struct vhu_vring_state *s = &msg->payload.state;

	if (need_size(msg, sizeof(*s)) || queue_index(dev, s->index, msg->hdr.request))
		return -EPROTO;
	if (s->num > UINT16_MAX) {
		vhu_log(LOG_WARNING, "SET_VRING_BASE: base %u out of range", s->num);
		return -EPROTO;
	}
	WITH_QUEUE_STOPPED(ret, dev, s->index, dev->queues[s->index].base = (uint16_t)s->num);
	return ret;
}

static int get_vring_base(struct vhu_dev *dev, const struct vhu_msg *msg, struct vhu_msg *reply,
			  bool *has_reply)
{
	const struct vhu_vring_state *s = &msg->payload.state;
	struct vhu_queue *q;

	if (need_size(msg, sizeof(*s)) || queue_index(dev, s->index, msg->hdr.request))
		return -EPROTO;
	q = &dev->queues[s->index];
	vhu_queue_stop(dev, s->index);
	/* The ring is stopped: it needs a new kick (and call) to run again. */
	vhu_close_fd(&q->kick_fd);
	q->kick_set = false;
	vaccel_lock(&q->call_lock);
	vhu_close_fd(&q->call_fd);
	vaccel_unlock(&q->call_lock);

	reply->hdr.request = msg->hdr.request;
	reply->hdr.size = sizeof(reply->payload.state);
	reply->payload.state.index = s->index;
	reply->payload.state.num = q->base;
	*has_reply = true;
	return 0;
}

/* SET_VRING_KICK / _CALL / _ERR. */
static int set_vring_fd(struct vhu_dev *dev, const struct vhu_msg *msg, int *fds, unsigned nfds)
{
	uint64_t v = msg->payload.u64;
	unsigned index = v & VHU_VRING_IDX_MASK;
	bool nofd = v & VHU_VRING_NOFD;
	struct vhu_queue *q;
	char rb[VHU_REQ_STR];
	int fd = -1, ret = 0;

	if (need_size(msg, sizeof(uint64_t)))
		return -EPROTO;
	if (v & ~(uint64_t)(VHU_VRING_IDX_MASK | VHU_VRING_NOFD)) {
		vhu_log(LOG_WARNING, "%s: bad vring fd word 0x%llx",
			vhu_req_str(msg->hdr.request, rb), (unsigned long long)v);
		return -EPROTO;
	}
	if (queue_index(dev, index, msg->hdr.request))
		return -EPROTO;
	if (!nofd) {
		if (nfds < 1) {
			vhu_log(LOG_WARNING, "%s: missing fd", vhu_req_str(msg->hdr.request, rb));
			return -EPROTO;
		}
		fd = take_fd(fds, nfds, 0);
		if (vhu_vring_fd_adopt(fd)) {
			vhu_log(LOG_WARNING, "%s: unusable fd", vhu_req_str(msg->hdr.request, rb));
			vhu_close_fd(&fd);
			return -EPROTO;
		}
	}
	q = &dev->queues[index];
	switch (msg->hdr.request) {
	case VHU_SET_VRING_KICK:
		WITH_QUEUE_STOPPED(ret, dev, index, {
			vhu_close_fd(&q->kick_fd);
			q->kick_fd = fd;
			q->kick_set = true;
		});
		if (nofd)
			vhu_log(LOG_WARNING, "queue %u: polling mode (no kick fd) not supported",
				index);
		break;
	case VHU_SET_VRING_CALL:
		vaccel_lock(&q->call_lock);
		vhu_close_fd(&q->call_fd);
		q->call_fd = fd;
		vaccel_unlock(&q->call_lock);
		/*
		 * A running queue may have completed requests while it had no
		 * call fd (frontends send CALL after KICK): one spurious
		 * interrupt makes the driver look at the used ring again.
		 */
		if (q->started)
			vhu_dev_notify(dev, index);
		break;
	default:
		vhu_close_fd(&q->err_fd);
		q->err_fd = fd;
		break;
	}
	return ret;
}

static int set_vring_enable(struct vhu_dev *dev, const struct vhu_msg *msg)
{
	const struct vhu_vring_state *s = &msg->payload.state;
	struct vhu_queue *q;

	if (need_size(msg, sizeof(*s)) || queue_index(dev, s->index, msg->hdr.request))
		return -EPROTO;
	if (s->num > 1) {
		vhu_log(LOG_WARNING, "SET_VRING_ENABLE: bad value %u", s->num);
		return -EPROTO;
	}
	q = &dev->queues[s->index];
	if (s->num) {
		q->enabled = true;
		return vhu_queue_try_start(dev, s->index);
	}
	vhu_queue_stop(dev, s->index);
	q->enabled = false;
	return 0;
}

/* Check a config request's framing: header then exactly size payload bytes. */
static int config_framing(const struct vhu_msg *msg)
{
	const struct vhu_wire_config *c = &msg->payload.config;
	char rb[VHU_REQ_STR];

	if (msg->hdr.size < VHU_CONFIG_HDR)
		return need_size(msg, VHU_CONFIG_HDR);
	if (c->size > VHU_MAX_CONFIG) {
		vhu_log(LOG_WARNING, "%s: config size %u", vhu_req_str(msg->hdr.request, rb),
			c->size);
		return -EPROTO;
	}
	return need_size(msg, VHU_CONFIG_HDR + c->size);
}

static int get_config(struct vhu_dev *dev, const struct vhu_msg *msg, struct vhu_msg *reply,
		      bool *has_reply)
{
	const struct vhu_wire_config *c = &msg->payload.config;

	if (config_framing(msg))
		return -EPROTO;
	reply->hdr.request = msg->hdr.request;
	*has_reply = true;
	if (c->offset > dev->cfg.config_len || c->size > dev->cfg.config_len - c->offset) {
		/* An empty reply is the protocol's way to fail GET_CONFIG. */
		vhu_log(LOG_WARNING, "GET_CONFIG: [%u, +%u) outside %u bytes", c->offset, c->size,
			dev->cfg.config_len);
		reply->hdr.size = 0;
		return -EINVAL;
	}
	reply->hdr.size = VHU_CONFIG_HDR + c->size;
	reply->payload.config.offset = c->offset;
	reply->payload.config.size = c->size;
	reply->payload.config.flags = c->flags;
	if (c->size)
		memcpy(reply->payload.config.payload, (const uint8_t *)dev->cfg.config + c->offset,
		       c->size);
	return 0;
}

/*
 * SET_STATUS: a status of 0 after DRIVER_OK is the driver resetting the
 * device (VIRTIO 1.x "Device Reset"). What the driver set up on the device
 * is gone for it, so it must be gone here too: stop the queues (in-flight
 * requests finish) and let the application drop the driver's state.
 */
static void set_status(struct vhu_dev *dev, uint64_t status)
{
	unsigned i;

	if (status == 0 && (dev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
		for (i = 0; i < dev->cfg.num_queues; i++)
			vhu_queue_stop(dev, i);
		if (dev->ops->disconnect)
			dev->ops->disconnect(dev, dev->opaque);
		vhu_log(LOG_INFO, "device reset by the driver: its state was released");
	}
	dev->status = (uint8_t)status;
}

int vhu_dev_handle(struct vhu_dev *dev, const struct vhu_msg *msg, int *fds, unsigned nfds,
		   struct vhu_msg *reply, bool *has_reply)
{
	uint32_t req = msg->hdr.request;
	char rb[VHU_REQ_STR];
	unsigned i;
	int ret = 0;

	*has_reply = false;
	if (msg->hdr.flags & VHU_FLAG_REPLY) {
		vhu_log(LOG_WARNING, "%s: reply flag set on a request", vhu_req_str(req, rb));
		ret = -EPROTO;
		goto out;
	}
	switch (req) {
	case VHU_GET_FEATURES:
		ret = need_empty(msg);
		if (!ret)
			reply_u64(msg, reply, has_reply, vhu_offered_features(dev));
		break;
	case VHU_SET_FEATURES:
		ret = need_size(msg, sizeof(uint64_t));
		if (!ret)
			ret = set_features(dev, msg);
		break;
	case VHU_GET_PROTOCOL_FEATURES:
		ret = need_empty(msg);
		if (!ret)
			reply_u64(msg, reply, has_reply, VHU_OFFERED_PROTOCOL_FEATURES);
		break;
	case VHU_SET_PROTOCOL_FEATURES:
		ret = need_size(msg, sizeof(uint64_t));
		if (ret)
			break;
		if (msg->payload.u64 & ~VHU_OFFERED_PROTOCOL_FEATURES) {
			vhu_log(LOG_WARNING, "SET_PROTOCOL_FEATURES: unoffered bits");
			ret = -EPROTO;
			break;
		}
		dev->protocol_features = msg->payload.u64;
		break;
	case VHU_SET_OWNER:
		ret = need_empty(msg);
		if (!ret)
			dev->owner = true;
		break;
	case VHU_RESET_OWNER:
		ret = need_empty(msg);
		if (!ret)
			vhu_dev_reset(dev, true);
		break;
	case VHU_SET_MEM_TABLE:
		ret = set_mem_table(dev, msg, fds, nfds);
		break;
	case VHU_SET_VRING_NUM:
		ret = set_vring_num(dev, msg);
		break;
	case VHU_SET_VRING_ADDR:
		ret = set_vring_addr(dev, msg);
		break;
	case VHU_SET_VRING_BASE:
		ret = set_vring_base(dev, msg);
		break;
	case VHU_GET_VRING_BASE:
		ret = get_vring_base(dev, msg, reply, has_reply);
		break;
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
		ret = set_vring_fd(dev, msg, fds, nfds);
		break;
	case VHU_GET_QUEUE_NUM:
		ret = need_empty(msg);
		if (!ret)
			reply_u64(msg, reply, has_reply, dev->cfg.num_queues);
		break;
	case VHU_SET_VRING_ENABLE:
		ret = set_vring_enable(dev, msg);
		break;
	case VHU_GET_CONFIG:
		ret = get_config(dev, msg, reply, has_reply);
		break;
	case VHU_SET_CONFIG:
		ret = config_framing(msg);
		if (!ret) {
			vhu_log(LOG_INFO, "SET_CONFIG refused: config space is read-only");
			ret = -EPERM;
		}
		break;
	case VHU_SET_STATUS:
		ret = need_size(msg, sizeof(uint64_t));
		if (!ret && msg->payload.u64 > 0xff) {
			vhu_log(LOG_WARNING, "SET_STATUS: status 0x%llx out of range",
				(unsigned long long)msg->payload.u64);
			ret = -EPROTO;
		}
		if (!ret)
			set_status(dev, msg->payload.u64);
		break;
	case VHU_GET_STATUS:
		ret = need_empty(msg);
		if (!ret)
			reply_u64(msg, reply, has_reply, dev->status);
		break;
	case VHU_GET_MAX_MEM_SLOTS:
		ret = need_empty(msg);
		if (!ret)
			reply_u64(msg, reply, has_reply, VHU_MAX_MEM_REGIONS);
		break;
	default:
		/* SET_LOG_BASE / SET_LOG_FD included: dirty logging is never offered. */
		vhu_log(LOG_INFO, "%s (size %u) not supported", vhu_req_str(req, rb),
			msg->hdr.size);
		ret = -ENOTSUP;
		break;
	}
out:
	/* fds this request did not take (or should not carry) are closed. */
	for (i = 0; i < nfds; i++)
		vhu_close_fd(&fds[i]);
	if (ret == -EPROTO)
		*has_reply = false;
	return ret;
}
