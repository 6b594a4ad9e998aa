// SPDX-License-Identifier: Apache-2.0
/*
 * For every genop-capable op, the three readers of the op table agree:
 *
 *  - the guest encoder (libvaccel-virtio's typed op, against a fake driver
 *    that keeps the request) builds a request whose arg types, counts and
 *    in/out marks are what the spec's per-op table (docs/virtio-accel.md
 *    §6.2, parsed here) lists;
 *  - the host (vaccel_genop() on a session of the opstest plugin) accepts
 *    that request and runs the op once;
 *  - the host refuses, without running anything, every perturbation the
 *    spec's row forbids: a fixed arg missing or one too many, each fixed arg
 *    retyped to every type the row does not allow, sizes off by a byte or an
 *    element where the row fixes them, a count or dimension one larger than
 *    the buffers it describes, and typed buffers moved off their alignment.
 *
 * The model ops' groups (`n × {…}`) are sent and read with one repetition
 * each, so their members are checked like fixed args; a write arg's
 * `[tensor(…)]` is a result slot, whose size is the guest's choice.
 *
 * The doc is read from $OPTABLE_DOC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opstest_common.h"
#include "optab.h"
#include "vaccel_common.h"
#include "vio_plugin.h"
#include "vt_main.h"

#define MAXA 8
#define SLACK 32 /* bytes past every copied arg, so size perturbations stay in bounds */

#define F(state) ((struct opstest_fixture *)*(state))

/* ---------------------------------------------------------------- the doc */

struct doc_arg {
	uint32_t types[2]; /* allowed types (the second: RAW, or VACCEL_ARG_MAX) */
	bool any_type;
	bool scalar_ref; /* another arg's length names it (a count or a dimension) */
	char name[32];
	char rule[64]; /* what the brackets say, "" for none */
	bool inout;
	bool slot; /* a result tensor's data slot (a write arg's `[tensor(…)]`) */
};

struct doc_row {
	struct doc_arg rd[MAXA * 2], wr[MAXA];
	size_t nr_rd, nr_wr;
	bool tail_rd, tail_wr;
	char counts[4][32]; /* the scalars groups repeat by */
	size_t nr_counts;
};

static char *doc_text;

static uint32_t type_by_name(const char *name, size_t len)
{
	for (uint32_t t = 0; t < VACCEL_ARG_MAX; t++) {
		const char *base = vaccel_arg_type_to_base_str((vaccel_arg_type_t)t);

		if (strlen(base) == len && !strncmp(base, name, len))
			return t;
	}
	fail_msg("unknown type `%.*s` in the doc", (int)len, name);
	return VACCEL_ARG_MAX;
}

/* One arg as the doc writes it: `T`[/`RAW`] name[rule][ ≥ n][ (…)]*, or "any type name[rule]". */
static void parse_arg(const char *p, size_t len, struct doc_arg *a)
{
	const char *end = p + len, *q;
	size_t n = 0;

	memset(a, 0, sizeof(*a));
	a->types[0] = a->types[1] = VACCEL_ARG_MAX;
	if (!strncmp(p, "any type ", 9)) {
		a->any_type = true;
		p += 9;
	} else {
		for (int i = 0; i < 2 && p < end && *p == '`'; i++) {
			q = memchr(p + 1, '`', (size_t)(end - p - 1));
			assert_non_null(q);
			a->types[i] = type_by_name(p + 1, (size_t)(q - p - 1));
			p = q + 1;
			if (p < end && *p == '/')
				p++;
		}
		assert_true(p < end && *p == ' ');
		p++;
	}
	while (p < end && *p != '[' && *p != ' ' && n + 1 < sizeof(a->name))
		a->name[n++] = *p++;
	if (p < end && *p == '[') {
		q = memchr(p, ']', (size_t)(end - p));
		assert_non_null(q);
		snprintf(a->rule, sizeof(a->rule), "%.*s", (int)(q - p - 1), p + 1);
		p = q + 1;
	}
	a->inout = strstr(p, "(in/out)") && strstr(p, "(in/out)") < end;
}

