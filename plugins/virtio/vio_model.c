/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_model: the model ops (TF, TFLite, Torch) packed as GENOPs, as their
 * rows in the op table lay them out (docs/virtio-accel.md §6.2): the model is
 * the resource id the device gave us; each input tensor travels as three
 * args {dims, data type, data}; each result comes back in three write args
 * sized here, and becomes a tensor the caller owns (free it with the
 * family's vaccel_*_tensor_delete(), as with any plugin's results).
 *
 * Result capacity. The API gives no size for a result (upstream's plugins
 * allocate them), and what a caller leaves in its out[] array is not read:
 * upstream's own examples pass stale pointers there. So each result slot
 * offers OPTAB_TENSOR_MAX_DIMS dims and the larger of VACCEL_VIRTIO_RESULT_BYTES
 * (default 1 MiB) and the largest input tensor's data (a result the size of
 * an input, as an echo or an image-to-image model gives, always fits). A
 * result that does not fit fails the call with VACCEL_ERANGE, and the error
 * line says how many bytes it needs; set VACCEL_VIRTIO_RESULT_BYTES to at
 * least that.
 *
 * What comes back is checked before it becomes a tensor (lib/tensor's
 * rules, exact data size); a device that breaks them fails the call with
 * VACCEL_EIO.
 */
#include "vio_plugin.h"

#include "optab.h"
#include "tensor.h"
#include "vaccel_common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define VIO_RESULT_ENV "VACCEL_VIRTIO_RESULT_BYTES"
#define VIO_RESULT_BYTES_DEFAULT (1ull << 20)
/* Room for a TF status message (longer ones arrive cut, NUL-terminated). */
#define VIO_STATUS_MSG_BYTES 256

/* The data capacity of a result slot, without inputs: VACCEL_VIRTIO_RESULT_BYTES or 1 MiB.
 * Read on every call, so a program may change it between calls. */
static uint64_t result_bytes(void)
{
	const char *v = getenv(VIO_RESULT_ENV);
	unsigned long long n;
	char *end;

	if (!v || !*v)
		return VIO_RESULT_BYTES_DEFAULT;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || !n || v[0] == '-' || n > SIZE_MAX / 2) {
		vaccel_warn("[virtio] Ignoring %s=%s (a byte count >= 1 expected)", VIO_RESULT_ENV,
			    v);
		return VIO_RESULT_BYTES_DEFAULT;
	}
	return n;
}

/* One result's slots: dims and data sized here, the type as the device writes it. */
struct result {
	void *dims; /* OPTAB_TENSOR_MAX_DIMS dims of the family's width */
	int32_t type;
	void *data;   /* malloc'd; the tensor takes it */
	size_t cap;   /* of data */
	size_t wr_at; /* write-arg index of its dims slot */
};

/* One model op being built: its args' sources in wire order, and its results. */
struct mcall {
	vaccel_op_type_t op;
	const struct tensor_kind *kind;
	struct vio_src *src;
	size_t nr_src, cap_src, wr0; /* wr0: index of the first write arg's source */
	int32_t *types;		     /* the input tensors' data types */
	size_t nr_types;
	uint64_t reps[3];
	uint64_t largest_in;   /* bytes of the largest input tensor's data */
	uint64_t result_bytes; /* result_bytes() when the call began */
	struct result *res;
	size_t nr_res;
	uint64_t *out_len; /* per write arg */
	void *dims_block;
};

static int m_init(struct mcall *m, vaccel_op_type_t op, size_t nr_src, size_t nr_in, size_t nr_res)
{
	memset(m, 0, sizeof(*m));
	m->op = op;
	m->kind = optab_tensor_kind(optab_op(op));
	m->cap_src = nr_src;
	m->src = calloc(nr_src + 1, sizeof(*m->src));
	m->types = calloc(nr_in + 1, sizeof(*m->types));
	m->res = calloc(nr_res + 1, sizeof(*m->res));
	m->out_len = calloc(nr_src + 1, sizeof(*m->out_len));
	m->dims_block = calloc(nr_res + 1, OPTAB_TENSOR_MAX_DIMS * m->kind->dim_width);
	if (!m->src || !m->types || !m->res || !m->out_len || !m->dims_block)
		return VACCEL_ENOMEM;
	m->result_bytes = nr_res ? result_bytes() : 0;
	return VACCEL_OK;
}

