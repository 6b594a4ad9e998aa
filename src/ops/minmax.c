// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_MINMAX (deprecated demo kernel). */

#include "ops.h"
#include "vaccel/ops/minmax.h"

typedef int (*minmax_fn)(struct vaccel_session *sess, const double *indata, int ndata,
			 int low_threshold, int high_threshold, double *outdata, double *min,
			 double *max);

static struct vaccel_prof_region minmax_prof[] = {
    VACCEL_PROF_REGION_INIT("vaccel_minmax_op"),
};

int vaccel_minmax(struct vaccel_session *sess, const double *indata, int ndata, int low_threshold,
		  int high_threshold, double *outdata, double *min, double *max)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_MINMAX);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_MINMAX, &func);
	if (ret)
		goto out;

	ret = ((minmax_fn)func)(sess, indata, ndata, low_threshold, high_threshold, outdata, min,
				max);
out:
	ops_prof_end(&minmax_prof[0], t0);
	return ret;
}

__attribute__((destructor)) static void minmax_prof_fini(void)
{
	ops_prof_regions_flush(minmax_prof, 1);
}
