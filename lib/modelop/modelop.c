// SPDX-License-Identifier: Apache-2.0
/*
 * modelop: each model op's typed call from its checked args, and its results
 * into the guest's slots (contract and rules in modelop.h).
 *
 * The tensors of a request are found through the row: every TENSOR
 * descriptor is a tensor (read: an input, write: a result slot), its dims and
 * data type where its refs say, once per repetition when it is a group
 * member. The calls below know their row's order for the rest (counts, run
 * options, TF's nodes), as the runtime's other typed calls do.
 */
#include "modelop.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tensor.h"
#include "vaccel_common.h"

/* One tensor's three args. */
struct slot {
	struct vaccel_arg *dims, *type, *data;
};

/* Arg index of descriptor ref `ref` within a repetition starting at arg `base` whose first
 * member is descriptor `member0` (for a fixed descriptor: base = member0 = 0). */
static size_t arg_at(uint8_t ref, size_t base, size_t member0)
{
	return base + (size_t)(ref & 0x7fu) - member0;
}

/* count(ref) of a group, from the checked values (groups count by fixed scalars or arrays). */
static uint64_t group_reps(const struct modelop_req *r, uint8_t ref)
{
	bool wr = ref & 0x80u;
	size_t i = ref & 0x7fu;
	const struct optab_arg *d = wr ? &r->row->wr[i] : &r->row->rd[i];
	const struct optab_val *v = &r->v[wr ? r->row->nr_read + i : i];

	if (d->len != OPTAB_LEN_ONE)
		return v->count;
	return v->i < 0 ? 0 : (uint64_t)v->i;
}

/*
 * The tensors of one direction in wire order, into out[] (at most cap; NULL
 * to count). Returns how many there are.
 */
static size_t find_slots(const struct modelop_req *r, bool write, struct slot *out, size_t cap)
{
	const struct optab_arg *d = write ? r->row->wr : r->row->rd;
	size_t nd = write ? r->row->nr_write : r->row->nr_read, n = 0, base = 0, g;
	struct vaccel_arg *args = write ? r->write : r->read;

	for (g = 0; g < nd && d[g].len != OPTAB_LEN_GROUP; g++) {
		if (d[g].len != OPTAB_LEN_TENSOR)
			continue;
		if (n < cap)
			out[n] = (struct slot){&args[arg_at(d[g].ref[0], 0, 0)],
					       &args[arg_at(d[g].ref[1], 0, 0)], &args[g]};
		n++;
	}
	base = g;
	for (; g < nd; g += 1 + (size_t)d[g].min) {
		size_t members = (size_t)d[g].min;
		uint64_t reps = group_reps(r, d[g].ref[0]);

		for (uint64_t rep = 0; rep < reps; rep++, base += members) {
			for (size_t j = 0; j < members; j++) {
				const struct optab_arg *m = &d[g + 1 + j];

				if (m->len != OPTAB_LEN_TENSOR)
					continue;
				if (n < cap)
					out[n] = (struct slot){
					    &args[arg_at(m->ref[0], base, g + 1)],
					    &args[arg_at(m->ref[1], base, g + 1)], &args[base + j]};
				n++;
			}
		}
	}
	return n;
}

/* Arg index where the k-th group of the read direction starts, and its members. */
static size_t read_group(const struct modelop_req *r, unsigned k, size_t *members)
{
	const struct optab_arg *d = r->row->rd;
	size_t g = 0, base;

	while (g < r->row->nr_read && d[g].len != OPTAB_LEN_GROUP)
		g++;
	base = g;
	for (; k; k--) {
		base += (size_t)group_reps(r, d[g].ref[0]) * (size_t)d[g].min;
		g += 1 + (size_t)d[g].min;
	}
	*members = (size_t)d[g].min;
	return base;
}

static int32_t arg_int32(const struct vaccel_arg *a)
{
	int32_t v;

	memcpy(&v, a->buf, sizeof(v));
	return v;
}

/* ------------------------------------------------------------ one call */

/* What one call holds besides its args: inputs built over the args, result pointers. */
struct call {
	const struct modelop_fns *fns;
	const struct modelop_req *r;
	const struct tensor_kind *kind;
	char op[VACCEL_ENUM_STR_MAX];
	struct slot *in, *out;
	size_t nr_in, nr_out;
	void *in_tensors;	      /* nr_in structs of kind->size */
	void **in_ptrs;		      /* [nr_in] */
	void **out_ptrs;	      /* [nr_out], NULL until the plugin fills them */
	struct vaccel_tf_node *nodes; /* TF: in nodes, then out nodes */
	void *mem;
};

