/* SPDX-License-Identifier: Apache-2.0 */
/* vio_req: request layout, limit checks, encoding and response decoding. */
#include "vio_req.h"
#include "wire.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool add_ovf(uint64_t *acc, uint64_t v)
{
	return __builtin_add_overflow(*acc, v, acc);
}

/*
 * Add the lengths of args[0..n) to *sum; false when an arg has bytes but no buffer.
 * *ovf is set on overflow (E2BIG), which a missing buffer (EINVAL) overrides.
 */
static bool sum_args(const struct vio_arg *args, unsigned n, uint64_t *sum, bool *ovf)
{
	for (unsigned i = 0; i < n; i++) {
		if (args[i].len && !args[i].buf)
			return false;
		*ovf |= add_ovf(sum, args[i].len);
	}
	return true;
}

/*
 * Both directions' byte counts in one pass: buffers present, counts within 16 bits, no
 * overflow. Returns 0, -EINVAL (malformed) or -E2BIG (too large to describe).
 */
static int req_sizes(const struct vio_req *req, uint64_t *rd, uint64_t *wr)
{
	uint64_t total;
	bool ovf = false;

	if (req->nr_read > UINT16_MAX || req->nr_write > UINT16_MAX)
		return -E2BIG;
	if ((req->nr_read && !req->read) || (req->nr_write && !req->write))
		return -EINVAL;
	*rd = VIRTIO_ACCEL_HDRS_SIZE((uint64_t)req->nr_read + req->nr_write);
	*wr = VIRTIO_ACCEL_RESP_SIZE(req->nr_write);
	if (!sum_args(req->read, req->nr_read, rd, &ovf) ||
	    !sum_args(req->write, req->nr_write, wr, &ovf))
		return -EINVAL;
	if (ovf || __builtin_add_overflow(*rd, *wr, &total))
		return -E2BIG;
	return 0;
}

/* The device's limits for a request of these sizes (req_sizes() passed). */
static int req_limits(const struct vio_req *req, const struct vio_limits *lim, uint64_t rd,
		      uint64_t wr, unsigned segments)
{
	if ((uint64_t)req->nr_read + req->nr_write > lim->max_args)
		return -E2BIG;
	if (segments > lim->max_segments)
		return -E2BIG;
	if (rd + wr > lim->max_request_bytes)
		return -E2BIG;
	return 0;
}

int vio_req_check(const struct vio_req *req, const struct vio_limits *lim, unsigned segments)
{
	uint64_t rd, wr;
	int ret = req_sizes(req, &rd, &wr);

	return ret ? ret : req_limits(req, lim, rd, wr, segments);
}

#define VIO_ALIGN 64u
/* Up to this size a read arg is compared with what the buffer holds before it is stored. */
#define VIO_SMALL_ARG 256u

static uint64_t align_up(uint64_t v)
{
	return (v + VIO_ALIGN - 1) & ~(uint64_t)(VIO_ALIGN - 1);
}

