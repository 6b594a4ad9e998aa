// SPDX-License-Identifier: Apache-2.0
/* The Torch ops: model load, model run and the deprecated sgemm. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/torch.h"

typedef int (*torch_load_fn)(struct vaccel_session *sess, struct vaccel_resource *model);
typedef int (*torch_run_fn)(struct vaccel_session *sess, struct vaccel_resource *model,
			    const struct vaccel_torch_buffer *run_options,
			    struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			    struct vaccel_torch_tensor **outputs, int nr_outputs);
typedef int (*torch_sgemm_fn)(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
			      struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C,
			      int M, int N, int K, struct vaccel_torch_tensor **out);

int vaccel_torch_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_TORCH_MODEL_LOAD, model);
	if (ret)
		return ret;

	return ops_exit(&call, ((torch_load_fn)call.func)(sess, model));
}

int vaccel_torch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			   const struct vaccel_torch_buffer *run_options,
			   struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			   struct vaccel_torch_tensor **outputs, int nr_outputs)
{
	struct ops_call call;
	int ret;

	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	ret = ops_enter(&call, sess, VACCEL_OP_TORCH_MODEL_RUN, model);
	if (ret)
		return ret;

	return ops_exit(&call, ((torch_run_fn)call.func)(sess, model, run_options, inputs,
							 nr_inputs, outputs, nr_outputs));
}

int vaccel_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
		       struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C, int M,
		       int N, int K, struct vaccel_torch_tensor **out)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_TORCH_SGEMM, NULL);
	if (ret)
		return ret;

	return ops_exit(&call, ((torch_sgemm_fn)call.func)(sess, in_A, in_B, in_C, M, N, K, out));
}
