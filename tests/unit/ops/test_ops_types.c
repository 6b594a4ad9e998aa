// SPDX-License-Identifier: Apache-2.0
/* TF / TFLite / Torch helper types: lifecycle, ownership and argument checks. */

#include <vaccel.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "vt_main.h"

/* Each buffer call of family `fw` refuses NULL objects and out-pointers; `b` is a buffer. */
#define ASSERT_BUFFER_CALLS_REFUSE_NULL(fw, b)                                                     \
	do {                                                                                       \
		void *out_;                                                                        \
		size_t size_;                                                                      \
                                                                                                   \
		assert_int_equal(vaccel_##fw##_buffer_init(NULL, NULL, 0), VACCEL_EINVAL);         \
		assert_int_equal(vaccel_##fw##_buffer_release(NULL), VACCEL_EINVAL);               \
		assert_int_equal(vaccel_##fw##_buffer_new(NULL, NULL, 0), VACCEL_EINVAL);          \
		assert_int_equal(vaccel_##fw##_buffer_delete(NULL), VACCEL_EINVAL);                \
		assert_int_equal(vaccel_##fw##_buffer_take_data(NULL, &out_, &size_),              \
				 VACCEL_EINVAL);                                                   \
		assert_int_equal(vaccel_##fw##_buffer_take_data(b, NULL, &size_), VACCEL_EINVAL);  \
		assert_int_equal(vaccel_##fw##_buffer_take_data(b, &out_, NULL), VACCEL_EINVAL);   \
	} while (0)

/* ---- TF buffer ---- */

static void tf_buffer_lifecycle(void **state)
{
	struct vaccel_tf_buffer b, *nb = NULL;
	void *data = malloc(10), *out = NULL;
	size_t size = 0;

	(void)state;
	assert_int_equal(vaccel_tf_buffer_init(&b, data, 10), VACCEL_OK);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.size, 10);
	assert_int_equal(vaccel_tf_buffer_take_data(&b, &out, &size), VACCEL_OK);
	assert_ptr_equal(out, data);
	assert_int_equal(size, 10);
	assert_null(b.data);
	assert_int_equal(b.size, 0);
	assert_int_equal(vaccel_tf_buffer_release(&b), VACCEL_OK); /* nothing left to free */

	/* new/delete take ownership: ASan/LSan would report a leak or double free */
	assert_int_equal(vaccel_tf_buffer_new(&nb, out, 10), VACCEL_OK);
	assert_ptr_equal(nb->data, out);
	assert_int_equal(vaccel_tf_buffer_delete(nb), VACCEL_OK);

	ASSERT_BUFFER_CALLS_REFUSE_NULL(tf, &b);
}

/* ---- TF node ---- */

static void tf_node_lifecycle(void **state)
{
	char name[] = "serving_default";
	struct vaccel_tf_node n, *nn = NULL;

	(void)state;
	assert_int_equal(vaccel_tf_node_init(&n, name, 3), VACCEL_OK);
	assert_string_equal(n.name, name);
	assert_ptr_not_equal(n.name, name); /* copied */
	assert_int_equal(n.id, 3);
	assert_int_equal(vaccel_tf_node_release(&n), VACCEL_OK);
	assert_null(n.name);
	assert_int_equal(n.id, -1);

	assert_int_equal(vaccel_tf_node_new(&nn, "out", 1), VACCEL_OK);
	assert_string_equal(nn->name, "out");
	assert_int_equal(vaccel_tf_node_delete(nn), VACCEL_OK);

	nn = NULL;
	assert_int_equal(vaccel_tf_node_init(&n, NULL, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_node_init(NULL, "x", 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_node_new(&nn, NULL, 0), VACCEL_EINVAL);
	assert_null(nn);
	assert_int_equal(vaccel_tf_node_new(NULL, "x", 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_node_release(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_node_delete(NULL), VACCEL_EINVAL);
}

/* ---- TF status ---- */

static void tf_status_lifecycle(void **state)
{
	struct vaccel_tf_status s, *ns = NULL;

	(void)state;
	assert_int_equal(vaccel_tf_status_init(&s, 3, "msg"), VACCEL_OK);
	assert_int_equal(s.code, 3);
	assert_string_equal(s.message, "msg");
	assert_int_equal(vaccel_tf_status_release(&s), VACCEL_OK);
	assert_null(s.message);
	assert_int_equal(s.code, 0);

	assert_int_equal(vaccel_tf_status_new(&ns, 1, "m"), VACCEL_OK);
	assert_string_equal(ns->message, "m");
	assert_int_equal(vaccel_tf_status_delete(ns), VACCEL_OK);

	ns = NULL;
	assert_int_equal(vaccel_tf_status_init(&s, 0, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_status_init(NULL, 0, "m"), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_status_new(&ns, 0, NULL), VACCEL_EINVAL);
	assert_null(ns);
	assert_int_equal(vaccel_tf_status_new(NULL, 0, "m"), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_status_release(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_status_delete(NULL), VACCEL_EINVAL);
}

/*
 * ---- tensors: one test body per family ----
 * The three families differ only in names and dims types; a macro writes the
 * same checks for each.
 */
#define TENSOR_TESTS(pfx, dim_t, nr_t, TYPE)                                                       \
	static void pfx##_tensor_lifecycle(void **state)                                           \
	{                                                                                          \
		dim_t dims[] = {2, 3};                                                             \
		struct vaccel_##pfx##_tensor t, *nt = NULL;                                        \
		float data[6] = {1, 2, 3, 4, 5, 6};                                                \
		void *out = NULL;                                                                  \
		size_t size = 0;                                                                   \
                                                                                                   \
		(void)state;                                                                       \
		/* init copies dims and starts empty */                                            \
		assert_int_equal(vaccel_##pfx##_tensor_init(&t, 2, dims, TYPE), VACCEL_OK);        \
		assert_int_equal(t.nr_dims, 2);                                                    \
		assert_ptr_not_equal(t.dims, dims);                                                \
		assert_true(t.dims[0] == 2 && t.dims[1] == 3);                                     \
		assert_int_equal(t.data_type, TYPE);                                               \
		assert_null(t.data);                                                               \
		assert_int_equal(t.size, 0);                                                       \
		assert_false(t.owned);                                                             \
                                                                                                   \
		/* set_data aliases; release leaves caller data alone */                           \
		assert_int_equal(vaccel_##pfx##_tensor_set_data(&t, data, sizeof(data)),           \
				 VACCEL_OK);                                                       \
		assert_ptr_equal(t.data, data);                                                    \
		assert_false(t.owned);                                                             \
		assert_int_equal(vaccel_##pfx##_tensor_take_data(&t, &out, &size), VACCEL_OK);     \
		assert_ptr_equal(out, data);                                                       \
		assert_int_equal(size, sizeof(data));                                              \
		assert_null(t.data);                                                               \
		assert_int_equal(vaccel_##pfx##_tensor_release(&t), VACCEL_OK);                    \
		assert_null(t.dims);                                                               \
		assert_int_equal(t.nr_dims, 0);                                                    \
                                                                                                   \
		/* NULL dims: zero-filled */                                                       \
		assert_int_equal(vaccel_##pfx##_tensor_new(&nt, 3, NULL, TYPE), VACCEL_OK);        \
		assert_true(nt->dims[0] == 0 && nt->dims[1] == 0 && nt->dims[2] == 0);             \
		assert_int_equal(vaccel_##pfx##_tensor_delete(nt), VACCEL_OK);                     \
                                                                                                   \
		/* allocate: owned zeroed data, freed by delete (LSan checks) */                   \
		nt = NULL;                                                                         \
		assert_int_equal(vaccel_##pfx##_tensor_allocate(&nt, 2, dims, TYPE, 24),           \
				 VACCEL_OK);                                                       \
		assert_non_null(nt->data);                                                         \
		assert_int_equal(nt->size, 24);                                                    \
		assert_true(nt->owned);                                                            \
		assert_int_equal(((unsigned char *)nt->data)[23], 0);                              \
		/* take_data hands ownership back */                                               \
		assert_int_equal(vaccel_##pfx##_tensor_take_data(nt, &out, &size), VACCEL_OK);     \
		assert_false(nt->owned);                                                           \
		assert_int_equal(size, 24);                                                        \
		free(out);                                                                         \
		assert_int_equal(vaccel_##pfx##_tensor_delete(nt), VACCEL_OK);                     \
                                                                                                   \
		/* allocate with size 0: no data */                                                \
		nt = NULL;                                                                         \
		assert_int_equal(vaccel_##pfx##_tensor_allocate(&nt, 1, dims, TYPE, 0),            \
				 VACCEL_OK);                                                       \
		assert_null(nt->data);                                                             \
		assert_false(nt->owned);                                                           \
		assert_int_equal(vaccel_##pfx##_tensor_delete(nt), VACCEL_OK);                     \
	}                                                                                          \
                                                                                                   \
	static void pfx##_tensor_errors(void **state)                                              \
	{                                                                                          \
		dim_t dims[] = {1};                                                                \
		struct vaccel_##pfx##_tensor t, *nt = NULL;                                        \
		void *out;                                                                         \
		size_t size;                                                                       \
                                                                                                   \
		(void)state;                                                                       \
		assert_int_equal(vaccel_##pfx##_tensor_init(&t, 0, dims, TYPE), VACCEL_EINVAL);    \
		assert_int_equal(vaccel_##pfx##_tensor_init(&t, (nr_t)-1, dims, TYPE),             \
				 VACCEL_EINVAL);                                                   \
		assert_int_equal(vaccel_##pfx##_tensor_init(NULL, 1, dims, TYPE), VACCEL_EINVAL);  \
		assert_int_equal(vaccel_##pfx##_tensor_new(&nt, 0, dims, TYPE), VACCEL_EINVAL);    \
		assert_null(nt);                                                                   \
		assert_int_equal(vaccel_##pfx##_tensor_new(NULL, 1, dims, TYPE), VACCEL_EINVAL);   \
		assert_int_equal(vaccel_##pfx##_tensor_allocate(&nt, 0, dims, TYPE, 8),            \
				 VACCEL_EINVAL);                                                   \
		assert_null(nt);                                                                   \
		assert_int_equal(vaccel_##pfx##_tensor_allocate(NULL, 1, dims, TYPE, 8),           \
				 VACCEL_EINVAL);                                                   \
		assert_int_equal(vaccel_##pfx##_tensor_release(NULL), VACCEL_EINVAL);              \
		assert_int_equal(vaccel_##pfx##_tensor_delete(NULL), VACCEL_EINVAL);               \
		assert_int_equal(vaccel_##pfx##_tensor_set_data(NULL, NULL, 0), VACCEL_EINVAL);    \
		assert_int_equal(vaccel_##pfx##_tensor_take_data(NULL, &out, &size),               \
				 VACCEL_EINVAL);                                                   \
		assert_int_equal(vaccel_##pfx##_tensor_init(&t, 1, dims, TYPE), VACCEL_OK);        \
		assert_int_equal(vaccel_##pfx##_tensor_take_data(&t, NULL, &size), VACCEL_EINVAL); \
		assert_int_equal(vaccel_##pfx##_tensor_take_data(&t, &out, NULL), VACCEL_EINVAL);  \
		assert_int_equal(vaccel_##pfx##_tensor_release(&t), VACCEL_OK);                    \
	}

TENSOR_TESTS(tf, int64_t, int, VACCEL_TF_FLOAT)
TENSOR_TESTS(tflite, int32_t, int, VACCEL_TFLITE_FLOAT32)
TENSOR_TESTS(torch, int64_t, int64_t, VACCEL_TORCH_FLOAT)

/* Replacing owned data with set_data does not free it (the caller may hold it). */
static void tensor_set_data_over_owned(void **state)
{
	struct vaccel_tf_tensor *t = NULL;
	int64_t dims[] = {4};
	float other[4] = {0};
	void *owned;

	(void)state;
	assert_int_equal(vaccel_tf_tensor_allocate(&t, 1, dims, VACCEL_TF_FLOAT, 16), VACCEL_OK);
	owned = t->data;
	((unsigned char *)owned)[15] = 0xab;
	assert_int_equal(vaccel_tf_tensor_set_data(t, other, sizeof(other)), VACCEL_OK);
	assert_false(t->owned);
	assert_int_equal(((unsigned char *)owned)[15], 0xab); /* still valid memory */
	free(owned);
	assert_int_equal(vaccel_tf_tensor_delete(t), VACCEL_OK);
}

/* ---- Torch buffer ---- */

static void torch_buffer_lifecycle(void **state)
{
	struct vaccel_torch_buffer b, *nb = NULL;
	char *data = strdup("options");
	void *out = NULL;
	size_t size = 0;

	(void)state;
	assert_int_equal(vaccel_torch_buffer_init(&b, data, 8), VACCEL_OK);
	assert_ptr_equal(b.data, data);
	assert_int_equal(vaccel_torch_buffer_take_data(&b, &out, &size), VACCEL_OK);
	assert_ptr_equal(out, data);
	assert_int_equal(size, 8);
	assert_null(b.data);
	assert_int_equal(vaccel_torch_buffer_new(&nb, out, 8), VACCEL_OK);
	assert_int_equal(vaccel_torch_buffer_delete(nb), VACCEL_OK);

	ASSERT_BUFFER_CALLS_REFUSE_NULL(torch, &b);
}

VT_MAIN(NULL, NULL, tf_buffer_lifecycle, tf_node_lifecycle, tf_status_lifecycle,
	tf_tensor_lifecycle, tf_tensor_errors, tflite_tensor_lifecycle, tflite_tensor_errors,
	torch_tensor_lifecycle, torch_tensor_errors, tensor_set_data_over_owned,
	torch_buffer_lifecycle)
