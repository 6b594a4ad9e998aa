/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The model ops (TF, TFLite, Torch) through the userspace driver against a
 * real daemon serving the noop plugin and libvaccel-trmodel.so (a Torch
 * plugin whose results the test chooses):
 *  - every op gives over the transport what it gives locally with noop
 *    (statuses, result tensors field by field, NULL results);
 *  - tensors that break the shape rules are refused on the host, which
 *    logs why and keeps serving;
 *  - a result larger than its slot fails with VACCEL_ERANGE and a line
 *    saying the bytes it needs, and fits once VACCEL_VIRTIO_RESULT_BYTES
 *    says so; results with more dims than a slot holds, or malformed ones,
 *    are refused on the host.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "tr_common.h"
#include "tr_model_plugin.h"
#include "vt_main.h"

static struct td daemon_;
/* remote sessions on the host's noop and trmodel plugins; a local one on noop */
static struct vaccel_session rs, ts, ls;
static struct vaccel_resource model, lmodel;
static char model_path[64] = "/tmp/vaccel-trm-model-XXXXXX";

static int group_setup(void **state)
{
	int fd;

	(void)state;
	fd = mkstemp(model_path);
	if (fd < 0 || write(fd, "a model\n", 8) != 8 || close(fd))
		return -1;
	if (tr_daemon_start(&daemon_, TR_NOOP_PLUGIN ":" TR_MODEL_PLUGIN, NULL))
		return -1;
	if (tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN ":" TR_NOOP_PLUGIN))
		return -1;
	if (vaccel_session_init(&rs, VACCEL_PLUGIN_REMOTE) ||
	    vaccel_session_init(&ts, VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_TORCH) ||
	    vaccel_session_init(&ls, VACCEL_PLUGIN_DEBUG))
		return -1;
	if (vaccel_resource_init(&model, model_path, VACCEL_RESOURCE_MODEL) ||
	    vaccel_resource_register(&model, &rs) || vaccel_resource_register(&model, &ts))
		return -1;
	if (vaccel_resource_init(&lmodel, model_path, VACCEL_RESOURCE_MODEL) ||
	    vaccel_resource_register(&lmodel, &ls))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_resource_unregister(&lmodel, &ls);
	vaccel_resource_release(&lmodel);
	vaccel_resource_unregister(&model, &ts);
	vaccel_resource_unregister(&model, &rs);
	vaccel_resource_release(&model);
	vaccel_session_release(&ls);
	vaccel_session_release(&ts);
	vaccel_session_release(&rs);
	tr_guest_shutdown(&daemon_);
	unlink(model_path);
	return 0;
}

/* Two tensors of any one family hold the same fields (not the same memory). */
#define ASSERT_SAME_TENSOR(a, b)                                                                   \
	do {                                                                                       \
		assert_non_null(a);                                                                \
		assert_non_null(b);                                                                \
		assert_ptr_not_equal(a, b);                                                        \
		assert_int_equal((a)->data_type, (b)->data_type);                                  \
		assert_int_equal((a)->nr_dims, (b)->nr_dims);                                      \
		assert_memory_equal((a)->dims, (b)->dims,                                          \
				    (size_t)(a)->nr_dims * sizeof(*(a)->dims));                    \
		assert_int_equal((a)->size, (b)->size);                                            \
		if ((a)->size)                                                                     \
			assert_memory_equal((a)->data, (b)->data, (a)->size);                      \
		assert_true((a)->owned);                                                           \
	} while (0)

/* ------------------------------------------------------------------ TF */

static void tf_status_same(int ret_r, struct vaccel_tf_status *r, int ret_l,
			   struct vaccel_tf_status *l)
{
	assert_int_equal(ret_r, VACCEL_OK);
	assert_int_equal(ret_l, VACCEL_OK);
	assert_int_equal(r->code, l->code);
	assert_non_null(r->message);
	assert_string_equal(r->message, l->message);
	vaccel_tf_status_release(r);
	vaccel_tf_status_release(l);
}

