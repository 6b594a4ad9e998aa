// SPDX-License-Identifier: Apache-2.0
/*
 * lib/tensor: each family's kind reads and writes exactly the public struct's fields
 * (checked against the struct itself), its data-type facts, and tensor_check()'s rules
 * for shapes that come from elsewhere.
 */

#include "tensor.h"
#include <vaccel.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include "vt_main.h"

/* Put fields through the kind, read them back through the struct, and the reverse. */
#define ROUND_TRIP(kind, T, dim_t, TYPE)                                                           \
	do {                                                                                       \
		dim_t dims[3] = {7, 0, 5};                                                         \
		char data[4];                                                                      \
		T t;                                                                               \
		struct tensor_fields in = {.data = data,                                           \
					   .size = sizeof(data),                                   \
					   .owned = true,                                          \
					   .nr_dims = 3,                                           \
					   .dims = dims,                                           \
					   .data_type = TYPE},                                     \
				     out;                                                          \
                                                                                                   \
		memset(&t, 0xa5, sizeof(t));                                                       \
		assert_int_equal((kind)->size, sizeof(T));                                         \
		tensor_put(kind, &t, &in);                                                         \
		assert_ptr_equal(t.data, data);                                                    \
		assert_int_equal(t.size, sizeof(data));                                            \
		assert_true(t.owned);                                                              \
		assert_int_equal(t.nr_dims, 3);                                                    \
		assert_ptr_equal(t.dims, dims);                                                    \
		assert_int_equal(t.data_type, TYPE);                                               \
                                                                                                   \
		t.owned = false;                                                                   \
		t.nr_dims = 2;                                                                     \
		t.size = 1;                                                                        \
		tensor_get(kind, &t, &out);                                                        \
		assert_ptr_equal(out.data, data);                                                  \
		assert_int_equal(out.size, 1);                                                     \
		assert_false(out.owned);                                                           \
		assert_int_equal(out.nr_dims, 2);                                                  \
		assert_ptr_equal(out.dims, dims);                                                  \
		assert_int_equal(out.data_type, TYPE);                                             \
		assert_int_equal(tensor_dim(kind, dims, 0), 7);                                    \
		assert_int_equal(tensor_dim(kind, dims, 2), 5);                                    \
	} while (0)

static void kinds_match_public_structs(void **state)
{
	(void)state;
	ROUND_TRIP(&tensor_kind_tf, struct vaccel_tf_tensor, int64_t, VACCEL_TF_INT64);
	ROUND_TRIP(&tensor_kind_tflite, struct vaccel_tflite_tensor, int32_t, VACCEL_TFLITE_INT4);
	ROUND_TRIP(&tensor_kind_torch, struct vaccel_torch_tensor, int64_t, VACCEL_TORCH_FLOAT);
	assert_int_equal(tensor_kind_tf.dim_width, 8);
	assert_int_equal(tensor_kind_tflite.dim_width, 4);
	assert_int_equal(tensor_kind_torch.nr_dims_width, 8);
	assert_string_equal(tensor_kind_tflite.name, "TFLite");
}

/* A wider-than-int nr_dims survives only where the struct holds int64_t. */
static void torch_nr_dims_is_wide(void **state)
{
	struct vaccel_torch_tensor t = {0};
	struct tensor_fields f = {.nr_dims = INT64_C(1) << 40};

	(void)state;
	tensor_put(&tensor_kind_torch, &t, &f);
	assert_true(t.nr_dims == INT64_C(1) << 40);
	tensor_get(&tensor_kind_torch, &t, &f);
	assert_true(f.nr_dims == INT64_C(1) << 40);
}

