/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lifecycle of TF, TFLite and Torch tensors and run-option buffers, written once for
 * every family (tensor_core.c). The public functions in tf_types.c, tflite_types.c and
 * torch_types.c are shims that name their family's kind (lib/tensor) and nothing else,
 * defined by OPS_DEFINE_TENSOR_API / OPS_DEFINE_BUFFER_API below; a shim that hands out
 * a new object stores it through its own typed pointer.
 *
 * Semantics are upstream's (vaccel-api.md §2.4), for every family alike:
 * - init: nr_dims >= 1 (else VACCEL_EINVAL); dims copied, zeros when NULL; no data.
 * - release: frees the dims and owned data, empties the tensor; data_type is kept.
 * - allocate: a new tensor plus total_size zeroed owned bytes (none when 0); new is
 *   allocate with 0. On failure nothing is left allocated and *out is not written.
 * - set_data: aliases the caller's data; data the tensor owned is not freed, a warning
 *   "Replacing owned <family> tensor data; the old data is not freed" is logged.
 * - take_data: hands the data (and its ownership) back and empties the tensor.
 * - buffers: init takes ownership of data, release frees it, take_data hands it back.
 * NULL objects and out-pointers give VACCEL_EINVAL, allocation failures VACCEL_ENOMEM.
 */
#ifndef VACCEL_SRC_OPS_TENSOR_CORE_H
#define VACCEL_SRC_OPS_TENSOR_CORE_H

#include "tensor.h"
#include <stddef.h>
#include <stdint.h>

int ops_tensor_init(const struct tensor_kind *kind, void *tensor, int64_t nr_dims, const void *dims,
		    int data_type);
int ops_tensor_release(const struct tensor_kind *kind, void *tensor);
int ops_tensor_allocate(const struct tensor_kind *kind, void **out, int64_t nr_dims,
			const void *dims, int data_type, size_t total_size);
int ops_tensor_delete(const struct tensor_kind *kind, void *tensor);
int ops_tensor_set_data(const struct tensor_kind *kind, void *tensor, void *data, size_t size);
int ops_tensor_take_data(const struct tensor_kind *kind, void *tensor, void **data, size_t *size);

int ops_buffer_init(const struct tensor_buffer_kind *kind, void *buffer, void *data, size_t size);
int ops_buffer_release(const struct tensor_buffer_kind *kind, void *buffer);
int ops_buffer_new(const struct tensor_buffer_kind *kind, void **out, void *data, size_t size);
int ops_buffer_delete(const struct tensor_buffer_kind *kind, void *buffer);
int ops_buffer_take_data(const struct tensor_buffer_kind *kind, void *buffer, void **data,
			 size_t *size);

/*
 * The body of a shim that hands out a new object: `core(kind, &obj, ...)` makes it, and
 * it is stored through the shim's typed out-pointer `out` (NULL: VACCEL_EINVAL).
 */
#define OPS_RETURN_NEW(out, core, kind, ...)                                                       \
	do {                                                                                       \
		void *obj_;                                                                        \
		int ret_;                                                                          \
                                                                                                   \
		if (!(out))                                                                        \
			return VACCEL_EINVAL;                                                      \
		ret_ = core(kind, &obj_, __VA_ARGS__);                                             \
		if (!ret_)                                                                         \
			*(out) = obj_;                                                             \
		return ret_;                                                                       \
	} while (0)

/*
 * Define a family's public tensor calls (vaccel_<fw>_tensor_init ... _take_data) as the
 * shims described above. Families differ only in their names and in the types of
 * nr_dims and of a dimension, so those are the parameters.
 */
#define OPS_DEFINE_TENSOR_API(fw, nr_dims_t, dim_t)                                                \
	int vaccel_##fw##_tensor_init(struct vaccel_##fw##_tensor *tensor, nr_dims_t nr_dims,      \
				      const dim_t *dims, enum vaccel_##fw##_data_type type)        \
	{                                                                                          \
		return ops_tensor_init(&tensor_kind_##fw, tensor, nr_dims, dims, type);            \
	}                                                                                          \
	int vaccel_##fw##_tensor_release(struct vaccel_##fw##_tensor *tensor)                      \
	{                                                                                          \
		return ops_tensor_release(&tensor_kind_##fw, tensor);                              \
	}                                                                                          \
	int vaccel_##fw##_tensor_allocate(struct vaccel_##fw##_tensor **tensor, nr_dims_t nr_dims, \
					  const dim_t *dims, enum vaccel_##fw##_data_type type,    \
					  size_t total_size)                                       \
	{                                                                                          \
		OPS_RETURN_NEW(tensor, ops_tensor_allocate, &tensor_kind_##fw, nr_dims, dims,      \
			       type, total_size);                                                  \
	}                                                                                          \
	int vaccel_##fw##_tensor_new(struct vaccel_##fw##_tensor **tensor, nr_dims_t nr_dims,      \
				     const dim_t *dims, enum vaccel_##fw##_data_type type)         \
	{                                                                                          \
		return vaccel_##fw##_tensor_allocate(tensor, nr_dims, dims, type, 0);              \
	}                                                                                          \
	int vaccel_##fw##_tensor_delete(struct vaccel_##fw##_tensor *tensor)                       \
	{                                                                                          \
		return ops_tensor_delete(&tensor_kind_##fw, tensor);                               \
	}                                                                                          \
	int vaccel_##fw##_tensor_set_data(struct vaccel_##fw##_tensor *tensor, void *data,         \
					  size_t size)                                             \
	{                                                                                          \
		return ops_tensor_set_data(&tensor_kind_##fw, tensor, data, size);                 \
	}                                                                                          \
	int vaccel_##fw##_tensor_take_data(struct vaccel_##fw##_tensor *tensor, void **data,       \
					   size_t *size)                                           \
	{                                                                                          \
		return ops_tensor_take_data(&tensor_kind_##fw, tensor, data, size);                \
	}

/* Define a family's public buffer calls; `data_t` is the pointee type of its data. */
#define OPS_DEFINE_BUFFER_API(fw, data_t)                                                          \
	int vaccel_##fw##_buffer_init(struct vaccel_##fw##_buffer *buffer, data_t *data,           \
				      size_t size)                                                 \
	{                                                                                          \
		return ops_buffer_init(&tensor_buffer_kind_##fw, buffer, data, size);              \
	}                                                                                          \
	int vaccel_##fw##_buffer_release(struct vaccel_##fw##_buffer *buffer)                      \
	{                                                                                          \
		return ops_buffer_release(&tensor_buffer_kind_##fw, buffer);                       \
	}                                                                                          \
	int vaccel_##fw##_buffer_new(struct vaccel_##fw##_buffer **buffer, data_t *data,           \
				     size_t size)                                                  \
	{                                                                                          \
		OPS_RETURN_NEW(buffer, ops_buffer_new, &tensor_buffer_kind_##fw, data, size);      \
	}                                                                                          \
	int vaccel_##fw##_buffer_delete(struct vaccel_##fw##_buffer *buffer)                       \
	{                                                                                          \
		return ops_buffer_delete(&tensor_buffer_kind_##fw, buffer);                        \
	}                                                                                          \
	int vaccel_##fw##_buffer_take_data(struct vaccel_##fw##_buffer *buffer, void **data,       \
					   size_t *size)                                           \
	{                                                                                          \
		return ops_buffer_take_data(&tensor_buffer_kind_##fw, buffer, data, size);         \
	}

#endif /* VACCEL_SRC_OPS_TENSOR_CORE_H */
