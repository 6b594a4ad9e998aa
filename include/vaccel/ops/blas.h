/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/blas.h: single-precision general matrix multiply,
 * C = alpha * A * B + beta * C, with A m x k, B k x n and C m x n, row-major,
 * lda/ldb/ldc the row strides in elements.
 */
#ifndef VACCEL_OPS_BLAS_H
#define VACCEL_OPS_BLAS_H

#include "../session.h"
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;

int vaccel_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
		 float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c, int64_t ldc);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_BLAS_H */
