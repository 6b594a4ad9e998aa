// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_BLAS_SGEMM. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/blas.h"

typedef int (*sgemm_fn)(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
			float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c,
			int64_t ldc);

int vaccel_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
		 float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_BLAS_SGEMM, NULL);
	if (ret)
		return ret;

	return ops_exit(&call,
			((sgemm_fn)call.func)(sess, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
}