/* The next ", " outside braces and brackets, or end. */
static const char *next_comma(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		depth += (*p == '{' || *p == '[') ? 1 : (*p == '}' || *p == ']') ? -1 : 0;
		if (!depth && p[0] == ',' && p + 1 < end && p[1] == ' ')
			return p;
	}
	return end;
}

/*
 * One column: args separated by ", ", maybe ending in the pass-through tail;
 * a group `n × {a, b}` becomes its members, once (n goes to row->counts).
 */
static size_t parse_column(const char *p, const char *end, struct doc_arg *args, size_t cap,
			   bool *tail, struct doc_row *row)
{
	static const char times[] = " × {";
	size_t n = 0;

	*tail = false;
	if (end - p == 4 && !strncmp(p, "none", 4))
		return 0;
	while (p < end) {
		const char *comma = next_comma(p, end), *grp = strstr(p, times);

		if (strstr(p, "any number passed through") &&
		    strstr(p, "any number passed through") < comma) {
			*tail = true;
			break;
		}
		if (grp && grp < comma) {
			const char *m = grp + strlen(times), *close = comma - 1;

			assert_int_equal(*close, '}');
			assert_true(row->nr_counts < ARRAY_SIZE(row->counts));
			snprintf(row->counts[row->nr_counts++], sizeof(row->counts[0]), "%.*s",
				 (int)(grp - p), p);
			while (m < close) {
				const char *c = next_comma(m, close);

				assert_true(n < cap);
				parse_arg(m, (size_t)(c - m), &args[n++]);
				m = c + 2;
			}
		} else {
			assert_true(n < cap);
			parse_arg(p, (size_t)(comma - p), &args[n++]);
		}
		p = comma + 2;
		if (!strncmp(p, "then ", 5))
			p += 5;
	}
	return n;
}

static void mark_refs(struct doc_arg *all, size_t n, const struct doc_row *row)
{
	for (size_t i = 0; i < n; i++) {
		/* a group's count */
		for (size_t c = 0; c < row->nr_counts; c++)
			if (!strcmp(all[i].name, row->counts[c]))
				all[i].scalar_ref = true;
		for (size_t j = 0; j < n; j++) {
			const char *r = all[j].rule;
			size_t len = strlen(all[i].name);

			/* a name inside another arg's brackets, as a whole word */
			for (const char *hit = strstr(r, all[i].name); hit;
			     hit = strstr(hit + 1, all[i].name))
				if ((hit == r ||
				     !(hit[-1] == '_' || (hit[-1] >= 'a' && hit[-1] <= 'z'))) &&
				    !(hit[len] == '_' || (hit[len] >= 'a' && hit[len] <= 'z')))
					all[i].scalar_ref =
					    all[i].types[0] < VACCEL_ARG_MAX &&
					    optab_type(all[i].types[0])->kind == OPTAB_KIND_SCALAR;
		}
	}
}

static void doc_row(vaccel_op_type_t op, struct doc_row *row)
{
	char head[64];
	const char *line, *c1, *c2, *c3, *eol;
	struct doc_arg all[MAXA * 3];

	snprintf(head, sizeof(head), "\n| %s (%d) | ", vaccel_op_type_to_base_str(op), (int)op);
	line = strstr(doc_text, head);
	if (!line)
		fail_msg("no row for %s in the doc", head + 1);
	c1 = line + strlen(head);
	eol = strchr(c1, '\n');
	c2 = strstr(c1, " | ");
	c3 = strstr(c2 + 3, " |");
	assert_true(c2 < eol && c3 < eol);
	memset(row, 0, sizeof(*row));
	row->nr_rd = parse_column(c1, c2, row->rd, ARRAY_SIZE(row->rd), &row->tail_rd, row);
	row->nr_wr = parse_column(c2 + 3, c3, row->wr, ARRAY_SIZE(row->wr), &row->tail_wr, row);
	/* a write arg's tensor(…) is a result slot: a capacity, not a relation */
	for (size_t i = 0; i < row->nr_wr; i++)
		row->wr[i].slot = !strncmp(row->wr[i].rule, "tensor(", 7);
	/* which scalars are counts or dimensions of others: look across both columns */
	memcpy(all, row->rd, row->nr_rd * sizeof(*all));
	memcpy(all + row->nr_rd, row->wr, row->nr_wr * sizeof(*all));
	mark_refs(all, row->nr_rd + row->nr_wr, row);
	memcpy(row->rd, all, row->nr_rd * sizeof(*all));
}

