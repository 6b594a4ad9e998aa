/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_ops: each vAccel operation packed as a GENOP in vAccel's generic
 * layout (docs/virtio-accel.md §6.2): read[0] is the op type as a UINT8,
 * then the op's own args. Nothing is copied here; the driver copies once.
 */
#include "vio_plugin.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define RD(p, n, t) ((struct vio_arg){.buf = (void *)(p), .len = (n), .type = (t)})
#define WR(p, n, t) ((struct vio_arg){.buf = (void *)(p), .len = (n), .type = (t)})
#define OPTYPE(v) RD(&(v), 1, VACCEL_ARG_UINT8)

/* Largest count of user args exec passes through (both directions). */
#define VIO_MAX_USER_ARGS VIRTIO_ACCEL_MAX_ARGS_LIMIT

static bool mul_ok(size_t count, size_t size, uint64_t *out)
{
	return !__builtin_mul_overflow((uint64_t)count, (uint64_t)size, out);
}

/*
 * Bytes of a row-major rows x cols float matrix with row stride ld:
 * ((rows - 1) * ld + cols) elements, as the host checks them.
 */
static bool mat_ok(int64_t rows, int64_t cols, int64_t ld, uint64_t *out)
{
	uint64_t n;

	if (rows < 1 || cols < 1 || ld < cols)
		return false;
	return !__builtin_mul_overflow((uint64_t)(rows - 1), (uint64_t)ld, &n) &&
	       !__builtin_add_overflow(n, (uint64_t)cols, &n) && mul_ok(n, sizeof(float), out);
}

static int vio_noop(struct vaccel_session *sess)
{
	uint8_t op = VACCEL_OP_NOOP;
	struct vio_arg rd[] = {OPTYPE(op)};

	return vio_genop(sess, rd, 1, NULL, 0);
}

/* ------------------------------------------------------------------ image */

static int vio_image_classify(struct vaccel_session *sess, const void *img, unsigned char *out_text,
			      unsigned char *out_imgname, size_t len_img, size_t len_out_text,
			      size_t len_out_imgname)
{
	uint8_t op = VACCEL_OP_IMAGE_CLASSIFY;

	if (!img || !len_img)
		return VACCEL_EINVAL;
	/* A missing output travels as an empty write arg (the host passes it
	 * on as NULL with length 0). */
	if (!out_text)
		len_out_text = 0;
	if (!out_imgname)
		len_out_imgname = 0;

	struct vio_arg rd[] = {OPTYPE(op), RD(img, len_img, VACCEL_ARG_BUFFER)};
	/* Generic layout order: imgname first, then text. */
	struct vio_arg wr[] = {WR(out_imgname, len_out_imgname, VACCEL_ARG_UCHAR_ARRAY),
			       WR(out_text, len_out_text, VACCEL_ARG_UCHAR_ARRAY)};

	return vio_genop(sess, rd, 2, wr, 2);
}

static int image_op(struct vaccel_session *sess, uint8_t op, const void *img,
		    unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	if (!img || !len_img)
		return VACCEL_EINVAL;
	if (!out_imgname)
		len_out_imgname = 0;

	struct vio_arg rd[] = {OPTYPE(op), RD(img, len_img, VACCEL_ARG_BUFFER)};
	struct vio_arg wr[] = {WR(out_imgname, len_out_imgname, VACCEL_ARG_UCHAR_ARRAY)};

	return vio_genop(sess, rd, 2, wr, 1);
}

static int vio_image_detect(struct vaccel_session *sess, const void *img,
			    unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	return image_op(sess, VACCEL_OP_IMAGE_DETECT, img, out_imgname, len_img, len_out_imgname);
}

static int vio_image_segment(struct vaccel_session *sess, const void *img,
			     unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	return image_op(sess, VACCEL_OP_IMAGE_SEGMENT, img, out_imgname, len_img, len_out_imgname);
}

