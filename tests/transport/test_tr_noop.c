/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every operation through the userspace driver against a real daemon running
 * the noop plugin: exact dummy outputs, the noop plugin's debug lines in the
 * daemon's log, results equal to the same op run locally (the noop plugin
 * is also loaded in this process), generic ops that round-trip through the
 * runtime's genop, write-arg roles (in/out contents travel, out-only ones
 * start zeroed), a 64 MiB argument, and limits.
 */
#include <errno.h>
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
#include "vaccel_common.h"
#include "vt_main.h"

static struct td daemon_;
static struct vaccel_session rs; /* remote (virtio) */
static struct vaccel_session ls; /* local (noop in this process) */

static int group_setup(void **state)
{
	static const char *const extra[] = {"--exec-allow=" TR_MYTESTLIB, NULL};

	(void)state;
	if (tr_daemon_start(&daemon_, TR_NOOP_PLUGIN, extra))
		return -1;
	if (tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN ":" TR_NOOP_PLUGIN))
		return -1;
	if (vaccel_session_init(&rs, VACCEL_PLUGIN_REMOTE))
		return -1;
	if (vaccel_session_init(&ls, VACCEL_PLUGIN_DEBUG))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_session_release(&ls);
	vaccel_session_release(&rs);
	tr_guest_shutdown(&daemon_);
	return 0;
}

/* Expect `line` for the remote session in the daemon log (n-th time). */
static void expect_log(const char *fmt, int n)
{
	char line[256];

	snprintf(line, sizeof(line), fmt, tr_host_session(&daemon_, rs.remote_id));
	if (!td_log_wait(&daemon_, line, n, 5000)) {
		td_log_dump(&daemon_);
		fail_msg("daemon log lacks \"%s\" x%d", line, n);
	}
}

