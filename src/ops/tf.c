// SPDX-License-Identifier: Apache-2.0
/* The TensorFlow model ops: load, unload, run. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/tf.h"

/* load and unload share their signature. */
static int tf_model_op(vaccel_op_type_t op, struct vaccel_session *sess,
		       struct vaccel_resource *model, struct vaccel_tf_status *status)
{
	OPS_RETURN_CALL(sess, op, model, vaccel_tf_model_load, sess, model, status);
}

int vaccel_tf_model_load(struct vaccel_session *sess, struct vaccel_resource *model,
			 struct vaccel_tf_status *status)
{
	return tf_model_op(VACCEL_OP_TF_MODEL_LOAD, sess, model, status);
}

int vaccel_tf_model_unload(struct vaccel_session *sess, struct vaccel_resource *model,
			   struct vaccel_tf_status *status)
{
	return tf_model_op(VACCEL_OP_TF_MODEL_UNLOAD, sess, model, status);
}

int vaccel_tf_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			const struct vaccel_tf_buffer *run_options,
			const struct vaccel_tf_node *in_nodes,
			struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
			const struct vaccel_tf_node *out_nodes,
			struct vaccel_tf_tensor **out_tensors, int nr_outputs,
			struct vaccel_tf_status *status)
{
	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	OPS_RETURN_CALL(sess, VACCEL_OP_TF_MODEL_RUN, model, vaccel_tf_model_run, sess, model,
			run_options, in_nodes, in_tensors, nr_inputs, out_nodes, out_tensors,
			nr_outputs, status);
}
