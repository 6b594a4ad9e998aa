// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_MINMAX (deprecated demo kernel). Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/minmax.h"

int vaccel_minmax(struct vaccel_session *sess, const double *indata, int ndata, int low_threshold,
		  int high_threshold, double *outdata, double *min, double *max)
{
	OPS_RETURN_CALL(sess, VACCEL_OP_MINMAX, NULL, vaccel_minmax, sess, indata, ndata,
			low_threshold, high_threshold, outdata, min, max);
}
