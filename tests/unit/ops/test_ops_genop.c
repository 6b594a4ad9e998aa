// SPDX-License-Identifier: Apache-2.0
/*
 * vaccel_genop(): every genop-capable op reaches the plugin with the same
 * arguments as its typed call, and malformed requests (wrong types, short
 * buffers, lying counts, missing or extra args, bad op types) are refused
 * before the plugin runs. Buffers are exact-size arrays, so under ASan any
 * read or write past a declared size would be reported.
 */

#include "opstest_common.h"
#include "vaccel_common.h"
#include <stdint.h>
#include <string.h>
#include "vt_main.h"

#define F(state) ((struct opstest_fixture *)*(state))

#define ARG(t, b, s) ((struct vaccel_arg){.buf = (void *)(b), .size = (s), .type = (t)})

static uint8_t opv[256]; /* opv[i] == i: storage for the op-type arg */
#define OP(op) ARG(VACCEL_ARG_UINT8, &opv[op], 1)

/* genop returns `want` and no plugin op ran. */
static void expect_refused(struct opstest_fixture *f, struct vaccel_arg *read, int nr_read,
			   struct vaccel_arg *write, int nr_write, int want, const char *file,
			   int line)
{
	unsigned int before = opstest_total_calls(f->st);

	_assert_int_equal((uintmax_t)vaccel_genop(&f->sess, read, nr_read, write, nr_write),
			  (uintmax_t)want, file, line);
	_assert_int_equal(opstest_total_calls(f->st), before, file, line);
}
#define REFUSED(f, r, nr, w, nw, want) expect_refused(f, r, nr, w, nw, want, __FILE__, __LINE__)

/* ---- op type ---- */

static void noop_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_arg read[] = {OP(VACCEL_OP_NOOP)};

	assert_int_equal(vaccel_genop(&f->sess, read, 1, NULL, 0), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_NOOP], 1);
	assert_ptr_equal(f->st->sess, &f->sess);

	f->st->ret = 77;
	assert_int_equal(vaccel_genop(&f->sess, read, 1, NULL, 0), 77);
}

static void noop_extra_args(void **state)
{
	struct opstest_fixture *f = F(state);
	int32_t x = 1;
	struct vaccel_arg read[] = {OP(VACCEL_OP_NOOP), ARG(VACCEL_ARG_INT32, &x, 4)};
	struct vaccel_arg write[] = {ARG(VACCEL_ARG_INT32, &x, 4)};

	REFUSED(f, read, 2, NULL, 0, VACCEL_EINVAL);
	REFUSED(f, read, 1, write, 1, VACCEL_EINVAL);
}

static void bad_op_arg(void **state)
{
	struct opstest_fixture *f = F(state);
	uint8_t two[2] = {0, 0};
	uint32_t wide = VACCEL_OP_MAX;
	int32_t neg = -1;
	int64_t i64 = VACCEL_OP_NOOP;
	struct vaccel_arg cases[] = {
	    ARG(VACCEL_ARG_INT8, &opv[0], 1),	 /* wrong type, right size */
	    ARG(VACCEL_ARG_RAW, two, 2),	 /* neither form */
	    ARG(VACCEL_ARG_INT64, &i64, 8),	 /* neither form */
	    ARG(VACCEL_ARG_UINT32, &wide, 4),	 /* 0.7.1's 4 bytes, == VACCEL_OP_MAX */
	    ARG(VACCEL_ARG_INT32, &neg, 4),	 /* 0.7.1's 4 bytes, negative */
	    ARG(VACCEL_ARG_UINT8, two, 2),	 /* too long */
	    ARG(VACCEL_ARG_UINT8, &opv[0], 0),	 /* empty */
	    ARG(VACCEL_ARG_UINT8, NULL, 1),	 /* no buffer */
	    ARG((vaccel_arg_type_t)99, two, 1),	 /* unknown type */
	    ARG(VACCEL_ARG_UINT8, &opv[24], 1),	 /* == VACCEL_OP_MAX */
	    ARG(VACCEL_ARG_UINT8, &opv[255], 1), /* far out of range */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		REFUSED(f, &cases[i], 1, NULL, 0, VACCEL_EINVAL);
}

static void bad_counts(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_arg read[] = {OP(VACCEL_OP_NOOP)};

	REFUSED(f, read, 0, NULL, 0, VACCEL_EINVAL);
	REFUSED(f, read, -1, NULL, 0, VACCEL_EINVAL);
	REFUSED(f, NULL, 1, NULL, 0, VACCEL_EINVAL);
	REFUSED(f, read, 1, NULL, -1, VACCEL_EINVAL);
	REFUSED(f, read, 1, NULL, 1, VACCEL_EINVAL);
	assert_int_equal(vaccel_genop(NULL, read, 1, NULL, 0), VACCEL_EINVAL);
	assert_int_equal(opstest_total_calls(f->st), 0);
}

/*
 * Upstream 0.7.1's programs pass the op type as their 4-byte vaccel_op_type_t:
 * untyped (RAW, as `{.size = sizeof(op_type), .buf = &op_type}` leaves it) or,
 * in some, typed INT32/UINT32. Its minmax_generic sends every other arg RAW
 * too, which that row accepts.
 */
static void op_type_071(void **state)
{
	struct opstest_fixture *f = F(state);
	vaccel_op_type_t noop = VACCEL_OP_NOOP, mm = VACCEL_OP_MINMAX;
	double in[] = {4, -1}, out[2], min, max;
	int ndata = 2, low = 0, high = 9;
	struct vaccel_arg forms[] = {
	    {.buf = &noop, .size = sizeof(noop)},
	    ARG(VACCEL_ARG_INT32, &noop, 4),
	    ARG(VACCEL_ARG_UINT32, &noop, 4),
	    ARG(VACCEL_ARG_RAW, &opv[VACCEL_OP_NOOP], 1),
	};
	struct vaccel_arg read[] = {{.buf = &mm, .size = sizeof(mm)},
				    {.buf = in, .size = sizeof(in)},
				    {.buf = &ndata, .size = sizeof(ndata)},
				    {.buf = &low, .size = sizeof(low)},
				    {.buf = &high, .size = sizeof(high)}};
	struct vaccel_arg write[] = {{.buf = out, .size = sizeof(out)},
				     {.buf = &min, .size = sizeof(min)},
				     {.buf = &max, .size = sizeof(max)}};

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++)
		assert_int_equal(vaccel_genop(&f->sess, &forms[i], 1, NULL, 0), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_NOOP], ARRAY_SIZE(forms));
	assert_int_equal(vaccel_genop(&f->sess, read, 5, write, 3), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_MINMAX], 1);
	assert_true(min == -1 && max == 4);
}

/* ---- model ops: tensors as args, results into the caller's slots ---- */

#define MAX_DIMS 32 /* the dims a result slot offers (OPTAB_TENSOR_MAX_DIMS) */

/* A TF run: one input (2 x 3 floats), two outputs (the opstest plugin echoes input 0). */
struct tf_run {
	int64_t model, dims[2], odims[2][MAX_DIMS];
	int32_t nin, nout, id, type, otype[2];
	float in[6], out[2][8];
	unsigned char code;
	char msg[64];
	struct vaccel_arg read[14], write[8];
};

