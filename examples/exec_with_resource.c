// SPDX-License-Identifier: Apache-2.0
/*
 * Run mytestfunc from LIB resources: `exec_with_resource <lib_file> [iterations]`.
 * res1 is created from the path, res2 from the file's bytes (persisted by vAccel as
 * "lib.so"). Prints "output1: N" and "output2: N" (10 with noop, 20 with exec).
 */
#include "ex_util.h"
#include <stdio.h>
#include <stdlib.h>

static int run_one(struct vaccel_session *sess, struct vaccel_resource *res, const char *label)
{
	int32_t input = 10, output = 0;
	struct vaccel_arg read[] = {
	    {.buf = &input, .size = sizeof(input), .type = VACCEL_ARG_INT32},
	};
	struct vaccel_arg write[] = {
	    {.buf = &output, .size = sizeof(output), .type = VACCEL_ARG_INT32},
	};
	int ret;

	ret = vaccel_exec_with_resource(sess, res, "mytestfunc", read, 1, write, 1);
	if (ret) {
		fprintf(stderr, "Could not run op: %d\n", ret);
		return ret;
	}
	printf("%s: %d\n", label, output);
	return 0;
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	struct vaccel_resource res1, res2;
	unsigned long iterations;
	void *lib = NULL;
	size_t lib_size = 0;
	int ret;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "Usage: %s <lib_file> [iterations]\n", argv[0]);
		return VACCEL_EINVAL;
	}
	ret = ex_parse_iterations(argc > 2 ? argv[2] : NULL, &iterations);
	if (ret)
		return ret;
	ret = ex_read_file(argv[1], &lib, &lib_size);
	if (ret)
		return ret;

	ret = ex_session_init(&sess, VACCEL_PLUGIN_DEBUG);
	if (ret)
		goto out_lib;
	ret = ex_resource_attach(&res1, argv[1], VACCEL_RESOURCE_LIB, &sess);
	if (ret)
		goto out_session;
	ret = vaccel_resource_init_from_buf(&res2, lib, lib_size, VACCEL_RESOURCE_LIB, "lib.so",
					    false);
	if (ret) {
		fprintf(stderr, "Could not create resource from buffer\n");
		goto out_res1;
	}
	ret = vaccel_resource_register(&res2, &sess);
	if (ret) {
		fprintf(stderr, "Could not register resource with session\n");
		vaccel_resource_release(&res2);
		goto out_res1;
	}

	for (unsigned long i = 0; i < iterations && !ret; i++) {
		ret = run_one(&sess, &res1, "output1");
		if (!ret)
			ret = run_one(&sess, &res2, "output2");
	}

	ex_resource_detach(&res2, &sess);
out_res1:
	ex_resource_detach(&res1, &sess);
out_session:
	ex_session_release(&sess);
out_lib:
	free(lib);
	return ret;
}
