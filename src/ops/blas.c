// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_BLAS_SGEMM. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/blas.h"

int vaccel_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
		 float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_BLAS_SGEMM, NULL, vaccel_sgemm, sess, m, n, k, alpha, a,
			lda, b, ldb, beta, c, ldc);
}
