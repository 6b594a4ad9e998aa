// SPDX-License-Identifier: Apache-2.0
/*
 * TensorFlow helper types: buffers, nodes, tensors and status. Buffers and tensors are
 * shims over tensor_core.c (rules there); nodes and status are TF's alone.
 */

#include "tensor_core.h"
#include "vaccel/error.h"
#include "vaccel/ops/tf.h"
#include <stdlib.h>
#include <string.h>

/* ---- buffers ---- */

int vaccel_tf_buffer_init(struct vaccel_tf_buffer *buffer, void *data, size_t size)
{
	return ops_buffer_init(&tensor_buffer_kind_tf, buffer, data, size);
}

int vaccel_tf_buffer_release(struct vaccel_tf_buffer *buffer)
{
	return ops_buffer_release(&tensor_buffer_kind_tf, buffer);
}

int vaccel_tf_buffer_new(struct vaccel_tf_buffer **buffer, void *data, size_t size)
{
	void *b;
	int ret;

	if (!buffer)
		return VACCEL_EINVAL;

	ret = ops_buffer_new(&tensor_buffer_kind_tf, &b, data, size);
	if (!ret)
		*buffer = b;
	return ret;
}

int vaccel_tf_buffer_delete(struct vaccel_tf_buffer *buffer)
{
	return ops_buffer_delete(&tensor_buffer_kind_tf, buffer);
}

int vaccel_tf_buffer_take_data(struct vaccel_tf_buffer *buffer, void **data, size_t *size)
{
	return ops_buffer_take_data(&tensor_buffer_kind_tf, buffer, data, size);
}

/* ---- nodes ---- */

int vaccel_tf_node_init(struct vaccel_tf_node *node, const char *name, int id)
{
	if (!node || !name)
		return VACCEL_EINVAL;

	node->name = strdup(name);
	if (!node->name)
		return VACCEL_ENOMEM;

	node->id = id;
	return VACCEL_OK;
}

int vaccel_tf_node_release(struct vaccel_tf_node *node)
{
	if (!node)
		return VACCEL_EINVAL;

	free(node->name);
	node->name = NULL;
	node->id = -1;
	return VACCEL_OK;
}

int vaccel_tf_node_new(struct vaccel_tf_node **node, const char *name, int id)
{
	struct vaccel_tf_node *n;
	int ret;

	if (!node)
		return VACCEL_EINVAL;

	n = calloc(1, sizeof(*n));
	if (!n)
		return VACCEL_ENOMEM;

	ret = vaccel_tf_node_init(n, name, id);
	if (ret) {
		free(n);
		return ret;
	}

	*node = n;
	return VACCEL_OK;
}

int vaccel_tf_node_delete(struct vaccel_tf_node *node)
{
	int ret = vaccel_tf_node_release(node);

	if (ret)
		return ret;

	free(node);
	return VACCEL_OK;
}

/* ---- tensors ---- */

int vaccel_tf_tensor_init(struct vaccel_tf_tensor *tensor, int nr_dims, const int64_t *dims,
			  enum vaccel_tf_data_type type)
{
	return ops_tensor_init(&tensor_kind_tf, tensor, nr_dims, dims, type);
}

int vaccel_tf_tensor_release(struct vaccel_tf_tensor *tensor)
{
	return ops_tensor_release(&tensor_kind_tf, tensor);
}

int vaccel_tf_tensor_new(struct vaccel_tf_tensor **tensor, int nr_dims, const int64_t *dims,
			 enum vaccel_tf_data_type type)
{
	return vaccel_tf_tensor_allocate(tensor, nr_dims, dims, type, 0);
}

int vaccel_tf_tensor_allocate(struct vaccel_tf_tensor **tensor, int nr_dims, const int64_t *dims,
			      enum vaccel_tf_data_type type, size_t total_size)
{
	void *t;
	int ret;

	if (!tensor)
		return VACCEL_EINVAL;

	ret = ops_tensor_allocate(&tensor_kind_tf, &t, nr_dims, dims, type, total_size);
	if (!ret)
		*tensor = t;
	return ret;
}

int vaccel_tf_tensor_delete(struct vaccel_tf_tensor *tensor)
{
	return ops_tensor_delete(&tensor_kind_tf, tensor);
}

int vaccel_tf_tensor_set_data(struct vaccel_tf_tensor *tensor, void *data, size_t size)
{
	return ops_tensor_set_data(&tensor_kind_tf, tensor, data, size);
}

int vaccel_tf_tensor_take_data(struct vaccel_tf_tensor *tensor, void **data, size_t *size)
{
	return ops_tensor_take_data(&tensor_kind_tf, tensor, data, size);
}

/* ---- status ---- */

int vaccel_tf_status_init(struct vaccel_tf_status *status, uint8_t code, const char *message)
{
	if (!status || !message)
		return VACCEL_EINVAL;

	status->message = strdup(message);
	if (!status->message)
		return VACCEL_ENOMEM;

	status->code = code;
	return VACCEL_OK;
}

int vaccel_tf_status_release(struct vaccel_tf_status *status)
{
	if (!status)
		return VACCEL_EINVAL;

	free(status->message);
	status->message = NULL;
	status->code = 0;
	return VACCEL_OK;
}

int vaccel_tf_status_new(struct vaccel_tf_status **status, uint8_t code, const char *message)
{
	struct vaccel_tf_status *s;
	int ret;

	if (!status)
		return VACCEL_EINVAL;

	s = calloc(1, sizeof(*s));
	if (!s)
		return VACCEL_ENOMEM;

	ret = vaccel_tf_status_init(s, code, message);
	if (ret) {
		free(s);
		return ret;
	}

	*status = s;
	return VACCEL_OK;
}

int vaccel_tf_status_delete(struct vaccel_tf_status *status)
{
	int ret = vaccel_tf_status_release(status);

	if (ret)
		return ret;

	free(status);
	return VACCEL_OK;
}
