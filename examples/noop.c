// SPDX-License-Identifier: Apache-2.0
/* The no-op operation: `noop [iterations]`. */
#include "ex_util.h"
#include <stdio.h>

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	unsigned long iterations;
	int ret;

	if (argc > 2) {
		fprintf(stderr, "Usage: %s [iterations]\n", argv[0]);
		return VACCEL_EINVAL;
	}
	ret = ex_parse_iterations(argc > 1 ? argv[1] : NULL, &iterations);
	if (ret)
		return ret;
	ret = ex_session_init(&sess, 0);
	if (ret)
		return ret;

	for (unsigned long i = 0; i < iterations && !ret; i++) {
		ret = vaccel_noop(&sess);
		if (ret)
			fprintf(stderr, "Could not run op: %d\n", ret);
	}

	ex_session_release(&sess);
	return ret;
}
