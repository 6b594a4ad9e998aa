/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_ops: each vAccel operation packed as a GENOP (docs/virtio-accel.md
 * §6.2): read[0] is the op type as a UINT8, then the op's own args as its row
 * in the op table (lib/optable) lays them out. Each op below only hands its
 * typed parameters over in the row's order; vio_op() types them, sizes the
 * ones the row derives (matrices, "holds len(a)"), checks what it derived,
 * and marks write args the op reads (in/out) so that only those travel in.
 * Nothing is copied here; the driver copies once.
 */
#include "vio_plugin.h"

#include "optab.h"
#include "vaccel_common.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Largest count of user args exec passes through (both directions). */
#define VIO_MAX_USER_ARGS VIRTIO_ACCEL_MAX_ARGS_LIMIT

/* A caller's arg, verbatim (type and custom type id included). */
static struct vio_arg from_user(const struct vaccel_arg *a)
{
	return (struct vio_arg){.buf = a->buf,
				.len = a->size,
				.type = (uint32_t)a->type,
				.custom_id = a->custom_type_id};
}

/* src[i] as a vaccel_arg of the row's type; the size is left OPTAB_DERIVED where the row says. */
static int typed_arg(const struct optab_op *row, const struct optab_arg *d, const struct vio_src *s,
		     struct vaccel_arg *a)
{
	const struct optab_type *t = optab_type(d->type);
	uint64_t bytes = 0;

	if (s->arg) {
		*a = *s->arg;
		return VACCEL_OK;
	}
	if (s->elem != t->size) {
		/* A typed call that disagrees with its row: a bug here, not the caller's. */
		vaccel_error("[virtio] %s: %s: %zu-byte elements, the op table says %u",
			     vaccel_op_type_to_str((vaccel_op_type_t)row->op), d->name, s->elem,
			     t->size);
		return VACCEL_EINVAL;
	}
	if (s->n == VIO_DERIVED)
		bytes = OPTAB_DERIVED;
	else if (s->n == VIO_STRLEN)
		bytes = s->buf ? strlen(s->buf) + 1 : 0;
	else if (__builtin_mul_overflow(s->n, (uint64_t)t->size, &bytes) || bytes >= SIZE_MAX)
		return VACCEL_EINVAL;
	/* A missing optional output travels as an empty write arg (NULL, 0 on the host). */
	if (!s->buf && d->len == OPTAB_LEN_FREE && !d->min)
		bytes = 0;
	*a = (struct vaccel_arg){.buf = (void *)s->buf, .size = (size_t)bytes, .type = d->type};
	return VACCEL_OK;
}

/*
 * The descriptor of each arg, read then write, the row's groups repeated as
 * reps[] says (read groups first). *nr_read gets the read count. False when
 * the args are not n.
 */
static bool expand_descs(const struct optab_op *row, const uint64_t *reps,
			 const struct optab_arg **out, size_t n, size_t *nr_read)
{
	size_t k = 0, g = 0;

	for (int w = 0; w < 2; w++) {
		const struct optab_arg *d = w ? row->wr : row->rd;
		size_t nd = w ? row->nr_write : row->nr_read;

		if (w)
			*nr_read = k;
		for (size_t i = 0; i < nd; i++) {
			size_t members = d[i].len == OPTAB_LEN_GROUP ? (size_t)d[i].min : 0;
			uint64_t times = members ? reps[g++] : 1;

			for (uint64_t r = 0; r < times; r++) {
				for (size_t j = 0; j < (members ? members : 1); j++) {
					if (k == n)
						return false;
					out[k++] = members ? &d[i + 1 + j] : &d[i];
				}
			}
			i += members;
		}
	}
	return k == n;
}

