// SPDX-License-Identifier: Apache-2.0
/* Torch helper types: buffers and tensors, shims over tensor_core.c (rules there). */

#include "tensor_core.h"
#include "vaccel/error.h"
#include "vaccel/ops/torch.h"

/* ---- buffers ---- */

int vaccel_torch_buffer_init(struct vaccel_torch_buffer *buffer, char *data, size_t size)
{
	return ops_buffer_init(&tensor_buffer_kind_torch, buffer, data, size);
}

int vaccel_torch_buffer_release(struct vaccel_torch_buffer *buffer)
{
	return ops_buffer_release(&tensor_buffer_kind_torch, buffer);
}

int vaccel_torch_buffer_new(struct vaccel_torch_buffer **buffer, char *data, size_t size)
{
	void *b;
	int ret;

	if (!buffer)
		return VACCEL_EINVAL;

	ret = ops_buffer_new(&tensor_buffer_kind_torch, &b, data, size);
	if (!ret)
		*buffer = b;
	return ret;
}

int vaccel_torch_buffer_delete(struct vaccel_torch_buffer *buffer)
{
	return ops_buffer_delete(&tensor_buffer_kind_torch, buffer);
}

int vaccel_torch_buffer_take_data(struct vaccel_torch_buffer *buffer, void **data, size_t *size)
{
	return ops_buffer_take_data(&tensor_buffer_kind_torch, buffer, data, size);
}

/* ---- tensors ---- */

int vaccel_torch_tensor_init(struct vaccel_torch_tensor *tensor, int64_t nr_dims,
			     const int64_t *dims, enum vaccel_torch_data_type type)
{
	return ops_tensor_init(&tensor_kind_torch, tensor, nr_dims, dims, type);
}

int vaccel_torch_tensor_release(struct vaccel_torch_tensor *tensor)
{
	return ops_tensor_release(&tensor_kind_torch, tensor);
}

int vaccel_torch_tensor_new(struct vaccel_torch_tensor **tensor, int64_t nr_dims,
			    const int64_t *dims, enum vaccel_torch_data_type type)
{
	return vaccel_torch_tensor_allocate(tensor, nr_dims, dims, type, 0);
}

int vaccel_torch_tensor_allocate(struct vaccel_torch_tensor **tensor, int64_t nr_dims,
				 const int64_t *dims, enum vaccel_torch_data_type type,
				 size_t total_size)
{
	void *t;
	int ret;

	if (!tensor)
		return VACCEL_EINVAL;

	ret = ops_tensor_allocate(&tensor_kind_torch, &t, nr_dims, dims, type, total_size);
	if (!ret)
		*tensor = t;
	return ret;
}

int vaccel_torch_tensor_delete(struct vaccel_torch_tensor *tensor)
{
	return ops_tensor_delete(&tensor_kind_torch, tensor);
}

int vaccel_torch_tensor_set_data(struct vaccel_torch_tensor *tensor, void *data, size_t size)
{
	return ops_tensor_set_data(&tensor_kind_torch, tensor, data, size);
}

int vaccel_torch_tensor_take_data(struct vaccel_torch_tensor *tensor, void **data, size_t *size)
{
	return ops_tensor_take_data(&tensor_kind_torch, tensor, data, size);
}
