// SPDX-License-Identifier: Apache-2.0
/* The no-op operation: `noop [iterations]`. */
#include "ex_util.h"

static int noop_once(struct vaccel_session *sess, void *ctx)
{
	(void)ctx;
	return vaccel_noop(sess);
}

int main(int argc, char **argv)
{
	unsigned long iterations;
	int ret = ex_parse_args(argc, argv, 0, 1, "[iterations]", 1, &iterations);

	return ret ? ret : ex_session_repeat(0, iterations, noop_once, NULL);
}
