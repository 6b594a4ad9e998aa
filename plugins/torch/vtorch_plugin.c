// SPDX-License-Identifier: Apache-2.0
/*
 * The torch plugin's definition: a C file, because VACCEL_PLUGIN is C only. The ops live in
 * C++ behind vtorch.h; what they do is in README.md.
 */
#include "vtorch.h"

#include <vaccel_common.h>

static struct vaccel_op vtorch_ops[] = {
    VACCEL_OP_INIT(vtorch_ops[0], VACCEL_OP_TORCH_MODEL_LOAD, vtorch_model_load),
    VACCEL_OP_INIT(vtorch_ops[1], VACCEL_OP_TORCH_MODEL_RUN, vtorch_model_run),
    VACCEL_OP_INIT(vtorch_ops[2], VACCEL_OP_TORCH_SGEMM, vtorch_sgemm),
    VACCEL_OP_INIT(vtorch_ops[3], VACCEL_OP_IMAGE_CLASSIFY, vtorch_image_classify),
};

static int vtorch_init(void)
{
	int ret = vtorch_backend_init();

	if (ret)
		return ret;
	return vaccel_plugin_register_ops(vtorch_ops, ARRAY_SIZE(vtorch_ops));
}

static int vtorch_fini(void)
{
	vtorch_backend_fini();
	return VACCEL_OK;
}

/* Type TORCH: a guest session created with VACCEL_PLUGIN_TORCH lands here (docs/real-plugins.md).
 */
VACCEL_PLUGIN(.name = "torch", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_TORCH, .init = vtorch_init, .fini = vtorch_fini,
	      .resource_unregister = vtorch_resource_unregister)