/* Inputs over their args: data and dims in place, not owned. */
static void build_inputs(struct call *c)
{
	const struct tensor_kind *k = c->kind;

	for (size_t i = 0; i < c->nr_in; i++) {
		const struct slot *s = &c->in[i];
		void *t = (char *)c->in_tensors + i * k->size;
		struct tensor_fields f = {.data = s->data->buf,
					  .size = s->data->size,
					  .owned = false,
					  .nr_dims = (int64_t)(s->dims->size / k->dim_width),
					  .dims = s->dims->buf,
					  .data_type = arg_int32(s->type)};

		tensor_put(k, t, &f);
		tensor_ptr_set(c->kind, c->in_ptrs, i, t);
	}
}

static int call_init(struct call *c, const struct modelop_fns *fns, const struct modelop_req *r,
		     size_t nr_nodes)
{
	size_t structs, sz;

	memset(c, 0, sizeof(*c));
	c->fns = fns;
	c->r = r;
	c->kind = optab_tensor_kind(r->row);
	vaccel_op_type_to_lower((vaccel_op_type_t)r->row->op, c->op, sizeof(c->op));
	c->nr_in = find_slots(r, false, NULL, 0);
	c->nr_out = find_slots(r, true, NULL, 0);
	/* Bounded by the request's args; each part aligned for what it holds. */
	structs = (c->nr_in * c->kind->size + 15) & ~(size_t)15;
	sz = structs + (c->nr_in + c->nr_out) * (sizeof(struct slot) + sizeof(void *)) +
	     nr_nodes * sizeof(struct vaccel_tf_node);
	c->mem = calloc(1, sz ? sz : 1);
	if (!c->mem)
		return VACCEL_ENOMEM;
	c->in_tensors = c->mem;
	c->nodes = (struct vaccel_tf_node *)((char *)c->mem + structs);
	c->in = (struct slot *)(c->nodes + nr_nodes);
	c->out = c->in + c->nr_in;
	c->in_ptrs = (void **)(c->out + c->nr_out);
	c->out_ptrs = c->in_ptrs + c->nr_in;
	find_slots(r, false, c->in, c->nr_in);
	find_slots(r, true, c->out, c->nr_out);
	build_inputs(c);
	for (size_t i = 0; i < c->nr_out; i++)
		tensor_ptr_set(c->kind, c->out_ptrs, i, NULL);
	return VACCEL_OK;
}

/* A NULL result tensor: nothing in its slots. */
static void put_nothing(const struct slot *s)
{
	s->dims->size = 0;
	s->type->size = 0;
	s->data->size = 0;
}

/* Result i into its slots, checked first: the plugin's tensor is not trusted. */
static int put_result(const struct call *c, size_t i)
{
	const struct tensor_kind *k = c->kind;
	const struct slot *s = &c->out[i];
	const void *t = tensor_ptr_get(c->kind, c->out_ptrs, i);
	size_t cap_dims = s->dims->size / k->dim_width;
	struct tensor_limits lim = {
	    .max_dims =
		(int64_t)(cap_dims < OPTAB_TENSOR_MAX_DIMS ? cap_dims : OPTAB_TENSOR_MAX_DIMS),
	    .max_bytes = UINT64_MAX};
	struct tensor_fields f;
	const char *why;
	uint64_t bytes;
	int32_t type;

	if (!t) {
		put_nothing(s);
		return VACCEL_OK;
	}
	tensor_get(k, t, &f);
	if (f.nr_dims > lim.max_dims && f.nr_dims <= OPTAB_TENSOR_MAX_DIMS) {
		vaccel_debug("%s: result %zu has %" PRId64 " dims, room for %zu", c->op, i,
			     f.nr_dims, cap_dims);
		put_nothing(s);
		return VACCEL_ERANGE;
	}
	if (f.nr_dims > lim.max_dims)
		lim.max_dims = OPTAB_TENSOR_MAX_DIMS; /* say "too many dims" below */
	why = tensor_check(k, f.nr_dims, f.dims, f.data_type, &lim, &bytes);
	if (!why && f.size && !f.data)
		why = "data NULL with a size";
	if (!why && bytes != UINT64_MAX && bytes != f.size)
		why = "data size differs from what its shape needs";
	if (why) {
		vaccel_error("%s: the plugin's result %zu is malformed: %s", c->op, i, why);
		put_nothing(s);
		return VACCEL_EINVAL;
	}
	memcpy(s->dims->buf, f.dims, (size_t)f.nr_dims * k->dim_width);
	s->dims->size = (size_t)f.nr_dims * k->dim_width;
	type = f.data_type;
	memcpy(s->type->buf, &type, sizeof(type));
	s->type->size = sizeof(type);
	if (f.size > s->data->size) {
		/* Dims and type stay: the guest can tell its caller what it would need. */
		vaccel_debug("%s: result %zu holds %zu bytes, the guest offered %zu", c->op, i,
			     f.size, s->data->size);
		s->data->size = 0;
		return VACCEL_ERANGE;
	}
	if (f.size)
		memcpy(s->data->buf, f.data, f.size);
	s->data->size = f.size;
	return VACCEL_OK;
}

