/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user frontend: synchronous request/reply helpers. Replies are
 * checked (reply flag, request type, size) before their payload is used.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vhu_priv.h"

struct vhu_front {
	int fd;
	uint64_t features;	    /* last SET_FEATURES */
	uint64_t protocol_features; /* last SET_PROTOCOL_FEATURES */
};

int vhu_front_connect(struct vhu_front **fp, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct vhu_front *f;
	int ret;

	if (!fp || !path)
		return -EINVAL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->fd < 0) {
		ret = -errno;
		goto fail;
	}
	if (connect(f->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		close(f->fd);
		goto fail;
	}
	*fp = f;
	return 0;
fail:
	free(f);
	return ret;
}

int vhu_front_from_fd(struct vhu_front **fp, int fd)
{
	struct vhu_front *f;

	if (!fp || fd < 0)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = fd;
	*fp = f;
	return 0;
}

void vhu_front_close(struct vhu_front *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

int vhu_front_fd(const struct vhu_front *f)
{
	return f ? f->fd : -1;
}

static bool reply_ack_on(const struct vhu_front *f)
{
	return f->protocol_features & (1ull << VHU_PROTOCOL_F_REPLY_ACK);
}

/* Read one reply to `request` into msg. 0, -ECONNRESET, -EPROTO or -errno. */
static int recv_reply(struct vhu_front *f, uint32_t request, struct vhu_msg *msg)
{
	int fds[VHU_MAX_FDS];
	unsigned nfds, i;
	int ret;

	ret = vhu_msg_recv(f->fd, msg, fds, &nfds, -1);
	if (ret == 0)
		return -ECONNRESET;
	if (ret < 0)
		return ret;
	for (i = 0; i < nfds; i++) /* no reply we expect carries fds */
		vhu_close_fd(&fds[i]);
	if (!(msg->hdr.flags & VHU_FLAG_REPLY) || msg->hdr.request != request)
		return -EPROTO;
	return 0;
}

/*
 * Send a request. For requests without a reply of their own, ask for and
 * wait on a REPLY_ACK when negotiated.
 */
static int request(struct vhu_front *f, struct vhu_msg *msg, const int *fds, unsigned nfds,
		   bool has_reply)
{
	struct vhu_msg ack;
	int ret;

	msg->hdr.flags = VHU_VERSION;
	if (!has_reply && reply_ack_on(f))
		msg->hdr.flags |= VHU_FLAG_NEED_REPLY;
	ret = vhu_msg_send(f->fd, msg, fds, nfds);
	if (ret || has_reply || !reply_ack_on(f))
		return ret;
	ret = recv_reply(f, msg->hdr.request, &ack);
	if (ret)
		return ret;
	if (ack.hdr.size != sizeof(uint64_t))
		return -EPROTO;
	return ack.payload.u64 ? -EIO : 0;
}

/* Send a request that has a reply (no fds) and read that reply into *msg. */
static int request_reply(struct vhu_front *f, struct vhu_msg *msg)
{
	uint32_t req = msg->hdr.request;
	int ret = request(f, msg, NULL, 0, true);

	return ret ? ret : recv_reply(f, req, msg);
}

static int get_u64(struct vhu_front *f, uint32_t req, uint64_t *out)
{
	struct vhu_msg msg = {.hdr = {.request = req}};
	int ret;

	if (!f || !out)
		return -EINVAL;
	ret = request_reply(f, &msg);
	if (ret)
		return ret;
	if (msg.hdr.size != sizeof(uint64_t))
		return -EPROTO;
	*out = msg.payload.u64;
	return 0;
}

static int set_u64(struct vhu_front *f, uint32_t req, uint64_t v, const int *fds, unsigned nfds)
{
	struct vhu_msg msg = {.hdr = {.request = req, .size = sizeof(uint64_t)}};

	msg.payload.u64 = v;
	return request(f, &msg, fds, nfds, false);
}

static int set_state(struct vhu_front *f, uint32_t req, unsigned index, uint32_t num)
{
	struct vhu_msg msg = {.hdr = {.request = req, .size = sizeof(struct vhu_vring_state)}};

	msg.payload.state.index = index;
	msg.payload.state.num = num;
	return request(f, &msg, NULL, 0, false);
}

int vhu_front_get_features(struct vhu_front *f, uint64_t *features)
{
	return get_u64(f, VHU_GET_FEATURES, features);
}

/* Send a u64 setting and, once the backend took it, remember it in *applied. */
static int set_u64_applied(struct vhu_front *f, uint32_t req, uint64_t v, uint64_t *applied)
{
	int ret = set_u64(f, req, v, NULL, 0);

	if (!ret)
		*applied = v;
	return ret;
}

int vhu_front_set_features(struct vhu_front *f, uint64_t features)
{
	if (!f)
		return -EINVAL;
	return set_u64_applied(f, VHU_SET_FEATURES, features, &f->features);
}

int vhu_front_get_protocol_features(struct vhu_front *f, uint64_t *features)
{
	return get_u64(f, VHU_GET_PROTOCOL_FEATURES, features);
}

int vhu_front_set_protocol_features(struct vhu_front *f, uint64_t features)
{
	if (!f)
		return -EINVAL;
	/* The ack rule applies from the next request on. */
	return set_u64_applied(f, VHU_SET_PROTOCOL_FEATURES, features, &f->protocol_features);
}

int vhu_front_set_owner(struct vhu_front *f)
{
	struct vhu_msg msg = {.hdr = {.request = VHU_SET_OWNER}};

	if (!f)
		return -EINVAL;
	return request(f, &msg, NULL, 0, false);
}

int vhu_front_get_queue_num(struct vhu_front *f, uint64_t *num)
{
	return get_u64(f, VHU_GET_QUEUE_NUM, num);
}

int vhu_front_set_mem_table(struct vhu_front *f, const struct vhu_mem_region *regions, unsigned n)
{
	struct vhu_msg msg = {.hdr = {.request = VHU_SET_MEM_TABLE}};
	int fds[VHU_MAX_MEM_REGIONS];
	unsigned i;

	if (!f || n > VHU_MAX_MEM_REGIONS || (n && !regions))
		return -EINVAL;
	msg.hdr.size = 8 + n * (uint32_t)sizeof(struct vhu_wire_region);
	msg.payload.memory.nregions = n;
	for (i = 0; i < n; i++) {
		if (regions[i].fd < 0)
			return -EINVAL;
		msg.payload.memory.regions[i].gpa = regions[i].gpa;
		msg.payload.memory.regions[i].size = regions[i].size;
		msg.payload.memory.regions[i].uva = regions[i].uva;
		msg.payload.memory.regions[i].mmap_offset = regions[i].mmap_offset;
		fds[i] = regions[i].fd;
	}
	return request(f, &msg, fds, n, false);
}

int vhu_front_get_config(struct vhu_front *f, void *buf, uint32_t len)
{
	struct vhu_msg msg = {.hdr = {.request = VHU_GET_CONFIG}};
	int ret;

	if (!f || (!buf && len) || len > VHU_MAX_CONFIG)
		return -EINVAL;
	msg.hdr.size = VHU_CONFIG_HDR + len;
	msg.payload.config.offset = 0;
	msg.payload.config.size = len;
	ret = request_reply(f, &msg);
	if (ret)
		return ret;
	if (msg.hdr.size == 0)
		return -EIO; /* the backend refused */
	if (msg.hdr.size != VHU_CONFIG_HDR + len || msg.payload.config.size != len ||
	    msg.payload.config.offset != 0)
		return -EPROTO;
	memcpy(buf, msg.payload.config.payload, len);
	return 0;
}

static int set_vring_fd(struct vhu_front *f, uint32_t req, unsigned index, int fd)
{
	uint64_t v = index & VHU_VRING_IDX_MASK;

	if (fd < 0)
		return set_u64(f, req, v | VHU_VRING_NOFD, NULL, 0);
	return set_u64(f, req, v, &fd, 1);
}

int vhu_front_setup_vring(struct vhu_front *f, unsigned index, const struct vhu_vring_setup *s)
{
	struct vhu_msg msg = {
	    .hdr = {.request = VHU_SET_VRING_ADDR, .size = sizeof(struct vhu_vring_addr)}};
	int ret;

	if (!f || !s || index > VHU_VRING_IDX_MASK)
		return -EINVAL;
	ret = set_state(f, VHU_SET_VRING_NUM, index, s->num);
	if (ret)
		return ret;
	msg.payload.addr.index = index;
	msg.payload.addr.desc = s->desc_uva;
	msg.payload.addr.used = s->used_uva;
	msg.payload.addr.avail = s->avail_uva;
	ret = request(f, &msg, NULL, 0, false);
	if (ret)
		return ret;
	ret = set_state(f, VHU_SET_VRING_BASE, index, s->base);
	if (ret)
		return ret;
	/* CALL before KICK: the ring may start on KICK and complete at once. */
	ret = set_vring_fd(f, VHU_SET_VRING_CALL, index, s->call_fd);
	if (ret)
		return ret;
	ret = set_vring_fd(f, VHU_SET_VRING_KICK, index, s->kick_fd);
	if (ret)
		return ret;
	/* Without PROTOCOL_FEATURES the ring is enabled already (and ENABLE is not allowed). */
	if (f->features & (1ull << VHU_F_PROTOCOL_FEATURES))
		ret = set_state(f, VHU_SET_VRING_ENABLE, index, 1);
	return ret;
}

int vhu_front_stop_vring(struct vhu_front *f, unsigned index, uint16_t *base)
{
	struct vhu_msg msg = {
	    .hdr = {.request = VHU_GET_VRING_BASE, .size = sizeof(struct vhu_vring_state)}};
	int ret;

	if (!f)
		return -EINVAL;
	msg.payload.state.index = index;
	ret = request_reply(f, &msg);
	if (ret)
		return ret;
	if (msg.hdr.size != sizeof(struct vhu_vring_state) || msg.payload.state.index != index ||
	    msg.payload.state.num > UINT16_MAX)
		return -EPROTO;
	if (base)
		*base = (uint16_t)msg.payload.state.num;
	return 0;
}

int vhu_front_send_raw(struct vhu_front *f, const void *msg, size_t len, const int *fds,
		       unsigned nfds, void *reply_buf, size_t reply_len)
{
	size_t got = 0;
	int ret;

	if (!f || (!msg && len) || nfds > VHU_MAX_FDS)
		return -EINVAL;
	ret = vhu_write_all(f->fd, msg, len, fds, nfds);
	if (ret || !reply_buf)
		return ret;
	/* One reply: its header, then as much of its payload as fits. 0 on EOF. */
	while (got < reply_len) {
		ssize_t r = recv(f->fd, (char *)reply_buf + got, reply_len - got, 0);
		struct vhu_hdr h;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got >= sizeof(h)) {
			memcpy(&h, reply_buf, sizeof(h));
			if (got >= sizeof(h) + h.size)
				break;
		}
	}
	return (int)got;
}
