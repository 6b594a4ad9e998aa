/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lifecycle of TF, TFLite and Torch tensors and run-option buffers, written once for
 * every family (tensor_core.c). The public functions in tf_types.c, tflite_types.c and
 * torch_types.c are shims that name their family's kind (lib/tensor) and nothing else;
 * a shim that hands out a new object stores it through its own typed pointer.
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

#endif /* VACCEL_SRC_OPS_TENSOR_CORE_H */
