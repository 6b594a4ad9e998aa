// SPDX-License-Identifier: Apache-2.0
/* noop TensorFlow operations: every output tensor is a copy of the matching input. */
#include "noop.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define NOOP_STATUS_MSG "Operation handled by noop plugin"

NOOP_DEFINE_ECHO(tf)

/* Fills a caller-provided status; an old message is the caller's to free, as upstream. */
static int noop_tf_set_status(struct vaccel_tf_status *status)
{
	if (!status)
		return VACCEL_OK;
	status->code = 0;
	status->message = strdup(NOOP_STATUS_MSG);
	return status->message ? VACCEL_OK : VACCEL_ENOMEM;
}

static const char *noop_model_file(const struct vaccel_resource *model)
{
	if (!model || !model->blobs || model->nr_blobs < 1 || !model->blobs[0])
		return NULL;
	return model->blobs[0]->path;
}

int noop_tf_model_load(struct vaccel_session *sess, struct vaccel_resource *model,
		       struct vaccel_tf_status *status)
{
	if (!sess || !model)
		return VACCEL_EINVAL;
	noop_debug("Calling tf_model_load for session %" PRId64, sess->id);
	noop_debug("model: %s", noop_str(noop_model_file(model)));
	return noop_tf_set_status(status);
}

int noop_tf_model_unload(struct vaccel_session *sess, struct vaccel_resource *model,
			 struct vaccel_tf_status *status)
{
	if (!sess || !model)
		return VACCEL_EINVAL;
	noop_debug("Calling tf_model_unload for session %" PRId64, sess->id);
	return noop_tf_set_status(status);
}

int noop_tf_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
		      const struct vaccel_tf_buffer *run_options,
		      const struct vaccel_tf_node *in_nodes,
		      struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
		      const struct vaccel_tf_node *out_nodes, struct vaccel_tf_tensor **out_tensors,
		      int nr_outputs, struct vaccel_tf_status *status)
{
	int i, ret;

	if (!sess || !model || nr_inputs < 0 || nr_outputs < 0 || (nr_inputs && !in_tensors) ||
	    (nr_outputs && !out_tensors))
		return VACCEL_EINVAL;

	noop_debug("Calling tf_model_run for session %" PRId64, sess->id);
	noop_debug("Dumping arguments for tf_model_run:");
	noop_debug("model: %s", noop_str(noop_model_file(model)));
	noop_debug("run options -> %p, size: %zu", run_options ? run_options->data : NULL,
		   run_options ? run_options->size : 0);
	noop_debug("nr_inputs: %d nr_outputs: %d", nr_inputs, nr_outputs);
	for (i = 0; i < nr_inputs; i++) {
		const struct vaccel_tf_tensor *t = in_tensors[i];

		noop_debug("input %d: node %s:%d", i, noop_str(in_nodes ? in_nodes[i].name : NULL),
			   in_nodes ? in_nodes[i].id : 0);
		if (t)
			noop_debug("  type: %d nr_dims: %d size: %zu", (int)t->data_type,
				   t->nr_dims, t->size);
	}
	for (i = 0; i < nr_outputs; i++)
		noop_debug("output %d: node %s:%d", i,
			   noop_str(out_nodes ? out_nodes[i].name : NULL),
			   out_nodes ? out_nodes[i].id : 0);

	/* Output i copies input i; outputs without a matching input stay NULL. */
	ret = noop_echo_tf(in_tensors, nr_inputs, out_tensors, nr_outputs);
	if (ret)
		return ret;

	ret = noop_tf_set_status(status);
	if (ret)
		noop_drop_tf(out_tensors, nr_outputs < nr_inputs ? nr_outputs : nr_inputs);
	return ret;
}