/* vio_op_call() for every op but a bare one. Apart: its frame (arg arrays) is not free. */
__attribute__((noinline)) static int
op_call_args(struct vaccel_session *sess, const struct vio_op *o, const struct optab_op *row)
{
	const struct optab_arg *descs_fixed[2 * OPTAB_MAX_FIXED], **descs = descs_fixed;
	struct vaccel_arg fixed[2 * OPTAB_MAX_FIXED], *args = fixed;
	struct vio_arg rd_fixed[1 + OPTAB_MAX_FIXED], wr_fixed[OPTAB_MAX_FIXED];
	struct vio_arg *rd = rd_fixed, *wr = wr_fixed;
	const struct vio_tail *tail = o->tail;
	size_t nr_tr = tail ? tail->nr_read : 0, nr_tw = tail ? tail->nr_write : 0;
	size_t nr_src = o->nr_src, nr_rs = 0, nr_ws, nr_rd, nr_wr;
	uint8_t op_type = (uint8_t)o->op;
	bool grouped = o->reps != NULL;
	struct optab_err err;
	int ret;

	if (!row || (!grouped && nr_src != (size_t)row->nr_read + row->nr_write))
		return VACCEL_EINVAL;
	if ((nr_tr && !tail->read) || (nr_tw && !tail->write))
		return VACCEL_EINVAL;
	if (nr_tr > VIO_MAX_USER_ARGS || nr_tw > VIO_MAX_USER_ARGS ||
	    nr_src > VIRTIO_ACCEL_MAX_ARGS_LIMIT) {
		vaccel_error("[virtio] Too many arguments for the device");
		return VACCEL_ENOSPC;
	}
	/* Repeated groups (the model ops' tensors): storage by their count. */
	if (grouped) {
		descs = calloc(nr_src + 1, sizeof(*descs));
		args = calloc(nr_src + 1, sizeof(*args));
		rd = calloc(1 + nr_src + nr_tr, sizeof(*rd));
		wr = calloc(nr_src + nr_tw + 1, sizeof(*wr));
		ret = VACCEL_ENOMEM;
		if (!descs || !args || !rd || !wr)
			goto out;
		ret = VACCEL_EINVAL;
		if (!expand_descs(row, o->reps, descs, nr_src, &nr_rs))
			goto out;
	} else {
		nr_rs = row->nr_read;
		for (size_t i = 0; i < nr_src; i++)
			descs[i] = i < nr_rs ? &row->rd[i] : &row->wr[i - nr_rs];
	}
	nr_ws = nr_src - nr_rs;
	for (size_t i = 0; i < nr_src; i++) {
		ret = typed_arg(row, descs[i], &o->src[i], &args[i]);
		if (ret)
			goto out;
	}
	if (optab_check(row, args, nr_rs, args + nr_rs, nr_ws, OPTAB_DERIVE, NULL, &err)) {
		char why[256];

		optab_err_str(row, &err, why, sizeof(why));
		vaccel_error("[virtio] %s", why);
		ret = VACCEL_EINVAL;
		goto out;
	}

	nr_rd = 1 + nr_rs + nr_tr;
	nr_wr = nr_ws + nr_tw;
	if (!grouped && (nr_tr || nr_tw)) {
		rd = calloc(nr_rd, sizeof(*rd));
		wr = calloc(nr_wr ? nr_wr : 1, sizeof(*wr));
		if (!rd || !wr) {
			ret = VACCEL_ENOMEM;
			goto out;
		}
	}
	rd[0] = (struct vio_arg){.buf = &op_type, .len = 1, .type = VACCEL_ARG_UINT8};
	for (size_t i = 0; i < nr_rs; i++)
		rd[1 + i] = from_user(&args[i]);
	for (size_t i = 0; i < nr_tr; i++)
		rd[1 + nr_rs + i] = from_user(&tail->read[i]);
	/* Only what the op reads travels in: out-only buffers are not copied to the device. */
	for (size_t i = 0; i < nr_wr; i++) {
		wr[i] = from_user(i < nr_ws ? &args[nr_rs + i] : &tail->write[i - nr_ws]);
		wr[i].inout = optab_write_role(row, i) == OPTAB_INOUT;
	}
	ret = vio_genop(sess, rd, (unsigned)nr_rd, wr, (unsigned)nr_wr);
	/* What the device produced in each write arg. */
	for (size_t i = 0; o->out_len && i < nr_ws; i++)
		o->out_len[i] = wr[i].len;
out:
	if (rd != rd_fixed) {
		free(rd);
		free(wr);
	}
	if (descs != descs_fixed) {
		free(descs);
		free(args);
	}
	return ret;
}

int vio_op_call(struct vaccel_session *sess, const struct vio_op *o)
{
	const struct optab_op *row = optab_op(o->op);

	/* A row without args (noop): the request is its op type alone, nothing to type or
	 * check (optab_check accepts such a row at once). */
	if (row && !row->nr_read && !row->nr_write && !o->nr_src && !o->tail && !o->reps) {
		uint8_t op_type = (uint8_t)o->op;
		const struct vio_arg type = {.buf = &op_type, .len = 1, .type = VACCEL_ARG_UINT8};

		return vio_genop(sess, &type, 1, NULL, 0);
	}
	return op_call_args(sess, o, row);
}

/* An op of fixed args src[] (read then write, the row's order) and a pass-through tail. */
static int vio_op(struct vaccel_session *sess, vaccel_op_type_t op, const struct vio_src *src,
		  size_t nr_src, const struct vio_tail *tail)
{
	return vio_op_call(sess,
			   &(struct vio_op){.op = op, .src = src, .nr_src = nr_src, .tail = tail});
}

int vio_remote_id(const struct vaccel_resource *res, int64_t *rid)
{
	if (!res)
		return VACCEL_EINVAL;
	/* The device knows the resource by the id it gave us. */
	*rid = res->remote_id;
	if (*rid <= 0) {
		vaccel_error("[virtio] Resource %" PRId64 " has no remote copy", res->id);
		return VACCEL_ENOENT;
	}
	return VACCEL_OK;
}

