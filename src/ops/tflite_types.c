// SPDX-License-Identifier: Apache-2.0
/* TensorFlow Lite tensors. */

#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/ops/tflite.h"
#include <stdlib.h>
#include <string.h>

int vaccel_tflite_tensor_init(struct vaccel_tflite_tensor *tensor, int nr_dims, const int32_t *dims,
			      enum vaccel_tflite_data_type type)
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

int vaccel_tflite_tensor_release(struct vaccel_tflite_tensor *tensor)
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

int vaccel_tflite_tensor_new(struct vaccel_tflite_tensor **tensor, int nr_dims, const int32_t *dims,
			     enum vaccel_tflite_data_type type)
{
	struct vaccel_tflite_tensor *t;
	int ret;

	if (!tensor)
		return VACCEL_EINVAL;

	t = calloc(1, sizeof(*t));
	if (!t)
		return VACCEL_ENOMEM;

	ret = vaccel_tflite_tensor_init(t, nr_dims, dims, type);
	if (ret) {
		free(t);
		return ret;
	}

	*tensor = t;
	return VACCEL_OK;
}

int vaccel_tflite_tensor_allocate(struct vaccel_tflite_tensor **tensor, int nr_dims,
				  const int32_t *dims, enum vaccel_tflite_data_type type,
				  size_t total_size)
{
	int ret = vaccel_tflite_tensor_new(tensor, nr_dims, dims, type);

	if (ret || !total_size)
		return ret;

	(*tensor)->data = calloc(1, total_size);
	if (!(*tensor)->data) {
		vaccel_tflite_tensor_delete(*tensor);
		*tensor = NULL;
		return VACCEL_ENOMEM;
	}

	(*tensor)->size = total_size;
	(*tensor)->owned = true;
	return VACCEL_OK;
}

int vaccel_tflite_tensor_delete(struct vaccel_tflite_tensor *tensor)
{
	int ret = vaccel_tflite_tensor_release(tensor);

	if (ret)
		return ret;

	free(tensor);
	return VACCEL_OK;
}

int vaccel_tflite_tensor_set_data(struct vaccel_tflite_tensor *tensor, void *data, size_t size)
{
	if (!tensor)
		return VACCEL_EINVAL;

	/* Not freed: the caller may still use it; taking it back is take_data's job. */
	if (tensor->owned)
		vaccel_warn("Replacing owned TFLite tensor data; the old data is not freed");

	tensor->data = data;
	tensor->size = size;
	tensor->owned = false;
	return VACCEL_OK;
}

int vaccel_tflite_tensor_take_data(struct vaccel_tflite_tensor *tensor, void **data, size_t *size)
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
