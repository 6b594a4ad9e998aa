// SPDX-License-Identifier: Apache-2.0
/* The TensorFlow Lite model ops: load, unload, run. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/tflite.h"

/* load and unload share their signature. */
static int tflite_model_op(vaccel_op_type_t op, struct vaccel_session *sess,
			   struct vaccel_resource *model)
{
	OPS_RETURN_CALL(sess, op, model, vaccel_tflite_model_load, sess, model);
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
	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	OPS_RETURN_CALL(sess, VACCEL_OP_TFLITE_MODEL_RUN, model, vaccel_tflite_model_run, sess,
			model, inputs, nr_inputs, outputs, nr_outputs, status);
}
