// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_NOOP: the debug op. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/noop.h"

int vaccel_noop(struct vaccel_session *sess)
{
	/* Upstream leaves the region running on ENOTSUP; ops_enter() closes it. */
	OPS_RETURN_CALL(sess, VACCEL_OP_NOOP, NULL, vaccel_noop, sess);
}