static void buffers_match_public_structs(void **state)
{
	char bytes[3];
	struct vaccel_tf_buffer tb = {0};
	struct vaccel_torch_buffer pb = {0};
	void *data;
	size_t size;

	(void)state;
	assert_int_equal(tensor_buffer_kind_tf.size, sizeof(tb));
	assert_int_equal(tensor_buffer_kind_torch.size, sizeof(pb));
	tensor_buffer_put(&tensor_buffer_kind_tf, &tb, bytes, 3);
	assert_ptr_equal(tb.data, bytes);
	assert_int_equal(tb.size, 3);
	tensor_buffer_put(&tensor_buffer_kind_torch, &pb, bytes, 2);
	assert_ptr_equal(pb.data, bytes);
	assert_int_equal(pb.size, 2);
	tensor_buffer_get(&tensor_buffer_kind_torch, &pb, &data, &size);
	assert_ptr_equal(data, bytes);
	assert_int_equal(size, 2);
}

/* Arrays of tensor pointers, as a model run takes them, through each kind. */
static void pointer_arrays(void **state)
{
	struct vaccel_tf_tensor tf[2], *tfs[2] = {&tf[0], NULL};
	struct vaccel_tflite_tensor tfl, *tfls[1] = {NULL};
	struct vaccel_torch_tensor torch, *torches[3] = {NULL, NULL, &torch};

	(void)state;
	assert_ptr_equal(tensor_ptr_get(&tensor_kind_tf, tfs, 0), &tf[0]);
	tensor_ptr_set(&tensor_kind_tf, tfs, 1, &tf[1]);
	assert_ptr_equal(tfs[1], &tf[1]);
	tensor_ptr_set(&tensor_kind_tflite, tfls, 0, &tfl);
	assert_ptr_equal(tfls[0], &tfl);
	assert_ptr_equal(tensor_ptr_get(&tensor_kind_torch, torches, 2), &torch);
	tensor_ptr_set(&tensor_kind_torch, torches, 2, NULL);
	assert_null(torches[2]);
}

static void data_type_facts(void **state)
{
	(void)state;
	assert_int_equal(tensor_elem_size(&tensor_kind_tf, VACCEL_TF_FLOAT), 4);
	assert_int_equal(tensor_elem_size(&tensor_kind_tf, VACCEL_TF_COMPLEX128), 16);
	assert_int_equal(tensor_elem_size(&tensor_kind_tf, VACCEL_TF_UINT64), 8);
	assert_int_equal(tensor_elem_size(&tensor_kind_tf, VACCEL_TF_STRING), 0);
	assert_int_equal(tensor_elem_size(&tensor_kind_tf, 0), -1);
	assert_int_equal(tensor_elem_size(&tensor_kind_tf, VACCEL_TF_UINT64 + 1), -1);
	assert_int_equal(tensor_elem_size(&tensor_kind_tflite, VACCEL_TFLITE_NOTYPE), 0);
	assert_int_equal(tensor_elem_size(&tensor_kind_tflite, VACCEL_TFLITE_INT64), 8);
	assert_int_equal(tensor_elem_size(&tensor_kind_tflite, VACCEL_TFLITE_UINT16), 2);
	assert_int_equal(tensor_elem_size(&tensor_kind_tflite, VACCEL_TFLITE_INT4), 0);
	assert_int_equal(tensor_elem_size(&tensor_kind_tflite, -1), -1);
	assert_int_equal(tensor_elem_size(&tensor_kind_torch, VACCEL_TORCH_BYTE), 1);
	assert_int_equal(tensor_elem_size(&tensor_kind_torch, VACCEL_TORCH_LONG), 8);
	assert_int_equal(tensor_elem_size(&tensor_kind_torch, VACCEL_TORCH_FLOAT), 4);
	assert_int_equal(tensor_elem_size(&tensor_kind_torch, 0), -1);
	assert_int_equal(tensor_elem_size(&tensor_kind_torch, VACCEL_TORCH_FLOAT + 1), -1);
}