static void tf_run_pack(struct tf_run *t, int64_t model)
{
	*t = (struct tf_run){.model = model,
			     .dims = {2, 3},
			     .nin = 1,
			     .nout = 2,
			     .type = VACCEL_TF_FLOAT,
			     .in = {1, 2, 3, 4, 5, 6},
			     .code = 9};
	struct vaccel_arg r[] = {
	    OP(VACCEL_OP_TF_MODEL_RUN),
	    ARG(VACCEL_ARG_INT64, &t->model, 8),
	    ARG(VACCEL_ARG_BUFFER, NULL, 0),
	    ARG(VACCEL_ARG_INT32, &t->nin, 4),
	    ARG(VACCEL_ARG_INT32, &t->nout, 4),
	    ARG(VACCEL_ARG_STRING, "in:0", 5),
	    ARG(VACCEL_ARG_INT32, &t->id, 4),
	    ARG(VACCEL_ARG_INT64_ARRAY, t->dims, sizeof(t->dims)),
	    ARG(VACCEL_ARG_INT32, &t->type, 4),
	    ARG(VACCEL_ARG_BUFFER, t->in, sizeof(t->in)),
	    ARG(VACCEL_ARG_STRING, "out:0", 6),
	    ARG(VACCEL_ARG_INT32, &t->id, 4),
	    ARG(VACCEL_ARG_STRING, "out:1", 6),
	    ARG(VACCEL_ARG_INT32, &t->id, 4),
	};
	struct vaccel_arg w[] = {
	    ARG(VACCEL_ARG_UINT8, &t->code, 1),
	    ARG(VACCEL_ARG_CHAR_ARRAY, t->msg, sizeof(t->msg)),
	    ARG(VACCEL_ARG_INT64_ARRAY, t->odims[0], sizeof(t->odims[0])),
	    ARG(VACCEL_ARG_INT32, &t->otype[0], 4),
	    ARG(VACCEL_ARG_BUFFER, t->out[0], sizeof(t->out[0])),
	    ARG(VACCEL_ARG_INT64_ARRAY, t->odims[1], sizeof(t->odims[1])),
	    ARG(VACCEL_ARG_INT32, &t->otype[1], 4),
	    ARG(VACCEL_ARG_BUFFER, t->out[1], sizeof(t->out[1])),
	};

	memcpy(t->read, r, sizeof(r));
	memcpy(t->write, w, sizeof(w));
}

static void tf_run_genop(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *model = opstest_resource(f, 0, VACCEL_RESOURCE_MODEL, true);
	struct tf_run t;

	tf_run_pack(&t, model->id);
	assert_int_equal(vaccel_genop(&f->sess, t.read, 14, t.write, 8), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TF_MODEL_RUN], 1);
	assert_ptr_equal(f->st->ptr[0], model);
	assert_null(f->st->ptr[1]); /* no run options */
	assert_int_equal(f->st->num[0], 1);
	assert_int_equal(f->st->num[1], 2);
	/* (the nodes lived for the call only: test_tr_model reads them in noop's log) */
	assert_non_null(f->st->ptr[2]);
	assert_non_null(f->st->ptr[4]);
	/* the status, then result 0 (the echo) in its slots; result 1 is NULL: empty slots */
	assert_int_equal(t.write[0].size, 1);
	assert_int_equal(t.code, 0);
	assert_int_equal(t.write[1].size, strlen(OPSTEST_TF_MESSAGE) + 1);
	assert_string_equal(t.msg, OPSTEST_TF_MESSAGE);
	assert_int_equal(t.write[2].size, 16);
	assert_int_equal(t.odims[0][0], 2);
	assert_int_equal(t.odims[0][1], 3);
	assert_int_equal(t.write[3].size, 4);
	assert_int_equal(t.otype[0], VACCEL_TF_FLOAT);
	assert_int_equal(t.write[4].size, sizeof(t.in));
	assert_memory_equal(t.out[0], t.in, sizeof(t.in));
	for (int i = 5; i < 8; i++)
		assert_int_equal(t.write[i].size, 0);

	/* a status message cut to its slot, NUL-terminated */
	tf_run_pack(&t, model->id);
	t.write[1].size = 5;
	assert_int_equal(vaccel_genop(&f->sess, t.read, 14, t.write, 8), VACCEL_OK);
	assert_int_equal(t.write[1].size, 5);
	assert_string_equal(t.msg, "hand");

	/* a result larger than its slot: the op ran, its shape came back, its data did not */
	tf_run_pack(&t, model->id);
	t.write[4].size = sizeof(t.in) - 4;
	assert_int_equal(vaccel_genop(&f->sess, t.read, 14, t.write, 8), VACCEL_ERANGE);
	assert_int_equal(f->st->count[VACCEL_OP_TF_MODEL_RUN], 3);
	assert_int_equal(t.write[2].size, 16);
	assert_int_equal(t.write[4].size, 0);
	/* so is one with more dims than its slot holds */
	tf_run_pack(&t, model->id);
	t.write[2].size = 8;
	assert_int_equal(vaccel_genop(&f->sess, t.read, 14, t.write, 8), VACCEL_ERANGE);

	/* a tensor whose data does not match its shape never reaches the plugin */
	tf_run_pack(&t, model->id);
	t.read[9].size = sizeof(t.in) - 4;
	REFUSED(f, t.read, 14, t.write, 8, VACCEL_EINVAL);
	tf_run_pack(&t, model->id);
	t.dims[0] = -2;
	REFUSED(f, t.read, 14, t.write, 8, VACCEL_EINVAL);
	/* nor one with a model that is no resource */
	tf_run_pack(&t, 999999);
	REFUSED(f, t.read, 14, t.write, 8, VACCEL_ENOENT);
}

