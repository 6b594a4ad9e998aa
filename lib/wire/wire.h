/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wire: virtio-accel requests as byte streams over iovecs (spec §5-§7).
 *
 * Device side: wire_decode() copies the request header and the argument
 * headers out of the (untrusted, possibly concurrently changing) readable
 * part ONCE, validates the copy and records where each argument's data lies
 * in the iovecs. Nothing after decode re-reads a header from guest memory.
 * The arg data itself stays where it is: wire_arg_ptr() gives it in place
 * when it is contiguous, wire_arg_gather()/wire_arg_scatter() copy it.
 *
 * Driver side: wire_encode() lays the header and arg headers into a flat
 * buffer (optional helper for drivers).
 */
#ifndef WIRE_H
#define WIRE_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include <linux/virtio_accel.h>

#include "vaccel_common.h"

/* Wire sizes and the arg type bound: VIRTIO_ACCEL_*_SIZE, VIRTIO_ACCEL_ARG_TYPE_MAX (uapi). */

struct wire_limits {
	unsigned max_args;	    /* nr_read + nr_write, <= VIRTIO_ACCEL_MAX_ARGS_LIMIT */
	uint64_t max_request_bytes; /* bound on every arg len and on the whole chain */
};

/* A position in an iovec array. */
struct wire_pos {
	unsigned idx;
	size_t off;
};

/* One argument, decoded (host byte order) and located. */
struct wire_arg {
	uint64_t len; /* read: data size; write: capacity */
	uint32_t type;
	uint32_t custom_type_id;
	uint8_t dir;
	struct wire_pos pos; /* start of its data in the readable or writable iovecs */
};

/* A decoded request. Header fields are in host byte order. */
struct wire_req {
	uint16_t code;
	uint16_t nr_read;
	uint16_t nr_write;
	uint32_t flags;
	uint64_t session_id;
	uint64_t object_id;
	uint64_t tag;
	struct wire_arg *args; /* nr_read + nr_write, read args first */

	const struct iovec *riov;
	unsigned nr_riov;
	const struct iovec *wiov;
	unsigned nr_wiov;
	uint64_t read_bytes;
	uint64_t write_bytes;

	/* Where the response goes; valid when resp_ok (also after a failed decode). */
	bool resp_ok;
	unsigned resp_nr_out; /* out_len entries the response carries */
	struct wire_pos resp_pos;
};

/*
 * Decode a request. args[0..args_cap) is storage for the arg descriptions.
 * Returns VIRTIO_ACCEL_S_OK (0) or the status to answer with:
 * BADMSG (malformed), NOSPACE (a limit exceeded), NOTSUPP (unknown code).
 * Even on failure req->resp_ok says whether a response can be written
 * (the writable part holds at least a response header) and where.
 */
int wire_decode(struct wire_req *req, const struct iovec *riov, unsigned nr_riov,
		const struct iovec *wiov, unsigned nr_wiov, const struct wire_limits *lim,
		struct wire_arg *args, unsigned args_cap);

/*
 * wire_decode() for a caller that has the byte counts already: read_bytes and
 * write_bytes MUST be the sums of riov's and wiov's lengths (vq_dev_pop()'s
 * vq_elem counts are: it sums the same descriptor lengths it puts in the
 * iovecs). Decoding trusts them as it would trust its own sums.
 */
int wire_decode_sized(struct wire_req *req, const struct iovec *riov, unsigned nr_riov,
		      uint64_t read_bytes, const struct iovec *wiov, unsigned nr_wiov,
		      uint64_t write_bytes, const struct wire_limits *lim, struct wire_arg *args,
		      unsigned args_cap);

/* Total bytes of an iovec array (saturates at UINT64_MAX). */
uint64_t wire_iov_bytes(const struct iovec *iov, unsigned n);

/*
 * Copy len bytes starting at pos out of / into an iovec array. Return the
 * bytes copied (less than len only if the iovecs end first).
 */
