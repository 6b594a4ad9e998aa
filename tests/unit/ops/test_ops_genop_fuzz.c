// SPDX-License-Identifier: Apache-2.0
/*
 * Randomized hostile genop requests. Each case starts from a valid request
 * for a random op and applies a few random mutations (arg type, arg size,
 * scalar values such as counts and dimensions, dropped or extra args,
 * misaligned or NULL buffers). Every buffer is a heap block of exactly the
 * declared size, so under ASan any access past a declared size, by genop or
 * by the plugin trusting what genop let through, is reported.
 *
 * Invariant checked for every case: genop returns VACCEL_OK exactly when the
 * plugin ran once (the test plugin always succeeds), or VACCEL_ERANGE when a
 * model op ran once and its result did not fit its slot; otherwise the
 * plugin did not run at all. Deterministic seed; OPSTEST_FUZZ_ITERS
 * overrides the iteration count.
 */

#include "opstest_common.h"
#include "vaccel_common.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "vt_main.h"

#define F(state) ((struct opstest_fixture *)*(state))
#define MAX_ARGS 16

struct fuzz_arg {
	struct vaccel_arg arg;
	unsigned char *block; /* what to free; arg.buf may be block + 1 */
};

struct fuzz_req {
	struct fuzz_arg read[MAX_ARGS];
	struct fuzz_arg write[MAX_ARGS];
	int nr_read, nr_write;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* (Re)allocate `fa` with exactly `size` bytes (offset by 1 if misalign), copying `data`. */
static void fa_set(struct fuzz_arg *fa, vaccel_arg_type_t type, const void *data, size_t size,
		   bool misalign)
{
	free(fa->block);
	fa->block = NULL;
	fa->arg = (struct vaccel_arg){.type = type, .size = size};
	if (!size)
		return;

	fa->block = malloc(size + (misalign ? 1 : 0));
	assert_non_null(fa->block);
	fa->arg.buf = fa->block + (misalign ? 1 : 0);
	if (data)
		memcpy(fa->arg.buf, data, size);
	else
		for (size_t i = 0; i < size; i++)
			((unsigned char *)fa->arg.buf)[i] = (unsigned char)rnd();
}

static void req_free(struct fuzz_req *r)
{
	for (int i = 0; i < MAX_ARGS; i++) {
		free(r->read[i].block);
		free(r->write[i].block);
	}
	memset(r, 0, sizeof(*r));
}

static struct fuzz_arg *add(struct fuzz_arg *args, int *nr, vaccel_arg_type_t type,
			    const void *data, size_t size)
{
	struct fuzz_arg *fa = &args[(*nr)++];

	fa_set(fa, type, data, size, false);
	return fa;
}

#define ADD_R(type, data, size) add(r->read, &r->nr_read, type, data, size)
#define ADD_W(type, data, size) add(r->write, &r->nr_write, type, data, size)

/* A tensor's three args (2 x 2 elements of 4 bytes), dims of `dims_type`. */
static void add_tensor(struct fuzz_req *r, vaccel_arg_type_t dims_type, int32_t type)
{
	int64_t d64[2] = {2, 2};
	int32_t d32[2] = {2, 2};

	ADD_R(dims_type, dims_type == VACCEL_ARG_INT64_ARRAY ? (void *)d64 : (void *)d32,
	      dims_type == VACCEL_ARG_INT64_ARRAY ? sizeof(d64) : sizeof(d32));
	ADD_R(VACCEL_ARG_INT32, &type, 4);
	ADD_R(VACCEL_ARG_BUFFER, NULL, 16);
}

/* A result's three slots, room for 8 dims and 16 bytes. */
static void add_slots(struct fuzz_req *r, vaccel_arg_type_t dims_type)
{
	ADD_W(dims_type, NULL, dims_type == VACCEL_ARG_INT64_ARRAY ? 64 : 32);
	ADD_W(VACCEL_ARG_INT32, NULL, 4);
	ADD_W(VACCEL_ARG_BUFFER, NULL, 16);
}

/* The model ops: model resource, counts of one, one tensor each way. */
static void build_model(struct fuzz_req *r, uint8_t op, int64_t model_id)
{
	int32_t one = 1, zero = 0;

	if (op != VACCEL_OP_TORCH_SGEMM)
		ADD_R(VACCEL_ARG_INT64, &model_id, 8);
	switch (op) {
	case VACCEL_OP_TF_MODEL_LOAD:
	case VACCEL_OP_TF_MODEL_UNLOAD:
		ADD_W(VACCEL_ARG_UINT8, NULL, 1);
		ADD_W(VACCEL_ARG_CHAR_ARRAY, NULL, 24);
		break;
	case VACCEL_OP_TF_MODEL_RUN:
		ADD_R(VACCEL_ARG_BUFFER, NULL, 0);
		ADD_R(VACCEL_ARG_INT32, &one, 4);
		ADD_R(VACCEL_ARG_INT32, &one, 4);
		ADD_R(VACCEL_ARG_STRING, "in", 3);
		ADD_R(VACCEL_ARG_INT32, &zero, 4);
		add_tensor(r, VACCEL_ARG_INT64_ARRAY, VACCEL_TF_FLOAT);
		ADD_R(VACCEL_ARG_STRING, "out", 4);
		ADD_R(VACCEL_ARG_INT32, &zero, 4);
		ADD_W(VACCEL_ARG_UINT8, NULL, 1);
		ADD_W(VACCEL_ARG_CHAR_ARRAY, NULL, 24);
		add_slots(r, VACCEL_ARG_INT64_ARRAY);
		break;
	case VACCEL_OP_TFLITE_MODEL_RUN:
		ADD_R(VACCEL_ARG_INT32, &one, 4);
		ADD_R(VACCEL_ARG_INT32, &one, 4);
		add_tensor(r, VACCEL_ARG_INT32_ARRAY, VACCEL_TFLITE_FLOAT32);
		ADD_W(VACCEL_ARG_UINT8, NULL, 1);
		add_slots(r, VACCEL_ARG_INT32_ARRAY);
		break;
	case VACCEL_OP_TORCH_MODEL_RUN:
		ADD_R(VACCEL_ARG_BUFFER, NULL, 0);
		ADD_R(VACCEL_ARG_INT32, &one, 4);
		ADD_R(VACCEL_ARG_INT32, &one, 4);
		add_tensor(r, VACCEL_ARG_INT64_ARRAY, VACCEL_TORCH_FLOAT);
		add_slots(r, VACCEL_ARG_INT64_ARRAY);
		break;
	case VACCEL_OP_TORCH_SGEMM:
		for (int i = 0; i < 3; i++)
			ADD_R(VACCEL_ARG_INT32, &one, 4);
		for (int i = 0; i < 3; i++)
			add_tensor(r, VACCEL_ARG_INT64_ARRAY, VACCEL_TORCH_FLOAT);
		add_slots(r, VACCEL_ARG_INT64_ARRAY);
		break;
	default: /* TFLite load/unload, Torch load: the model only */
		break;
	}
}

/* A valid request for `op`. */
static void build_valid(struct fuzz_req *r, uint8_t op, int64_t lib_id, int64_t model_id)
{
	int64_t two = 2, one = 1;
	float f1 = 1.0f;
	int32_t four = 4, lo = 0, hi = 9;

	ADD_R(VACCEL_ARG_UINT8, &op, 1);
	switch (op) {
	case VACCEL_OP_NOOP:
		break;
	case VACCEL_OP_EXEC:
		ADD_R(VACCEL_ARG_STRING, "lib", 4);
		ADD_R(VACCEL_ARG_STRING, "sym", 4);
		ADD_R(VACCEL_ARG_INT32, &four, 4);
		ADD_W(VACCEL_ARG_INT32, NULL, 4);
		break;
	case VACCEL_OP_EXEC_WITH_RESOURCE:
		ADD_R(VACCEL_ARG_INT64, &lib_id, 8);
		ADD_R(VACCEL_ARG_STRING, "sym", 4);
		ADD_W(VACCEL_ARG_RAW, NULL, 8);
		break;
	case VACCEL_OP_IMAGE_CLASSIFY:
	case VACCEL_OP_IMAGE_DETECT:
	case VACCEL_OP_IMAGE_SEGMENT:
	case VACCEL_OP_IMAGE_POSE:
	case VACCEL_OP_IMAGE_DEPTH:
		ADD_R(VACCEL_ARG_BUFFER, NULL, 8);
		ADD_W(VACCEL_ARG_UCHAR_ARRAY, NULL, 16);
		if (op == VACCEL_OP_IMAGE_CLASSIFY)
			ADD_W(VACCEL_ARG_UCHAR_ARRAY, NULL, 12);
		break;
	case VACCEL_OP_BLAS_SGEMM:
		ADD_R(VACCEL_ARG_INT64, &two, 8);
		ADD_R(VACCEL_ARG_INT64, &two, 8);
		ADD_R(VACCEL_ARG_INT64, &two, 8);
		ADD_R(VACCEL_ARG_FLOAT32, &f1, 4);
		ADD_R(VACCEL_ARG_FLOAT32_ARRAY, NULL, 16);
		ADD_R(VACCEL_ARG_INT64, &two, 8);
		ADD_R(VACCEL_ARG_FLOAT32_ARRAY, NULL, 16);
		ADD_R(VACCEL_ARG_INT64, &two, 8);
		ADD_R(VACCEL_ARG_FLOAT32, &f1, 4);
		ADD_R(VACCEL_ARG_INT64, &two, 8);
		ADD_W(VACCEL_ARG_FLOAT32_ARRAY, NULL, 16);
		(void)one;
		break;
	case VACCEL_OP_MINMAX:
		ADD_R(VACCEL_ARG_RAW, NULL, 32);
		ADD_R(VACCEL_ARG_RAW, &four, 4);
		ADD_R(VACCEL_ARG_RAW, &lo, 4);
		ADD_R(VACCEL_ARG_RAW, &hi, 4);
		ADD_W(VACCEL_ARG_RAW, NULL, 32);
		ADD_W(VACCEL_ARG_RAW, NULL, 8);
		ADD_W(VACCEL_ARG_RAW, NULL, 8);
		break;
	case VACCEL_OP_FPGA_ARRAYCOPY:
		ADD_R(VACCEL_ARG_INT32_ARRAY, NULL, 16);
		ADD_W(VACCEL_ARG_RAW, NULL, 16);
		break;
	case VACCEL_OP_FPGA_MMULT:
	case VACCEL_OP_FPGA_PARALLEL:
	case VACCEL_OP_FPGA_VECTORADD:
		ADD_R(VACCEL_ARG_RAW, NULL, 16);
		ADD_R(VACCEL_ARG_FLOAT32_ARRAY, NULL, 16);
		ADD_W(VACCEL_ARG_RAW, NULL, 16);
		if (op == VACCEL_OP_FPGA_PARALLEL)
			ADD_W(VACCEL_ARG_FLOAT32_ARRAY, NULL, 16);
		break;
	case VACCEL_OP_OPENCV:
		ADD_R(VACCEL_ARG_UINT8, &op, 1);
		ADD_R(VACCEL_ARG_RAW, NULL, 8);
		ADD_W(VACCEL_ARG_RAW, NULL, 8);
		break;
	default: /* TF/TFLite/Torch */
		build_model(r, op, model_id);
		break;
	}
}

/* Interesting integers for counts, dimensions and strides. */
static int64_t pick_int(void)
{
	static const int64_t specials[] = {0,	      -1,	 1,	    2,	       3,
					   4,	      5,	 8,	    INT32_MAX, INT32_MIN,
					   INT64_MAX, INT64_MIN, 1LL << 32, 1LL << 62};

	if (rnd_below(2))
		return specials[rnd_below((unsigned int)ARRAY_SIZE(specials))];
	return (int64_t)rnd_below(24) - 4;
}

static void mutate(struct fuzz_req *r)
{
	bool in_read = r->nr_write == 0 || rnd_below(3) != 0;
	struct fuzz_arg *args = in_read ? r->read : r->write;
	int *nr = in_read ? &r->nr_read : &r->nr_write;
	struct fuzz_arg *fa;
	int idx;

	if (*nr == 0) {
		add(args, nr, (vaccel_arg_type_t)rnd_below(VACCEL_ARG_MAX), NULL, rnd_below(12));
		return;
	}
	/* mostly leave the op type alone, so the per-op checks get exercised */
	idx = (int)rnd_below((unsigned int)*nr);
	if (in_read && idx == 0 && *nr > 1 && rnd_below(8))
		idx = 1 + (int)rnd_below((unsigned int)*nr - 1);
	fa = &args[idx];

	switch (rnd_below(7)) {
	case 0: /* type */
		fa->arg.type = (vaccel_arg_type_t)rnd_below(VACCEL_ARG_MAX + 2);
		break;
	case 1: { /* size, keeping the data's prefix */
		size_t size = rnd_below(41);
		unsigned char old[64] = {0};

		if (fa->arg.size && fa->arg.buf)
			memcpy(old, fa->arg.buf, fa->arg.size < sizeof(old) ? fa->arg.size : 64);
		fa_set(fa, fa->arg.type, NULL, size, false);
		if (size)
			memcpy(fa->arg.buf, old, size < sizeof(old) ? size : sizeof(old));
		break;
	}
	case 2: { /* a scalar value: count, dimension, stride, id */
		int64_t v = pick_int();

		if (!fa->arg.buf)
			break;
		if (fa->arg.size == 8)
			memcpy(fa->arg.buf, &v, 8);
		else if (fa->arg.size == 4) {
			int32_t v32 = (int32_t)v;

			memcpy(fa->arg.buf, &v32, 4);
		}
		break;
	}
	case 3: /* drop the last arg */
		(*nr)--;
		free(args[*nr].block);
		memset(&args[*nr], 0, sizeof(args[*nr]));
		break;
	case 4: /* append a copy of this arg */
		if (*nr < MAX_ARGS)
			add(args, nr, fa->arg.type, fa->arg.buf, fa->arg.size);
		break;
	case 5: /* misalign */
		if (fa->arg.size && fa->arg.buf) {
			unsigned char tmp[64];
			size_t n = fa->arg.size < sizeof(tmp) ? fa->arg.size : sizeof(tmp);

			memcpy(tmp, fa->arg.buf, n);
			fa_set(fa, fa->arg.type, NULL, fa->arg.size, true);
			memcpy(fa->arg.buf, tmp, n);
		}
		break;
	default: /* NULL buffer, size kept */
		fa->arg.buf = NULL;
		break;
	}
}

static void fuzz_genop(void **state)
{
	struct opstest_fixture *f = F(state);
	struct vaccel_resource *lib = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	struct vaccel_resource *model = opstest_resource(f, 1, VACCEL_RESOURCE_MODEL, true);
	const char *env = getenv("OPSTEST_FUZZ_ITERS");
	long iters = env ? atol(env) : 100000;
	long accepted = 0, too_big = 0;
	struct fuzz_req r;

	memset(&r, 0, sizeof(r));
	for (long it = 0; it < iters; it++) {
		struct vaccel_arg read[MAX_ARGS], write[MAX_ARGS];
		unsigned int before = opstest_total_calls(f->st);
		int nmut = (int)rnd_below(4);
		int ret;

		build_valid(&r, (uint8_t)rnd_below(VACCEL_OP_MAX), lib->id, model->id);
		for (int m = 0; m < nmut; m++)
			mutate(&r);

		for (int i = 0; i < r.nr_read; i++)
			read[i] = r.read[i].arg;
		for (int i = 0; i < r.nr_write; i++)
			write[i] = r.write[i].arg;

		ret = vaccel_genop(&f->sess, r.nr_read ? read : NULL, r.nr_read,
				   r.nr_write ? write : NULL, r.nr_write);
		if (ret == VACCEL_OK || ret == VACCEL_ERANGE) {
			accepted += ret == VACCEL_OK;
			too_big += ret == VACCEL_ERANGE;
			assert_int_equal(opstest_total_calls(f->st), before + 1);
		} else {
			assert_int_equal(opstest_total_calls(f->st), before);
		}
		req_free(&r);
	}

	/* Sanity: unmutated requests go through, so a fair share is accepted. */
	assert_true(accepted > iters / 10);
	assert_true(accepted < iters);
	print_message("%ld accepted, %ld results too big for their slots\n", accepted, too_big);
}

VT_MAIN_EACH(opstest_group_setup, opstest_group_teardown, opstest_setup, opstest_teardown,
	     fuzz_genop)
