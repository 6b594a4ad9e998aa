/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wire: byte-stream access to iovec arrays (positions, gather, scatter).
 * Every loop is bounded by the iovec count; lengths are never trusted to
 * fit, the iovecs' end stops every copy.
 */
#include <string.h>

#include "wire.h"
#include "wire_priv.h"

uint64_t wire_iov_bytes(const struct iovec *iov, unsigned n)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++) {
		if (iov[i].iov_len > UINT64_MAX - sum)
			return UINT64_MAX;
		sum += iov[i].iov_len;
	}
	return sum;
}

struct wire_pos wire_pos_advance(const struct iovec *iov, unsigned n, struct wire_pos pos,
				 uint64_t len)
{
	while (pos.idx < n) {
		size_t room = iov[pos.idx].iov_len - pos.off;

		if (len < room) {
			pos.off += len;
			return pos;
		}
		len -= room;
		pos.idx++;
		pos.off = 0;
		if (len == 0)
			break;
	}
	/* Normalise: skip empty iovecs so pos points at a real byte when one exists. */
	while (pos.idx < n && iov[pos.idx].iov_len == 0)
		pos.idx++;
	return pos;
}

size_t wire_iov_read(const struct iovec *iov, unsigned n, struct wire_pos pos, void *dst,
		     size_t len)
{
	size_t done = 0;

	while (done < len && pos.idx < n) {
		size_t room = iov[pos.idx].iov_len - pos.off;
		size_t k = len - done < room ? len - done : room;

		memcpy((char *)dst + done, (const char *)iov[pos.idx].iov_base + pos.off, k);
		done += k;
		pos.idx++;
		pos.off = 0;
	}
	return done;
}

size_t wire_iov_write(const struct iovec *iov, unsigned n, struct wire_pos pos, const void *src,
		      size_t len)
{
	size_t done = 0;

	while (done < len && pos.idx < n) {
		size_t room = iov[pos.idx].iov_len - pos.off;
		size_t k = len - done < room ? len - done : room;

		memcpy((char *)iov[pos.idx].iov_base + pos.off, (const char *)src + done, k);
		done += k;
		pos.idx++;
		pos.off = 0;
	}
	return done;
}

static void arg_iov(const struct wire_req *req, unsigned i, const struct iovec **iov, unsigned *n)
{
	if (i < req->nr_read) {
		*iov = req->riov;
		*n = req->nr_riov;
	} else {
		*iov = req->wiov;
		*n = req->nr_wiov;
	}
}

void *wire_arg_ptr(const struct wire_req *req, unsigned i)
{
	const struct wire_arg *a = &req->args[i];
	const struct iovec *iov;
	struct wire_pos p = a->pos;
	uint64_t need = a->len;
	char *start, *end;
	unsigned n;

	if (need == 0)
		return NULL;
	arg_iov(req, i, &iov, &n);
	if (p.idx >= n)
		return NULL;
	start = (char *)iov[p.idx].iov_base + p.off;
	end = (char *)iov[p.idx].iov_base + iov[p.idx].iov_len;
	/* Extend over iovecs that continue exactly where the previous one ended. */
	while ((uint64_t)(end - start) < need) {
		if (++p.idx >= n || (char *)iov[p.idx].iov_base != end)
			return NULL;
		end += iov[p.idx].iov_len;
	}
	return start;
}

void wire_arg_gather_any(const struct wire_req *req, unsigned i, void *dst)
{
	const struct wire_arg *a = &req->args[i];
	const struct iovec *iov;
	const unsigned char *src;
	unsigned char *d = dst;
	unsigned n;

	arg_iov(req, i, &iov, &n);
	src = (const unsigned char *)wire_iov_span(iov, n, a->pos, a->len);
	if (!src) {
		wire_iov_read(iov, n, a->pos, dst, a->len);
		return;
	}
	/* A scalar or another small arg: each byte read once, no call to memcpy(). */
	if (a->len == 8)
		memcpy(d, src, 8);
	else if (a->len < 8)
		for (size_t k = 0; k < a->len; k++)
			d[k] = src[k];
	else
		memcpy(d, src, a->len);
}

size_t wire_arg_scatter(const struct wire_req *req, unsigned i, const void *src, size_t len)
{
	if (i < req->nr_read || i >= (unsigned)req->nr_read + req->nr_write)
		return 0;
	if (len > req->args[i].len)
		len = req->args[i].len;
	return wire_iov_write(req->wiov, req->nr_wiov, req->args[i].pos, src, len);
}