static int vio_image_pose(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
			  size_t len_img, size_t len_out_imgname)
{
	return image_op(sess, VACCEL_OP_IMAGE_POSE, img, out_imgname, len_img, len_out_imgname);
}

static int vio_image_depth(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
			   size_t len_img, size_t len_out_imgname)
{
	return image_op(sess, VACCEL_OP_IMAGE_DEPTH, img, out_imgname, len_img, len_out_imgname);
}

/* ------------------------------------------------------------------- blas */

static int vio_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
		     float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c,
		     int64_t ldc)
{
	uint8_t op = VACCEL_OP_BLAS_SGEMM;
	uint64_t la, lb, lc;

	if (!a || !b || !c)
		return VACCEL_EINVAL;
	if (!mat_ok(m, k, lda, &la) || !mat_ok(k, n, ldb, &lb) || !mat_ok(m, n, ldc, &lc))
		return VACCEL_EINVAL;

	struct vio_arg rd[] = {
	    OPTYPE(op),
	    RD(&m, sizeof(m), VACCEL_ARG_INT64),
	    RD(&n, sizeof(n), VACCEL_ARG_INT64),
	    RD(&k, sizeof(k), VACCEL_ARG_INT64),
	    RD(&alpha, sizeof(alpha), VACCEL_ARG_FLOAT32),
	    RD(a, la, VACCEL_ARG_FLOAT32_ARRAY),
	    RD(&lda, sizeof(lda), VACCEL_ARG_INT64),
	    RD(b, lb, VACCEL_ARG_FLOAT32_ARRAY),
	    RD(&ldb, sizeof(ldb), VACCEL_ARG_INT64),
	    RD(&beta, sizeof(beta), VACCEL_ARG_FLOAT32),
	    RD(&ldc, sizeof(ldc), VACCEL_ARG_INT64),
	};
	/* C is read and written (C = alpha*A*B + beta*C). */
	struct vio_arg wr[] = {WR(c, lc, VACCEL_ARG_FLOAT32_ARRAY)};

	wr[0].inout = true;
	return vio_genop(sess, rd, 11, wr, 1);
}

/* ------------------------------------------------------------------- fpga */

static int vio_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	uint8_t op = VACCEL_OP_FPGA_ARRAYCOPY;
	uint64_t l;

	if (!a || !out_a || !len_a || !mul_ok(len_a, sizeof(int), &l))
		return VACCEL_EINVAL;

	struct vio_arg rd[] = {OPTYPE(op), RD(a, l, VACCEL_ARG_INT32_ARRAY)};
	struct vio_arg wr[] = {WR(out_a, l, VACCEL_ARG_INT32_ARRAY)};

	return vio_genop(sess, rd, 2, wr, 1);
}

static int vio_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[],
			  size_t len_a)
{
	uint8_t op = VACCEL_OP_FPGA_MMULT;
	uint64_t l;

	if (!a || !b || !c || !len_a || !mul_ok(len_a, sizeof(float), &l))
		return VACCEL_EINVAL;

	struct vio_arg rd[] = {OPTYPE(op), RD(a, l, VACCEL_ARG_FLOAT32_ARRAY),
			       RD(b, l, VACCEL_ARG_FLOAT32_ARRAY)};
	struct vio_arg wr[] = {WR(c, l, VACCEL_ARG_FLOAT32_ARRAY)};

	return vio_genop(sess, rd, 3, wr, 1);
}

static int vio_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
			     float mult_output[], size_t len_a)
{
	uint8_t op = VACCEL_OP_FPGA_PARALLEL;
	uint64_t l;

	if (!a || !b || !add_output || !mult_output || !len_a || !mul_ok(len_a, sizeof(float), &l))
		return VACCEL_EINVAL;

	struct vio_arg rd[] = {OPTYPE(op), RD(a, l, VACCEL_ARG_FLOAT32_ARRAY),
			       RD(b, l, VACCEL_ARG_FLOAT32_ARRAY)};
	struct vio_arg wr[] = {WR(add_output, l, VACCEL_ARG_FLOAT32_ARRAY),
			       WR(mult_output, l, VACCEL_ARG_FLOAT32_ARRAY)};

	return vio_genop(sess, rd, 3, wr, 2);
}

