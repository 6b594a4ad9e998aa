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

/* Declared with their public wrappers' types, so the definitions are checked against them. */
__typeof__(vaccel_torch_model_load) vtorch_model_load;
__typeof__(vaccel_torch_model_run) vtorch_model_run;
__typeof__(vaccel_torch_sgemm) vtorch_sgemm;
__typeof__(vaccel_image_classification) vtorch_image_classify;

/* resource_unregister hook: drop the cached model when the last session lets go. */
int vtorch_resource_unregister(struct vaccel_resource *res, struct vaccel_session *sess);

/* Plugin init/fini of the libtorch side. */
int vtorch_backend_init(void);
void vtorch_backend_fini(void);

#ifdef __cplusplus
}
#endif

#endif /* VTORCH_H */
