// SPDX-License-Identifier: Apache-2.0
/*
 * Typed operation wrappers: every op reaches the session's plugin with
 * exactly its arguments and returns the plugin's result; NULL sessions,
 * missing ops and bad resources are refused before the plugin runs.
 */

#include "opstest_common.h"
#include "vaccel_common.h"
#include <pthread.h>
#include <string.h>
#include "vt_main.h"

#define F(state) ((struct opstest_fixture *)*(state))

/* ---- noop ---- */

static void noop_ok(void **state)
{
	struct opstest_fixture *f = F(state);

	assert_int_equal(vaccel_noop(&f->sess), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_NOOP], 1);
	assert_ptr_equal(f->st->sess, &f->sess);
}

static void plugin_result_is_returned(void **state)
{
	struct opstest_fixture *f = F(state);

	f->st->ret = 4242;
	assert_int_equal(vaccel_noop(&f->sess), 4242);
	f->st->ret = VACCEL_EBACKEND;
	assert_int_equal(vaccel_sgemm(&f->sess, 0, 0, 0, 0, NULL, 0, NULL, 0, 0, NULL, 0),
			 VACCEL_EBACKEND);
}

/* ---- exec ---- */

static void exec_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	int32_t in = 10, out = 0;
	struct vaccel_arg read[] = {{.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32}};
	struct vaccel_arg write[] = {{.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32}};
	const char *lib = "libfoo.so", *sym = "foo";

	assert_int_equal(vaccel_exec(&f->sess, lib, sym, read, 1, write, 1), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_EXEC], 1);
	assert_ptr_equal(f->st->ptr[0], lib);
	assert_ptr_equal(f->st->ptr[1], sym);
	assert_ptr_equal(f->st->ptr[2], read);
	assert_int_equal(f->st->num[0], 1);
	assert_ptr_equal(f->st->ptr[3], write);
	assert_int_equal(f->st->num[1], 1);
	assert_int_equal(out, 10);
}

static void exec_with_resource_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *res = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	int32_t in = 7, out = 0;
	struct vaccel_arg read[] = {{.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32}};
	struct vaccel_arg write[] = {{.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32}};

	assert_int_equal(vaccel_exec_with_resource(&f->sess, res, "foo", read, 1, write, 1),
			 VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_EXEC_WITH_RESOURCE], 1);
	assert_ptr_equal(f->st->ptr[0], res);
	assert_string_equal(f->st->ptr[1], "foo");
	assert_int_equal(f->st->num[0], 1);
	assert_int_equal(f->st->num[1], 1);
	assert_int_equal(out, 7);
}

static void exec_with_resource_bad_resource(void **state)
{
	struct opstest_fixture *f = F(state);
	/* NULL and wrong-type (DATA) -> EINVAL, unregistered LIB -> EPERM, as for the models. */
	struct vaccel_resource *bad[] = {NULL, opstest_resource(f, 0, VACCEL_RESOURCE_DATA, true),
					 opstest_resource(f, 1, VACCEL_RESOURCE_LIB, false)};
	const int expect[] = {VACCEL_EINVAL, VACCEL_EINVAL, VACCEL_EPERM};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(
		    vaccel_exec_with_resource(&f->sess, bad[i], "foo", NULL, 0, NULL, 0),
		    expect[i]);
	assert_int_equal(opstest_total_calls(f->st), 0);
}

/* ---- image ---- */

static void classify_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	unsigned char img[16] = "fake image";
	unsigned char text[64], name[64];

	assert_int_equal(vaccel_image_classification(&f->sess, img, text, name, sizeof(img),
						     sizeof(text), sizeof(name)),
			 VACCEL_OK);
	opstest_assert_classify(f, img, sizeof(img), text, sizeof(text), name, sizeof(name));
}

/* Upstream switched to a 5-argument call here; we pass NULL/0 for the text. */
static void classify_without_text(void **state)
{
	struct opstest_fixture *f = F(state);
	unsigned char img[4] = "img";
	unsigned char text[8] = "keep", name[64];

	assert_int_equal(
	    vaccel_image_classification(&f->sess, img, NULL, name, sizeof(img), 99, sizeof(name)),
	    VACCEL_OK);
	assert_null(f->st->ptr[1]);
	assert_int_equal(f->st->num[1], 0);
	assert_ptr_equal(f->st->ptr[2], name);
	assert_int_equal(f->st->num[2], sizeof(name));

	assert_int_equal(
	    vaccel_image_classification(&f->sess, img, text, name, sizeof(img), 0, sizeof(name)),
	    VACCEL_OK);
	assert_null(f->st->ptr[1]);
	assert_int_equal(f->st->num[1], 0);
	assert_string_equal((char *)text, "keep");
	assert_int_equal(f->st->count[VACCEL_OP_IMAGE_CLASSIFY], 2);
}

