// SPDX-License-Identifier: Apache-2.0
/*
 * C = alpha * A x B + beta * C on 512x512 matrices: `sgemm [iterations] [out_file]`.
 * With out_file, C is written there as text, one row per line (upstream wrote to argv[1],
 * the iteration count, instead). Built twice: EX_GENERIC=0 calls vaccel_sgemm,
 * EX_GENERIC=1 (sgemm_generic) goes through vaccel_genop with the layout
 * read = [UINT8 op, INT64 m, INT64 n, INT64 k, FLOAT32 alpha, FLOAT32_ARRAY a, INT64 lda,
 *         FLOAT32_ARRAY b, INT64 ldb, FLOAT32 beta, INT64 ldc]; write = [FLOAT32_ARRAY c].
 */
#include "ex_util.h"
#include <stdio.h>
#include <stdlib.h>

#define EX_DIM 512

/* The three EX_DIM x EX_DIM matrices. */
struct ex_matrices {
	float *a, *b, *c;
};

static int sgemm_once(struct vaccel_session *sess, void *ctx)
{
	struct ex_matrices *mx = ctx;
	float *a = mx->a, *b = mx->b, *c = mx->c;
	int64_t m = EX_DIM, n = EX_DIM, k = EX_DIM;
	int64_t lda = k, ldb = n, ldc = n;
	float alpha = 32412.0f, beta = 2123.0f;
#if EX_GENERIC
	uint8_t op = VACCEL_OP_BLAS_SGEMM;
	struct vaccel_arg read[] = {
	    {.buf = &op, .size = sizeof(op), .type = VACCEL_ARG_UINT8},
	    {.buf = &m, .size = sizeof(m), .type = VACCEL_ARG_INT64},
	    {.buf = &n, .size = sizeof(n), .type = VACCEL_ARG_INT64},
	    {.buf = &k, .size = sizeof(k), .type = VACCEL_ARG_INT64},
	    {.buf = &alpha, .size = sizeof(alpha), .type = VACCEL_ARG_FLOAT32},
	    {.buf = a, .size = sizeof(float) * m * k, .type = VACCEL_ARG_FLOAT32_ARRAY},
	    {.buf = &lda, .size = sizeof(lda), .type = VACCEL_ARG_INT64},
	    {.buf = b, .size = sizeof(float) * k * n, .type = VACCEL_ARG_FLOAT32_ARRAY},
	    {.buf = &ldb, .size = sizeof(ldb), .type = VACCEL_ARG_INT64},
	    {.buf = &beta, .size = sizeof(beta), .type = VACCEL_ARG_FLOAT32},
	    {.buf = &ldc, .size = sizeof(ldc), .type = VACCEL_ARG_INT64},
	};
	struct vaccel_arg write[] = {
	    {.buf = c, .size = sizeof(float) * m * n, .type = VACCEL_ARG_FLOAT32_ARRAY},
	};

	return vaccel_genop(sess, read, sizeof(read) / sizeof(read[0]), write, 1);
#else
	return vaccel_sgemm(sess, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
}

static int write_matrix(const char *path, const float *c)
{
	FILE *f = fopen(path, "w");
	int ret = VACCEL_OK;

	if (!f) {
		perror(path);
		return VACCEL_EIO;
	}
	for (size_t i = 0; i < EX_DIM; i++) {
		for (size_t j = 0; j < EX_DIM; j++)
			fprintf(f, "%s%.6f", j ? " " : "", (double)c[i * EX_DIM + j]);
		fputc('\n', f);
	}
	if (ferror(f))
		ret = VACCEL_EIO;
	if (fclose(f) != 0)
		ret = VACCEL_EIO;
	if (ret)
		fprintf(stderr, "Could not write %s\n", path);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long iterations;
	struct ex_matrices mx;
	int ret = ex_parse_args(argc, argv, 0, 2, "[iterations] [out_file]", 1, &iterations);

	if (ret)
		return ret;

	mx.a = malloc(sizeof(float) * EX_DIM * EX_DIM);
	mx.b = malloc(sizeof(float) * EX_DIM * EX_DIM);
	mx.c = malloc(sizeof(float) * EX_DIM * EX_DIM);
	if (!mx.a || !mx.b || !mx.c) {
		fprintf(stderr, "Out of memory\n");
		ret = VACCEL_ENOMEM;
		goto out_free;
	}
	/* Deterministic inputs, so output files can be compared between plugins. */
	for (size_t i = 0; i < EX_DIM * EX_DIM; i++) {
		mx.a[i] = (float)(i % 97) / 97.0f;
		mx.b[i] = (float)(i % 89) / 89.0f;
		mx.c[i] = 0.0f;
	}

	ret = ex_session_repeat(0, iterations, sgemm_once, &mx);
	if (!ret && argc > 2)
		ret = write_matrix(argv[2], mx.c);
out_free:
	free(mx.a);
	free(mx.b);
	free(mx.c);
	return ret;
}