static void tf_like_local(void **state)
{
	int64_t d0[3] = {1, 2, 3}, d1[1] = {4};
	float f[6] = {1.5f, -2, 3, 4, 5, 6};
	int64_t i64[4] = {-1, 0, INT64_MAX, 7};
	struct vaccel_tf_tensor t0 = {f, sizeof(f), false, 3, d0, VACCEL_TF_FLOAT};
	struct vaccel_tf_tensor t1 = {i64, sizeof(i64), false, 1, d1, VACCEL_TF_INT64};
	struct vaccel_tf_tensor *in[2] = {&t0, &t1};
	struct vaccel_tf_node in_nodes[2] = {{"a", 0}, {"b", 1}};
	struct vaccel_tf_node out_nodes[3] = {{"x", 0}, {"y", 0}, {"z", 2}};
	struct vaccel_tf_tensor *out_r[3], *out_l[3];
	struct vaccel_tf_status st_r = {0}, st_l = {0};
	const char *opts = "run options";
	struct vaccel_tf_buffer run_options = {(void *)opts, strlen(opts) + 1};

	(void)state;
	tf_status_same(vaccel_tf_model_load(&rs, &model, &st_r), &st_r,
		       vaccel_tf_model_load(&ls, &lmodel, &st_l), &st_l);
	/* the guest never reads what out[] held */
	for (int i = 0; i < 3; i++)
		out_r[i] = (struct vaccel_tf_tensor *)(uintptr_t)0x10;
	tf_status_same(vaccel_tf_model_run(&rs, &model, &run_options, in_nodes, in, 2, out_nodes,
					   out_r, 3, &st_r),
		       &st_r,
		       vaccel_tf_model_run(&ls, &lmodel, &run_options, in_nodes, in, 2, out_nodes,
					   out_l, 3, &st_l),
		       &st_l);
	ASSERT_SAME_TENSOR(out_r[0], out_l[0]);
	ASSERT_SAME_TENSOR(out_r[1], out_l[1]);
	/* the nodes reached the host's plugin */
	assert_true(td_log_wait(&daemon_, "[noop] input 1: node b:1", 1, 5000));
	assert_true(td_log_wait(&daemon_, "[noop] output 2: node z:2", 1, 5000));
	assert_null(out_r[2]);
	assert_null(out_l[2]);
	for (int i = 0; i < 2; i++) {
		vaccel_tf_tensor_delete(out_r[i]);
		vaccel_tf_tensor_delete(out_l[i]);
	}
	/* no status asked for: still fine */
	assert_int_equal(
	    vaccel_tf_model_run(&rs, &model, NULL, in_nodes, in, 1, NULL, out_r, 1, NULL),
	    VACCEL_OK);
	vaccel_tf_tensor_delete(out_r[0]);
	tf_status_same(vaccel_tf_model_unload(&rs, &model, &st_r), &st_r,
		       vaccel_tf_model_unload(&ls, &lmodel, &st_l), &st_l);
}

/* -------------------------------------------------------------- TFLite */

static void tflite_like_local(void **state)
{
	int32_t dims[2] = {2, 2};
	double d[4] = {0.5, 1, -1, 2};
	struct vaccel_tflite_tensor t = {d, sizeof(d), false, 2, dims, VACCEL_TFLITE_FLOAT64};
	struct vaccel_tflite_tensor *in = &t, *out_r = NULL, *out_l = NULL;
	uint8_t st_r = 9, st_l = 9;

	(void)state;
	assert_int_equal(vaccel_tflite_model_load(&rs, &model), VACCEL_OK);
	assert_int_equal(vaccel_tflite_model_run(&rs, &model, &in, 1, &out_r, 1, &st_r), VACCEL_OK);
	assert_int_equal(vaccel_tflite_model_run(&ls, &lmodel, &in, 1, &out_l, 1, &st_l),
			 VACCEL_OK);
	assert_int_equal(st_r, st_l);
	ASSERT_SAME_TENSOR(out_r, out_l);
	vaccel_tflite_tensor_delete(out_r);
	vaccel_tflite_tensor_delete(out_l);
	assert_int_equal(vaccel_tflite_model_unload(&rs, &model), VACCEL_OK);
}

