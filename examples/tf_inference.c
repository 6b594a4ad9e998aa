// SPDX-License-Identifier: Apache-2.0
/*
 * TensorFlow inference: `tf_inference <image_file> <model_dir> <labels_file> [iterations]`.
 * Loads the SavedModel in model_dir, feeds a 1x224x224x3 float tensor to node
 * `serving_default_data` and reads node `PartitionedCall`, then unloads the model.
 */
#include "ex_model.h"
#include <stdio.h>

/* Print a step's status (a failed step has none worth printing), then release it. */
static int tf_status(const char *what, int ret, struct vaccel_tf_status *status)
{
	if (!ret)
		printf("Session %s status => code:%u message:%s\n", what, status->code,
		       status->message ? status->message : "");
	vaccel_tf_status_release(status);
	return ret;
}

static int tf_load(struct ex_model *m)
{
	struct vaccel_tf_status status = {0};

	return tf_status("load", vaccel_tf_model_load(&m->sess, &m->model, &status), &status);
}

static int tf_run(struct ex_model *m)
{
	const int64_t dims[] = {1, EX_MODEL_SIDE, EX_MODEL_SIDE, EX_MODEL_CHANNELS};
	struct vaccel_tf_node in_node, out_node;
	struct vaccel_tf_tensor *in = NULL, *out = NULL;
	struct vaccel_tf_status status = {0};
	int ret;

	ret = vaccel_tf_node_init(&in_node, "serving_default_data", 0);
	if (ret)
		return ret;
	ret = vaccel_tf_node_init(&out_node, "PartitionedCall", 0);
	if (ret)
		goto out_in_node;
	ret = vaccel_tf_tensor_new(&in, 4, dims, VACCEL_TF_FLOAT);
	if (ret)
		goto out_out_node;
	ret = vaccel_tf_tensor_set_data(in, m->input, EX_MODEL_INPUT_LEN * sizeof(float));
	if (ret)
		goto out_tensor;

	ret = vaccel_tf_model_run(&m->sess, &m->model, NULL, &in_node, &in, 1, &out_node, &out, 1,
				  &status);
	if (tf_status("run", ret, &status))
		goto out_tensor;
	ret = ex_model_report(m, out ? &EX_MODEL_OUTPUT(out, VACCEL_TF_FLOAT) : NULL, NULL);
	if (out)
		vaccel_tf_tensor_delete(out);
out_tensor:
	vaccel_tf_tensor_delete(in); /* the input data is not the tensor's */
out_out_node:
	vaccel_tf_node_release(&out_node);
out_in_node:
	vaccel_tf_node_release(&in_node);
	return ret;
}

static int tf_unload(struct ex_model *m)
{
	struct vaccel_tf_status status = {0};

	return tf_status("delete", vaccel_tf_model_unload(&m->sess, &m->model, &status), &status);
}

int main(int argc, char **argv)
{
	static const struct ex_model_ops ops = {tf_load, tf_run, tf_unload};

	return ex_model_main(argc, argv, &ops);
}
