// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_EXEC and VACCEL_OP_EXEC_WITH_RESOURCE. */

#include "ops.h"
#include "vaccel/ops/exec.h"

typedef int (*exec_fn)(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		       struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		       size_t nr_write);
typedef int (*exec_res_fn)(struct vaccel_session *sess, struct vaccel_resource *resource,
			   const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
			   struct vaccel_arg *write, size_t nr_write);

enum { EXEC_PROF, EXEC_RES_PROF, EXEC_NR_PROF };

static struct vaccel_prof_region exec_prof[EXEC_NR_PROF] = {
    [EXEC_PROF] = VACCEL_PROF_REGION_INIT("vaccel_exec_op"),
    [EXEC_RES_PROF] = VACCEL_PROF_REGION_INIT("vaccel_exec_with_resource_op"),
};

int vaccel_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_EXEC);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_EXEC, &func);
	if (ret)
		goto out;

	ret = ((exec_fn)func)(sess, library, fn_symbol, read, nr_read, write, nr_write);
out:
	ops_prof_end(&exec_prof[EXEC_PROF], t0);
	return ret;
}

int vaccel_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
			      const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
			      struct vaccel_arg *write, size_t nr_write)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess || !resource)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_EXEC_WITH_RESOURCE);

	ret = ops_check_resource(sess, resource, VACCEL_RESOURCE_LIB);
	if (ret)
		return ret;

	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_EXEC_WITH_RESOURCE, &func);
	if (ret)
		goto out;

	ret = ((exec_res_fn)func)(sess, resource, fn_symbol, read, nr_read, write, nr_write);
out:
	ops_prof_end(&exec_prof[EXEC_RES_PROF], t0);
	return ret;
}

__attribute__((destructor)) static void exec_prof_fini(void)
{
	ops_prof_regions_flush(exec_prof, EXEC_NR_PROF);
}
