// SPDX-License-Identifier: Apache-2.0
/*
 * The noop debug plugin: implements every operation without doing real work. It logs its
 * arguments at debug level and returns fixed dummy results, so programs and transports can
 * be tested end to end without an accelerator.
 */
#include "noop.h"
#include "vaccel_common.h"

static struct vaccel_op noop_ops[] = {
    VACCEL_OP_INIT(noop_ops[0], VACCEL_OP_NOOP, noop_noop),
    VACCEL_OP_INIT(noop_ops[1], VACCEL_OP_EXEC, noop_exec),
    VACCEL_OP_INIT(noop_ops[2], VACCEL_OP_EXEC_WITH_RESOURCE, noop_exec_with_resource),
    VACCEL_OP_INIT(noop_ops[3], VACCEL_OP_IMAGE_CLASSIFY, noop_image_classify),
    VACCEL_OP_INIT(noop_ops[4], VACCEL_OP_IMAGE_DETECT, noop_image_detect),
    VACCEL_OP_INIT(noop_ops[5], VACCEL_OP_IMAGE_SEGMENT, noop_image_segment),
    VACCEL_OP_INIT(noop_ops[6], VACCEL_OP_IMAGE_POSE, noop_image_pose),
    VACCEL_OP_INIT(noop_ops[7], VACCEL_OP_IMAGE_DEPTH, noop_image_depth),
    VACCEL_OP_INIT(noop_ops[8], VACCEL_OP_TF_MODEL_LOAD, noop_tf_model_load),
    VACCEL_OP_INIT(noop_ops[9], VACCEL_OP_TF_MODEL_UNLOAD, noop_tf_model_unload),
    VACCEL_OP_INIT(noop_ops[10], VACCEL_OP_TF_MODEL_RUN, noop_tf_model_run),
    VACCEL_OP_INIT(noop_ops[11], VACCEL_OP_TFLITE_MODEL_LOAD, noop_tflite_model_load),
    VACCEL_OP_INIT(noop_ops[12], VACCEL_OP_TFLITE_MODEL_UNLOAD, noop_tflite_model_unload),
    VACCEL_OP_INIT(noop_ops[13], VACCEL_OP_TFLITE_MODEL_RUN, noop_tflite_model_run),
    VACCEL_OP_INIT(noop_ops[14], VACCEL_OP_TORCH_MODEL_LOAD, noop_torch_model_load),
    VACCEL_OP_INIT(noop_ops[15], VACCEL_OP_TORCH_MODEL_RUN, noop_torch_model_run),
    VACCEL_OP_INIT(noop_ops[16], VACCEL_OP_TORCH_SGEMM, noop_torch_sgemm),
    VACCEL_OP_INIT(noop_ops[17], VACCEL_OP_BLAS_SGEMM, noop_sgemm),
    VACCEL_OP_INIT(noop_ops[18], VACCEL_OP_FPGA_ARRAYCOPY, noop_fpga_arraycopy),
    VACCEL_OP_INIT(noop_ops[19], VACCEL_OP_FPGA_MMULT, noop_fpga_mmult),
    VACCEL_OP_INIT(noop_ops[20], VACCEL_OP_FPGA_PARALLEL, noop_fpga_parallel),
    VACCEL_OP_INIT(noop_ops[21], VACCEL_OP_FPGA_VECTORADD, noop_fpga_vadd),
    VACCEL_OP_INIT(noop_ops[22], VACCEL_OP_MINMAX, noop_minmax),
    VACCEL_OP_INIT(noop_ops[23], VACCEL_OP_OPENCV, noop_opencv),
};

/* The table must cover every op type exactly once. */
_Static_assert(ARRAY_SIZE(noop_ops) == VACCEL_OP_MAX, "noop must implement every operation");

static int noop_init(void)
{
	return vaccel_plugin_register_ops(noop_ops, ARRAY_SIZE(noop_ops));
}

static int noop_fini(void)
{
	return VACCEL_OK;
}

VACCEL_PLUGIN(.name = "noop", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_DEBUG, .init = noop_init, .fini = noop_fini)
