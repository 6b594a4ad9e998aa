// SPDX-License-Identifier: Apache-2.0
/*
 * The exec plugin through the public API (VACCEL_PLUGINS=libvaccel-exec.so) with
 * libmytestlib.so ($EX_MYTESTLIB): results, error codes, handle caching across
 * unregister/register, in-memory LIB resources and concurrent calls.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vaccel.h>

#include "session_fixture.h"
#include "vt_main.h"

#define NR_THREADS 8
#define NR_CALLS 50

static const char *mytestlib(void)
{
	const char *p = getenv("EX_MYTESTLIB");

	assert_non_null(p);
	return p;
}

/*
 * Call `sym` with one `type` input and one INT32 output, from `res` when it is set (exec
 * with resource) or else from the library `lib` (exec); returns the op status and
 * stores the output.
 */
static int call_lib(struct vaccel_session *sess, const char *lib, struct vaccel_resource *res,
		    const char *sym, int32_t in, vaccel_arg_type_t type, int32_t *out)
{
	struct vaccel_arg read = {.buf = &in, .size = sizeof(in), .type = type};
	struct vaccel_arg write = {.buf = out, .size = sizeof(*out), .type = VACCEL_ARG_INT32};

	*out = 0;
	if (res)
		return vaccel_exec_with_resource(sess, res, sym, &read, 1, &write, 1);
	return vaccel_exec(sess, lib, sym, &read, 1, &write, 1);
}

/* mytestfunc(in) and friends through exec. */
static int call_exec(struct vaccel_session *sess, const char *lib, const char *sym, int32_t in,
		     vaccel_arg_type_t type, int32_t *out)
{
	return call_lib(sess, lib, NULL, sym, in, type, out);
}

/* mytestfunc(in) through exec_with_resource. */
static int call_exec_res(struct vaccel_session *sess, struct vaccel_resource *res, int32_t in,
			 int32_t *out)
{
	return call_lib(sess, NULL, res, "mytestfunc", in, VACCEL_ARG_INT32, out);
}

static void test_exec_doubles(void **state)
{
	int32_t out;

	assert_int_equal(call_exec(*state, mytestlib(), "mytestfunc", 21, VACCEL_ARG_INT32, &out),
			 VACCEL_OK);
	assert_int_equal(out, 42);
	/* The cached handle serves the second call. */
	assert_int_equal(call_exec(*state, mytestlib(), "mytestfunc", -5, VACCEL_ARG_INT32, &out),
			 VACCEL_OK);
	assert_int_equal(out, -10);
	assert_int_equal(
	    call_exec(*state, mytestlib(), "mytestfunc_sleep", 10, VACCEL_ARG_INT32, &out),
	    VACCEL_OK);
	assert_int_equal(out, 20);
}

static void test_exec_errors(void **state)
{
	int32_t out;

	assert_int_equal(
	    call_exec(*state, mytestlib(), "no_such_symbol", 1, VACCEL_ARG_INT32, &out),
	    VACCEL_ENOSYS);
	/* mytestfunc rejects a RAW input: the function's failure is EBACKEND. */
	assert_int_equal(call_exec(*state, mytestlib(), "mytestfunc", 1, VACCEL_ARG_RAW, &out),
			 VACCEL_EBACKEND);
	assert_int_equal(out, 0);
	assert_int_equal(
	    call_exec(*state, "/nonexistent/libnope.so", "mytestfunc", 1, VACCEL_ARG_INT32, &out),
	    VACCEL_ENOENT);
	assert_int_equal(
	    call_exec(*state, getenv("EX_NOT_A_LIB"), "mytestfunc", 1, VACCEL_ARG_INT32, &out),
	    VACCEL_EINVAL);
	assert_int_equal(call_exec(*state, NULL, "mytestfunc", 1, VACCEL_ARG_INT32, &out),
			 VACCEL_EINVAL);
}

static void test_nonser_reverses(void **state)
{
	uint32_t in[5] = {4, 1, 2, 3, 4}, out[5] = {0};
	struct vaccel_arg read = {
	    .buf = in, .size = sizeof(in), .type = VACCEL_ARG_CUSTOM, .custom_type_id = 100};
	struct vaccel_arg write = {
	    .buf = out, .size = sizeof(out), .type = VACCEL_ARG_CUSTOM, .custom_type_id = 100};
	uint32_t expected[5] = {4, 4, 3, 2, 1};

	assert_int_equal(vaccel_exec(*state, mytestlib(), "mytestfunc_nonser", &read, 1, &write, 1),
			 VACCEL_OK);
	assert_memory_equal(out, expected, sizeof(out));
	/* A count that does not match the size is refused. */
	in[0] = 1000;
	assert_int_equal(vaccel_exec(*state, mytestlib(), "mytestfunc_nonser", &read, 1, &write, 1),
			 VACCEL_EBACKEND);
}

