// SPDX-License-Identifier: Apache-2.0
/*
 * libvaccel-opstest.so: a test plugin that implements every op. Each op
 * records its arguments in `state` (pointers in ptr[], integers in num[],
 * floats in real[], each in signature order), does a small, checkable piece
 * of work on its outputs, and returns state.ret.
 */

#include "opstest_plugin.h"
#include "vaccel_common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct opstest_state state;

__attribute__((visibility("default"))) struct opstest_state *opstest_state(void)
{
	return &state;
}

/* Store an op's pointer, integer or float args, each kind in signature order. */
#define RECORD_ARGS(field, type, ...)                                                              \
	do {                                                                                       \
		const type args_[] = {__VA_ARGS__};                                                \
                                                                                                   \
		_Static_assert(sizeof(args_) <= sizeof(state.field), "too many args");             \
		memcpy(state.field, args_, sizeof(args_));                                         \
	} while (0)
#define RECORD_PTRS(...) RECORD_ARGS(ptr, void *, __VA_ARGS__)
#define RECORD_NUMS(...) RECORD_ARGS(num, int64_t, __VA_ARGS__)
#define RECORD_REALS(...) RECORD_ARGS(real, double, __VA_ARGS__)

static void record(vaccel_op_type_t op, struct vaccel_session *sess)
{
	/* atomic: the concurrency test calls ops from several threads */
	__atomic_fetch_add(&state.count[op], 1, __ATOMIC_RELAXED);
	if (state.count_only)
		return;
	state.last_op = (int)op;
	state.sess = sess;
	memset(state.ptr, 0, sizeof(state.ptr));
	memset(state.num, 0, sizeof(state.num));
	memset(state.real, 0, sizeof(state.real));
}

/* Copy the first read arg into the first write arg, as far as both reach. */
static void echo_args(const struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		      size_t nr_write)
{
	if (!read || !write || !nr_read || !nr_write || !read[0].buf || !write[0].buf)
		return;

	memcpy(write[0].buf, read[0].buf,
	       read[0].size < write[0].size ? read[0].size : write[0].size);
}

static int op_noop(struct vaccel_session *sess)
{
	record(VACCEL_OP_NOOP, sess);
	return state.ret;
}

/* exec and exec_with_resource: `target` is the library name or the LIB resource. */
static int exec_common(vaccel_op_type_t op, struct vaccel_session *sess, const void *target,
		       const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
		       struct vaccel_arg *write, size_t nr_write)
{
	record(op, sess);
	RECORD_PTRS(target, fn_symbol, read, write);
	RECORD_NUMS(nr_read, nr_write);
	echo_args(read, nr_read, write, nr_write);
	return state.ret;
}

static int op_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		   struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		   size_t nr_write)
{
	return exec_common(VACCEL_OP_EXEC, sess, library, fn_symbol, read, nr_read, write,
			   nr_write);
}

static int op_exec_res(struct vaccel_session *sess, struct vaccel_resource *resource,
		       const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
		       struct vaccel_arg *write, size_t nr_write)
{
	return exec_common(VACCEL_OP_EXEC_WITH_RESOURCE, sess, resource, fn_symbol, read, nr_read,
			   write, nr_write);
}

static void put_text(unsigned char *out, size_t len, const char *text)
{
	if (out && len)
		snprintf((char *)out, len, "%s", text);
}

static int op_classify(struct vaccel_session *sess, const void *img, unsigned char *out_text,
		       unsigned char *out_imgname, size_t len_img, size_t len_out_text,
		       size_t len_out_imgname)
{
	record(VACCEL_OP_IMAGE_CLASSIFY, sess);
	RECORD_PTRS(img, out_text, out_imgname);
	RECORD_NUMS(len_img, len_out_text, len_out_imgname);
	put_text(out_text, len_out_text, OPSTEST_CLASSIFY_TEXT);
	put_text(out_imgname, len_out_imgname, OPSTEST_IMGNAME);
	return state.ret;
}

