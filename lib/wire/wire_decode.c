/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wire: request decoding and validation (spec §5, §8 item 2).
 *
 * The header and every arg header are copied out of guest memory exactly
 * once, into locals, and only the copies are checked and used.
 */
#include <endian.h>
#include <stddef.h>
#include <string.h>

#include "wire.h"
#include "wire_priv.h"

/*
 * Locate the response: right after the write buffers, i.e. nr_out lengths
 * before the end of the writable part. If even that does not fit, fall back
 * to a bare header at the very end, so a malformed request still gets a
 * status when the driver left room for one.
 */
static void locate_resp(struct wire_req *req, unsigned nr_out)
{
	uint64_t need = VIRTIO_ACCEL_RESP_SIZE(nr_out);

	req->resp_ok = false;
	req->resp_nr_out = 0;
	req->resp_pos = (struct wire_pos){0, 0};
	if (req->write_bytes < need) {
		nr_out = 0;
		need = VIRTIO_ACCEL_RESP_SIZE(0);
		if (req->write_bytes < need)
			return;
	}
	req->resp_nr_out = nr_out;
	req->resp_pos = wire_pos_step(req->wiov, req->nr_wiov, (struct wire_pos){0, 0},
				      req->write_bytes - need);
	req->resp_ok = true;
}

/*
 * An arg header's reserved bytes are all zero. They are the 7 bytes after
 * `dir`, the header's last 8: one word load, `dir` shifted out.
 */
static bool reserved_zero(const struct virtio_accel_arg_hdr *h)
{
	uint64_t w;

	_Static_assert(offsetof(struct virtio_accel_arg_hdr, dir) == 16 &&
			   offsetof(struct virtio_accel_arg_hdr, reserved) == 17 &&
			   sizeof(*h) == 24,
		       "dir and reserved are the last word");
	memcpy(&w, (const unsigned char *)h + offsetof(struct virtio_accel_arg_hdr, dir),
	       sizeof(w));
	return (le64toh(w) >> 8) == 0;
}

/* Sum with overflow detection. */
static bool add_ok(uint64_t *sum, uint64_t v)
{
	if (v > UINT64_MAX - *sum)
		return false;
	*sum += v;
	return true;
}

/*
 * Decode one arg header (h: the copy) into a and check it; *sum gets its
 * length. Returns OK or the status that refuses the request. Callers pass
 * &rsum or &wsum in a branch of its own, never a pointer chosen at run
 * time: that would keep both sums in memory.
 */
static inline int arg_decode(const struct virtio_accel_arg_hdr *h, struct wire_arg *a,
			     uint8_t want_dir, const struct wire_limits *lim, uint64_t *sum)
{
	a->len = le64toh(h->len);
	a->type = le32toh(h->type);
	a->custom_type_id = le32toh(h->custom_type_id);
	a->dir = h->dir;
	if (a->dir != want_dir || !reserved_zero(h) || a->type >= VIRTIO_ACCEL_ARG_TYPE_MAX)
		return VIRTIO_ACCEL_S_BADMSG;
	if (a->len > lim->max_request_bytes)
		return VIRTIO_ACCEL_S_NOSPACE;
	if (!add_ok(sum, a->len))
		return VIRTIO_ACCEL_S_NOSPACE;
	return VIRTIO_ACCEL_S_OK;
}

/* The sums against the chain: the readable part is exactly headers + read data,
 * the writable part exactly write buffers + response. */
static inline int sums_check(const struct wire_req *req, uint64_t hdr_bytes, uint64_t rsum,
			     uint64_t wsum)
{
	if (req->read_bytes - hdr_bytes != rsum)
		return VIRTIO_ACCEL_S_BADMSG;
	if (!add_ok(&wsum, VIRTIO_ACCEL_RESP_SIZE(req->nr_write)) || req->write_bytes != wsum)
		return VIRTIO_ACCEL_S_BADMSG;
	return VIRTIO_ACCEL_S_OK;
}

