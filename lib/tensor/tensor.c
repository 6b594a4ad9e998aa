// SPDX-License-Identifier: Apache-2.0
/*
 * The tensor families' layouts and data types (contract and rules in tensor.h). Each
 * layout is taken from the public struct itself (offsetof, sizeof), and a family whose
 * struct stops matching what tensor_get()/tensor_put() can access fails to build.
 */

#include "tensor.h"
#include "vaccel/ops/tf.h"
#include "vaccel/ops/tflite.h"
#include "vaccel/ops/torch.h"
#include "vaccel_common.h"
#include <limits.h>

/* Element sizes, by data type. The enums are contiguous; each table lists every value. */
static const int8_t tf_elem_size[] = {
    [0] = -1, /* TF_DataType has no 0 */
    [VACCEL_TF_FLOAT] = 4,
    [VACCEL_TF_DOUBLE] = 8,
    [VACCEL_TF_INT32] = 4,
    [VACCEL_TF_UINT8] = 1,
    [VACCEL_TF_INT16] = 2,
    [VACCEL_TF_INT8] = 1,
    [VACCEL_TF_STRING] = 0,
    [VACCEL_TF_COMPLEX64] = 8,
    [VACCEL_TF_INT64] = 8,
    [VACCEL_TF_BOOL] = 1,
    [VACCEL_TF_QINT8] = 1,
    [VACCEL_TF_QUINT8] = 1,
    [VACCEL_TF_QINT32] = 4,
    [VACCEL_TF_BFLOAT16] = 2,
    [VACCEL_TF_QINT16] = 2,
    [VACCEL_TF_QUINT16] = 2,
    [VACCEL_TF_UINT16] = 2,
    [VACCEL_TF_COMPLEX128] = 16,
    [VACCEL_TF_HALF] = 2,
    [VACCEL_TF_RESOURCE] = 0,
    [VACCEL_TF_VARIANT] = 0,
    [VACCEL_TF_UINT32] = 4,
    [VACCEL_TF_UINT64] = 8,
};
_Static_assert(ARRAY_SIZE(tf_elem_size) == VACCEL_TF_UINT64 + 1, "a TF data type is missing");

static const int8_t tflite_elem_size[] = {
    [VACCEL_TFLITE_NOTYPE] = 0,	     [VACCEL_TFLITE_FLOAT32] = 4, [VACCEL_TFLITE_INT32] = 4,
    [VACCEL_TFLITE_UINT8] = 1,	     [VACCEL_TFLITE_INT64] = 8,	  [VACCEL_TFLITE_STRING] = 0,
    [VACCEL_TFLITE_BOOL] = 1,	     [VACCEL_TFLITE_INT16] = 2,	  [VACCEL_TFLITE_COMPLEX64] = 8,
    [VACCEL_TFLITE_INT8] = 1,	     [VACCEL_TFLITE_FLOAT16] = 2, [VACCEL_TFLITE_FLOAT64] = 8,
    [VACCEL_TFLITE_COMPLEX128] = 16, [VACCEL_TFLITE_UINT64] = 8,  [VACCEL_TFLITE_RESOURCE] = 0,
    [VACCEL_TFLITE_VARIANT] = 0,     [VACCEL_TFLITE_UINT32] = 4,  [VACCEL_TFLITE_UINT16] = 2,
    [VACCEL_TFLITE_INT4] = 0, /* two per byte */
};
_Static_assert(ARRAY_SIZE(tflite_elem_size) == VACCEL_TFLITE_INT4 + 1,
	       "a TFLite data type is missing");

static const int8_t torch_elem_size[] = {
    [0] = -1, /* no Torch type 0 */
    [VACCEL_TORCH_BYTE] = 1,
    [VACCEL_TORCH_CHAR] = 1,
    [VACCEL_TORCH_SHORT] = 2,
    [VACCEL_TORCH_INT] = 4,
    [VACCEL_TORCH_LONG] = 8,
    [VACCEL_TORCH_HALF] = 2,
    [VACCEL_TORCH_FLOAT] = 4,
};
_Static_assert(ARRAY_SIZE(torch_elem_size) == VACCEL_TORCH_FLOAT + 1,
	       "a Torch data type is missing");