/* ---------------------------------------------------- the guest's request */

/* What the fake driver kept of the last request: read data and write buffers copied (the
 * encoder's locals and result slots are gone when it returns). The device "produced"
 * nothing: every write arg comes back empty. */
static struct {
	struct vio_drv drv;
	unsigned calls;
	unsigned nr_rd, nr_wr;
	struct vio_arg rd[MAXA * 2], wr[MAXA];
	unsigned char *rdata[MAXA * 2], *wdata[MAXA];
} fk;

/* Keep n args and a copy of each one's bytes (SLACK zero bytes after them). */
static void keep_args(struct vio_arg *kept, unsigned char **data, const struct vio_arg *args,
		      unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		kept[i] = args[i];
		free(data[i]);
		data[i] = calloc(1, args[i].len + SLACK);
		assert_non_null(data[i]);
		if (args[i].len)
			memcpy(data[i], args[i].buf, args[i].len);
	}
}

static int fake_submit(struct vio_drv *drv, struct vio_req *req)
{
	(void)drv;
	fk.calls++;
	assert_true(req->nr_read <= ARRAY_SIZE(fk.rd) && req->nr_write <= ARRAY_SIZE(fk.wr));
	fk.nr_rd = req->nr_read;
	fk.nr_wr = req->nr_write;
	keep_args(fk.rd, fk.rdata, req->read, req->nr_read);
	keep_args(fk.wr, fk.wdata, req->write, req->nr_write);
	for (unsigned i = 0; i < req->nr_write; i++)
		req->write[i].len = 0;
	req->status = VIRTIO_ACCEL_S_OK;
	req->vaccel_ret = 0;
	return 0;
}

/* Only submit is called: the plugin layer is driven directly, never set up or torn down. */
static const struct vio_drv_ops fake_ops = {.name = "keeper", .submit = fake_submit};

static void *op_fn(vaccel_op_type_t type)
{
	for (size_t i = 0; i < vio_nr_ops; i++)
		if (vio_ops[i].type == type)
			return vio_ops[i].func;
	for (size_t i = 0; i < vio_nr_model_ops; i++)
		if (vio_model_ops[i].type == type)
			return vio_model_ops[i].func;
	return NULL;
}

/* ------------------------------------------------------ valid typed calls */

/* Buffers every call uses; outputs are larger than needed (slack for perturbations). */
static struct {
	unsigned char img[10], name[24], text[24];
	float a[8], b[12], c[8 + SLACK];
	int ia[5], io[5 + SLACK];
	double in[6], out[6 + SLACK], mn, mx;
	int32_t x, y;
} buf;

static struct vaccel_session gsess; /* the guest's view: a remote session */
static struct vio_sess gsp;
static struct vaccel_resource gres, gmodel;

/* Input tensors of the model ops: 2 x 2 elements; data types whose successor has another
 * element size (so a data type one larger is caught like a dimension one larger). */
static struct {
	int64_t dims[2];
	int32_t dims32[2];
	float data[4];
	struct vaccel_tf_tensor tf;
	struct vaccel_tflite_tensor tflite;
	struct vaccel_torch_tensor torch;
	struct vaccel_tf_node in, out;
} ml;

