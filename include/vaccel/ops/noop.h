/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/noop.h: the debug operation. It does nothing but travel to the
 * plugin (and, for VirtIO sessions, to the host), which makes it the
 * round-trip latency probe.
 */
#ifndef VACCEL_OPS_NOOP_H
#define VACCEL_OPS_NOOP_H

#include "../session.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;

/*
 * Run VACCEL_OP_NOOP on the session's plugin.
 * Returns the plugin's result, VACCEL_EINVAL for a NULL session or
 * VACCEL_ENOTSUP if the plugin does not implement the op.
 */
int vaccel_noop(struct vaccel_session *sess);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_NOOP_H */
