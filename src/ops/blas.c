// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_BLAS_SGEMM. */

#include "ops.h"
#include "vaccel/ops/blas.h"

typedef int (*sgemm_fn)(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
			float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c,
			int64_t ldc);

static struct vaccel_prof_region blas_prof[] = {
    VACCEL_PROF_REGION_INIT("vaccel_blas_op"),
};

int vaccel_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
		 float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_BLAS_SGEMM);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_BLAS_SGEMM, &func);
	if (ret)
		goto out;

	ret = ((sgemm_fn)func)(sess, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
out:
	ops_prof_end(&blas_prof[0], t0);
	return ret;
}

__attribute__((destructor)) static void blas_prof_fini(void)
{
	ops_prof_regions_flush(blas_prof, 1);
}