typedef int (*image_api_fn)(struct vaccel_session *, const void *, unsigned char *, size_t, size_t);

static void image_ops_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	const struct {
		image_api_fn fn;
		vaccel_op_type_t op;
	} cases[] = {
	    {vaccel_image_detection, VACCEL_OP_IMAGE_DETECT},
	    {vaccel_image_segmentation, VACCEL_OP_IMAGE_SEGMENT},
	    {vaccel_image_pose, VACCEL_OP_IMAGE_POSE},
	    {vaccel_image_depth, VACCEL_OP_IMAGE_DEPTH},
	};
	unsigned char img[8] = "image";

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned char name[32] = {0};

		assert_int_equal(cases[i].fn(&f->sess, img, name, sizeof(img), sizeof(name)),
				 VACCEL_OK);
		opstest_assert_image_op(f, cases[i].op, img, sizeof(img), name, sizeof(name));
	}
}

/* ---- blas ---- */

static void sgemm_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	/* 2x3 * 3x2, row-major */
	float a[] = {1, 2, 3, 4, 5, 6};
	float b[] = {7, 8, 9, 10, 11, 12};
	float c[] = {1, 1, 1, 1};

	assert_int_equal(vaccel_sgemm(&f->sess, 2, 2, 3, 2.0f, a, 3, b, 2, 1.0f, c, 2), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_BLAS_SGEMM], 1);
	assert_int_equal(f->st->num[0], 2);
	assert_int_equal(f->st->num[1], 2);
	assert_int_equal(f->st->num[2], 3);
	assert_true(f->st->real[0] == 2.0);
	assert_ptr_equal(f->st->ptr[0], a);
	assert_int_equal(f->st->num[3], 3);
	assert_ptr_equal(f->st->ptr[1], b);
	assert_int_equal(f->st->num[4], 2);
	assert_true(f->st->real[1] == 1.0);
	assert_ptr_equal(f->st->ptr[2], c);
	assert_int_equal(f->st->num[5], 2);
	/* A*B = [58 64; 139 154] */
	assert_true(c[0] == 117 && c[1] == 129 && c[2] == 279 && c[3] == 309);
}

/* ---- fpga ---- */

static void fpga_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	int ia[] = {1, 2, 3}, iout[3] = {0};
	float a[] = {1, 2, 3}, b[] = {4, 5, 6}, c[3] = {0}, d[3] = {0};

	assert_int_equal(vaccel_fpga_arraycopy(&f->sess, ia, iout, 3), VACCEL_OK);
	OPSTEST_ASSERT_CALL(f, VACCEL_OP_FPGA_ARRAYCOPY, 3);
	assert_ptr_equal(f->st->ptr[0], ia);
	assert_ptr_equal(f->st->ptr[1], iout);
	assert_memory_equal(iout, ia, sizeof(ia));

	assert_int_equal(vaccel_fpga_mmult(&f->sess, a, b, c, 3), VACCEL_OK);
	OPSTEST_ASSERT_CALL(f, VACCEL_OP_FPGA_MMULT, 3);
	assert_ptr_equal(f->st->ptr[2], c);
	assert_true(c[0] == 4 && c[1] == 10 && c[2] == 18);

	assert_int_equal(vaccel_fpga_parallel(&f->sess, a, b, c, d, 3), VACCEL_OK);
	assert_int_equal(f->st->last_op, VACCEL_OP_FPGA_PARALLEL);
	assert_ptr_equal(f->st->ptr[3], d);
	assert_true(c[0] == 5 && c[1] == 7 && c[2] == 9);
	assert_true(d[0] == 4 && d[1] == 10 && d[2] == 18);

	assert_int_equal(vaccel_fpga_vadd(&f->sess, a, b, c, 3, 2), VACCEL_OK);
	OPSTEST_ASSERT_CALL(f, VACCEL_OP_FPGA_VECTORADD, 3, 2);
	assert_true(c[0] == 5 && c[1] == 7);
}

/* ---- minmax ---- */

