// SPDX-License-Identifier: Apache-2.0
/*
 * libvaccel-blas.so against naive references (real_check.c), in this process
 * (`test_real_blas local`) and over the socket transport (`test_real_blas transport`):
 * sgemm on random inputs of many shapes (non-square, row strides larger than the rows,
 * alpha/beta corner cases with NaN where BLAS must not read), the four FPGA ops, minmax,
 * and refused arguments that leave the plugin (and the daemon) serving.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vaccel.h>

#include "real_check.h"
#include "real_env.h"
#include "vt_main.h"

static struct vaccel_session sess;

static int group_setup(void **state)
{
	(void)state;
	return real_session(&sess, VACCEL_PLUGIN_CPU);
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_session_release(&sess);
	return 0;
}

struct sgemm_case {
	int64_t m, n, k;
	int64_t pad_a, pad_b, pad_c; /* lda = k + pad_a, ... */
	float alpha, beta;
	bool nan_c; /* C starts as NaN (beta == 0: must not be read) */
	bool nan_a; /* A and B are NaN (alpha == 0: must not be read) */
};

/* One sgemm against the reference; the matrices are filled from `seed`. */
static void run_sgemm(const struct sgemm_case *t, uint64_t seed)
{
	int64_t lda = t->k + t->pad_a, ldb = t->n + t->pad_b, ldc = t->n + t->pad_c;
	size_t na = (size_t)(t->m * lda), nb = (size_t)(t->k * ldb), nc = (size_t)(t->m * ldc);
	float *a = malloc((na ? na : 1) * sizeof(float));
	float *b = malloc((nb ? nb : 1) * sizeof(float));
	float *c = malloc((nc ? nc : 1) * sizeof(float));
	float *c0 = malloc((nc ? nc : 1) * sizeof(float));
	char why[RC_WHY_LEN] = "";
	struct rc_rng r;
	double worst;
	int ret;

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(c0);
	rc_rng_seed(&r, seed);
	rc_rng_fill(&r, a, na, -1, 1);
	rc_rng_fill(&r, b, nb, -1, 1);
	rc_rng_fill(&r, c0, nc, -1, 1);
	for (size_t i = 0; t->nan_a && i < na; i++)
		a[i] = NAN;
	for (size_t i = 0; t->nan_a && i < nb; i++)
		b[i] = NAN;
	for (int64_t i = 0; t->nan_c && i < t->m; i++)
		for (int64_t j = 0; j < t->n; j++)
			c0[i * ldc + j] = NAN;
	memcpy(c, c0, nc * sizeof(float));

	ret = vaccel_sgemm(&sess, t->m, t->n, t->k, t->alpha, a, lda, b, ldb, t->beta, c, ldc);
	if (ret)
		real_dump();
	assert_int_equal(ret, VACCEL_OK);
	if (!rc_sgemm_check(t->m, t->n, t->k, t->alpha, a, lda, b, ldb, t->beta, c0, c, ldc, &worst,
			    why))
		fail_msg("sgemm %ldx%ldx%ld lda %ld ldb %ld ldc %ld alpha %g beta %g: %s",
			 (long)t->m, (long)t->n, (long)t->k, (long)lda, (long)ldb, (long)ldc,
			 (double)t->alpha, (double)t->beta, why);
	free(a);
	free(b);
	free(c);
	free(c0);
}

static void test_sgemm_shapes(void **state)
{
	/* m n k, then extra row padding of A, B and C. */
	static const int64_t shapes[][6] = {
	    {1, 1, 1, 0, 0, 0},	     {3, 5, 7, 0, 0, 0},      {7, 5, 3, 2, 1, 3},
	    {17, 4, 33, 0, 5, 0},    {4, 33, 17, 1, 0, 9},    {64, 64, 64, 0, 0, 0},
	    {65, 63, 62, 3, 3, 3},   {100, 37, 250, 6, 0, 1}, {5, 300, 2, 0, 17, 4},
	    {128, 1, 128, 0, 0, 0},  {1, 128, 128, 0, 0, 0},  {200, 180, 160, 8, 8, 8},
	    {512, 512, 512, 0, 0, 0}};
	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct sgemm_case t = {shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3],
				       shapes[i][4], shapes[i][5], 1.0f,	 0.0f,
				       false,	     false};

		run_sgemm(&t, 1000 + i);
		t.alpha = -0.75f;
		t.beta = 1.25f;
		run_sgemm(&t, 2000 + i);
	}
}

static void test_sgemm_alpha_beta(void **state)
{
	static const float alphas[] = {0.0f, 1.0f, -1.0f, 2.5f};
	static const float betas[] = {0.0f, 1.0f, -1.0f, 0.5f};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		for (size_t j = 0; j < 4; j++) {
			struct sgemm_case t = {9, 11,	     13,       2,     3,
					       4, alphas[i], betas[j], false, false};

			run_sgemm(&t, 3000 + 4 * i + j);
		}
	}
}

