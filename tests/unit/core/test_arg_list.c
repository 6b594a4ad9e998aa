/* SPDX-License-Identifier: Apache-2.0 */
/* The deprecated vaccel_arg_list API. */
#include "th.h"
#include <vaccel.h>
#include "vt_main.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static void *ser(void *buf, uint32_t *size)
{
	int *out = malloc(2 * sizeof(int));

	out[0] = *(int *)buf;
	out[1] = -*(int *)buf;
	*size = 2 * sizeof(int);
	return out;
}

static void *deser(void *buf, uint32_t size)
{
	int *out = malloc(sizeof(int));

	(void)size;
	*out = ((int *)buf)[0] + ((int *)buf)[1] + 100;
	return out;
}

static void test_list(void **state)
{
	struct vaccel_arg_list *l;
	int in = 5, out = 0, val = 33;
	int *got;

	(void)state;
	l = vaccel_args_init(4);
	assert_non_null(l);
	assert_int_equal(l->size, 4);
	assert_int_equal(vaccel_add_serial_arg(l, &in, sizeof(in)), VACCEL_OK);
	assert_int_equal(vaccel_expect_serial_arg(l, &out, sizeof(out)), VACCEL_OK);
	assert_int_equal(vaccel_add_nonserial_arg(l, &val, 7, ser), VACCEL_OK);
	assert_int_equal(vaccel_expect_nonserial_arg(l, 16), VACCEL_OK);
	assert_int_equal(vaccel_add_serial_arg(l, &in, sizeof(in)), VACCEL_EINVAL); /* full */
	assert_int_equal(l->list[2].type, VACCEL_ARG_CUSTOM);
	assert_int_equal(l->list[2].custom_type_id, 7);

	assert_int_equal(*(int *)vaccel_extract_serial_arg(l->list, 0), 5);
	got = vaccel_extract_nonserial_arg(l->list, 2, deser);
	assert_int_equal(*got, 100);
	free(got);
	assert_int_equal(vaccel_write_serial_arg(l->list, 1, &val), VACCEL_OK);
	assert_int_equal(out, 33);
	assert_int_equal(vaccel_write_nonserial_arg(l->list, 3, &val, ser), VACCEL_OK);
	assert_int_equal(((int *)l->list[3].buf)[1], -33);
	assert_null(vaccel_extract_serial_arg(NULL, 0));
	assert_null(vaccel_extract_nonserial_arg(l->list, 0, NULL));
	assert_int_equal(vaccel_write_serial_arg(NULL, 0, &val), VACCEL_EINVAL);
	assert_int_equal(vaccel_write_nonserial_arg(l->list, 0, &val, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_delete_args(l), VACCEL_OK);
	assert_int_equal(vaccel_delete_args(NULL), VACCEL_EINVAL);
}

static void test_partly_filled(void **state)
{
	struct vaccel_arg_list *l;
	int val = 1;

	(void)state;
	/* deleting a list with unused slots must not read garbage (upstream bug) */
	l = vaccel_args_init(64);
	assert_non_null(l);
	assert_int_equal(vaccel_add_nonserial_arg(l, &val, 1, ser), VACCEL_OK);
	for (uint32_t i = 0; i < 64; i++)
		assert_int_equal(l->idcs_allocated_space[i], i == 0);
	assert_int_equal(vaccel_delete_args(l), VACCEL_OK);
	l = vaccel_args_init(0);
	assert_non_null(l);
	assert_int_equal(vaccel_expect_nonserial_arg(l, 4), VACCEL_EINVAL);
	assert_int_equal(vaccel_delete_args(l), VACCEL_OK);
}

VT_MAIN(NULL, NULL, test_list, test_partly_filled)
