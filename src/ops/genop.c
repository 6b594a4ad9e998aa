// SPDX-License-Identifier: Apache-2.0
/*
 * vaccel_genop(): the generic operation, and the entry point a VirtIO host
 * uses for every op a guest sends.
 *
 * Per-op layout (positions after read[0], the VACCEL_ARG_UINT8 op type; the
 * normative copy, with the notation, is in vaccel/ops/genop.h):
 *
 *   op                  read                               write
 *   NOOP                -                                  -
 *   EXEC                STRING lib, STRING sym, *any       *any
 *   EXEC_WITH_RESOURCE  INT64 res id, STRING sym, *any     *any
 *   IMAGE_CLASSIFY      BUFFER img                         UCHAR_ARRAY out_imgname,
 *                                                          UCHAR_ARRAY out_text
 *   IMAGE_DETECT/SEGMENT/POSE/DEPTH  BUFFER img            UCHAR_ARRAY out_imgname
 *   BLAS_SGEMM          INT64 m,n,k, FLOAT32 alpha,        FLOAT32_ARRAY c
 *                       FLOAT32_ARRAY a, INT64 lda,
 *                       FLOAT32_ARRAY b, INT64 ldb,
 *                       FLOAT32 beta, INT64 ldc
 *   MINMAX              f64[] indata, i32 ndata,           f64[] outdata, f64 min,
 *                       i32 low, i32 high                  f64 max
 *   FPGA_ARRAYCOPY      i32[] a                            i32[] out_a
 *   FPGA_MMULT          f32[] a, f32[] b                   f32[] c
 *   FPGA_PARALLEL       f32[] a, f32[] b                   f32[] add, f32[] mult
 *   FPGA_VECTORADD      f32[] a, f32[] b                   f32[] c
 *   OPENCV              selector, *any                     *any
 *   TF_*, TFLITE_*, TORCH_*: VACCEL_ENOTSUP.   op >= VACCEL_OP_MAX: VACCEL_EINVAL.
 *
 * Differences from upstream, on purpose: NOOP is reachable (the transport
 * needs it); every size and count is checked (upstream read the untyped
 * minmax/fpga args blindly); every arg, pass-through ones included, must be
 * well formed. Classify keeps upstream's WRITE order for compatibility.
 */

#include "genop_args.h"
#include "genop_unpack.h"
#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/ops/genop.h"
#include <inttypes.h>
#include <stdio.h>

/* read[0]: the op type, a VACCEL_ARG_UINT8 of size 1. */
static int ops_genop_op_type(const struct vaccel_arg *arg, vaccel_op_type_t *op)
{
	uint8_t value;
	int ret;

	ret = ops_genop_get_scalar(arg, VACCEL_ARG_UINT8, sizeof(value), false, &value,
				   "operation type");
	if (ret)
		return ret;

	if (value >= VACCEL_OP_MAX) {
		vaccel_error("genop: Invalid operation type %u", value);
		return VACCEL_EINVAL;
	}

	*op = (vaccel_op_type_t)value;
	return VACCEL_OK;
}

int vaccel_genop(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		 struct vaccel_arg *write, int nr_write)
{
	char name[VACCEL_ENUM_STR_MAX];
	char label[VACCEL_ENUM_STR_MAX + 8];
	ops_genop_unpack_fn unpack;
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

	vaccel_debug("session:%" PRId64 " genop: %s", sess->id, vaccel_op_type_to_str(op));

	unpack = ops_genop_unpacker(op);
	if (!unpack) {
		vaccel_error("genop: Operation not implemented for %s", vaccel_op_type_to_str(op));
		return VACCEL_ENOTSUP;
	}

	/* Shape checks on everything first, so no adapter sees a malformed arg. */
	vaccel_op_type_to_lower(op, name, sizeof(name));
	snprintf(label, sizeof(label), "%s: read", name);
	ret = ops_genop_args_check(&read[1], (size_t)nr_read - 1, 1, true, label);
	if (ret)
		return ret;

	snprintf(label, sizeof(label), "%s: write", name);
	ret = ops_genop_args_check(write, (size_t)nr_write, 0, false, label);
	if (ret)
		return ret;

	return unpack(op, sess, &read[1], (size_t)nr_read - 1, write, (size_t)nr_write);
}