/* BLAS semantics: beta == 0 never reads C, alpha == 0 never reads A or B. */
static void test_sgemm_unread_operands(void **state)
{
	struct sgemm_case beta0 = {12, 10, 8, 1, 1, 2, 1.5f, 0.0f, true, false};
	struct sgemm_case alpha0 = {12, 10, 8, 1, 1, 2, 0.0f, 0.5f, false, true};
	struct sgemm_case both0 = {12, 10, 8, 1, 1, 2, 0.0f, 0.0f, true, true};

	(void)state;
	run_sgemm(&beta0, 4001);
	run_sgemm(&alpha0, 4002);
	run_sgemm(&both0, 4003);
}

/* Empty products: locally C = beta * C (k = 0) or nothing; genop refuses empty shapes. */
static void test_sgemm_empty(void **state)
{
	float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {1, 2, 3, 4};
	int want = real_remote() ? VACCEL_EINVAL : VACCEL_OK;

	(void)state;
	assert_int_equal(vaccel_sgemm(&sess, 2, 2, 0, 1.0f, a, 1, b, 2, 2.0f, c, 2), want);
	if (!real_remote()) {
		assert_true(c[0] == 2 && c[1] == 4 && c[2] == 6 && c[3] == 8);
	}
	memcpy(c, (float[]){1, 2, 3, 4}, sizeof(c));
	assert_int_equal(vaccel_sgemm(&sess, 0, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2), want);
	assert_true(c[0] == 1 && c[3] == 4);
}

static void test_sgemm_refused(void **state)
{
	float a[64] = {0}, b[64] = {0}, c[64] = {0};

	(void)state;
	/* Row strides shorter than the rows, negative and oversized shapes. */
	assert_int_equal(vaccel_sgemm(&sess, 4, 4, 4, 1, a, 3, b, 4, 0, c, 4), VACCEL_EINVAL);
	assert_int_equal(vaccel_sgemm(&sess, 4, 4, 4, 1, a, 4, b, 3, 0, c, 4), VACCEL_EINVAL);
	assert_int_equal(vaccel_sgemm(&sess, 4, 4, 4, 1, a, 4, b, 4, 0, c, 3), VACCEL_EINVAL);
	assert_int_equal(vaccel_sgemm(&sess, -1, 4, 4, 1, a, 4, b, 4, 0, c, 4), VACCEL_EINVAL);
	if (!real_remote()) {
		/* Locally the plugin itself refuses what the 32-bit CBLAS cannot take. */
		assert_int_equal(vaccel_sgemm(&sess, 1, 1, (int64_t)1 << 31, 1, a, (int64_t)1 << 31,
					      b, 1, 0, c, 1),
				 VACCEL_EINVAL);
		assert_int_equal(vaccel_sgemm(&sess, 4, 4, 4, 1, NULL, 4, b, 4, 0, c, 4),
				 VACCEL_EINVAL);
	}
	/* Still serving. */
	{
		struct sgemm_case t = {4, 4, 4, 0, 0, 0, 1.0f, 0.0f, false, false};

		run_sgemm(&t, 5000);
	}
	assert_true(real_daemon_alive());
}

static void test_fpga_arraycopy(void **state)
{
	enum { N = 1027 };
	int *a = malloc(N * sizeof(int)), *out = calloc(N, sizeof(int));
	struct rc_rng r;

	(void)state;
	assert_non_null(a);
	assert_non_null(out);
	rc_rng_seed(&r, 6000);
	for (int i = 0; i < N; i++)
		a[i] = (int)(rc_rng_float(&r, -2e9f, 2e9f));
	/* Bit patterns that are NaNs (quiet and signalling) and denormals as floats. */
	a[0] = 0x7f800001;
	a[1] = 0x7fc00000;
	a[2] = (int)0xffffffffu;
	a[3] = 1;
	assert_int_equal(vaccel_fpga_arraycopy(&sess, a, out, N), VACCEL_OK);
	assert_memory_equal(a, out, N * sizeof(int));
	free(a);
	free(out);
}

static void test_fpga_mmult(void **state)
{
	static const size_t sides[] = {1, 2, 3, 8, 31, 64};
	char why[RC_WHY_LEN] = "";

	(void)state;
	for (size_t s = 0; s < sizeof(sides) / sizeof(sides[0]); s++) {
		size_t n = sides[s], len = n * n;
		float *a = malloc(len * sizeof(float)), *b = malloc(len * sizeof(float));
		float *c = calloc(len, sizeof(float)), *add = calloc(len, sizeof(float));
		float *mul = calloc(len, sizeof(float));
		struct rc_rng r;

		assert_true(a && b && c && add && mul);
		rc_rng_seed(&r, 7000 + s);
		rc_rng_fill(&r, a, len, -2, 2);
		rc_rng_fill(&r, b, len, -2, 2);
		assert_int_equal(vaccel_fpga_mmult(&sess, a, b, c, len), VACCEL_OK);
		if (!rc_square_mmult_check(n, a, b, c, why))
			fail_msg("fpga_mmult %zux%zu: %s", n, n, why);
		assert_int_equal(vaccel_fpga_parallel(&sess, a, b, add, mul, len), VACCEL_OK);
		if (!rc_vadd_check(len, a, len, b, add, why))
			fail_msg("fpga_parallel %zux%zu add_output: %s", n, n, why);
		if (!rc_square_mmult_check(n, a, b, mul, why))
			fail_msg("fpga_parallel %zux%zu mult_output: %s", n, n, why);
		free(a);
		free(b);
		free(c);
		free(add);
		free(mul);
	}
}

