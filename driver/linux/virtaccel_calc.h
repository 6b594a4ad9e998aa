/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-accel driver: request validation and size arithmetic.
 *
 * Pure functions over the uapi structures, with no kernel services, so the
 * same code is compiled into the module and into a userspace unit test
 * (tests/calc_test.c). Everything here works on copies the caller already
 * took from user space; nothing is read twice.
 */
#ifndef VIRTACCEL_CALC_H
#define VIRTACCEL_CALC_H

#include <linux/types.h>
#include <linux/virtio_accel.h>
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#endif

/* Wire sizes (spec §5.1, §5.2, §7): the uapi header's, under the driver's names. */
#define VIRTACCEL_REQ_HDR_SIZE VIRTIO_ACCEL_REQ_HDR_SIZE
#define VIRTACCEL_ARG_HDR_SIZE VIRTIO_ACCEL_ARG_HDR_SIZE
#define VIRTACCEL_RESP_HDR_SIZE VIRTIO_ACCEL_RESP_HDR_SIZE

/* The limits the driver enforces: config space, clamped at probe. */
struct virtaccel_limits {
	__u32 max_args;
	__u32 max_segments;
	__u64 max_request_bytes;
};

/* What a validated request needs, computed once from the copied args. */
struct virtaccel_sizes {
	__u64 hdr_bytes;   /* req_hdr + arg_hdr[nr_read + nr_write] */
	__u64 read_bytes;  /* whole device-readable part */
	__u64 resp_bytes;  /* resp_hdr + out_len[nr_write] */
	__u64 write_bytes; /* whole device-writable part */
	__u64 nr_pages;	   /* user pages to pin, all args */
	__u32 nr_data;	   /* args with len > 0, each at least one segment */
};

/*
 * virtaccel_check_req - validate the fixed part of a copied ioctl request.
 *
 * Reserved fields must be zero, the code known, the argument count within
 * max_args, and the codes without arguments (spec §6) must carry none.
 * Returns 0, -EINVAL or -E2BIG.
 */
static inline int virtaccel_check_req(const struct virtio_accel_ioc_req *r,
				      const struct virtaccel_limits *lim)
{
	unsigned int i;

	if (r->reserved0 || r->reserved1)
		return -EINVAL;
	for (i = 0; i < sizeof(r->reserved2); i++)
		if (r->reserved2[i])
			return -EINVAL;

	switch (r->code) {
	case VIRTIO_ACCEL_C_CREATE_SESSION:
	case VIRTIO_ACCEL_C_DESTROY_SESSION:
	case VIRTIO_ACCEL_C_UNREGISTER_RESOURCE:
		if (r->nr_read || r->nr_write)
			return -EINVAL;
		break;
	case VIRTIO_ACCEL_C_REGISTER_RESOURCE:
		/* An existing resource is only linked to another session. */
		if (r->object_id && (r->nr_read || r->nr_write))
			return -EINVAL;
		break;
	case VIRTIO_ACCEL_C_GENOP:
		break;
	default:
		return -EINVAL;
	}

	if ((__u32)r->nr_read + r->nr_write > lim->max_args)
		return -E2BIG;
	return 0;
}

/* Pages spanned by [addr, addr + len); the caller checked for wrap-around. */
static inline __u64 virtaccel_arg_pages(__u64 addr, __u64 len, unsigned int page_shift)
{
	if (!len)
		return 0;
	return ((addr + len - 1) >> page_shift) - (addr >> page_shift) + 1;
}

static inline int virtaccel_sum_args(const struct virtio_accel_ioc_arg *args, unsigned int n,
				     __u64 addr_limit, unsigned int page_shift, __u64 *bytes,
				     struct virtaccel_sizes *sz)
{
	unsigned int i;
	__u64 end;

	for (i = 0; i < n; i++) {
		const struct virtio_accel_ioc_arg *a = &args[i];

		if (!a->len)
			continue;
		/* A buffer must lie inside the user address space. */
		if (__builtin_add_overflow(a->addr, a->len, &end) || end > addr_limit)
			return -EFAULT;
		/* max_request_bytes is checked by the caller; this only guards the sum. */
		if (__builtin_add_overflow(*bytes, a->len, bytes))
			return -E2BIG;
		sz->nr_pages += virtaccel_arg_pages(a->addr, a->len, page_shift);
		sz->nr_data++;
	}
	return 0;
}

/*
 * virtaccel_check_args - validate copied argument arrays and size the request.
 *
 * @addr_limit: first address past user space (buffers must end at or below it).
 * Fills @sz. Returns 0, -EFAULT (a buffer outside user space) or -E2BIG (the
 * request is larger than max_request_bytes or its writable part does not fit
 * the 32-bit used length). The number of descriptors is settled later, once
 * the pages are pinned (virtaccel_plan_chain()).
 */
static inline int virtaccel_check_args(const struct virtio_accel_ioc_arg *rd, unsigned int nr_read,
				       const struct virtio_accel_ioc_arg *wr, unsigned int nr_write,
				       const struct virtaccel_limits *lim, __u64 addr_limit,
				       unsigned int page_shift, struct virtaccel_sizes *sz)
{
	__u64 total;
	int ret;

	*sz = (struct virtaccel_sizes){ 0 };
	sz->hdr_bytes = VIRTIO_ACCEL_HDRS_SIZE((__u64)nr_read + nr_write);
	sz->resp_bytes = VIRTIO_ACCEL_RESP_SIZE(nr_write);

	sz->read_bytes = sz->hdr_bytes;
	ret = virtaccel_sum_args(rd, nr_read, addr_limit, page_shift, &sz->read_bytes, sz);
	if (ret)
		return ret;
	sz->write_bytes = sz->resp_bytes;
	ret = virtaccel_sum_args(wr, nr_write, addr_limit, page_shift, &sz->write_bytes, sz);
	if (ret)
		return ret;

	if (__builtin_add_overflow(sz->read_bytes, sz->write_bytes, &total) ||
	    total > lim->max_request_bytes)
		return -E2BIG;
	/* The used length that must cover the writable part is 32 bits wide. */
	if (sz->write_bytes > 0xffffffffull)
		return -E2BIG;
	return 0;
}

