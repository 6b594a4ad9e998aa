// SPDX-License-Identifier: Apache-2.0
/* The (deprecated) FPGA demo ops: arraycopy, mmult, parallel, vadd. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/fpga.h"

typedef int (*arraycopy_fn)(struct vaccel_session *sess, int a[], int out_a[], size_t len_a);
typedef int (*mmult_fn)(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a);
typedef int (*parallel_fn)(struct vaccel_session *sess, float a[], float b[], float add_output[],
			   float mult_output[], size_t len_a);
typedef int (*vadd_fn)(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		       size_t len_b);

int vaccel_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_FPGA_ARRAYCOPY, NULL);
	if (ret)
		return ret;

	return ops_exit(&call, ((arraycopy_fn)call.func)(sess, a, out_a, len_a));
}

int vaccel_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_FPGA_MMULT, NULL);
	if (ret)
		return ret;

	return ops_exit(&call, ((mmult_fn)call.func)(sess, a, b, c, len_a));
}

int vaccel_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
			 float mult_output[], size_t len_a)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_FPGA_PARALLEL, NULL);
	if (ret)
		return ret;

	return ops_exit(&call,
			((parallel_fn)call.func)(sess, a, b, add_output, mult_output, len_a));
}

int vaccel_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		     size_t len_b)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_FPGA_VECTORADD, NULL);
	if (ret)
		return ret;

	return ops_exit(&call, ((vadd_fn)call.func)(sess, a, b, c, len_a, len_b));
}
