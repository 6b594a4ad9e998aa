/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_harness.h"
#include "vhu_priv.h"
#include "vq_priv.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,       \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* ------------------------------------------------------------- vq_dev_pop */

struct mem_view {
	uint8_t *base;
	size_t len;
	uint64_t gpa;
};

static void *view_map(void *opaque, uint64_t addr, uint64_t len)
{
	struct mem_view *v = opaque;

	if (addr < v->gpa || addr - v->gpa > v->len || len > v->len - (addr - v->gpa))
		return NULL;
	return v->base + (addr - v->gpa);
}

static bool inside(const struct mem_view *v, const void *p, size_t len)
{
	const uint8_t *b = p;

	return b >= v->base && b <= v->base + v->len && len <= (size_t)(v->base + v->len - b);
}

/*
 * Pop until the ring is empty or broken, checking what the device promises:
 * known results only, every iov inside mapped memory, limits held.
 */
static void drain(struct vq_dev *vq, const struct mem_view *v, unsigned cap)
{
	struct iovec iov[64];
	struct vq_elem elem;
	unsigned rounds = 0;

	if (cap > 64)
		cap = 64;
	while (rounds++ < 2u * vq->num + 2) {
		int r = vq_dev_pop(vq, &elem, iov, cap);
		uint64_t rd = 0, wr = 0;
		unsigned i;

		if (r == 0 || r == -EPROTO) {
			CHECK(r == 0 || vq->broken);
			return;
		}
		CHECK(r == 1 || r == -EBADMSG);
		CHECK(elem.head < vq->num);
		if (r == 1) {
			CHECK(elem.nr_read + elem.nr_write <= cap);
			CHECK(elem.nr_read + elem.nr_write <= vq->limits.max_segments);
			for (i = 0; i < elem.nr_read + elem.nr_write; i++) {
				CHECK(iov[i].iov_len > 0);
				CHECK(inside(v, iov[i].iov_base, iov[i].iov_len));
				if (i < elem.nr_read)
					rd += iov[i].iov_len;
				else
					wr += iov[i].iov_len;
			}
			CHECK(rd == elem.read_bytes && wr == elem.write_bytes);
			CHECK(rd + wr <= vq->limits.max_bytes);
			/* Touch every byte: ASan catches anything out of bounds. */
			for (i = 0; i < elem.nr_read + elem.nr_write; i++)
				((volatile uint8_t *)iov[i].iov_base)[iov[i].iov_len - 1] ^= 0;
		}
		vq_dev_push(vq, elem.head, (uint32_t)wr);
	}
	/* More pops than entries means the index check failed. */
	CHECK(!"ring produced more chains than it can hold");
}

int fuzz_vq_pop(const uint8_t params[8], const uint8_t *mem, size_t mem_len)
{
	struct mem_view v;
	struct vq_limits lim;
	struct vq_dev vq;
	uint16_t num = (uint16_t)(1u << (params[0] % 9)); /* 1..256 */
	bool event_idx = params[1] & 1;
	uint16_t last_avail;
	size_t ring;
	uint8_t *buf;

	buf = aligned_alloc(4096, FUZZ_MEM_SIZE);
	CHECK(buf);
	memset(buf, 0, FUZZ_MEM_SIZE);
	memcpy(buf, mem, mem_len < FUZZ_MEM_SIZE ? mem_len : FUZZ_MEM_SIZE);
	v.base = buf;
	v.len = FUZZ_MEM_SIZE;
	v.gpa = FUZZ_GPA_BASE;
	lim.max_segments = params[2] ? params[2] : 1;
	lim.max_bytes = ((uint64_t)params[3] << 16) | ((uint64_t)params[4] << 8) | params[5];
	memcpy(&last_avail, params + 6, 2);
	ring = vq_ring_bytes(num);
	CHECK(ring <= FUZZ_MEM_SIZE);
	CHECK(vq_dev_init(&vq, num, buf, buf + vq_avail_off(num), buf + vq_used_off(num),
			  last_avail, event_idx, &lim, view_map, &v) == 0);
	drain(&vq, &v, 1 + params[1] / 2);
	vq_dev_set_notify(&vq, params[1] & 2);
	(void)vq_dev_avail_pending(&vq);
	vq_dev_destroy(&vq);
	free(buf);
	return 0;
}

int fuzz_vq_input(const uint8_t *data, size_t size)
{
	uint8_t params[8] = {0};

	if (size < sizeof(params))
		return 0;
	memcpy(params, data, sizeof(params));
	return fuzz_vq_pop(params, data + sizeof(params), size - sizeof(params));
}

/* ----------------------------------------------------------- vhost-user */

struct fuzz_backend {
	unsigned starts, stops;
};

