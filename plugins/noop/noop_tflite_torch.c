// SPDX-License-Identifier: Apache-2.0
/* noop TensorFlow Lite and Torch operations: outputs copy the matching inputs. */
#include "noop.h"
#include <inttypes.h>
#include <string.h>

NOOP_DEFINE_ECHO(tflite)
NOOP_DEFINE_ECHO(torch)

int noop_tflite_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	if (!sess || !model)
		return VACCEL_EINVAL;
	noop_debug("Calling tflite_model_load for session %" PRId64, sess->id);
	return VACCEL_OK;
}

int noop_tflite_model_unload(struct vaccel_session *sess, struct vaccel_resource *model)
{
	if (!sess || !model)
		return VACCEL_EINVAL;
	noop_debug("Calling tflite_model_unload for session %" PRId64, sess->id);
	return VACCEL_OK;
}

int noop_tflite_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			  struct vaccel_tflite_tensor *const *inputs, int nr_inputs,
			  struct vaccel_tflite_tensor **outputs, int nr_outputs, uint8_t *status)
{
	int i, ret;

	if (!sess || !model || nr_inputs < 0 || nr_outputs < 0 || (nr_inputs && !inputs) ||
	    (nr_outputs && !outputs))
		return VACCEL_EINVAL;

	noop_debug("Calling tflite_model_run for session %" PRId64, sess->id);
	noop_debug("nr_inputs: %d nr_outputs: %d", nr_inputs, nr_outputs);
	for (i = 0; i < nr_outputs && i < nr_inputs; i++) {
		const struct vaccel_tflite_tensor *in = inputs[i];

		if (in)
			noop_debug("input %d: type: %d nr_dims: %d size: %zu", i,
				   (int)in->data_type, in->nr_dims, in->size);
	}
	ret = noop_echo_tflite(inputs, nr_inputs, outputs, nr_outputs);
	if (ret)
		return ret;
	if (status)
		*status = 0;
	return VACCEL_OK;
}

int noop_torch_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	const struct vaccel_blob *blob;

	if (!sess || !model || !model->blobs || model->nr_blobs < 1 || !model->blobs[0])
		return VACCEL_EINVAL;

	noop_debug("Calling torch_model_load for session %" PRId64, sess->id);
	blob = model->blobs[0];
	switch (blob->type) {
	case VACCEL_BLOB_FILE:
		noop_debug("Loading model from file %s", noop_str(blob->path));
		break;
	case VACCEL_BLOB_MAPPED:
		noop_debug("Mapped model, loading from file %s", noop_str(blob->path));
		break;
	case VACCEL_BLOB_BUFFER:
		noop_debug("Loading model from buffer of length: %zu", blob->size);
		break;
	default:
		vaccel_error("[noop] Invalid model blob type %d", (int)blob->type);
		return VACCEL_EINVAL;
	}
	return VACCEL_OK;
}

int noop_torch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			 const struct vaccel_torch_buffer *run_options,
			 struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			 struct vaccel_torch_tensor **outputs, int nr_outputs)
{
	int i;

	if (!sess || !model || nr_inputs < 0 || nr_outputs < 0 || (nr_inputs && !inputs) ||
	    (nr_outputs && !outputs))
		return VACCEL_EINVAL;

	noop_debug("Calling torch_model_run for session %" PRId64, sess->id);
	noop_debug("run options -> %p, size: %zu", run_options ? (void *)run_options->data : NULL,
		   run_options ? run_options->size : 0);
	noop_debug("nr_inputs: %d nr_outputs: %d", nr_inputs, nr_outputs);
	for (i = 0; i < nr_outputs && i < nr_inputs; i++) {
		const struct vaccel_torch_tensor *in = inputs[i];

		if (in)
			noop_debug("input %d: type: %d nr_dims: %" PRId64 " size: %zu", i,
				   (int)in->data_type, in->nr_dims, in->size);
	}
	return noop_echo_torch(inputs, nr_inputs, outputs, nr_outputs);
}

int noop_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_a,
		     struct vaccel_torch_tensor **in_b, struct vaccel_torch_tensor **in_c, int m,
		     int n, int k, struct vaccel_torch_tensor **out)
{
	if (!sess)
		return VACCEL_EINVAL;
	noop_debug("Calling torch_sgemm for session %" PRId64, sess->id);
	noop_debug("m: %d n: %d k: %d", m, n, k);
	noop_debug("in_a: %p in_b: %p in_c: %p out: %p", (void *)in_a, (void *)in_b, (void *)in_c,
		   (void *)out);
	return VACCEL_OK;
}