/* TFLite's status byte, Torch's sgemm with no result, and the model-only ops. */
static void model_ops_genop(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *model = opstest_resource(f, 0, VACCEL_RESOURCE_MODEL, true);
	int64_t id = model->id, dims[1] = {4}, odims[MAX_DIMS];
	int32_t one = 1, zero = 0, m = 2, i32dims[1] = {4}, i32odims[MAX_DIMS], type, otype = 0;
	uint8_t status = 0, dummy[16] = {0}, out[16];
	struct vaccel_arg tfl_read[] = {
	    OP(VACCEL_OP_TFLITE_MODEL_RUN),	     ARG(VACCEL_ARG_INT64, &id, 8),
	    ARG(VACCEL_ARG_INT32, &one, 4),	     ARG(VACCEL_ARG_INT32, &one, 4),
	    ARG(VACCEL_ARG_INT32_ARRAY, i32dims, 4), ARG(VACCEL_ARG_INT32, &type, 4),
	    ARG(VACCEL_ARG_BUFFER, dummy, 16),
	};
	struct vaccel_arg tfl_write[] = {
	    ARG(VACCEL_ARG_UINT8, &status, 1),
	    ARG(VACCEL_ARG_INT32_ARRAY, i32odims, sizeof(i32odims)),
	    ARG(VACCEL_ARG_INT32, &otype, 4),
	    ARG(VACCEL_ARG_BUFFER, out, sizeof(out)),
	};
	struct vaccel_arg sg_read[] = {
	    OP(VACCEL_OP_TORCH_SGEMM),
	    ARG(VACCEL_ARG_INT32, &m, 4),
	    ARG(VACCEL_ARG_INT32, &m, 4),
	    ARG(VACCEL_ARG_INT32, &m, 4),
	    ARG(VACCEL_ARG_INT64_ARRAY, dims, 8),
	    ARG(VACCEL_ARG_INT32, &type, 4),
	    ARG(VACCEL_ARG_BUFFER, dummy, 16),
	    ARG(VACCEL_ARG_INT64_ARRAY, dims, 8),
	    ARG(VACCEL_ARG_INT32, &type, 4),
	    ARG(VACCEL_ARG_BUFFER, dummy, 16),
	    ARG(VACCEL_ARG_INT64_ARRAY, dims, 8),
	    ARG(VACCEL_ARG_INT32, &type, 4),
	    ARG(VACCEL_ARG_BUFFER, dummy, 16),
	};
	struct vaccel_arg sg_write[] = {
	    ARG(VACCEL_ARG_INT64_ARRAY, odims, sizeof(odims)),
	    ARG(VACCEL_ARG_INT32, &otype, 4),
	    ARG(VACCEL_ARG_BUFFER, out, sizeof(out)),
	};
	struct vaccel_arg load[] = {OP(VACCEL_OP_TORCH_MODEL_LOAD), ARG(VACCEL_ARG_INT64, &id, 8)};

	type = VACCEL_TFLITE_FLOAT32;
	assert_int_equal(vaccel_genop(&f->sess, tfl_read, 7, tfl_write, 4), VACCEL_OK);
	assert_int_equal(status, OPSTEST_TFLITE_STATUS);
	assert_int_equal(tfl_write[0].size, 1);
	assert_int_equal(tfl_write[1].size, 4);
	assert_int_equal(i32odims[0], 4);
	/* no output asked for: the plugin runs, nothing comes back */
	tfl_read[3] = ARG(VACCEL_ARG_INT32, &zero, 4);
	assert_int_equal(vaccel_genop(&f->sess, tfl_read, 7, tfl_write, 1), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TFLITE_MODEL_RUN], 2);

	type = VACCEL_TORCH_FLOAT;
	assert_int_equal(vaccel_genop(&f->sess, sg_read, 13, sg_write, 3), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_TORCH_SGEMM], 1);
	assert_int_equal(f->st->num[0], 2);
	assert_int_equal(sg_write[0].size, 0); /* the plugin made no result */

	assert_int_equal(vaccel_genop(&f->sess, load, 2, NULL, 0), VACCEL_OK);
	assert_ptr_equal(f->st->ptr[0], model);
	/* a model op's resource must be a model */
	opstest_resource(f, 1, VACCEL_RESOURCE_LIB, true);
	id = f->res[1].id;
	REFUSED(f, load, 2, NULL, 0, VACCEL_EINVAL);
}

/* ---- exec ---- */

static void exec_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	char lib[] = "libfoo.so", sym[] = "foo";
	int32_t in = 10, out = 0;
	struct vaccel_arg read[] = {OP(VACCEL_OP_EXEC), ARG(VACCEL_ARG_STRING, lib, sizeof(lib)),
				    ARG(VACCEL_ARG_STRING, sym, sizeof(sym)),
				    ARG(VACCEL_ARG_INT32, &in, 4)};
	struct vaccel_arg write[] = {ARG(VACCEL_ARG_INT32, &out, 4)};

	assert_int_equal(vaccel_genop(&f->sess, read, 4, write, 1), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_EXEC], 1);
	assert_ptr_equal(f->st->ptr[0], lib);
	assert_ptr_equal(f->st->ptr[1], sym);
	assert_ptr_equal(f->st->ptr[2], &read[3]);
	assert_int_equal(f->st->num[0], 1);
	assert_ptr_equal(f->st->ptr[3], write);
	assert_int_equal(f->st->num[1], 1);
	assert_int_equal(out, 10);

	/* No pass-through args: the plugin gets NULL arrays, not dangling ones. */
	assert_int_equal(vaccel_genop(&f->sess, read, 3, NULL, 0), VACCEL_OK);
	assert_null(f->st->ptr[2]);
	assert_int_equal(f->st->num[0], 0);
	assert_null(f->st->ptr[3]);
	assert_int_equal(f->st->num[1], 0);
}

static void exec_hostile(void **state)
{
	struct opstest_fixture *f = F(state);
	char lib[] = "libfoo.so", sym[] = "foo", unterminated[3] = {'a', 'b', 'c'};
	_Alignas(8) unsigned char raw[16] = {0};
	unsigned char two = 2;
	struct vaccel_arg good_lib = ARG(VACCEL_ARG_STRING, lib, sizeof(lib));
	struct vaccel_arg good_sym = ARG(VACCEL_ARG_STRING, sym, sizeof(sym));
	struct vaccel_arg bad_strings[] = {
	    ARG(VACCEL_ARG_RAW, lib, sizeof(lib)),
	    ARG(VACCEL_ARG_CHAR_ARRAY, lib, sizeof(lib)),
	    ARG(VACCEL_ARG_STRING, unterminated, sizeof(unterminated)),
	    ARG(VACCEL_ARG_STRING, lib, 0),
	    ARG(VACCEL_ARG_STRING, NULL, 4),
	};
	/* malformed pass-through args: refused though the plugin would not look */
	struct vaccel_arg bad_extra[] = {
	    ARG(VACCEL_ARG_INT32, raw, 3),
	    ARG(VACCEL_ARG_INT64, raw, 4),
	    ARG(VACCEL_ARG_FLOAT32_ARRAY, raw, 6),
	    ARG(VACCEL_ARG_FLOAT64_ARRAY, raw + 4, 8), /* misaligned */
	    ARG(VACCEL_ARG_BOOL, &two, 1),
	    ARG(VACCEL_ARG_STRING, unterminated, sizeof(unterminated)),
	    ARG(VACCEL_ARG_RAW, NULL, 8),
	    ARG((vaccel_arg_type_t)77, raw, 4),
	    ARG(VACCEL_ARG_MAX, raw, 4),
	};
	struct vaccel_arg read[4];
	struct vaccel_arg write[1];

	/* missing fn_symbol */
	read[0] = OP(VACCEL_OP_EXEC);
	read[1] = good_lib;
	REFUSED(f, read, 2, NULL, 0, VACCEL_EINVAL);
	REFUSED(f, read, 1, NULL, 0, VACCEL_EINVAL);

	for (size_t i = 0; i < ARRAY_SIZE(bad_strings); i++) {
		read[1] = bad_strings[i];
		read[2] = good_sym;
		REFUSED(f, read, 3, NULL, 0, VACCEL_EINVAL);
		read[1] = good_lib;
		read[2] = bad_strings[i];
		REFUSED(f, read, 3, NULL, 0, VACCEL_EINVAL);
	}

	read[1] = good_lib;
	read[2] = good_sym;
	for (size_t i = 0; i < ARRAY_SIZE(bad_extra); i++) {
		read[3] = bad_extra[i];
		REFUSED(f, read, 4, NULL, 0, VACCEL_EINVAL);
		/* as write args, only the shape matters (string/bool contents are outputs) */
		write[0] = bad_extra[i];
		if (bad_extra[i].type != VACCEL_ARG_BOOL && bad_extra[i].type != VACCEL_ARG_STRING)
			REFUSED(f, read, 3, write, 1, VACCEL_EINVAL);
	}
}

