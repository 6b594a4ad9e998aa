/* SPDX-License-Identifier: Apache-2.0 */
/* wire: internals shared by the library's files. */
#ifndef WIRE_PRIV_H
#define WIRE_PRIV_H

#include "wire.h"

/* pos moved forward by len bytes (clamped to the end of the iovecs). */
struct wire_pos wire_pos_advance(const struct iovec *iov, unsigned n, struct wire_pos pos,
				 uint64_t len);

#include <string.h>

/*
 * The hot path's cases inline: a move or a copy that stays within the
 * current iovec (a request's headers usually sit in one). Anything else
 * goes to the general functions, which these match byte for byte.
 */
static inline struct wire_pos wire_pos_step(const struct iovec *iov, unsigned n,
					    struct wire_pos pos, uint64_t len)
{
	if (pos.idx < n) {
		size_t room = iov[pos.idx].iov_len - pos.off;

		if (len < room) {
			pos.off += len;
			return pos;
		}
		/* Exactly to the end of this iovec: the next one, unless empties need skipping. */
		if (len == room && (pos.idx + 1 >= n || iov[pos.idx + 1].iov_len)) {
			pos.idx++;
			pos.off = 0;
			return pos;
		}
	}
	return wire_pos_advance(iov, n, pos, len);
}

static inline size_t wire_iov_read_fast(const struct iovec *iov, unsigned n, struct wire_pos pos,
					void *dst, size_t len)
{
	const char *src = wire_iov_span(iov, n, pos, len);

	if (src) {
		memcpy(dst, src, len);
		return len;
	}
	return wire_iov_read(iov, n, pos, dst, len);
}

static inline size_t wire_iov_write_fast(const struct iovec *iov, unsigned n, struct wire_pos pos,
					 const void *src, size_t len)
{
	char *dst = wire_iov_span(iov, n, pos, len);

	if (dst) {
		memcpy(dst, src, len);
		return len;
	}
	return wire_iov_write(iov, n, pos, src, len);
}

#endif /* WIRE_PRIV_H */
