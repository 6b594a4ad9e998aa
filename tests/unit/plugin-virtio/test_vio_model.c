/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's model ops (vio_model.c) against a fake device that answers
 * with scripted write args: results become tensors the caller owns (fields,
 * data, NULL results), what breaks the protocol fails with VACCEL_EIO and
 * leaves the caller's array alone, VACCEL_ERANGE passes through, TF's and
 * TFLite's statuses arrive, result slots are sized by the capacity rule
 * (VACCEL_VIRTIO_RESULT_BYTES, default 1 MiB, or the largest input), and
 * bad calls are refused before anything is sent.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vaccel_common.h"
#include "vio_plugin.h"
#include "vt_main.h"

#define MAXW 16
#define MiB (1024u * 1024u)

/* What the fake device writes into one write arg. */
struct reply {
	const void *data;
	uint64_t len;
};

/* The fake device: what to write into each write arg, and what it saw. */
static struct {
	struct vio_drv drv;
	int calls;
	int32_t vret;
	struct reply wr[MAXW];
	unsigned nr_rd, nr_wr;
	uint64_t wr_cap[MAXW]; /* the capacities the guest offered */
} fk;

static int fake_submit(struct vio_drv *drv, struct vio_req *req)
{
	(void)drv;
	fk.calls++;
	fk.nr_rd = req->nr_read;
	fk.nr_wr = req->nr_write;
	for (unsigned i = 0; i < req->nr_write && i < MAXW; i++) {
		fk.wr_cap[i] = req->write[i].len;
		if (fk.wr[i].len <= req->write[i].len && fk.wr[i].data)
			memcpy(req->write[i].buf, fk.wr[i].data, fk.wr[i].len);
		req->write[i].len = fk.wr[i].len <= req->write[i].len ? fk.wr[i].len : 0;
	}
	req->status = VIRTIO_ACCEL_S_OK;
	req->vaccel_ret = fk.vret;
	return 0;
}

static const struct vio_drv_ops fake_ops = {.name = "fake", .submit = fake_submit};

static struct vaccel_session sess;
static struct vio_sess sp;
static struct vaccel_resource model;

static void *op_fn(vaccel_op_type_t type)
{
	for (size_t i = 0; i < vio_nr_model_ops; i++)
		if (vio_model_ops[i].type == type)
			return vio_model_ops[i].func;
	fail_msg("no model op %d", (int)type);
	return NULL;
}

typedef int (*torch_run_fn)(struct vaccel_session *, struct vaccel_resource *,
			    const struct vaccel_torch_buffer *, struct vaccel_torch_tensor *const *,
			    int, struct vaccel_torch_tensor **, int);

/* A Torch run of one small input; results go to out[0..nr_out). */
static int torch_run(struct vaccel_torch_tensor **out, int nr_out)
{
	static int64_t dims[1] = {2};
	static float data[2] = {1, 2};
	static struct vaccel_torch_tensor t = {data, sizeof(data), false,
					       1,    dims,	   VACCEL_TORCH_FLOAT};
	struct vaccel_torch_tensor *in = &t;

	return ((torch_run_fn)op_fn(VACCEL_OP_TORCH_MODEL_RUN))(&sess, &model, NULL, &in, 1, out,
								nr_out);
}

/* Script result slot k (write args 3k..3k+2 of a Torch run) as dims, type, data. */
static void script_result(unsigned k, const int64_t *dims, uint64_t dims_len, const int32_t *type,
			  const void *data, uint64_t data_len)
{
	fk.wr[3 * k] = (struct reply){dims, dims_len};
	fk.wr[3 * k + 1] = (struct reply){type, type ? sizeof(*type) : 0};
	fk.wr[3 * k + 2] = (struct reply){data, data_len};
}

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.drv.ops = &fake_ops;
	vio_set_driver(&fk.drv);
	sess = (struct vaccel_session){.id = 1, .remote_id = 5, .priv = &sp};
	model = (struct vaccel_resource){.id = 2, .remote_id = 9, .type = VACCEL_RESOURCE_MODEL};
	unsetenv("VACCEL_VIRTIO_RESULT_BYTES");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vio_set_driver(NULL);
	return 0;
}

