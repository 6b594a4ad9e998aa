// SPDX-License-Identifier: Apache-2.0
/*
 * ops_enter()/ops_exit() for the typed wrappers (contract in ops.h), the per-op facts
 * they use, and the op profiling regions.
 */

#include "ops.h"
#include "rt.h"
#include "vaccel/plugin.h"
#include "vaccel_common.h"
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

/* The op profiling regions, with upstream's names; the five image ops share one. */
enum ops_region {
	R_NOOP,
	R_EXEC,
	R_EXEC_RES,
	R_IMAGE,
	R_TF_LOAD,
	R_TF_UNLOAD,
	R_TF_RUN,
	R_TFLITE_LOAD,
	R_TFLITE_UNLOAD,
	R_TFLITE_RUN,
	R_TORCH_LOAD,
	R_TORCH_RUN,
	R_TORCH_SGEMM,
	R_BLAS,
	R_FPGA_ARRAYCOPY,
	R_FPGA_MMULT,
	R_FPGA_PARALLEL,
	R_FPGA_VADD,
	R_MINMAX,
	R_OPENCV,
	R_NR
};

static struct vaccel_prof_region ops_regions[R_NR] = {
    [R_NOOP] = VACCEL_PROF_REGION_INIT("vaccel_noop_op"),
    [R_EXEC] = VACCEL_PROF_REGION_INIT("vaccel_exec_op"),
    [R_EXEC_RES] = VACCEL_PROF_REGION_INIT("vaccel_exec_with_resource_op"),
    [R_IMAGE] = VACCEL_PROF_REGION_INIT("vaccel_image_op"),
    [R_TF_LOAD] = VACCEL_PROF_REGION_INIT("vaccel_tf_model_load"),
    [R_TF_UNLOAD] = VACCEL_PROF_REGION_INIT("vaccel_tf_model_unload"),
    [R_TF_RUN] = VACCEL_PROF_REGION_INIT("vaccel_tf_model_run"),
    [R_TFLITE_LOAD] = VACCEL_PROF_REGION_INIT("vaccel_tflite_model_load"),
    [R_TFLITE_UNLOAD] = VACCEL_PROF_REGION_INIT("vaccel_tflite_model_unload"),
    [R_TFLITE_RUN] = VACCEL_PROF_REGION_INIT("vaccel_tflite_model_run"),
    [R_TORCH_LOAD] = VACCEL_PROF_REGION_INIT("vaccel_torch_model_load_op"),
    [R_TORCH_RUN] = VACCEL_PROF_REGION_INIT("vaccel_torch_model_run_op"),
    [R_TORCH_SGEMM] = VACCEL_PROF_REGION_INIT("vaccel_sgemm_op"),
    [R_BLAS] = VACCEL_PROF_REGION_INIT("vaccel_blas_op"),
    [R_FPGA_ARRAYCOPY] = VACCEL_PROF_REGION_INIT("vaccel_fpga_arraycopy_op"),
    [R_FPGA_MMULT] = VACCEL_PROF_REGION_INIT("vaccel_fpga_mmult_op"),
    [R_FPGA_PARALLEL] = VACCEL_PROF_REGION_INIT("vaccel_fpga_parallel_op"),
    [R_FPGA_VADD] = VACCEL_PROF_REGION_INIT("vaccel_fpga_vadd_op"),
    [R_MINMAX] = VACCEL_PROF_REGION_INIT("vaccel_minmax_op"),
    [R_OPENCV] = VACCEL_PROF_REGION_INIT("vaccel_opencv_op"),
};

#define OP(region)                                                                                 \
	{                                                                                          \
		(region), false, VACCEL_RESOURCE_MAX                                               \
	}
#define OP_WITH(region, res_type)                                                                  \
	{                                                                                          \
		(region), true, (res_type)                                                         \
	}

const struct ops_fact ops_facts[VACCEL_OP_MAX] = {
    [VACCEL_OP_NOOP] = OP(R_NOOP),
    [VACCEL_OP_EXEC] = OP(R_EXEC),
    [VACCEL_OP_EXEC_WITH_RESOURCE] = OP_WITH(R_EXEC_RES, VACCEL_RESOURCE_LIB),
    [VACCEL_OP_IMAGE_CLASSIFY] = OP(R_IMAGE),
    [VACCEL_OP_IMAGE_DETECT] = OP(R_IMAGE),
    [VACCEL_OP_IMAGE_SEGMENT] = OP(R_IMAGE),
    [VACCEL_OP_IMAGE_POSE] = OP(R_IMAGE),
    [VACCEL_OP_IMAGE_DEPTH] = OP(R_IMAGE),
    [VACCEL_OP_TF_MODEL_LOAD] = OP_WITH(R_TF_LOAD, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TF_MODEL_UNLOAD] = OP_WITH(R_TF_UNLOAD, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TF_MODEL_RUN] = OP_WITH(R_TF_RUN, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TFLITE_MODEL_LOAD] = OP_WITH(R_TFLITE_LOAD, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TFLITE_MODEL_UNLOAD] = OP_WITH(R_TFLITE_UNLOAD, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TFLITE_MODEL_RUN] = OP_WITH(R_TFLITE_RUN, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TORCH_MODEL_LOAD] = OP_WITH(R_TORCH_LOAD, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TORCH_MODEL_RUN] = OP_WITH(R_TORCH_RUN, VACCEL_RESOURCE_MODEL),
    [VACCEL_OP_TORCH_SGEMM] = OP(R_TORCH_SGEMM),
    [VACCEL_OP_BLAS_SGEMM] = OP(R_BLAS),
    [VACCEL_OP_FPGA_ARRAYCOPY] = OP(R_FPGA_ARRAYCOPY),
    [VACCEL_OP_FPGA_MMULT] = OP(R_FPGA_MMULT),
    [VACCEL_OP_FPGA_PARALLEL] = OP(R_FPGA_PARALLEL),
    [VACCEL_OP_FPGA_VECTORADD] = OP(R_FPGA_VADD),
    [VACCEL_OP_MINMAX] = OP(R_MINMAX),
    [VACCEL_OP_OPENCV] = OP(R_OPENCV),
};