static int image_common(vaccel_op_type_t op, struct vaccel_session *sess, const void *img,
			unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	record(op, sess);
	RECORD_PTRS(img, out_imgname);
	RECORD_NUMS(len_img, len_out_imgname);
	put_text(out_imgname, len_out_imgname, OPSTEST_IMGNAME);
	return state.ret;
}

#define IMAGE_OP(fn, op)                                                                           \
	static int fn(struct vaccel_session *sess, const void *img, unsigned char *out,            \
		      size_t len_img, size_t len_out)                                              \
	{                                                                                          \
		return image_common(op, sess, img, out, len_img, len_out);                         \
	}
IMAGE_OP(op_detect, VACCEL_OP_IMAGE_DETECT)
IMAGE_OP(op_segment, VACCEL_OP_IMAGE_SEGMENT)
IMAGE_OP(op_pose, VACCEL_OP_IMAGE_POSE)
IMAGE_OP(op_depth, VACCEL_OP_IMAGE_DEPTH)

/* Row-major C = alpha * A * B + beta * C, touching only what the strides span. */
static int op_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha,
		    float *a, int64_t lda, float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
	record(VACCEL_OP_BLAS_SGEMM, sess);
	RECORD_PTRS(a, b, c);
	RECORD_NUMS(m, n, k, lda, ldb, ldc);
	RECORD_REALS(alpha, beta);

	for (int64_t i = 0; i < m; i++) {
		for (int64_t j = 0; j < n; j++) {
			float acc = 0;

			for (int64_t p = 0; p < k; p++)
				acc += a[i * lda + p] * b[p * ldb + j];
			c[i * ldc + j] = alpha * acc + beta * c[i * ldc + j];
		}
	}
	return state.ret;
}

static int op_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	record(VACCEL_OP_FPGA_ARRAYCOPY, sess);
	RECORD_PTRS(a, out_a);
	RECORD_NUMS(len_a);
	for (size_t i = 0; i < len_a; i++)
		out_a[i] = a[i];
	return state.ret;
}

static int op_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a)
{
	record(VACCEL_OP_FPGA_MMULT, sess);
	RECORD_PTRS(a, b, c);
	RECORD_NUMS(len_a);
	for (size_t i = 0; i < len_a; i++)
		c[i] = a[i] * b[i];
	return state.ret;
}

static int op_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
		       float mult_output[], size_t len_a)
{
	record(VACCEL_OP_FPGA_PARALLEL, sess);
	RECORD_PTRS(a, b, add_output, mult_output);
	RECORD_NUMS(len_a);
	for (size_t i = 0; i < len_a; i++) {
		add_output[i] = a[i] + b[i];
		mult_output[i] = a[i] * b[i];
	}
	return state.ret;
}

static int op_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		   size_t len_b)
{
	record(VACCEL_OP_FPGA_VECTORADD, sess);
	RECORD_PTRS(a, b, c);
	RECORD_NUMS(len_a, len_b);
	for (size_t i = 0; i < len_a && i < len_b; i++)
		c[i] = a[i] + b[i];
	return state.ret;
}

static int op_minmax(struct vaccel_session *sess, const double *indata, int ndata,
		     int low_threshold, int high_threshold, double *outdata, double *min,
		     double *max)
{
	record(VACCEL_OP_MINMAX, sess);
	RECORD_PTRS(indata, outdata, min, max);
	RECORD_NUMS(ndata, low_threshold, high_threshold);
	for (int i = 0; i < ndata; i++) {
		outdata[i] = indata[i];
		if (i == 0 || indata[i] < *min)
			*min = indata[i];
		if (i == 0 || indata[i] > *max)
			*max = indata[i];
	}
	return state.ret;
}

/* Writes read[0]'s first byte into the first byte of every write arg. */
static int op_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		     struct vaccel_arg *write, int nr_write)
{
	record(VACCEL_OP_OPENCV, sess);
	RECORD_PTRS(read, write);
	RECORD_NUMS(nr_read, nr_write);
	for (int i = 0; nr_read > 0 && read[0].size && i < nr_write; i++)
		if (write[i].size)
			*(unsigned char *)write[i].buf = *(unsigned char *)read[0].buf;
	return state.ret;
}