static void m_free(struct mcall *m)
{
	for (size_t i = 0; m->res && i < m->nr_res; i++)
		free(m->res[i].data);
	free(m->src);
	free(m->types);
	free(m->res);
	free(m->out_len);
	free(m->dims_block);
}

static void push(struct mcall *m, struct vio_src s)
{
	if (m->nr_src < m->cap_src)
		m->src[m->nr_src] = s;
	m->nr_src++;
}

/* An input tensor: its dims, data type and data, as they are (the host judges them). */
static int push_tensor(struct mcall *m, const void *t)
{
	struct tensor_fields f;
	int32_t *type = &m->types[m->nr_types++];
	char op[VACCEL_ENUM_STR_MAX];

	if (!t) {
		vaccel_error("[virtio] %s: input tensor %zu is NULL",
			     vaccel_op_type_to_lower(m->op, op, sizeof(op)), m->nr_types - 1);
		return VACCEL_EINVAL;
	}
	tensor_get(m->kind, t, &f);
	if (f.nr_dims < 0)
		return VACCEL_EINVAL;
	*type = f.data_type;
	push(m,
	     (struct vio_src){.buf = f.dims, .n = (uint64_t)f.nr_dims, .elem = m->kind->dim_width});
	push(m, (struct vio_src)VAL(*type));
	push(m, (struct vio_src)BYTES(f.data, f.size));
	if (f.size > m->largest_in)
		m->largest_in = f.size;
	return VACCEL_OK;
}

/* The write args start here. */
static void start_writes(struct mcall *m)
{
	m->wr0 = m->nr_src;
}

/* A result's three slots (after every input is pushed: its capacity depends on them). */
static int push_result(struct mcall *m)
{
	struct result *r = &m->res[m->nr_res++];
	size_t dims_bytes = OPTAB_TENSOR_MAX_DIMS * m->kind->dim_width;

	r->cap = (size_t)(m->largest_in > m->result_bytes ? m->largest_in : m->result_bytes);
	r->data = malloc(r->cap);
	if (!r->data)
		return VACCEL_ENOMEM;
	r->dims = (char *)m->dims_block + (m->nr_res - 1) * dims_bytes;
	r->wr_at = m->nr_src - m->wr0;
	push(m, (struct vio_src){
		    .buf = r->dims, .n = OPTAB_TENSOR_MAX_DIMS, .elem = m->kind->dim_width});
	push(m, (struct vio_src)VAL(r->type));
	push(m, (struct vio_src)BYTES(r->data, r->cap));
	return VACCEL_OK;
}

/* Send it; grouped: the row repeats groups (m->reps says how often). */
static int m_send(struct vaccel_session *sess, struct mcall *m, bool grouped)
{
	if (m->nr_src > m->cap_src)
		return VACCEL_EINVAL; /* a bug in the counts below */
	return vio_op_call(sess, &(struct vio_op){.op = m->op,
						  .src = m->src,
						  .nr_src = m->nr_src,
						  .reps = grouped ? m->reps : NULL,
						  .out_len = m->out_len});
}

/* ------------------------------------------------------------- results */

static const char *op_name(const struct mcall *m, char *buf, size_t size)
{
	return vaccel_op_type_to_lower(m->op, buf, size);
}

/*
 * Result i as the device returned it: NULL (no dims), a new tensor the
 * caller owns, or an error for what breaks the protocol.
 */