static int vio_noop(struct vaccel_session *sess)
{
	return vio_op(sess, VACCEL_OP_NOOP, NULL, 0, NULL);
}

/* ------------------------------------------------------------------ image */

static int vio_image_classify(struct vaccel_session *sess, const void *img, unsigned char *out_text,
			      unsigned char *out_imgname, size_t len_img, size_t len_out_text,
			      size_t len_out_imgname)
{
	const struct vio_src src[] = {BYTES(img, len_img), ELEMS(out_imgname, len_out_imgname),
				      ELEMS(out_text, len_out_text)};

	return vio_op(sess, VACCEL_OP_IMAGE_CLASSIFY, src, ARRAY_SIZE(src), NULL);
}

static int image_op(struct vaccel_session *sess, vaccel_op_type_t op, const void *img,
		    unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	const struct vio_src src[] = {BYTES(img, len_img), ELEMS(out_imgname, len_out_imgname)};

	return vio_op(sess, op, src, ARRAY_SIZE(src), NULL);
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
	const struct vio_src src[] = {VAL(m),	  VAL(n),   VAL(k),	VAL(alpha),
				      DERIVED(a), VAL(lda), DERIVED(b), VAL(ldb),
				      VAL(beta),  VAL(ldc), DERIVED(c)};

	return vio_op(sess, VACCEL_OP_BLAS_SGEMM, src, ARRAY_SIZE(src), NULL);
}

/* ------------------------------------------------------------------- fpga */

static int vio_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	const struct vio_src src[] = {ELEMS(a, len_a), DERIVED(out_a)};

	return vio_op(sess, VACCEL_OP_FPGA_ARRAYCOPY, src, ARRAY_SIZE(src), NULL);
}

static int vio_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[],
			  size_t len_a)
{
	const struct vio_src src[] = {ELEMS(a, len_a), DERIVED(b), DERIVED(c)};

	return vio_op(sess, VACCEL_OP_FPGA_MMULT, src, ARRAY_SIZE(src), NULL);
}

static int vio_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
			     float mult_output[], size_t len_a)
{
	const struct vio_src src[] = {ELEMS(a, len_a), DERIVED(b), DERIVED(add_output),
				      DERIVED(mult_output)};

	return vio_op(sess, VACCEL_OP_FPGA_PARALLEL, src, ARRAY_SIZE(src), NULL);
}

static int vio_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
			 size_t len_b)
{
	const struct vio_src src[] = {ELEMS(a, len_a), ELEMS(b, len_b), DERIVED(c)};

	return vio_op(sess, VACCEL_OP_FPGA_VECTORADD, src, ARRAY_SIZE(src), NULL);
}

/* ----------------------------------------------------------------- minmax */

static int vio_minmax(struct vaccel_session *sess, const double *indata, int ndata,
		      int low_threshold, int high_threshold, double *outdata, double *min,
		      double *max)
{
	const struct vio_src src[] = {DERIVED(indata),	   VAL(ndata),	     VAL(low_threshold),
				      VAL(high_threshold), DERIVED(outdata), ELEMS(min, 1),
				      ELEMS(max, 1)};

	return vio_op(sess, VACCEL_OP_MINMAX, src, ARRAY_SIZE(src), NULL);
}

/* ------------------------------------------- exec, exec_with_resource, opencv */

static int vio_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		    struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		    size_t nr_write)
{
	const struct vio_src src[] = {STR(library), STR(fn_symbol)};
	const struct vio_tail tail = {read, write, nr_read, nr_write};

	return vio_op(sess, VACCEL_OP_EXEC, src, ARRAY_SIZE(src), &tail);
}

static int vio_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
				  const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
				  struct vaccel_arg *write, size_t nr_write)
{
	const struct vio_tail tail = {read, write, nr_read, nr_write};
	int64_t rid;
	int ret = vio_remote_id(resource, &rid);

	if (ret)
		return ret;

	const struct vio_src src[] = {VAL(rid), STR(fn_symbol)};

	return vio_op(sess, VACCEL_OP_EXEC_WITH_RESOURCE, src, ARRAY_SIZE(src), &tail);
}

/* The first user arg selects the plugin's function; it travels as the user gave it. */
static int vio_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		      struct vaccel_arg *write, int nr_write)
{
	if (nr_read < 1 || !read || nr_write < 0)
		return VACCEL_EINVAL;

	const struct vio_src src[] = {USER(&read[0])};
	const struct vio_tail tail = {read + 1, write, (size_t)nr_read - 1, (size_t)nr_write};

	return vio_op(sess, VACCEL_OP_OPENCV, src, ARRAY_SIZE(src), &tail);
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

const size_t vio_nr_ops = ARRAY_SIZE(vio_ops);
