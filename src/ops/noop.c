// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_NOOP: the debug op. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/noop.h"

/*
 * The call past ops_quick(), apart: the noop is the op whose cost is all dispatch (the
 * round trip benchmarks time it), and so its quick call needs no stack frame.
 */
__attribute__((noinline)) static int noop_entered(struct vaccel_session *sess)
{
	/* Upstream leaves the region running on ENOTSUP; ops_enter() closes it. */
	OPS_RETURN_ENTERED(sess, VACCEL_OP_NOOP, NULL, vaccel_noop, sess);
}

int vaccel_noop(struct vaccel_session *sess)
{
	OPS_RETURN_QUICK(sess, VACCEL_OP_NOOP, vaccel_noop, sess);
	return noop_entered(sess);
}
