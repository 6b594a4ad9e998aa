// SPDX-License-Identifier: Apache-2.0
/*
 * vaccel_genop(): the generic operation, and the entry point a VirtIO host
 * uses for every op a guest sends.
 *
 * read[0] is the op type; the op's row in the op table (lib/optable, the
 * spec's §6.2 table is generated from it) says what the other args must be,
 * optab_check() checks all of them against it, and only then the op's typed
 * call (genop_unpack.c) runs.
 *
 * Differences from upstream, on purpose: NOOP is reachable (the transport
 * needs it); the op type may also be 0.7.1's 4-byte form (optab_op_type());
 * the model ops (TF, TFLite, Torch) are genop-capable, their tensors checked
 * like every other arg (lib/modelop runs them); every size and count is
 * checked (upstream read the untyped minmax/fpga args blindly); every arg,
 * pass-through ones included, must be well formed. Classify keeps upstream's
 * WRITE order for compatibility.
 */

#include "genop_unpack.h"
#include "optab.h"
#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/ops/genop.h"
#include <inttypes.h>

/* read[0]: the op type, as main's or 0.7.1's programs send it (optab_op_type()). */
static int ops_genop_op_type(const struct vaccel_arg *arg, vaccel_op_type_t *op)
{
	uint32_t value;

	switch (optab_op_type(arg, &value)) {
	case 0:
		*op = (vaccel_op_type_t)value;
		return VACCEL_OK;
	case -2:
		vaccel_error("genop: Invalid operation type %" PRIu32, value);
		return VACCEL_EINVAL;
	default:
		vaccel_error("genop: operation type: expected %s of 1 byte (or 0.7.1's 4-byte "
			     "RAW/INT32/UINT32), got %s of %zu%s",
			     vaccel_arg_type_to_str(VACCEL_ARG_UINT8),
			     vaccel_arg_type_to_str(arg->type), arg->size,
			     arg->buf ? "" : " at NULL");
		return VACCEL_EINVAL;
	}
}

int vaccel_genop(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		 struct vaccel_arg *write, int nr_write)
{
	struct optab_val vals[2 * OPTAB_MAX_FIXED];
	const struct optab_op *row;
	ops_genop_call_fn call;
	struct optab_err err;
	vaccel_op_type_t op;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	if (nr_read < 1 || !read) {
		vaccel_error("genop: Missing operation type");
		return VACCEL_EINVAL;
	}

	if (nr_write < 0 || (nr_write > 0 && !write)) {
		vaccel_error("genop: Invalid write args (%d)", nr_write);
		return VACCEL_EINVAL;
	}

	ret = ops_genop_op_type(&read[0], &op);
	if (ret)
		return ret;

	if (vaccel_log_enabled(VACCEL_LOG_DEBUG)) /* skip the name lookup and the varargs call */
		vaccel_debug("session:%" PRId64 " genop: %s", sess->id, vaccel_op_type_to_str(op));

	row = optab_op(op);
	call = ops_genop_caller(op);
	if (!row || !call) {
		vaccel_error("genop: Operation not implemented for %s", vaccel_op_type_to_str(op));
		return VACCEL_ENOTSUP;
	}

	/* Everything is checked first, so no typed call sees a malformed arg. */
	if (optab_check(row, &read[1], (size_t)nr_read - 1, write, (size_t)nr_write, OPTAB_ALIGN,
			vals, &err)) {
		char why[256];

		optab_err_str(row, &err, why, sizeof(why));
		vaccel_error("genop: %s", why);
		return VACCEL_EINVAL;
	}

	return call(&(struct ops_genop_call){.op = op,
					     .sess = sess,
					     .row = row,
					     .v = vals,
					     .read = &read[1],
					     .nr_read = (size_t)nr_read - 1,
					     .write = write,
					     .nr_write = (size_t)nr_write});
}