static int take_result(struct mcall *m, size_t i, void **out)
{
	struct result *r = &m->res[i];
	const struct tensor_kind *k = m->kind;
	uint64_t dims_len = m->out_len[r->wr_at], type_len = m->out_len[r->wr_at + 1];
	uint64_t data_len = m->out_len[r->wr_at + 2], bytes;
	struct tensor_limits lim = {.max_dims = OPTAB_TENSOR_MAX_DIMS, .max_bytes = UINT64_MAX};
	struct tensor_fields f = {0};
	char op[VACCEL_ENUM_STR_MAX];
	const char *why;
	void *t;

	*out = NULL;
	if (!dims_len)
		return VACCEL_OK;
	why = dims_len % k->dim_width || type_len != sizeof(r->type) ? "slot lengths" : NULL;
	if (!why)
		why = tensor_check(k, (int64_t)(dims_len / k->dim_width), r->dims, r->type, &lim,
				   &bytes);
	if (!why && bytes != UINT64_MAX && bytes != data_len)
		why = "data size differs from what its shape needs";
	if (why) {
		vaccel_error("[virtio] %s: the device returned a malformed result %zu: %s",
			     op_name(m, op, sizeof(op)), i, why);
		return VACCEL_EIO;
	}
	t = calloc(1, k->size);
	f = (struct tensor_fields){.size = (size_t)data_len,
				   .owned = true,
				   .nr_dims = (int64_t)(dims_len / k->dim_width),
				   .dims = malloc((size_t)dims_len),
				   .data_type = r->type};
	if (!t || !f.dims) {
		free(t);
		free(f.dims);
		return VACCEL_ENOMEM;
	}
	memcpy(f.dims, r->dims, (size_t)dims_len);
	/* The tensor takes the buffer the device wrote (shrunk to what it holds). */
	if (data_len) {
		f.data = realloc(r->data, (size_t)data_len);
		if (!f.data)
			f.data = r->data;
	} else {
		free(r->data);
	}
	r->data = NULL;
	tensor_put(k, t, &f);
	*out = t;
	return VACCEL_OK;
}

/* A tensor this file built (the same layout the runtime's delete frees). */
static void drop_tensor(const struct mcall *m, void *t)
{
	struct tensor_fields f;

	if (!t)
		return;
	tensor_get(m->kind, t, &f);
	free(f.data);
	free(f.dims);
	free(t);
}

/* VACCEL_ERANGE: say what each result that did not fit would need. */
static void report_misfits(struct mcall *m)
{
	struct tensor_limits lim = {.max_dims = OPTAB_TENSOR_MAX_DIMS, .max_bytes = UINT64_MAX};
	char op[VACCEL_ENUM_STR_MAX];

	for (size_t i = 0; i < m->nr_res; i++) {
		const struct result *r = &m->res[i];
		uint64_t dims_len = m->out_len[r->wr_at], bytes = 0;

		if (m->out_len[r->wr_at + 2] || !dims_len || dims_len % m->kind->dim_width ||
		    tensor_check(m->kind, (int64_t)(dims_len / m->kind->dim_width), r->dims,
				 r->type, &lim, &bytes) ||
		    bytes == 0)
			continue;
		if (bytes == UINT64_MAX)
			vaccel_error(
			    "[virtio] %s: result %zu does not fit %zu bytes; set %s higher",
			    op_name(m, op, sizeof(op)), i, r->cap, VIO_RESULT_ENV);
		else
			vaccel_error("[virtio] %s: result %zu needs %" PRIu64
				     " bytes, room for %zu; set %s=%" PRIu64,
				     op_name(m, op, sizeof(op)), i, bytes, r->cap, VIO_RESULT_ENV,
				     bytes);
	}
}

/* The call's results into out[] (each NULL unless the call succeeded). */
static int take_results(struct mcall *m, int ret, void **out)
{
	for (size_t i = 0; i < m->nr_res; i++)
		out[i] = NULL;
	if (ret == VACCEL_ERANGE)
		report_misfits(m);
	if (ret)
		return ret;
	for (size_t i = 0; i < m->nr_res; i++) {
		ret = take_result(m, i, &out[i]);
		if (ret) {
			for (size_t j = 0; j < i; j++) {
				drop_tensor(m, out[j]);
				out[j] = NULL;
			}
			return ret;
		}
	}
	return VACCEL_OK;
}