/* A result tensor the plugin allocated, freed by the runtime that allocated it. */
static void delete_result(const struct call *c, void *t)
{
	switch (c->r->row->tensor) {
	case OPTAB_TENSOR_TF:
		c->fns->tf_tensor_delete(t);
		break;
	case OPTAB_TENSOR_TFLITE:
		c->fns->tflite_tensor_delete(t);
		break;
	default:
		c->fns->torch_tensor_delete(t);
		break;
	}
}

/*
 * The op's results into the slots and the plugin's tensors freed, when it
 * succeeded; on failure the plugin owns (and freed) what it made, as
 * upstream's plugins do, and the slots stay empty. A malformed result makes
 * the call VACCEL_EINVAL, one that does not fit VACCEL_ERANGE; the others
 * are still written.
 */
static int call_finish(struct call *c, int ret)
{
	const int plugin_ret = ret;

	for (size_t i = 0; i < c->nr_out; i++) {
		int r;

		if (plugin_ret) {
			put_nothing(&c->out[i]);
			continue;
		}
		r = put_result(c, i);
		if (r == VACCEL_EINVAL || (r && !ret))
			ret = r;
		if (tensor_ptr_get(c->kind, c->out_ptrs, i))
			delete_result(c, tensor_ptr_get(c->kind, c->out_ptrs, i));
	}
	free(c->mem);
	return ret;
}

/* ---------------------------------------------------------- the calls */

/* A call that does not run produces nothing: every write arg's size 0. */
static int ran_not(const struct modelop_req *r, int ret)
{
	for (size_t i = 0; i < r->nr_write; i++)
		r->write[i].size = 0;
	return ret;
}

static int not_there(const struct modelop_req *r)
{
	char op[VACCEL_ENUM_STR_MAX];

	vaccel_error("%s: the host's vAccel runtime has no such function (upstream added the "
		     "model API after 0.7.1)",
		     vaccel_op_type_to_lower((vaccel_op_type_t)r->row->op, op, sizeof(op)));
	return ran_not(r, VACCEL_ENOTSUP);
}

/* A TF status into its slots (the code; the message cut to its slot, NUL-terminated). */
static void put_tf_status(const struct modelop_fns *fns, struct vaccel_tf_status *st,
			  struct vaccel_arg *code, struct vaccel_arg *msg)
{
	size_t n = 0;

	memcpy(code->buf, &st->code, sizeof(st->code));
	code->size = sizeof(st->code);
	if (st->message && msg->size) {
		n = strnlen(st->message, msg->size - 1);
		memcpy(msg->buf, st->message, n);
		((char *)msg->buf)[n++] = '\0';
	}
	msg->size = n;
	if (st->message)
		fns->tf_status_release(st);
}

/* Row: model; write: status_code, status_msg. */
static int tf_model(const struct modelop_fns *fns, const struct modelop_req *r)
{
	__typeof__(fns->tf_model_load) fn =
	    r->row->op == VACCEL_OP_TF_MODEL_LOAD ? fns->tf_model_load : fns->tf_model_unload;
	struct vaccel_tf_status st = {0};
	int ret;

	if (!fn)
		return not_there(r);
	ret = fn(r->sess, r->model, &st);
	put_tf_status(fns, &st, &r->write[0], &r->write[1]);
	return ret;
}

/* TFLite load and unload, Torch load. Row: model. */
static int model_only(const struct modelop_fns *fns, const struct modelop_req *r)
{
	int (*fn)(struct vaccel_session *, struct vaccel_resource *);

	switch (r->row->op) {
	case VACCEL_OP_TFLITE_MODEL_LOAD:
		fn = fns->tflite_model_load;
		break;
	case VACCEL_OP_TFLITE_MODEL_UNLOAD:
		fn = fns->tflite_model_unload;
		break;
	default:
		fn = fns->torch_model_load;
		break;
	}
	if (!fn)
		return not_there(r);
	return fn(r->sess, r->model);
}

/* Nodes of TF's k-th read group, whose members start {STRING name, INT32 id}. */
static void tf_nodes(const struct modelop_req *r, unsigned k, struct vaccel_tf_node *nodes,
		     size_t n)
{
	size_t members, base = read_group(r, k, &members);

	for (size_t i = 0; i < n; i++, base += members)
		nodes[i] = (struct vaccel_tf_node){.name = r->read[base].buf,
						   .id = arg_int32(&r->read[base + 1])};
}