static void exec_with_resource_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *res = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	int64_t id = res->id;
	char sym[] = "foo";
	int32_t in = 3, out = 0;
	struct vaccel_arg read[] = {OP(VACCEL_OP_EXEC_WITH_RESOURCE), ARG(VACCEL_ARG_INT64, &id, 8),
				    ARG(VACCEL_ARG_STRING, sym, sizeof(sym)),
				    ARG(VACCEL_ARG_INT32, &in, 4)};
	struct vaccel_arg write[] = {ARG(VACCEL_ARG_INT32, &out, 4)};

	assert_int_equal(vaccel_genop(&f->sess, read, 4, write, 1), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_EXEC_WITH_RESOURCE], 1);
	assert_ptr_equal(f->st->ptr[0], res);
	assert_ptr_equal(f->st->ptr[1], sym);
	assert_ptr_equal(f->st->ptr[2], &read[3]);
	assert_int_equal(f->st->num[0], 1);
	assert_int_equal(out, 3);
}

static void exec_with_resource_hostile(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *data = opstest_resource(f, 0, VACCEL_RESOURCE_DATA, true);
	struct vaccel_resource *unreg = opstest_resource(f, 1, VACCEL_RESOURCE_LIB, false);
	char sym[] = "foo";
	int32_t id32 = 1;
	int64_t id;
	struct vaccel_arg read[] = {OP(VACCEL_OP_EXEC_WITH_RESOURCE), ARG(VACCEL_ARG_INT64, &id, 8),
				    ARG(VACCEL_ARG_STRING, sym, sizeof(sym))};

	id = 0;
	REFUSED(f, read, 3, NULL, 0, VACCEL_EINVAL);
	id = -5;
	REFUSED(f, read, 3, NULL, 0, VACCEL_EINVAL);
	id = INT64_MAX;
	REFUSED(f, read, 3, NULL, 0, VACCEL_ENOENT);
	id = data->id;
	REFUSED(f, read, 3, NULL, 0, VACCEL_EINVAL);
	id = unreg->id;
	REFUSED(f, read, 3, NULL, 0, VACCEL_EPERM);

	/* id of the wrong type or size, missing symbol */
	read[1] = ARG(VACCEL_ARG_INT32, &id32, 4);
	REFUSED(f, read, 3, NULL, 0, VACCEL_EINVAL);
	read[1] = ARG(VACCEL_ARG_RAW, &id, 8);
	REFUSED(f, read, 3, NULL, 0, VACCEL_EINVAL);
	read[1] = ARG(VACCEL_ARG_INT64, &id, 8);
	REFUSED(f, read, 2, NULL, 0, VACCEL_EINVAL);
}

/* ---- image ---- */

static void classify_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	unsigned char img[10] = "an image";
	unsigned char name[40] = {0}, text[50] = {0};
	struct vaccel_arg read[] = {OP(VACCEL_OP_IMAGE_CLASSIFY),
				    ARG(VACCEL_ARG_BUFFER, img, sizeof(img))};
	/* upstream's order: out_imgname first, then out_text */
	struct vaccel_arg write[] = {ARG(VACCEL_ARG_UCHAR_ARRAY, name, sizeof(name)),
				     ARG(VACCEL_ARG_UCHAR_ARRAY, text, sizeof(text))};

	assert_int_equal(vaccel_genop(&f->sess, read, 2, write, 2), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_IMAGE_CLASSIFY], 1);
	assert_ptr_equal(f->st->ptr[0], img);
	assert_ptr_equal(f->st->ptr[1], text);
	assert_ptr_equal(f->st->ptr[2], name);
	assert_int_equal(f->st->num[0], sizeof(img));
	assert_int_equal(f->st->num[1], sizeof(text));
	assert_int_equal(f->st->num[2], sizeof(name));
	assert_string_equal((char *)text, OPSTEST_CLASSIFY_TEXT);
	assert_string_equal((char *)name, OPSTEST_IMGNAME);

	/* empty outputs reach the plugin as NULL/0 */
	write[0] = ARG(VACCEL_ARG_UCHAR_ARRAY, NULL, 0);
	write[1] = ARG(VACCEL_ARG_UCHAR_ARRAY, text, 0);
	assert_int_equal(vaccel_genop(&f->sess, read, 2, write, 2), VACCEL_OK);
	assert_null(f->st->ptr[1]);
	assert_null(f->st->ptr[2]);
	assert_int_equal(f->st->num[1], 0);
	assert_int_equal(f->st->num[2], 0);
}

static void image_ops_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	unsigned char img[3] = {1, 2, 3};

	for (int op = VACCEL_OP_IMAGE_DETECT; op <= VACCEL_OP_IMAGE_DEPTH; op++) {
		unsigned char name[20] = {0};
		struct vaccel_arg read[] = {OP(op), ARG(VACCEL_ARG_BUFFER, img, sizeof(img))};
		struct vaccel_arg write[] = {ARG(VACCEL_ARG_UCHAR_ARRAY, name, sizeof(name))};

		assert_int_equal(vaccel_genop(&f->sess, read, 2, write, 1), VACCEL_OK);
		assert_int_equal(f->st->last_op, op);
		assert_int_equal(f->st->count[op], 1);
		assert_ptr_equal(f->st->ptr[0], img);
		assert_ptr_equal(f->st->ptr[1], name);
		assert_int_equal(f->st->num[0], sizeof(img));
		assert_int_equal(f->st->num[1], sizeof(name));
		assert_string_equal((char *)name, OPSTEST_IMGNAME);
	}
}

static void image_hostile(void **state)
{
	struct opstest_fixture *f = F(state);
	unsigned char img[4] = {1, 2, 3, 4}, name[8], text[8];

	for (int op = VACCEL_OP_IMAGE_CLASSIFY; op <= VACCEL_OP_IMAGE_DEPTH; op++) {
		int nw = op == VACCEL_OP_IMAGE_CLASSIFY ? 2 : 1;
		struct vaccel_arg read[3] = {OP(op), ARG(VACCEL_ARG_BUFFER, img, sizeof(img)),
					     ARG(VACCEL_ARG_BUFFER, img, sizeof(img))};
		struct vaccel_arg write[3] = {ARG(VACCEL_ARG_UCHAR_ARRAY, name, sizeof(name)),
					      ARG(VACCEL_ARG_UCHAR_ARRAY, text, sizeof(text)),
					      ARG(VACCEL_ARG_UCHAR_ARRAY, text, sizeof(text))};

		/* missing/extra args */
		REFUSED(f, read, 1, write, nw, VACCEL_EINVAL);
		REFUSED(f, read, 3, write, nw, VACCEL_EINVAL);
		REFUSED(f, read, 2, write, nw - 1, VACCEL_EINVAL);
		REFUSED(f, read, 2, write, nw + 1, VACCEL_EINVAL);

		/* img: wrong type, empty, NULL */
		read[1] = ARG(VACCEL_ARG_RAW, img, sizeof(img));
		REFUSED(f, read, 2, write, nw, VACCEL_EINVAL);
		read[1] = ARG(VACCEL_ARG_UCHAR_ARRAY, img, sizeof(img));
		REFUSED(f, read, 2, write, nw, VACCEL_EINVAL);
		read[1] = ARG(VACCEL_ARG_BUFFER, img, 0);
		REFUSED(f, read, 2, write, nw, VACCEL_EINVAL);
		read[1] = ARG(VACCEL_ARG_BUFFER, NULL, sizeof(img));
		REFUSED(f, read, 2, write, nw, VACCEL_EINVAL);
		read[1] = ARG(VACCEL_ARG_BUFFER, img, sizeof(img));

		/* outputs: wrong type, NULL with a size */
		for (int w = 0; w < nw; w++) {
			struct vaccel_arg keep = write[w];

			write[w] = ARG(VACCEL_ARG_RAW, keep.buf, keep.size);
			REFUSED(f, read, 2, write, nw, VACCEL_EINVAL);
			write[w] = ARG(VACCEL_ARG_STRING, keep.buf, keep.size);
			REFUSED(f, read, 2, write, nw, VACCEL_EINVAL);
			write[w] = ARG(VACCEL_ARG_UCHAR_ARRAY, NULL, keep.size);
			REFUSED(f, read, 2, write, nw, VACCEL_EINVAL);
			write[w] = keep;
		}
	}
}

