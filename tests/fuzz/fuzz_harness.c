/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
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

/* The whole view as one run (vq_dev_set_window), when it holds addr. */
static bool view_window(void *opaque, uint64_t addr, struct vq_window *w)
{
	struct mem_view *v = opaque;

	if (addr < v->gpa || addr - v->gpa >= v->len)
		return false;
	*w = (struct vq_window){v->gpa, v->len, v->base};
	return true;
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
	if (params[1] & 4) /* translate through the remembered run, as vhost-user does */
		vq_dev_set_window(&vq, view_window);
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

const struct vhu_dev_ops fuzz_backend_ops = {
    .queue_start = fz_start, .queue_stop = fz_stop, .disconnect = fz_disconnect};

static void quiet(int level, const char *msg)
{
	(void)level;
	(void)msg;
}

/*
 * Guest memory as a frontend must give it: a memfd sealed against
 * shrinking and growing (anything else is refused at SET_MEM_TABLE, and
 * nothing past it would be fuzzed), holding mem[0..mem_len) zero-padded.
 */
static int guest_memfd(const uint8_t *mem, size_t mem_len)
{
	int fd = memfd_create("fuzz-mem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t n = mem_len < FUZZ_MEM_SIZE ? mem_len : FUZZ_MEM_SIZE;

	CHECK(fd >= 0);
	CHECK(ftruncate(fd, FUZZ_MEM_SIZE) == 0);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0);
	CHECK(!n || pwrite(fd, mem, n, 0) == (ssize_t)n);
	return fd;
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
	memfd = guest_memfd(mem, mem_len);
	CHECK(vhu_dev_new(&dev, &cfg, &fuzz_backend_ops, &fb) == 0);

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

/* ----------------------------------------------------- queue start + pop */

#define START_UVA 0x7f3400000000ull
#define START_ALIAS_GPA (FUZZ_GPA_BASE + 0x100000ull)

/* Feed one message (payload p of size bytes, fds made up as a frontend would). */
static int feed(struct vhu_dev *dev, uint32_t req, const void *p, uint32_t size, int fd_src)
{
	struct vhu_msg msg, reply;
	int fds[VHU_MAX_FDS];
	unsigned nfds = 0;
	bool has_reply;
	int r;

	memset(&msg, 0, sizeof(msg));
	msg.hdr = (struct vhu_hdr){req, VHU_VERSION, size};
	memcpy(&msg.payload, p, size);
	if (req == VHU_SET_MEM_TABLE)
		for (; nfds < msg.payload.memory.nregions; nfds++)
			fds[nfds] = dup(fd_src);
	if (req == VHU_SET_VRING_KICK || req == VHU_SET_VRING_CALL)
		fds[nfds++] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r = vhu_dev_handle(dev, &msg, fds, nfds, &reply, &has_reply);
	for (unsigned i = 0; i < nfds; i++)
		CHECK(fds[i] == -1);
	return r;
}

static void feed_state(struct vhu_dev *dev, uint32_t req, uint32_t index, uint32_t num)
{
	struct vhu_vring_state st = {index, num};

	feed(dev, req, &st, sizeof(st), -1);
}

/*
 * A frontend that does everything right up to the rings: features, a
 * sealed memory table (one region, or two mapping the same pages), then a
 * ring whose size, part addresses and start index come from params, over
 * memory holding mem. Queue start (translation, alignment, the overlap
 * check) and, when it starts, every pop run on fuzzed data.
 *
 * params: [0] ring size log2 (0..8), [1] bit 0 EVENT_IDX, bit 1 a second
 * region aliasing the first, bit 2 ring parts addressed through it,
 * [2..7] desc/avail/used offsets (16-bit each, 2-byte units), [8..9]
 * start index, [10] max segments, [11..13] max bytes.
 */
int fuzz_vq_start(const uint8_t params[16], const uint8_t *mem, size_t mem_len)
{
	struct vhu_dev_config cfg = {
	    .features = (1ull << 32) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
			(1ull << VIRTIO_RING_F_INDIRECT_DESC),
	    .num_queues = 1,
	};
	struct vhu_wire_memory m = {1, 0, {{FUZZ_GPA_BASE, FUZZ_MEM_SIZE, START_UVA, 0}}};
	uint16_t num = (uint16_t)(1u << (params[0] % 9)), off[3], base;
	bool alias = params[1] & 2;
	uint64_t feat = 1ull << 32, via = alias && (params[1] & 4) ? FUZZ_MEM_SIZE : 0;
	struct vhu_vring_addr a = {0};
	struct fuzz_backend fb = {0};
	struct vhu_dev *dev;
	int memfd;

	vhu_set_log(quiet);
	cfg.limits.max_segments = params[10] ? params[10] : 1;
	cfg.limits.max_bytes =
	    ((uint64_t)params[11] << 16) | ((uint64_t)params[12] << 8) | params[13];
	for (int i = 0; i < 3; i++) {
		memcpy(&off[i], params + 2 + 2 * i, 2);
		off[i] = (uint16_t)(off[i] * 2u);
	}
	memcpy(&base, params + 8, 2);
	if (params[1] & 1)
		feat |= 1ull << VIRTIO_RING_F_EVENT_IDX;
	if (alias) /* the same pages again, right after the first view */
		m.regions[m.nregions++] = (struct vhu_wire_region){START_ALIAS_GPA, FUZZ_MEM_SIZE,
								   START_UVA + FUZZ_MEM_SIZE, 0};
	memfd = guest_memfd(mem, mem_len);
	CHECK(vhu_dev_new(&dev, &cfg, &fuzz_backend_ops, &fb) == 0);
	CHECK(feed(dev, VHU_SET_FEATURES, &feat, sizeof(feat), -1) == 0);
	CHECK(feed(dev, VHU_SET_MEM_TABLE, &m, 8 + 32 * m.nregions, memfd) == 0);
	feed_state(dev, VHU_SET_VRING_NUM, 0, num);
	a.desc = START_UVA + off[0];
	a.avail = START_UVA + via + off[1];
	a.used = START_UVA + off[2];
	feed(dev, VHU_SET_VRING_ADDR, &a, sizeof(a), -1);
	feed_state(dev, VHU_SET_VRING_BASE, 0, base);
	feed(dev, VHU_SET_VRING_CALL, &(uint64_t){0}, 8, -1);
	feed(dev, VHU_SET_VRING_KICK, &(uint64_t){0}, 8, -1); /* starts it when all is right */
	/* Restart on the same rings: indexes resume from guest memory. */
	feed_state(dev, VHU_GET_VRING_BASE, 0, 0);
	feed(dev, VHU_SET_VRING_KICK, &(uint64_t){0}, 8, -1);
	vhu_dev_free(dev);
	CHECK(fb.starts == fb.stops);
	close(memfd);
	return 0;
}

int fuzz_vq_start_input(const uint8_t *data, size_t size)
{
	uint8_t params[16] = {0};

	if (size < sizeof(params))
		return 0;
	memcpy(params, data, sizeof(params));
	return fuzz_vq_start(params, data + sizeof(params), size - sizeof(params));
}
