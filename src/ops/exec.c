// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_EXEC and VACCEL_OP_EXEC_WITH_RESOURCE. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/exec.h"

int vaccel_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_EXEC, NULL, vaccel_exec, sess, library, fn_symbol, read,
			nr_read, write, nr_write);
}

int vaccel_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
			      const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
			      struct vaccel_arg *write, size_t nr_write)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_EXEC_WITH_RESOURCE, resource, vaccel_exec_with_resource,
			sess, resource, fn_symbol, read, nr_read, write, nr_write);
}
