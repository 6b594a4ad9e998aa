// SPDX-License-Identifier: Apache-2.0
/*
 * PyTorch (TorchScript) inference:
 * `torch_inference <image_file> <model_file> <labels_file> [iterations]`.
 * Loads the model and feeds one 1x3x224x224 float tensor per iteration (Torch has no
 * unload operation).
 */
#include "ex_model.h"
#include <stdio.h>

static int torch_load(struct ex_model *m)
{
	return vaccel_torch_model_load(&m->sess, &m->model);
}

static int torch_run(struct ex_model *m)
{
	const int64_t dims[] = {1, EX_MODEL_CHANNELS, EX_MODEL_SIDE, EX_MODEL_SIDE};
	struct vaccel_torch_tensor *in = NULL, *out = NULL;
	int ret;

	ret = vaccel_torch_tensor_new(&in, 4, dims, VACCEL_TORCH_FLOAT);
	if (ret)
		return ret;
	ret = vaccel_torch_tensor_set_data(in, m->input, EX_MODEL_INPUT_LEN * sizeof(float));
	if (ret)
		goto out_tensor;
	ret = vaccel_torch_model_run(&m->sess, &m->model, NULL, &in, 1, &out, 1);
	if (ret)
		goto out_tensor;
	ret = ex_model_report(m, out ? &EX_MODEL_OUTPUT(out, VACCEL_TORCH_FLOAT) : NULL,
			      "Result Tensor :");
	if (out)
		vaccel_torch_tensor_delete(out);
out_tensor:
	vaccel_torch_tensor_delete(in); /* the input data is not the tensor's */
	return ret;
}

int main(int argc, char **argv)
{
	static const struct ex_model_ops ops = {torch_load, torch_run, NULL};

	return ex_model_main(argc, argv, &ops);
}