static void test_resource_reregister(void **state)
{
	struct vaccel_resource res;
	int32_t out;

	assert_int_equal(vaccel_resource_init(&res, mytestlib(), VACCEL_RESOURCE_LIB), VACCEL_OK);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(vaccel_resource_register(&res, *state), VACCEL_OK);
		assert_int_equal(call_exec_res(*state, &res, 7, &out), VACCEL_OK);
		assert_int_equal(out, 14);
		assert_int_equal(call_exec_res(*state, &res, 8, &out), VACCEL_OK);
		assert_int_equal(out, 16);
		assert_int_equal(vaccel_resource_unregister(&res, *state), VACCEL_OK);
		/* Unregistering from the last session drops the cached handles. */
		assert_null(res.plugin_priv);
	}
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
}

/* Two sessions share a resource: unregistering from one keeps it usable by the other. */
static void test_resource_two_sessions(void **state)
{
	struct vaccel_session other;
	struct vaccel_resource res;
	int32_t out;

	assert_int_equal(vaccel_session_init(&other, 0), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&res, mytestlib(), VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, *state), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &other), VACCEL_OK);
	assert_int_equal(call_exec_res(*state, &res, 3, &out), VACCEL_OK);
	assert_int_equal(out, 6);
	assert_int_equal(vaccel_resource_unregister(&res, *state), VACCEL_OK);
	assert_int_equal(call_exec_res(&other, &res, 4, &out), VACCEL_OK);
	assert_int_equal(out, 8);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&other), VACCEL_OK);
}

static void *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* A LIB resource held only in memory (no file) is loaded too. */
static void test_resource_in_memory(void **state)
{
	struct vaccel_resource res;
	size_t size;
	void *lib = read_whole(mytestlib(), &size);
	int32_t out;

	assert_int_equal(
	    vaccel_resource_init_from_buf(&res, lib, size, VACCEL_RESOURCE_LIB, "mem.so", true),
	    VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, *state), VACCEL_OK);
	assert_int_equal(call_exec_res(*state, &res, 50, &out), VACCEL_OK);
	assert_int_equal(out, 100);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
	free(lib);
}

/* Blobs 0..n-2 are dependencies loaded RTLD_GLOBAL; the last blob holds the symbol. */
static void test_resource_with_dependency(void **state)
{
	const char *paths[] = {getenv("EX_EXTDEP"), getenv("EX_EXTMAIN")};
	struct vaccel_resource res;
	int32_t in = 7, out = 0;
	struct vaccel_arg read = {.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32};
	struct vaccel_arg write = {.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32};

	assert_non_null(paths[0]);
	assert_non_null(paths[1]);
	assert_int_equal(vaccel_resource_init_multi(&res, paths, 2, VACCEL_RESOURCE_LIB),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, *state), VACCEL_OK);
	assert_int_equal(
	    vaccel_exec_with_resource(*state, &res, "extmain_triple", &read, 1, &write, 1),
	    VACCEL_OK);
	assert_int_equal(out, 21);
	/* The dependency's own symbols are not looked up in the main library's handle. */
	assert_int_equal(
	    vaccel_exec_with_resource(*state, &res, "no_such_symbol", &read, 1, &write, 1),
	    VACCEL_ENOSYS);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
}

struct worker {
	struct vaccel_session *sess;
	struct vaccel_resource *res;
	int failures;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int32_t out;

	for (int i = 0; i < NR_CALLS; i++) {
		if (call_exec(w->sess, mytestlib(), "mytestfunc", i, VACCEL_ARG_INT32, &out) ||
		    out != 2 * i)
			w->failures++;
		if (call_exec_res(w->sess, w->res, i, &out) || out != 2 * i)
			w->failures++;
	}
	return NULL;
}

static void test_concurrent_calls(void **state)
{
	pthread_t threads[NR_THREADS];
	struct worker workers[NR_THREADS];
	struct vaccel_resource res;

	assert_int_equal(vaccel_resource_init(&res, mytestlib(), VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, *state), VACCEL_OK);
	for (int i = 0; i < NR_THREADS; i++) {
		workers[i] = (struct worker){.sess = *state, .res = &res, .failures = 0};
		assert_int_equal(pthread_create(&threads[i], NULL, worker_main, &workers[i]), 0);
	}
	for (int i = 0; i < NR_THREADS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(workers[i].failures, 0);
	}
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
}

static void test_noop_op(void **state)
{
	assert_int_equal(vaccel_noop(*state), VACCEL_OK);
}

VT_MAIN_EACH(NULL, NULL, setup_session, teardown_session, test_exec_doubles, test_exec_errors,
	     test_nonser_reverses, test_resource_reregister, test_resource_two_sessions,
	     test_resource_in_memory, test_resource_with_dependency, test_concurrent_calls,
	     test_noop_op)