static int add_seg(struct vio_layout *l, uint64_t off, uint64_t len, uint64_t chunk)
{
	while (len) {
		uint64_t n = len < chunk ? len : chunk;

		if (l->nr_seg == l->cap_seg) {
			unsigned cap = 2 * l->cap_seg;
			bool inline_seg = l->seg == l->seg_inline;
			struct vio_seg *s = realloc(inline_seg ? NULL : l->seg, cap * sizeof(*s));

			if (!s)
				return -ENOMEM;
			if (inline_seg)
				memcpy(s, l->seg_inline, sizeof(l->seg_inline));
			l->seg = s;
			l->cap_seg = cap;
			l->heap = true;
		}
		l->seg[l->nr_seg++] = (struct vio_seg){.off = off, .len = n};
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * Lay out args[0..n): packed after *pos, or in their own aligned segments.
 * Closes the run that starts at *run.
 */
static int plan_args(struct vio_layout *l, const struct vio_arg *args, unsigned n, uint64_t *offs,
		     uint64_t own_min, uint64_t chunk, uint64_t *pos, uint64_t *run)
{
	int ret;

	for (unsigned i = 0; i < n; i++) {
		uint64_t len = args[i].len;

		if (own_min && len >= own_min) {
			if (*pos > *run && (ret = add_seg(l, *run, *pos - *run, chunk)))
				return ret;
			*pos = align_up(*pos);
			offs[i] = *pos;
			if ((ret = add_seg(l, *pos, len, chunk)))
				return ret;
			*pos += len;
			*run = *pos;
		} else {
			offs[i] = *pos;
			*pos += len;
		}
	}
	return 0;
}

static inline __attribute__((always_inline)) void encode_hdr(const struct vio_req *req,
							     uint8_t *base)
{
	struct virtio_accel_req_hdr hdr = {0};

	hdr.code = htole16(req->code);
	hdr.nr_read = htole16((uint16_t)req->nr_read);
	hdr.nr_write = htole16((uint16_t)req->nr_write);
	hdr.flags = htole32(req->flags);
	hdr.session_id = htole64(req->session_id);
	hdr.object_id = htole64(req->object_id);
	vaccel_put_changed(base, &hdr, sizeof(hdr)); /* usually as the last call's */
}

/*
 * Most small args are scalars (op types, counts, ids): their copy is a move, not a call. And
 * mostly the same as the last call's in this buffer: stored only when they differ, so the
 * device's copy of the line stays valid (vaccel_put_changed()); a larger arg is copied.
 */
static inline void copy_arg(uint8_t *dst, const void *src, uint64_t len)
{
	switch (len) {
	case 1:
		vaccel_put_changed(dst, src, 1);
		break;
	case 4:
		vaccel_put_changed(dst, src, 4);
		break;
	case 8:
		vaccel_put_changed(dst, src, 8);
		break;
	default:
		if (len <= VIO_SMALL_ARG)
			vaccel_put_changed(dst, src, len);
		else
			memcpy(dst, src, len);
	}
}

static inline __attribute__((always_inline)) void encode_arg(uint8_t *p, const struct vio_arg *a,
							     uint8_t dir)
{
	wire_put_arg_hdr(p, a->len, a->type, a->custom_id, dir);
}

/*
 * The common small request, packed: no arg gets its own segment (none of own_min bytes or
 * more, when own_min is set), so the readable part is one run (header, arg headers, read
 * data) and the writable part, 64-byte aligned after it, another (write buffers, then the
 * response); each part at most `chunk` bytes and the whole at most `cap`. With base, also
 * encodes the request there (as vio_layout_encode() does) in the same pass: the userspace
 * driver's steady state plans, checks and writes a small request in one walk of its args.
 * l's offset arrays must hold the args. Returns 0, -EINVAL (an arg with bytes but no
 * buffer) or -EAGAIN: not such a request (then only l's offset arrays and base's bytes were
 * written, as scratch).
 * The counts must fit 16 bits, and without base the sums must not overflow (req_sizes()).
 */
static inline __attribute__((always_inline)) int pack_n(struct vio_layout *l,
							const struct vio_req *req, unsigned nr_read,
							unsigned nr_write, uint64_t own_min,
							uint64_t chunk, uint64_t cap, uint8_t *base)
{
	uint64_t pos = VIRTIO_ACCEL_HDRS_SIZE((uint64_t)nr_read + nr_write), rd, wstart;
	uint8_t *h = base ? base + VIRTIO_ACCEL_REQ_HDR_SIZE : NULL;

	if (pos > cap)
		return -EAGAIN;
	for (unsigned i = 0; i < nr_read; i++) {
		const struct vio_arg *a = &req->read[i];

		if (a->len && !a->buf)
			return -EINVAL;
		if ((own_min && a->len >= own_min) || a->len > cap - pos)
			return -EAGAIN;
		l->rd_off[i] = pos;
		if (base) {
			encode_arg(h, a, VIRTIO_ACCEL_ARG_READ);
			h += VIRTIO_ACCEL_ARG_HDR_SIZE;
			if (a->len)
				copy_arg(base + pos, a->buf, a->len);
		}
		pos += a->len;
	}
	rd = pos;
	wstart = pos = align_up(pos);
	if (rd > chunk || pos > cap)
		return -EAGAIN;
	for (unsigned i = 0; i < nr_write; i++) {
		const struct vio_arg *a = &req->write[i];

		if (a->len && !a->buf)
			return -EINVAL;
		if ((own_min && a->len >= own_min) || a->len > cap - pos)
			return -EAGAIN;
		l->wr_off[i] = pos;
		if (base) {
			encode_arg(h, a, VIRTIO_ACCEL_ARG_WRITE);
			h += VIRTIO_ACCEL_ARG_HDR_SIZE;
			if (a->inout && a->len)
				memcpy(base + pos, a->buf, a->len);
		}
		pos += a->len;
	}
	if (VIRTIO_ACCEL_RESP_SIZE(nr_write) > cap - pos ||
	    pos + VIRTIO_ACCEL_RESP_SIZE(nr_write) - wstart > chunk)
		return -EAGAIN;
	if (base)
		encode_hdr(req, base);
	l->rd_bytes = rd;
	l->resp_off = pos;
	pos += VIRTIO_ACCEL_RESP_SIZE(nr_write);
	l->wr_bytes = pos - wstart;
	l->seg[0] = (struct vio_seg){.off = 0, .len = l->rd_bytes};
	l->seg[1] = (struct vio_seg){.off = wstart, .len = l->wr_bytes};
	l->nr_seg = 2;
	l->nr_rd_seg = 1;
	l->size = pos;
	return 0;
}

/* pack_n() for req's own counts. */
static int pack(struct vio_layout *l, const struct vio_req *req, uint64_t own_min, uint64_t chunk,
		uint64_t cap, uint8_t *base)
{
	return pack_n(l, req, req->nr_read, req->nr_write, own_min, chunk, cap, base);
}

static void layout_inline(struct vio_layout *l)
{
	l->rd_off = l->rd_off_inline;
	l->wr_off = l->wr_off_inline;
	l->seg = l->seg_inline;
	l->cap_seg = VIO_LAYOUT_INLINE;
	l->heap = false;
}

int vio_layout_pack(struct vio_layout *l, const struct vio_req *req, const struct vio_limits *lim,
		    uint64_t own_min, uint64_t chunk, uint8_t *base, uint64_t cap)
{
	int ret;

	if (req->nr_read > VIO_LAYOUT_INLINE || req->nr_write > VIO_LAYOUT_INLINE)
		return -EAGAIN;
	if ((req->nr_read && !req->read) || (req->nr_write && !req->write))
		return -EINVAL;
	layout_inline(l);
	if (!chunk)
		chunk = UINT64_MAX;
	/*
	 * An op with no args of its own travels as its op type alone (noop, and any arg-less
	 * op): the commonest small request, and the one whose cost is all overhead. The same
	 * walk with the counts known, which the compiler unrolls.
	 */
	if (req->nr_read == 1 && !req->nr_write)
		ret = pack_n(l, req, 1, 0, own_min, chunk, cap, base);
	else
		ret = pack(l, req, own_min, chunk, cap, base);
	/* The sums are bounded by cap: the limits are all that is left to check. */
	return ret ? ret : req_limits(req, lim, l->rd_bytes, l->wr_bytes, 0);
}

int vio_layout_plan(struct vio_layout *l, const struct vio_req *req, const struct vio_limits *lim,
		    uint64_t own_min, uint64_t chunk)
{
	uint64_t pos, run;
	int ret;

	/* The check and the layout need the same sums: one pass for both. */
	ret = req_sizes(req, &l->rd_bytes, &l->wr_bytes);
	if (!ret && lim)
		ret = req_limits(req, lim, l->rd_bytes, l->wr_bytes, 0);
	if (ret)
		return ret;
	ret = -ENOMEM;
	if (!chunk)
		chunk = UINT64_MAX;
	layout_inline(l);
	if (req->nr_read > VIO_LAYOUT_INLINE) {
		l->rd_off = calloc(req->nr_read, sizeof(*l->rd_off));
		l->heap = true;
	}
	if (req->nr_write > VIO_LAYOUT_INLINE) {
		l->wr_off = calloc(req->nr_write, sizeof(*l->wr_off));
		l->heap = true;
	}
	if (!l->rd_off || !l->wr_off)
		goto err;
	if (!pack(l, req, own_min, chunk, UINT64_MAX, NULL))
		return 0;
	l->size = l->resp_off = 0;
	l->nr_seg = l->nr_rd_seg = 0;

	/* Readable: header and arg headers first, always packed. */
	run = 0;
	pos = VIRTIO_ACCEL_HDRS_SIZE((uint64_t)req->nr_read + req->nr_write);
	ret = plan_args(l, req->read, req->nr_read, l->rd_off, own_min, chunk, &pos, &run);
	if (!ret && pos > run)
		ret = add_seg(l, run, pos - run, chunk);
	if (ret)
		goto err;
	l->nr_rd_seg = l->nr_seg;

	/* Writable: buffers, then the response, which closes the last run. */
	pos = run = align_up(pos);
	ret = plan_args(l, req->write, req->nr_write, l->wr_off, own_min, chunk, &pos, &run);
	if (ret)
		goto err;
	l->resp_off = pos;
	pos += VIRTIO_ACCEL_RESP_SIZE(req->nr_write);
	ret = add_seg(l, run, pos - run, chunk);
	if (ret)
		goto err;
	l->size = pos;
	return 0;
err:
	vio_layout_free(l);
	return ret;
}

void vio_layout_free_heap(struct vio_layout *l)
{
	if (l->rd_off != l->rd_off_inline)
		free(l->rd_off);
	if (l->wr_off != l->wr_off_inline)
		free(l->wr_off);
	if (l->seg != l->seg_inline)
		free(l->seg);
	l->rd_off = l->wr_off = NULL;
	l->seg = NULL;
	l->nr_seg = l->nr_rd_seg = l->cap_seg = 0;
	l->heap = false;
}

void vio_layout_encode(const struct vio_layout *l, const struct vio_req *req, uint8_t *base)
{
	uint8_t *p = base + VIRTIO_ACCEL_REQ_HDR_SIZE;

	encode_hdr(req, base);
	for (unsigned i = 0; i < req->nr_read; i++, p += VIRTIO_ACCEL_ARG_HDR_SIZE)
		encode_arg(p, &req->read[i], VIRTIO_ACCEL_ARG_READ);
	for (unsigned i = 0; i < req->nr_write; i++, p += VIRTIO_ACCEL_ARG_HDR_SIZE)
		encode_arg(p, &req->write[i], VIRTIO_ACCEL_ARG_WRITE);
	for (unsigned i = 0; i < req->nr_read; i++)
		if (req->read[i].len)
			memcpy(base + l->rd_off[i], req->read[i].buf, req->read[i].len);
	for (unsigned i = 0; i < req->nr_write; i++)
		if (req->write[i].inout && req->write[i].len)
			memcpy(base + l->wr_off[i], req->write[i].buf, req->write[i].len);
}

int vio_layout_decode(const struct vio_layout *l, struct vio_req *req, const uint8_t *base,
		      uint64_t used)
{
	struct virtio_accel_resp_hdr resp;
	const uint8_t *lens = base + l->resp_off + VIRTIO_ACCEL_RESP_HDR_SIZE;

	/* The device writes the whole writable part or reports 0. */
	if (used < l->wr_bytes)
		return -EPROTO;
	memcpy(&resp, base + l->resp_off, sizeof(resp));
	req->status = resp.status;
	req->vaccel_ret = (int32_t)le32toh(resp.vaccel_ret);
	req->id = le64toh(resp.id);
	if (req->status != VIRTIO_ACCEL_S_OK)
		return 0;
	/* Validate every length before copying anything back. */
	for (unsigned i = 0; i < req->nr_write; i++) {
		uint64_t n;

		memcpy(&n, lens + VIRTIO_ACCEL_OUT_LEN_SIZE * i, sizeof(n));
		if (le64toh(n) > req->write[i].len)
			return -EPROTO;
	}
	for (unsigned i = 0; i < req->nr_write; i++) {
		uint64_t n;

		memcpy(&n, lens + VIRTIO_ACCEL_OUT_LEN_SIZE * i, sizeof(n));
		n = le64toh(n);
		if (n)
			memcpy(req->write[i].buf, base + l->wr_off[i], n);
		req->write[i].len = n;
	}
	return 0;
}

int vio_limits_from_config(struct vio_limits *lim, const struct virtio_accel_config *cfg)
{
	memset(lim, 0, sizeof(*lim));
	lim->version = le32toh(cfg->version);
	lim->num_queues = le16toh(cfg->num_queues);
	lim->max_args = le16toh(cfg->max_args);
	lim->max_segments = le32toh(cfg->max_segments);
	lim->max_request_bytes = le64toh(cfg->max_request_bytes);
	if (lim->version != VIRTIO_ACCEL_PROTOCOL_VERSION)
		return -EPROTONOSUPPORT;
	if (lim->num_queues < 1 || lim->max_args < VIRTIO_ACCEL_MIN_ARGS ||
	    lim->max_args > VIRTIO_ACCEL_MAX_ARGS_LIMIT || lim->max_segments < 4 ||
	    lim->max_request_bytes < VIRTIO_ACCEL_REQ_HDR_SIZE + VIRTIO_ACCEL_RESP_SIZE(0))
		return -EPROTO;
	return 0;
}
