// SPDX-License-Identifier: Apache-2.0
/*
 * A custom (serialized) argument through exec_with_resource:
 * `exec_serialized <lib_file> [iterations]`. Sends [0 2 4 6 8 10] to mytestfunc_nonser,
 * which reverses it. Prints "Input: ..." and "Output: ..." (unchanged with noop, reversed
 * with exec).
 */
#include "ex_mydata.h"
#include "ex_util.h"
#include <stdio.h>
#include <string.h>

#define EX_COUNT 6

static void print_array(const char *label, const uint32_t *ser)
{
	printf("%s: ", label);
	for (uint32_t i = 0; i < ser[0]; i++)
		printf("%u ", ser[i + 1]);
	printf("\n");
}

static int run_once(struct vaccel_session *sess, void *res)
{
	uint32_t in[EX_COUNT + 1], out[EX_COUNT + 1];
	struct vaccel_arg read[] = {{.buf = in,
				     .size = sizeof(in),
				     .type = VACCEL_ARG_CUSTOM,
				     .custom_type_id = EX_MYDATA_TYPE_ID}};
	struct vaccel_arg write[] = {{.buf = out,
				      .size = sizeof(out),
				      .type = VACCEL_ARG_CUSTOM,
				      .custom_type_id = EX_MYDATA_TYPE_ID}};
	int ret;

	in[0] = EX_COUNT;
	for (uint32_t i = 0; i < EX_COUNT; i++)
		in[i + 1] = 2 * i;
	memset(out, 0, sizeof(out));
	out[0] = EX_COUNT;
	print_array("Input", in);

	ret = vaccel_exec_with_resource(sess, res, "mytestfunc_nonser", read, 1, write, 1);
	if (ret)
		return ret;
	if (out[0] != EX_COUNT) {
		fprintf(stderr, "Unexpected output count %u\n", out[0]);
		return VACCEL_EINVAL;
	}
	print_array("Output", out);
	return 0;
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	struct vaccel_resource res;
	unsigned long iterations;
	int ret;

	ret = ex_parse_args(argc, argv, 1, 2, "<lib_file> [iterations]", 2, &iterations);
	if (ret)
		return ret;
	ret = ex_session_open(&sess, VACCEL_PLUGIN_DEBUG, &res, argv[1], VACCEL_RESOURCE_LIB);
	if (ret)
		return ret;
	ret = ex_repeat(&sess, iterations, run_once, &res);
	ex_session_close(&sess, &res);
	return ret;
}
