// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_NOOP: the debug op. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/noop.h"

typedef int (*noop_fn)(struct vaccel_session *sess);

int vaccel_noop(struct vaccel_session *sess)
{
	struct ops_call call;
	int ret;

	/* Upstream leaves the region running on ENOTSUP; ops_enter() closes it. */
	ret = ops_enter(&call, sess, VACCEL_OP_NOOP, NULL);
	if (ret)
		return ret;

	return ops_exit(&call, ((noop_fn)call.func)(sess));
}
