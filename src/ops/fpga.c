// SPDX-License-Identifier: Apache-2.0
/* The (deprecated) FPGA demo ops: arraycopy, mmult, parallel, vadd. */

#include "ops.h"
#include "vaccel/ops/fpga.h"

typedef int (*arraycopy_fn)(struct vaccel_session *sess, int a[], int out_a[], size_t len_a);
typedef int (*mmult_fn)(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a);
typedef int (*parallel_fn)(struct vaccel_session *sess, float a[], float b[], float add_output[],
			   float mult_output[], size_t len_a);
typedef int (*vadd_fn)(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		       size_t len_b);

enum { FPGA_ARRAYCOPY_PROF, FPGA_MMULT_PROF, FPGA_PARALLEL_PROF, FPGA_VADD_PROF, FPGA_NR_PROF };

static struct vaccel_prof_region fpga_prof[FPGA_NR_PROF] = {
    [FPGA_ARRAYCOPY_PROF] = VACCEL_PROF_REGION_INIT("vaccel_fpga_arraycopy_op"),
    [FPGA_MMULT_PROF] = VACCEL_PROF_REGION_INIT("vaccel_fpga_mmult_op"),
    [FPGA_PARALLEL_PROF] = VACCEL_PROF_REGION_INIT("vaccel_fpga_parallel_op"),
    [FPGA_VADD_PROF] = VACCEL_PROF_REGION_INIT("vaccel_fpga_vadd_op"),
};

int vaccel_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	struct vaccel_prof_region *prof = &fpga_prof[FPGA_ARRAYCOPY_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_FPGA_ARRAYCOPY);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_FPGA_ARRAYCOPY, &func);
	if (ret)
		goto out;

	ret = ((arraycopy_fn)func)(sess, a, out_a, len_a);
out:
	ops_prof_end(prof, t0);
	return ret;
}

int vaccel_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a)
{
	struct vaccel_prof_region *prof = &fpga_prof[FPGA_MMULT_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_FPGA_MMULT);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_FPGA_MMULT, &func);
	if (ret)
		goto out;

	ret = ((mmult_fn)func)(sess, a, b, c, len_a);
out:
	ops_prof_end(prof, t0);
	return ret;
}

int vaccel_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
			 float mult_output[], size_t len_a)
{
	struct vaccel_prof_region *prof = &fpga_prof[FPGA_PARALLEL_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_FPGA_PARALLEL);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_FPGA_PARALLEL, &func);
	if (ret)
		goto out;

	ret = ((parallel_fn)func)(sess, a, b, add_output, mult_output, len_a);
out:
	ops_prof_end(prof, t0);
	return ret;
}

int vaccel_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		     size_t len_b)
{
	struct vaccel_prof_region *prof = &fpga_prof[FPGA_VADD_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_FPGA_VECTORADD);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_FPGA_VECTORADD, &func);
	if (ret)
		goto out;

	ret = ((vadd_fn)func)(sess, a, b, c, len_a, len_b);
out:
	ops_prof_end(prof, t0);
	return ret;
}

__attribute__((destructor)) static void fpga_prof_fini(void)
{
	ops_prof_regions_flush(fpga_prof, FPGA_NR_PROF);
}