/* ---- blas ---- */

struct sgemm_args {
	int64_t m, n, k, lda, ldb, ldc;
	float alpha, beta;
	struct vaccel_arg read[11];
	struct vaccel_arg write[1];
};

static void sgemm_pack(struct sgemm_args *s, float *a, size_t na, float *b, size_t nb, float *c,
		       size_t nc)
{
	s->read[0] = OP(VACCEL_OP_BLAS_SGEMM);
	s->read[1] = ARG(VACCEL_ARG_INT64, &s->m, 8);
	s->read[2] = ARG(VACCEL_ARG_INT64, &s->n, 8);
	s->read[3] = ARG(VACCEL_ARG_INT64, &s->k, 8);
	s->read[4] = ARG(VACCEL_ARG_FLOAT32, &s->alpha, 4);
	s->read[5] = ARG(VACCEL_ARG_FLOAT32_ARRAY, a, na * sizeof(float));
	s->read[6] = ARG(VACCEL_ARG_INT64, &s->lda, 8);
	s->read[7] = ARG(VACCEL_ARG_FLOAT32_ARRAY, b, nb * sizeof(float));
	s->read[8] = ARG(VACCEL_ARG_INT64, &s->ldb, 8);
	s->read[9] = ARG(VACCEL_ARG_FLOAT32, &s->beta, 4);
	s->read[10] = ARG(VACCEL_ARG_INT64, &s->ldc, 8);
	s->write[0] = ARG(VACCEL_ARG_FLOAT32_ARRAY, c, nc * sizeof(float));
}

static void sgemm_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	float a[] = {1, 2, 3, 4, 5, 6}, b[] = {7, 8, 9, 10, 11, 12}, c[] = {1, 1, 1, 1};
	struct sgemm_args s = {
	    .m = 2, .n = 2, .k = 3, .lda = 3, .ldb = 2, .ldc = 2, .alpha = 2, .beta = 1};

	sgemm_pack(&s, a, 6, b, 6, c, 4);
	assert_int_equal(vaccel_genop(&f->sess, s.read, 11, s.write, 1), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_BLAS_SGEMM], 1);
	assert_int_equal(f->st->num[0], 2);
	assert_int_equal(f->st->num[1], 2);
	assert_int_equal(f->st->num[2], 3);
	assert_ptr_equal(f->st->ptr[0], a);
	assert_ptr_equal(f->st->ptr[1], b);
	assert_ptr_equal(f->st->ptr[2], c);
	assert_true(f->st->real[0] == 2.0 && f->st->real[1] == 1.0);
	assert_true(c[0] == 117 && c[1] == 129 && c[2] == 279 && c[3] == 309);

	/* strides larger than the rows: the last row needs only k (n) elements */
	float a2[] = {1, 2, 3, 0, 4, 5, 6}, c2[] = {0, 0, 0, 0, 0};

	s.lda = 4;
	s.ldc = 3;
	s.beta = 0;
	s.alpha = 1;
	sgemm_pack(&s, a2, 7, b, 6, c2, 5);
	assert_int_equal(vaccel_genop(&f->sess, s.read, 11, s.write, 1), VACCEL_OK);
	assert_true(c2[0] == 58 && c2[1] == 64 && c2[3] == 139 && c2[4] == 154);
}

static void sgemm_hostile(void **state)
{
	struct opstest_fixture *f = F(state);
	float a[6] = {0}, b[6] = {0}, c[4] = {0};
	_Alignas(8) unsigned char mis[32] = {0};
	int32_t i32 = 2;
	double d = 1;
	const struct sgemm_args base = {
	    .m = 2, .n = 2, .k = 3, .lda = 3, .ldb = 2, .ldc = 2, .alpha = 1, .beta = 1};
	struct sgemm_args s;

#define SGEMM_CASE(mutation, na, nb, nc)                                                           \
	do {                                                                                       \
		s = base;                                                                          \
		sgemm_pack(&s, a, na, b, nb, c, nc);                                               \
		mutation;                                                                          \
		REFUSED(f, s.read, 11, s.write, 1, VACCEL_EINVAL);                                 \
	} while (0)

	/* buffers shorter than the shape needs */
	SGEMM_CASE((void)0, 5, 6, 4);
	SGEMM_CASE((void)0, 6, 5, 4);
	SGEMM_CASE((void)0, 6, 6, 3);
	SGEMM_CASE(s.lda = 4, 6, 6, 4); /* (m-1)*lda+k = 7 > 6 */
	SGEMM_CASE(s.ldc = 3, 6, 6, 4); /* 5 > 4 */
	SGEMM_CASE(s.ldb = 3, 6, 6, 4); /* (k-1)*ldb+n = 8 > 6 */
	/* bad shapes */
	SGEMM_CASE(s.m = 0, 6, 6, 4);
	SGEMM_CASE(s.n = -1, 6, 6, 4);
	SGEMM_CASE(s.k = 0, 6, 6, 4);
	SGEMM_CASE(s.lda = 2, 6, 6, 4); /* lda < k */
	SGEMM_CASE(s.ldb = 1, 6, 6, 4); /* ldb < n */
	SGEMM_CASE(s.ldc = 1, 6, 6, 4); /* ldc < n */
	SGEMM_CASE(s.lda = INT64_MAX, 6, 6, 4);
	SGEMM_CASE((s.m = INT64_MAX, s.lda = INT64_MAX), 6, 6, 4);
	SGEMM_CASE((s.k = INT64_MAX, s.lda = INT64_MAX), 6, 6, 4);
	/* wrong types and sizes */
	SGEMM_CASE(s.read[1] = ARG(VACCEL_ARG_INT32, &i32, 4), 6, 6, 4);
	SGEMM_CASE(s.read[1] = ARG(VACCEL_ARG_RAW, &s.m, 8), 6, 6, 4);
	SGEMM_CASE(s.read[4] = ARG(VACCEL_ARG_FLOAT64, &d, 8), 6, 6, 4);
	SGEMM_CASE(s.read[5] = ARG(VACCEL_ARG_RAW, a, sizeof(a)), 6, 6, 4);
	SGEMM_CASE(s.read[5] = ARG(VACCEL_ARG_FLOAT64_ARRAY, a, 24), 6, 6, 4);
	SGEMM_CASE(s.read[5] = ARG(VACCEL_ARG_FLOAT32_ARRAY, a, 23), 6, 6, 4);
	SGEMM_CASE(s.read[5] = ARG(VACCEL_ARG_FLOAT32_ARRAY, mis + 1, 24), 6, 6, 4);
	SGEMM_CASE(s.write[0] = ARG(VACCEL_ARG_FLOAT32_ARRAY, mis + 2, 16), 6, 6, 4);
	SGEMM_CASE(s.write[0] = ARG(VACCEL_ARG_FLOAT32_ARRAY, NULL, 16), 6, 6, 4);
	SGEMM_CASE(s.write[0] = ARG(VACCEL_ARG_FLOAT32_ARRAY, c, 0), 6, 6, 4);
#undef SGEMM_CASE

	/* missing/extra args */
	s = base;
	sgemm_pack(&s, a, 6, b, 6, c, 4);
	REFUSED(f, s.read, 10, s.write, 1, VACCEL_EINVAL);
	REFUSED(f, s.read, 11, s.write, 0, VACCEL_EINVAL);
	struct vaccel_arg more_read[12], more_write[2];

	memcpy(more_read, s.read, sizeof(s.read));
	more_read[11] = s.read[1];
	REFUSED(f, more_read, 12, s.write, 1, VACCEL_EINVAL);
	more_write[0] = more_write[1] = s.write[0];
	REFUSED(f, s.read, 11, more_write, 2, VACCEL_EINVAL);
}

