// SPDX-License-Identifier: Apache-2.0
/*
 * The op table and the arg-type facts on their own: the facts against the C
 * types they describe, every row's internal consistency (refs, roles, groups,
 * tensors, a typed call in the runtime for every row and no call without
 * one), the matrix span at its edges, repeated groups with a row built here,
 * the model ops' tensor rule and their two read groups, the op type's two
 * forms, sizes derived on the sending side, and the refusal messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ops/genop_unpack.h"
#include "optab.h"
#include "tensor.h"
#include "vaccel/ops/tf.h"
#include "vaccel_common.h"

#define ARG(t, b, s) ((struct vaccel_arg){.buf = (void *)(b), .size = (s), .type = (t)})

/* ---- arg-type facts ---- */

static void type_facts(void **state)
{
	/* What each type holds, written out here rather than taken from vaccel/arg.h. */
	enum { S = OPTAB_KIND_SCALAR, A = OPTAB_KIND_ARRAY, B = OPTAB_KIND_BULK };
	static const struct {
		vaccel_arg_type_t type;
		uint8_t kind, size;
		bool is_signed, is_float;
	} want[] = {
	    /* clang-format off */
	    {VACCEL_ARG_RAW, B, 1, 0, 0},
	    {VACCEL_ARG_INT8, S, 1, 1, 0},	     {VACCEL_ARG_INT8_ARRAY, A, 1, 1, 0},
	    {VACCEL_ARG_INT16, S, 2, 1, 0},	     {VACCEL_ARG_INT16_ARRAY, A, 2, 1, 0},
	    {VACCEL_ARG_INT32, S, 4, 1, 0},	     {VACCEL_ARG_INT32_ARRAY, A, 4, 1, 0},
	    {VACCEL_ARG_INT64, S, 8, 1, 0},	     {VACCEL_ARG_INT64_ARRAY, A, 8, 1, 0},
	    {VACCEL_ARG_UINT8, S, 1, 0, 0},	     {VACCEL_ARG_UINT8_ARRAY, A, 1, 0, 0},
	    {VACCEL_ARG_UINT16, S, 2, 0, 0},	     {VACCEL_ARG_UINT16_ARRAY, A, 2, 0, 0},
	    {VACCEL_ARG_UINT32, S, 4, 0, 0},	     {VACCEL_ARG_UINT32_ARRAY, A, 4, 0, 0},
	    {VACCEL_ARG_UINT64, S, 8, 0, 0},	     {VACCEL_ARG_UINT64_ARRAY, A, 8, 0, 0},
	    {VACCEL_ARG_FLOAT32, S, 4, 1, 1},	     {VACCEL_ARG_FLOAT32_ARRAY, A, 4, 1, 1},
	    {VACCEL_ARG_FLOAT64, S, 8, 1, 1},	     {VACCEL_ARG_FLOAT64_ARRAY, A, 8, 1, 1},
	    {VACCEL_ARG_BOOL, S, 1, 0, 0},	     {VACCEL_ARG_BOOL_ARRAY, A, 1, 0, 0},
	    {VACCEL_ARG_CHAR, S, 1, (char)-1 < 0, 0}, {VACCEL_ARG_CHAR_ARRAY, A, 1, (char)-1 < 0, 0},
	    {VACCEL_ARG_UCHAR, S, 1, 0, 0},	     {VACCEL_ARG_UCHAR_ARRAY, A, 1, 0, 0},
	    {VACCEL_ARG_STRING, OPTAB_KIND_STRING, 1, 0, 0},
	    {VACCEL_ARG_BUFFER, B, 1, 0, 0},	     {VACCEL_ARG_CUSTOM, B, 1, 0, 0},
	    /* clang-format on */
	};

	(void)state;
	assert_int_equal(ARRAY_SIZE(want), VACCEL_ARG_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct optab_type *t = optab_type(want[i].type);

		assert_non_null(t);
		assert_int_equal(t->kind, want[i].kind);
		assert_int_equal(t->size, want[i].size);
		if (t->kind == OPTAB_KIND_SCALAR || t->kind == OPTAB_KIND_ARRAY) {
			assert_int_equal(t->is_signed, want[i].is_signed);
			assert_int_equal(t->is_float, want[i].is_float);
		}
		if (t->kind == OPTAB_KIND_SCALAR || t->kind == OPTAB_KIND_ARRAY) {
			/* a scalar and its array are twins of the same element */
			const struct optab_type *twin = optab_type(t->twin);

			assert_int_not_equal(twin->kind, t->kind);
			assert_int_equal(twin->size, t->size);
			assert_int_equal(optab_type(twin->twin), t);
			assert_true(t->align >= 1 && t->align <= t->size);
		} else {
			assert_int_equal(t->twin, want[i].type);
		}
	}
	/* Bulk may hold any element: the largest scalar alignment. */
	assert_int_equal(optab_type(VACCEL_ARG_RAW)->align, _Alignof(int64_t) > _Alignof(double)
								? _Alignof(int64_t)
								: _Alignof(double));
	assert_int_equal(optab_type(VACCEL_ARG_STRING)->align, 1);
	assert_null(optab_type(VACCEL_ARG_MAX));
	assert_null(optab_type(UINT32_MAX));
}