static void minmax_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	double in[] = {3, -1.5, 8, 2}, out[4] = {0}, min = 0, max = 0;

	assert_int_equal(vaccel_minmax(&f->sess, in, 4, 1, 5, out, &min, &max), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_MINMAX], 1);
	assert_ptr_equal(f->st->ptr[0], in);
	assert_int_equal(f->st->num[0], 4);
	assert_int_equal(f->st->num[1], 1);
	assert_int_equal(f->st->num[2], 5);
	assert_ptr_equal(f->st->ptr[1], out);
	assert_memory_equal(out, in, sizeof(in));
	assert_true(min == -1.5 && max == 8);
}

/* ---- opencv ---- */

static void opencv_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	uint8_t fn = 5;
	unsigned char o1[4] = {0}, o2[2] = {0};
	struct vaccel_arg read[] = {{.buf = &fn, .size = 1, .type = VACCEL_ARG_UINT8}};
	struct vaccel_arg write[] = {{.buf = o1, .size = sizeof(o1), .type = VACCEL_ARG_RAW},
				     {.buf = o2, .size = sizeof(o2), .type = VACCEL_ARG_RAW}};

	assert_int_equal(vaccel_opencv(&f->sess, read, 1, write, 2), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_OPENCV], 1);
	assert_ptr_equal(f->st->ptr[0], read);
	assert_int_equal(f->st->num[0], 1);
	assert_ptr_equal(f->st->ptr[1], write);
	assert_int_equal(f->st->num[1], 2);
	assert_int_equal(o1[0], 5);
	assert_int_equal(o2[0], 5);

	assert_int_equal(vaccel_opencv_unpack(&f->sess, read, 1, NULL, 0), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_OPENCV], 2);
}

static void opencv_bad_counts(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_arg arg = {0};

	assert_int_equal(vaccel_opencv(&f->sess, &arg, -1, NULL, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_opencv(&f->sess, &arg, 1, NULL, -1), VACCEL_EINVAL);
	assert_int_equal(vaccel_opencv(&f->sess, NULL, 1, NULL, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_opencv(&f->sess, &arg, 1, NULL, 2), VACCEL_EINVAL);
	assert_int_equal(opstest_total_calls(f->st), 0);
}

/* ---- tf / tflite / torch model ops ---- */

static void tf_model_ops_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *model = opstest_resource(f, 0, VACCEL_RESOURCE_MODEL, true);
	struct vaccel_tf_status status = {0};
	int64_t dims[] = {1, 2};
	float data[] = {1.5f, -2.5f};
	struct vaccel_tf_tensor *in = NULL, *out = NULL;
	struct vaccel_tf_node in_node, out_node;
	struct vaccel_tf_buffer opts = {0};

	assert_int_equal(vaccel_tf_model_load(&f->sess, model, &status), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TF_MODEL_LOAD], 1);
	assert_ptr_equal(f->st->ptr[0], model);
	assert_ptr_equal(f->st->ptr[1], &status);
	assert_string_equal(status.message, OPSTEST_TF_MESSAGE);
	vaccel_tf_status_release(&status);

	assert_int_equal(vaccel_tf_tensor_new(&in, 2, dims, VACCEL_TF_FLOAT), VACCEL_OK);
	assert_int_equal(vaccel_tf_tensor_set_data(in, data, sizeof(data)), VACCEL_OK);
	assert_int_equal(vaccel_tf_node_init(&in_node, "in", 0), VACCEL_OK);
	assert_int_equal(vaccel_tf_node_init(&out_node, "out", 0), VACCEL_OK);

	assert_int_equal(vaccel_tf_model_run(&f->sess, model, &opts, &in_node, &in, 1, &out_node,
					     &out, 1, &status),
			 VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TF_MODEL_RUN], 1);
	assert_ptr_equal(f->st->ptr[1], &opts);
	assert_ptr_equal(f->st->ptr[2], &in_node);
	assert_ptr_equal(f->st->ptr[4], &out_node);
	assert_int_equal(f->st->num[0], 1);
	assert_int_equal(f->st->num[1], 1);
	assert_non_null(out);
	assert_true(out->owned);
	assert_int_equal(out->nr_dims, 2);
	assert_int_equal(out->dims[1], 2);
	assert_int_equal(out->size, sizeof(data));
	assert_memory_equal(out->data, data, sizeof(data));
	assert_int_equal(vaccel_tf_tensor_delete(out), VACCEL_OK);
	vaccel_tf_status_release(&status);

	assert_int_equal(vaccel_tf_model_unload(&f->sess, model, NULL), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TF_MODEL_UNLOAD], 1);
	assert_null(f->st->ptr[1]);

	vaccel_tf_tensor_delete(in);
	vaccel_tf_node_release(&in_node);
	vaccel_tf_node_release(&out_node);
}