/*
 * virtaccel_check_used - check the used length the device reported.
 *
 * A response sits at the end of the writable part, so the device must report
 * that whole part as written (spec §7); 0 means the chain was unusable.
 * Returns 0 or -EIO.
 */
static inline int virtaccel_check_used(__u64 used_len, __u64 write_bytes)
{
	return used_len && used_len == write_bytes ? 0 : -EIO;
}

/* A device may not claim to have produced more than the buffer it was given. */
static inline int virtaccel_check_out_len(__u64 out_len, __u64 capacity)
{
	return out_len <= capacity ? 0 : -EIO;
}

/*
 * What the driver makes of a CREATE_SESSION answer (spec §6, §7). Any answer
 * with status OK and a non-zero id names a session that now exists on the
 * host: the file records it when vaccel_ret says the session is usable, and
 * otherwise the driver destroys it, so that no answer leaks a session.
 */
enum virtaccel_session_fate {
	VIRTACCEL_SESSION_NONE,	   /* nothing was created */
	VIRTACCEL_SESSION_RECORD,  /* the caller's new session */
	VIRTACCEL_SESSION_DESTROY, /* created but reported failed: destroy it */
};

static inline enum virtaccel_session_fate virtaccel_session_fate(__u8 status, __s32 vaccel_ret,
								 __u64 id)
{
	if (status != VIRTIO_ACCEL_S_OK || !id)
		return VIRTACCEL_SESSION_NONE;
	return vaccel_ret ? VIRTACCEL_SESSION_DESTROY : VIRTACCEL_SESSION_RECORD;
}

/*
 * The descriptor chain of a request (spec §5) is two byte streams, readable
 * then writable, which the driver may cut anywhere. The pinned user pages
 * give pieces: physically contiguous byte ranges, in stream order. A piece
 * becomes one descriptor, unless the chain would be longer than the device
 * allows (max_segments, which the driver caps by the ring size): then runs
 * of short pieces are copied into bounce chunks of at most @chunk bytes, a
 * chunk per descriptor.
 */
struct virtaccel_piece {
	__u64 phys; /* physical address of the first byte */
	__u32 len;
	__u32 reserved;
};

/*
 * virtaccel_add_piece - append [phys, phys + len) to @p[0..*n)
 *
 * Merged into the last piece when it is physically contiguous with it, the
 * last piece is at or after @first (pieces of another stream never merge)
 * and the result stays within @max_seg bytes.
 */
static inline void virtaccel_add_piece(struct virtaccel_piece *p, unsigned int *n,
				       unsigned int first, __u64 phys, __u32 len, __u32 max_seg)
{
	if (*n > first) {
		struct virtaccel_piece *last = &p[*n - 1];

		if (last->phys + last->len == phys && last->len <= max_seg - len) {
			last->len += len;
			return;
		}
	}
	p[*n].phys = phys;
	p[*n].len = len;
	p[*n].reserved = 0;
	(*n)++;
}

/* Descriptors for one stream when pieces shorter than @copy_below are copied. */
static inline __u64 virtaccel_stream_segments(const struct virtaccel_piece *p, unsigned int n,
					      __u32 copy_below, __u64 chunk)
{
	__u64 segs = 0, run = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (p[i].len < copy_below) {
			run += p[i].len;
			continue;
		}
		segs += (run + chunk - 1) / chunk + 1;
		run = 0;
	}
	return segs + (run + chunk - 1) / chunk;
}

/*
 * virtaccel_plan_chain - how much to copy so the chain fits
 * @p: the readable stream's pieces, then the writable stream's
 * @nr_read: pieces of the readable stream
 * @n: all pieces
 * @budget: descriptors for the pieces (max_segments minus headers and response)
 * @page_size: smallest threshold tried is two pages
 * @chunk: largest bounce chunk
 * @copy_below: set to the smallest power-of-two threshold that fits (pieces
 *	shorter than it are copied), or 0 when every piece gets its descriptor
 *
 * Copying the shortest pieces first keeps the copied bytes small: a buffer
 * of huge pages with a few stray small pages copies only those.
 * Return: 0, or -E2BIG when the chain does not fit even with every piece
 * shorter than @chunk copied.
 */
static inline int virtaccel_plan_chain(const struct virtaccel_piece *p, unsigned int nr_read,
				       unsigned int n, __u32 budget, __u32 page_size, __u32 chunk,
				       __u32 *copy_below)
{
	__u32 t = 2 * page_size;

	*copy_below = 0;
	if (n <= budget)
		return 0;
	for (;;) {
		if (t > chunk)
			t = chunk;
		if (virtaccel_stream_segments(p, nr_read, t, chunk) +
			    virtaccel_stream_segments(p + nr_read, n - nr_read, t, chunk) <=
		    budget) {
			*copy_below = t;
			return 0;
		}
		if (t == chunk)
			return -E2BIG;
		t *= 2;
	}
}

#endif /* VIRTACCEL_CALC_H */
