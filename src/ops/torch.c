// SPDX-License-Identifier: Apache-2.0
/* The Torch ops: model load, model run and the deprecated sgemm. */

#include "ops.h"
#include "vaccel/ops/torch.h"

typedef int (*torch_load_fn)(struct vaccel_session *sess, struct vaccel_resource *model);
typedef int (*torch_run_fn)(struct vaccel_session *sess, struct vaccel_resource *model,
			    const struct vaccel_torch_buffer *run_options,
			    struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			    struct vaccel_torch_tensor **outputs, int nr_outputs);
typedef int (*torch_sgemm_fn)(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
			      struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C,
			      int M, int N, int K, struct vaccel_torch_tensor **out);

enum { TORCH_LOAD_PROF, TORCH_RUN_PROF, TORCH_SGEMM_PROF, TORCH_NR_PROF };

static struct vaccel_prof_region torch_prof[TORCH_NR_PROF] = {
    [TORCH_LOAD_PROF] = VACCEL_PROF_REGION_INIT("vaccel_torch_model_load_op"),
    [TORCH_RUN_PROF] = VACCEL_PROF_REGION_INIT("vaccel_torch_model_run_op"),
    [TORCH_SGEMM_PROF] = VACCEL_PROF_REGION_INIT("vaccel_sgemm_op"),
};

int vaccel_torch_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	struct vaccel_prof_region *prof = &torch_prof[TORCH_LOAD_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess || !model)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_TORCH_MODEL_LOAD);

	ret = ops_check_resource(sess, model, VACCEL_RESOURCE_MODEL);
	if (ret)
		return ret;

	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_TORCH_MODEL_LOAD, &func);
	if (ret)
		goto out;

	ret = ((torch_load_fn)func)(sess, model);
out:
	ops_prof_end(prof, t0);
	return ret;
}

int vaccel_torch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			   const struct vaccel_torch_buffer *run_options,
			   struct vaccel_torch_tensor *const *inputs, int nr_inputs,
			   struct vaccel_torch_tensor **outputs, int nr_outputs)
{
	struct vaccel_prof_region *prof = &torch_prof[TORCH_RUN_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess || !model)
		return VACCEL_EINVAL;

	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_TORCH_MODEL_RUN);

	ret = ops_check_resource(sess, model, VACCEL_RESOURCE_MODEL);
	if (ret)
		return ret;

	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_TORCH_MODEL_RUN, &func);
	if (ret)
		goto out;

	ret =
	    ((torch_run_fn)func)(sess, model, run_options, inputs, nr_inputs, outputs, nr_outputs);
out:
	ops_prof_end(prof, t0);
	return ret;
}

int vaccel_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
		       struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C, int M,
		       int N, int K, struct vaccel_torch_tensor **out)
{
	struct vaccel_prof_region *prof = &torch_prof[TORCH_SGEMM_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_TORCH_SGEMM);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_TORCH_SGEMM, &func);
	if (ret)
		goto out;

	ret = ((torch_sgemm_fn)func)(sess, in_A, in_B, in_C, M, N, K, out);
out:
	ops_prof_end(prof, t0);
	return ret;
}

__attribute__((destructor)) static void torch_prof_fini(void)
{
	ops_prof_regions_flush(torch_prof, TORCH_NR_PROF);
}
