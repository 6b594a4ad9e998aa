// SPDX-License-Identifier: Apache-2.0
/*
 * libvaccel-trmodel.so: a Torch plugin for the transport tests whose model
 * run returns the result its first input asks for, so results a noop echo
 * cannot give reach the guest: larger than any input, with more dims than a
 * slot holds, or malformed (a host must refuse those). The first input's
 * data starts with two int64: the command and n.
 *   TRMODEL_BIG        a FLOAT tensor of n elements, element i = i % 251
 *   TRMODEL_SHORT      n FLOAT elements by its dims, 4 bytes less data
 *   TRMODEL_DIMS       n dims of 1, one FLOAT
 */
#include <stdint.h>
#include <string.h>

#include <vaccel.h>

#include "tr_model_plugin.h"

static int trm_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return sess && model ? VACCEL_OK : VACCEL_EINVAL;
}

static int trm_run(struct vaccel_session *sess, struct vaccel_resource *model,
		   const struct vaccel_torch_buffer *run_options,
		   struct vaccel_torch_tensor *const *in, int nr_in,
		   struct vaccel_torch_tensor **out, int nr_out)
{
	int64_t cmd[2], dims[TRMODEL_MAX_DIMS];
	int ret;

	(void)run_options;
	if (!sess || !model || nr_in < 1 || nr_out < 1 || !in[0] || in[0]->size < sizeof(cmd))
		return VACCEL_EINVAL;
	memcpy(cmd, in[0]->data, sizeof(cmd));
	if (cmd[1] < 1 || (cmd[0] == TRMODEL_DIMS && cmd[1] > TRMODEL_MAX_DIMS))
		return VACCEL_EINVAL;
	for (int i = 0; i < nr_out; i++)
		out[i] = NULL;
	switch (cmd[0]) {
	case TRMODEL_BIG:
	case TRMODEL_SHORT:
		dims[0] = cmd[1];
		ret = vaccel_torch_tensor_allocate(&out[0], 1, dims, VACCEL_TORCH_FLOAT,
						   (size_t)cmd[1] * sizeof(float));
		if (ret)
			return ret;
		for (int64_t i = 0; i < cmd[1]; i++)
			((float *)out[0]->data)[i] = (float)(i % 251);
		if (cmd[0] == TRMODEL_SHORT)
			out[0]->size -= sizeof(float);
		return VACCEL_OK;
	case TRMODEL_DIMS:
		for (int64_t i = 0; i < cmd[1]; i++)
			dims[i] = 1;
		return vaccel_torch_tensor_allocate(&out[0], cmd[1], dims, VACCEL_TORCH_FLOAT,
						    sizeof(float));
	default:
		return VACCEL_EINVAL;
	}
}

static struct vaccel_op trm_ops[] = {
    VACCEL_OP_INIT(trm_ops[0], VACCEL_OP_TORCH_MODEL_LOAD, trm_load),
    VACCEL_OP_INIT(trm_ops[1], VACCEL_OP_TORCH_MODEL_RUN, trm_run),
};

static int trm_init(void)
{
	return vaccel_plugin_register_ops(trm_ops, sizeof(trm_ops) / sizeof(trm_ops[0]));
}

static int trm_fini(void)
{
	return VACCEL_OK;
}

VACCEL_PLUGIN(.name = "trmodel", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_TORCH, .init = trm_init, .fini = trm_fini)