/*
 * The usual request: its readable part (headers, then read data) is one
 * iovec and its writable part another. Headers are copied by offset, and
 * each arg's position is its running offset, set in the same pass: what
 * wire_pos_step() gives in one iovec (an empty arg at the very end is
 * {1, 0}, as it normalises). Positions set before a check fails are never
 * seen: a refused request exposes no args.
 */
static int decode_args_flat(struct wire_req *req, const struct wire_limits *lim, unsigned nr,
			    uint64_t hdr_bytes)
{
	const unsigned char *block = (const unsigned char *)req->riov[0].iov_base;
	uint64_t rlen = req->riov[0].iov_len, wlen = req->wiov[0].iov_len;
	unsigned nr_read = req->nr_read; /* a local: stores into args[] cannot change it */
	struct wire_arg *args = req->args;
	uint64_t rsum = 0, wsum = 0;
	int st;

	for (unsigned i = 0; i < nr; i++) {
		struct virtio_accel_arg_hdr h;
		struct wire_arg *a = &args[i];
		bool rd = i < nr_read;
		uint64_t off = rd ? hdr_bytes + rsum : wsum; /* no overflow: both sums checked */

		memcpy(&h, block + VIRTIO_ACCEL_REQ_HDR_SIZE + sizeof(h) * i, sizeof(h));
		/* Only the copy is used from here: no re-read of guest memory. */
		__asm__ __volatile__("" : "+m"(h));
		if (rd)
			st = arg_decode(&h, a, VIRTIO_ACCEL_ARG_READ, lim, &rsum);
		else
			st = arg_decode(&h, a, VIRTIO_ACCEL_ARG_WRITE, lim, &wsum);
		if (st != VIRTIO_ACCEL_S_OK)
			return st;
		a->pos =
		    off < (rd ? rlen : wlen) ? (struct wire_pos){0, off} : (struct wire_pos){1, 0};
	}
	st = sums_check(req, hdr_bytes, rsum, wsum);
	if (st != VIRTIO_ACCEL_S_OK)
		return st;
	/* At least the response header follows the write args: inside the iovec. */
	req->resp_pos = (struct wire_pos){0, wsum};
	req->resp_nr_out = req->nr_write;
	req->resp_ok = true;
	return VIRTIO_ACCEL_S_OK;
}

/*
 * The arg headers start right after the request header. Each is copied out
 * once into h and only the copy is checked. A request of one readable and
 * one writable iovec goes the flat way; otherwise headers are gathered from
 * wherever they lie and positions are stepped through the iovecs.
 */
static int decode_args(struct wire_req *req, const struct wire_limits *lim)
{
	unsigned nr = (unsigned)req->nr_read + req->nr_write;
	uint64_t hdr_bytes = VIRTIO_ACCEL_HDRS_SIZE(nr);
	uint64_t rsum = 0, wsum = 0;
	struct wire_pos pos, rpos, wpos = {0, 0};
	int st;

	if (req->read_bytes < hdr_bytes)
		return VIRTIO_ACCEL_S_BADMSG; /* truncated arg headers */
	/* read_bytes and write_bytes are the iovecs' sums (wire_decode_sized's contract). */
	if (req->nr_riov == 1 && req->nr_wiov == 1)
		return decode_args_flat(req, lim, nr, hdr_bytes);

	pos = wire_pos_step(req->riov, req->nr_riov, (struct wire_pos){0, 0},
			    VIRTIO_ACCEL_REQ_HDR_SIZE);
	for (unsigned i = 0; i < nr; i++) {
		struct virtio_accel_arg_hdr h;
		bool rd = i < req->nr_read;

		wire_iov_read_fast(req->riov, req->nr_riov, pos, &h, sizeof(h));
		pos = wire_pos_step(req->riov, req->nr_riov, pos, sizeof(h));
		/* Only the copy is used from here: no re-read of guest memory. */
		__asm__ __volatile__("" : "+m"(h));
		if (rd)
			st = arg_decode(&h, &req->args[i], VIRTIO_ACCEL_ARG_READ, lim, &rsum);
		else
			st = arg_decode(&h, &req->args[i], VIRTIO_ACCEL_ARG_WRITE, lim, &wsum);
		if (st != VIRTIO_ACCEL_S_OK)
			return st;
	}
	st = sums_check(req, hdr_bytes, rsum, wsum);
	if (st != VIRTIO_ACCEL_S_OK)
		return st;

	rpos = pos;
	for (unsigned i = 0; i < nr; i++) {
		struct wire_arg *a = &req->args[i];

		if (i < req->nr_read) {
			a->pos = rpos;
			rpos = wire_pos_step(req->riov, req->nr_riov, rpos, a->len);
		} else {
			a->pos = wpos;
			wpos = wire_pos_step(req->wiov, req->nr_wiov, wpos, a->len);
		}
	}
	req->resp_pos = wpos;
	req->resp_nr_out = req->nr_write;
	req->resp_ok = true;
	return VIRTIO_ACCEL_S_OK;
}

