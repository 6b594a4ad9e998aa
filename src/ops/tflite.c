// SPDX-License-Identifier: Apache-2.0
/* The TensorFlow Lite model ops: load, unload, run. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/tflite.h"

typedef int (*tflite_model_fn)(struct vaccel_session *sess, struct vaccel_resource *model);
typedef int (*tflite_run_fn)(struct vaccel_session *sess, struct vaccel_resource *model,
			     struct vaccel_tflite_tensor *const *inputs, int nr_inputs,
			     struct vaccel_tflite_tensor **outputs, int nr_outputs,
			     uint8_t *status);

/* load and unload share their signature. */
static int tflite_model_op(vaccel_op_type_t op, struct vaccel_session *sess,
			   struct vaccel_resource *model)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, op, model);
	if (ret)
		return ret;

	return ops_exit(&call, ((tflite_model_fn)call.func)(sess, model));
}

int vaccel_tflite_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return tflite_model_op(VACCEL_OP_TFLITE_MODEL_LOAD, sess, model);
}

int vaccel_tflite_model_unload(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return tflite_model_op(VACCEL_OP_TFLITE_MODEL_UNLOAD, sess, model);
}

int vaccel_tflite_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			    struct vaccel_tflite_tensor *const *inputs, int nr_inputs,
			    struct vaccel_tflite_tensor **outputs, int nr_outputs, uint8_t *status)
{
	struct ops_call call;
	int ret;

	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	ret = ops_enter(&call, sess, VACCEL_OP_TFLITE_MODEL_RUN, model);
	if (ret)
		return ret;

	return ops_exit(&call, ((tflite_run_fn)call.func)(sess, model, inputs, nr_inputs, outputs,
							  nr_outputs, status));
}