static void ml_init(void)
{
	ml.dims[0] = ml.dims[1] = 2;
	ml.dims32[0] = ml.dims32[1] = 2;
	ml.tf =
	    (struct vaccel_tf_tensor){ml.data, sizeof(ml.data), false, 2, ml.dims, VACCEL_TF_FLOAT};
	ml.tflite = (struct vaccel_tflite_tensor){ml.data, sizeof(ml.data), false,
						  2,	   ml.dims32,	    VACCEL_TFLITE_INT32};
	ml.torch = (struct vaccel_torch_tensor){ml.data, sizeof(ml.data), false,
						2,	 ml.dims,	  VACCEL_TORCH_FLOAT};
	ml.in = (struct vaccel_tf_node){"in", 0};
	ml.out = (struct vaccel_tf_node){"out", 1};
}

/* The model ops' typed calls with valid args: one input, one output. */
static int encode_model(vaccel_op_type_t op, void *fn)
{
	struct vaccel_tf_tensor *tf_in = &ml.tf, *tf_out = NULL;
	struct vaccel_tflite_tensor *tfl_in = &ml.tflite, *tfl_out = NULL;
	struct vaccel_torch_tensor *t_in = &ml.torch, *t_out = NULL;
	struct vaccel_tf_status st = {0};
	uint8_t tfl_status;

	switch (op) {
	case VACCEL_OP_TF_MODEL_LOAD:
	case VACCEL_OP_TF_MODEL_UNLOAD:
		return ((int (*)(struct vaccel_session *, struct vaccel_resource *,
				 struct vaccel_tf_status *))fn)(&gsess, &gmodel, &st);
	case VACCEL_OP_TF_MODEL_RUN:
		return (
		    (int (*)(struct vaccel_session *, struct vaccel_resource *,
			     const struct vaccel_tf_buffer *, const struct vaccel_tf_node *,
			     struct vaccel_tf_tensor *const *, int, const struct vaccel_tf_node *,
			     struct vaccel_tf_tensor **, int, struct vaccel_tf_status *))fn)(
		    &gsess, &gmodel, NULL, &ml.in, &tf_in, 1, &ml.out, &tf_out, 1, &st);
	case VACCEL_OP_TFLITE_MODEL_LOAD:
	case VACCEL_OP_TFLITE_MODEL_UNLOAD:
	case VACCEL_OP_TORCH_MODEL_LOAD:
		return ((int (*)(struct vaccel_session *, struct vaccel_resource *))fn)(&gsess,
											&gmodel);
	case VACCEL_OP_TFLITE_MODEL_RUN:
		return ((int (*)(struct vaccel_session *, struct vaccel_resource *,
				 struct vaccel_tflite_tensor *const *, int,
				 struct vaccel_tflite_tensor **, int, uint8_t *))fn)(
		    &gsess, &gmodel, &tfl_in, 1, &tfl_out, 1, &tfl_status);
	case VACCEL_OP_TORCH_MODEL_RUN:
		return ((int (*)(struct vaccel_session *, struct vaccel_resource *,
				 const struct vaccel_torch_buffer *,
				 struct vaccel_torch_tensor *const *, int,
				 struct vaccel_torch_tensor **, int))fn)(&gsess, &gmodel, NULL,
									 &t_in, 1, &t_out, 1);
	case VACCEL_OP_TORCH_SGEMM:
		return ((int (*)(struct vaccel_session *, struct vaccel_torch_tensor **,
				 struct vaccel_torch_tensor **, struct vaccel_torch_tensor **, int,
				 int, int, struct vaccel_torch_tensor **))fn)(
		    &gsess, &t_in, &t_in, &t_in, 2, 2, 2, &t_out);
	default:
		fail_msg("no typed call for op %d", (int)op);
		return -1;
	}
}

