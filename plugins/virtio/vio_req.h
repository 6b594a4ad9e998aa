/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_req: one virtio-accel request as the plugin sees it, independent of
 * the driver that carries it, plus the wire-layout helpers the userspace
 * driver (and the tests) use. Wire format: include/uapi/linux/virtio_accel.h
 * and docs/virtio-accel.md.
 */
#ifndef VIO_REQ_H
#define VIO_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_accel.h>

/* One argument. For a write arg, len is the capacity going in and the
 * number of bytes the device produced coming out. */
struct vio_arg {
	void *buf;
	uint64_t len;
	uint32_t type;	    /* vaccel_arg_type_t */
	uint32_t custom_id; /* for VACCEL_ARG_CUSTOM */
	/* Write args only: the op reads the buffer first (its role in the op
	 * table is in/out, e.g. sgemm's C), so its contents travel in too;
	 * an out-only buffer is not copied to the device. */
	bool inout;
};

struct vio_req {
	/* in */
	uint16_t code;
	uint32_t flags;
	uint64_t session_id;
	uint64_t object_id;
	const struct vio_arg *read;
	unsigned nr_read;
	struct vio_arg *write;
	unsigned nr_write;
	/*
	 * in: the connection generation the ids above belong to (0: any);
	 * out: the generation that carried the request. A driver whose link
	 * was re-established refuses a request of an older generation with
	 * -ESTALE: the host forgot those sessions and resources.
	 */
	uint64_t gen;
	/* out */
	uint8_t status;
	int32_t vaccel_ret;
	uint64_t id;
};

/* Device limits and features as the driver sees them. */
struct vio_limits {
	uint32_t version;
	uint32_t num_queues;
	uint32_t max_args;
	uint32_t max_segments;
	uint64_t max_request_bytes;
	uint64_t features;
};

/*
 * Check a request against the limits before it is sent. segments is the
 * number of descriptors the driver will use. Returns 0, -EINVAL (malformed:
 * NULL buffers, counts over 16 bits, overflow) or -E2BIG (a device limit).
 */
int vio_req_check(const struct vio_req *req, const struct vio_limits *lim, unsigned segments);

/* One descriptor's worth of a bounce buffer: [off, off + len). */
struct vio_seg {
	uint64_t off;
	uint64_t len;
};

/*
 * Where a request lives in one bounce buffer, and the descriptors that
 * carry it (readable segments first). The readable and writable byte
 * streams are as the wire defines them; only where they sit in memory is
 * chosen here: every arg of at least `own_min` bytes gets its own 64-byte
 * aligned segment(s), so the device can use it in place with natural
 * alignment, as it would a guest page pinned by the kernel driver.
 */
/* Args and segments a layout holds without allocating (every fixed-arity op fits). */
#define VIO_LAYOUT_INLINE 16

struct vio_layout {
	uint64_t size;	     /* bounce bytes needed */
	uint64_t rd_bytes;   /* readable stream length */
	uint64_t wr_bytes;   /* writable stream length */
	uint64_t *rd_off;    /* [nr_read] offset of each read arg's data */
	uint64_t *wr_off;    /* [nr_write] offset of each write arg's buffer */
	uint64_t resp_off;   /* response header, then the out_len array */
	struct vio_seg *seg; /* nr_rd_seg readable, then the writable ones */
	unsigned nr_seg;     /* all segments */
	unsigned nr_rd_seg;
	unsigned cap_seg;
	bool heap; /* an array above was allocated (a large request) */
	/* Where the arrays above live for small requests: the hot path allocates nothing. */
	uint64_t rd_off_inline[VIO_LAYOUT_INLINE];
	uint64_t wr_off_inline[VIO_LAYOUT_INLINE];
	struct vio_seg seg_inline[VIO_LAYOUT_INLINE];
};

/*
 * Check req as vio_req_check() does (against lim, or only for being well formed when lim is
 * NULL) and plan its layout. own_min 0 packs each part into one run; chunk bounds a
 * segment's length (descriptor lengths are 32-bit). Returns 0, -EINVAL, -E2BIG or -ENOMEM;
 * on error nothing is left to free.
 */
int vio_layout_plan(struct vio_layout *l, const struct vio_req *req, const struct vio_limits *lim,
		    uint64_t own_min, uint64_t chunk);
/*
 * A small request's plan, check and encoding in one pass, into [base, base + cap): what
 * vio_layout_plan() with these lim, own_min and chunk (0: none) followed by vio_layout_encode()
 * give when the request is packed (every arg under own_min, at most VIO_LAYOUT_INLINE each way) and
 * fits cap; the hot path for small requests. Returns 0, -EINVAL, -E2BIG or -EAGAIN (not such a
 * request, or it does not fit: plan it instead; base's bytes are scratch then). Allocates nothing;
 * vio_layout_free() is a no-op for l afterwards.
 */
int vio_layout_pack(struct vio_layout *l, const struct vio_req *req, const struct vio_limits *lim,
		    uint64_t own_min, uint64_t chunk, uint8_t *base, uint64_t cap);
void vio_layout_free_heap(struct vio_layout *l);
/* Free what plan allocated (nothing for a small request: inline, no call). */
static inline void vio_layout_free(struct vio_layout *l)
{
	if (l->heap)
		vio_layout_free_heap(l);
}

/* Write header, arg headers, read data and inout write data at base. */
void vio_layout_encode(const struct vio_layout *l, const struct vio_req *req, uint8_t *base);

/*
 * Take the response from base (`used` bytes reported by the device):
 * status, vaccel_ret, id, then each write arg's out_len (bounded by its
 * capacity) and its data copied back. Returns 0 or -EPROTO for a response
 * that breaks the protocol (short, out_len too big).
 */
int vio_layout_decode(const struct vio_layout *l, struct vio_req *req, const uint8_t *base,
		      uint64_t used);

/* Read and validate a device config (24 bytes, little-endian). */
int vio_limits_from_config(struct vio_limits *lim, const struct virtio_accel_config *cfg);

#endif /* VIO_REQ_H */
