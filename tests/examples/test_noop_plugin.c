// SPDX-License-Identifier: Apache-2.0
/*
 * The noop plugin through the public API (VACCEL_PLUGINS=libvaccel-noop.so): exact dummy
 * results, copies, and no write past any caller buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vaccel.h>

#include "session_fixture.h"
#include "vt_main.h"

#define TAG "This is a dummy classification tag!"
#define IMGNAME "This is a dummy imgname!"
#define CANARY 0xa5

static void test_classify_exact(void **state)
{
	unsigned char text[512], imgname[512];
	const char img[] = "image";

	memset(text, CANARY, sizeof(text));
	memset(imgname, CANARY, sizeof(imgname));
	assert_int_equal(vaccel_image_classification(*state, img, text, imgname, sizeof(img),
						     sizeof(text), sizeof(imgname)),
			 VACCEL_OK);
	assert_string_equal((char *)text, TAG);
	assert_string_equal((char *)imgname, IMGNAME);
}

/* Short buffers get a truncated, terminated string and nothing beyond their length. */
static void test_classify_truncates(void **state)
{
	unsigned char text[16], imgname[16];
	const char img[] = "image";

	memset(text, CANARY, sizeof(text));
	memset(imgname, CANARY, sizeof(imgname));
	assert_int_equal(vaccel_image_classification(*state, img, text, imgname, sizeof(img), 8, 1),
			 VACCEL_OK);
	assert_string_equal((char *)text, "This is");
	assert_int_equal(imgname[0], 0);
	for (size_t i = 8; i < sizeof(text); i++)
		assert_int_equal(text[i], CANARY);
	for (size_t i = 1; i < sizeof(imgname); i++)
		assert_int_equal(imgname[i], CANARY);
}

static void test_image_ops(void **state)
{
	unsigned char out[64];
	const char img[] = "image";
	int (*ops[])(struct vaccel_session *, const void *, unsigned char *, size_t,
		     size_t) = {vaccel_image_detection, vaccel_image_segmentation,
				vaccel_image_pose, vaccel_image_depth};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		memset(out, CANARY, sizeof(out));
		assert_int_equal(ops[i](*state, img, out, sizeof(img), sizeof(out)), VACCEL_OK);
		assert_string_equal((char *)out, IMGNAME);
		assert_int_equal(ops[i](*state, NULL, out, 0, sizeof(out)), VACCEL_EINVAL);
	}
}

static void test_genop_classify(void **state)
{
	unsigned char text[64] = {0}, imgname[64] = {0};
	uint8_t op = VACCEL_OP_IMAGE_CLASSIFY;
	char img[] = "image";
	struct vaccel_arg read[] = {
	    {.buf = &op, .size = 1, .type = VACCEL_ARG_UINT8},
	    {.buf = img, .size = sizeof(img), .type = VACCEL_ARG_BUFFER},
	};
	struct vaccel_arg write[] = {
	    {.buf = imgname, .size = sizeof(imgname), .type = VACCEL_ARG_UCHAR_ARRAY},
	    {.buf = text, .size = sizeof(text), .type = VACCEL_ARG_UCHAR_ARRAY},
	};

	assert_int_equal(vaccel_genop(*state, read, 2, write, 2), VACCEL_OK);
	assert_string_equal((char *)text, TAG);
	assert_string_equal((char *)imgname, IMGNAME);
}

static void test_exec_echo(void **state)
{
	int32_t in = 1234, out = 0;
	int64_t big = 0;
	struct vaccel_arg read = {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32};
	struct vaccel_arg write = {.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32};
	struct vaccel_arg write_big = {.buf = &big, .size = sizeof(big), .type = VACCEL_ARG_INT64};

	assert_int_equal(vaccel_exec(*state, "lib.so", "fn", &read, 1, &write, 1), VACCEL_OK);
	assert_int_equal(out, 1234);
	/* Different sizes: the output is left alone. */
	assert_int_equal(vaccel_exec(*state, "lib.so", "fn", &read, 1, &write_big, 1), VACCEL_OK);
	assert_int_equal(big, 0);
	assert_int_equal(vaccel_exec(*state, NULL, "fn", &read, 1, &write, 1), VACCEL_EINVAL);
}

