// SPDX-License-Identifier: Apache-2.0
/*
 * The blas plugin: real results from a CPU BLAS (OpenBLAS by default; see README.md).
 *
 *   blas_sgemm        C = alpha * A * B + beta * C, row-major as vaccel/ops/blas.h defines it
 *   fpga_arraycopy    out_a = a (cblas_scopy of the 32-bit elements: a bit-exact copy)
 *   fpga_mmult        c = a x b, a, b and c n x n row-major matrices (len_a = n * n)
 *   fpga_vadd         c = a + b (elements of b past len_b count as 0)
 *   fpga_parallel     both kernels at once: add_output = a + b, mult_output = a x b
 *   minmax            min and max of indata (NaNs ignored), outdata = indata clamped
 *                     to [low_threshold, high_threshold]
 *
 * Every shape is checked before the BLAS sees it: the CBLAS interface takes 32-bit ints
 * and reports a bad argument by printing, not by returning, so a value it would refuse
 * is refused here with VACCEL_EINVAL and a log line that names it. Outputs that partly
 * overlap an input are refused too (BLAS results would depend on the order of work);
 * an output that IS an input (the same pointer) is allowed for the element-wise ops.
 * Vectors longer than INT_MAX elements are processed in INT_MAX chunks.
 */
#include <cblas.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <vaccel.h>
#include <vaccel_common.h>

#define blas_debug(...) vaccel_debug("[blas] " __VA_ARGS__)
#define blas_error(...) vaccel_error("[blas] " __VA_ARGS__)

/* The BLAS integer is 32 bits in Debian's LP64 builds. */
#define BLAS_INT_MAX ((int64_t)INT_MAX)

/* 0 <= v <= INT_MAX */
static bool blas_dim_ok(const char *op, const char *what, int64_t v)
{
	if (v >= 0 && v <= BLAS_INT_MAX)
		return true;
	blas_error("%s: %s = %" PRId64 " is outside 0..%d", op, what, v, INT_MAX);
	return false;
}

/* A row stride: at least the row length (and 1), at most INT_MAX. */
static bool blas_ld_ok(const char *op, const char *what, int64_t ld, int64_t cols)
{
	int64_t min = cols > 1 ? cols : 1;

	if (ld >= min && ld <= BLAS_INT_MAX)
		return true;
	blas_error("%s: %s = %" PRId64 " must be in %" PRId64 "..%d", op, what, ld, min, INT_MAX);
	return false;
}

/* Do [p, p + n) and [q, q + m) share a byte? */
static bool blas_overlap(const void *p, size_t n, const void *q, size_t m)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)q;

	return n && m && a < b + m && b < a + n;
}

/* An output may be exactly an input, or apart from it; anything in between is refused. */
static bool blas_alias_ok(const char *op, const char *what, const void *out, const void *in,
			  size_t bytes)
{
	if (out == in || !blas_overlap(out, bytes, in, bytes))
		return true;
	blas_error("%s: %s partly overlaps an input", op, what);
	return false;
}

/*
 * C = beta * C, m x n with row stride ldc: sgemm when A x B contributes nothing. BLAS
 * defines that A and B are then not read, but OpenBLAS 0.3.21's AVX-512 kernels (picked on
 * CPUs it does not know, e.g. AMD family 26 without OPENBLAS_CORETYPE) still multiply, and
 * a NaN in A or B turns C into NaN. So the plugin does this case itself; beta == 0 writes
 * zeros without reading C, as BLAS defines it.
 */
static void blas_scale_rows(float *c, int64_t m, int64_t n, int64_t ldc, float beta)
{
	for (int64_t i = 0; i < m; i++) {
		float *row = c + i * ldc;

		if (beta == 0.0f)
			memset(row, 0, (size_t)n * sizeof(*row));
		else if (beta != 1.0f)
			cblas_sscal((int)n, beta, row, 1);
	}
}