/*
 * The ops: each takes exactly the parameters of its public wrapper
 * (include/vaccel/ops/), which these declarations make the compiler check;
 * the definitions name the parameters for what the transport does with them.
 */
static __typeof__(vaccel_tf_model_load) vio_tf_model_load;
static __typeof__(vaccel_tf_model_unload) vio_tf_model_unload;
static __typeof__(vaccel_tf_model_run) vio_tf_model_run;
static __typeof__(vaccel_tflite_model_load) vio_tflite_model_load;
static __typeof__(vaccel_tflite_model_unload) vio_tflite_model_unload;
static __typeof__(vaccel_tflite_model_run) vio_tflite_model_run;
static __typeof__(vaccel_torch_model_load) vio_torch_model_load;
static __typeof__(vaccel_torch_model_run) vio_torch_model_run;
static __typeof__(vaccel_torch_sgemm) vio_torch_sgemm;

/* ------------------------------------------------------------------ TF */

/* TF's status slots, and the caller's status they go to (NULL: none). */
struct tf_status {
	uint8_t code;
	char msg[VIO_STATUS_MSG_BYTES];
	struct vaccel_tf_status *caller;
};

static void push_tf_status(struct mcall *m, struct tf_status *st)
{
	push(m, (struct vio_src)VAL(st->code));
	push(m, (struct vio_src)BYTES(st->msg, sizeof(st->msg)));
}

/* The status the device wrote, for the caller (its old message is the caller's, as with
 * upstream's plugins). Slots 0 and 1 of the write args. */
static void take_tf_status(const struct mcall *m, const struct tf_status *st)
{
	size_t len = (size_t)m->out_len[1];

	if (!st->caller)
		return;
	st->caller->code = m->out_len[0] ? st->code : 0;
	st->caller->message = len ? strndup(st->msg, len) : NULL;
}

/* Loads and unloads: the model; TF's also bring back a status. */
static int model_only(struct vaccel_session *sess, vaccel_op_type_t op,
		      struct vaccel_resource *model, bool tf, struct vaccel_tf_status *status)
{
	struct tf_status st = {.caller = status};
	struct mcall m;
	int64_t rid;
	int ret = vio_remote_id(model, &rid);

	if (ret)
		return ret;
	ret = m_init(&m, op, 3, 0, 0);
	if (!ret) {
		push(&m, (struct vio_src)VAL(rid));
		start_writes(&m);
		if (tf)
			push_tf_status(&m, &st);
		ret = m_send(sess, &m, false);
		if (tf)
			take_tf_status(&m, &st);
	}
	m_free(&m);
	return ret;
}

static int vio_tf_model_load(struct vaccel_session *sess, struct vaccel_resource *model,
			     struct vaccel_tf_status *status)
{
	return model_only(sess, VACCEL_OP_TF_MODEL_LOAD, model, true, status);
}

static int vio_tf_model_unload(struct vaccel_session *sess, struct vaccel_resource *model,
			       struct vaccel_tf_status *status)
{
	return model_only(sess, VACCEL_OP_TF_MODEL_UNLOAD, model, true, status);
}

/* A TF node: without a node list, an empty name and id 0. */
static void push_node(struct mcall *m, const struct vaccel_tf_node *nodes, int i)
{
	static const int no_id;
	const int *id = nodes ? &nodes[i].id : &no_id;

	push(m, (struct vio_src)STR(nodes ? nodes[i].name : ""));
	push(m, (struct vio_src)VAL(*id));
}

/* What a model run carries beside its tensors, as its family's row lays it out. */
struct run {
	vaccel_op_type_t op;
	struct vaccel_resource *model;
	bool has_opts; /* TF, Torch: run options travel (maybe empty) */
	const void *opts;
	size_t opts_size;
	bool tf;					   /* nodes travel, and TF's status */
	const struct vaccel_tf_node *in_nodes, *out_nodes; /* TF: may be NULL */
	struct tf_status *tf_status;			   /* TF: its slots */
	uint8_t *status;				   /* TFLite: its slot */
};