int wire_decode_sized(struct wire_req *req, const struct iovec *riov, unsigned nr_riov,
		      uint64_t read_bytes, const struct iovec *wiov, unsigned nr_wiov,
		      uint64_t write_bytes, const struct wire_limits *lim, struct wire_arg *args,
		      unsigned args_cap)
{
	struct virtio_accel_req_hdr h;
	uint16_t reserved0, nr_write;
	uint32_t reserved1;
	unsigned nr;
	int st;

	/* Every field is set below (no memset of the whole request: it is the hot path). */
	req->args = args;
	req->riov = riov;
	req->nr_riov = nr_riov;
	req->wiov = wiov;
	req->nr_wiov = nr_wiov;
	req->read_bytes = read_bytes;
	req->write_bytes = write_bytes;

	if (req->read_bytes < sizeof(h)) {
		/* No header: a refused request with code, ids and tag 0. */
		req->code = req->nr_read = req->nr_write = 0;
		req->flags = 0;
		req->session_id = req->object_id = req->tag = 0;
		locate_resp(req, 0);
		return VIRTIO_ACCEL_S_BADMSG;
	}
	wire_iov_read_fast(riov, nr_riov, (struct wire_pos){0, 0}, &h, sizeof(h));
	/* Only the copy is used from here: no re-read of guest memory. */
	__asm__ __volatile__("" : "+m"(h));
	req->code = le16toh(h.code);
	req->nr_read = le16toh(h.nr_read);
	req->nr_write = nr_write = le16toh(h.nr_write);
	reserved0 = le16toh(h.reserved0);
	req->flags = le32toh(h.flags);
	reserved1 = le32toh(h.reserved1);
	req->session_id = le64toh(h.session_id);
	req->object_id = le64toh(h.object_id);
	req->tag = le64toh(h.tag);

	/* Counts that do not fit: the driver must not see an args view at all. */
	nr = (unsigned)req->nr_read + req->nr_write;
	if (req->read_bytes > lim->max_request_bytes ||
	    req->write_bytes > lim->max_request_bytes - req->read_bytes)
		st = VIRTIO_ACCEL_S_NOSPACE;
	else if (req->code < VIRTIO_ACCEL_C_CREATE_SESSION || req->code > VIRTIO_ACCEL_C_RESUME)
		st = VIRTIO_ACCEL_S_NOTSUPP;
	else if (reserved0 || reserved1)
		st = VIRTIO_ACCEL_S_BADMSG;
	else if (nr > lim->max_args || nr > args_cap)
		st = VIRTIO_ACCEL_S_NOSPACE;
	else
		st = decode_args(req, lim); /* sets the response's place when it succeeds */
	if (st != VIRTIO_ACCEL_S_OK) {
		/* Where the header's nr_write puts the response, or a bare one at the end. */
		locate_resp(req, nr_write);
		/* A refused request exposes no args. */
		req->nr_read = req->nr_write = 0;
	}
	return st;
}

int wire_decode(struct wire_req *req, const struct iovec *riov, unsigned nr_riov,
		const struct iovec *wiov, unsigned nr_wiov, const struct wire_limits *lim,
		struct wire_arg *args, unsigned args_cap)
{
	return wire_decode_sized(req, riov, nr_riov, wire_iov_bytes(riov, nr_riov), wiov, nr_wiov,
				 wire_iov_bytes(wiov, nr_wiov), lim, args, args_cap);
}
