/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/torch.h: PyTorch (TorchScript) model operations and helper
 * types (same lifecycle conventions as vaccel/ops/tf.h).
 */
#ifndef VACCEL_OPS_TORCH_H
#define VACCEL_OPS_TORCH_H

#include "../resource.h"
#include "../session.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;
struct vaccel_resource;

/* Torch's fixed-width scalar types. */
enum vaccel_torch_data_type {
	VACCEL_TORCH_BYTE = 1,
	VACCEL_TORCH_CHAR = 2,
	VACCEL_TORCH_SHORT = 3,
	VACCEL_TORCH_INT = 4,
	VACCEL_TORCH_LONG = 5,
	VACCEL_TORCH_HALF = 6,
	VACCEL_TORCH_FLOAT = 7,
};

struct vaccel_torch_buffer {
	char *data;
	size_t size;
};

/* Takes ownership of data: release/delete free() it. */
int vaccel_torch_buffer_init(struct vaccel_torch_buffer *buffer, char *data, size_t size);
int vaccel_torch_buffer_release(struct vaccel_torch_buffer *buffer);
int vaccel_torch_buffer_new(struct vaccel_torch_buffer **buffer, char *data, size_t size);
int vaccel_torch_buffer_delete(struct vaccel_torch_buffer *buffer);
int vaccel_torch_buffer_take_data(struct vaccel_torch_buffer *buffer, void **data, size_t *size);

struct vaccel_torch_tensor {
	void *data;
	size_t size; /* bytes */
	bool owned;  /* release/delete free data */
	int64_t nr_dims;
	int64_t *dims;
	enum vaccel_torch_data_type data_type;
};

int vaccel_torch_tensor_init(struct vaccel_torch_tensor *tensor, int64_t nr_dims,
			     const int64_t *dims, enum vaccel_torch_data_type type);
int vaccel_torch_tensor_release(struct vaccel_torch_tensor *tensor);
int vaccel_torch_tensor_new(struct vaccel_torch_tensor **tensor, int64_t nr_dims,
			    const int64_t *dims, enum vaccel_torch_data_type type);
int vaccel_torch_tensor_allocate(struct vaccel_torch_tensor **tensor, int64_t nr_dims,
				 const int64_t *dims, enum vaccel_torch_data_type type,
				 size_t total_size);
int vaccel_torch_tensor_delete(struct vaccel_torch_tensor *tensor);
int vaccel_torch_tensor_set_data(struct vaccel_torch_tensor *tensor, void *data, size_t size);
int vaccel_torch_tensor_take_data(struct vaccel_torch_tensor *tensor, void **data, size_t *size);

/*
 * Model operations. model must be a VACCEL_RESOURCE_MODEL registered to sess
 * (else VACCEL_EINVAL / VACCEL_EPERM). run allocates each outputs[i]; free
 * them with vaccel_torch_tensor_delete().
 */
int vaccel_torch_model_load(struct vaccel_session *sess, struct vaccel_resource *model);
int vaccel_torch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			   const struct vaccel_torch_buffer *run_options,
			   struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			   struct vaccel_torch_tensor **outputs, int nr_outputs);

/* Deprecated: out = in_A x in_B (+ in_C) through the Torch plugin. */
int vaccel_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
		       struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C, int M,
		       int N, int K, struct vaccel_torch_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_TORCH_H */
