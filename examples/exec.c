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

/* Call mytestfunc(10) in `library` (the context) and print its result. */
static int exec_once(struct vaccel_session *sess, void *library)
{
	char symbol[] = "mytestfunc";
	int32_t input = 10, output = 0;
	struct vaccel_arg write[] = {
	    {.buf = &output, .size = sizeof(output), .type = VACCEL_ARG_INT32},
	};
	int ret;
#if EX_GENERIC
	uint8_t op = VACCEL_OP_EXEC;
	struct vaccel_arg read[] = {
	    {.buf = &op, .size = sizeof(op), .type = VACCEL_ARG_UINT8},
	    {.buf = library, .size = strlen(library) + 1, .type = VACCEL_ARG_STRING},
	    {.buf = symbol, .size = sizeof(symbol), .type = VACCEL_ARG_STRING},
	    {.buf = &input, .size = sizeof(input), .type = VACCEL_ARG_INT32},
	};

	ret = vaccel_genop(sess, read, 4, write, 1);
#else
	struct vaccel_arg read[] = {
	    {.buf = &input, .size = sizeof(input), .type = VACCEL_ARG_INT32},
	};

	ret = vaccel_exec(sess, library, symbol, read, 1, write, 1);
#endif
	if (!ret)
		printf("output: %d\n", output);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long iterations;
	int ret = ex_parse_args(argc, argv, 1, 2, "<lib_file> [iterations]", 2, &iterations);

	return ret ? ret : ex_session_repeat(VACCEL_PLUGIN_DEBUG, iterations, exec_once, argv[1]);
}