/*
 * copy_<fw>_tensors(): out[i] = a new copy of in[i], for each i both arrays have (the
 * tensor families name these fields alike). Nonzero when an allocation fails.
 */
#define DEFINE_COPY_TENSORS(fw)                                                                    \
	static int copy_##fw##_tensors(struct vaccel_##fw##_tensor *const *in, int nr_inputs,      \
				       struct vaccel_##fw##_tensor **out, int nr_outputs)          \
	{                                                                                          \
		for (int i = 0; i < nr_outputs && i < nr_inputs; i++) {                            \
			if (vaccel_##fw##_tensor_allocate(&out[i], in[i]->nr_dims, in[i]->dims,    \
							  in[i]->data_type, in[i]->size))          \
				return -1;                                                         \
			if (in[i]->size)                                                           \
				memcpy(out[i]->data, in[i]->data, in[i]->size);                    \
		}                                                                                  \
		return 0;                                                                          \
	}
DEFINE_COPY_TENSORS(tf)
DEFINE_COPY_TENSORS(tflite)
DEFINE_COPY_TENSORS(torch)

/* The model ops without tensors: record the model and TF's status (filled in). */
static int model_common(vaccel_op_type_t op, struct vaccel_session *sess,
			struct vaccel_resource *model, struct vaccel_tf_status *status)
{
	record(op, sess);
	RECORD_PTRS(model, status);
	if (status)
		vaccel_tf_status_init(status, 0, OPSTEST_TF_MESSAGE);
	return state.ret;
}

static int op_tf_load(struct vaccel_session *sess, struct vaccel_resource *model,
		      struct vaccel_tf_status *status)
{
	return model_common(VACCEL_OP_TF_MODEL_LOAD, sess, model, status);
}

static int op_tf_unload(struct vaccel_session *sess, struct vaccel_resource *model,
			struct vaccel_tf_status *status)
{
	return model_common(VACCEL_OP_TF_MODEL_UNLOAD, sess, model, status);
}

static int op_tf_run(struct vaccel_session *sess, struct vaccel_resource *model,
		     const struct vaccel_tf_buffer *run_options,
		     const struct vaccel_tf_node *in_nodes, struct vaccel_tf_tensor *const *in,
		     int nr_inputs, const struct vaccel_tf_node *out_nodes,
		     struct vaccel_tf_tensor **out, int nr_outputs, struct vaccel_tf_status *status)
{
	record(VACCEL_OP_TF_MODEL_RUN, sess);
	RECORD_PTRS(model, run_options, in_nodes, in, out_nodes, out, status);
	RECORD_NUMS(nr_inputs, nr_outputs);

	if (copy_tf_tensors(in, nr_inputs, out, nr_outputs))
		return VACCEL_ENOMEM;
	if (status)
		vaccel_tf_status_init(status, 0, OPSTEST_TF_MESSAGE);
	return state.ret;
}

static int op_tflite_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return model_common(VACCEL_OP_TFLITE_MODEL_LOAD, sess, model, NULL);
}

static int op_tflite_unload(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return model_common(VACCEL_OP_TFLITE_MODEL_UNLOAD, sess, model, NULL);
}

static int op_tflite_run(struct vaccel_session *sess, struct vaccel_resource *model,
			 struct vaccel_tflite_tensor *const *in, int nr_inputs,
			 struct vaccel_tflite_tensor **out, int nr_outputs, uint8_t *status)
{
	record(VACCEL_OP_TFLITE_MODEL_RUN, sess);
	RECORD_PTRS(model, in, out, status);
	RECORD_NUMS(nr_inputs, nr_outputs);

	if (copy_tflite_tensors(in, nr_inputs, out, nr_outputs))
		return VACCEL_ENOMEM;
	if (status)
		*status = OPSTEST_TFLITE_STATUS;
	return state.ret;
}

static int op_torch_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return model_common(VACCEL_OP_TORCH_MODEL_LOAD, sess, model, NULL);
}