/* Expect tensor_check() to refuse with a message containing `why`. */
static void refused(const struct tensor_kind *kind, int64_t nr_dims, const void *dims, int type,
		    const struct tensor_limits *lim, const char *why)
{
	uint64_t bytes = 12345;
	const char *got = tensor_check(kind, nr_dims, dims, type, lim, &bytes);

	assert_non_null(got);
	assert_non_null(strstr(got, why));
	assert_int_equal(bytes, 12345);
}

static void check_shapes(void **state)
{
	const struct tensor_limits lim = {.max_dims = 4, .max_bytes = 4096};
	int64_t d64[] = {2, 3, 4};
	int32_t d32[] = {2, 3, 4};
	int64_t zero[] = {5, 0};
	uint64_t bytes = 0;

	(void)state;
	assert_null(tensor_check(&tensor_kind_tf, 3, d64, VACCEL_TF_DOUBLE, &lim, &bytes));
	assert_int_equal(bytes, 2 * 3 * 4 * 8);
	assert_null(tensor_check(&tensor_kind_tflite, 3, d32, VACCEL_TFLITE_INT16, &lim, &bytes));
	assert_int_equal(bytes, 2 * 3 * 4 * 2);
	assert_null(tensor_check(&tensor_kind_torch, 2, zero, VACCEL_TORCH_INT, &lim, &bytes));
	assert_int_equal(bytes, 0);
	/* No fixed element size: the shape implies no byte count. */
	assert_null(tensor_check(&tensor_kind_tf, 1, d64, VACCEL_TF_STRING, &lim, &bytes));
	assert_true(bytes == UINT64_MAX);

	refused(&tensor_kind_tf, 1, d64, 0, &lim, "data type");
	refused(&tensor_kind_torch, 1, d64, 99, &lim, "data type");
	refused(&tensor_kind_tf, 0, d64, VACCEL_TF_FLOAT, &lim, "fewer than 1");
	refused(&tensor_kind_tf, -3, d64, VACCEL_TF_FLOAT, &lim, "fewer than 1");
	refused(&tensor_kind_tf, 5, d64, VACCEL_TF_FLOAT, &lim, "too many dims");
	refused(&tensor_kind_tf, 1, NULL, VACCEL_TF_FLOAT, &lim, "no dims");
}

static void check_dims_values(void **state)
{
	const struct tensor_limits lim = {.max_dims = 8, .max_bytes = UINT64_MAX};
	const struct tensor_limits small = {.max_dims = 8, .max_bytes = 100};
	int64_t neg[] = {4, -1};
	int32_t neg32[] = {3, INT32_MIN};
	int64_t huge[] = {INT64_MAX, INT64_MAX};
	int64_t big[] = {INT64_C(1) << 61, 4};
	int64_t hundred[] = {10, 10};
	uint64_t bytes = 0;

	(void)state;
	refused(&tensor_kind_tf, 2, neg, VACCEL_TF_FLOAT, &lim, "negative");
	refused(&tensor_kind_tflite, 2, neg32, VACCEL_TFLITE_UINT8, &lim, "negative");
	refused(&tensor_kind_torch, 2, huge, VACCEL_TORCH_BYTE, &lim, "overflows");
	/* 2^63 elements fit a uint64_t count, not as 4-byte floats. */
	refused(&tensor_kind_torch, 2, big, VACCEL_TORCH_FLOAT, &lim, "larger");
	/* 100 one-byte elements fit 100 bytes; 100 two-byte ones do not. */
	assert_null(tensor_check(&tensor_kind_tf, 2, hundred, VACCEL_TF_UINT8, &small, &bytes));
	assert_int_equal(bytes, 100);
	refused(&tensor_kind_tf, 2, hundred, VACCEL_TF_INT16, &small, "larger");
	/* Elements without a fixed size are still bounded by count. */
	refused(&tensor_kind_tf, 2, big, VACCEL_TF_STRING, &small, "larger");
}

VT_MAIN(NULL, NULL, kinds_match_public_structs, torch_nr_dims_is_wide, buffers_match_public_structs,
	pointer_arrays, data_type_facts, check_shapes, check_dims_values)