size_t wire_iov_read(const struct iovec *iov, unsigned n, struct wire_pos pos, void *dst,
		     size_t len);
size_t wire_iov_write(const struct iovec *iov, unsigned n, struct wire_pos pos, const void *src,
		      size_t len);

/*
 * The arg's data in place when its bytes are contiguous in our address
 * space (one iovec, or iovecs that happen to be adjacent), else NULL.
 * A zero-length arg gives NULL.
 */
void *wire_arg_ptr(const struct wire_req *req, unsigned i);

/* The len bytes at pos when they all lie in pos's iovec, else NULL. */
static inline char *wire_iov_span(const struct iovec *iov, unsigned n, struct wire_pos pos,
				  size_t len)
{
	if (pos.idx < n && len <= iov[pos.idx].iov_len - pos.off)
		return (char *)iov[pos.idx].iov_base + pos.off;
	return NULL;
}

/* wire_arg_gather() for every arg but a 1- or 4-byte one in one iovec. */
void wire_arg_gather_any(const struct wire_req *req, unsigned i, void *dst);

/*
 * Copy read-or-write arg i's whole data (len bytes) into dst. Inline for
 * an op type (1 or 4 bytes) in one iovec: every request has one. Each byte
 * is read once, without a call.
 */
static inline void wire_arg_gather(const struct wire_req *req, unsigned i, void *dst)
{
	const struct wire_arg *a = &req->args[i];
	const struct iovec *iov = i < req->nr_read ? req->riov : req->wiov;
	unsigned n = i < req->nr_read ? req->nr_riov : req->nr_wiov;
	const char *src = wire_iov_span(iov, n, a->pos, a->len);

	if (src && a->len == 1)
		memcpy(dst, src, 1);
	else if (src && a->len == 4)
		memcpy(dst, src, 4);
	else
		wire_arg_gather_any(req, i, dst);
}

/* Write len bytes (clamped to the capacity) of src into write arg i. Returns bytes written. */
size_t wire_arg_scatter(const struct wire_req *req, unsigned i, const void *src, size_t len);

/*
 * Write the response: header + out_len[0..resp_nr_out) (out_len may be NULL
 * for all zeros). Returns the used length to report (end of the response),
 * or 0 when no response fits (!req->resp_ok).
 */
uint32_t wire_respond(const struct wire_req *req, uint8_t status, int32_t vaccel_ret, uint64_t id,
		      const uint64_t *out_len);

/* ---------------------------------------------------------------- driver */

struct wire_enc_arg {
	uint64_t len;
	uint32_t type;
	uint32_t custom_type_id;
};

/* Write one arg header (spec §5.2, reserved bytes zero) at p: every driver-side encoder's. */
static inline void wire_put_arg_hdr(uint8_t *p, uint64_t len, uint32_t type,
				    uint32_t custom_type_id, uint8_t dir)
{
	struct virtio_accel_arg_hdr h;

	memset(&h, 0, sizeof(h));
	h.len = htole64(len);
	h.type = htole32(type);
	h.custom_type_id = htole32(custom_type_id);
	h.dir = dir;
	vaccel_put_changed(p, &h, sizeof(h)); /* p is shared with the device */
}

/* Bytes of the header block for nr args. */
size_t wire_enc_size(unsigned nr_args);

/*
 * Encode hdr (code, counts, flags, ids, tag taken from req; reserved zeroed)
 * followed by the arg headers (read args then write args, dir set by
 * position) into buf. Returns bytes written or 0 when cap is too small.
 */
size_t wire_encode(void *buf, size_t cap, const struct wire_req *req, const struct wire_enc_arg *rd,
		   const struct wire_enc_arg *wr);

/* Parse a response block (resp header + nr_out lengths) from a flat buffer. */
int wire_decode_resp(const void *buf, size_t len, unsigned nr_out, uint8_t *status,
		     int32_t *vaccel_ret, uint64_t *id, uint64_t *out_len);

#endif /* WIRE_H */
