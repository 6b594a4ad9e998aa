/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The torch plugin's C ABI: the plugin definition (vtorch_plugin.c, C, with the
 * VACCEL_PLUGIN macro) registers these functions, which are written in C++ with libtorch
 * (vtorch_model.cc: models cached per resource; vtorch_ops.cc: the ops). No C++ type or
 * exception crosses this header: every function catches what libtorch throws and returns
 * a VACCEL_E* code after logging one line that says why.
 *
 * Each op function takes exactly the parameters of its public wrapper (include/vaccel/ops/).
 */
#ifndef VTORCH_H
#define VTORCH_H

#include <vaccel.h>

#ifdef __cplusplus
extern "C" {
#endif

int vtorch_model_load(struct vaccel_session *sess, struct vaccel_resource *model);
int vtorch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
		     const struct vaccel_torch_buffer *run_options,
		     struct vaccel_torch_tensor *const *inputs, int nr_inputs,
		     struct vaccel_torch_tensor **outputs, int nr_outputs);
int vtorch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_a,
		 struct vaccel_torch_tensor **in_b, struct vaccel_torch_tensor **in_c, int m, int n,
		 int k, struct vaccel_torch_tensor **out);
int vtorch_image_classify(struct vaccel_session *sess, const void *img, unsigned char *out_text,
			  unsigned char *out_imgname, size_t len_img, size_t len_out_text,
			  size_t len_out_imgname);

/* resource_unregister hook: drop the cached model when the last session lets go. */
int vtorch_resource_unregister(struct vaccel_resource *res, struct vaccel_session *sess);

/* Plugin init/fini of the libtorch side. */
int vtorch_backend_init(void);
void vtorch_backend_fini(void);

#ifdef __cplusplus
}
#endif

#endif /* VTORCH_H */