/* The ops with tensors, the rows' orders (optab_rows.c):
 *   TF run:     model, run_options, nr_inputs, nr_outputs, inputs {node, id, tensor},
 *               out_nodes {node, id}; write: status_code, status_msg, outputs {slots}
 *   TFLite run: model, nr_inputs, nr_outputs, inputs {tensor}; write: status, outputs
 *   Torch run:  model, run_options, nr_inputs, nr_outputs, inputs {tensor}; write: outputs
 *   sgemm:      m, n, k, tensors a, b, c; write: a result (each tensor argument points at
 *               one tensor pointer) */
static int run(const struct modelop_fns *fns, const struct modelop_req *r)
{
	const struct optab_val *v = r->v;
	uint32_t op = r->row->op;
	bool tf = op == VACCEL_OP_TF_MODEL_RUN, tflite = op == VACCEL_OP_TFLITE_MODEL_RUN;
	/* counts and run options: TFLite's row has no run options */
	int nr_in = (int)v[tflite ? 1 : 2].i, nr_out = (int)v[tflite ? 2 : 3].i;
	struct vaccel_tf_buffer tf_opts = {.data = v[1].buf, .size = v[1].count};
	struct vaccel_torch_buffer torch_opts = {.data = v[1].buf, .size = v[1].count};
	struct vaccel_tf_status st = {0};
	uint8_t status = 0;
	bool have = tf				      ? fns->tf_model_run != NULL
		    : tflite			      ? fns->tflite_model_run != NULL
		    : op == VACCEL_OP_TORCH_MODEL_RUN ? fns->torch_model_run != NULL
						      : fns->torch_sgemm != NULL;
	struct call c;
	int ret;

	if (!have)
		return not_there(r);
	ret = call_init(&c, fns, r, tf ? (size_t)nr_in + (size_t)nr_out : 0);
	if (ret)
		return ran_not(r, ret);
	switch (op) {
	case VACCEL_OP_TF_MODEL_RUN:
		tf_nodes(r, 0, c.nodes, (size_t)nr_in);
		tf_nodes(r, 1, c.nodes + nr_in, (size_t)nr_out);
		ret = fns->tf_model_run(r->sess, r->model, tf_opts.size ? &tf_opts : NULL, c.nodes,
					(struct vaccel_tf_tensor *const *)c.in_ptrs, nr_in,
					c.nodes + nr_in, (struct vaccel_tf_tensor **)c.out_ptrs,
					nr_out, &st);
		break;
	case VACCEL_OP_TFLITE_MODEL_RUN:
		ret = fns->tflite_model_run(
		    r->sess, r->model, (struct vaccel_tflite_tensor *const *)c.in_ptrs, nr_in,
		    (struct vaccel_tflite_tensor **)c.out_ptrs, nr_out, &status);
		break;
	case VACCEL_OP_TORCH_MODEL_RUN:
		ret = fns->torch_model_run(r->sess, r->model, torch_opts.size ? &torch_opts : NULL,
					   (struct vaccel_torch_tensor *const *)c.in_ptrs, nr_in,
					   (struct vaccel_torch_tensor **)c.out_ptrs, nr_out);
		break;
	default: {
		struct vaccel_torch_tensor **in = (struct vaccel_torch_tensor **)c.in_ptrs;

		ret = fns->torch_sgemm(r->sess, &in[0], &in[1], &in[2], (int)v[0].i, (int)v[1].i,
				       (int)v[2].i, (struct vaccel_torch_tensor **)c.out_ptrs);
		break;
	}
	}
	ret = call_finish(&c, ret);
	if (tf)
		put_tf_status(fns, &st, &r->write[0], &r->write[1]);
	if (tflite) {
		memcpy(r->write[0].buf, &status, sizeof(status));
		r->write[0].size = sizeof(status);
	}
	return ret;
}

typedef int (*model_call_fn)(const struct modelop_fns *fns, const struct modelop_req *r);

static const model_call_fn calls[VACCEL_OP_MAX] = {
    [VACCEL_OP_TF_MODEL_LOAD] = tf_model,
    [VACCEL_OP_TF_MODEL_UNLOAD] = tf_model,
    [VACCEL_OP_TF_MODEL_RUN] = run,
    [VACCEL_OP_TFLITE_MODEL_LOAD] = model_only,
    [VACCEL_OP_TFLITE_MODEL_UNLOAD] = model_only,
    [VACCEL_OP_TFLITE_MODEL_RUN] = run,
    [VACCEL_OP_TORCH_MODEL_LOAD] = model_only,
    [VACCEL_OP_TORCH_MODEL_RUN] = run,
    [VACCEL_OP_TORCH_SGEMM] = run,
};

bool modelop_is_model(const struct optab_op *row)
{
	return row && row->tensor != OPTAB_TENSOR_NONE;
}

int modelop_call(const struct modelop_fns *fns, const struct modelop_req *r)
{
	model_call_fn fn = r->row->op < ARRAY_SIZE(calls) ? calls[r->row->op] : NULL;

	return fn ? fn(fns, r) : VACCEL_ENOTSUP;
}