static int vio_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
			 size_t len_b)
{
	uint8_t op = VACCEL_OP_FPGA_VECTORADD;
	uint64_t la, lb;

	if (!a || !b || !c || !len_a || !len_b || !mul_ok(len_a, sizeof(float), &la) ||
	    !mul_ok(len_b, sizeof(float), &lb))
		return VACCEL_EINVAL;

	struct vio_arg rd[] = {OPTYPE(op), RD(a, la, VACCEL_ARG_FLOAT32_ARRAY),
			       RD(b, lb, VACCEL_ARG_FLOAT32_ARRAY)};
	struct vio_arg wr[] = {WR(c, la, VACCEL_ARG_FLOAT32_ARRAY)};

	return vio_genop(sess, rd, 3, wr, 1);
}

/* ----------------------------------------------------------------- minmax */

static int vio_minmax(struct vaccel_session *sess, const double *indata, int ndata,
		      int low_threshold, int high_threshold, double *outdata, double *min,
		      double *max)
{
	uint8_t op = VACCEL_OP_MINMAX;
	int32_t nd = ndata, lo = low_threshold, hi = high_threshold;
	uint64_t l;

	if (!indata || ndata <= 0 || !outdata || !min || !max ||
	    !mul_ok((size_t)ndata, sizeof(double), &l))
		return VACCEL_EINVAL;

	struct vio_arg rd[] = {OPTYPE(op), RD(indata, l, VACCEL_ARG_FLOAT64_ARRAY),
			       RD(&nd, sizeof(nd), VACCEL_ARG_INT32),
			       RD(&lo, sizeof(lo), VACCEL_ARG_INT32),
			       RD(&hi, sizeof(hi), VACCEL_ARG_INT32)};
	struct vio_arg wr[] = {WR(outdata, l, VACCEL_ARG_FLOAT64_ARRAY),
			       WR(min, sizeof(*min), VACCEL_ARG_FLOAT64),
			       WR(max, sizeof(*max), VACCEL_ARG_FLOAT64)};

	return vio_genop(sess, rd, 5, wr, 3);
}

/* ------------------------------------------- exec, exec_with_resource, opencv */

/*
 * GENOP with `nr_head` fixed read args followed by the user's args, passed
 * through verbatim (type and custom type id included).
 */
static int genop_passthrough(struct vaccel_session *sess, const struct vio_arg *head,
			     unsigned nr_head, struct vaccel_arg *read, size_t nr_read,
			     struct vaccel_arg *write, size_t nr_write)
{
	struct vio_arg *rd = NULL, *wr = NULL;
	int ret;

	if ((nr_read && !read) || (nr_write && !write))
		return VACCEL_EINVAL;
	if (nr_read > VIO_MAX_USER_ARGS || nr_write > VIO_MAX_USER_ARGS) {
		vaccel_error("[virtio] Too many arguments for the device");
		return VACCEL_ENOSPC;
	}
	rd = calloc(nr_head + nr_read, sizeof(*rd));
	wr = calloc(nr_write ? nr_write : 1, sizeof(*wr));
	if (!rd || !wr) {
		ret = VACCEL_ENOMEM;
		goto out;
	}
	memcpy(rd, head, nr_head * sizeof(*rd));
	for (size_t i = 0; i < nr_read; i++)
		rd[nr_head + i] = (struct vio_arg){.buf = read[i].buf,
						   .len = read[i].size,
						   .type = (uint32_t)read[i].type,
						   .custom_id = read[i].custom_type_id};
	for (size_t i = 0; i < nr_write; i++)
		wr[i] = (struct vio_arg){.buf = write[i].buf,
					 .len = write[i].size,
					 .type = (uint32_t)write[i].type,
					 .custom_id = write[i].custom_type_id};
	ret = vio_genop(sess, rd, nr_head + (unsigned)nr_read, wr, (unsigned)nr_write);
out:
	free(rd);
	free(wr);
	return ret;
}

