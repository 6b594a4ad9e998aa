// SPDX-License-Identifier: Apache-2.0
/* The TensorFlow model ops: load, unload, run. */

#include "ops.h"
#include "vaccel/ops/tf.h"

typedef int (*tf_model_fn)(struct vaccel_session *sess, struct vaccel_resource *model,
			   struct vaccel_tf_status *status);
typedef int (*tf_run_fn)(struct vaccel_session *sess, struct vaccel_resource *model,
			 const struct vaccel_tf_buffer *run_options,
			 const struct vaccel_tf_node *in_nodes,
			 struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
			 const struct vaccel_tf_node *out_nodes,
			 struct vaccel_tf_tensor **out_tensors, int nr_outputs,
			 struct vaccel_tf_status *status);

enum { TF_LOAD_PROF, TF_UNLOAD_PROF, TF_RUN_PROF, TF_NR_PROF };

static struct vaccel_prof_region tf_prof[TF_NR_PROF] = {
    [TF_LOAD_PROF] = VACCEL_PROF_REGION_INIT("vaccel_tf_model_load"),
    [TF_UNLOAD_PROF] = VACCEL_PROF_REGION_INIT("vaccel_tf_model_unload"),
    [TF_RUN_PROF] = VACCEL_PROF_REGION_INIT("vaccel_tf_model_run"),
};

/* load and unload share their signature and checks. */
static int tf_model_op(vaccel_op_type_t type, struct vaccel_prof_region *prof,
		       struct vaccel_session *sess, struct vaccel_resource *model,
		       struct vaccel_tf_status *status)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess || !model)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, type);

	ret = ops_check_resource(sess, model, VACCEL_RESOURCE_MODEL);
	if (ret)
		return ret;

	t0 = ops_prof_begin();

	ret = ops_get_func(sess, type, &func);
	if (ret)
		goto out;

	ret = ((tf_model_fn)func)(sess, model, status);
out:
	ops_prof_end(prof, t0);
	return ret;
}

int vaccel_tf_model_load(struct vaccel_session *sess, struct vaccel_resource *model,
			 struct vaccel_tf_status *status)
{
	return tf_model_op(VACCEL_OP_TF_MODEL_LOAD, &tf_prof[TF_LOAD_PROF], sess, model, status);
}

int vaccel_tf_model_unload(struct vaccel_session *sess, struct vaccel_resource *model,
			   struct vaccel_tf_status *status)
{
	return tf_model_op(VACCEL_OP_TF_MODEL_UNLOAD, &tf_prof[TF_UNLOAD_PROF], sess, model,
			   status);
}

int vaccel_tf_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			const struct vaccel_tf_buffer *run_options,
			const struct vaccel_tf_node *in_nodes,
			struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
			const struct vaccel_tf_node *out_nodes,
			struct vaccel_tf_tensor **out_tensors, int nr_outputs,
			struct vaccel_tf_status *status)
{
	struct vaccel_prof_region *prof = &tf_prof[TF_RUN_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess || !model)
		return VACCEL_EINVAL;

	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_TF_MODEL_RUN);

	ret = ops_check_resource(sess, model, VACCEL_RESOURCE_MODEL);
	if (ret)
		return ret;

	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_TF_MODEL_RUN, &func);
	if (ret)
		goto out;

	ret = ((tf_run_fn)func)(sess, model, run_options, in_nodes, in_tensors, nr_inputs,
				out_nodes, out_tensors, nr_outputs, status);
out:
	ops_prof_end(prof, t0);
	return ret;
}

__attribute__((destructor)) static void tf_prof_fini(void)
{
	ops_prof_regions_flush(tf_prof, TF_NR_PROF);
}
