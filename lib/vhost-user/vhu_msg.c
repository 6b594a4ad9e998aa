/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user message framing on a unix stream socket: header, bounded
 * payload, SCM_RIGHTS fds. Shared by the backend and the frontend.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vaccel_common.h"

#include "vhu_priv.h"

static const char *const request_names[] = {
#define VHU_REQUEST_NAME(name, num) [num] = #name,
    VHU_REQUESTS(VHU_REQUEST_NAME)
#undef VHU_REQUEST_NAME
};

const char *vhu_request_name(uint32_t request)
{
	return request < ARRAY_SIZE(request_names) ? request_names[request] : NULL;
}

const char *vhu_req_str(uint32_t request, char buf[VHU_REQ_STR])
{
	const char *name = vhu_request_name(request);

	if (name)
		return name;
	snprintf(buf, VHU_REQ_STR, "request %u", request);
	return buf;
}

void vhu_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_fds(int *fds, unsigned *nfds)
{
	unsigned i;

	for (i = 0; i < *nfds; i++)
		vhu_close_fd(&fds[i]);
	*nfds = 0;
}

/* Wait until fd is readable or the deadline (CLOCK_MONOTONIC ns; 0: none) passes. */
static int wait_readable(int fd, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		uint64_t now;
		int r;

		if (!deadline)
			return 0;
		now = vaccel_clock_ns(CLOCK_MONOTONIC);
		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)((deadline - now + 999999) / 1000000));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * Receive exactly len bytes by the deadline (0: none), appending any fds
 * that arrive to fds[] (at most VHU_MAX_FDS). Returns bytes read (< len
 * only at EOF), -EPROTO when fds overflow, -ETIMEDOUT, or -errno.
 */
static ssize_t recv_full(int fd, void *buf, size_t len, int *fds, unsigned *nfds, uint64_t deadline)
{
	union {
		char buf[CMSG_SPACE(VHU_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	size_t got = 0;
	bool overflow = false;

	while (got < len) {
		struct iovec iov = {(char *)buf + got, len - got};
		struct msghdr mh = {0};
		struct cmsghdr *c;
		ssize_t r;

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		r = wait_readable(fd, deadline);
		if (r < 0)
			return r;
		r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			size_t n, i;

			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < n; i++) {
				int f;

				memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
				if (*nfds < VHU_MAX_FDS)
					fds[(*nfds)++] = f;
				else {
					close(f);
					overflow = true;
				}
			}
		}
		/* The kernel dropped fds that did not fit: the peer sent too many. */
		if (mh.msg_flags & MSG_CTRUNC)
			overflow = true;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (overflow)
		return -EPROTO;
	return (ssize_t)got;
}

int vhu_msg_recv(int fd, struct vhu_msg *msg, int *fds, unsigned *nfds, int timeout_ms)
{
	uint64_t deadline = 0;
	char rb[VHU_REQ_STR];
	ssize_t r;
	int ret;

	if (timeout_ms >= 0)
		deadline = vaccel_clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000u;
	*nfds = 0;
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	r = recv_full(fd, &msg->hdr, sizeof(msg->hdr), fds, nfds, deadline);
	if (r < 0) {
		ret = (int)r;
		goto fail;
	}
	if (r == 0 && *nfds == 0)
		return 0; /* clean close between messages */
	if ((size_t)r < sizeof(msg->hdr)) {
		vhu_log(LOG_WARNING, "truncated message header (%zd bytes)", r);
		ret = -EPROTO;
		goto fail;
	}
	if ((msg->hdr.flags & VHU_VERSION_MASK) != VHU_VERSION) {
		vhu_log(LOG_WARNING, "%s: bad version flags 0x%x",
			vhu_req_str(msg->hdr.request, rb), msg->hdr.flags);
		ret = -EPROTO;
		goto fail;
	}
	if (msg->hdr.size > VHU_MSG_MAX_PAYLOAD) {
		vhu_log(LOG_WARNING, "%s: payload size %u over %u",
			vhu_req_str(msg->hdr.request, rb), msg->hdr.size, VHU_MSG_MAX_PAYLOAD);
		ret = -EPROTO;
		goto fail;
	}
	memset(&msg->payload, 0, sizeof(msg->payload));
	r = recv_full(fd, &msg->payload, msg->hdr.size, fds, nfds, deadline);
	if (r < 0) {
		ret = (int)r;
		goto fail;
	}
	if ((size_t)r < msg->hdr.size) {
		vhu_log(LOG_WARNING, "%s: truncated payload", vhu_req_str(msg->hdr.request, rb));
		ret = -EPROTO;
		goto fail;
	}
	return 1;

fail:
	close_fds(fds, nfds);
	return ret;
}

int vhu_write_all(int fd, const void *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		char buf[CMSG_SPACE(VHU_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	size_t done = 0;

	if (nfds > VHU_MAX_FDS)
		return -EINVAL;
	while (done < len) {
		struct iovec iov = {(char *)buf + done, len - done};
		struct msghdr mh = {0};
		ssize_t r;

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		/* fds travel with the first byte only. */
		if (nfds && done == 0) {
			struct cmsghdr *c;

			memset(&ctl, 0, sizeof(ctl));
			mh.msg_control = ctl.buf;
			mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
			memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
		}
		r = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)r;
	}
	return 0;
}

int vhu_msg_send(int fd, const struct vhu_msg *msg, const int *fds, unsigned nfds)
{
	uint8_t buf[sizeof(msg->hdr) + VHU_MSG_MAX_PAYLOAD];

	if (msg->hdr.size > VHU_MSG_MAX_PAYLOAD)
		return -EINVAL;
	memcpy(buf, &msg->hdr, sizeof(msg->hdr));
	memcpy(buf + sizeof(msg->hdr), &msg->payload, msg->hdr.size);
	return vhu_write_all(fd, buf, sizeof(msg->hdr) + msg->hdr.size, fds, nfds);
}
