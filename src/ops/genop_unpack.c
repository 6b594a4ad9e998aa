// SPDX-License-Identifier: Apache-2.0
/*
 * The typed call of each genop-capable op: c->v holds one checked value per
 * descriptor of the op's row (lib/optable/optab_rows.c), read descriptors
 * first, in the row's order; a call passes them on, nothing more. Empty
 * arrays reach the plugin as NULL with length 0.
 */

#include "genop_unpack.h"
#include "modelop.h"
#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/ops/blas.h"
#include "vaccel/ops/exec.h"
#include "vaccel/ops/fpga.h"
#include "vaccel/ops/image.h"
#include "vaccel/ops/minmax.h"
#include "vaccel/ops/noop.h"
#include "vaccel/ops/opencv.h"
#include "vaccel/resource.h"
#include "vaccel_common.h"
#include <inttypes.h>

/* Pass-through args after the row's `fixed` ones, or NULL when there are none. */
static struct vaccel_arg *rest(struct vaccel_arg *args, size_t nr, size_t fixed)
{
	return nr > fixed ? &args[fixed] : NULL;
}

static int noop_call(const struct ops_genop_call *c)
{
	return vaccel_noop(c->sess);
}

static int exec_call(const struct ops_genop_call *c)
{
	return vaccel_exec(c->sess, c->v[0].buf, c->v[1].buf, rest(c->read, c->nr_read, 2),
			   c->nr_read - 2, rest(c->write, c->nr_write, 0), c->nr_write);
}

/*
 * The id is looked up among this process's resources; the typed wrapper then
 * insists on a LIB registered to the session.
 */
static int exec_res_call(const struct ops_genop_call *c)
{
	struct vaccel_resource *res;
	int ret = vaccel_resource_get_by_id(&res, c->v[0].i);

	if (ret) {
		vaccel_error("genop: exec_with_resource: no resource with id %" PRId64, c->v[0].i);
		return ret;
	}
	return vaccel_exec_with_resource(c->sess, res, c->v[1].buf, rest(c->read, c->nr_read, 2),
					 c->nr_read - 2, rest(c->write, c->nr_write, 0),
					 c->nr_write);
}

/* Classify writes the name first, then the text (upstream's order, the reverse of the C API). */
static int classify_call(const struct ops_genop_call *c)
{
	return vaccel_image_classification(c->sess, c->v[0].buf, c->v[2].buf, c->v[1].buf,
					   c->v[0].count, c->v[2].count, c->v[1].count);
}

/* The image ops that only return a name. */
static int image_call(const struct ops_genop_call *c)
{
	typedef int (*image_fn)(struct vaccel_session *, const void *, unsigned char *, size_t,
				size_t);
	static const image_fn fns[VACCEL_OP_MAX] = {
	    [VACCEL_OP_IMAGE_DETECT] = vaccel_image_detection,
	    [VACCEL_OP_IMAGE_SEGMENT] = vaccel_image_segmentation,
	    [VACCEL_OP_IMAGE_POSE] = vaccel_image_pose,
	    [VACCEL_OP_IMAGE_DEPTH] = vaccel_image_depth,
	};

	return fns[c->op](c->sess, c->v[0].buf, c->v[1].buf, c->v[0].count, c->v[1].count);
}

static int sgemm_call(const struct ops_genop_call *c)
{
	const struct optab_val *v = c->v;

	return vaccel_sgemm(c->sess, v[0].i, v[1].i, v[2].i, (float)v[3].f, v[4].buf, v[5].i,
			    v[6].buf, v[7].i, (float)v[8].f, v[10].buf, v[9].i);
}

static int arraycopy_call(const struct ops_genop_call *c)
{
	return vaccel_fpga_arraycopy(c->sess, c->v[0].buf, c->v[1].buf, c->v[0].count);
}

static int mmult_call(const struct ops_genop_call *c)
{
	return vaccel_fpga_mmult(c->sess, c->v[0].buf, c->v[1].buf, c->v[2].buf, c->v[0].count);
}

static int parallel_call(const struct ops_genop_call *c)
{
	return vaccel_fpga_parallel(c->sess, c->v[0].buf, c->v[1].buf, c->v[2].buf, c->v[3].buf,
				    c->v[0].count);
}

static int vadd_call(const struct ops_genop_call *c)
{
	return vaccel_fpga_vadd(c->sess, c->v[0].buf, c->v[1].buf, c->v[2].buf, c->v[0].count,
				c->v[1].count);
}

