// SPDX-License-Identifier: Apache-2.0
/* Tensor and run-option buffer lifecycle for every family (contract in tensor_core.h). */

#include "tensor_core.h"
#include "vaccel/error.h"
#include "vaccel/log.h"
#include <stdlib.h>
#include <string.h>

/* ---- tensors ---- */

int ops_tensor_init(const struct tensor_kind *kind, void *tensor, int64_t nr_dims, const void *dims,
		    int data_type)
{
	struct tensor_fields f = {.nr_dims = nr_dims, .data_type = data_type};

	if (!tensor || nr_dims < 1)
		return VACCEL_EINVAL;

	f.dims = calloc((size_t)nr_dims, kind->dim_width);
	if (!f.dims)
		return VACCEL_ENOMEM;

	if (dims)
		memcpy(f.dims, dims, (size_t)nr_dims * kind->dim_width);

	tensor_put(kind, tensor, &f);
	return VACCEL_OK;
}

int ops_tensor_release(const struct tensor_kind *kind, void *tensor)
{
	struct tensor_fields f;

	if (!tensor)
		return VACCEL_EINVAL;

	tensor_get(kind, tensor, &f);
	if (f.owned)
		free(f.data);
	free(f.dims);

	tensor_put(kind, tensor, &(struct tensor_fields){.data_type = f.data_type});
	return VACCEL_OK;
}

int ops_tensor_allocate(const struct tensor_kind *kind, void **out, int64_t nr_dims,
			const void *dims, int data_type, size_t total_size)
{
	struct tensor_fields f;
	void *t;
	int ret;

	if (!out)
		return VACCEL_EINVAL;

	t = calloc(1, kind->size);
	if (!t)
		return VACCEL_ENOMEM;

	ret = ops_tensor_init(kind, t, nr_dims, dims, data_type);
	if (ret)
		goto free_tensor;

	if (total_size) {
		tensor_get(kind, t, &f);
		f.data = calloc(1, total_size);
		if (!f.data) {
			ret = VACCEL_ENOMEM;
			goto release_tensor;
		}
		f.size = total_size;
		f.owned = true;
		tensor_put(kind, t, &f);
	}

	*out = t;
	return VACCEL_OK;

release_tensor:
	ops_tensor_release(kind, t);
free_tensor:
	free(t);
	return ret;
}

int ops_tensor_delete(const struct tensor_kind *kind, void *tensor)
{
	int ret = ops_tensor_release(kind, tensor);

	if (ret)
		return ret;

	free(tensor);
	return VACCEL_OK;
}

int ops_tensor_set_data(const struct tensor_kind *kind, void *tensor, void *data, size_t size)
{
	struct tensor_fields f;

	if (!tensor)
		return VACCEL_EINVAL;

	tensor_get(kind, tensor, &f);
	/* Not freed: the caller may still use it; taking it back is take_data's job. */
	if (f.owned)
		vaccel_warn("Replacing owned %s tensor data; the old data is not freed",
			    kind->name);

	f.data = data;
	f.size = size;
	f.owned = false;
	tensor_put(kind, tensor, &f);
	return VACCEL_OK;
}

int ops_tensor_take_data(const struct tensor_kind *kind, void *tensor, void **data, size_t *size)
{
	struct tensor_fields f;

	if (!tensor || !data || !size)
		return VACCEL_EINVAL;

	tensor_get(kind, tensor, &f);
	*data = f.data;
	*size = f.size;

	f.data = NULL;
	f.size = 0;
	f.owned = false;
	tensor_put(kind, tensor, &f);
	return VACCEL_OK;
}

/* ---- run-option buffers ---- */

int ops_buffer_init(const struct tensor_buffer_kind *kind, void *buffer, void *data, size_t size)
{
	if (!buffer)
		return VACCEL_EINVAL;

	tensor_buffer_put(kind, buffer, data, size);
	return VACCEL_OK;
}

int ops_buffer_release(const struct tensor_buffer_kind *kind, void *buffer)
{
	void *data;
	size_t size;

	if (!buffer)
		return VACCEL_EINVAL;

	tensor_buffer_get(kind, buffer, &data, &size);
	free(data);
	tensor_buffer_put(kind, buffer, NULL, 0);
	return VACCEL_OK;
}

int ops_buffer_new(const struct tensor_buffer_kind *kind, void **out, void *data, size_t size)
{
	void *b;

	if (!out)
		return VACCEL_EINVAL;

	b = calloc(1, kind->size);
	if (!b)
		return VACCEL_ENOMEM;

	tensor_buffer_put(kind, b, data, size);
	*out = b;
	return VACCEL_OK;
}

int ops_buffer_delete(const struct tensor_buffer_kind *kind, void *buffer)
{
	int ret = ops_buffer_release(kind, buffer);

	if (ret)
		return ret;

	free(buffer);
	return VACCEL_OK;
}

int ops_buffer_take_data(const struct tensor_buffer_kind *kind, void *buffer, void **data,
			 size_t *size)
{
	if (!buffer || !data || !size)
		return VACCEL_EINVAL;

	tensor_buffer_get(kind, buffer, data, size);
	tensor_buffer_put(kind, buffer, NULL, 0);
	return VACCEL_OK;
}