static void test_sgemm_leaves_c(void **state)
{
	float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {7, 7, 7, 7};

	assert_int_equal(vaccel_sgemm(*state, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2), VACCEL_OK);
	for (int i = 0; i < 4; i++)
		assert_true(c[i] == 7.0f);
}

static void test_fpga(void **state)
{
	int ia[3] = {4, 5, 6}, iout[4] = {0, 0, 0, -1};
	float a[3] = {1, 2, 3}, b[3] = {10, 20, 30}, c[4] = {0, 0, 0, -1}, d[4] = {0, 0, 0, -1};

	assert_int_equal(vaccel_fpga_arraycopy(*state, ia, iout, 3), VACCEL_OK);
	assert_memory_equal(iout, ia, sizeof(ia));
	assert_int_equal(iout[3], -1);

	assert_int_equal(vaccel_fpga_mmult(*state, a, b, c, 3), VACCEL_OK);
	for (int i = 0; i < 3; i++)
		assert_true(c[i] == 9.1f);
	assert_true(c[3] == -1.0f);

	assert_int_equal(vaccel_fpga_parallel(*state, a, b, c, d, 3), VACCEL_OK);
	for (int i = 0; i < 3; i++) {
		assert_true(c[i] == a[i] + b[i]);
		assert_true(d[i] == 1.0f);
	}
	assert_true(c[3] == -1.0f && d[3] == -1.0f);

	/* b shorter than a: b is not read past its length. */
	assert_int_equal(vaccel_fpga_vadd(*state, a, b, c, 3, 2), VACCEL_OK);
	assert_true(c[0] == 11.0f && c[1] == 22.0f && c[2] == 3.0f && c[3] == -1.0f);
}

static void test_minmax(void **state)
{
	double in[3] = {5, 1, 9}, out[4] = {0, 0, 0, -2}, min = 0, max = 0;

	assert_int_equal(vaccel_minmax(*state, in, 3, 0, 10, out, &min, &max), VACCEL_OK);
	assert_memory_equal(out, in, sizeof(in));
	assert_true(out[3] == -2.0);
	assert_true(min == -1.0 && max == 10000.0);
	assert_int_equal(vaccel_minmax(*state, in, -1, 0, 10, out, &min, &max), VACCEL_EINVAL);
}

static void test_opencv(void **state)
{
	uint8_t fn = 3;
	uint8_t small[sizeof(size_t) - 1]; /* too small for the count on every ABI */
	float big[8];
	size_t count;
	struct vaccel_arg read = {.buf = &fn, .size = 1, .type = VACCEL_ARG_UINT8};
	struct vaccel_arg write[] = {
	    {.buf = big, .size = sizeof(big), .type = VACCEL_ARG_RAW},
	    {.buf = small, .size = sizeof(small), .type = VACCEL_ARG_RAW},
	};

	memset(small, CANARY, sizeof(small));
	assert_int_equal(vaccel_opencv(*state, &read, 1, write, 2), VACCEL_OK);
	memcpy(&count, big, sizeof(count));
	assert_int_equal(count, 8);
	for (size_t i = 0; i < sizeof(small); i++)
		assert_int_equal(small[i], CANARY);
}