static int blas_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
		      float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c,
		      int64_t ldc)
{
	static const char op[] = "sgemm";

	if (!sess)
		return VACCEL_EINVAL;
	if (!blas_dim_ok(op, "m", m) || !blas_dim_ok(op, "n", n) || !blas_dim_ok(op, "k", k) ||
	    !blas_ld_ok(op, "lda", lda, k) || !blas_ld_ok(op, "ldb", ldb, n) ||
	    !blas_ld_ok(op, "ldc", ldc, n))
		return VACCEL_EINVAL;
	if (m && n && (!c || (k && (!a || !b)))) {
		blas_error("%s: missing matrix", op);
		return VACCEL_EINVAL;
	}

	blas_debug("session:%" PRId64 " sgemm m=%" PRId64 " n=%" PRId64 " k=%" PRId64
		   " lda=%" PRId64 " ldb=%" PRId64 " ldc=%" PRId64,
		   sess->id, m, n, k, lda, ldb, ldc);
	if (!m || !n)
		return VACCEL_OK;
	if (alpha == 0.0f || !k) {
		blas_scale_rows(c, m, n, ldc, beta);
		return VACCEL_OK;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, alpha, a,
		    (int)lda, b, (int)ldb, beta, c, (int)ldc);
	return VACCEL_OK;
}

/* y = x for n floats (or any 32-bit elements), in INT_MAX chunks. */
static void blas_copy(const float *x, float *y, size_t n)
{
	while (n) {
		int chunk = n > (size_t)INT_MAX ? INT_MAX : (int)n;

		cblas_scopy(chunk, x, 1, y, 1);
		x += chunk;
		y += chunk;
		n -= (size_t)chunk;
	}
}

/* y += x for n floats, in INT_MAX chunks. */
static void blas_add(const float *x, float *y, size_t n)
{
	while (n) {
		int chunk = n > (size_t)INT_MAX ? INT_MAX : (int)n;

		cblas_saxpy(chunk, 1.0f, x, 1, y, 1);
		x += chunk;
		y += chunk;
		n -= (size_t)chunk;
	}
}

/* out = x + y over n floats, y holding only ny of them (the rest count as 0). */
static int blas_vector_add(const char *op, const float *x, const float *y, size_t ny, float *out,
			   size_t n)
{
	size_t common = ny < n ? ny : n;

	if (n > SIZE_MAX / sizeof(float))
		return VACCEL_EINVAL;
	if (!blas_alias_ok(op, "output", out, x, n * sizeof(float)) ||
	    !blas_alias_ok(op, "output", out, y, common * sizeof(float)))
		return VACCEL_EINVAL;
	if (out == y) {
		/* out already holds y: add x, then copy x where y has no element. */
		blas_add(x, out, common);
		blas_copy(x + common, out + common, n - common);
		return VACCEL_OK;
	}
	if (out != x)
		blas_copy(x, out, n);
	blas_add(y, out, common);
	return VACCEL_OK;
}

/* n such that n * n == len, or false. */
static bool blas_square_side(size_t len, size_t *side)
{
	size_t n = (size_t)sqrt((double)len);

	/* sqrt of a large size_t may be off by one either way. */
	while (n && n > len / n)
		n--;
	while ((n + 1) <= len / (n + 1))
		n++;
	if (n * n != len)
		return false;
	*side = n;
	return true;
}

/* c = a x b, n x n row-major, len = n * n; c must not overlap a or b. */
static int blas_square_mmult(const char *op, const float *a, const float *b, float *c, size_t len)
{
	size_t n;

	if (!blas_square_side(len, &n)) {
		blas_error("%s: len_a = %zu is not a square: a, b and c are n x n matrices", op,
			   len);
		return VACCEL_EINVAL;
	}
	if (n > (size_t)INT_MAX) {
		blas_error("%s: matrices of side %zu exceed the BLAS limit %d", op, n, INT_MAX);
		return VACCEL_EINVAL;
	}
	if (blas_overlap(c, len * sizeof(float), a, len * sizeof(float)) ||
	    blas_overlap(c, len * sizeof(float), b, len * sizeof(float))) {
		blas_error("%s: the product overlaps an input", op);
		return VACCEL_EINVAL;
	}
	if (!n)
		return VACCEL_OK;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0f, a,
		    (int)n, b, (int)n, 0.0f, c, (int)n);
	return VACCEL_OK;
}

static int blas_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	_Static_assert(sizeof(int) == sizeof(float), "scopy moves 32-bit elements");

	if (!sess || (len_a && (!a || !out_a)) || len_a > SIZE_MAX / sizeof(int))
		return VACCEL_EINVAL;
	if (!blas_alias_ok("fpga_arraycopy", "out_a", out_a, a, len_a * sizeof(int)))
		return VACCEL_EINVAL;
	blas_debug("session:%" PRId64 " fpga_arraycopy len_a=%zu", sess->id, len_a);
	/* scopy only moves the bits: no int is ever read as a float value. */
	if (out_a != a)
		blas_copy((const float *)(const void *)a, (float *)(void *)out_a, len_a);
	return VACCEL_OK;
}