/*
 * Read: model, [run_options,] nr_inputs, nr_outputs, the inputs (TF: each
 * after its node), [TF: the output nodes]; write: [status,] the results.
 * `in` is the caller's array of the family's tensor pointers; its `out`
 * array gets the results when the call succeeds, and is left alone otherwise.
 */
static int model_run(struct vaccel_session *sess, const struct run *q, const void *in, int nr_in,
		     void *out, int nr_out)
{
	size_t nin = (size_t)nr_in, nout = (size_t)nr_out;
	size_t per_in = q->tf ? 5 : 3, per_out = q->tf ? 5 : 3;
	int32_t counts[2] = {nr_in, nr_out};
	void **results = NULL;
	struct mcall m;
	int64_t rid;
	int ret;

	if (nr_in < 0 || nr_out < 0 || (nin && !in) || (nout && !out))
		return VACCEL_EINVAL;
	if (per_in * nin + per_out * nout + 6 > VIRTIO_ACCEL_MAX_ARGS_LIMIT)
		return VACCEL_ENOSPC;
	ret = vio_remote_id(q->model, &rid);
	if (ret)
		return ret;
	ret = m_init(&m, q->op, 6 + per_in * nin + per_out * nout, nin, nout);
	results = calloc(nout + 1, sizeof(*results));
	if (!ret && !results)
		ret = VACCEL_ENOMEM;
	if (ret)
		goto out;
	/* the input group, TF's output-node group, the result group */
	m.reps[0] = nin;
	m.reps[1] = nout;
	m.reps[2] = nout;
	push(&m, (struct vio_src)VAL(rid));
	if (q->has_opts)
		push(&m, (struct vio_src)BYTES(q->opts, q->opts_size));
	push(&m, (struct vio_src)VAL(counts[0]));
	push(&m, (struct vio_src)VAL(counts[1]));
	for (int i = 0; i < nr_in && !ret; i++) {
		if (q->tf)
			push_node(&m, q->in_nodes, i);
		ret = push_tensor(&m, tensor_ptr_get(m.kind, in, (size_t)i));
	}
	for (int i = 0; q->tf && i < nr_out; i++)
		push_node(&m, q->out_nodes, i);
	start_writes(&m);
	if (q->tf_status)
		push_tf_status(&m, q->tf_status);
	if (q->status)
		push(&m, (struct vio_src)VAL(*q->status));
	for (size_t i = 0; i < nout && !ret; i++)
		ret = push_result(&m);
	if (!ret) {
		ret = take_results(&m, m_send(sess, &m, true), results);
		if (q->tf_status)
			take_tf_status(&m, q->tf_status);
	}
	for (size_t i = 0; ret == VACCEL_OK && i < nout; i++)
		tensor_ptr_set(m.kind, out, i, results[i]);
out:
	free(results);
	m_free(&m);
	return ret;
}

static int vio_tf_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			    const struct vaccel_tf_buffer *opts,
			    const struct vaccel_tf_node *in_nodes,
			    struct vaccel_tf_tensor *const *in, int nr_in,
			    const struct vaccel_tf_node *out_nodes, struct vaccel_tf_tensor **out,
			    int nr_out, struct vaccel_tf_status *status)
{
	struct tf_status st = {.caller = status};

	return model_run(sess,
			 &(const struct run){.op = VACCEL_OP_TF_MODEL_RUN,
					     .model = model,
					     .has_opts = true,
					     .opts = opts ? opts->data : NULL,
					     .opts_size = opts ? opts->size : 0,
					     .tf = true,
					     .in_nodes = in_nodes,
					     .out_nodes = out_nodes,
					     .tf_status = &st},
			 in, nr_in, out, nr_out);
}

/* --------------------------------------------------------------- TFLite */

static int vio_tflite_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return model_only(sess, VACCEL_OP_TFLITE_MODEL_LOAD, model, false, NULL);
}