static int vio_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		    struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		    size_t nr_write)
{
	uint8_t op = VACCEL_OP_EXEC;

	if (!library || !fn_symbol)
		return VACCEL_EINVAL;

	struct vio_arg head[] = {OPTYPE(op), RD(library, strlen(library) + 1, VACCEL_ARG_STRING),
				 RD(fn_symbol, strlen(fn_symbol) + 1, VACCEL_ARG_STRING)};

	return genop_passthrough(sess, head, 3, read, nr_read, write, nr_write);
}

static int vio_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
				  const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
				  struct vaccel_arg *write, size_t nr_write)
{
	uint8_t op = VACCEL_OP_EXEC_WITH_RESOURCE;
	int64_t rid;

	if (!resource || !fn_symbol)
		return VACCEL_EINVAL;
	/* The device knows the resource by the id it gave us. */
	rid = resource->remote_id;
	if (rid <= 0) {
		vaccel_error("[virtio] Resource %" PRId64 " has no remote copy", resource->id);
		return VACCEL_ENOENT;
	}

	struct vio_arg head[] = {OPTYPE(op), RD(&rid, sizeof(rid), VACCEL_ARG_INT64),
				 RD(fn_symbol, strlen(fn_symbol) + 1, VACCEL_ARG_STRING)};

	return genop_passthrough(sess, head, 3, read, nr_read, write, nr_write);
}

static int vio_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		      struct vaccel_arg *write, int nr_write)
{
	uint8_t op = VACCEL_OP_OPENCV;
	struct vio_arg head[] = {OPTYPE(op)};

	if (nr_read < 0 || nr_write < 0)
		return VACCEL_EINVAL;
	return genop_passthrough(sess, head, 1, read, (size_t)nr_read, write, (size_t)nr_write);
}

struct vaccel_op vio_ops[] = {
    VACCEL_OP_INIT(vio_ops[0], VACCEL_OP_NOOP, vio_noop),
    VACCEL_OP_INIT(vio_ops[1], VACCEL_OP_EXEC, vio_exec),
    VACCEL_OP_INIT(vio_ops[2], VACCEL_OP_EXEC_WITH_RESOURCE, vio_exec_with_resource),
    VACCEL_OP_INIT(vio_ops[3], VACCEL_OP_IMAGE_CLASSIFY, vio_image_classify),
    VACCEL_OP_INIT(vio_ops[4], VACCEL_OP_IMAGE_DETECT, vio_image_detect),
    VACCEL_OP_INIT(vio_ops[5], VACCEL_OP_IMAGE_SEGMENT, vio_image_segment),
    VACCEL_OP_INIT(vio_ops[6], VACCEL_OP_IMAGE_POSE, vio_image_pose),
    VACCEL_OP_INIT(vio_ops[7], VACCEL_OP_IMAGE_DEPTH, vio_image_depth),
    VACCEL_OP_INIT(vio_ops[8], VACCEL_OP_BLAS_SGEMM, vio_sgemm),
    VACCEL_OP_INIT(vio_ops[9], VACCEL_OP_FPGA_ARRAYCOPY, vio_fpga_arraycopy),
    VACCEL_OP_INIT(vio_ops[10], VACCEL_OP_FPGA_MMULT, vio_fpga_mmult),
    VACCEL_OP_INIT(vio_ops[11], VACCEL_OP_FPGA_PARALLEL, vio_fpga_parallel),
    VACCEL_OP_INIT(vio_ops[12], VACCEL_OP_FPGA_VECTORADD, vio_fpga_vadd),
    VACCEL_OP_INIT(vio_ops[13], VACCEL_OP_MINMAX, vio_minmax),
    VACCEL_OP_INIT(vio_ops[14], VACCEL_OP_OPENCV, vio_opencv),
};

const size_t vio_nr_ops = sizeof(vio_ops) / sizeof(vio_ops[0]);
