// SPDX-License-Identifier: Apache-2.0
/* The TensorFlow Lite model ops: load, unload, run. */

#include "ops.h"
#include "vaccel/ops/tflite.h"

typedef int (*tflite_model_fn)(struct vaccel_session *sess, struct vaccel_resource *model);
typedef int (*tflite_run_fn)(struct vaccel_session *sess, struct vaccel_resource *model,
			     struct vaccel_tflite_tensor *const *inputs, int nr_inputs,
			     struct vaccel_tflite_tensor **outputs, int nr_outputs,
			     uint8_t *status);

enum { TFLITE_LOAD_PROF, TFLITE_UNLOAD_PROF, TFLITE_RUN_PROF, TFLITE_NR_PROF };

static struct vaccel_prof_region tflite_prof[TFLITE_NR_PROF] = {
    [TFLITE_LOAD_PROF] = VACCEL_PROF_REGION_INIT("vaccel_tflite_model_load"),
    [TFLITE_UNLOAD_PROF] = VACCEL_PROF_REGION_INIT("vaccel_tflite_model_unload"),
    [TFLITE_RUN_PROF] = VACCEL_PROF_REGION_INIT("vaccel_tflite_model_run"),
};

/* load and unload share their signature and checks. */
static int tflite_model_op(vaccel_op_type_t type, struct vaccel_prof_region *prof,
			   struct vaccel_session *sess, struct vaccel_resource *model)
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

	ret = ((tflite_model_fn)func)(sess, model);
out:
	ops_prof_end(prof, t0);
	return ret;
}

int vaccel_tflite_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return tflite_model_op(VACCEL_OP_TFLITE_MODEL_LOAD, &tflite_prof[TFLITE_LOAD_PROF], sess,
			       model);
}

int vaccel_tflite_model_unload(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return tflite_model_op(VACCEL_OP_TFLITE_MODEL_UNLOAD, &tflite_prof[TFLITE_UNLOAD_PROF],
			       sess, model);
}

int vaccel_tflite_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			    struct vaccel_tflite_tensor *const *inputs, int nr_inputs,
			    struct vaccel_tflite_tensor **outputs, int nr_outputs, uint8_t *status)
{
	struct vaccel_prof_region *prof = &tflite_prof[TFLITE_RUN_PROF];
	uint64_t t0;
	void *func;
	int ret;

	if (!sess || !model)
		return VACCEL_EINVAL;

	/* Negative counts would reach the plugin as huge loop bounds. */
	if (nr_inputs < 0 || nr_outputs < 0)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_TFLITE_MODEL_RUN);

	ret = ops_check_resource(sess, model, VACCEL_RESOURCE_MODEL);
	if (ret)
		return ret;

	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_TFLITE_MODEL_RUN, &func);
	if (ret)
		goto out;

	ret = ((tflite_run_fn)func)(sess, model, inputs, nr_inputs, outputs, nr_outputs, status);
out:
	ops_prof_end(prof, t0);
	return ret;
}

__attribute__((destructor)) static void tflite_prof_fini(void)
{
	ops_prof_regions_flush(tflite_prof, TFLITE_NR_PROF);
}