static void tflite_model_ops_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *model = opstest_resource(f, 0, VACCEL_RESOURCE_MODEL, true);
	int32_t dims[] = {3};
	uint8_t data[] = {1, 2, 3}, status = 0;
	struct vaccel_tflite_tensor *in = NULL, *out = NULL;

	assert_int_equal(vaccel_tflite_model_load(&f->sess, model), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TFLITE_MODEL_LOAD], 1);
	assert_ptr_equal(f->st->ptr[0], model);

	assert_int_equal(vaccel_tflite_tensor_new(&in, 1, dims, VACCEL_TFLITE_UINT8), VACCEL_OK);
	assert_int_equal(vaccel_tflite_tensor_set_data(in, data, sizeof(data)), VACCEL_OK);
	assert_int_equal(vaccel_tflite_model_run(&f->sess, model, &in, 1, &out, 1, &status),
			 VACCEL_OK);
	assert_int_equal(status, OPSTEST_TFLITE_STATUS);
	assert_ptr_equal(f->st->ptr[3], &status);
	assert_non_null(out);
	assert_memory_equal(out->data, data, sizeof(data));
	assert_int_equal(out->dims[0], 3);
	vaccel_tflite_tensor_delete(out);
	vaccel_tflite_tensor_delete(in);

	assert_int_equal(vaccel_tflite_model_unload(&f->sess, model), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TFLITE_MODEL_UNLOAD], 1);
}

static void torch_ops_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *model = opstest_resource(f, 0, VACCEL_RESOURCE_MODEL, true);
	int64_t dims[] = {2, 1};
	float data[] = {4, 5};
	struct vaccel_torch_tensor *in = NULL, *out = NULL;
	struct vaccel_torch_buffer opts = {0};

	assert_int_equal(vaccel_torch_model_load(&f->sess, model), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TORCH_MODEL_LOAD], 1);
	assert_ptr_equal(f->st->ptr[0], model);

	assert_int_equal(vaccel_torch_tensor_new(&in, 2, dims, VACCEL_TORCH_FLOAT), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_set_data(in, data, sizeof(data)), VACCEL_OK);
	assert_int_equal(vaccel_torch_model_run(&f->sess, model, &opts, &in, 1, &out, 1),
			 VACCEL_OK);
	assert_ptr_equal(f->st->ptr[1], &opts);
	assert_non_null(out);
	assert_int_equal(out->nr_dims, 2);
	assert_memory_equal(out->data, data, sizeof(data));
	vaccel_torch_tensor_delete(out);

	assert_int_equal(vaccel_torch_sgemm(&f->sess, &in, &in, &in, 1, 2, 3, &out), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TORCH_SGEMM], 1);
	assert_int_equal(f->st->num[0], 1);
	assert_int_equal(f->st->num[1], 2);
	assert_int_equal(f->st->num[2], 3);
	assert_ptr_equal(f->st->ptr[3], &out);
	vaccel_torch_tensor_delete(in);
}

/* Model ops: NULL or wrong-type model -> EINVAL, unregistered -> EPERM, bad counts -> EINVAL. */
static void model_ops_bad_resource(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *lib = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	struct vaccel_resource *unreg = opstest_resource(f, 1, VACCEL_RESOURCE_MODEL, false);
	struct vaccel_resource *model = opstest_resource(f, 2, VACCEL_RESOURCE_MODEL, true);
	struct vaccel_resource *bad[] = {NULL, lib, unreg};
	int expect[] = {VACCEL_EINVAL, VACCEL_EINVAL, VACCEL_EPERM};

	for (int i = 0; i < 3; i++) {
		struct vaccel_resource *r = bad[i];

		assert_int_equal(vaccel_tf_model_load(&f->sess, r, NULL), expect[i]);
		assert_int_equal(vaccel_tf_model_unload(&f->sess, r, NULL), expect[i]);
		assert_int_equal(
		    vaccel_tf_model_run(&f->sess, r, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL),
		    expect[i]);
		assert_int_equal(vaccel_tflite_model_load(&f->sess, r), expect[i]);
		assert_int_equal(vaccel_tflite_model_unload(&f->sess, r), expect[i]);
		assert_int_equal(vaccel_tflite_model_run(&f->sess, r, NULL, 0, NULL, 0, NULL),
				 expect[i]);
		assert_int_equal(vaccel_torch_model_load(&f->sess, r), expect[i]);
		assert_int_equal(vaccel_torch_model_run(&f->sess, r, NULL, NULL, 0, NULL, 0),
				 expect[i]);
	}

	assert_int_equal(
	    vaccel_tf_model_run(&f->sess, model, NULL, NULL, NULL, -1, NULL, NULL, 0, NULL),
	    VACCEL_EINVAL);
	assert_int_equal(vaccel_tflite_model_run(&f->sess, model, NULL, 0, NULL, -1, NULL),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_torch_model_run(&f->sess, model, NULL, NULL, -3, NULL, 0),
			 VACCEL_EINVAL);
	assert_int_equal(opstest_total_calls(f->st), 0);
}