static int op_torch_run(struct vaccel_session *sess, struct vaccel_resource *model,
			const struct vaccel_torch_buffer *run_options,
			struct vaccel_torch_tensor *const *in, int nr_inputs,
			struct vaccel_torch_tensor **out, int nr_outputs)
{
	record(VACCEL_OP_TORCH_MODEL_RUN, sess);
	RECORD_PTRS(model, run_options, in, out);
	RECORD_NUMS(nr_inputs, nr_outputs);

	if (copy_torch_tensors(in, nr_inputs, out, nr_outputs))
		return VACCEL_ENOMEM;
	return state.ret;
}

static int op_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
			  struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C,
			  int M, int N, int K, struct vaccel_torch_tensor **out)
{
	record(VACCEL_OP_TORCH_SGEMM, sess);
	RECORD_PTRS(in_A, in_B, in_C, out);
	RECORD_NUMS(M, N, K);
	return state.ret;
}

static struct vaccel_op ops[] = {
    VACCEL_OP_INIT(ops[0], VACCEL_OP_NOOP, op_noop),
    VACCEL_OP_INIT(ops[1], VACCEL_OP_EXEC, op_exec),
    VACCEL_OP_INIT(ops[2], VACCEL_OP_EXEC_WITH_RESOURCE, op_exec_res),
    VACCEL_OP_INIT(ops[3], VACCEL_OP_IMAGE_CLASSIFY, op_classify),
    VACCEL_OP_INIT(ops[4], VACCEL_OP_IMAGE_DETECT, op_detect),
    VACCEL_OP_INIT(ops[5], VACCEL_OP_IMAGE_SEGMENT, op_segment),
    VACCEL_OP_INIT(ops[6], VACCEL_OP_IMAGE_POSE, op_pose),
    VACCEL_OP_INIT(ops[7], VACCEL_OP_IMAGE_DEPTH, op_depth),
    VACCEL_OP_INIT(ops[8], VACCEL_OP_TF_MODEL_LOAD, op_tf_load),
    VACCEL_OP_INIT(ops[9], VACCEL_OP_TF_MODEL_UNLOAD, op_tf_unload),
    VACCEL_OP_INIT(ops[10], VACCEL_OP_TF_MODEL_RUN, op_tf_run),
    VACCEL_OP_INIT(ops[11], VACCEL_OP_TFLITE_MODEL_LOAD, op_tflite_load),
    VACCEL_OP_INIT(ops[12], VACCEL_OP_TFLITE_MODEL_UNLOAD, op_tflite_unload),
    VACCEL_OP_INIT(ops[13], VACCEL_OP_TFLITE_MODEL_RUN, op_tflite_run),
    VACCEL_OP_INIT(ops[14], VACCEL_OP_TORCH_MODEL_LOAD, op_torch_load),
    VACCEL_OP_INIT(ops[15], VACCEL_OP_TORCH_MODEL_RUN, op_torch_run),
    VACCEL_OP_INIT(ops[16], VACCEL_OP_TORCH_SGEMM, op_torch_sgemm),
    VACCEL_OP_INIT(ops[17], VACCEL_OP_BLAS_SGEMM, op_sgemm),
    VACCEL_OP_INIT(ops[18], VACCEL_OP_FPGA_ARRAYCOPY, op_arraycopy),
    VACCEL_OP_INIT(ops[19], VACCEL_OP_FPGA_MMULT, op_mmult),
    VACCEL_OP_INIT(ops[20], VACCEL_OP_FPGA_PARALLEL, op_parallel),
    VACCEL_OP_INIT(ops[21], VACCEL_OP_FPGA_VECTORADD, op_vadd),
    VACCEL_OP_INIT(ops[22], VACCEL_OP_MINMAX, op_minmax),
    VACCEL_OP_INIT(ops[23], VACCEL_OP_OPENCV, op_opencv),
};

static int opstest_init(void)
{
	return vaccel_plugin_register_ops(ops, ARRAY_SIZE(ops));
}

static int opstest_fini(void)
{
	return VACCEL_OK;
}

VACCEL_PLUGIN(.name = "opstest", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_DEBUG, .init = opstest_init, .fini = opstest_fini)