/* ---- minmax ---- */

struct minmax_args {
	int32_t ndata, low, high;
	double min, max;
	struct vaccel_arg read[6];
	struct vaccel_arg write[4];
};

static void minmax_pack(struct minmax_args *s, bool typed, double *in, size_t nin, double *out,
			size_t nout)
{
	s->read[0] = OP(VACCEL_OP_MINMAX);
	s->read[1] = ARG(typed ? VACCEL_ARG_FLOAT64_ARRAY : VACCEL_ARG_RAW, in, nin * 8);
	s->read[2] = ARG(typed ? VACCEL_ARG_INT32 : VACCEL_ARG_RAW, &s->ndata, 4);
	s->read[3] = ARG(typed ? VACCEL_ARG_INT32 : VACCEL_ARG_RAW, &s->low, 4);
	s->read[4] = ARG(typed ? VACCEL_ARG_INT32 : VACCEL_ARG_RAW, &s->high, 4);
	s->write[0] = ARG(typed ? VACCEL_ARG_FLOAT64_ARRAY : VACCEL_ARG_RAW, out, nout * 8);
	s->write[1] = ARG(typed ? VACCEL_ARG_FLOAT64 : VACCEL_ARG_RAW, &s->min, 8);
	s->write[2] = ARG(typed ? VACCEL_ARG_FLOAT64 : VACCEL_ARG_RAW, &s->max, 8);
}

static void minmax_ok(void **state)
{
	struct opstest_fixture *f = F(state);

	for (int typed = 0; typed < 2; typed++) {
		double in[] = {5, -2, 9.5}, out[3] = {0};
		struct minmax_args s = {.ndata = 3, .low = -1, .high = 7};

		minmax_pack(&s, typed, in, 3, out, 3);
		assert_int_equal(vaccel_genop(&f->sess, s.read, 5, s.write, 3), VACCEL_OK);
		assert_int_equal(f->st->last_op, VACCEL_OP_MINMAX);
		assert_ptr_equal(f->st->ptr[0], in);
		assert_int_equal(f->st->num[0], 3);
		assert_int_equal(f->st->num[1], -1);
		assert_int_equal(f->st->num[2], 7);
		assert_ptr_equal(f->st->ptr[1], out);
		assert_ptr_equal(f->st->ptr[2], &s.min);
		assert_ptr_equal(f->st->ptr[3], &s.max);
		assert_memory_equal(out, in, sizeof(in));
		assert_true(s.min == -2 && s.max == 9.5);
	}
	assert_int_equal(f->st->count[VACCEL_OP_MINMAX], 2);
}

static void minmax_hostile(void **state)
{
	struct opstest_fixture *f = F(state);
	double in[4] = {1, 2, 3, 4}, out[4] = {0};
	_Alignas(8) unsigned char mis[48] = {0};
	int64_t wide = 4;
	float narrow = 0;
	struct minmax_args s;

#define MINMAX_CASE(ndata_, nin, nout, mutation)                                                   \
	do {                                                                                       \
		for (int typed = 0; typed < 2; typed++) {                                          \
			memset(&s, 0, sizeof(s));                                                  \
			s.ndata = (ndata_);                                                        \
			minmax_pack(&s, typed, in, nin, out, nout);                                \
			mutation;                                                                  \
			REFUSED(f, s.read, 5, s.write, 3, VACCEL_EINVAL);                          \
		}                                                                                  \
	} while (0)

	/* lying counts */
	MINMAX_CASE(5, 4, 4, (void)0);
	MINMAX_CASE(3, 4, 4, (void)0);
	MINMAX_CASE(0, 4, 4, (void)0);
	MINMAX_CASE(-1, 4, 4, (void)0);
	MINMAX_CASE(INT32_MAX, 4, 4, (void)0);
	MINMAX_CASE(0, 0, 4, (void)0);
	/* short output */
	MINMAX_CASE(4, 4, 3, (void)0);
	/* sizes that are not whole doubles / ints */
	MINMAX_CASE(4, 4, 4, s.read[1].size = 31);
	MINMAX_CASE(4, 4, 4, s.write[0].size = 33);
	MINMAX_CASE(4, 4, 4, s.read[2] = ARG(VACCEL_ARG_RAW, &wide, 8));
	MINMAX_CASE(4, 4, 4, s.read[3].size = 2);
	MINMAX_CASE(4, 4, 4, s.write[1].size = 4);
	MINMAX_CASE(4, 4, 4, s.write[2] = ARG(VACCEL_ARG_FLOAT32, &narrow, 4));
	/* wrong typed kinds */
	MINMAX_CASE(4, 4, 4, s.read[1].type = VACCEL_ARG_FLOAT32_ARRAY);
	MINMAX_CASE(4, 4, 4, s.read[2] = ARG(VACCEL_ARG_INT64, &wide, 8));
	MINMAX_CASE(4, 4, 4, s.write[0].type = VACCEL_ARG_BUFFER);
	/* misaligned and missing buffers */
	MINMAX_CASE(4, 4, 4, s.read[1].buf = mis + 4);
	MINMAX_CASE(4, 4, 4, s.write[0].buf = mis + 1);
	MINMAX_CASE(4, 4, 4, s.write[1].buf = mis + 2);
	MINMAX_CASE(4, 4, 4, s.write[2].buf = NULL);
	MINMAX_CASE(4, 4, 4, s.read[4].buf = NULL);
#undef MINMAX_CASE

	/* missing and extra args */
	memset(&s, 0, sizeof(s));
	s.ndata = 4;
	minmax_pack(&s, false, in, 4, out, 4);
	s.read[5] = s.read[4];
	s.write[3] = s.write[2];
	REFUSED(f, s.read, 4, s.write, 3, VACCEL_EINVAL);
	REFUSED(f, s.read, 6, s.write, 3, VACCEL_EINVAL);
	REFUSED(f, s.read, 5, s.write, 2, VACCEL_EINVAL);
	REFUSED(f, s.read, 5, s.write, 4, VACCEL_EINVAL);
}

/* ---- fpga ---- */

