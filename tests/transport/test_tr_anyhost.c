/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A guest's ops on a host whose vAccel runtime is upstream's: the daemon
 * runs with libtr-upstream-rt.so preloaded, whose vaccel_genop() behaves as
 * upstream main's does (refuses NOOP and the model ops, takes the op type
 * only as a UINT8) and logs each call. Every op still works: NOOP and the
 * model ops through their typed functions, the others through that genop
 * (the log shows the stand-in ran them, so it was in place).
 */
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
#include "vt_main.h"

static struct td daemon_;
static struct vaccel_session rs;

static int group_setup(void **state)
{
	const char *asan = getenv("ASAN_OPTIONS");
	char opts[512];
	int ret;

	(void)state;
	/* Only the daemon gets the stand-in (an ASan daemon: after its runtime). */
	snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", asan ? asan : "",
		 asan ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	setenv("LD_PRELOAD", TR_UPSTREAM_RT, 1);
	ret = tr_daemon_start(&daemon_, TR_NOOP_PLUGIN, NULL);
	unsetenv("LD_PRELOAD");
	if (asan)
		setenv("ASAN_OPTIONS", asan, 1);
	else
		unsetenv("ASAN_OPTIONS");
	if (ret || tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN))
		return -1;
	return vaccel_session_init(&rs, VACCEL_PLUGIN_REMOTE);
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_session_release(&rs);
	tr_guest_shutdown(&daemon_);
	return 0;
}

/* The daemon's log has `needle` at least n times. */
static void logged(const char *needle, int n)
{
	if (!td_log_wait(&daemon_, needle, n, 5000)) {
		td_log_dump(&daemon_);
		fail_msg("daemon log lacks \"%s\" x%d", needle, n);
	}
}

static void noop_on_upstream(void **state)
{
	uint8_t op = VACCEL_OP_NOOP;
	struct vaccel_arg read[] = {{.buf = &op, .size = 1, .type = VACCEL_ARG_UINT8}};

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(vaccel_noop(&rs), VACCEL_OK);
	/* a guest's generic noop becomes the same request */
	assert_int_equal(vaccel_genop(&rs, read, 1, NULL, 0), VACCEL_OK);
	logged("[noop] Calling no-op for session", 4);
	/* the stand-in never saw them */
	assert_int_equal(td_log_count(&daemon_, "upstream stand-in: genop refused"), 0);
}

static void genop_ops_on_upstream(void **state)
{
	unsigned char img[16] = {1, 2, 3}, text[64], name[64];

	(void)state;
	assert_int_equal(vaccel_image_classification(&rs, img, text, name, sizeof(img),
						     sizeof(text), sizeof(name)),
			 VACCEL_OK);
	assert_string_equal((char *)text, "This is a dummy classification tag!");
	logged("[noop] Calling Image classification for session", 1);
	/* it went through the stand-in's genop, so the stand-in is in place */
	logged("upstream stand-in: genop op 3", 1);
}

static void model_ops_on_upstream(void **state)
{
	char path[] = "/tmp/vaccel-tra-model-XXXXXX";
	int fd = mkstemp(path);
	int64_t dims[1] = {2};
	float f[2] = {3, 4};
	struct vaccel_torch_tensor t = {f, sizeof(f), false, 1, dims, VACCEL_TORCH_FLOAT};
	struct vaccel_torch_tensor *in = &t, *out = NULL;
	struct vaccel_tf_status st = {0};
	/* static: a failed assert must not leave the runtime holding a dead stack frame */
	static struct vaccel_resource model;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "m", 1), 1);
	close(fd);
	assert_int_equal(vaccel_resource_init(&model, path, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&model, &rs), VACCEL_OK);
	assert_int_equal(vaccel_tf_model_load(&rs, &model, &st), VACCEL_OK);
	assert_string_equal(st.message, "Operation handled by noop plugin");
	vaccel_tf_status_release(&st);
	assert_int_equal(vaccel_torch_model_run(&rs, &model, NULL, &in, 1, &out, 1), VACCEL_OK);
	assert_non_null(out);
	assert_memory_equal(out->data, f, sizeof(f));
	vaccel_torch_tensor_delete(out);
	assert_int_equal(td_log_count(&daemon_, "upstream stand-in: genop has no unpacker"), 0);
	assert_int_equal(vaccel_resource_unregister(&model, &rs), VACCEL_OK);
	vaccel_resource_release(&model);
	unlink(path);
}

VT_MAIN(group_setup, group_teardown, noop_on_upstream, genop_ops_on_upstream, model_ops_on_upstream)