/* Call the guest's typed op for `op` with valid args. */
static int encode(vaccel_op_type_t op)
{
	struct vaccel_arg urd[2] = {{.buf = &buf.x, .size = 4, .type = VACCEL_ARG_INT32},
				    {.buf = buf.img, .size = 4, .type = VACCEL_ARG_RAW}};
	struct vaccel_arg uwr[1] = {{.buf = &buf.y, .size = 4, .type = VACCEL_ARG_INT32}};
	void *fn = op_fn(op);

	assert_non_null(fn);
	switch (op) {
	case VACCEL_OP_NOOP:
		return ((int (*)(struct vaccel_session *))fn)(&gsess);
	case VACCEL_OP_EXEC:
		return ((int (*)(struct vaccel_session *, const char *, const char *,
				 struct vaccel_arg *, size_t, struct vaccel_arg *, size_t))fn)(
		    &gsess, "libfoo.so", "foo", urd, 1, uwr, 1);
	case VACCEL_OP_EXEC_WITH_RESOURCE:
		return ((int (*)(struct vaccel_session *, struct vaccel_resource *, const char *,
				 struct vaccel_arg *, size_t, struct vaccel_arg *, size_t))fn)(
		    &gsess, &gres, "foo", urd, 1, uwr, 1);
	case VACCEL_OP_IMAGE_CLASSIFY:
		return ((int (*)(struct vaccel_session *, const void *, unsigned char *,
				 unsigned char *, size_t, size_t, size_t))fn)(
		    &gsess, buf.img, buf.text, buf.name, sizeof(buf.img), sizeof(buf.text),
		    sizeof(buf.name));
	case VACCEL_OP_IMAGE_DETECT:
	case VACCEL_OP_IMAGE_SEGMENT:
	case VACCEL_OP_IMAGE_POSE:
	case VACCEL_OP_IMAGE_DEPTH:
		return ((int (*)(struct vaccel_session *, const void *, unsigned char *, size_t,
				 size_t))fn)(&gsess, buf.img, buf.name, sizeof(buf.img),
					     sizeof(buf.name));
	case VACCEL_OP_BLAS_SGEMM: /* m=2 n=3 k=4, every stride exactly its row */
		return ((int (*)(struct vaccel_session *, int64_t, int64_t, int64_t, float, float *,
				 int64_t, float *, int64_t, float, float *, int64_t))fn)(
		    &gsess, 2, 3, 4, 1.0f, buf.a, 4, buf.b, 3, 0.5f, buf.c, 3);
	case VACCEL_OP_FPGA_ARRAYCOPY:
		return ((int (*)(struct vaccel_session *, int *, int *, size_t))fn)(&gsess, buf.ia,
										    buf.io, 5);
	case VACCEL_OP_FPGA_MMULT:
		return ((int (*)(struct vaccel_session *, float *, float *, float *, size_t))fn)(
		    &gsess, buf.a, buf.b, buf.c, 5);
	case VACCEL_OP_FPGA_PARALLEL:
		return ((int (*)(struct vaccel_session *, float *, float *, float *, float *,
				 size_t))fn)(&gsess, buf.a, buf.b, buf.c, buf.c + 8, 5);
	case VACCEL_OP_FPGA_VECTORADD:
		return ((int (*)(struct vaccel_session *, float *, float *, float *, size_t,
				 size_t))fn)(&gsess, buf.a, buf.b, buf.c, 5, 5);
	case VACCEL_OP_MINMAX:
		return ((int (*)(struct vaccel_session *, const double *, int, int, int, double *,
				 double *, double *))fn)(&gsess, buf.in, 6, 1, 9, buf.out, &buf.mn,
							 &buf.mx);
	case VACCEL_OP_OPENCV: {
		uint8_t sel = 3;
		struct vaccel_arg ord[2] = {{.buf = &sel, .size = 1, .type = VACCEL_ARG_UINT8},
					    urd[1]};

		return ((int (*)(struct vaccel_session *, struct vaccel_arg *, int,
				 struct vaccel_arg *, int))fn)(&gsess, ord, 2, uwr, 1);
	}
	default:
		return encode_model(op, fn);
	}
}

/* ------------------------------------------------------------ the host */

struct req {
	struct vaccel_arg rd[MAXA * 2 + 1], wr[MAXA + 1];
	size_t nr_rd, nr_wr;
};

/* A kept arg as the host gets it: its type and size, over the kept bytes. */
static struct vaccel_arg host_arg(const struct vio_arg *a, unsigned char *data)
{
	return (struct vaccel_arg){.buf = data,
				   .size = a->len,
				   .type = (vaccel_arg_type_t)a->type,
				   .custom_type_id = a->custom_id};
}

