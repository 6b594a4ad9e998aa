// SPDX-License-Identifier: Apache-2.0
/* TensorFlow Lite tensors: shims over tensor_core.c (rules there). */

#include "tensor_core.h"
#include "vaccel/error.h"
#include "vaccel/ops/tflite.h"

int vaccel_tflite_tensor_init(struct vaccel_tflite_tensor *tensor, int nr_dims, const int32_t *dims,
			      enum vaccel_tflite_data_type type)
{
	return ops_tensor_init(&tensor_kind_tflite, tensor, nr_dims, dims, type);
}

int vaccel_tflite_tensor_release(struct vaccel_tflite_tensor *tensor)
{
	return ops_tensor_release(&tensor_kind_tflite, tensor);
}

int vaccel_tflite_tensor_new(struct vaccel_tflite_tensor **tensor, int nr_dims, const int32_t *dims,
			     enum vaccel_tflite_data_type type)
{
	return vaccel_tflite_tensor_allocate(tensor, nr_dims, dims, type, 0);
}

int vaccel_tflite_tensor_allocate(struct vaccel_tflite_tensor **tensor, int nr_dims,
				  const int32_t *dims, enum vaccel_tflite_data_type type,
				  size_t total_size)
{
	void *t;
	int ret;

	if (!tensor)
		return VACCEL_EINVAL;

	ret = ops_tensor_allocate(&tensor_kind_tflite, &t, nr_dims, dims, type, total_size);
	if (!ret)
		*tensor = t;
	return ret;
}

int vaccel_tflite_tensor_delete(struct vaccel_tflite_tensor *tensor)
{
	return ops_tensor_delete(&tensor_kind_tflite, tensor);
}

int vaccel_tflite_tensor_set_data(struct vaccel_tflite_tensor *tensor, void *data, size_t size)
{
	return ops_tensor_set_data(&tensor_kind_tflite, tensor, data, size);
}

int vaccel_tflite_tensor_take_data(struct vaccel_tflite_tensor *tensor, void **data, size_t *size)
{
	return ops_tensor_take_data(&tensor_kind_tflite, tensor, data, size);
}
