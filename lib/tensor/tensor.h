/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tensor: what vAccel's three tensor families (TF, TFLite, Torch) look like, written
 * once, and the checks on a tensor's shape.
 *
 * The public structs (vaccel/ops/{tf,tflite,torch}.h) hold the same fields and differ
 * only in the width of nr_dims (int, int, int64_t), of each dim (int64_t, int32_t,
 * int64_t) and in their data-type enum; TF's and Torch's run-option buffers differ only
 * in the type of their data pointer. A `struct tensor_kind` says where each field of one
 * family's struct is and how wide it is, and which data types the family has.
 *
 * Rules:
 * - Code that handles tensors of every family names no family struct: it reads a tensor
 *   with tensor_get() into a `struct tensor_fields` (fields widened) and writes it back
 *   with tensor_put(). Only the public functions' thin shims name the types.
 * - Every field is read and written through an lvalue of its own type (the width picks
 *   it), so nothing here depends on type punning.
 * - Nothing allocates, logs or keeps state, and nothing needs libvaccel: the runtime, the
 *   guest plugin and the daemon (which must import only symbols upstream's runtime
 *   exports) can each link it.
 * - tensor_check() is for tensors that come from elsewhere (a guest, a socket): it bounds
 *   a shape before anything is sized from it. The runtime's own lifecycle functions keep
 *   upstream's looser rules (any dims, only nr_dims >= 1).
 */
#ifndef TENSOR_H
#define TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One tensor family's public struct. */
struct tensor_kind {
	const char *name;     /* "TF", "TFLite", "Torch": for log lines */
	size_t size;	      /* sizeof the public struct */
	size_t data_off;      /* void *data */
	size_t size_off;      /* size_t size: bytes at data */
	size_t owned_off;     /* bool owned: release frees data */
	size_t nr_dims_off;   /* int or int64_t nr_dims */
	size_t nr_dims_width; /* sizeof(int) or sizeof(int64_t) */
	size_t dims_off;      /* int32_t * or int64_t * dims */
	size_t dim_width;     /* sizeof one dim: 4 or 8 */
	size_t data_type_off; /* the family's data-type enum */
	/* Bytes per element of data type t (0 <= t < nr_types): > 0 a fixed size, 0 none
	 * (strings, resources, variants, packed 4-bit), -1 not one of the family's types. */
	const int8_t *elem_size;
	int nr_types;
};

extern const struct tensor_kind tensor_kind_tf, tensor_kind_tflite, tensor_kind_torch;

/* A tensor of any family, its fields widened. */
struct tensor_fields {
	void *data;
	size_t size;
	bool owned;
	int64_t nr_dims;
	void *dims; /* nr_dims elements of kind->dim_width bytes each */
	int data_type;
};

/* Read all fields of `tensor`, a kind's public struct. */
void tensor_get(const struct tensor_kind *kind, const void *tensor, struct tensor_fields *f);
/* Write all fields; f->nr_dims must fit the kind's nr_dims width. */
void tensor_put(const struct tensor_kind *kind, void *tensor, const struct tensor_fields *f);
/* dims[i] of a kind's dims array, widened. */
int64_t tensor_dim(const struct tensor_kind *kind, const void *dims, size_t i);

/*
 * Element i of an array of a kind's tensor pointers (the `struct vaccel_tf_tensor **`
 * a model run takes), read and written as the family's own pointer type: the plugin
 * or caller on the other side accesses the array as such.
 */
void *tensor_ptr_get(const struct tensor_kind *kind, const void *arr, size_t i);
void tensor_ptr_set(const struct tensor_kind *kind, void *arr, size_t i, void *tensor);

/* Bytes per element of `data_type` (see tensor_kind.elem_size). */
int tensor_elem_size(const struct tensor_kind *kind, int data_type);

/* What a receiver accepts of a tensor it did not build. */
struct tensor_limits {
	int64_t max_dims;   /* >= 1 */
	uint64_t max_bytes; /* most data bytes */
};

/*
 * Check a tensor's shape: data_type is one of the kind's types; 1 <= nr_dims <=
 * lim->max_dims (and fits the kind's nr_dims); every dim (nr_dims elements of the kind's
 * width) is >= 0; the element count, and for a type of fixed element size the byte count,
 * do not overflow and stay within lim->max_bytes. NULL if it holds, with *bytes the data
 * size the shape implies (UINT64_MAX for a type without a fixed element size); otherwise
 * a short static text naming the rule broken.
 */
const char *tensor_check(const struct tensor_kind *kind, int64_t nr_dims, const void *dims,
			 int data_type, const struct tensor_limits *lim, uint64_t *bytes);

/* One run-option buffer family's public struct: { void * or char * data; size_t size }. */
struct tensor_buffer_kind {
	size_t size;	   /* sizeof the public struct */
	size_t data_off;   /* the data pointer */
	bool data_is_char; /* char *data (Torch) rather than void *data (TF) */
	size_t size_off;   /* size_t size */
};

extern const struct tensor_buffer_kind tensor_buffer_kind_tf, tensor_buffer_kind_torch;

void tensor_buffer_get(const struct tensor_buffer_kind *kind, const void *buffer, void **data,
		       size_t *size);
void tensor_buffer_put(const struct tensor_buffer_kind *kind, void *buffer, void *data,
		       size_t size);

#endif /* TENSOR_H */