static void fpga_ok(void **state)
{
	struct opstest_fixture *f = F(state);

	for (int typed = 0; typed < 2; typed++) {
		vaccel_arg_type_t ft = typed ? VACCEL_ARG_FLOAT32_ARRAY : VACCEL_ARG_RAW;
		vaccel_arg_type_t it = typed ? VACCEL_ARG_INT32_ARRAY : VACCEL_ARG_RAW;
		int ia[] = {4, 5, 6}, iout[4] = {0};
		float a[] = {1, 2}, b[] = {3, 4}, c[2] = {0}, d[3] = {0};

		struct vaccel_arg r1[] = {OP(VACCEL_OP_FPGA_ARRAYCOPY), ARG(it, ia, sizeof(ia))};
		struct vaccel_arg w1[] = {ARG(it, iout, sizeof(iout))}; /* bigger is fine */

		assert_int_equal(vaccel_genop(&f->sess, r1, 2, w1, 1), VACCEL_OK);
		assert_int_equal(f->st->last_op, VACCEL_OP_FPGA_ARRAYCOPY);
		assert_ptr_equal(f->st->ptr[0], ia);
		assert_ptr_equal(f->st->ptr[1], iout);
		assert_int_equal(f->st->num[0], 3);
		assert_memory_equal(iout, ia, sizeof(ia));

		struct vaccel_arg r2[] = {OP(VACCEL_OP_FPGA_MMULT), ARG(ft, a, sizeof(a)),
					  ARG(ft, b, sizeof(b))};
		struct vaccel_arg w2[] = {ARG(ft, c, sizeof(c)), ARG(ft, d, sizeof(d))};

		assert_int_equal(vaccel_genop(&f->sess, r2, 3, w2, 1), VACCEL_OK);
		assert_int_equal(f->st->last_op, VACCEL_OP_FPGA_MMULT);
		assert_ptr_equal(f->st->ptr[2], c);
		assert_int_equal(f->st->num[0], 2);
		assert_true(c[0] == 3 && c[1] == 8);

		r2[0] = OP(VACCEL_OP_FPGA_PARALLEL);
		assert_int_equal(vaccel_genop(&f->sess, r2, 3, w2, 2), VACCEL_OK);
		assert_int_equal(f->st->last_op, VACCEL_OP_FPGA_PARALLEL);
		assert_ptr_equal(f->st->ptr[3], d);
		assert_int_equal(f->st->num[0], 2);
		assert_true(c[0] == 4 && c[1] == 6 && d[0] == 3 && d[1] == 8 && d[2] == 0);

		r2[0] = OP(VACCEL_OP_FPGA_VECTORADD);
		memset(c, 0, sizeof(c));
		assert_int_equal(vaccel_genop(&f->sess, r2, 3, w2, 1), VACCEL_OK);
		assert_int_equal(f->st->last_op, VACCEL_OP_FPGA_VECTORADD);
		assert_int_equal(f->st->num[0], 2);
		assert_int_equal(f->st->num[1], 2);
		assert_true(c[0] == 4 && c[1] == 6);
	}
}

static void fpga_hostile(void **state)
{
	struct opstest_fixture *f = F(state);
	float a[4] = {0}, b[4] = {0}, c[4] = {0}, d[4] = {0};
	int ia[4] = {0}, iout[4] = {0};
	double da[2] = {0};
	_Alignas(8) unsigned char mis[24] = {0};
	const vaccel_arg_type_t R = VACCEL_ARG_RAW, FA = VACCEL_ARG_FLOAT32_ARRAY;
	struct vaccel_arg r[4], w[3];

	/* arraycopy: short output, ragged/empty input, wrong types, counts */
	r[0] = OP(VACCEL_OP_FPGA_ARRAYCOPY);
	r[1] = ARG(R, ia, 16);
	w[0] = ARG(R, iout, 12);
	REFUSED(f, r, 2, w, 1, VACCEL_EINVAL);
	w[0] = ARG(R, iout, 16);
	r[1] = ARG(R, ia, 14);
	REFUSED(f, r, 2, w, 1, VACCEL_EINVAL);
	r[1] = ARG(R, ia, 0);
	REFUSED(f, r, 2, w, 1, VACCEL_EINVAL);
	r[1] = ARG(FA, ia, 16);
	REFUSED(f, r, 2, w, 1, VACCEL_EINVAL);
	r[1] = ARG(R, mis + 2, 16);
	REFUSED(f, r, 2, w, 1, VACCEL_EINVAL);
	r[1] = ARG(R, ia, 16);
	w[0] = ARG(VACCEL_ARG_INT64_ARRAY, iout, 16);
	REFUSED(f, r, 2, w, 1, VACCEL_EINVAL);
	w[0] = ARG(R, iout, 16);
	r[2] = r[1];
	w[1] = w[0];
	REFUSED(f, r, 3, w, 1, VACCEL_EINVAL);
	REFUSED(f, r, 2, w, 2, VACCEL_EINVAL);
	REFUSED(f, r, 1, w, 1, VACCEL_EINVAL);
	REFUSED(f, r, 2, w, 0, VACCEL_EINVAL);

	for (int op = VACCEL_OP_FPGA_MMULT; op <= VACCEL_OP_FPGA_VECTORADD; op++) {
		int nw = op == VACCEL_OP_FPGA_PARALLEL ? 2 : 1;

#define FPGA_CASE(na, nb, nc, nd)                                                                  \
	do {                                                                                       \
		r[0] = OP(op);                                                                     \
		r[1] = ARG(R, a, (na) * sizeof(float));                                            \
		r[2] = ARG(FA, b, (nb) * sizeof(float));                                           \
		w[0] = ARG(R, c, (nc) * sizeof(float));                                            \
		w[1] = ARG(FA, d, (nd) * sizeof(float));                                           \
		REFUSED(f, r, 3, w, nw, VACCEL_EINVAL);                                            \
	} while (0)

		FPGA_CASE(4, 3, 4, 4); /* b shorter than a */
		FPGA_CASE(4, 4, 3, 4); /* first output short */
		FPGA_CASE(0, 4, 4, 4); /* empty a */
		if (op == VACCEL_OP_FPGA_PARALLEL)
			FPGA_CASE(4, 4, 4, 3); /* mult_output short */
		if (op == VACCEL_OP_FPGA_VECTORADD)
			FPGA_CASE(3, 4, 4, 4); /* len_b must equal len_a */
#undef FPGA_CASE

		r[0] = OP(op);
		r[1] = ARG(R, a, 16);
		r[2] = ARG(R, b, 16);
		w[0] = ARG(R, c, 16);
		w[1] = ARG(R, d, 16);
		w[2] = w[1];
		r[3] = r[2];
		/* ragged sizes, wrong types, misaligned */
		r[1].size = 10;
		REFUSED(f, r, 3, w, nw, VACCEL_EINVAL);
		r[1] = ARG(VACCEL_ARG_FLOAT64_ARRAY, da, 16);
		REFUSED(f, r, 3, w, nw, VACCEL_EINVAL);
		r[1] = ARG(R, a, 16);
		r[2] = ARG(VACCEL_ARG_INT32_ARRAY, b, 16);
		REFUSED(f, r, 3, w, nw, VACCEL_EINVAL);
		r[2] = ARG(R, mis + 1, 16);
		REFUSED(f, r, 3, w, nw, VACCEL_EINVAL);
		r[2] = ARG(R, b, 16);
		w[0] = ARG(R, NULL, 16);
		REFUSED(f, r, 3, w, nw, VACCEL_EINVAL);
		w[0] = ARG(R, c, 16);
		/* missing/extra args */
		REFUSED(f, r, 2, w, nw, VACCEL_EINVAL);
		REFUSED(f, r, 4, w, nw, VACCEL_EINVAL);
		REFUSED(f, r, 3, w, nw - 1, VACCEL_EINVAL);
		REFUSED(f, r, 3, w, nw + 1, VACCEL_EINVAL);
	}
}

