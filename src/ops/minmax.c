// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_MINMAX (deprecated demo kernel). Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/minmax.h"

typedef int (*minmax_fn)(struct vaccel_session *sess, const double *indata, int ndata,
			 int low_threshold, int high_threshold, double *outdata, double *min,
			 double *max);

int vaccel_minmax(struct vaccel_session *sess, const double *indata, int ndata, int low_threshold,
		  int high_threshold, double *outdata, double *min, double *max)
{
	struct ops_call call;
	int ret;

	ret = ops_enter(&call, sess, VACCEL_OP_MINMAX, NULL);
	if (ret)
		return ret;

	return ops_exit(&call, ((minmax_fn)call.func)(sess, indata, ndata, low_threshold,
						      high_threshold, outdata, min, max));
}