static int blas_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[],
			   size_t len_a)
{
	if (!sess || (len_a && (!a || !b || !c)) || len_a > SIZE_MAX / sizeof(float))
		return VACCEL_EINVAL;
	blas_debug("session:%" PRId64 " fpga_mmult len_a=%zu", sess->id, len_a);
	return blas_square_mmult("fpga_mmult", a, b, c, len_a);
}

static int blas_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
			      float mult_output[], size_t len_a)
{
	static const char op[] = "fpga_parallel";
	int ret;

	if (!sess || (len_a && (!a || !b || !add_output || !mult_output)) ||
	    len_a > SIZE_MAX / sizeof(float))
		return VACCEL_EINVAL;
	if (blas_overlap(add_output, len_a * sizeof(float), mult_output, len_a * sizeof(float))) {
		blas_error("%s: add_output and mult_output overlap", op);
		return VACCEL_EINVAL;
	}
	blas_debug("session:%" PRId64 " fpga_parallel len_a=%zu", sess->id, len_a);
	/* The product first: the sum may overwrite a or b (add_output == a is allowed). */
	ret = blas_square_mmult(op, a, b, mult_output, len_a);
	if (ret)
		return ret;
	return blas_vector_add(op, a, b, len_a, add_output, len_a);
}

static int blas_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[],
			  size_t len_a, size_t len_b)
{
	if (!sess || (len_a && (!a || !c)) || (len_b && !b))
		return VACCEL_EINVAL;
	blas_debug("session:%" PRId64 " fpga_vadd len_a=%zu len_b=%zu", sess->id, len_a, len_b);
	return blas_vector_add("fpga_vadd", a, b, len_b, c, len_a);
}

static int blas_minmax(struct vaccel_session *sess, const double *indata, int ndata,
		       int low_threshold, int high_threshold, double *outdata, double *min,
		       double *max)
{
	double lo = NAN, hi = NAN;

	if (!sess || !indata || !outdata || !min || !max)
		return VACCEL_EINVAL;
	if (ndata < 1 || low_threshold > high_threshold) {
		blas_error("minmax: need ndata >= 1 (got %d) and low_threshold <= high_threshold "
			   "(got %d > %d)",
			   ndata, low_threshold, high_threshold);
		return VACCEL_EINVAL;
	}
	if (!blas_alias_ok("minmax", "outdata", outdata, indata, (size_t)ndata * sizeof(double)))
		return VACCEL_EINVAL;
	blas_debug("session:%" PRId64 " minmax ndata=%d low=%d high=%d", sess->id, ndata,
		   low_threshold, high_threshold);
	for (int i = 0; i < ndata; i++) {
		double v = indata[i];

		/* fmin/fmax return the other operand when one is NaN. */
		lo = fmin(lo, v);
		hi = fmax(hi, v);
		if (v < low_threshold)
			v = low_threshold;
		else if (v > high_threshold)
			v = high_threshold;
		outdata[i] = v;
	}
	*min = lo;
	*max = hi;
	return VACCEL_OK;
}

static struct vaccel_op blas_ops[] = {
    VACCEL_OP_INIT(blas_ops[0], VACCEL_OP_BLAS_SGEMM, blas_sgemm),
    VACCEL_OP_INIT(blas_ops[1], VACCEL_OP_FPGA_ARRAYCOPY, blas_fpga_arraycopy),
    VACCEL_OP_INIT(blas_ops[2], VACCEL_OP_FPGA_MMULT, blas_fpga_mmult),
    VACCEL_OP_INIT(blas_ops[3], VACCEL_OP_FPGA_PARALLEL, blas_fpga_parallel),
    VACCEL_OP_INIT(blas_ops[4], VACCEL_OP_FPGA_VECTORADD, blas_fpga_vadd),
    VACCEL_OP_INIT(blas_ops[5], VACCEL_OP_MINMAX, blas_minmax),
};

static int blas_init(void)
{
	blas_debug("using %s", BLAS_LIBRARY);
	return vaccel_plugin_register_ops(blas_ops, ARRAY_SIZE(blas_ops));
}

static int blas_fini(void)
{
	return VACCEL_OK;
}

/* Type CPU: a guest session created with VACCEL_PLUGIN_CPU lands here (docs/real-plugins.md). */
VACCEL_PLUGIN(.name = "blas", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_CPU, .init = blas_init, .fini = blas_fini)