#define MEMBER(T, m) (((T *)0)->m)
#define HAS_TYPE(T, m, type) __builtin_types_compatible_p(__typeof__(MEMBER(T, m)), type)

/* The fields tensor_get()/tensor_put() access, with the types they access them as. */
#define TENSOR_KIND_ASSERTS(T)                                                                     \
	_Static_assert(HAS_TYPE(T, data, void *) && HAS_TYPE(T, size, size_t) &&                   \
			   HAS_TYPE(T, owned, bool),                                               \
		       #T ": data, size, owned");                                                  \
	_Static_assert(HAS_TYPE(T, nr_dims, int) || HAS_TYPE(T, nr_dims, int64_t),                 \
		       #T ": nr_dims");                                                            \
	_Static_assert(HAS_TYPE(T, dims, int32_t *) || HAS_TYPE(T, dims, int64_t *), #T ": dims"); \
	_Static_assert(sizeof(MEMBER(T, data_type)) == sizeof(int), #T ": data_type")

#define TENSOR_KIND(T, label, elem_sizes)                                                          \
	{                                                                                          \
		.name = (label), .size = sizeof(T), .data_off = offsetof(T, data),                 \
		.size_off = offsetof(T, size), .owned_off = offsetof(T, owned),                    \
		.nr_dims_off = offsetof(T, nr_dims), .nr_dims_width = sizeof(MEMBER(T, nr_dims)),  \
		.dims_off = offsetof(T, dims), .dim_width = sizeof(*MEMBER(T, dims)),              \
		.data_type_off = offsetof(T, data_type), .elem_size = (elem_sizes),                \
		.nr_types = (int)ARRAY_SIZE(elem_sizes),                                           \
	}

TENSOR_KIND_ASSERTS(struct vaccel_tf_tensor);
TENSOR_KIND_ASSERTS(struct vaccel_tflite_tensor);
TENSOR_KIND_ASSERTS(struct vaccel_torch_tensor);

const struct tensor_kind tensor_kind_tf = TENSOR_KIND(struct vaccel_tf_tensor, "TF", tf_elem_size);
const struct tensor_kind tensor_kind_tflite =
    TENSOR_KIND(struct vaccel_tflite_tensor, "TFLite", tflite_elem_size);
const struct tensor_kind tensor_kind_torch =
    TENSOR_KIND(struct vaccel_torch_tensor, "Torch", torch_elem_size);

/* The field at `off` of a public struct, as an lvalue of `type`. */
#define FIELD(p, off, type) (*(type *)((char *)(p) + (off)))
#define CFIELD(p, off, type) (*(type const *)((const char *)(p) + (off)))

void tensor_get(const struct tensor_kind *kind, const void *tensor, struct tensor_fields *f)
{
	f->data = CFIELD(tensor, kind->data_off, void *);
	f->size = CFIELD(tensor, kind->size_off, size_t);
	f->owned = CFIELD(tensor, kind->owned_off, bool);
	if (kind->nr_dims_width == sizeof(int64_t))
		f->nr_dims = CFIELD(tensor, kind->nr_dims_off, int64_t);
	else
		f->nr_dims = CFIELD(tensor, kind->nr_dims_off, int);
	if (kind->dim_width == sizeof(int64_t))
		f->dims = CFIELD(tensor, kind->dims_off, int64_t *);
	else
		f->dims = CFIELD(tensor, kind->dims_off, int32_t *);
	f->data_type = CFIELD(tensor, kind->data_type_off, int);
}

void tensor_put(const struct tensor_kind *kind, void *tensor, const struct tensor_fields *f)
{
	FIELD(tensor, kind->data_off, void *) = f->data;
	FIELD(tensor, kind->size_off, size_t) = f->size;
	FIELD(tensor, kind->owned_off, bool) = f->owned;
	if (kind->nr_dims_width == sizeof(int64_t))
		FIELD(tensor, kind->nr_dims_off, int64_t) = f->nr_dims;
	else
		FIELD(tensor, kind->nr_dims_off, int) = (int)f->nr_dims;
	if (kind->dim_width == sizeof(int64_t))
		FIELD(tensor, kind->dims_off, int64_t *) = f->dims;
	else
		FIELD(tensor, kind->dims_off, int32_t *) = f->dims;
	FIELD(tensor, kind->data_type_off, int) = f->data_type;
}

int64_t tensor_dim(const struct tensor_kind *kind, const void *dims, size_t i)
{
	if (kind->dim_width == sizeof(int64_t))
		return ((const int64_t *)dims)[i];
	return ((const int32_t *)dims)[i];
}

void *tensor_ptr_get(const struct tensor_kind *kind, const void *arr, size_t i)
{
	if (kind == &tensor_kind_tf)
		return ((struct vaccel_tf_tensor *const *)arr)[i];
	if (kind == &tensor_kind_tflite)
		return ((struct vaccel_tflite_tensor *const *)arr)[i];
	return ((struct vaccel_torch_tensor *const *)arr)[i];
}

void tensor_ptr_set(const struct tensor_kind *kind, void *arr, size_t i, void *tensor)
{
	if (kind == &tensor_kind_tf)
		((struct vaccel_tf_tensor **)arr)[i] = tensor;
	else if (kind == &tensor_kind_tflite)
		((struct vaccel_tflite_tensor **)arr)[i] = tensor;
	else
		((struct vaccel_torch_tensor **)arr)[i] = tensor;
}

int tensor_elem_size(const struct tensor_kind *kind, int data_type)
{
	if (data_type < 0 || data_type >= kind->nr_types)
		return -1;
	return kind->elem_size[data_type];
}

const char *tensor_check(const struct tensor_kind *kind, int64_t nr_dims, const void *dims,
			 int data_type, const struct tensor_limits *lim, uint64_t *bytes)
{
	int64_t nr_dims_max = kind->nr_dims_width == sizeof(int64_t) ? INT64_MAX : INT_MAX;
	int elem = tensor_elem_size(kind, data_type);
	uint64_t count = 1;

	if (elem < 0)
		return "unknown data type";
	if (nr_dims < 1)
		return "fewer than 1 dim";
	if (nr_dims > lim->max_dims || nr_dims > nr_dims_max)
		return "too many dims";
	if (!dims)
		return "no dims";

	for (int64_t i = 0; i < nr_dims; i++) {
		int64_t d = tensor_dim(kind, dims, (size_t)i);

		if (d < 0)
			return "negative dim";
		if (d && count > UINT64_MAX / (uint64_t)d)
			return "element count overflows";
		count *= (uint64_t)d;
	}

	/* Every element takes at least a byte, whatever its type. */
	if (count > lim->max_bytes || (elem && count > lim->max_bytes / (uint64_t)elem))
		return "data larger than the limit";

	*bytes = elem ? count * (uint64_t)elem : UINT64_MAX;
	return NULL;
}

#define BUFFER_KIND(T, is_char)                                                                    \
	{                                                                                          \
		.size = sizeof(T), .data_off = offsetof(T, data), .data_is_char = (is_char),       \
		.size_off = offsetof(T, size),                                                     \
	}

_Static_assert(HAS_TYPE(struct vaccel_tf_buffer, data, void *) &&
		   HAS_TYPE(struct vaccel_torch_buffer, data, char *),
	       "buffer data pointers");

const struct tensor_buffer_kind tensor_buffer_kind_tf = BUFFER_KIND(struct vaccel_tf_buffer, false);
const struct tensor_buffer_kind tensor_buffer_kind_torch =
    BUFFER_KIND(struct vaccel_torch_buffer, true);

void tensor_buffer_get(const struct tensor_buffer_kind *kind, const void *buffer, void **data,
		       size_t *size)
{
	if (kind->data_is_char)
		*data = CFIELD(buffer, kind->data_off, char *);
	else
		*data = CFIELD(buffer, kind->data_off, void *);
	*size = CFIELD(buffer, kind->size_off, size_t);
}

void tensor_buffer_put(const struct tensor_buffer_kind *kind, void *buffer, void *data, size_t size)
{
	if (kind->data_is_char)
		FIELD(buffer, kind->data_off, char *) = data;
	else
		FIELD(buffer, kind->data_off, void *) = data;
	FIELD(buffer, kind->size_off, size_t) = size;
}