/* Serializes appends to (and the final dump of) every op profiling region. */
static pthread_mutex_t ops_prof_lock = PTHREAD_MUTEX_INITIALIZER;

/* Same clock as the prof API (CLOCK_MONOTONIC_RAW, ns); 0 when profiling is off. */
static uint64_t ops_prof_now(void)
{
	/* rt_config(), not vaccel_prof_enabled(): no call through the PLT on every op. */
	return rt_config()->profiling_enabled ? vaccel_clock_ns(CLOCK_MONOTONIC_RAW) : 0;
}

void ops_prof_sample(struct vaccel_prof_region *region, uint64_t t0)
{
	struct vaccel_prof_sample *s;
	uint64_t end = ops_prof_now();

	/* Profiling was switched off since the call began. */
	if (!end)
		return;

	pthread_mutex_lock(&ops_prof_lock);
	/* start() appends a sample; overwrite it with this call's own times. */
	if (vaccel_prof_region_start(region) == VACCEL_OK && region->nr_entries) {
		s = &region->samples[region->nr_entries - 1];
		s->start = t0;
		s->time = end - t0;
	}
	pthread_mutex_unlock(&ops_prof_lock);
}

const struct vaccel_prof_region *ops_prof_region(vaccel_op_type_t op)
{
	return (unsigned int)op < VACCEL_OP_MAX ? &ops_regions[ops_facts[op].region] : NULL;
}

/* Step 3 of ops_enter(): the resource is of the right type and registered to sess. */
static int check_resource(const struct vaccel_session *sess, const struct vaccel_resource *res,
			  vaccel_resource_type_t type)
{
	if (res->type != type) {
		vaccel_error("Invalid resource type: expected %s",
			     vaccel_resource_type_to_str(type));
		return VACCEL_EINVAL;
	}

	if (!vaccel_session_has_resource(sess, res)) {
		vaccel_error("Resource %" PRId64 " is not registered to session %" PRId64, res->id,
			     sess->id);
		return VACCEL_EPERM;
	}

	return VACCEL_OK;
}

/* Step 2 of ops_enter(), when debug lines are written. */
__attribute__((noinline)) static void log_lookup(const struct vaccel_session *sess,
						 vaccel_op_type_t op)
{
	char name[VACCEL_ENUM_STR_MAX];

	vaccel_debug("session:%" PRId64 " Looking for func implementing op %s", sess->id,
		     vaccel_op_type_to_lower(op, name, sizeof(name)));
}

/*
 * Step 5 of ops_enter() when it logs: the session's plugin's function for op, or why
 * there is none. Kept apart so that the call that succeeds quietly needs no name buffer.
 */
__attribute__((noinline)) static int find_func_logged(const struct vaccel_session *sess,
						      vaccel_op_type_t op, void **func)
{
	const struct vaccel_plugin *plugin = sess->plugin;
	char name[VACCEL_ENUM_STR_MAX];
	const char *plugin_name;

	vaccel_op_type_to_lower(op, name, sizeof(name));
	if (!plugin) {
		vaccel_error("session:%" PRId64 " Session has no plugin; cannot run %s", sess->id,
			     name);
		return VACCEL_EINVAL;
	}

	plugin_name = (plugin->info && plugin->info->name) ? plugin->info->name : "(unnamed)";
	if (!plugin->ops[op] || !plugin->ops[op]->func) {
		vaccel_error("Could not return func, plugin %s does not implement %s", plugin_name,
			     name);
		return VACCEL_ENOTSUP;
	}

	vaccel_debug("Returning func for op %s from plugin %s", name, plugin_name);
	*func = plugin->ops[op]->func;
	return VACCEL_OK;
}

int ops_enter(struct ops_call *call, const struct vaccel_session *sess, vaccel_op_type_t op,
	      const struct vaccel_resource *res)
{
	const struct ops_fact *fact = &ops_facts[op];
	const struct vaccel_plugin *plugin;
	bool debug;
	int ret;

	if (!sess || (fact->takes_resource && !res))
		return VACCEL_EINVAL;

	debug = rt_log_on(VACCEL_LOG_DEBUG);
	if (debug)
		log_lookup(sess, op);

	if (fact->takes_resource) {
		ret = check_resource(sess, res, fact->resource_type);
		if (ret)
			return ret;
	}

	call->prof = &ops_regions[fact->region];
	call->t0 = ops_prof_now();

	/* The quiet path: found, and nothing to log. */
	plugin = sess->plugin;
	if (!debug && plugin && plugin->ops[op] && plugin->ops[op]->func) {
		call->func = plugin->ops[op]->func;
		return VACCEL_OK;
	}

	ret = find_func_logged(sess, op, &call->func);
	if (ret)
		ops_exit(call, ret);
	return ret;
}

/* At exit: print the regions and free their samples. */
__attribute__((destructor)) static void ops_prof_fini(void)
{
	pthread_mutex_lock(&ops_prof_lock);
	vaccel_prof_regions_print_all(ops_regions, R_NR);
	/*
	 * Free the samples directly: the prof API's release is a no-op once
	 * profiling is off, and would also wipe the static names.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(ops_regions); i++) {
		free(ops_regions[i].samples);
		ops_regions[i].samples = NULL;
		ops_regions[i].nr_entries = 0;
		ops_regions[i].size = 0;
	}
	pthread_mutex_unlock(&ops_prof_lock);
}