/* --------------------------------------------------------------- Torch */

static void torch_like_local(void **state)
{
	int64_t dims[2] = {3, 1};
	float f[3] = {7, 8, 9};
	struct vaccel_torch_tensor t = {f, sizeof(f), false, 2, dims, VACCEL_TORCH_FLOAT};
	struct vaccel_torch_tensor *in = &t, *out_r[2], *out_l[2], *sg_r = NULL, *sg_l = NULL;
	char opts[] = "opts";
	struct vaccel_torch_buffer run_options = {opts, sizeof(opts)};

	(void)state;
	assert_int_equal(vaccel_torch_model_load(&rs, &model), VACCEL_OK);
	assert_int_equal(vaccel_torch_model_run(&rs, &model, &run_options, &in, 1, out_r, 2),
			 VACCEL_OK);
	assert_int_equal(vaccel_torch_model_run(&ls, &lmodel, &run_options, &in, 1, out_l, 2),
			 VACCEL_OK);
	ASSERT_SAME_TENSOR(out_r[0], out_l[0]);
	assert_null(out_r[1]);
	assert_null(out_l[1]);
	vaccel_torch_tensor_delete(out_r[0]);
	vaccel_torch_tensor_delete(out_l[0]);
	/* noop's sgemm makes no result */
	assert_int_equal(vaccel_torch_sgemm(&rs, &in, &in, &in, 3, 1, 1, &sg_r), VACCEL_OK);
	assert_int_equal(vaccel_torch_sgemm(&ls, &in, &in, &in, 3, 1, 1, &sg_l), VACCEL_OK);
	assert_null(sg_r);
	assert_null(sg_l);
	assert_true(td_log_wait(&daemon_, "[noop] Calling torch_sgemm for session", 1, 5000));
}

/* ------------------------------------------------------------ refusals */

/* A Torch run of `t` on the host's noop: its result (deleted), or the refusal. */
static int torch_run(struct vaccel_torch_tensor *t)
{
	struct vaccel_torch_tensor *out = NULL;
	int ret = vaccel_torch_model_run(&rs, &model, NULL, &t, 1, &out, 1);

	if (out)
		vaccel_torch_tensor_delete(out);
	return ret;
}

static void refused_on_host(void **state)
{
	int64_t dims[40], three[2] = {2, 2};
	float f[4] = {0};
	struct vaccel_torch_tensor t = {f, 12, false, 2, three, VACCEL_TORCH_FLOAT};

	(void)state;
	/* data shorter than its shape: 12 bytes for 2 x 2 floats */
	assert_int_equal(torch_run(&t), VACCEL_EINVAL);
	assert_true(td_log_wait(&daemon_, "in_data: 12 elements, must be exactly 16", 1, 5000));
	/* a negative dim, an unknown data type, too many dims, no dims */
	t.size = 16;
	three[1] = -2;
	assert_int_equal(torch_run(&t), VACCEL_EINVAL);
	assert_true(td_log_wait(&daemon_, "tensor shape: negative dim", 1, 5000));
	three[1] = 2;
	t.data_type = (enum vaccel_torch_data_type)42;
	assert_int_equal(torch_run(&t), VACCEL_EINVAL);
	assert_true(td_log_wait(&daemon_, "tensor shape: unknown data type", 1, 5000));
	t.data_type = VACCEL_TORCH_FLOAT;
	for (int i = 0; i < 40; i++)
		dims[i] = 1;
	t = (struct vaccel_torch_tensor){f, 4, false, 40, dims, VACCEL_TORCH_FLOAT};
	assert_int_equal(torch_run(&t), VACCEL_EINVAL);
	assert_true(td_log_wait(&daemon_, "tensor shape: too many dims", 1, 5000));
	t.nr_dims = 0; /* the guest's own check refuses this one */
	assert_int_equal(torch_run(&t), VACCEL_EINVAL);
	/* and the daemon serves on */
	t.nr_dims = 32; /* the most dims a tensor may have */
	assert_int_equal(torch_run(&t), VACCEL_OK);
}

/* -------------------------------------------------- result capacity */

