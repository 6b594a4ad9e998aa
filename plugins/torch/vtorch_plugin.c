// SPDX-License-Identifier: Apache-2.0
/*
 * The torch plugin's definition: a C file, because VACCEL_PLUGIN is C only. The ops live in
 * C++ behind vtorch.h; what they do is in README.md.
 */
#include "vtorch.h"

#include "plugin_init.h"

static struct vaccel_op vtorch_ops[] = {
    VACCEL_OP_INIT(vtorch_ops[0], VACCEL_OP_TORCH_MODEL_LOAD, vtorch_model_load),
    VACCEL_OP_INIT(vtorch_ops[1], VACCEL_OP_TORCH_MODEL_RUN, vtorch_model_run),
    VACCEL_OP_INIT(vtorch_ops[2], VACCEL_OP_TORCH_SGEMM, vtorch_sgemm),
    VACCEL_OP_INIT(vtorch_ops[3], VACCEL_OP_IMAGE_CLASSIFY, vtorch_image_classify),
};

PLUGIN_DEFINE_INIT_FINI(vtorch, vtorch_ops)

/* Type TORCH: a guest session created with VACCEL_PLUGIN_TORCH lands here (docs/real-plugins.md).
 */
VACCEL_PLUGIN(.name = "torch", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_TORCH, .init = vtorch_init, .fini = vtorch_fini,
	      .resource_unregister = vtorch_resource_unregister)