static void test_sessions(void **state)
{
	/* static: a failed assert must not leave the runtime
	 * holding a dead stack frame */
	static struct vaccel_session s2;

	(void)state;
	assert_true(rs.is_virtio);
	assert_true(rs.remote_id > 0);
	assert_false(ls.is_virtio);
	assert_int_equal(vaccel_session_init(&s2, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_true(s2.remote_id > 0);
	assert_true(s2.remote_id != rs.remote_id);
	/* No wire request changes a remote session's hint. */
	assert_int_equal(vaccel_session_update(&s2, VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_CPU),
			 VACCEL_ENOTSUP);
	assert_int_equal(vaccel_session_release(&s2), VACCEL_OK);
}

static void test_noop(void **state)
{
	(void)state;
	assert_int_equal(vaccel_noop(&rs), VACCEL_OK);
	expect_log(TR_NOOP_LINE_NOOP, 1);
}

static const char dummy_tag[] = "This is a dummy classification tag!";
static const char dummy_img[] = "This is a dummy imgname!";

/* Bytes of buf[from, len) that are not zero. */
static size_t nonzero_after(const unsigned char *buf, size_t from, size_t len)
{
	size_t n = 0;

	for (size_t i = from; i < len; i++)
		n += buf[i] != 0;
	return n;
}

/*
 * Out-only write args (the op table's role; sgemm's in/out c is checked
 * below) do not travel in, and the op gets them zeroed: classify's outputs
 * come back as the op's text, then zeros, neither the caller's old bytes nor
 * bytes an earlier request left in the shared memory they now occupy.
 */
static void out_args_start_zeroed(void)
{
	static unsigned char big[8192], img[4] = "img";
	static unsigned char text[512], name[64], ltext[512], lname[64];
	size_t tl, nl;

	memset(big, 'S', sizeof(big));
	assert_int_equal(vaccel_image_classification(&rs, big, text, name, sizeof(big), 16, 16),
			 VACCEL_OK);
	memset(text, 'X', sizeof(text));
	memset(name, 'X', sizeof(name));
	assert_int_equal(vaccel_image_classification(&rs, img, text, name, sizeof(img),
						     sizeof(text), sizeof(name)),
			 VACCEL_OK);
	assert_int_equal(vaccel_image_classification(&ls, img, ltext, lname, sizeof(img),
						     sizeof(ltext), sizeof(lname)),
			 VACCEL_OK);
	tl = strnlen((char *)ltext, sizeof(ltext));
	nl = strnlen((char *)lname, sizeof(lname));
	assert_true(tl > 0 && tl < sizeof(text) && nl > 0 && nl < sizeof(name));
	assert_memory_equal(text, ltext, tl + 1);
	assert_memory_equal(name, lname, nl + 1);
	assert_int_equal(nonzero_after(text, tl + 1, sizeof(text)), 0);
	assert_int_equal(nonzero_after(name, nl + 1, sizeof(name)), 0);
}

static void test_image_ops(void **state)
{
	char img[] = "not really a jpeg";
	unsigned char text[512], name[512];
	typedef int (*image_fn)(struct vaccel_session *, const void *, unsigned char *, size_t,
				size_t);
	static const image_fn fns[] = {vaccel_image_detection, vaccel_image_segmentation,
				       vaccel_image_pose, vaccel_image_depth};

	(void)state;
	memset(text, 0, sizeof(text));
	memset(name, 0, sizeof(name));
	assert_int_equal(vaccel_image_classification(&rs, img, text, name, sizeof(img),
						     sizeof(text), sizeof(name)),
			 VACCEL_OK);
	assert_string_equal((char *)text, dummy_tag);
	assert_string_equal((char *)name, dummy_img);
	expect_log(TR_NOOP_LINE_CLASSIFY, 1);
	expect_log("[noop] will return a dummy result", 1);
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		static const char *const what[] = {"detection", "segmentation", "pose", "depth"};
		char fmt[96];

		memset(name, 0, sizeof(name));
		assert_int_equal(fns[i](&rs, img, name, sizeof(img), sizeof(name)), VACCEL_OK);
		assert_string_equal((char *)name, dummy_img);
		snprintf(fmt, sizeof(fmt), "[noop] Calling Image %s for session %%" PRId64,
			 what[i]);
		expect_log(fmt, 1);
	}
	/* No text buffer: still works, name still produced. */
	memset(name, 0, sizeof(name));
	assert_int_equal(
	    vaccel_image_classification(&rs, img, NULL, name, sizeof(img), 0, sizeof(name)),
	    VACCEL_OK);
	assert_string_equal((char *)name, dummy_img);
	out_args_start_zeroed();
}

/* An application-built generic op: the guest runtime unpacks it and calls
 * the plugin's typed op, which sends it on as a GENOP. */
static void test_genop_roundtrip(void **state)
{
	uint8_t op = VACCEL_OP_IMAGE_CLASSIFY;
	char img[] = "img";
	unsigned char text[128] = {0}, name[128] = {0};
	struct vaccel_arg rd[2], wr[2];
	int32_t in[16], out[16];

	(void)state;
	rd[0] = (struct vaccel_arg){.buf = &op, .size = 1, .type = VACCEL_ARG_UINT8};
	rd[1] = (struct vaccel_arg){.buf = img, .size = sizeof(img), .type = VACCEL_ARG_BUFFER};
	wr[0] =
	    (struct vaccel_arg){.buf = name, .size = sizeof(name), .type = VACCEL_ARG_UCHAR_ARRAY};
	wr[1] =
	    (struct vaccel_arg){.buf = text, .size = sizeof(text), .type = VACCEL_ARG_UCHAR_ARRAY};
	assert_int_equal(vaccel_genop(&rs, rd, 2, wr, 2), VACCEL_OK);
	assert_string_equal((char *)text, dummy_tag);
	assert_string_equal((char *)name, dummy_img);

	op = VACCEL_OP_FPGA_ARRAYCOPY;
	for (int i = 0; i < 16; i++)
		in[i] = i * 7 - 3;
	memset(out, 0, sizeof(out));
	rd[1] = (struct vaccel_arg){.buf = in, .size = sizeof(in), .type = VACCEL_ARG_INT32_ARRAY};
	wr[0] =
	    (struct vaccel_arg){.buf = out, .size = sizeof(out), .type = VACCEL_ARG_INT32_ARRAY};
	assert_int_equal(vaccel_genop(&rs, rd, 2, wr, 1), VACCEL_OK);
	assert_memory_equal(in, out, sizeof(in));

	/* A malformed generic op is refused by the guest runtime already. */
	assert_int_equal(vaccel_genop(&rs, rd, 1, wr, 1), VACCEL_EINVAL);
}

static void test_sgemm_equals_local(void **state)
{
	enum { M = 8, N = 6, K = 5 };
	float a[M * K], b[K * N], cr[M * N], cl[M * N];

	(void)state;
	for (int i = 0; i < M * K; i++)
		a[i] = (float)i * 0.5f;
	for (int i = 0; i < K * N; i++)
		b[i] = (float)(K * N - i);
	for (int i = 0; i < M * N; i++)
		cr[i] = cl[i] = (float)i + 0.25f;
	assert_int_equal(vaccel_sgemm(&ls, M, N, K, 2.0f, a, K, b, N, 0.5f, cl, N), VACCEL_OK);
	assert_int_equal(vaccel_sgemm(&rs, M, N, K, 2.0f, a, K, b, N, 0.5f, cr, N), VACCEL_OK);
	assert_memory_equal(cl, cr, sizeof(cl));
	expect_log("[noop] Calling sgemm for session %" PRId64, 1);
	/* Shape errors are caught before anything is sent. */
	assert_int_equal(vaccel_sgemm(&rs, M, N, K, 2.0f, a, K - 1, b, N, 0.5f, cr, N),
			 VACCEL_EINVAL);
}

static void test_fpga_equals_local(void **state)
{
	enum { L = 100 };
	int ia[L], ir[L], il[L];
	float a[L], b[L], r1[L], r2[L], l1[L], l2[L];

	(void)state;
	for (int i = 0; i < L; i++) {
		ia[i] = i * i - 50;
		a[i] = (float)i / 3.0f;
		b[i] = 100.0f - (float)i;
	}
	memset(ir, 0, sizeof(ir));
	memset(il, 0, sizeof(il));
	assert_int_equal(vaccel_fpga_arraycopy(&ls, ia, il, L), VACCEL_OK);
	assert_int_equal(vaccel_fpga_arraycopy(&rs, ia, ir, L), VACCEL_OK);
	assert_memory_equal(il, ir, sizeof(il));
	assert_memory_equal(ia, ir, sizeof(ia));

	memset(r1, 0, sizeof(r1));
	memset(l1, 0, sizeof(l1));
	assert_int_equal(vaccel_fpga_mmult(&ls, a, b, l1, L), VACCEL_OK);
	assert_int_equal(vaccel_fpga_mmult(&rs, a, b, r1, L), VACCEL_OK);
	assert_memory_equal(l1, r1, sizeof(l1));

	assert_int_equal(vaccel_fpga_parallel(&ls, a, b, l1, l2, L), VACCEL_OK);
	assert_int_equal(vaccel_fpga_parallel(&rs, a, b, r1, r2, L), VACCEL_OK);
	assert_memory_equal(l1, r1, sizeof(l1));
	assert_memory_equal(l2, r2, sizeof(l2));

	assert_int_equal(vaccel_fpga_vadd(&ls, a, b, l1, L, L), VACCEL_OK);
	assert_int_equal(vaccel_fpga_vadd(&rs, a, b, r1, L, L), VACCEL_OK);
	assert_memory_equal(l1, r1, sizeof(l1));
	for (int i = 0; i < L; i++)
		assert_true(r1[i] == a[i] + b[i]);
	expect_log("[noop] Calling fpga_vadd for session %" PRId64, 1);
}

static void test_minmax_equals_local(void **state)
{
	enum { L = 2048 };
	static double in[L], outl[L], outr[L];
	double minl = 0, maxl = 0, minr = 1, maxr = 1;

	(void)state;
	for (int i = 0; i < L; i++)
		in[i] = (double)((i * 7919) % 1000) - 300.5;
	assert_int_equal(vaccel_minmax(&ls, in, L, 10, 900, outl, &minl, &maxl), VACCEL_OK);
	assert_int_equal(vaccel_minmax(&rs, in, L, 10, 900, outr, &minr, &maxr), VACCEL_OK);
	assert_memory_equal(outl, outr, sizeof(outl));
	assert_true(minl == minr);
	assert_true(maxl == maxr);
	expect_log("[noop] Calling minmax for session %" PRId64, 1);
}

static void test_exec_noop(void **state)
{
	int32_t in = 10, out = 0;
	struct vaccel_arg rd = {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32};
	struct vaccel_arg wr = {.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32};

	(void)state;
	assert_int_equal(vaccel_exec(&rs, TR_MYTESTLIB, "mytestfunc", &rd, 1, &wr, 1), VACCEL_OK);
	assert_int_equal(out, 10); /* noop copies input to output */
	expect_log("[noop] Calling exec for session %" PRId64, 1);
}

static void test_opencv(void **state)
{
	uint8_t fn = 3;
	float o1[8], o2[20];
	struct vaccel_arg rd[] = {{.buf = &fn, .size = 1, .type = VACCEL_ARG_UINT8}};
	struct vaccel_arg wr[] = {
	    {.buf = o1, .size = sizeof(o1), .type = VACCEL_ARG_FLOAT32_ARRAY},
	    {.buf = o2, .size = sizeof(o2), .type = VACCEL_ARG_FLOAT32_ARRAY}};
	size_t v;

	(void)state;
	memset(o1, 0, sizeof(o1));
	memset(o2, 0, sizeof(o2));
	assert_int_equal(vaccel_opencv(&rs, rd, 1, wr, 2), VACCEL_OK);
	/* noop stores each output's float count as a size_t at its start */
	memcpy(&v, o1, sizeof(v));
	assert_int_equal(v, 8);
	memcpy(&v, o2, sizeof(v));
	assert_int_equal(v, 20);
}

static void test_big_arraycopy(void **state)
{
	const size_t n = (64u << 20) / sizeof(int);
	int *in = malloc(n * sizeof(int)), *out = malloc(n * sizeof(int));

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		in[i] = (int)(i * 2654435761u);
	memset(out, 0, n * sizeof(int));
	assert_int_equal(vaccel_fpga_arraycopy(&rs, in, out, n), VACCEL_OK);
	assert_memory_equal(in, out, n * sizeof(int));
	free(in);
	free(out);
}

static void test_limits(void **state)
{
	enum { NARGS = 2000 };
	static int32_t v[NARGS];
	static struct vaccel_arg rd[NARGS];
	int32_t out = 0;
	struct vaccel_arg wr = {.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32};

	(void)state;
	for (int i = 0; i < NARGS; i++)
		rd[i] = (struct vaccel_arg){.buf = &v[i], .size = 4, .type = VACCEL_ARG_INT32};
	/* More args than the device takes: refused locally, no hang. */
	assert_int_equal(vaccel_exec(&rs, TR_MYTESTLIB, "mytestfunc", rd, NARGS, &wr, 1),
			 VACCEL_ENOSPC);
	/* The connection is still good afterwards. */
	assert_int_equal(vaccel_noop(&rs), VACCEL_OK);
}

static void test_not_supported(void **state)
{
	static struct vaccel_resource res;
	char data[] = "payload";

	(void)state;
	assert_int_equal(vaccel_resource_init_from_buf(&res, data, sizeof(data),
						       VACCEL_RESOURCE_DATA, "d.bin", true),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &rs), VACCEL_OK);
	assert_true(res.remote_id > 0);
	assert_int_equal(vaccel_resource_sync(&res, &rs), VACCEL_ENOTSUP);
	assert_int_equal(vaccel_resource_unregister(&res, &rs), VACCEL_OK);
	assert_int_equal(res.remote_id, 0);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
}

/* This daemon runs without --allow-exec-upload: uploaded code never runs. */
static void test_exec_upload_denied(void **state)
{
	static struct vaccel_resource res;
	int32_t in = 4, out = 0;
	struct vaccel_arg rd = {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32};
	struct vaccel_arg wr = {.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32};

	(void)state;
	assert_int_equal(vaccel_resource_init(&res, TR_MYTESTLIB, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &rs), VACCEL_OK);
	assert_int_equal(vaccel_exec_with_resource(&rs, &res, "mytestfunc", &rd, 1, &wr, 1),
			 VACCEL_EPERM);
	assert_int_equal(out, 0);
	assert_int_equal(vaccel_resource_unregister(&res, &rs), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
}

int main(void)
{
	alarm(300); /* a hang fails the test instead of stalling the suite */
	return td_finish(VT_RUN(group_setup, group_teardown, test_sessions, test_noop,
				test_image_ops, test_genop_roundtrip, test_sgemm_equals_local,
				test_fpga_equals_local, test_minmax_equals_local, test_exec_noop,
				test_opencv, test_big_arraycopy, test_limits, test_not_supported,
				test_exec_upload_denied));
}