static void results_become_tensors(void **state)
{
	static const int64_t dims[2] = {2, 3};
	static const int32_t type = VACCEL_TORCH_FLOAT;
	static const float data[6] = {1, 2, 3, 4, 5, 6};
	struct vaccel_torch_tensor *out[2] = {NULL, NULL};

	(void)state;
	script_result(0, dims, sizeof(dims), &type, data, sizeof(data));
	script_result(1, NULL, 0, NULL, NULL, 0); /* no second result */
	assert_int_equal(torch_run(out, 2), VACCEL_OK);
	assert_int_equal(fk.calls, 1);
	assert_int_equal(fk.nr_wr, 6);
	assert_non_null(out[0]);
	assert_int_equal(out[0]->nr_dims, 2);
	assert_memory_equal(out[0]->dims, dims, sizeof(dims));
	assert_int_equal(out[0]->data_type, VACCEL_TORCH_FLOAT);
	assert_int_equal(out[0]->size, sizeof(data));
	assert_memory_equal(out[0]->data, data, sizeof(data));
	assert_true(out[0]->owned);
	assert_null(out[1]);
	/* the caller's runtime frees it as any plugin's result */
	assert_int_equal(vaccel_torch_tensor_delete(out[0]), VACCEL_OK);
}

static void broken_replies_are_eio(void **state)
{
	static const int64_t dims[2] = {2, 3};
	static const int32_t type = VACCEL_TORCH_FLOAT, bad_type = 99;
	static const float data[6] = {0};
	struct vaccel_torch_tensor *sentinel = (struct vaccel_torch_tensor *)(uintptr_t)0x10;
	struct vaccel_torch_tensor *out[1];
	const struct {
		uint64_t dims_len;
		const int32_t *type;
		uint64_t data_len;
	} cases[] = {
	    {sizeof(dims) - 1, &type, sizeof(data)}, /* not whole dims */
	    {sizeof(dims), NULL, sizeof(data)},	     /* no type */
	    {sizeof(dims), &bad_type, sizeof(data)}, /* no such type */
	    {sizeof(dims), &type, sizeof(data) - 4}, /* data shorter than the shape */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out[0] = sentinel;
		script_result(0, dims, cases[i].dims_len, cases[i].type, data, cases[i].data_len);
		assert_int_equal(torch_run(out, 1), VACCEL_EIO);
		assert_ptr_equal(out[0], sentinel); /* left alone */
	}
}

static void misfit_passes_through(void **state)
{
	static const int64_t dims[1] = {4 * MiB};
	static const int32_t type = VACCEL_TORCH_FLOAT;
	struct vaccel_torch_tensor *out[1] = {NULL};

	(void)state;
	fk.vret = VACCEL_ERANGE;
	script_result(0, dims, sizeof(dims), &type, NULL, 0);
	assert_int_equal(torch_run(out, 1), VACCEL_ERANGE);
	assert_null(out[0]);
}

static void capacity(void **state)
{
	static int64_t big_dims[1] = {3 * MiB};
	static unsigned char big[3 * MiB];
	struct vaccel_torch_tensor t = {big, sizeof(big), false, 1, big_dims, VACCEL_TORCH_BYTE};
	struct vaccel_torch_tensor *in = &t, *out[1];

	(void)state;
	/* default: 1 MiB of data, OPTAB_TENSOR_MAX_DIMS (32) dims of 8 bytes, a 4-byte type */
	assert_int_equal(torch_run(out, 1), VACCEL_OK);
	assert_int_equal(fk.wr_cap[0], 32 * 8);
	assert_int_equal(fk.wr_cap[1], 4);
	assert_int_equal(fk.wr_cap[2], 1 * MiB);
	/* as the environment says */
	setenv("VACCEL_VIRTIO_RESULT_BYTES", "4096", 1);
	assert_int_equal(torch_run(out, 1), VACCEL_OK);
	assert_int_equal(fk.wr_cap[2], 4096);
	setenv("VACCEL_VIRTIO_RESULT_BYTES", "-1", 1);
	assert_int_equal(torch_run(out, 1), VACCEL_OK);
	assert_int_equal(fk.wr_cap[2], 1 * MiB);
	/* never less than the largest input */
	setenv("VACCEL_VIRTIO_RESULT_BYTES", "4096", 1);
	assert_int_equal(
	    ((torch_run_fn)op_fn(VACCEL_OP_TORCH_MODEL_RUN))(&sess, &model, NULL, &in, 1, out, 1),
	    VACCEL_OK);
	assert_int_equal(fk.wr_cap[2], sizeof(big));
}