/* ---- opencv ---- */

static void opencv_ok(void **state)
{
	struct opstest_fixture *f = F(state);
	uint8_t fn = 9;
	float img[2] = {1, 2};
	unsigned char o1[3] = {0};
	struct vaccel_arg read[] = {OP(VACCEL_OP_OPENCV), ARG(VACCEL_ARG_UINT8, &fn, 1),
				    ARG(VACCEL_ARG_RAW, img, sizeof(img))};
	struct vaccel_arg write[] = {ARG(VACCEL_ARG_RAW, o1, sizeof(o1))};

	assert_int_equal(vaccel_genop(&f->sess, read, 3, write, 1), VACCEL_OK);
	assert_int_equal(f->st->count[VACCEL_OP_OPENCV], 1);
	assert_ptr_equal(f->st->ptr[0], &read[1]);
	assert_int_equal(f->st->num[0], 2);
	assert_ptr_equal(f->st->ptr[1], write);
	assert_int_equal(f->st->num[1], 1);
	assert_int_equal(o1[0], 9);

	assert_int_equal(vaccel_genop(&f->sess, read, 2, NULL, 0), VACCEL_OK);
	assert_null(f->st->ptr[1]);
	assert_int_equal(f->st->num[1], 0);
}

static void opencv_hostile(void **state)
{
	struct opstest_fixture *f = F(state);
	uint8_t fn = 1;
	int32_t x = 0;
	struct vaccel_arg read[] = {OP(VACCEL_OP_OPENCV), ARG(VACCEL_ARG_UINT8, &fn, 1)};
	struct vaccel_arg write[] = {ARG(VACCEL_ARG_INT32, &x, 3)};

	REFUSED(f, read, 1, NULL, 0, VACCEL_EINVAL); /* no selector */
	read[1] = ARG(VACCEL_ARG_RAW, &fn, 0);
	REFUSED(f, read, 2, NULL, 0, VACCEL_EINVAL); /* empty selector */
	read[1] = ARG(VACCEL_ARG_UINT8, &fn, 1);
	REFUSED(f, read, 2, write, 1, VACCEL_EINVAL); /* malformed pass-through */
}

/* ---- requests built the way upstream programs build them (vaccel_arg_array) ---- */

static void arg_array_requests(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_arg_array read, write;
	uint8_t op;

	/* classify_generic: uint8 op, buffer img; uchar arrays out_imgname, out_text */
	unsigned char img[5] = "jpeg", name[32] = {0}, text[48] = {0};

	assert_int_equal(vaccel_arg_array_init(&read, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_init(&write, 0), VACCEL_OK);
	op = VACCEL_OP_IMAGE_CLASSIFY;
	assert_int_equal(vaccel_arg_array_add_uint8(&read, &op), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_buffer(&read, img, sizeof(img)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_uchar_array(&write, name, sizeof(name)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_uchar_array(&write, text, sizeof(text)), VACCEL_OK);
	assert_int_equal(
	    vaccel_genop(&f->sess, read.args, (int)read.count, write.args, (int)write.count),
	    VACCEL_OK);
	assert_string_equal((char *)text, OPSTEST_CLASSIFY_TEXT);
	assert_string_equal((char *)name, OPSTEST_IMGNAME);
	vaccel_arg_array_release(&read);
	vaccel_arg_array_release(&write);

	/* sgemm_generic: int64/float scalars and float arrays */
	int64_t m = 2, n = 2, k = 2, lda = 2, ldb = 2, ldc = 2;
	float alpha = 1, beta = 0, a[] = {1, 2, 3, 4}, b[] = {1, 0, 0, 1}, c[4] = {0};

	assert_int_equal(vaccel_arg_array_init(&read, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_init(&write, 0), VACCEL_OK);
	op = VACCEL_OP_BLAS_SGEMM;
	assert_int_equal(vaccel_arg_array_add_uint8(&read, &op), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int64(&read, &m), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int64(&read, &n), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int64(&read, &k), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_float(&read, &alpha), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_float_array(&read, a, 4), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int64(&read, &lda), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_float_array(&read, b, 4), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int64(&read, &ldb), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_float(&read, &beta), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int64(&read, &ldc), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_float_array(&write, c, 4), VACCEL_OK);
	assert_int_equal(
	    vaccel_genop(&f->sess, read.args, (int)read.count, write.args, (int)write.count),
	    VACCEL_OK);
	assert_memory_equal(c, a, sizeof(a)); /* A x I */
	vaccel_arg_array_release(&read);
	vaccel_arg_array_release(&write);

	/* exec_generic: strings then an int32 passed through */
	char lib[] = "libmytestlib.so", sym[] = "mytestfunc";
	int32_t in = 10, out = 0;

	assert_int_equal(vaccel_arg_array_init(&read, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_init(&write, 0), VACCEL_OK);
	op = VACCEL_OP_EXEC;
	assert_int_equal(vaccel_arg_array_add_uint8(&read, &op), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_string(&read, lib), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_string(&read, sym), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&read, &in), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&write, &out), VACCEL_OK);
	assert_int_equal(
	    vaccel_genop(&f->sess, read.args, (int)read.count, write.args, (int)write.count),
	    VACCEL_OK);
	assert_int_equal(out, 10);
	assert_string_equal(f->st->ptr[1], "mytestfunc");
	vaccel_arg_array_release(&read);
	vaccel_arg_array_release(&write);

	/* minmax_generic: untyped RAW args */
	double indata[] = {2, 8, -3}, outdata[3], min, max;
	int32_t ndata = 3, low = 0, high = 5;

	assert_int_equal(vaccel_arg_array_init(&read, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_init(&write, 0), VACCEL_OK);
	op = VACCEL_OP_MINMAX;
	assert_int_equal(vaccel_arg_array_add_uint8(&read, &op), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&read, indata, sizeof(indata)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&read, &ndata, sizeof(ndata)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&read, &low, sizeof(low)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&read, &high, sizeof(high)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&write, outdata, sizeof(outdata)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&write, &min, sizeof(min)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&write, &max, sizeof(max)), VACCEL_OK);
	assert_int_equal(
	    vaccel_genop(&f->sess, read.args, (int)read.count, write.args, (int)write.count),
	    VACCEL_OK);
	assert_true(min == -3 && max == 8);
	vaccel_arg_array_release(&read);
	vaccel_arg_array_release(&write);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, opstest_setup, opstest_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(noop_ok),
	    T(noop_extra_args),
	    T(bad_op_arg),
	    T(bad_counts),
	    T(op_type_071),
	    T(tf_run_genop),
	    T(model_ops_genop),
	    T(exec_ok),
	    T(exec_hostile),
	    T(exec_with_resource_ok),
	    T(exec_with_resource_hostile),
	    T(classify_ok),
	    T(image_ops_ok),
	    T(image_hostile),
	    T(sgemm_ok),
	    T(sgemm_hostile),
	    T(minmax_ok),
	    T(minmax_hostile),
	    T(fpga_ok),
	    T(fpga_hostile),
	    T(opencv_ok),
	    T(opencv_hostile),
	    T(arg_array_requests),
	};

	for (int i = 0; i < 256; i++)
		opv[i] = (uint8_t)i;

	return vt_run_group(tests, opstest_group_setup, opstest_group_teardown);
}