/* ---- every op: NULL session, no plugin op, no plugin ---- */

static void null_session(void **state)
{
	struct opstest_fixture *f = F(state);

	opstest_call_all_ops(NULL, NULL, NULL, VACCEL_EINVAL);
	assert_int_equal(opstest_total_calls(f->st), 0);
}

static void every_op_reaches_plugin(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *lib = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	struct vaccel_resource *model = opstest_resource(f, 1, VACCEL_RESOURCE_MODEL, true);

	opstest_call_all_ops(&f->sess, lib, model, VACCEL_OK);
	for (int op = 0; op < VACCEL_OP_MAX; op++)
		assert_int_equal(f->st->count[op], 1);
}

static void missing_op_is_enotsup(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *lib = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	struct vaccel_resource *model = opstest_resource(f, 1, VACCEL_RESOURCE_MODEL, true);
	struct vaccel_plugin *real = f->sess.plugin;

	f->sess.plugin = &opstest_empty_plugin;
	opstest_call_all_ops(&f->sess, lib, model, VACCEL_ENOTSUP);
	f->sess.plugin = real;
	assert_int_equal(opstest_total_calls(f->st), 0);
}

/* A released (or never initialized) session has no plugin: refused, no crash. */
static void session_without_plugin(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *lib = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	struct vaccel_resource *model = opstest_resource(f, 1, VACCEL_RESOURCE_MODEL, true);
	struct vaccel_plugin *real = f->sess.plugin;

	f->sess.plugin = NULL;
	opstest_call_all_ops(&f->sess, lib, model, VACCEL_EINVAL);
	f->sess.plugin = real;
	assert_int_equal(opstest_total_calls(f->st), 0);
}

/* ---- concurrency: typed and genop calls from several threads at once ---- */

#define CONC_THREADS 4
#define CONC_CALLS 2000

static void *conc_worker(void *arg)
{
	struct vaccel_session *sess = arg;
	uint8_t op = VACCEL_OP_NOOP;
	struct vaccel_arg read = {.buf = &op, .size = 1, .type = VACCEL_ARG_UINT8};
	long bad = 0;

	for (int i = 0; i < CONC_CALLS; i++) {
		if (vaccel_noop(sess) != VACCEL_OK)
			bad++;
		if (vaccel_genop(sess, &read, 1, NULL, 0) != VACCEL_OK)
			bad++;
	}
	return (void *)bad;
}

static void concurrent_ops(void **state)
{
	struct opstest_fixture *f = F(state);
	pthread_t th[CONC_THREADS];

	f->st->count_only = true;
	for (int i = 0; i < CONC_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, conc_worker, &f->sess), 0);
	for (int i = 0; i < CONC_THREADS; i++) {
		void *bad;

		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_null(bad);
	}
	assert_int_equal(f->st->count[VACCEL_OP_NOOP], 2 * CONC_THREADS * CONC_CALLS);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, opstest_setup, opstest_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(noop_ok),
	    T(plugin_result_is_returned),
	    T(exec_ok),
	    T(exec_with_resource_ok),
	    T(exec_with_resource_bad_resource),
	    T(classify_ok),
	    T(classify_without_text),
	    T(image_ops_ok),
	    T(sgemm_ok),
	    T(fpga_ok),
	    T(minmax_ok),
	    T(opencv_ok),
	    T(opencv_bad_counts),
	    T(tf_model_ops_ok),
	    T(tflite_model_ops_ok),
	    T(torch_ops_ok),
	    T(model_ops_bad_resource),
	    T(null_session),
	    T(every_op_reaches_plugin),
	    T(missing_op_is_enotsup),
	    T(session_without_plugin),
	    T(concurrent_ops),
	};

	return vt_run_group(tests, opstest_group_setup, opstest_group_teardown);
}