static void test_tf_copies_inputs(void **state)
{
	struct vaccel_resource model;
	struct vaccel_tf_status status = {0};
	struct vaccel_tf_node in_node = {.name = (char *)"in", .id = 0};
	struct vaccel_tf_node out_node = {.name = (char *)"out", .id = 0};
	struct vaccel_tf_tensor *in = NULL, *out = NULL;
	int64_t dims[2] = {1, 3};
	float data[3] = {1, 2, 3};

	assert_int_equal(vaccel_resource_init(&model, getenv("EX_MODEL"), VACCEL_RESOURCE_MODEL),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&model, *state), VACCEL_OK);

	assert_int_equal(vaccel_tf_model_load(*state, &model, &status), VACCEL_OK);
	assert_int_equal(status.code, 0);
	assert_string_equal(status.message, "Operation handled by noop plugin");
	vaccel_tf_status_release(&status);

	assert_int_equal(vaccel_tf_tensor_new(&in, 2, dims, VACCEL_TF_FLOAT), VACCEL_OK);
	assert_int_equal(vaccel_tf_tensor_set_data(in, data, sizeof(data)), VACCEL_OK);
	assert_int_equal(vaccel_tf_model_run(*state, &model, NULL, &in_node, &in, 1, &out_node,
					     &out, 1, &status),
			 VACCEL_OK);
	assert_non_null(out);
	assert_int_equal(out->size, sizeof(data));
	assert_int_equal(out->nr_dims, 2);
	assert_int_equal(out->dims[1], 3);
	assert_int_equal(out->data_type, VACCEL_TF_FLOAT);
	assert_memory_equal(out->data, data, sizeof(data));
	assert_string_equal(status.message, "Operation handled by noop plugin");
	vaccel_tf_status_release(&status);
	vaccel_tf_tensor_delete(out);
	vaccel_tf_tensor_delete(in);

	assert_int_equal(vaccel_resource_unregister(&model, *state), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&model), VACCEL_OK);
}

static void test_torch_and_tflite_copy_inputs(void **state)
{
	struct vaccel_resource model;
	struct vaccel_torch_tensor *tin = NULL, *tout = NULL;
	struct vaccel_tflite_tensor *lin = NULL, *lout = NULL;
	int64_t tdims[1] = {4};
	int32_t ldims[1] = {4};
	int32_t data[4] = {1, -2, 3, -4};
	uint8_t status = 9;

	assert_int_equal(vaccel_resource_init(&model, getenv("EX_MODEL"), VACCEL_RESOURCE_MODEL),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&model, *state), VACCEL_OK);

	assert_int_equal(vaccel_torch_model_load(*state, &model), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_new(&tin, 1, tdims, VACCEL_TORCH_INT), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_set_data(tin, data, sizeof(data)), VACCEL_OK);
	assert_int_equal(vaccel_torch_model_run(*state, &model, NULL, &tin, 1, &tout, 1),
			 VACCEL_OK);
	assert_non_null(tout);
	assert_memory_equal(tout->data, data, sizeof(data));
	vaccel_torch_tensor_delete(tout);
	vaccel_torch_tensor_delete(tin);

	assert_int_equal(vaccel_tflite_model_load(*state, &model), VACCEL_OK);
	assert_int_equal(vaccel_tflite_tensor_new(&lin, 1, ldims, VACCEL_TFLITE_INT32), VACCEL_OK);
	assert_int_equal(vaccel_tflite_tensor_set_data(lin, data, sizeof(data)), VACCEL_OK);
	assert_int_equal(vaccel_tflite_model_run(*state, &model, &lin, 1, &lout, 1, &status),
			 VACCEL_OK);
	assert_int_equal(status, 0);
	assert_non_null(lout);
	assert_memory_equal(lout->data, data, sizeof(data));
	vaccel_tflite_tensor_delete(lout);
	vaccel_tflite_tensor_delete(lin);
	assert_int_equal(vaccel_tflite_model_unload(*state, &model), VACCEL_OK);

	assert_int_equal(vaccel_resource_release(&model), VACCEL_OK);
}

VT_MAIN_EACH(NULL, NULL, setup_session, teardown_session, test_classify_exact,
	     test_classify_truncates, test_image_ops, test_genop_classify, test_exec_echo,
	     test_sgemm_leaves_c, test_fpga, test_minmax, test_opencv, test_tf_copies_inputs,
	     test_torch_and_tflite_copy_inputs)
