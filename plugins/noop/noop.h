/* SPDX-License-Identifier: Apache-2.0 */
/*
 * noop plugin internals: one function per operation, grouped by file. Every function takes
 * exactly the parameters of the matching public wrapper (see include/vaccel/ops/).
 */
#ifndef NOOP_H
#define NOOP_H

#include <string.h>
#include <vaccel.h>

/* Debug lines carry the "[noop] " prefix; the first argument must be a string literal. */
#define noop_debug(...) vaccel_debug("[noop] " __VA_ARGS__)

/* "(null)" for NULL, so log lines never pass NULL to %s. */
static inline const char *noop_str(const char *s)
{
	return s ? s : "(null)";
}

/*
 * The model runs answer with copies of their inputs: output i is a new tensor with input
 * i's dims, type and data; an output without an input, or whose input is NULL, is NULL.
 * The three tensor families share their field names, so one body serves them all:
 * NOOP_DEFINE_ECHO(tf) defines
 *   noop_echo_tf(in, nr_in, out, nr_out): fill out[]; on failure nothing is left allocated;
 *   noop_drop_tf(out, n): delete out[0..n) and set them to NULL.
 */
#define NOOP_DEFINE_ECHO(PFX)                                                                      \
	static void noop_drop_##PFX(struct vaccel_##PFX##_tensor **out, int n)                     \
	{                                                                                          \
		for (int i = 0; i < n; i++) {                                                      \
			if (out[i])                                                                \
				vaccel_##PFX##_tensor_delete(out[i]);                              \
			out[i] = NULL;                                                             \
		}                                                                                  \
	}                                                                                          \
                                                                                                   \
	static int noop_echo_##PFX(struct vaccel_##PFX##_tensor *const *in, int nr_in,             \
				   struct vaccel_##PFX##_tensor **out, int nr_out)                 \
	{                                                                                          \
		int i, ret;                                                                        \
                                                                                                   \
		for (i = 0; i < nr_out; i++)                                                       \
			out[i] = NULL;                                                             \
		for (i = 0; i < nr_out && i < nr_in; i++) {                                        \
			if (!in[i])                                                                \
				continue;                                                          \
			ret = vaccel_##PFX##_tensor_allocate(&out[i], in[i]->nr_dims, in[i]->dims, \
							     in[i]->data_type,                     \
							     in[i]->data ? in[i]->size : 0);       \
			if (ret) {                                                                 \
				noop_drop_##PFX(out, i);                                           \
				return ret;                                                        \
			}                                                                          \
			if (in[i]->data && in[i]->size)                                            \
				memcpy(out[i]->data, in[i]->data, in[i]->size);                    \
		}                                                                                  \
		return VACCEL_OK;                                                                  \
	}

/* noop_image.c */
int noop_image_classify(struct vaccel_session *sess, const void *img, unsigned char *out_text,
			unsigned char *out_imgname, size_t len_img, size_t len_out_text,
			size_t len_out_imgname);
int noop_image_detect(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		      size_t len_img, size_t len_out_imgname);
int noop_image_segment(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		       size_t len_img, size_t len_out_imgname);
int noop_image_pose(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		    size_t len_img, size_t len_out_imgname);
int noop_image_depth(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		     size_t len_img, size_t len_out_imgname);

/* noop_exec.c */
int noop_noop(struct vaccel_session *sess);
int noop_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
	      struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write);
int noop_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
			    const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
			    struct vaccel_arg *write, size_t nr_write);

/* noop_compute.c */
int noop_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha, float *a,
	       int64_t lda, float *b, int64_t ldb, float beta, float *c, int64_t ldc);
int noop_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a);
int noop_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a);
int noop_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
		       float mult_output[], size_t len_a);
int noop_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		   size_t len_b);
int noop_minmax(struct vaccel_session *sess, const double *indata, int ndata, int low_threshold,
		int high_threshold, double *outdata, double *min, double *max);
int noop_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		struct vaccel_arg *write, int nr_write);

/* noop_tf.c */
int noop_tf_model_load(struct vaccel_session *sess, struct vaccel_resource *model,
		       struct vaccel_tf_status *status);
int noop_tf_model_unload(struct vaccel_session *sess, struct vaccel_resource *model,
			 struct vaccel_tf_status *status);
int noop_tf_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
		      const struct vaccel_tf_buffer *run_options,
		      const struct vaccel_tf_node *in_nodes,
		      struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
		      const struct vaccel_tf_node *out_nodes, struct vaccel_tf_tensor **out_tensors,
		      int nr_outputs, struct vaccel_tf_status *status);

/* noop_tflite_torch.c */
int noop_tflite_model_load(struct vaccel_session *sess, struct vaccel_resource *model);
int noop_tflite_model_unload(struct vaccel_session *sess, struct vaccel_resource *model);
int noop_tflite_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			  struct vaccel_tflite_tensor *const *inputs, int nr_inputs,
			  struct vaccel_tflite_tensor **outputs, int nr_outputs, uint8_t *status);
int noop_torch_model_load(struct vaccel_session *sess, struct vaccel_resource *model);
int noop_torch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			 const struct vaccel_torch_buffer *run_options,
			 struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			 struct vaccel_torch_tensor **outputs, int nr_outputs);
int noop_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_a,
		     struct vaccel_torch_tensor **in_b, struct vaccel_torch_tensor **in_c, int m,
		     int n, int k, struct vaccel_torch_tensor **out);

#endif /* NOOP_H */