/* The captured request as the host gets it (read[0] the op type). */
static void host_req(struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->nr_rd = fk.nr_rd;
	r->nr_wr = fk.nr_wr;
	for (unsigned i = 0; i < fk.nr_rd; i++)
		r->rd[i] = host_arg(&fk.rd[i], fk.rdata[i]);
	for (unsigned i = 0; i < fk.nr_wr; i++)
		r->wr[i] = host_arg(&fk.wr[i], fk.wdata[i]);
}

static int run(struct opstest_fixture *f, struct req *r)
{
	return vaccel_genop(&f->sess, r->rd, (int)r->nr_rd, r->nr_wr ? r->wr : NULL, (int)r->nr_wr);
}

static unsigned nr_refused;

static void refused(struct opstest_fixture *f, struct req *r, vaccel_op_type_t op, const char *what,
		    size_t arg, long detail)
{
	unsigned before = opstest_total_calls(f->st);
	int ret = run(f, r);

	if (ret == VACCEL_OK || opstest_total_calls(f->st) != before)
		fail_msg("%s: %s (arg %zu, %ld) was accepted (ret %d)", vaccel_op_type_to_str(op),
			 what, arg, detail, ret);
	nr_refused++;
}

/* A fixed arg of the captured request: read args count from read[1]. */
static struct vaccel_arg *fixed_arg(struct req *r, bool write, size_t i)
{
	return write ? &r->wr[i] : &r->rd[1 + i];
}

static void perturb_counts(struct opstest_fixture *f, vaccel_op_type_t op,
			   const struct doc_row *row)
{
	struct req r;

	/* fewer args than the fixed ones: each fixed arg missing, with everything after it */
	for (size_t i = 0; i < row->nr_rd; i++) {
		host_req(&r);
		r.nr_rd = 1 + i;
		refused(f, &r, op, "read args cut", i, 0);
	}
	for (size_t i = 0; i < row->nr_wr; i++) {
		host_req(&r);
		r.nr_wr = i;
		refused(f, &r, op, "write args cut", i, 0);
	}
	/* one too many, where the row takes no pass-through args */
	if (!row->tail_rd) {
		host_req(&r);
		r.rd[r.nr_rd] = r.rd[r.nr_rd - 1];
		r.nr_rd++;
		refused(f, &r, op, "extra read arg", r.nr_rd, 0);
	}
	if (!row->tail_wr) {
		static uint64_t spare;

		host_req(&r);
		r.wr[r.nr_wr] = r.nr_wr ? r.wr[r.nr_wr - 1]
					: (struct vaccel_arg){.buf = &spare,
							      .size = sizeof(spare),
							      .type = VACCEL_ARG_UINT64};
		r.nr_wr++;
		refused(f, &r, op, "extra write arg", r.nr_wr, 0);
	}
}

static void perturb_types(struct opstest_fixture *f, vaccel_op_type_t op, const struct doc_row *row)
{
	for (int w = 0; w < 2; w++) {
		const struct doc_arg *d = w ? row->wr : row->rd;
		size_t n = w ? row->nr_wr : row->nr_rd;

		for (size_t i = 0; i < n; i++) {
			if (d[i].any_type)
				continue;
			for (uint32_t t = 0; t <= VACCEL_ARG_MAX + 1; t++) {
				struct req r;

				if (t == d[i].types[0] || t == d[i].types[1])
					continue;
				host_req(&r);
				fixed_arg(&r, w, i)->type = (vaccel_arg_type_t)t;
				refused(f, &r, op, "retyped", i, (long)t);
			}
		}
	}
}