static int minmax_call(const struct ops_genop_call *c)
{
	const struct optab_val *v = c->v;

	return vaccel_minmax(c->sess, v[0].buf, (int)v[1].i, (int)v[2].i, (int)v[3].i, v[4].buf,
			     v[5].buf, v[6].buf);
}

/* The runtime's own model API, for lib/modelop. */
static const struct modelop_fns model_fns = {
    .tf_model_load = vaccel_tf_model_load,
    .tf_model_unload = vaccel_tf_model_unload,
    .tf_model_run = vaccel_tf_model_run,
    .tflite_model_load = vaccel_tflite_model_load,
    .tflite_model_unload = vaccel_tflite_model_unload,
    .tflite_model_run = vaccel_tflite_model_run,
    .torch_model_load = vaccel_torch_model_load,
    .torch_model_run = vaccel_torch_model_run,
    .torch_sgemm = vaccel_torch_sgemm,
    .tf_tensor_delete = vaccel_tf_tensor_delete,
    .tflite_tensor_delete = vaccel_tflite_tensor_delete,
    .torch_tensor_delete = vaccel_torch_tensor_delete,
    .tf_status_release = vaccel_tf_status_release,
};

/*
 * TF, TFLite, Torch: lib/modelop builds the typed call and writes the results
 * back (each write arg's size becomes what was produced in it). The model id
 * is looked up among this process's resources, as exec_with_resource's.
 */
static int model_call(const struct ops_genop_call *c)
{
	struct vaccel_resource *model = NULL;

	if (c->row->nr_read && (c->row->rd[0].flags & OPTAB_F_RESOURCE)) {
		int ret = vaccel_resource_get_by_id(&model, c->v[0].i);

		if (ret) {
			vaccel_error("genop: %s: no resource with id %" PRId64,
				     vaccel_op_type_to_str(c->op), c->v[0].i);
			return ret;
		}
	}
	return modelop_call(&model_fns, &(struct modelop_req){.row = c->row,
							      .v = c->v,
							      .sess = c->sess,
							      .model = model,
							      .read = c->read,
							      .nr_read = c->nr_read,
							      .write = c->write,
							      .nr_write = c->nr_write});
}

/* The function selector travels with the plugin's own args. */
static int opencv_call(const struct ops_genop_call *c)
{
	return vaccel_opencv(c->sess, c->read, (int)c->nr_read, rest(c->write, c->nr_write, 0),
			     (int)c->nr_write);
}

static const ops_genop_call_fn calls[VACCEL_OP_MAX] = {
    [VACCEL_OP_NOOP] = noop_call,
    [VACCEL_OP_EXEC] = exec_call,
    [VACCEL_OP_EXEC_WITH_RESOURCE] = exec_res_call,
    [VACCEL_OP_IMAGE_CLASSIFY] = classify_call,
    [VACCEL_OP_IMAGE_DETECT] = image_call,
    [VACCEL_OP_IMAGE_SEGMENT] = image_call,
    [VACCEL_OP_IMAGE_POSE] = image_call,
    [VACCEL_OP_IMAGE_DEPTH] = image_call,
    [VACCEL_OP_TF_MODEL_LOAD] = model_call,
    [VACCEL_OP_TF_MODEL_UNLOAD] = model_call,
    [VACCEL_OP_TF_MODEL_RUN] = model_call,
    [VACCEL_OP_TFLITE_MODEL_LOAD] = model_call,
    [VACCEL_OP_TFLITE_MODEL_UNLOAD] = model_call,
    [VACCEL_OP_TFLITE_MODEL_RUN] = model_call,
    [VACCEL_OP_TORCH_MODEL_LOAD] = model_call,
    [VACCEL_OP_TORCH_MODEL_RUN] = model_call,
    [VACCEL_OP_TORCH_SGEMM] = model_call,
    [VACCEL_OP_BLAS_SGEMM] = sgemm_call,
    [VACCEL_OP_FPGA_ARRAYCOPY] = arraycopy_call,
    [VACCEL_OP_FPGA_MMULT] = mmult_call,
    [VACCEL_OP_FPGA_PARALLEL] = parallel_call,
    [VACCEL_OP_FPGA_VECTORADD] = vadd_call,
    [VACCEL_OP_MINMAX] = minmax_call,
    [VACCEL_OP_OPENCV] = opencv_call,
};

ops_genop_call_fn ops_genop_caller(vaccel_op_type_t op)
{
	return (unsigned int)op < ARRAY_SIZE(calls) ? calls[op] : NULL;
}
