// SPDX-License-Identifier: Apache-2.0
/* The (deprecated) FPGA demo ops: arraycopy, mmult, parallel, vadd. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/fpga.h"

int vaccel_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_FPGA_ARRAYCOPY, NULL, vaccel_fpga_arraycopy, sess, a, out_a,
			len_a);
}

int vaccel_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_FPGA_MMULT, NULL, vaccel_fpga_mmult, sess, a, b, c, len_a);
}

int vaccel_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
			 float mult_output[], size_t len_a)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_FPGA_PARALLEL, NULL, vaccel_fpga_parallel, sess, a, b,
			add_output, mult_output, len_a);
}

int vaccel_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		     size_t len_b)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_FPGA_VECTORADD, NULL, vaccel_fpga_vadd, sess, a, b, c,
			len_a, len_b);
}
