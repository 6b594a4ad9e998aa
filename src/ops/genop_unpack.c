// SPDX-License-Identifier: Apache-2.0
/*
 * Per-op genop adapters: check one op's argument layout, rebuild the typed
 * call, run it. The layout table is in vaccel/ops/genop.h; each adapter
 * below repeats its row. Sizes are checked before any pointer reaches a
 * plugin, so a plugin that trusts the typed API's lengths never reads or
 * writes outside the caller's buffers.
 */

#include "genop_unpack.h"
#include "genop_args.h"
#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/ops/blas.h"
#include "vaccel/ops/exec.h"
#include "vaccel/ops/fpga.h"
#include "vaccel/ops/image.h"
#include "vaccel/ops/minmax.h"
#include "vaccel/ops/noop.h"
#include "vaccel/ops/opencv.h"
#include "vaccel/resource.h"
#include <inttypes.h>
#include <stdint.h>

/* Exact arg counts, or at least `nr_read` read args with read_min. */
static int check_counts(vaccel_op_type_t op, size_t nr_read, size_t want_read, bool read_min,
			size_t nr_write, size_t want_write, bool write_any)
{
	char name[VACCEL_ENUM_STR_MAX];

	vaccel_op_type_to_lower(op, name, sizeof(name));

	if (read_min ? nr_read < want_read : nr_read != want_read) {
		vaccel_error("genop: %s: expected %s%zu read args after the op type, got %zu", name,
			     read_min ? "at least " : "", want_read, nr_read);
		return VACCEL_EINVAL;
	}

	if (!write_any && nr_write != want_write) {
		vaccel_error("genop: %s: expected %zu write args, got %zu", name, want_write,
			     nr_write);
		return VACCEL_EINVAL;
	}

	return VACCEL_OK;
}

/* Log a size disagreement and return VACCEL_EINVAL. */
static int size_mismatch(const char *what, size_t have, const char *rel, size_t need)
{
	vaccel_error("genop: %s: %zu elements, must be %s %zu", what, have, rel, need);
	return VACCEL_EINVAL;
}

/* NOOP: no args at all. */
static int noop_unpack(vaccel_op_type_t op, struct vaccel_session *sess, struct vaccel_arg *read,
		       size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	(void)read;
	(void)write;

	int ret = check_counts(op, nr_read, 0, false, nr_write, 0, false);

	return ret ? ret : vaccel_noop(sess);
}

/* EXEC: STRING library, STRING fn_symbol, rest passed through; writes passed through. */
static int exec_unpack(vaccel_op_type_t op, struct vaccel_session *sess, struct vaccel_arg *read,
		       size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	const char *library;
	const char *fn_symbol;
	int ret;

	ret = check_counts(op, nr_read, 2, true, nr_write, 0, true);
	if (ret)
		return ret;

	ret = ops_genop_get_string(&read[0], &library, "exec: library");
	if (ret)
		return ret;

	ret = ops_genop_get_string(&read[1], &fn_symbol, "exec: fn_symbol");
	if (ret)
		return ret;

	return vaccel_exec(sess, library, fn_symbol, nr_read > 2 ? &read[2] : NULL, nr_read - 2,
			   nr_write ? write : NULL, nr_write);
}

/*
 * EXEC_WITH_RESOURCE: INT64 resource id, STRING fn_symbol, rest passed
 * through; writes passed through. The id is looked up among this process's
 * resources; the typed wrapper then insists on a LIB registered to sess.
 */