static void perturb_sizes(struct opstest_fixture *f, vaccel_op_type_t op, const struct doc_row *row)
{
	for (int w = 0; w < 2; w++) {
		const struct doc_arg *d = w ? row->wr : row->rd;
		size_t n = w ? row->nr_wr : row->nr_rd;

		for (size_t i = 0; i < n; i++) {
			struct req r;
			struct vaccel_arg *a;
			size_t elem, size;
			bool exact, least, scalar, str;

			if (d[i].any_type)
				continue;
			elem = optab_type(d[i].types[0])->size;
			scalar = optab_type(d[i].types[0])->kind == OPTAB_KIND_SCALAR;
			str = d[i].types[0] == VACCEL_ARG_STRING;
			/* "[n]", "[≥ n]" name another arg: the encoder sent exactly what it asks;
			 * "[≥ 1]" is a plain minimum */
			exact =
			    strpbrk(d[i].rule, "abcdefghijklmnopqrstuvwxyz") != NULL && !d[i].slot;
			least = d[i].rule[0] && !exact && !d[i].slot;
			host_req(&r);
			size = fixed_arg(&r, w, i)->size;
			/* a byte more or less than whole elements, or a cut string */
			if (elem > 1 || str) {
				host_req(&r);
				fixed_arg(&r, w, i)->size = size - 1;
				refused(f, &r, op, "one byte short", i, (long)size);
			}
			if (elem > 1 || scalar) {
				host_req(&r);
				fixed_arg(&r, w, i)->size = size + 1;
				refused(f, &r, op, "one byte over", i, (long)size);
			}
			if (scalar) {
				host_req(&r);
				fixed_arg(&r, w, i)->size = 2 * size;
				refused(f, &r, op, "two elements for a scalar", i, (long)size);
				host_req(&r);
				fixed_arg(&r, w, i)->size = 0;
				refused(f, &r, op, "empty scalar", i, 0);
			}
			if (exact) {
				host_req(&r);
				fixed_arg(&r, w, i)->size = size - elem;
				refused(f, &r, op, "one element short", i, (long)size);
			}
			if (least) {
				host_req(&r);
				fixed_arg(&r, w, i)->size = 0;
				refused(f, &r, op, "empty, below its minimum", i, 0);
			}
			if (exact && !strstr(d[i].rule, "≥") && !d[i].slot) {
				host_req(&r);
				fixed_arg(&r, w, i)->size = size + elem;
				refused(f, &r, op, "one element over an exact count", i,
					(long)size);
			}
			/* typed access needs alignment: a typed buffer one byte off */
			if (elem > 1) {
				unsigned char *mis = calloc(1, size + SLACK);

				host_req(&r);
				a = fixed_arg(&r, w, i);
				memcpy(mis + 1, a->buf, size);
				a->buf = mis + 1;
				refused(f, &r, op, "misaligned", i, (long)size);
				free(mis);
			}
		}
	}
}

/* A count or dimension one larger than the buffers the encoder sized by it. */
static void perturb_counts_inside(struct opstest_fixture *f, vaccel_op_type_t op,
				  const struct doc_row *row)
{
	for (size_t i = 0; i < row->nr_rd; i++) {
		_Alignas(8) unsigned char val[8];
		struct req r;
		struct vaccel_arg *a;
		int64_t v64;
		int32_t v32;

		if (!row->rd[i].scalar_ref)
			continue;
		host_req(&r);
		a = fixed_arg(&r, false, i);
		assert_true(a->size == 8 || a->size == 4);
		if (a->size == 8) {
			memcpy(&v64, a->buf, 8);
			v64++;
			memcpy(val, &v64, 8);
		} else {
			memcpy(&v32, a->buf, 4);
			v32++;
			memcpy(val, &v32, 4);
		}
		a->buf = val;
		refused(f, &r, op, "count or dimension + 1", i, 0);
	}
}

