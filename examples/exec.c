// SPDX-License-Identifier: Apache-2.0
/*
 * Run mytestfunc from a host library: `exec <lib_file> [iterations]`. Prints "output: N"
 * (10 with the noop plugin, 20 with exec). Built twice: EX_GENERIC=0 calls vaccel_exec,
 * EX_GENERIC=1 (exec_generic) goes through vaccel_genop with the layout
 * read = [UINT8 op, STRING library, STRING symbol, <function inputs>];
 * write = [<function outputs>].
 */
#include "ex_util.h"
#include <stdio.h>
#include <string.h>

static int exec_once(struct vaccel_session *sess, char *library, int32_t *input, int32_t *output)
{
	char symbol[] = "mytestfunc";
#if EX_GENERIC
	uint8_t op = VACCEL_OP_EXEC;
	struct vaccel_arg read[] = {
	    {.buf = &op, .size = sizeof(op), .type = VACCEL_ARG_UINT8},
	    {.buf = library, .size = strlen(library) + 1, .type = VACCEL_ARG_STRING},
	    {.buf = symbol, .size = sizeof(symbol), .type = VACCEL_ARG_STRING},
	    {.buf = input, .size = sizeof(*input), .type = VACCEL_ARG_INT32},
	};
	struct vaccel_arg write[] = {
	    {.buf = output, .size = sizeof(*output), .type = VACCEL_ARG_INT32},
	};

	return vaccel_genop(sess, read, 4, write, 1);
#else
	struct vaccel_arg read[] = {
	    {.buf = input, .size = sizeof(*input), .type = VACCEL_ARG_INT32},
	};
	struct vaccel_arg write[] = {
	    {.buf = output, .size = sizeof(*output), .type = VACCEL_ARG_INT32},
	};

	return vaccel_exec(sess, library, symbol, read, 1, write, 1);
#endif
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	unsigned long iterations;
	int32_t input = 10, output = 0;
	int ret;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "Usage: %s <lib_file> [iterations]\n", argv[0]);
		return VACCEL_EINVAL;
	}
	ret = ex_parse_iterations(argc > 2 ? argv[2] : NULL, &iterations);
	if (ret)
		return ret;
	ret = ex_session_init(&sess, VACCEL_PLUGIN_DEBUG);
	if (ret)
		return ret;

	for (unsigned long i = 0; i < iterations && !ret; i++) {
		output = 0;
		ret = exec_once(&sess, argv[1], &input, &output);
		if (ret) {
			fprintf(stderr, "Could not run op: %d\n", ret);
			break;
		}
		printf("output: %d\n", output);
	}

	ex_session_release(&sess);
	return ret;
}