static int exec_res_unpack(vaccel_op_type_t op, struct vaccel_session *sess,
			   struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
			   size_t nr_write)
{
	struct vaccel_resource *res;
	const char *fn_symbol;
	int64_t id;
	int ret;

	ret = check_counts(op, nr_read, 2, true, nr_write, 0, true);
	if (ret)
		return ret;

	ret = ops_genop_get_scalar(&read[0], VACCEL_ARG_INT64, sizeof(id), false, &id,
				   "exec_with_resource: resource id");
	if (ret)
		return ret;

	ret = ops_genop_get_string(&read[1], &fn_symbol, "exec_with_resource: fn_symbol");
	if (ret)
		return ret;

	if (id <= 0) {
		vaccel_error("genop: exec_with_resource: invalid resource id %" PRId64, id);
		return VACCEL_EINVAL;
	}

	ret = vaccel_resource_get_by_id(&res, id);
	if (ret) {
		vaccel_error("genop: exec_with_resource: no resource with id %" PRId64, id);
		return ret;
	}

	return vaccel_exec_with_resource(sess, res, fn_symbol, nr_read > 2 ? &read[2] : NULL,
					 nr_read - 2, nr_write ? write : NULL, nr_write);
}

/*
 * IMAGE_*: BUFFER img (non-empty). Writes: UCHAR_ARRAY out_imgname, and for
 * classify then UCHAR_ARRAY out_text (upstream's order, the reverse of the C
 * API). Empty outputs reach the plugin as NULL with length 0.
 */
static int image_unpack(vaccel_op_type_t op, struct vaccel_session *sess, struct vaccel_arg *read,
			size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	const bool classify = op == VACCEL_OP_IMAGE_CLASSIFY;
	void *img;
	void *out_imgname;
	void *out_text = NULL;
	size_t len_img;
	size_t len_imgname;
	size_t len_text = 0;
	int ret;

	ret = check_counts(op, nr_read, 1, false, nr_write, classify ? 2 : 1, false);
	if (ret)
		return ret;

	ret = ops_genop_get_array(&read[0], VACCEL_ARG_BUFFER, 1, false, false, &img, &len_img,
				  "image: img");
	if (ret)
		return ret;

	ret = ops_genop_get_array(&write[0], VACCEL_ARG_UCHAR_ARRAY, 1, false, true, &out_imgname,
				  &len_imgname, "image: out_imgname");
	if (ret)
		return ret;

	if (classify) {
		ret = ops_genop_get_array(&write[1], VACCEL_ARG_UCHAR_ARRAY, 1, false, true,
					  &out_text, &len_text, "image_classify: out_text");
		if (ret)
			return ret;

		return vaccel_image_classification(sess, img, out_text, out_imgname, len_img,
						   len_text, len_imgname);
	}

	switch (op) {
	case VACCEL_OP_IMAGE_DETECT:
		return vaccel_image_detection(sess, img, out_imgname, len_img, len_imgname);
	case VACCEL_OP_IMAGE_SEGMENT:
		return vaccel_image_segmentation(sess, img, out_imgname, len_img, len_imgname);
	case VACCEL_OP_IMAGE_POSE:
		return vaccel_image_pose(sess, img, out_imgname, len_img, len_imgname);
	case VACCEL_OP_IMAGE_DEPTH:
		return vaccel_image_depth(sess, img, out_imgname, len_img, len_imgname);
	default:
		return VACCEL_EINVAL; /* not reachable through the table */
	}
}

/*
 * Elements a row-major rows x cols matrix with row stride ld spans:
 * (rows - 1) * ld + cols. Needs rows, cols >= 1 and ld >= cols.
 */
static int matrix_span(const char *what, int64_t rows, int64_t cols, int64_t ld, size_t *span)
{
	uint64_t n;

	if (rows < 1 || cols < 1 || ld < cols) {
		vaccel_error("genop: %s: invalid shape %" PRId64 "x%" PRId64
			     " with stride %" PRId64,
			     what, rows, cols, ld);
		return VACCEL_EINVAL;
	}

	if (__builtin_mul_overflow((uint64_t)(rows - 1), (uint64_t)ld, &n) ||
	    __builtin_add_overflow(n, (uint64_t)cols, &n) || n > SIZE_MAX) {
		vaccel_error("genop: %s: shape overflows", what);
		return VACCEL_EINVAL;
	}

	*span = (size_t)n;
	return VACCEL_OK;
}

static int get_i64(struct vaccel_arg *arg, int64_t *v, const char *what)
{
	return ops_genop_get_scalar(arg, VACCEL_ARG_INT64, sizeof(*v), false, v, what);
}

