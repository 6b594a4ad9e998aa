/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec, exec_with_resource and resources through the userspace driver
 * against a daemon running the exec plugin (mytestfunc doubles its input).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "tr_common.h"
#include "vt_main.h"

static struct td daemon_;
static struct vaccel_session s1, s2;

static int group_setup(void **state)
{
	static const char *const extra[] = {"--exec-allow=" TR_MYTESTLIB, "--allow-exec-upload",
					    NULL};

	(void)state;
	if (tr_daemon_start(&daemon_, TR_EXEC_PLUGIN, extra))
		return -1;
	if (tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN))
		return -1;
	if (vaccel_session_init(&s1, VACCEL_PLUGIN_REMOTE) ||
	    vaccel_session_init(&s2, VACCEL_PLUGIN_REMOTE))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_session_release(&s2);
	vaccel_session_release(&s1);
	tr_guest_shutdown(&daemon_);
	return 0;
}

static int run_exec(struct vaccel_session *s, const char *lib, int32_t in, int32_t *out)
{
	struct vaccel_arg rd = {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32};
	struct vaccel_arg wr = {.buf = out, .size = sizeof(*out), .type = VACCEL_ARG_INT32};

	*out = 0;
	return vaccel_exec(s, lib, "mytestfunc", &rd, 1, &wr, 1);
}

static int run_exec_res(struct vaccel_session *s, struct vaccel_resource *r, int32_t in,
			int32_t *out)
{
	struct vaccel_arg rd = {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32};
	struct vaccel_arg wr = {.buf = out, .size = sizeof(*out), .type = VACCEL_ARG_INT32};

	*out = 0;
	return vaccel_exec_with_resource(s, r, "mytestfunc", &rd, 1, &wr, 1);
}

static void test_exec(void **state)
{
	int32_t out;

	(void)state;
	assert_int_equal(run_exec(&s1, TR_MYTESTLIB, 10, &out), VACCEL_OK);
	assert_int_equal(out, 20);
	assert_int_equal(run_exec(&s2, TR_MYTESTLIB, -21, &out), VACCEL_OK);
	assert_int_equal(out, -42);
	/* A library the host operator did not allow. */
	assert_int_equal(run_exec(&s1, "/usr/lib/x86_64-linux-gnu/libm.so.6", 1, &out),
			 VACCEL_EPERM);
	/* A missing symbol is the host runtime's error, passed through. */
	{
		int32_t in = 1;
		struct vaccel_arg rd = {.buf = &in, .size = 4, .type = VACCEL_ARG_INT32};

		assert_int_not_equal(vaccel_exec(&s1, TR_MYTESTLIB, "no_such_fn", &rd, 1, NULL, 0),
				     VACCEL_OK);
	}
}

static void test_exec_generic(void **state)
{
	uint8_t op = VACCEL_OP_EXEC;
	int32_t in = 33, out = 0;
	struct vaccel_arg rd[] = {
	    {.buf = &op, .size = 1, .type = VACCEL_ARG_UINT8},
	    {.buf = TR_MYTESTLIB, .size = sizeof(TR_MYTESTLIB), .type = VACCEL_ARG_STRING},
	    {.buf = "mytestfunc", .size = sizeof("mytestfunc"), .type = VACCEL_ARG_STRING},
	    {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32},
	};
	struct vaccel_arg wr[] = {{.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32}};

	(void)state;
	assert_int_equal(vaccel_genop(&s1, rd, 4, wr, 1), VACCEL_OK);
	assert_int_equal(out, 66);
}

/* Host-side uploads so far: the daemon persists each uploaded file (hostrt.c). */
static int uploads(void)
{
	return td_log_count(&daemon_, "Persisting file libmytestlib.so");
}

