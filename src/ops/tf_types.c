// SPDX-License-Identifier: Apache-2.0
/*
 * TensorFlow helper types: buffers, nodes, tensors and status. Buffers and tensors are
 * shims over tensor_core.c (rules there); nodes and status are TF's alone.
 */

#include "rt.h"
#include "tensor_core.h"
#include "vaccel/error.h"
#include "vaccel/ops/tf.h"
#include <stdlib.h>
#include <string.h>

OPS_DEFINE_BUFFER_API(tf, void)

/*
 * Nodes and status are each a copied string plus a number. copy_text: *copy = a copy of
 * `text`; VACCEL_EINVAL without one, VACCEL_ENOMEM.
 */
static int copy_text(const char *text, char **copy)
{
	if (!text)
		return VACCEL_EINVAL;
	*copy = strdup(text);
	return *copy ? VACCEL_OK : VACCEL_ENOMEM;
}

/* ---- nodes ---- */

int vaccel_tf_node_init(struct vaccel_tf_node *node, const char *name, int id)
{
	char *copy;
	int ret = node ? copy_text(name, &copy) : VACCEL_EINVAL;

	if (!ret)
		*node = (struct vaccel_tf_node){.name = copy, .id = id};
	return ret;
}

int vaccel_tf_node_release(struct vaccel_tf_node *node)
{
	if (!node)
		return VACCEL_EINVAL;
	free(node->name);
	*node = (struct vaccel_tf_node){.name = NULL, .id = -1};
	return VACCEL_OK;
}

int vaccel_tf_node_new(struct vaccel_tf_node **node, const char *name, int id)
{
	RT_NEW_BODY(node, n, vaccel_tf_node_init(n, name, id));
}

int vaccel_tf_node_delete(struct vaccel_tf_node *node)
{
	return rt_free_released(node, vaccel_tf_node_release(node));
}

OPS_DEFINE_TENSOR_API(tf, int, int64_t)

/* ---- status ---- */

int vaccel_tf_status_init(struct vaccel_tf_status *status, uint8_t code, const char *message)
{
	char *copy;
	int ret = status ? copy_text(message, &copy) : VACCEL_EINVAL;

	if (!ret)
		*status = (struct vaccel_tf_status){.code = code, .message = copy};
	return ret;
}

int vaccel_tf_status_release(struct vaccel_tf_status *status)
{
	if (!status)
		return VACCEL_EINVAL;
	free(status->message);
	*status = (struct vaccel_tf_status){.code = 0, .message = NULL};
	return VACCEL_OK;
}

int vaccel_tf_status_new(struct vaccel_tf_status **status, uint8_t code, const char *message)
{
	RT_NEW_BODY(status, n, vaccel_tf_status_init(n, code, message));
}

int vaccel_tf_status_delete(struct vaccel_tf_status *status)
{
	return rt_free_released(status, vaccel_tf_status_release(status));
}
