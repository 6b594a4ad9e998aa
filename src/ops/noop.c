// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_NOOP: the debug op. */

#include "ops.h"
#include "vaccel/ops/noop.h"

typedef int (*noop_fn)(struct vaccel_session *sess);

static struct vaccel_prof_region noop_prof[] = {
    VACCEL_PROF_REGION_INIT("vaccel_noop_op"),
};

int vaccel_noop(struct vaccel_session *sess)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_NOOP);

	/* Upstream leaves the region running on ENOTSUP; every path stops it here. */
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_NOOP, &func);
	if (ret)
		goto out;

	ret = ((noop_fn)func)(sess);
out:
	ops_prof_end(&noop_prof[0], t0);
	return ret;
}

__attribute__((destructor)) static void noop_prof_fini(void)
{
	ops_prof_regions_flush(noop_prof, 1);
}
