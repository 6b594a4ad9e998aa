/* SPDX-License-Identifier: Apache-2.0 */
/* wire: internals shared by the library's files. */
#ifndef WIRE_PRIV_H
#define WIRE_PRIV_H

#include "wire.h"

/* pos moved forward by len bytes (clamped to the end of the iovecs). */
struct wire_pos wire_pos_advance(const struct iovec *iov, unsigned n, struct wire_pos pos,
				 uint64_t len);

#endif /* WIRE_PRIV_H */
