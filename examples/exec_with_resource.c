// SPDX-License-Identifier: Apache-2.0
/*
 * Run mytestfunc from LIB resources: `exec_with_resource <lib_file> [iterations]`.
 * One resource is created from the path, the other from the file's bytes (persisted by
 * vAccel as "lib.so"). Prints "output1: N" and "output2: N" (10 with noop, 20 with exec).
 */
#include "ex_util.h"
#include <stdio.h>
#include <stdlib.h>

/* The two resources mytestfunc is called from, each iteration. */
struct ex_libs {
	struct vaccel_resource from_path, from_buf;
};

static int call_mytestfunc(struct vaccel_session *sess, struct vaccel_resource *res,
			   const char *label)
{
	int32_t input = 10, output = 0;
	struct vaccel_arg read[] = {
	    {.buf = &input, .size = sizeof(input), .type = VACCEL_ARG_INT32},
	};
	struct vaccel_arg write[] = {
	    {.buf = &output, .size = sizeof(output), .type = VACCEL_ARG_INT32},
	};
	int ret = vaccel_exec_with_resource(sess, res, "mytestfunc", read, 1, write, 1);

	if (!ret)
		printf("%s: %d\n", label, output);
	return ret;
}

static int run_once(struct vaccel_session *sess, void *ctx)
{
	struct ex_libs *libs = ctx;
	int ret = call_mytestfunc(sess, &libs->from_path, "output1");

	return ret ? ret : call_mytestfunc(sess, &libs->from_buf, "output2");
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	struct ex_libs libs;
	unsigned long iterations;
	void *lib = NULL;
	size_t lib_size = 0;
	int ret;

	ret = ex_parse_args(argc, argv, 1, 2, "<lib_file> [iterations]", 2, &iterations);
	if (ret)
		return ret;
	ret = ex_read_file(argv[1], &lib, &lib_size);
	if (ret)
		return ret;

	ret = ex_session_open(&sess, VACCEL_PLUGIN_DEBUG, &libs.from_path, argv[1],
			      VACCEL_RESOURCE_LIB);
	if (ret)
		goto out_lib;
	ret = ex_resource_attach_buf(&libs.from_buf, lib, lib_size, VACCEL_RESOURCE_LIB, "lib.so",
				     &sess);
	if (!ret) {
		ret = ex_repeat(&sess, iterations, run_once, &libs);
		ex_resource_detach(&libs.from_buf, &sess);
	}
	ex_session_close(&sess, &libs.from_path);
out_lib:
	free(lib);
	return ret;
}
