// SPDX-License-Identifier: Apache-2.0
/*
 * TensorFlow Lite inference:
 * `tflite_inference <image_file> <model_file> <labels_file> [iterations]`.
 * Loads the .tflite model, feeds one 1x224x224x3 float tensor, then unloads it.
 */
#include "ex_model.h"
#include <stdio.h>

static int tflite_load(struct ex_model *m)
{
	return vaccel_tflite_model_load(&m->sess, &m->model);
}

static int tflite_run(struct ex_model *m)
{
	const int32_t dims[] = {1, EX_MODEL_SIDE, EX_MODEL_SIDE, EX_MODEL_CHANNELS};
	struct vaccel_tflite_tensor *in = NULL, *out = NULL;
	uint8_t status = 0;
	int ret;

	ret = vaccel_tflite_tensor_new(&in, 4, dims, VACCEL_TFLITE_FLOAT32);
	if (ret)
		return ret;
	ret = vaccel_tflite_tensor_set_data(in, m->input, EX_MODEL_INPUT_LEN * sizeof(float));
	if (ret)
		goto out_tensor;
	ret = vaccel_tflite_model_run(&m->sess, &m->model, &in, 1, &out, 1, &status);
	if (ret)
		goto out_tensor;
	printf("Session run status: %u\n", status);
	ret = ex_model_report(m, out ? &EX_MODEL_OUTPUT(out, VACCEL_TFLITE_FLOAT32) : NULL, NULL);
	if (out)
		vaccel_tflite_tensor_delete(out);
out_tensor:
	vaccel_tflite_tensor_delete(in); /* the input data is not the tensor's */
	return ret;
}

static int tflite_unload(struct ex_model *m)
{
	return vaccel_tflite_model_unload(&m->sess, &m->model);
}

int main(int argc, char **argv)
{
	static const struct ex_model_ops ops = {tflite_load, tflite_run, tflite_unload};

	return ex_model_main(argc, argv, &ops);
}