static void test_resource_two_sessions(void **state)
{
	/* static: a failed assert must not leave the runtime
	 * holding a dead stack frame */
	static struct vaccel_resource res;
	int32_t out;
	vaccel_id_t rid;

	(void)state;
	int before = uploads();

	assert_int_equal(vaccel_resource_init(&res, TR_MYTESTLIB, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &s1), VACCEL_OK);
	rid = res.remote_id;
	assert_true(rid > 0);
	assert_int_equal(run_exec_res(&s1, &res, 7, &out), VACCEL_OK);
	assert_int_equal(out, 14);

	/* Registered to a second session: the same host resource, no upload. */
	assert_int_equal(vaccel_resource_register(&res, &s2), VACCEL_OK);
	assert_int_equal(res.remote_id, rid);
	assert_int_equal(vaccel_resource_refcount(&res), 2);
	assert_int_equal(run_exec_res(&s2, &res, 8, &out), VACCEL_OK);
	assert_int_equal(out, 16);
	assert_int_equal(uploads(), before + 1);

	/* Dropped from s1: s2 still runs it; s1 may not. */
	assert_int_equal(vaccel_resource_unregister(&res, &s1), VACCEL_OK);
	assert_int_equal(res.remote_id, rid);
	assert_int_equal(run_exec_res(&s2, &res, 9, &out), VACCEL_OK);
	assert_int_equal(out, 18);
	assert_int_not_equal(run_exec_res(&s1, &res, 9, &out), VACCEL_OK);

	/* Last registration gone: the remote id is cleared. */
	assert_int_equal(vaccel_resource_unregister(&res, &s2), VACCEL_OK);
	assert_int_equal(res.remote_id, 0);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
}

static void test_resource_from_buf(void **state)
{
	static struct vaccel_resource res;
	int32_t out;
	int fd = open(TR_MYTESTLIB, O_RDONLY);
	struct stat st;
	void *buf;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	assert_int_equal(vaccel_resource_init_from_buf(&res, buf, (size_t)st.st_size,
						       VACCEL_RESOURCE_LIB, "lib.so", true),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &s2), VACCEL_OK);
	assert_int_equal(run_exec_res(&s2, &res, 50, &out), VACCEL_OK);
	assert_int_equal(out, 100);
	assert_int_equal(vaccel_resource_unregister(&res, &s2), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
	free(buf);
}

/* Uploaded once: many runs and registrations, one upload on the host. */
static void test_resource_uploaded_once(void **state)
{
	static struct vaccel_resource res;
	static struct vaccel_session s3;
	int32_t out;

	(void)state;
	int before = uploads();

	assert_int_equal(vaccel_session_init(&s3, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&res, TR_MYTESTLIB, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &s1), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &s3), VACCEL_OK);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(run_exec_res(i % 2 ? &s1 : &s3, &res, i, &out), VACCEL_OK);
		assert_int_equal(out, 2 * i);
	}
	assert_int_equal(uploads(), before + 1);
	/* Releasing the session unregisters its resources. */
	assert_int_equal(vaccel_session_release(&s3), VACCEL_OK);
	assert_true(res.remote_id > 0);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
	assert_int_equal(res.remote_id, 0);
}

#ifdef TR_EXTDEP
/*
 * A resource of two files crosses with their order and names: the host's exec plugin
 * loads the dependency (first) with RTLD_GLOBAL, then the main library (last), whose
 * extmain_triple() needs the dependency's extdep_factor().
 */
static void test_resource_two_files(void **state)
{
	static struct vaccel_resource res;
	const char *paths[] = {TR_EXTDEP, TR_EXTMAIN};
	int32_t in = 7, out = 0;
	struct vaccel_arg rd = {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32};
	struct vaccel_arg wr = {.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32};
	int dep = td_log_count(&daemon_, "Persisting file libextdep.so");
	int main_lib = td_log_count(&daemon_, "Persisting file libextmain.so");

	(void)state;
	assert_int_equal(vaccel_resource_init_multi(&res, paths, 2, VACCEL_RESOURCE_LIB),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &s1), VACCEL_OK);
	assert_int_equal(vaccel_exec_with_resource(&s1, &res, "extmain_triple", &rd, 1, &wr, 1),
			 VACCEL_OK);
	assert_int_equal(out, 21);
	assert_int_equal(td_log_count(&daemon_, "Persisting file libextdep.so"), dep + 1);
	assert_int_equal(td_log_count(&daemon_, "Persisting file libextmain.so"), main_lib + 1);
	assert_int_equal(vaccel_resource_unregister(&res, &s1), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exec),
	    cmocka_unit_test(test_exec_generic),
	    cmocka_unit_test(test_resource_two_sessions),
	    cmocka_unit_test(test_resource_from_buf),
	    cmocka_unit_test(test_resource_uploaded_once),
#ifdef TR_EXTDEP
	    cmocka_unit_test(test_resource_two_files),
#endif
	};

	alarm(300);
	return td_finish(vt_run_group(tests, group_setup, group_teardown));
}