static int fz_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd,
		    void *opaque)
{
	struct fuzz_backend *fb = opaque;
	struct iovec iov[16];
	struct vq_elem elem;
	unsigned rounds = 0;
	int r;

	CHECK(kick_fd >= 0);
	fb->starts++;
	/* Drain synchronously: the ring lives in fuzzed memory. */
	while (rounds++ < 2u * vq->num + 2 && (r = vq_dev_pop(vq, &elem, iov, 16)) != 0) {
		unsigned i;

		if (r == -EPROTO)
			break;
		CHECK(r == 1 || r == -EBADMSG);
		for (i = 0; r == 1 && i < elem.nr_read + elem.nr_write; i++) {
			CHECK(iov[i].iov_len > 0);
			((volatile uint8_t *)iov[i].iov_base)[0] ^= 0;
			((volatile uint8_t *)iov[i].iov_base)[iov[i].iov_len - 1] ^= 0;
		}
		if (vq_dev_push(vq, elem.head, 0))
			vhu_dev_notify(dev, index);
	}
	CHECK(rounds <= 2u * vq->num + 2);
	return 0;
}

static void fz_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	struct fuzz_backend *fb = opaque;

	(void)dev;
	(void)index;
	fb->stops++;
}

static void fz_disconnect(struct vhu_dev *dev, void *opaque)
{
	(void)dev;
	(void)opaque;
}

static const struct vhu_dev_ops fz_ops = {
    .queue_start = fz_start, .queue_stop = fz_stop, .disconnect = fz_disconnect};

static void quiet(int level, const char *msg)
{
	(void)level;
	(void)msg;
}

int fuzz_vhu_messages(const uint8_t *msgs, size_t len, const uint8_t *mem, size_t mem_len)
{
	static const uint8_t config[16] = {1, 2, 3, 4};
	struct vhu_dev_config cfg = {
	    .features = (1ull << 32) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
			(1ull << VIRTIO_RING_F_INDIRECT_DESC),
	    .num_queues = 4,
	    .config = config,
	    .config_len = sizeof(config),
	    .limits = {32, 1 << 20},
	};
	struct fuzz_backend fb = {0};
	struct vhu_dev *dev;
	int memfd;
	size_t off = 0;

	vhu_set_log(quiet);
	memfd = memfd_create("fuzz-mem", MFD_CLOEXEC);
	CHECK(memfd >= 0);
	CHECK(ftruncate(memfd, FUZZ_MEM_SIZE) == 0);
	if (mem_len) {
		size_t n = mem_len < FUZZ_MEM_SIZE ? mem_len : FUZZ_MEM_SIZE;

		CHECK(pwrite(memfd, mem, n, 0) == (ssize_t)n);
	}
	CHECK(vhu_dev_new(&dev, &cfg, &fz_ops, &fb) == 0);

	while (len - off >= sizeof(struct vhu_hdr)) {
		struct vhu_msg msg, reply;
		int fds[VHU_MAX_FDS];
		unsigned nfds = 0, i;
		bool has_reply;
		int r;

		memcpy(&msg.hdr, msgs + off, sizeof(msg.hdr));
		off += sizeof(msg.hdr);
		/* What vhu_msg_recv() rejects before any handler sees it. */
		if ((msg.hdr.flags & VHU_VERSION_MASK) != VHU_VERSION ||
		    msg.hdr.size > VHU_MSG_MAX_PAYLOAD || msg.hdr.size > len - off) {
			vhu_dev_reset(dev, true);
			break;
		}
		memset(&msg.payload, 0, sizeof(msg.payload));
		memcpy(&msg.payload, msgs + off, msg.hdr.size);
		off += msg.hdr.size;

		/* Make up the fds a frontend would attach (sometimes too many or too few). */
		switch (msg.hdr.request) {
		case VHU_SET_MEM_TABLE:
			nfds =
			    msg.hdr.size >= 4 ? msg.payload.memory.nregions % (VHU_MAX_FDS + 1) : 0;
			for (i = 0; i < nfds; i++)
				fds[i] = dup(memfd);
			break;
		case VHU_SET_VRING_KICK:
		case VHU_SET_VRING_CALL:
		case VHU_SET_VRING_ERR:
			nfds = (msg.hdr.flags >> 8) & 1 ? 0 : 1;
			for (i = 0; i < nfds; i++)
				fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			break;
		default:
			nfds = (msg.hdr.flags >> 9) & 1;
			for (i = 0; i < nfds; i++)
				fds[i] = eventfd(0, EFD_CLOEXEC);
			break;
		}
		for (i = 0; i < nfds; i++)
			CHECK(fds[i] >= 0);

		memset(&reply.hdr, 0, sizeof(reply.hdr));
		r = vhu_dev_handle(dev, &msg, fds, nfds, &reply, &has_reply);
		/* The handler owns every fd now: all are closed or kept. */
		for (i = 0; i < nfds; i++)
			CHECK(fds[i] == -1);
		if (has_reply)
			CHECK(reply.hdr.size <= VHU_MSG_MAX_PAYLOAD &&
			      reply.hdr.request == msg.hdr.request);
		if (r == -EPROTO) {
			CHECK(!has_reply);
			/* The serve loop would end the connection here. */
			vhu_dev_reset(dev, true);
			CHECK(fb.starts == fb.stops);
		}
	}
	vhu_dev_free(dev);
	CHECK(fb.starts == fb.stops);
	close(memfd);
	return 0;
}

int fuzz_vhu_input(const uint8_t *data, size_t size)
{
	/* The same bytes are the message stream and the guest memory image. */
	return fuzz_vhu_messages(data, size, data, size);
}
