/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user message framing on a unix stream socket: header, bounded
 * payload, SCM_RIGHTS fds. Shared by the backend and the frontend.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vhu_priv.h"

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

/*
 * Receive exactly len bytes, appending any fds that arrive to fds[] (at most
 * VHU_MAX_FDS). Returns bytes read (< len only at EOF), -EPROTO when fds
 * overflow, or -errno.
 */
static ssize_t recv_full(int fd, void *buf, size_t len, int *fds, unsigned *nfds)
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

int vhu_msg_recv(int fd, struct vhu_msg *msg, int *fds, unsigned *nfds)
{
	ssize_t r;
	int ret;

	*nfds = 0;
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	r = recv_full(fd, &msg->hdr, sizeof(msg->hdr), fds, nfds);
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
		vhu_log(LOG_WARNING, "request %u: bad version flags 0x%x", msg->hdr.request,
			msg->hdr.flags);
		ret = -EPROTO;
		goto fail;
	}
	if (msg->hdr.size > VHU_MSG_MAX_PAYLOAD) {
		vhu_log(LOG_WARNING, "request %u: payload size %u over %u", msg->hdr.request,
			msg->hdr.size, VHU_MSG_MAX_PAYLOAD);
		ret = -EPROTO;
		goto fail;
	}
	memset(&msg->payload, 0, sizeof(msg->payload));
	r = recv_full(fd, &msg->payload, msg->hdr.size, fds, nfds);
	if (r < 0) {
		ret = (int)r;
		goto fail;
	}
	if ((size_t)r < msg->hdr.size) {
		vhu_log(LOG_WARNING, "request %u: truncated payload", msg->hdr.request);
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
