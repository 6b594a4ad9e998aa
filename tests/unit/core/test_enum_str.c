/* SPDX-License-Identifier: Apache-2.0 */
/* Enum helpers, op type numbering, and vaccel_str_to_lower(). */
#include "th.h"
#include <vaccel.h>
#include "vt_main.h"

/* A user enum written the upstream way: the prefix is itself a macro. */
#define MY_PFX MY_COLOR
#define MY_COLOR_LIST(VACCEL_ENUM_ITEM)                                                            \
	VACCEL_ENUM_ITEM(RED, 5, MY_PFX)                                                           \
	VACCEL_ENUM_ITEM(GREEN, MY_PFX)                                                            \
	VACCEL_ENUM_ITEM(DARK_BLUE, MY_PFX)
VACCEL_ENUM_DEF_WITH_STR_FUNCS(my_color, MY_PFX, MY_COLOR_LIST)
#undef MY_PFX

static void test_user_enum(void **state)
{
	char buf[VACCEL_ENUM_STR_MAX];
	my_color_t c = MY_COLOR_DARK_BLUE;

	(void)state;
	assert_int_equal(MY_COLOR_RED, 5);
	assert_int_equal(MY_COLOR_GREEN, 6);
	assert_int_equal(MY_COLOR_MAX, 8);
	assert_string_equal(my_color_to_str(c), "MY_COLOR_DARK_BLUE");
	assert_string_equal(my_color_to_base_str(MY_COLOR_GREEN), "GREEN");
	assert_string_equal(my_color_name(c, buf, sizeof(buf)), "dark_blue");
	assert_string_equal(my_color_to_str((my_color_t)0), "MY_COLOR_MAX");
}

static void test_op_numbering(void **state)
{
	(void)state;
	assert_int_equal(VACCEL_OP_NOOP, 0);
	assert_int_equal(VACCEL_OP_EXEC, 1);
	assert_int_equal(VACCEL_OP_EXEC_WITH_RESOURCE, 2);
	assert_int_equal(VACCEL_OP_IMAGE_CLASSIFY, 3);
	assert_int_equal(VACCEL_OP_IMAGE_DEPTH, 7);
	assert_int_equal(VACCEL_OP_TF_MODEL_LOAD, 8);
	assert_int_equal(VACCEL_OP_TFLITE_MODEL_RUN, 13);
	assert_int_equal(VACCEL_OP_TORCH_MODEL_LOAD, 14);
	assert_int_equal(VACCEL_OP_TORCH_SGEMM, 16);
	assert_int_equal(VACCEL_OP_BLAS_SGEMM, 17);
	assert_int_equal(VACCEL_OP_FPGA_ARRAYCOPY, 18);
	assert_int_equal(VACCEL_OP_FPGA_VECTORADD, 21);
	assert_int_equal(VACCEL_OP_MINMAX, 22);
	assert_int_equal(VACCEL_OP_OPENCV, 23);
	assert_int_equal(VACCEL_OP_MAX, 24);
}

static void test_other_enums(void **state)
{
	(void)state;
	assert_int_equal(VACCEL_LOG_ERROR, 1);
	assert_int_equal(VACCEL_LOG_DEBUG, 4);
	assert_int_equal(VACCEL_LOG_MAX, 5);
	assert_int_equal(VACCEL_PLUGIN_DEBUG, 0x100);
	assert_int_equal(VACCEL_PLUGIN_REMOTE, 0x4000);
	assert_int_equal(VACCEL_PLUGIN_ALL, 0xffff);
	assert_int_equal(VACCEL_PLUGIN_MAX, 0x10000);
	assert_int_equal(VACCEL_RESOURCE_MODEL, 2);
	assert_int_equal(VACCEL_RESOURCE_MAX, 3);
	assert_int_equal(VACCEL_BLOB_MAPPED, 2);
	assert_int_equal(VACCEL_PATH_REMOTE_FILE, 2);
	assert_int_equal(VACCEL_ARG_CUSTOM, 29);
	assert_int_equal(VACCEL_ARG_MAX, 30);
	assert_int_equal(VACCEL_ARG_FLOAT32_ARRAY, 18);
	assert_int_equal(VACCEL_EBACKEND, 71);
	assert_int_equal(VACCEL_ESESS, 104);
	assert_int_equal(VACCEL_EREMOTEIO, 121);
}

static void test_to_str(void **state)
{
	char buf[VACCEL_ENUM_STR_MAX];

	(void)state;
	assert_string_equal(vaccel_op_type_to_str(VACCEL_OP_IMAGE_CLASSIFY),
			    "VACCEL_OP_IMAGE_CLASSIFY");
	assert_string_equal(vaccel_op_type_to_base_str(VACCEL_OP_IMAGE_CLASSIFY), "IMAGE_CLASSIFY");
	assert_string_equal(vaccel_op_type_to_str((vaccel_op_type_t)99), "VACCEL_OP_MAX");
	assert_string_equal(vaccel_op_type_to_base_str((vaccel_op_type_t)-1), "MAX");
	assert_string_equal(vaccel_op_type_to_lower(VACCEL_OP_BLAS_SGEMM, buf, sizeof(buf)),
			    "blas_sgemm");
	assert_string_equal(vaccel_log_level_name(VACCEL_LOG_WARN, buf, sizeof(buf)), "warn");
	assert_null(vaccel_log_level_name(VACCEL_LOG_WARN, NULL, 10));
	assert_null(vaccel_log_level_name(VACCEL_LOG_WARN, buf, 0));
	/* truncation keeps a terminated prefix */
	assert_string_equal(vaccel_plugin_type_name(VACCEL_PLUGIN_TENSORFLOW, buf, 5), "tens");
	assert_string_equal(vaccel_plugin_type_to_str(VACCEL_PLUGIN_DEBUG), "VACCEL_PLUGIN_DEBUG");
	assert_string_equal(vaccel_arg_type_to_str(VACCEL_ARG_UCHAR_ARRAY),
			    "VACCEL_ARG_UCHAR_ARRAY");
	assert_string_equal(vaccel_resource_type_to_base_str(VACCEL_RESOURCE_LIB), "LIB");
	assert_string_equal(vaccel_blob_type_to_base_str(VACCEL_BLOB_FILE), "FILE");
	assert_string_equal(vaccel_path_type_to_str(VACCEL_PATH_LOCAL_DIR),
			    "VACCEL_PATH_LOCAL_DIR");
}

static void test_str_to_lower(void **state)
{
	char buf[8];
	char *alloc = NULL;

	(void)state;
	assert_int_equal(vaccel_str_to_lower("HeLLo", buf, sizeof(buf), NULL), VACCEL_OK);
	assert_string_equal(buf, "hello");
	assert_int_equal(vaccel_str_to_lower("ABCDEFGHIJ", buf, sizeof(buf), NULL), VACCEL_OK);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(vaccel_str_to_lower("MiXeD_1", NULL, 0, &alloc), VACCEL_OK);
	assert_string_equal(alloc, "mixed_1");
	free(alloc);
	assert_int_equal(vaccel_str_to_lower(NULL, buf, sizeof(buf), NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_str_to_lower("x", NULL, 0, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_str_to_lower("x", buf, 0, NULL), VACCEL_EINVAL);
}

VT_MAIN(NULL, NULL, test_user_enum, test_op_numbering, test_other_enums, test_to_str,
	test_str_to_lower)