static int vio_tflite_model_unload(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return model_only(sess, VACCEL_OP_TFLITE_MODEL_UNLOAD, model, false, NULL);
}

static int vio_tflite_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
				struct vaccel_tflite_tensor *const *in, int nr_in,
				struct vaccel_tflite_tensor **out, int nr_out, uint8_t *status)
{
	uint8_t ignored = 0;

	return model_run(sess,
			 &(const struct run){.op = VACCEL_OP_TFLITE_MODEL_RUN,
					     .model = model,
					     .status = status ? status : &ignored},
			 in, nr_in, out, nr_out);
}

/* ---------------------------------------------------------------- Torch */

static int vio_torch_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	return model_only(sess, VACCEL_OP_TORCH_MODEL_LOAD, model, false, NULL);
}

static int vio_torch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
			       const struct vaccel_torch_buffer *opts,
			       struct vaccel_torch_tensor *const *in, int nr_in,
			       struct vaccel_torch_tensor **out, int nr_out)
{
	return model_run(sess,
			 &(const struct run){.op = VACCEL_OP_TORCH_MODEL_RUN,
					     .model = model,
					     .has_opts = true,
					     .opts = opts ? opts->data : NULL,
					     .opts_size = opts ? opts->size : 0},
			 in, nr_in, out, nr_out);
}

/* Each tensor argument points at one tensor; *out gets the result (NULL: none). */
static int vio_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
			   struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C,
			   int M, int N, int K, struct vaccel_torch_tensor **out)
{
	struct vaccel_torch_tensor *const abc[3] = {in_A ? *in_A : NULL, in_B ? *in_B : NULL,
						    in_C ? *in_C : NULL};
	void *result = NULL;
	struct mcall m;
	int ret;

	if (!out)
		return VACCEL_EINVAL;
	ret = m_init(&m, VACCEL_OP_TORCH_SGEMM, 15, 3, 1);
	if (!ret) {
		push(&m, (struct vio_src)VAL(M));
		push(&m, (struct vio_src)VAL(N));
		push(&m, (struct vio_src)VAL(K));
		for (size_t i = 0; i < 3 && !ret; i++)
			ret = push_tensor(&m, abc[i]);
		start_writes(&m);
		if (!ret)
			ret = push_result(&m);
		if (!ret)
			ret = take_results(&m, m_send(sess, &m, false), &result);
		if (!ret)
			*out = result;
	}
	m_free(&m);
	return ret;
}

struct vaccel_op vio_model_ops[] = {
    VACCEL_OP_INIT(vio_model_ops[0], VACCEL_OP_TF_MODEL_LOAD, vio_tf_model_load),
    VACCEL_OP_INIT(vio_model_ops[1], VACCEL_OP_TF_MODEL_UNLOAD, vio_tf_model_unload),
    VACCEL_OP_INIT(vio_model_ops[2], VACCEL_OP_TF_MODEL_RUN, vio_tf_model_run),
    VACCEL_OP_INIT(vio_model_ops[3], VACCEL_OP_TFLITE_MODEL_LOAD, vio_tflite_model_load),
    VACCEL_OP_INIT(vio_model_ops[4], VACCEL_OP_TFLITE_MODEL_UNLOAD, vio_tflite_model_unload),
    VACCEL_OP_INIT(vio_model_ops[5], VACCEL_OP_TFLITE_MODEL_RUN, vio_tflite_model_run),
    VACCEL_OP_INIT(vio_model_ops[6], VACCEL_OP_TORCH_MODEL_LOAD, vio_torch_model_load),
    VACCEL_OP_INIT(vio_model_ops[7], VACCEL_OP_TORCH_MODEL_RUN, vio_torch_model_run),
    VACCEL_OP_INIT(vio_model_ops[8], VACCEL_OP_TORCH_SGEMM, vio_torch_sgemm),
};

const size_t vio_nr_model_ops = ARRAY_SIZE(vio_model_ops);
