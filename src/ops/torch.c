// SPDX-License-Identifier: Apache-2.0
/* The Torch ops: model load, model run and the deprecated sgemm. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/torch.h"

int vaccel_torch_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_TORCH_MODEL_LOAD, model, vaccel_torch_model_load, sess,
			model);
}

int vaccel_torch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			   const struct vaccel_torch_buffer *run_options,
			   struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			   struct vaccel_torch_tensor **outputs, int nr_outputs)
{
	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	OPS_RETURN_CALL(sess, VACCEL_OP_TORCH_MODEL_RUN, model, vaccel_torch_model_run, sess, model,
			run_options, inputs, nr_inputs, outputs, nr_outputs);
}

int vaccel_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
		       struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C, int M,
		       int N, int K, struct vaccel_torch_tensor **out)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_TORCH_SGEMM, NULL, vaccel_torch_sgemm, sess, in_A, in_B,
			in_C, M, N, K, out);
}