static int get_f32(struct vaccel_arg *arg, float *v, const char *what)
{
	return ops_genop_get_scalar(arg, VACCEL_ARG_FLOAT32, sizeof(*v), false, v, what);
}

/* A matrix arg: FLOAT32_ARRAY holding at least the rows x cols (stride ld) span. */
static int get_matrix(struct vaccel_arg *arg, const char *what, int64_t rows, int64_t cols,
		      int64_t ld, float **m)
{
	void *p;
	size_t len, span;
	int ret;

	ret = ops_genop_get_array(arg, VACCEL_ARG_FLOAT32_ARRAY, sizeof(float), false, false, &p,
				  &len, what);
	if (ret)
		return ret;

	ret = matrix_span(what, rows, cols, ld, &span);
	if (ret)
		return ret;

	if (len < span)
		return size_mismatch(what, len, "at least", span);

	*m = p;
	return VACCEL_OK;
}

/*
 * BLAS_SGEMM: INT64 m, n, k, FLOAT32 alpha, FLOAT32_ARRAY a, INT64 lda,
 * FLOAT32_ARRAY b, INT64 ldb, FLOAT32 beta, INT64 ldc; write FLOAT32_ARRAY c.
 * Row-major: a is m x k, b is k x n, c is m x n.
 */
static int sgemm_unpack(vaccel_op_type_t op, struct vaccel_session *sess, struct vaccel_arg *read,
			size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	int64_t m, n, k, lda, ldb, ldc;
	float alpha, beta;
	float *a, *b, *c;
	int ret;

	ret = check_counts(op, nr_read, 10, false, nr_write, 1, false);
	if (ret)
		return ret;

	/* Scalars first: the matrix checks need the shape. */
	ret = get_i64(&read[0], &m, "blas_sgemm: m");
	if (ret)
		return ret;
	ret = get_i64(&read[1], &n, "blas_sgemm: n");
	if (ret)
		return ret;
	ret = get_i64(&read[2], &k, "blas_sgemm: k");
	if (ret)
		return ret;
	ret = get_f32(&read[3], &alpha, "blas_sgemm: alpha");
	if (ret)
		return ret;
	ret = get_i64(&read[5], &lda, "blas_sgemm: lda");
	if (ret)
		return ret;
	ret = get_i64(&read[7], &ldb, "blas_sgemm: ldb");
	if (ret)
		return ret;
	ret = get_f32(&read[8], &beta, "blas_sgemm: beta");
	if (ret)
		return ret;
	ret = get_i64(&read[9], &ldc, "blas_sgemm: ldc");
	if (ret)
		return ret;

	ret = get_matrix(&read[4], "blas_sgemm: a", m, k, lda, &a);
	if (ret)
		return ret;
	ret = get_matrix(&read[6], "blas_sgemm: b", k, n, ldb, &b);
	if (ret)
		return ret;
	ret = get_matrix(&write[0], "blas_sgemm: c", m, n, ldc, &c);
	if (ret)
		return ret;

	return vaccel_sgemm(sess, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* i32 input: INT32, or RAW of 4 bytes. */
static int get_i32(struct vaccel_arg *arg, int32_t *v, const char *what)
{
	return ops_genop_get_scalar(arg, VACCEL_ARG_INT32, sizeof(*v), true, v, what);
}

/* f64[]: FLOAT64_ARRAY or RAW, non-empty. */
static int get_f64s(struct vaccel_arg *arg, double **v, size_t *len, const char *what)
{
	void *p;
	int ret = ops_genop_get_array(arg, VACCEL_ARG_FLOAT64_ARRAY, sizeof(double), true, false,
				      &p, len, what);

	if (!ret)
		*v = p;
	return ret;
}

/* f64 output: FLOAT64, or RAW of 8 bytes. */
static int get_out_f64(struct vaccel_arg *arg, double **v, const char *what)
{
	void *p;
	int ret = ops_genop_get_out_scalar(arg, VACCEL_ARG_FLOAT64, sizeof(double), true, &p, what);

	if (!ret)
		*v = p;
	return ret;
}

/*
 * MINMAX: f64[] indata, i32 ndata, i32 low, i32 high; writes f64[] outdata,
 * f64 min, f64 max. RAW is accepted for all (upstream's args were untyped).
 * indata must be exactly ndata doubles; outdata must hold ndata.
 */
static int minmax_unpack(vaccel_op_type_t op, struct vaccel_session *sess, struct vaccel_arg *read,
			 size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	int32_t ndata, low, high;
	double *indata, *outdata, *min, *max;
	size_t len_in, len_out;
	int ret;

	ret = check_counts(op, nr_read, 4, false, nr_write, 3, false);
	if (ret)
		return ret;

	ret = get_f64s(&read[0], &indata, &len_in, "minmax: indata");
	if (ret)
		return ret;
	ret = get_i32(&read[1], &ndata, "minmax: ndata");
	if (ret)
		return ret;
	ret = get_i32(&read[2], &low, "minmax: low_threshold");
	if (ret)
		return ret;
	ret = get_i32(&read[3], &high, "minmax: high_threshold");
	if (ret)
		return ret;
	ret = get_f64s(&write[0], &outdata, &len_out, "minmax: outdata");
	if (ret)
		return ret;
	ret = get_out_f64(&write[1], &min, "minmax: min");
	if (ret)
		return ret;
	ret = get_out_f64(&write[2], &max, "minmax: max");
	if (ret)
		return ret;

	/* The count must describe the input exactly, and the output must hold it. */
	if (ndata < 1 || (size_t)ndata != len_in) {
		vaccel_error("genop: minmax: ndata %" PRId32 " disagrees with indata (%zu doubles)",
			     ndata, len_in);
		return VACCEL_EINVAL;
	}
	if (len_out < (size_t)ndata)
		return size_mismatch("minmax: outdata", len_out, "at least", (size_t)ndata);

	return vaccel_minmax(sess, indata, ndata, low, high, outdata, min, max);
}

/* A float array (FLOAT32_ARRAY or RAW) holding at least `need` elements. */
static int get_f32s(struct vaccel_arg *arg, size_t need, float **ptr, size_t *len, const char *what)
{
	void *p;
	int ret = ops_genop_get_array(arg, VACCEL_ARG_FLOAT32_ARRAY, sizeof(float), true, false, &p,
				      len, what);

	if (ret)
		return ret;
	if (*len < need)
		return size_mismatch(what, *len, "at least", need);

	*ptr = p;
	return VACCEL_OK;
}

/* An int array (INT32_ARRAY or RAW) holding at least `need` elements. */
static int get_i32s(struct vaccel_arg *arg, size_t need, int **ptr, size_t *len, const char *what)
{
	void *p;
	int ret = ops_genop_get_array(arg, VACCEL_ARG_INT32_ARRAY, sizeof(int), true, false, &p,
				      len, what);

	if (ret)
		return ret;
	if (*len < need)
		return size_mismatch(what, *len, "at least", need);

	*ptr = p;
	return VACCEL_OK;
}

/*
 * FPGA_ARRAYCOPY: i32[] a (len_a = its element count, >= 1); write i32[]
 * out_a holding len_a. RAW or the typed array (upstream's args were untyped).
 */
static int arraycopy_unpack(vaccel_op_type_t op, struct vaccel_session *sess,
			    struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
			    size_t nr_write)
{
	int *a, *out_a;
	size_t len_a, len_out;
	int ret;

	ret = check_counts(op, nr_read, 1, false, nr_write, 1, false);
	if (ret)
		return ret;

	ret = get_i32s(&read[0], 1, &a, &len_a, "fpga_arraycopy: a");
	if (ret)
		return ret;
	ret = get_i32s(&write[0], len_a, &out_a, &len_out, "fpga_arraycopy: out_a");
	if (ret)
		return ret;

	return vaccel_fpga_arraycopy(sess, a, out_a, len_a);
}

/*
 * FPGA_MMULT / PARALLEL / VECTORADD: f32[] a (len_a = its element count,
 * >= 1), f32[] b holding len_a (vadd: exactly len_a, since len_b is passed
 * on); writes f32[] holding len_a each (parallel has two). RAW or typed.
 */
static int fpga_float_unpack(vaccel_op_type_t op, struct vaccel_session *sess,
			     struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
			     size_t nr_write)
{
	const bool parallel = op == VACCEL_OP_FPGA_PARALLEL;
	float *a, *b, *c, *d = NULL;
	size_t len_a, len_b, len_c, len_d;
	int ret;

	ret = check_counts(op, nr_read, 2, false, nr_write, parallel ? 2 : 1, false);
	if (ret)
		return ret;

	ret = get_f32s(&read[0], 1, &a, &len_a, "fpga: a");
	if (ret)
		return ret;
	ret = get_f32s(&read[1], len_a, &b, &len_b, "fpga: b");
	if (ret)
		return ret;
	ret = get_f32s(&write[0], len_a, &c, &len_c, "fpga: first output");
	if (ret)
		return ret;
	if (parallel) {
		ret = get_f32s(&write[1], len_a, &d, &len_d, "fpga_parallel: mult_output");
		if (ret)
			return ret;
	}

	switch (op) {
	case VACCEL_OP_FPGA_MMULT:
		return vaccel_fpga_mmult(sess, a, b, c, len_a);
	case VACCEL_OP_FPGA_PARALLEL:
		return vaccel_fpga_parallel(sess, a, b, c, d, len_a);
	case VACCEL_OP_FPGA_VECTORADD:
		if (len_b != len_a)
			return size_mismatch("fpga_vectoradd: b", len_b, "exactly", len_a);
		return vaccel_fpga_vadd(sess, a, b, c, len_a, len_b);
	default:
		return VACCEL_EINVAL; /* not reachable through the table */
	}
}

/*
 * OPENCV: the layout belongs to the plugin. At least one non-empty read arg
 * (the function selector); everything passed through as is.
 */
static int opencv_unpack(vaccel_op_type_t op, struct vaccel_session *sess, struct vaccel_arg *read,
			 size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	int ret = check_counts(op, nr_read, 1, true, nr_write, 0, true);

	if (ret)
		return ret;

	if (!read[0].size) {
		vaccel_error("genop: opencv: empty function selector");
		return VACCEL_EINVAL;
	}

	return vaccel_opencv(sess, read, (int)nr_read, nr_write ? write : NULL, (int)nr_write);
}

/* TF_*, TFLITE_* and TORCH_* have no entry: they are not genop-capable. */
static const ops_genop_unpack_fn unpackers[VACCEL_OP_MAX] = {
    [VACCEL_OP_NOOP] = noop_unpack,
    [VACCEL_OP_EXEC] = exec_unpack,
    [VACCEL_OP_EXEC_WITH_RESOURCE] = exec_res_unpack,
    [VACCEL_OP_IMAGE_CLASSIFY] = image_unpack,
    [VACCEL_OP_IMAGE_DETECT] = image_unpack,
    [VACCEL_OP_IMAGE_SEGMENT] = image_unpack,
    [VACCEL_OP_IMAGE_POSE] = image_unpack,
    [VACCEL_OP_IMAGE_DEPTH] = image_unpack,
    [VACCEL_OP_BLAS_SGEMM] = sgemm_unpack,
    [VACCEL_OP_FPGA_ARRAYCOPY] = arraycopy_unpack,
    [VACCEL_OP_FPGA_MMULT] = fpga_float_unpack,
    [VACCEL_OP_FPGA_PARALLEL] = fpga_float_unpack,
    [VACCEL_OP_FPGA_VECTORADD] = fpga_float_unpack,
    [VACCEL_OP_MINMAX] = minmax_unpack,
    [VACCEL_OP_OPENCV] = opencv_unpack,
};

ops_genop_unpack_fn ops_genop_unpacker(vaccel_op_type_t op)
{
	if ((unsigned int)op >= (unsigned int)VACCEL_OP_MAX)
		return NULL;

	return unpackers[op];
}
