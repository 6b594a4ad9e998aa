// SPDX-License-Identifier: Apache-2.0
/* TensorFlow helper types: buffers, nodes, tensors and status. */

#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/ops/tf.h"
#include <stdlib.h>
#include <string.h>

/* ---- buffers ---- */

int vaccel_tf_buffer_init(struct vaccel_tf_buffer *buffer, void *data, size_t size)
{
	if (!buffer)
		return VACCEL_EINVAL;

	buffer->data = data;
	buffer->size = size;
	return VACCEL_OK;
}

int vaccel_tf_buffer_release(struct vaccel_tf_buffer *buffer)
{
	if (!buffer)
		return VACCEL_EINVAL;

	free(buffer->data);
	buffer->data = NULL;
	buffer->size = 0;
	return VACCEL_OK;
}

int vaccel_tf_buffer_new(struct vaccel_tf_buffer **buffer, void *data, size_t size)
{
	struct vaccel_tf_buffer *b;

	if (!buffer)
		return VACCEL_EINVAL;

	b = calloc(1, sizeof(*b));
	if (!b)
		return VACCEL_ENOMEM;

	vaccel_tf_buffer_init(b, data, size);
	*buffer = b;
	return VACCEL_OK;
}

int vaccel_tf_buffer_delete(struct vaccel_tf_buffer *buffer)
{
	int ret = vaccel_tf_buffer_release(buffer);

	if (ret)
		return ret;

	free(buffer);
	return VACCEL_OK;
}

int vaccel_tf_buffer_take_data(struct vaccel_tf_buffer *buffer, void **data, size_t *size)
{
	if (!buffer || !data || !size)
		return VACCEL_EINVAL;

	*data = buffer->data;
	*size = buffer->size;
	buffer->data = NULL;
	buffer->size = 0;
	return VACCEL_OK;
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
	if (!tensor || nr_dims < 1)
		return VACCEL_EINVAL;

	tensor->dims = calloc((size_t)nr_dims, sizeof(*tensor->dims));
	if (!tensor->dims)
		return VACCEL_ENOMEM;

	if (dims)
		memcpy(tensor->dims, dims, (size_t)nr_dims * sizeof(*tensor->dims));

	tensor->nr_dims = nr_dims;
	tensor->data_type = type;
	tensor->data = NULL;
	tensor->size = 0;
	tensor->owned = false;
	return VACCEL_OK;
}

int vaccel_tf_tensor_release(struct vaccel_tf_tensor *tensor)
{
	if (!tensor)
		return VACCEL_EINVAL;

	if (tensor->owned)
		free(tensor->data);
	free(tensor->dims);

	tensor->data = NULL;
	tensor->size = 0;
	tensor->owned = false;
	tensor->nr_dims = 0;
	tensor->dims = NULL;
	return VACCEL_OK;
}

int vaccel_tf_tensor_new(struct vaccel_tf_tensor **tensor, int nr_dims, const int64_t *dims,
			 enum vaccel_tf_data_type type)
{
	struct vaccel_tf_tensor *t;
	int ret;

	if (!tensor)
		return VACCEL_EINVAL;

	t = calloc(1, sizeof(*t));
	if (!t)
		return VACCEL_ENOMEM;

	ret = vaccel_tf_tensor_init(t, nr_dims, dims, type);
	if (ret) {
		free(t);
		return ret;
	}

	*tensor = t;
	return VACCEL_OK;
}

int vaccel_tf_tensor_allocate(struct vaccel_tf_tensor **tensor, int nr_dims, const int64_t *dims,
			      enum vaccel_tf_data_type type, size_t total_size)
{
	int ret = vaccel_tf_tensor_new(tensor, nr_dims, dims, type);

	if (ret || !total_size)
		return ret;

	(*tensor)->data = calloc(1, total_size);
	if (!(*tensor)->data) {
		vaccel_tf_tensor_delete(*tensor);
		*tensor = NULL;
		return VACCEL_ENOMEM;
	}

	(*tensor)->size = total_size;
	(*tensor)->owned = true;
	return VACCEL_OK;
}

int vaccel_tf_tensor_delete(struct vaccel_tf_tensor *tensor)
{
	int ret = vaccel_tf_tensor_release(tensor);

	if (ret)
		return ret;

	free(tensor);
	return VACCEL_OK;
}

int vaccel_tf_tensor_set_data(struct vaccel_tf_tensor *tensor, void *data, size_t size)
{
	if (!tensor)
		return VACCEL_EINVAL;

	/* Not freed: the caller may still use it; taking it back is take_data's job. */
	if (tensor->owned)
		vaccel_warn("Replacing owned TF tensor data; the old data is not freed");

	tensor->data = data;
	tensor->size = size;
	tensor->owned = false;
	return VACCEL_OK;
}

int vaccel_tf_tensor_take_data(struct vaccel_tf_tensor *tensor, void **data, size_t *size)
{
	if (!tensor || !data || !size)
		return VACCEL_EINVAL;

	*data = tensor->data;
	*size = tensor->size;
	tensor->data = NULL;
	tensor->size = 0;
	tensor->owned = false;
	return VACCEL_OK;
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