/* A Torch run on the host's trmodel plugin: ask for cmd with n; stderr goes to `log`. */
static int trmodel_run(int64_t cmd, int64_t n, struct vaccel_torch_tensor **out, const char *log)
{
	int64_t req[2] = {cmd, n}, dims[1] = {2};
	struct vaccel_torch_tensor t = {req, sizeof(req), false, 1, dims, VACCEL_TORCH_LONG};
	struct vaccel_torch_tensor *in = &t;
	int saved = -1, fd, ret;

	*out = NULL;
	if (log) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		fflush(stderr);
		saved = dup(2);
		dup2(fd, 2);
		close(fd);
	}
	ret = vaccel_torch_model_run(&ts, &model, NULL, &in, 1, out, 1);
	if (log) {
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
	}
	return ret;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[4096] = {0};
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	if (!strstr(buf, needle))
		fprintf(stderr, "%s lacks \"%s\":\n%s\n", path, needle, buf);
	return strstr(buf, needle) != NULL;
}

static void result_capacity(void **state)
{
	char log[] = "/tmp/vaccel-trm-log-XXXXXX";
	const int64_t n = 512 * 1024; /* 2 MiB of floats, from a 16-byte input */
	struct vaccel_torch_tensor *out;
	int fd = mkstemp(log);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vaccel_torch_model_load(&ts, &model), VACCEL_OK);
	/* 1 MiB by default: too small, and the error says what would do */
	unsetenv("VACCEL_VIRTIO_RESULT_BYTES");
	assert_int_equal(trmodel_run(TRMODEL_BIG, n, &out, log), VACCEL_ERANGE);
	assert_null(out);
	assert_true(file_has(log,
			     "torch_model_run: result 0 needs 2097152 bytes, room for 1048576; "
			     "set VACCEL_VIRTIO_RESULT_BYTES=2097152"));
	/* as the line says */
	setenv("VACCEL_VIRTIO_RESULT_BYTES", "2097152", 1);
	assert_int_equal(trmodel_run(TRMODEL_BIG, n, &out, NULL), VACCEL_OK);
	assert_non_null(out);
	assert_int_equal(out->size, (size_t)n * sizeof(float));
	assert_int_equal(out->nr_dims, 1);
	assert_int_equal(out->dims[0], n);
	assert_true(((float *)out->data)[n - 1] == (float)((n - 1) % 251));
	vaccel_torch_tensor_delete(out);
	/* a nonsense setting is ignored (with a warning): the default again */
	setenv("VACCEL_VIRTIO_RESULT_BYTES", "lots", 1);
	assert_int_equal(trmodel_run(TRMODEL_BIG, n, &out, log), VACCEL_ERANGE);
	assert_true(file_has(log, "room for 1048576"));
	unsetenv("VACCEL_VIRTIO_RESULT_BYTES");

	/* more dims than a slot holds (32) but a plugin may make: refused on the host */
	assert_int_equal(trmodel_run(TRMODEL_DIMS, 20, &out, NULL), VACCEL_OK);
	assert_int_equal(out->nr_dims, 20);
	vaccel_torch_tensor_delete(out);
	assert_int_equal(trmodel_run(TRMODEL_DIMS, 40, &out, NULL), VACCEL_EINVAL);
	assert_true(
	    td_log_wait(&daemon_, "the plugin's result 0 is malformed: too many dims", 1, 5000));
	/* a result whose data is shorter than its shape: refused on the host */
	assert_int_equal(trmodel_run(TRMODEL_SHORT, 10, &out, NULL), VACCEL_EINVAL);
	assert_null(out);
	assert_true(td_log_wait(&daemon_,
				"the plugin's result 0 is malformed: data size differs from what "
				"its shape needs",
				1, 5000));
	/* the daemon serves on */
	assert_int_equal(trmodel_run(TRMODEL_BIG, 4, &out, NULL), VACCEL_OK);
	vaccel_torch_tensor_delete(out);
	unlink(log);
}

VT_MAIN(group_setup, group_teardown, tf_like_local, tflite_like_local, torch_like_local,
	refused_on_host, result_capacity)