static void statuses_arrive(void **state)
{
	static const uint8_t code = 3, tfl_status = 7;
	static const char msg[] = "hello";
	struct vaccel_tf_status st = {0};
	struct vaccel_tflite_tensor *out[1];
	int32_t dims[1] = {1};
	float f = 1;
	struct vaccel_tflite_tensor t = {&f, sizeof(f), false, 1, dims, VACCEL_TFLITE_FLOAT32};
	struct vaccel_tflite_tensor *in = &t;
	uint8_t status = 0;

	(void)state;
	fk.wr[0] = (struct reply){&code, 1};
	fk.wr[1] = (struct reply){msg, sizeof(msg)};
	assert_int_equal(((int (*)(struct vaccel_session *, struct vaccel_resource *,
				   struct vaccel_tf_status *))op_fn(VACCEL_OP_TF_MODEL_LOAD))(
			     &sess, &model, &st),
			 VACCEL_OK);
	assert_int_equal(fk.wr_cap[1], 256);
	assert_int_equal(st.code, 3);
	assert_string_equal(st.message, "hello");
	vaccel_tf_status_release(&st);

	memset(fk.wr, 0, sizeof(fk.wr));
	fk.wr[0] = (struct reply){&tfl_status, 1};
	assert_int_equal(
	    ((int (*)(struct vaccel_session *, struct vaccel_resource *,
		      struct vaccel_tflite_tensor *const *, int, struct vaccel_tflite_tensor **,
		      int, uint8_t *))op_fn(VACCEL_OP_TFLITE_MODEL_RUN))(&sess, &model, &in, 1, out,
									 1, &status),
	    VACCEL_OK);
	assert_int_equal(status, 7);
	assert_null(out[0]);
}

static void refused_before_sending(void **state)
{
	struct vaccel_torch_tensor *out[1], *none = NULL;
	struct vaccel_resource local = {.id = 3, .type = VACCEL_RESOURCE_MODEL};

	(void)state;
	assert_int_equal(
	    ((torch_run_fn)op_fn(VACCEL_OP_TORCH_MODEL_RUN))(&sess, &model, NULL, &none, 1, out, 1),
	    VACCEL_EINVAL);
	assert_int_equal(
	    ((torch_run_fn)op_fn(VACCEL_OP_TORCH_MODEL_RUN))(&sess, &model, NULL, NULL, -1, out, 1),
	    VACCEL_EINVAL);
	/* a model the device does not know */
	assert_int_equal(
	    ((torch_run_fn)op_fn(VACCEL_OP_TORCH_MODEL_RUN))(&sess, &local, NULL, NULL, 0, out, 1),
	    VACCEL_ENOENT);
	/* more tensors than a request can carry */
	assert_int_equal(((torch_run_fn)op_fn(VACCEL_OP_TORCH_MODEL_RUN))(&sess, &model, NULL, NULL,
									  0, out, 400),
			 VACCEL_ENOSPC);
	assert_int_equal(fk.calls, 0);
}

VT_MAIN_EACH(NULL, NULL, setup, teardown, results_become_tensors, broken_replies_are_eio,
	     misfit_passes_through, capacity, statuses_arrive, refused_before_sending)