/* Every integer and float scalar type reads back its value (sign-extended, or clamped). */
static void scalar_values(void **state)
{
	static const struct {
		vaccel_arg_type_t type;
		uint64_t bits; /* the element's value, in its low bytes */
		int64_t i;
		double f;
	} cases[] = {
	    {VACCEL_ARG_INT8, 0xfe, -2, 0},
	    {VACCEL_ARG_INT16, 0x8000, INT16_MIN, 0},
	    {VACCEL_ARG_INT32, 0xffffffff, -1, 0},
	    {VACCEL_ARG_INT64, 0x8000000000000000ull, INT64_MIN, 0},
	    {VACCEL_ARG_UINT8, 0xfe, 254, 0},
	    {VACCEL_ARG_UINT16, 0xffff, 65535, 0},
	    {VACCEL_ARG_UINT32, 0xffffffff, 4294967295, 0},
	    {VACCEL_ARG_UINT64, 0xffffffffffffffffull, INT64_MAX, 0}, /* clamped */
	    {VACCEL_ARG_UINT64, 7, 7, 0},
	    {VACCEL_ARG_BOOL, 1, 1, 0},
	    {VACCEL_ARG_UCHAR, 0x80, 128, 0},
	};
	struct optab_arg d = {.name = "x", .role = OPTAB_IN, .len = OPTAB_LEN_ONE};
	const struct optab_op row = {.listed = true, .nr_read = 1, .rd = &d};
	struct optab_val v[1];
	struct optab_err err;
	float f32 = -1.5f;
	double f64 = 2.25;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t size = optab_type(cases[i].type)->size;
		unsigned char buf[8];
		uint64_t bits = cases[i].bits;
		struct vaccel_arg a = ARG(cases[i].type, buf, size);

		/* the element in host byte order */
		for (unsigned b = 0; b < size; b++)
			buf[__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? b : size - 1 - b] =
			    (unsigned char)(bits >> (8 * b));
		d.type = (uint8_t)cases[i].type;
		assert_int_equal(optab_check(&row, &a, 1, NULL, 0, 0, v, &err), 0);
		assert_int_equal(v[0].i, cases[i].i);
	}
	d.type = VACCEL_ARG_FLOAT32;
	assert_int_equal(
	    optab_check(&row, &ARG(VACCEL_ARG_FLOAT32, &f32, 4), 1, NULL, 0, 0, v, &err), 0);
	assert_true(v[0].f == -1.5);
	d.type = VACCEL_ARG_FLOAT64;
	assert_int_equal(
	    optab_check(&row, &ARG(VACCEL_ARG_FLOAT64, &f64, 8), 1, NULL, 0, 0, v, &err), 0);
	assert_true(v[0].f == 2.25);
}

/* ---- rows ---- */

static const struct optab_arg *ref_target(const struct optab_op *row, uint8_t ref)
{
	if (ref & 0x80u) {
		assert_true((ref & 0x7fu) < row->nr_write);
		return &row->wr[ref & 0x7fu];
	}
	assert_true(ref < row->nr_read);
	return &row->rd[ref];
}

/* A TENSOR descriptor's refs: its dims (an array of the family's width) and its INT32 data
 * type, in its own direction and, inside a group, in its own group. */
static void check_tensor(const struct optab_op *row, const struct optab_arg *d, bool write,
			 size_t member0, size_t members)
{
	const struct tensor_kind *kind = optab_tensor_kind(row);
	const struct optab_arg *dims = ref_target(row, d->ref[0]);
	const struct optab_arg *type = ref_target(row, d->ref[1]);

	assert_non_null(kind);
	assert_int_equal(d->type, VACCEL_ARG_BUFFER);
	assert_int_equal(optab_type(dims->type)->kind, OPTAB_KIND_ARRAY);
	assert_int_equal(optab_type(dims->type)->size, kind->dim_width);
	assert_int_equal(dims->len, OPTAB_LEN_FREE);
	assert_int_equal(type->type, VACCEL_ARG_INT32);
	assert_int_equal(type->len, OPTAB_LEN_ONE);
	for (unsigned r = 0; r < 2; r++) {
		size_t at = d->ref[r] & 0x7fu;

		assert_int_equal((d->ref[r] & 0x80u) != 0, write);
		if (members)
			assert_true(at >= member0 && at < member0 + members);
	}
	assert_int_equal(dims->role, d->role);
	assert_int_equal(type->role, d->role);
	if (!write)
		assert_true(dims->min >= 1); /* a tensor has at least one dim */
}

