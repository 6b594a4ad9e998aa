/* SPDX-License-Identifier: Apache-2.0 */
/*
 * noop plugin internals: one function per operation, grouped by file. Every function takes
 * exactly the parameters of the matching public wrapper (see include/vaccel/ops/); the
 * declarations below say so with __typeof__.
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

/*
 * The ops, one per public wrapper and declared with its type, so that the compiler checks
 * each definition against the wrapper's signature.
 */

/* noop_image.c */
__typeof__(vaccel_image_classification) noop_image_classify;
__typeof__(vaccel_image_detection) noop_image_detect;
__typeof__(vaccel_image_segmentation) noop_image_segment;
__typeof__(vaccel_image_pose) noop_image_pose;
__typeof__(vaccel_image_depth) noop_image_depth;

/* noop_exec.c */
__typeof__(vaccel_noop) noop_noop;
__typeof__(vaccel_exec) noop_exec;
__typeof__(vaccel_exec_with_resource) noop_exec_with_resource;

/* noop_compute.c */
__typeof__(vaccel_sgemm) noop_sgemm;
__typeof__(vaccel_fpga_arraycopy) noop_fpga_arraycopy;
__typeof__(vaccel_fpga_mmult) noop_fpga_mmult;
__typeof__(vaccel_fpga_parallel) noop_fpga_parallel;
__typeof__(vaccel_fpga_vadd) noop_fpga_vadd;
__typeof__(vaccel_minmax) noop_minmax;
__typeof__(vaccel_opencv) noop_opencv;

/* noop_tf.c */
__typeof__(vaccel_tf_model_load) noop_tf_model_load;
__typeof__(vaccel_tf_model_unload) noop_tf_model_unload;
__typeof__(vaccel_tf_model_run) noop_tf_model_run;

/* noop_tflite_torch.c */
__typeof__(vaccel_tflite_model_load) noop_tflite_model_load;
__typeof__(vaccel_tflite_model_unload) noop_tflite_model_unload;
__typeof__(vaccel_tflite_model_run) noop_tflite_model_run;
__typeof__(vaccel_torch_model_load) noop_torch_model_load;
__typeof__(vaccel_torch_model_run) noop_torch_model_run;
__typeof__(vaccel_torch_sgemm) noop_torch_sgemm;

#endif /* NOOP_H */