/* The encoder's request has the doc row's types, counts and in/out marks. */
static void matches_doc(vaccel_op_type_t op, const struct doc_row *row)
{
	assert_true(fk.nr_rd >= 1);
	assert_int_equal(fk.rd[0].type, VACCEL_ARG_UINT8);
	assert_int_equal(fk.rd[0].len, 1);
	assert_int_equal(fk.rdata[0][0], op);
	if (row->tail_rd)
		assert_true(fk.nr_rd > 1 + row->nr_rd); /* the calls above pass a tail arg */
	else
		assert_int_equal(fk.nr_rd, 1 + row->nr_rd);
	if (row->tail_wr)
		assert_true(fk.nr_wr > row->nr_wr);
	else
		assert_int_equal(fk.nr_wr, row->nr_wr);
	for (size_t i = 0; i < row->nr_rd; i++)
		if (!row->rd[i].any_type)
			assert_int_equal(fk.rd[1 + i].type, row->rd[i].types[0]);
	for (size_t i = 0; i < fk.nr_wr; i++) {
		/* pass-through write args are in/out */
		bool inout = i < row->nr_wr ? row->wr[i].inout : true;

		if (i < row->nr_wr)
			assert_int_equal(fk.wr[i].type, row->wr[i].types[0]);
		assert_int_equal(fk.wr[i].inout, inout);
	}
}

static void agree_one(struct opstest_fixture *f, vaccel_op_type_t op)
{
	struct doc_row row;
	struct req r;
	int ret;

	doc_row(op, &row);
	fk.calls = 0;
	ret = encode(op);
	if (ret != VACCEL_OK || fk.calls != 1)
		fail_msg("%s: the guest encoder refused valid args (%d)", vaccel_op_type_to_str(op),
			 ret);
	matches_doc(op, &row);

	host_req(&r);
	memset(f->st, 0, sizeof(*f->st));
	ret = run(f, &r);
	if (ret != VACCEL_OK || f->st->count[op] != 1 || opstest_total_calls(f->st) != 1)
		fail_msg("%s: the host refused the guest's request (%d)", vaccel_op_type_to_str(op),
			 ret);

	perturb_counts(f, op, &row);
	perturb_types(f, op, &row);
	perturb_sizes(f, op, &row);
	perturb_counts_inside(f, op, &row);
}

static void every_op_agrees(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *res = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	unsigned ops = 0;

	struct vaccel_resource *model = opstest_resource(f, 1, VACCEL_RESOURCE_MODEL, true);

	/* The guest knows the resources by the host's ids. */
	gres = (struct vaccel_resource){.id = 1, .remote_id = res->id, .type = VACCEL_RESOURCE_LIB};
	gmodel = (struct vaccel_resource){
	    .id = 2, .remote_id = model->id, .type = VACCEL_RESOURCE_MODEL};
	ml_init();
	for (uint32_t op = 0; op < VACCEL_OP_MAX; op++) {
		if (!optab_op(op)) {
			/* no row: no typed call in the guest either */
			assert_null(op_fn((vaccel_op_type_t)op));
			continue;
		}
		agree_one(f, (vaccel_op_type_t)op);
		ops++;
	}
	assert_int_equal(ops, vio_nr_ops + vio_nr_model_ops);
	print_message("%u ops agree; %u perturbed requests refused\n", ops, nr_refused);
}

static int group_setup(void **state)
{
	const char *path = getenv("OPTABLE_DOC");
	FILE *fp = path ? fopen(path, "rb") : NULL;
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
		fprintf(stderr, "OPTABLE_DOC (%s) is not readable\n", path ? path : "unset");
		return -1;
	}
	doc_text = calloc(1, (size_t)n + 2);
	doc_text[0] = '\n';
	if (fread(doc_text + 1, 1, (size_t)n, fp) != (size_t)n)
		return -1;
	fclose(fp);

	fk.drv.ops = &fake_ops;
	vio_set_driver(&fk.drv);
	gsess = (struct vaccel_session){.id = 3, .remote_id = 11, .priv = &gsp};
	return opstest_group_setup(state);
}

static int group_teardown(void **state)
{
	vio_set_driver(NULL);
	for (size_t i = 0; i < ARRAY_SIZE(fk.rdata); i++)
		free(fk.rdata[i]);
	for (size_t i = 0; i < ARRAY_SIZE(fk.wdata); i++)
		free(fk.wdata[i]);
	free(doc_text);
	return opstest_group_teardown(state);
}

VT_MAIN_EACH(group_setup, group_teardown, opstest_setup, opstest_teardown, every_op_agrees)