static void check_descriptors(const struct optab_op *row, const struct optab_arg *d, size_t n,
			      bool write)
{
	size_t member0 = 0, members = 0, groups = 0, first_group = n;

	for (size_t i = 0; i < n; i++) {
		const struct optab_type *t = optab_type(d[i].type);
		unsigned nrefs = d[i].len == OPTAB_LEN_MATRIX ? 3
				 : d[i].len == OPTAB_LEN_EQ || d[i].len == OPTAB_LEN_GE ||
					 d[i].len == OPTAB_LEN_GROUP
				     ? 1
				     : 0;
		bool in_group = members && i >= member0 && i < member0 + members;

		assert_non_null(d[i].name);
		assert_true(d[i].name[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_true(strcmp(d[i].name, d[j].name) != 0);
		if (write)
			assert_true(d[i].role == OPTAB_OUT || d[i].role == OPTAB_INOUT);
		else
			assert_int_equal(d[i].role, OPTAB_IN);
		assert_non_null(t);
		/* the length rule fits the type */
		if (d[i].len == OPTAB_LEN_ONE)
			assert_int_equal(t->kind, OPTAB_KIND_SCALAR);
		if (d[i].len == OPTAB_LEN_STR)
			assert_int_equal(t->kind, OPTAB_KIND_STRING);
		if (d[i].len >= OPTAB_LEN_EQ && d[i].len <= OPTAB_LEN_MATRIX)
			assert_true(t->kind == OPTAB_KIND_ARRAY || t->kind == OPTAB_KIND_BULK);
		if (d[i].len == OPTAB_LEN_TENSOR)
			check_tensor(row, &d[i], write, member0, in_group ? members : 0);
		if (d[i].flags & OPTAB_F_RESOURCE) {
			assert_false(write);
			assert_false(in_group);
			assert_int_equal(d[i].type, VACCEL_ARG_INT64);
			assert_int_equal(d[i].len, OPTAB_LEN_ONE);
			assert_true(d[i].min >= 1);
		}
		/* Counts come from scalars or free arrays only, so they never chain. */
		for (unsigned r = 0; r < nrefs; r++) {
			const struct optab_arg *target = ref_target(row, d[i].ref[r]);

			assert_true(target->len == OPTAB_LEN_ONE || target->len == OPTAB_LEN_FREE);
			if (d[i].len == OPTAB_LEN_MATRIX)
				assert_int_equal(target->type, VACCEL_ARG_INT64);
		}
		if (d[i].len == OPTAB_LEN_GROUP) {
			/* a group counts by a scalar before every group (read's fixed part) */
			size_t at = d[i].ref[0] & 0x7fu;

			assert_true(d[i].min >= 1);
			assert_true(i + 1 + (size_t)d[i].min <= n);
			assert_false(write ? row->tail_write : row->tail_read);
			assert_int_equal(ref_target(row, d[i].ref[0])->len, OPTAB_LEN_ONE);
			if (!groups)
				first_group = i;
			if (((d[i].ref[0] & 0x80u) != 0) == write)
				assert_true(at < first_group);
			member0 = i + 1;
			members = (size_t)d[i].min;
			groups++;
		} else if (groups) {
			/* after the first group only groups and their members */
			assert_true(in_group);
		}
	}
	/* groups come last in their direction, and a write direction has at most one */
	assert_true(!write || groups <= 1);
}

static void rows_consistent(void **state)
{
	unsigned rows = 0, model_rows = 0;

	(void)state;
	for (uint32_t op = 0; op < 256; op++) {
		const struct optab_op *row = optab_op(op);

		/* a row exactly where the runtime has a typed call: every op */
		if (op < VACCEL_OP_MAX) {
			bool model = op >= VACCEL_OP_TF_MODEL_LOAD && op <= VACCEL_OP_TORCH_SGEMM;

			assert_non_null(row);
			assert_non_null(ops_genop_caller((vaccel_op_type_t)op));
			/* the model ops, and only they, carry tensors */
			assert_int_equal(row->tensor != OPTAB_TENSOR_NONE, model);
		}
		if (!row)
			continue;
		rows++;
		model_rows += row->tensor != OPTAB_TENSOR_NONE;
		assert_int_equal(row->op, op);
		assert_true(row->nr_read <= OPTAB_MAX_FIXED && row->nr_write <= OPTAB_MAX_FIXED);
		check_descriptors(row, row->rd, row->nr_read, false);
		check_descriptors(row, row->wr, row->nr_write, true);
	}
	assert_int_equal(rows, VACCEL_OP_MAX);
	assert_int_equal(model_rows, VACCEL_OP_TORCH_SGEMM - VACCEL_OP_TF_MODEL_LOAD + 1);
	assert_null(ops_genop_caller(VACCEL_OP_MAX));
}

static void write_roles(void **state)
{
	const struct optab_op *sgemm = optab_op(VACCEL_OP_BLAS_SGEMM);
	const struct optab_op *minmax = optab_op(VACCEL_OP_MINMAX);
	const struct optab_op *exec = optab_op(VACCEL_OP_EXEC);

	(void)state;
	assert_int_equal(optab_write_role(sgemm, 0), OPTAB_INOUT); /* c = ... + beta * c */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(optab_write_role(minmax, i), OPTAB_OUT);
	assert_int_equal(optab_write_role(minmax, 3), OPTAB_INOUT); /* beyond the row */
	assert_int_equal(optab_write_role(exec, 0), OPTAB_INOUT);   /* pass-through */
	assert_int_equal(optab_write_role(NULL, 0), OPTAB_INOUT);
}

/* ---- matrix span ---- */

static void matrix_span(void **state)
{
	size_t span = 0;

	(void)state;
	assert_true(optab_matrix_span(1, 1, 1, &span));
	assert_int_equal(span, 1);
	assert_true(optab_matrix_span(2, 3, 5, &span));
	assert_int_equal(span, 8); /* the last row needs only cols */
	assert_true(optab_matrix_span(3, 4, 4, &span));
	assert_int_equal(span, 12);
	assert_false(optab_matrix_span(0, 1, 1, &span));
	assert_false(optab_matrix_span(1, 0, 1, &span));
	assert_false(optab_matrix_span(2, 3, 2, &span)); /* ld < cols */
	assert_false(optab_matrix_span(-1, 1, 1, &span));
	assert_false(optab_matrix_span(INT64_MAX, 2, INT64_MAX, &span));
	assert_false(optab_matrix_span(3, INT64_MAX, INT64_MAX, &span)); /* 3 * INT64_MAX */
}

/* ---- repeated groups (a row built here; the model ops of #9 will look like it) ---- */

/*
 * read: INT64 model (resource), UINT32 nr_in, UINT32 nr_out, then nr_in x
 * {INT64_ARRAY dims (>= 1), UINT32 dtype, BUFFER data[>= len(dims)]};
 * write: nr_out x {INT64_ARRAY dims[>= 1], BUFFER data (in/out)}.
 */
/* clang-format off */
static const struct optab_arg grp_rd[] = {
    {.name = "model", .type = VACCEL_ARG_INT64, .role = OPTAB_IN, .len = OPTAB_LEN_ONE, .flags = OPTAB_F_RESOURCE, .min = 1},
    {.name = "nr_in", .type = VACCEL_ARG_UINT32, .role = OPTAB_IN, .len = OPTAB_LEN_ONE},
    {.name = "nr_out", .type = VACCEL_ARG_UINT32, .role = OPTAB_IN, .len = OPTAB_LEN_ONE},
    {.name = "inputs", .len = OPTAB_LEN_GROUP, .role = OPTAB_IN, .ref = {1}, .min = 3},
    {.name = "dims", .type = VACCEL_ARG_INT64_ARRAY, .role = OPTAB_IN, .len = OPTAB_LEN_FREE, .min = 1},
    {.name = "dtype", .type = VACCEL_ARG_UINT32, .role = OPTAB_IN, .len = OPTAB_LEN_ONE},
    {.name = "data", .type = VACCEL_ARG_BUFFER, .role = OPTAB_IN, .len = OPTAB_LEN_GE, .ref = {4}},
};
static const struct optab_arg grp_wr[] = {
    {.name = "outputs", .len = OPTAB_LEN_GROUP, .role = OPTAB_OUT, .ref = {2}, .min = 2},
    {.name = "dims", .type = VACCEL_ARG_INT64_ARRAY, .role = OPTAB_OUT, .len = OPTAB_LEN_FREE, .min = 1},
    {.name = "data", .type = VACCEL_ARG_BUFFER, .role = OPTAB_INOUT, .len = OPTAB_LEN_FREE},
};
/* clang-format on */
static const struct optab_op grp_row = {.listed = true,
					.op = VACCEL_OP_NOOP,
					.nr_read = ARRAY_SIZE(grp_rd),
					.nr_write = ARRAY_SIZE(grp_wr),
					.rd = grp_rd,
					.wr = grp_wr};

static int grp_check(struct vaccel_arg *r, size_t nr, struct vaccel_arg *w, size_t nw,
		     struct optab_err *err)
{
	return optab_check(&grp_row, r, nr, w, nw, OPTAB_ALIGN, NULL, err);
}

static void groups(void **state)
{
	int64_t model = 5, dims0[2] = {2, 3}, dims1[1] = {4}, odims[2] = {0};
	uint32_t two = 2, one = 1, zero = 0, dtype = 1;
	unsigned char d0[8], d1[4], out[16];
	struct optab_err err;
	struct vaccel_arg r[9] = {
	    ARG(VACCEL_ARG_INT64, &model, 8),	    ARG(VACCEL_ARG_UINT32, &two, 4),
	    ARG(VACCEL_ARG_UINT32, &one, 4),	    ARG(VACCEL_ARG_INT64_ARRAY, dims0, 16),
	    ARG(VACCEL_ARG_UINT32, &dtype, 4),	    ARG(VACCEL_ARG_BUFFER, d0, sizeof(d0)),
	    ARG(VACCEL_ARG_INT64_ARRAY, dims1, 8),  ARG(VACCEL_ARG_UINT32, &dtype, 4),
	    ARG(VACCEL_ARG_BUFFER, d1, sizeof(d1)),
	};
	struct vaccel_arg w[2] = {ARG(VACCEL_ARG_INT64_ARRAY, odims, 16),
				  ARG(VACCEL_ARG_BUFFER, out, sizeof(out))};
	struct vaccel_arg keep;

	(void)state;
	/* the row passes the checks every real row passes */
	check_descriptors(&grp_row, grp_rd, ARRAY_SIZE(grp_rd), false);
	check_descriptors(&grp_row, grp_wr, ARRAY_SIZE(grp_wr), true);
	assert_int_equal(grp_check(r, 9, w, 2, &err), 0);
	/* the counts are what the scalars say: one input too few or too many, outputs likewise */
	assert_int_equal(grp_check(r, 6, w, 2, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_COUNT);
	assert_int_equal(err.need, 9);
	assert_int_equal(grp_check(r, 8, w, 2, &err), -1);
	assert_int_equal(grp_check(r, 9, w, 1, &err), -1);
	assert_int_equal(err.write, true);
	r[1] = ARG(VACCEL_ARG_UINT32, &one, 4);
	assert_int_equal(grp_check(r, 6, w, 2, &err), 0);
	r[2] = ARG(VACCEL_ARG_UINT32, &zero, 4);
	assert_int_equal(grp_check(r, 6, w, 0, &err), 0);
	r[1] = ARG(VACCEL_ARG_UINT32, &two, 4);
	r[2] = ARG(VACCEL_ARG_UINT32, &one, 4);
	/* a member's relation refers to its own repetition: input 1's data < len(its dims) */
	keep = r[8];
	r[8] = ARG(VACCEL_ARG_BUFFER, d1, 0);
	assert_int_equal(grp_check(r, 9, w, 2, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_SHORT);
	assert_int_equal(err.index, 8);
	assert_string_equal(err.name, "data");
	r[8] = keep;
	/* a member's type and minimum */
	r[7] = ARG(VACCEL_ARG_INT32, &dtype, 4);
	assert_int_equal(grp_check(r, 9, w, 2, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_TYPE);
	r[7] = ARG(VACCEL_ARG_UINT32, &dtype, 4);
	r[6] = ARG(VACCEL_ARG_INT64_ARRAY, dims1, 0);
	assert_int_equal(grp_check(r, 9, w, 2, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_MIN);
	r[6] = ARG(VACCEL_ARG_INT64_ARRAY, dims1, 8);
	/* roles repeat with their member */
	assert_int_equal(optab_write_role(&grp_row, 0), OPTAB_OUT);
	assert_int_equal(optab_write_role(&grp_row, 1), OPTAB_INOUT);
	assert_int_equal(optab_write_role(&grp_row, 4), OPTAB_OUT);
	assert_int_equal(optab_write_role(&grp_row, 5), OPTAB_INOUT);
}

/* ---- the model ops: tensors as args ---- */

/* Torch model run with one input and one result slot, each arg adjustable. */
struct torch_req {
	int64_t model, dims[OPTAB_TENSOR_MAX_DIMS + 2], odims[OPTAB_TENSOR_MAX_DIMS];
	int32_t nin, nout, type, otype;
	_Alignas(8) unsigned char data[64], out[64];
	struct vaccel_arg r[7], w[3];
};

static void torch_req_init(struct torch_req *q)
{
	memset(q, 0, sizeof(*q));
	q->model = 3;
	q->nin = q->nout = 1;
	q->dims[0] = 2;
	q->dims[1] = 3;
	q->type = 7; /* VACCEL_TORCH_FLOAT: 2 x 3 x 4 bytes */
	q->r[0] = ARG(VACCEL_ARG_INT64, &q->model, 8);
	q->r[1] = ARG(VACCEL_ARG_BUFFER, NULL, 0);
	q->r[2] = ARG(VACCEL_ARG_INT32, &q->nin, 4);
	q->r[3] = ARG(VACCEL_ARG_INT32, &q->nout, 4);
	q->r[4] = ARG(VACCEL_ARG_INT64_ARRAY, q->dims, 16);
	q->r[5] = ARG(VACCEL_ARG_INT32, &q->type, 4);
	q->r[6] = ARG(VACCEL_ARG_BUFFER, q->data, 24);
	q->w[0] = ARG(VACCEL_ARG_INT64_ARRAY, q->odims, sizeof(q->odims));
	q->w[1] = ARG(VACCEL_ARG_INT32, &q->otype, 4);
	q->w[2] = ARG(VACCEL_ARG_BUFFER, q->out, sizeof(q->out));
}

static int torch_check(struct torch_req *q, unsigned flags, struct optab_err *err)
{
	return optab_check(optab_op(VACCEL_OP_TORCH_MODEL_RUN), q->r, 7, q->w, 3, flags, NULL, err);
}

/* The fault a broken input gets, and its message. */
static void tensor_refused(struct torch_req *q, enum optab_fault fault, const char *msg)
{
	struct optab_err err;
	char buf[256];

	assert_int_equal(torch_check(q, OPTAB_ALIGN, &err), -1);
	assert_int_equal(err.fault, fault);
	optab_err_str(optab_op(VACCEL_OP_TORCH_MODEL_RUN), &err, buf, sizeof(buf));
	assert_string_equal(buf, msg);
}

static void tensor_rule(void **state)
{
	struct torch_req q;
	struct optab_err err;

	(void)state;
	torch_req_init(&q);
	assert_int_equal(torch_check(&q, OPTAB_ALIGN, &err), 0);
	/* the data holds exactly what the shape needs */
	q.r[6].size = 20;
	tensor_refused(&q, OPTAB_E_UNEQUAL,
		       "torch_model_run: read[7] in_data: 20 elements, must be exactly 24");
	q.r[6].size = 28;
	tensor_refused(&q, OPTAB_E_UNEQUAL,
		       "torch_model_run: read[7] in_data: 28 elements, must be exactly 24");
	/* ... as its data type says: LONG is 8 bytes */
	torch_req_init(&q);
	q.type = 5;
	tensor_refused(&q, OPTAB_E_UNEQUAL,
		       "torch_model_run: read[7] in_data: 24 elements, must be exactly 48");
	q.type = 0; /* no Torch type 0 */
	tensor_refused(&q, OPTAB_E_TENSOR,
		       "torch_model_run: read[7] in_data: tensor shape: unknown data type");
	q.type = 99;
	tensor_refused(&q, OPTAB_E_TENSOR,
		       "torch_model_run: read[7] in_data: tensor shape: unknown data type");
	/* each dim, their count and their product */
	torch_req_init(&q);
	q.dims[1] = -3;
	tensor_refused(&q, OPTAB_E_TENSOR,
		       "torch_model_run: read[7] in_data: tensor shape: negative dim");
	q.dims[0] = INT64_MAX;
	q.dims[1] = INT64_MAX;
	tensor_refused(&q, OPTAB_E_TENSOR,
		       "torch_model_run: read[7] in_data: tensor shape: element count overflows");
	q.dims[0] = INT64_MAX / 2; /* the count fits, its bytes (LONG: 8 each) do not */
	q.dims[1] = 1;
	q.type = 5;
	tensor_refused(
	    &q, OPTAB_E_TENSOR,
	    "torch_model_run: read[7] in_data: tensor shape: data larger than the limit");
	torch_req_init(&q);
	for (int i = 0; i < OPTAB_TENSOR_MAX_DIMS + 1; i++)
		q.dims[i] = 1;
	q.r[4].size = 8 * (OPTAB_TENSOR_MAX_DIMS + 1);
	q.r[6].size = 4;
	tensor_refused(&q, OPTAB_E_TENSOR,
		       "torch_model_run: read[7] in_data: tensor shape: too many dims");
	q.r[4].size = 8 * OPTAB_TENSOR_MAX_DIMS; /* the most dims */
	assert_int_equal(torch_check(&q, OPTAB_ALIGN, &err), 0);
	q.r[4].size = 0;
	tensor_refused(&q, OPTAB_E_MIN, "torch_model_run: read[5] in_dims: 0, must be at least 1");
	/* a dim of 0: no data */
	torch_req_init(&q);
	q.dims[0] = 0;
	q.r[6] = ARG(VACCEL_ARG_BUFFER, NULL, 0);
	assert_int_equal(torch_check(&q, OPTAB_ALIGN, &err), 0);
	/* dims are read through a typed pointer: aligned, or refused */
	torch_req_init(&q);
	q.r[4].buf = (unsigned char *)q.dims + 1;
	assert_int_equal(torch_check(&q, OPTAB_ALIGN, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_ALIGN);
	assert_int_equal(torch_check(&q, 0, &err), -1); /* the tensor rule insists itself */
	assert_int_equal(err.fault, OPTAB_E_ALIGN);
	/* the sending side sends its caller's tensor as it is; result slots are capacities */
	torch_req_init(&q);
	q.r[6].size = 20;
	assert_int_equal(torch_check(&q, OPTAB_DERIVE, &err), 0);
	torch_req_init(&q);
	q.w[0].size = 0;
	q.w[2] = ARG(VACCEL_ARG_BUFFER, NULL, 0);
	assert_int_equal(torch_check(&q, OPTAB_ALIGN, &err), 0);
	/* the result slot's own type facts still hold */
	q.w[1].size = 8;
	assert_int_equal(torch_check(&q, OPTAB_ALIGN, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_SIZE);
}

/* A type of no fixed element size (TF_STRING): any data, at least a byte per element. */
static void tensor_unsized_type(void **state)
{
	const struct optab_op *row = optab_op(VACCEL_OP_TF_MODEL_RUN);
	int64_t model = 1, dims[1] = {4};
	int32_t nin = 1, nout = 0, id = 0, type = VACCEL_TF_STRING;
	unsigned char data[8] = {0}, code, msg[8];
	struct vaccel_arg r[9] = {
	    ARG(VACCEL_ARG_INT64, &model, 8),	  ARG(VACCEL_ARG_BUFFER, NULL, 0),
	    ARG(VACCEL_ARG_INT32, &nin, 4),	  ARG(VACCEL_ARG_INT32, &nout, 4),
	    ARG(VACCEL_ARG_STRING, "in", 3),	  ARG(VACCEL_ARG_INT32, &id, 4),
	    ARG(VACCEL_ARG_INT64_ARRAY, dims, 8), ARG(VACCEL_ARG_INT32, &type, 4),
	    ARG(VACCEL_ARG_BUFFER, data, 8),
	};
	struct vaccel_arg w[2] = {ARG(VACCEL_ARG_UINT8, &code, 1),
				  ARG(VACCEL_ARG_CHAR_ARRAY, msg, sizeof(msg))};
	struct optab_err err;

	(void)state;
	assert_int_equal(optab_check(row, r, 9, w, 2, OPTAB_ALIGN, NULL, &err), 0);
	r[8].size = 4;
	assert_int_equal(optab_check(row, r, 9, w, 2, OPTAB_ALIGN, NULL, &err), 0);
	r[8].size = 3;
	assert_int_equal(optab_check(row, r, 9, w, 2, OPTAB_ALIGN, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_TENSOR);
	assert_int_equal(err.index, 8);
}

/* TF's run has two read groups: inputs {node, id, tensor}, then out_nodes {node, id}. */
static void two_read_groups(void **state)
{
	const struct optab_op *row = optab_op(VACCEL_OP_TF_MODEL_RUN);
	int64_t model = 1, dims[2][2] = {{2, 2}, {1, 1}}, odims[OPTAB_TENSOR_MAX_DIMS];
	int32_t nin = 2, nout = 1, id = 0, f32 = VACCEL_TF_FLOAT, otype;
	_Alignas(8) unsigned char d0[16] = {0}, d1[4] = {0}, out[32], code, msg[16];
	char bad[3] = {'o', 'u', 't'};
	struct vaccel_arg r[16] = {
	    ARG(VACCEL_ARG_INT64, &model, 8),
	    ARG(VACCEL_ARG_BUFFER, NULL, 0),
	    ARG(VACCEL_ARG_INT32, &nin, 4),
	    ARG(VACCEL_ARG_INT32, &nout, 4),
	    ARG(VACCEL_ARG_STRING, "a", 2),
	    ARG(VACCEL_ARG_INT32, &id, 4),
	    ARG(VACCEL_ARG_INT64_ARRAY, dims[0], 16),
	    ARG(VACCEL_ARG_INT32, &f32, 4),
	    ARG(VACCEL_ARG_BUFFER, d0, 16),
	    ARG(VACCEL_ARG_STRING, "b", 2),
	    ARG(VACCEL_ARG_INT32, &id, 4),
	    ARG(VACCEL_ARG_INT64_ARRAY, dims[1], 16),
	    ARG(VACCEL_ARG_INT32, &f32, 4),
	    ARG(VACCEL_ARG_BUFFER, d1, 4),
	    ARG(VACCEL_ARG_STRING, "out", 4),
	    ARG(VACCEL_ARG_INT32, &id, 4),
	};
	struct vaccel_arg w[5] = {
	    ARG(VACCEL_ARG_UINT8, &code, 1),
	    ARG(VACCEL_ARG_CHAR_ARRAY, msg, sizeof(msg)),
	    ARG(VACCEL_ARG_INT64_ARRAY, odims, sizeof(odims)),
	    ARG(VACCEL_ARG_INT32, &otype, 4),
	    ARG(VACCEL_ARG_BUFFER, out, sizeof(out)),
	};
	struct optab_err err;

	(void)state;
	assert_int_equal(optab_check(row, r, 16, w, 5, OPTAB_ALIGN, NULL, &err), 0);
	/* the second group starts where the first one's repetitions end */
	r[14] = ARG(VACCEL_ARG_STRING, bad, sizeof(bad));
	assert_int_equal(optab_check(row, r, 16, w, 5, OPTAB_ALIGN, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_STRING);
	assert_int_equal(err.index, 14);
	assert_string_equal(err.name, "out_node");
	r[14] = ARG(VACCEL_ARG_STRING, "out", 4);
	/* the second input's tensor is judged by its own dims */
	r[13].size = 8;
	assert_int_equal(optab_check(row, r, 16, w, 5, OPTAB_ALIGN, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_UNEQUAL);
	assert_int_equal(err.index, 13);
	r[13].size = 4;
	/* counts: one output more means two args more in read, three in write */
	nout = 2;
	assert_int_equal(optab_check(row, r, 16, w, 5, OPTAB_ALIGN, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_COUNT);
	assert_int_equal(err.need, 18);
	nout = 0;
	assert_int_equal(optab_check(row, r, 14, w, 2, OPTAB_ALIGN, NULL, &err), 0);
	nin = -1;
	assert_int_equal(optab_check(row, r, 14, w, 2, OPTAB_ALIGN, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_MIN);
	/* the fault names the count and its value, not the group */
	assert_string_equal(err.name, "nr_inputs");
	assert_int_equal((int64_t)err.have, -1);
	nin = INT32_MAX; /* counts are bounded by the args there are */
	assert_int_equal(optab_check(row, r, 14, w, 2, OPTAB_ALIGN, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_COUNT);
	/* results repeat their slots' roles */
	assert_int_equal(optab_write_role(row, 2), OPTAB_OUT);
	assert_int_equal(optab_write_role(row, 7), OPTAB_OUT);
}

/* The op type: main's UINT8, 0.7.1's 4-byte enum, nothing else. */
static void op_type_forms(void **state)
{
	uint8_t u8 = VACCEL_OP_MINMAX, two[2] = {1, 0};
	uint32_t u32 = VACCEL_OP_MINMAX, max = VACCEL_OP_MAX;
	int32_t i32 = VACCEL_OP_EXEC, neg = -1;
	int64_t i64 = VACCEL_OP_EXEC;
	uint32_t op = 0;
	const struct {
		struct vaccel_arg arg;
		int ret;
		uint32_t op;
	} cases[] = {
	    {ARG(VACCEL_ARG_UINT8, &u8, 1), 0, VACCEL_OP_MINMAX},
	    {ARG(VACCEL_ARG_RAW, &u8, 1), 0, VACCEL_OP_MINMAX},
	    {ARG(VACCEL_ARG_RAW, &u32, 4), 0, VACCEL_OP_MINMAX},
	    {ARG(VACCEL_ARG_UINT32, &u32, 4), 0, VACCEL_OP_MINMAX},
	    {ARG(VACCEL_ARG_INT32, &i32, 4), 0, VACCEL_OP_EXEC},
	    {ARG(VACCEL_ARG_UINT32, &max, 4), -2, VACCEL_OP_MAX},
	    {ARG(VACCEL_ARG_INT32, &neg, 4), -2, UINT32_MAX},
	    {ARG(VACCEL_ARG_INT8, &u8, 1), -1, 0},
	    {ARG(VACCEL_ARG_UINT8, two, 2), -1, 0},
	    {ARG(VACCEL_ARG_RAW, two, 2), -1, 0},
	    {ARG(VACCEL_ARG_INT64, &i64, 8), -1, 0},
	    {ARG(VACCEL_ARG_UINT16, two, 2), -1, 0},
	    {ARG(VACCEL_ARG_UINT8, NULL, 1), -1, 0},
	    {ARG(VACCEL_ARG_UINT32, NULL, 4), -1, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		op = 0;
		assert_int_equal(optab_op_type(&cases[i].arg, &op), cases[i].ret);
		assert_int_equal(op, cases[i].op);
	}
}

/* ---- the sending side derives sizes ---- */

static void derive(void **state)
{
	const struct optab_op *sgemm = optab_op(VACCEL_OP_BLAS_SGEMM);
	int64_t m = 2, n = 3, k = 4, lda = 4, ldb = 3, ldc = 5;
	float alpha = 1, beta = 0, a[8], b[12], c[8];
	struct vaccel_arg r[10] = {
	    ARG(VACCEL_ARG_INT64, &m, 8),
	    ARG(VACCEL_ARG_INT64, &n, 8),
	    ARG(VACCEL_ARG_INT64, &k, 8),
	    ARG(VACCEL_ARG_FLOAT32, &alpha, 4),
	    ARG(VACCEL_ARG_FLOAT32_ARRAY, a, OPTAB_DERIVED),
	    ARG(VACCEL_ARG_INT64, &lda, 8),
	    ARG(VACCEL_ARG_FLOAT32_ARRAY, b, OPTAB_DERIVED),
	    ARG(VACCEL_ARG_INT64, &ldb, 8),
	    ARG(VACCEL_ARG_FLOAT32, &beta, 4),
	    ARG(VACCEL_ARG_INT64, &ldc, 8),
	};
	struct vaccel_arg w[1] = {ARG(VACCEL_ARG_FLOAT32_ARRAY, c, OPTAB_DERIVED)};
	struct optab_err err;

	(void)state;
	assert_int_equal(optab_check(sgemm, r, 10, w, 1, OPTAB_DERIVE, NULL, &err), 0);
	assert_int_equal(r[4].size, 8 * sizeof(float));	 /* (2-1)*4+4 */
	assert_int_equal(r[6].size, 12 * sizeof(float)); /* (4-1)*3+3 */
	assert_int_equal(w[0].size, 8 * sizeof(float));	 /* (2-1)*5+3 */
	/* the same request, now sized, passes the receiving side's checks */
	assert_int_equal(optab_check(sgemm, r, 10, w, 1, OPTAB_ALIGN, NULL, &err), 0);
	/* nothing to derive from: an invalid shape, a NULL buffer, a free-length arg */
	r[4].size = OPTAB_DERIVED;
	lda = 3; /* < k */
	assert_int_equal(optab_check(sgemm, r, 10, w, 1, OPTAB_DERIVE, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_SHAPE);
	lda = 4;
	r[4] = ARG(VACCEL_ARG_FLOAT32_ARRAY, NULL, OPTAB_DERIVED);
	assert_int_equal(optab_check(sgemm, r, 10, w, 1, OPTAB_DERIVE, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_NULL);

	const struct optab_op *copy = optab_op(VACCEL_OP_FPGA_ARRAYCOPY);
	int ia[3], io[3];
	struct vaccel_arg cr[1] = {ARG(VACCEL_ARG_INT32_ARRAY, ia, OPTAB_DERIVED)};
	struct vaccel_arg cw[1] = {ARG(VACCEL_ARG_INT32_ARRAY, io, OPTAB_DERIVED)};

	assert_int_equal(optab_check(copy, cr, 1, cw, 1, OPTAB_DERIVE, NULL, &err), -1);
	assert_int_equal(err.fault, OPTAB_E_SIZE);
	cr[0].size = sizeof(ia);
	assert_int_equal(optab_check(copy, cr, 1, cw, 1, OPTAB_DERIVE, NULL, &err), 0);
	assert_int_equal(cw[0].size, sizeof(io));
}

/* ---- refusal messages ---- */

static void messages(void **state)
{
	const struct optab_op *minmax = optab_op(VACCEL_OP_MINMAX);
	double in[4] = {0}, out[4], mn, mx;
	int32_t nd = 5, lo = 0, hi = 1;
	struct vaccel_arg r[4] = {ARG(VACCEL_ARG_FLOAT64_ARRAY, in, sizeof(in)),
				  ARG(VACCEL_ARG_INT32, &nd, 4), ARG(VACCEL_ARG_INT32, &lo, 4),
				  ARG(VACCEL_ARG_INT32, &hi, 4)};
	struct vaccel_arg w[3] = {ARG(VACCEL_ARG_FLOAT64_ARRAY, out, sizeof(out)),
				  ARG(VACCEL_ARG_FLOAT64, &mn, 8), ARG(VACCEL_ARG_FLOAT64, &mx, 8)};
	struct optab_err err;
	char msg[256];

	(void)state;
	assert_int_equal(optab_check(minmax, r, 4, w, 3, OPTAB_ALIGN, NULL, &err), -1);
	optab_err_str(minmax, &err, msg, sizeof(msg));
	assert_string_equal(msg, "minmax: read[1] indata: 4 elements, must be exactly 5");
	assert_int_equal(optab_check(minmax, r, 3, w, 3, OPTAB_ALIGN, NULL, &err), -1);
	optab_err_str(minmax, &err, msg, sizeof(msg));
	assert_string_equal(msg, "minmax: expected 4 read args after the op type, got 3");
	nd = -2;
	assert_int_equal(optab_check(minmax, r, 4, w, 3, OPTAB_ALIGN, NULL, &err), -1);
	optab_err_str(minmax, &err, msg, sizeof(msg));
	assert_string_equal(msg, "minmax: read[2] ndata: -2, must be at least 1");
	nd = 4;
	w[2] = ARG(VACCEL_ARG_FLOAT32, &mx, 4);
	assert_int_equal(optab_check(minmax, r, 4, w, 3, OPTAB_ALIGN, NULL, &err), -1);
	optab_err_str(minmax, &err, msg, sizeof(msg));
	assert_string_equal(
	    msg, "minmax: write[2] max: expected VACCEL_ARG_FLOAT64, got VACCEL_ARG_FLOAT32");
	/* a short buffer gets a cut message, and the length it would need */
	assert_true(optab_err_str(minmax, &err, msg, 8) > 8);
	assert_int_equal(strlen(msg), 7);
}

#define OPTABLE_TESTS(X)                                                                           \
	X(type_facts)                                                                              \
	X(scalar_values)                                                                           \
	X(rows_consistent)                                                                         \
	X(write_roles) X(matrix_span) X(groups) X(tensor_rule) X(tensor_unsized_type)              \
	    X(two_read_groups) X(op_type_forms) X(derive) X(messages)
#define UNIT_TEST(fn) cmocka_unit_test(fn),

int main(void)
{
	const struct CMUnitTest tests[] = {OPTABLE_TESTS(UNIT_TEST)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