static void test_fpga_mmult_not_square(void **state)
{
	float a[8] = {0}, b[8] = {0}, c[8] = {0}, d[8] = {0};

	(void)state;
	assert_int_equal(vaccel_fpga_mmult(&sess, a, b, c, 8), VACCEL_EINVAL);
	assert_int_equal(vaccel_fpga_parallel(&sess, a, b, c, d, 8), VACCEL_EINVAL);
	assert_true(real_daemon_alive());
}

static void test_fpga_vadd(void **state)
{
	enum { N = 5000 };
	float *a = malloc(N * sizeof(float)), *b = malloc(N * sizeof(float));
	float *c = calloc(N, sizeof(float));
	char why[RC_WHY_LEN] = "";
	struct rc_rng r;

	(void)state;
	assert_true(a && b && c);
	rc_rng_seed(&r, 8000);
	rc_rng_fill(&r, a, N, -1e6f, 1e6f);
	rc_rng_fill(&r, b, N, -1e-3f, 1e-3f);
	assert_int_equal(vaccel_fpga_vadd(&sess, a, b, c, N, N), VACCEL_OK);
	if (!rc_vadd_check(N, a, N, b, c, why))
		fail_msg("fpga_vadd: %s", why);
	if (!real_remote()) {
		/* A shorter b: its missing elements count as 0 (genop needs equal lengths). */
		memset(c, 0, N * sizeof(float));
		assert_int_equal(vaccel_fpga_vadd(&sess, a, b, c, N, N / 3), VACCEL_OK);
		if (!rc_vadd_check(N, a, N / 3, b, c, why))
			fail_msg("fpga_vadd len_b < len_a: %s", why);
		/* In place: c == b. */
		float *b0 = malloc(N * sizeof(float));

		assert_non_null(b0);
		memcpy(b0, b, N * sizeof(float));
		assert_int_equal(vaccel_fpga_vadd(&sess, a, b, b, N, N), VACCEL_OK);
		if (!rc_vadd_check(N, a, N, b0, b, why))
			fail_msg("fpga_vadd in place: %s", why);
		/* Partly overlapping output: refused. */
		assert_int_equal(vaccel_fpga_vadd(&sess, a, b0, a + 1, N - 1, N - 1),
				 VACCEL_EINVAL);
		free(b0);
	}
	free(a);
	free(b);
	free(c);
}

static void test_minmax(void **state)
{
	enum { N = 2048 };
	double *in = malloc(N * sizeof(double)), *out = calloc(N, sizeof(double));
	char why[RC_WHY_LEN] = "";
	double min = 0, max = 0;
	struct rc_rng r;

	(void)state;
	assert_true(in && out);
	rc_rng_seed(&r, 9000);
	for (int i = 0; i < N; i++)
		in[i] = (double)rc_rng_float(&r, -100, 10000);
	in[17] = NAN;
	assert_int_equal(vaccel_minmax(&sess, in, N, 10, 5000, out, &min, &max), VACCEL_OK);
	if (!rc_minmax_check(in, N, 10, 5000, out, min, max, why))
		fail_msg("minmax: %s", why);
	/* low > high and empty data are refused. */
	assert_int_equal(vaccel_minmax(&sess, in, N, 5000, 10, out, &min, &max), VACCEL_EINVAL);
	assert_true(real_daemon_alive());
	free(in);
	free(out);
}

/* The plugin implements nothing else: other ops fail cleanly. */
static void test_unimplemented(void **state)
{
	unsigned char img[4] = {1, 2, 3, 4}, out[64];

	(void)state;
	assert_int_equal(vaccel_image_classification(&sess, img, out, out, sizeof(img), sizeof(out),
						     sizeof(out)),
			 VACCEL_ENOTSUP);
	assert_int_equal(vaccel_noop(&sess), VACCEL_ENOTSUP);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sgemm_shapes),
	    cmocka_unit_test(test_sgemm_alpha_beta),
	    cmocka_unit_test(test_sgemm_unread_operands),
	    cmocka_unit_test(test_sgemm_empty),
	    cmocka_unit_test(test_sgemm_refused),
	    cmocka_unit_test(test_fpga_arraycopy),
	    cmocka_unit_test(test_fpga_mmult),
	    cmocka_unit_test(test_fpga_mmult_not_square),
	    cmocka_unit_test(test_fpga_vadd),
	    cmocka_unit_test(test_minmax),
	    cmocka_unit_test(test_unimplemented),
	};
	int ret;

	real_start(argc, argv, REAL_BLAS_PLUGIN, "libvaccel-blas.so");
	ret = vt_run_group_name(real_remote() ? "blas-transport" : "blas-local", tests, group_setup,
				group_teardown);
	real_stop();
	return ret;
}
