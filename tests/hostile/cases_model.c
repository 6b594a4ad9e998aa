/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile cases: the model ops (TF, TFLite, Torch; spec §6.3) as raw wire
 * requests, not built by the guest plugin. Every count and length these ops
 * bring is bent: the tensor counts against the args that travel, the dims
 * of a tensor, its data type and its data's length, the result slots the
 * guest offers, the model id, the 4-byte op type, the request's arg count
 * at the daemon's limit.
 *
 * Each case first sends the well-formed request (served; the noop plugin's
 * results echo the inputs), then its variants, each one change away from
 * it. A variant must complete with the status and vaccel_ret the spec
 * names, the daemon's log must say which rule refused it (so the error
 * comes from the check the variant targets, not from somewhere else), and
 * the connection must be served right after it. The fixture checks the
 * daemon, the bystander and a fresh connection at the end.
 */
#include <endian.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hc.h"
#include "optab.h"

/* ----------------------------------------------------- the request builder */

#define MQ_ARGS 1100   /* args of one direction (the wide case reaches 1024 in all) */
#define MQ_TENSORS 400 /* inputs or results one request names */

/* A tensor family as the wire carries it (the row's dims type, its 4-byte float). */
struct fam {
	uint32_t dims_type; /* INT64_ARRAY (TF, Torch) or INT32_ARRAY (TFLite) */
	unsigned dim_width;
	int32_t f32;   /* the family's 4-byte float type */
	int32_t i64;   /* its 8-byte integer type */
	int32_t after; /* the first value past its last type */
};

static const struct fam tf = {.dims_type = VACCEL_ARG_INT64_ARRAY,
			      .dim_width = 8,
			      .f32 = VACCEL_TF_FLOAT,
			      .i64 = VACCEL_TF_INT64,
			      .after = VACCEL_TF_UINT64 + 1};
static const struct fam tflite = {.dims_type = VACCEL_ARG_INT32_ARRAY,
				  .dim_width = 4,
				  .f32 = VACCEL_TFLITE_FLOAT32,
				  .i64 = VACCEL_TFLITE_INT64,
				  .after = VACCEL_TFLITE_INT4 + 1};
static const struct fam torch = {.dims_type = VACCEL_ARG_INT64_ARRAY,
				 .dim_width = 8,
				 .f32 = VACCEL_TORCH_FLOAT,
				 .i64 = VACCEL_TORCH_LONG,
				 .after = VACCEL_TORCH_FLOAT + 1};

/* One request being built: its args and the bytes they point at. */
struct mq {
	uint8_t op8;   /* the op type as a UINT8 (read arg 0) */
	uint32_t op32; /* storage for the 4-byte forms */
	const struct fam *f;
	struct hf_arg rd[MQ_ARGS], wr[MQ_ARGS];
	unsigned nr, nw;
	/* Where the builder put things (arg indices; 0: not in this op). */
	unsigned model, nr_in, nr_out, status_msg;
	unsigned in[MQ_TENSORS];  /* read index of input k's dims (type: +1, data: +2) */
	unsigned out[MQ_TENSORS]; /* write index of result k's dims (type: +1, data: +2) */
	unsigned nr_tensors_in, nr_tensors_out;
	size_t used;
	uint8_t pool[512 * 1024]; /* last: mq_build() clears what comes before */
};

static struct mq Q;

/* Bytes of the pool, copied from p (zeroed when p is NULL), 8-aligned. */
static void *mq_put(struct mq *q, const void *p, size_t len)
{
	void *at = q->pool + q->used;

	assert_true(q->used + len <= sizeof(q->pool));
	if (p)
		memcpy(at, p, len);
	else
		memset(at, 0, len);
	q->used += (len + 7) & ~(size_t)7;
	return at;
}

static unsigned rd_arg(struct mq *q, const void *p, size_t len, uint32_t type)
{
	assert_true(q->nr < MQ_ARGS);
	q->rd[q->nr] = (struct hf_arg){mq_put(q, p, len), len, type};
	return q->nr++;
}

static unsigned rd_i32(struct mq *q, int32_t v)
{
	return rd_arg(q, &v, sizeof(v), VACCEL_ARG_INT32);
}

static unsigned rd_str(struct mq *q, const char *s)
{
	return rd_arg(q, s, strlen(s) + 1, VACCEL_ARG_STRING);
}

static unsigned wr_arg(struct mq *q, size_t cap, uint32_t type)
{
	assert_true(q->nw < MQ_ARGS);
	q->wr[q->nw] = (struct hf_arg){NULL, cap, type};
	return q->nw++;
}

/* Write n dims (widened) in the family's width into arg i, a dims arg. */
static void put_dims(struct mq *q, unsigned i, const int64_t *dims, unsigned n)
{
	uint8_t *p = mq_put(q, NULL, (size_t)n * q->f->dim_width);

	for (unsigned d = 0; d < n; d++) {
		int32_t d32 = (int32_t)dims[d];

		if (q->f->dim_width == sizeof(d32))
			memcpy(p + 4 * d, &d32, sizeof(d32));
		else
			memcpy(p + 8 * d, &dims[d], sizeof(dims[d]));
	}
	q->rd[i] = (struct hf_arg){p, (uint64_t)n * q->f->dim_width, q->f->dims_type};
}

/* Input k as the builder makes it: 2 x 3 floats, element e holding k * 10 + e. */
static void input_tensor(struct mq *q, unsigned k)
{
	static const int64_t dims[] = {2, 3};
	float v[6];

	for (unsigned e = 0; e < 6; e++)
		v[e] = (float)(k * 10 + e);
	assert_true(k < MQ_TENSORS);
	q->in[k] = q->nr;
	q->nr++;
	put_dims(q, q->in[k], dims, 2);
	rd_i32(q, q->f->f32);
	rd_arg(q, v, sizeof(v), VACCEL_ARG_BUFFER);
	q->nr_tensors_in = k + 1;
}

/* Result k's slots: dims with room for 32 (as the spec asks), type, cap data bytes. */
static void result_slots(struct mq *q, unsigned k, size_t cap)
{
	assert_true(k < MQ_TENSORS);
	q->out[k] = wr_arg(q, (size_t)OPTAB_TENSOR_MAX_DIMS * q->f->dim_width, q->f->dims_type);
	wr_arg(q, sizeof(int32_t), VACCEL_ARG_INT32);
	wr_arg(q, cap, VACCEL_ARG_BUFFER);
	q->nr_tensors_out = k + 1;
}

/*
 * A well-formed request of model op `op` in its row's layout
 * (lib/optable/optab_rows.c): model `model`; for runs, ni inputs
 * (input_tensor()) and no result slots of cap data bytes each (TF's nodes
 * named in<k>/out<k>, id k). TORCH_SGEMM takes m, n, k = 2, 3, 3, tensors
 * a, b, c and one result slot (ni and no are ignored).
 */
static void mq_build(struct mq *q, uint32_t op, uint64_t model, int32_t ni, int32_t no, size_t cap)
{
	const int64_t id = (int64_t)model;
	char name[16];

	memset(q, 0, offsetof(struct mq, pool));
	q->op8 = (uint8_t)op;
	q->rd[q->nr++] = (struct hf_arg){&q->op8, 1, VACCEL_ARG_UINT8};
	q->f = op <= VACCEL_OP_TF_MODEL_RUN	  ? &tf
	       : op <= VACCEL_OP_TFLITE_MODEL_RUN ? &tflite
						  : &torch;
	if (op != VACCEL_OP_TORCH_SGEMM)
		q->model = rd_arg(q, &id, sizeof(id), VACCEL_ARG_INT64);
	switch (op) {
	case VACCEL_OP_TF_MODEL_LOAD:
	case VACCEL_OP_TF_MODEL_UNLOAD:
		wr_arg(q, 1, VACCEL_ARG_UINT8);
		q->status_msg = wr_arg(q, 64, VACCEL_ARG_CHAR_ARRAY);
		return;
	case VACCEL_OP_TF_MODEL_RUN:
		rd_arg(q, "opts", 4, VACCEL_ARG_BUFFER);
		q->nr_in = rd_i32(q, ni);
		q->nr_out = rd_i32(q, no);
		for (int32_t k = 0; k < ni; k++) {
			snprintf(name, sizeof(name), "in%d", k);
			rd_str(q, name);
			rd_i32(q, k);
			input_tensor(q, (unsigned)k);
		}
		for (int32_t k = 0; k < no; k++) {
			snprintf(name, sizeof(name), "out%d", k);
			rd_str(q, name);
			rd_i32(q, k);
		}
		wr_arg(q, 1, VACCEL_ARG_UINT8);
		q->status_msg = wr_arg(q, 64, VACCEL_ARG_CHAR_ARRAY);
		for (int32_t k = 0; k < no; k++)
			result_slots(q, (unsigned)k, cap);
		return;
	case VACCEL_OP_TFLITE_MODEL_RUN:
		q->nr_in = rd_i32(q, ni);
		q->nr_out = rd_i32(q, no);
		for (int32_t k = 0; k < ni; k++)
			input_tensor(q, (unsigned)k);
		wr_arg(q, 1, VACCEL_ARG_UINT8);
		for (int32_t k = 0; k < no; k++)
			result_slots(q, (unsigned)k, cap);
		return;
	case VACCEL_OP_TORCH_MODEL_RUN:
		rd_arg(q, "opts", 4, VACCEL_ARG_BUFFER);
		q->nr_in = rd_i32(q, ni);
		q->nr_out = rd_i32(q, no);
		for (int32_t k = 0; k < ni; k++)
			input_tensor(q, (unsigned)k);
		for (int32_t k = 0; k < no; k++)
			result_slots(q, (unsigned)k, cap);
		return;
	case VACCEL_OP_TORCH_SGEMM:
		rd_i32(q, 2);
		rd_i32(q, 3);
		rd_i32(q, 3);
		for (unsigned k = 0; k < 3; k++)
			input_tensor(q, k);
		result_slots(q, 0, cap);
		return;
	default: /* TFLite load / unload, Torch load: the model only */
		return;
	}
}

/* The model ops, with the args a run needs to have results. */
static const uint32_t model_ops[] = {
    VACCEL_OP_TF_MODEL_LOAD,	 VACCEL_OP_TF_MODEL_UNLOAD,	VACCEL_OP_TF_MODEL_RUN,
    VACCEL_OP_TFLITE_MODEL_LOAD, VACCEL_OP_TFLITE_MODEL_UNLOAD, VACCEL_OP_TFLITE_MODEL_RUN,
    VACCEL_OP_TORCH_MODEL_LOAD,	 VACCEL_OP_TORCH_MODEL_RUN,	VACCEL_OP_TORCH_SGEMM,
};
/* The three runs, whose counts and tensors the cases bend. */
static const uint32_t runs[] = {VACCEL_OP_TF_MODEL_RUN, VACCEL_OP_TFLITE_MODEL_RUN,
				VACCEL_OP_TORCH_MODEL_RUN};

static const char *op_name(uint32_t op)
{
	static char name[VACCEL_ENUM_STR_MAX];

	return vaccel_op_type_to_lower((vaccel_op_type_t)op, name, sizeof(name));
}

/* Arg i's bytes, to change them. */
static void *rd_data(struct mq *q, unsigned i)
{
	return (void *)(uintptr_t)q->rd[i].data;
}

static void set_i32(struct mq *q, unsigned i, int32_t v)
{
	assert_int_equal(q->rd[i].len, sizeof(v));
	memcpy(rd_data(q, i), &v, sizeof(v));
}

/* Input k's data replaced by len bytes (a pattern). */
static void input_data_len(struct mq *q, unsigned k, size_t len)
{
	unsigned i = q->in[k] + 2;
	uint8_t *p = mq_put(q, NULL, len);

	memset(p, 0x5a, len);
	q->rd[i] = (struct hf_arg){p, len, VACCEL_ARG_BUFFER};
}

/* ------------------------------------------------------- sending, expecting */

static struct hf_resp R;

/* Where write arg i starts in the writable part (laid out as hf_request does). */
static size_t woff(const struct mq *q, unsigned i)
{
	size_t o = 0;

	for (unsigned j = 0; j < i; j++)
		o += q->wr[j].len;
	return o;
}

/* Write arg i's bytes after the last request. */
static uint8_t *wbuf(const struct mq *q, unsigned i)
{
	return (uint8_t *)R.out[0] + woff(q, i);
}

static uint64_t out_len(const struct mq *q, unsigned i)
{
	uint64_t v;

	memcpy(&v, wbuf(q, q->nw) + 16 + 8 * i, sizeof(v));
	return le64toh(v);
}

/* Send q in session sid: status and (when OK) vaccel_ret as given; then h is still served. */
static void expect(struct mq *q, uint64_t sid, uint8_t status, int32_t vret)
{
	int used =
	    hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, q->rd, q->nr, q->wr, q->nw, 0, &R);

	if (used <= 0 || !td_alive(&C->d)) {
		td_log_dump(&C->d);
		fail_msg("%s: the daemon %s", op_name(q->op8),
			 td_alive(&C->d) ? "did not answer" : "died");
	}
	assert_int_equal(R.status, status);
	if (status == VIRTIO_ACCEL_S_OK)
		assert_int_equal(R.vret, vret);
	assert_true(hf_healthy(&C->h));
}

/* Every byte of n at p is b. */
static bool all_bytes(const uint8_t *p, size_t n, uint8_t b)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != b)
			return false;
	return true;
}

/*
 * Refused: status OK with VACCEL_EINVAL (spec §6.2, §6.3), and the daemon's
 * log says `why` once more than before (the rule that refused it). Nothing
 * ran, so no write arg holds anything: out_len 0, or (an op type the
 * daemon leaves to the runtime's genop, whose args are in/out) the bytes
 * the guest left there (hf_request fills them with 0xee).
 */
static void refused(struct mq *q, uint64_t sid, const char *why)
{
	int before = td_log_count(&C->d, why);

	expect(q, sid, VIRTIO_ACCEL_S_OK, VACCEL_EINVAL);
	if (!td_log_wait(&C->d, why, before + 1, 2000)) {
		td_log_dump(&C->d);
		fail_msg("%s refused, but the log does not say \"%s\"", op_name(q->op8), why);
	}
	for (unsigned i = 0; i < q->nw; i++)
		if (out_len(q, i))
			assert_true(all_bytes(wbuf(q, i), q->wr[i].len, 0xee));
}

/* Result k's slots hold input k as the builder made it (the noop plugin echoes). */
static void result_is_input(const struct mq *q, unsigned k, unsigned input)
{
	unsigned w = q->out[k];
	uint8_t want_dims[16];
	int32_t type;

	memcpy(want_dims, q->rd[q->in[input]].data, 2 * q->f->dim_width);
	assert_int_equal(out_len(q, w), 2 * q->f->dim_width);
	assert_memory_equal(wbuf(q, w), want_dims, 2 * q->f->dim_width);
	assert_int_equal(out_len(q, w + 1), sizeof(type));
	memcpy(&type, wbuf(q, w + 1), sizeof(type));
	assert_int_equal(type, q->f->f32);
	assert_int_equal(out_len(q, w + 2), q->rd[q->in[input] + 2].len);
	assert_memory_equal(wbuf(q, w + 2), q->rd[q->in[input] + 2].data,
			    q->rd[q->in[input] + 2].len);
}

/* Session and model for a case: a MODEL resource of one small file, registered in sid. */
static uint64_t model_in(struct hf *h, uint64_t sid, uint32_t rtype)
{
	uint64_t id;

	assert_int_equal(hc_upload_as(h, sid, rtype, 1, 64, &id), VIRTIO_ACCEL_S_OK);
	assert_true(id > 0);
	return id;
}

/* -------------------------------------------------------------------- cases */

/*
 * The builder's requests are what the spec's rows say: each model op is
 * served, a run's results echo its inputs, TF's status crosses (cut to its
 * slot), sgemm's NULL result leaves its slots empty. Every refusal in the
 * other cases is one change away from these.
 */
void hcase_model_ops_served(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	static const char msg[] = "Operation handled by noop plugin";

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(model_ops); i++) {
		uint32_t op = model_ops[i];

		print_message("%s\n", op_name(op));
		mq_build(&Q, op, model, 2, 3, 64);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
		if (Q.status_msg) {
			assert_int_equal(out_len(&Q, 0), 1);
			assert_int_equal(*wbuf(&Q, 0), 0);
			assert_int_equal(out_len(&Q, Q.status_msg), sizeof(msg));
			assert_string_equal((char *)wbuf(&Q, Q.status_msg), msg);
		}
		if (op == VACCEL_OP_TORCH_SGEMM) {
			for (unsigned w = 0; w < 3; w++)
				assert_int_equal(out_len(&Q, w), 0);
			continue;
		}
		for (unsigned k = 0; k < Q.nr_tensors_out; k++) {
			if (k < 2) {
				result_is_input(&Q, k, k);
				continue;
			}
			/* no input to echo: a NULL result, nothing in its slots */
			for (unsigned w = 0; w < 3; w++)
				assert_int_equal(out_len(&Q, Q.out[k] + w), 0);
		}
	}
	/* TF's status message is cut to its slot, NUL-terminated. */
	mq_build(&Q, VACCEL_OP_TF_MODEL_LOAD, model, 0, 0, 0);
	Q.wr[Q.status_msg].len = 8;
	expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
	assert_int_equal(out_len(&Q, Q.status_msg), 8);
	assert_memory_equal(wbuf(&Q, Q.status_msg), "Operati", 8);
	Q.wr[Q.status_msg].len = 0;
	expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
	assert_int_equal(out_len(&Q, Q.status_msg), 0);
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * nr_inputs / nr_outputs against the args that travel: disagreeing by one
 * repetition or one arg, negative, huge; the counts of the ops without
 * them (load, unload, sgemm) off by one either way.
 */
void hcase_model_counts(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	static const int32_t bad_counts[] = {-1, INT32_MIN, INT32_MAX, 3, 1};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(runs); i++) {
		uint32_t op = runs[i];

		print_message("%s\n", op_name(op));
		/* 2 inputs and 2 results travel; the counts say otherwise */
		for (unsigned c = 0; c < ARRAY_SIZE(bad_counts); c++) {
			char negative[64];

			mq_build(&Q, op, model, 2, 2, 64);
			set_i32(&Q, Q.nr_in, bad_counts[c]);
			snprintf(negative, sizeof(negative), "nr_inputs: %d, must be at least 0",
				 bad_counts[c]);
			refused(&Q, sid,
				bad_counts[c] < 0 ? negative : "read args after the op type, got");
			mq_build(&Q, op, model, 2, 2, 64);
			set_i32(&Q, Q.nr_out, bad_counts[c]);
			snprintf(negative, sizeof(negative), "nr_outputs: %d, must be at least 0",
				 bad_counts[c]);
			/* the read count of TF's runs follows nr_outputs (its out nodes) */
			refused(&Q, sid,
				bad_counts[c] < 0	       ? negative
				: op == VACCEL_OP_TF_MODEL_RUN ? "read args after the op type, got"
							       : "write args, got");
		}
		/* the counts agree, one arg too many or too few on either side */
		mq_build(&Q, op, model, 2, 2, 64);
		Q.nr--;
		refused(&Q, sid, "read args after the op type, got");
		mq_build(&Q, op, model, 2, 2, 64);
		rd_i32(&Q, 0);
		refused(&Q, sid, "read args after the op type, got");
		mq_build(&Q, op, model, 2, 2, 64);
		Q.nw--;
		refused(&Q, sid, "write args, got");
		mq_build(&Q, op, model, 2, 2, 64);
		wr_arg(&Q, 4, VACCEL_ARG_INT32);
		refused(&Q, sid, "write args, got");
		/* a count of another width or type */
		mq_build(&Q, op, model, 2, 2, 64);
		Q.rd[Q.nr_in].type = VACCEL_ARG_UINT32;
		refused(&Q, sid, "nr_inputs: expected VACCEL_ARG_INT32, got VACCEL_ARG_UINT32");
		mq_build(&Q, op, model, 2, 2, 64);
		Q.rd[Q.nr_out].len = 2;
		refused(&Q, sid, "nr_outputs: size 2 does not fit VACCEL_ARG_INT32");
		/* no inputs, no outputs: served */
		mq_build(&Q, op, model, 0, 0, 0);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
	}
	/*
	 * TF: the same number of read args, counted differently (two inputs of 5
	 * args each are 5 out nodes of 2 args each): the members' types differ.
	 */
	mq_build(&Q, VACCEL_OP_TF_MODEL_RUN, model, 2, 0, 64);
	set_i32(&Q, Q.nr_in, 0);
	set_i32(&Q, Q.nr_out, 5);
	for (unsigned k = 0; k < 5; k++)
		result_slots(&Q, k, 64);
	refused(&Q, sid, "out_node: expected VACCEL_ARG_STRING, got VACCEL_ARG_INT64_ARRAY");
	/* TF's nodes and run options: a name without its NUL, an id of 8 bytes, options of
	 * another type; no options at all is fine */
	mq_build(&Q, VACCEL_OP_TF_MODEL_RUN, model, 1, 1, 64);
	Q.rd[Q.in[0] - 2].len -= 1;
	refused(&Q, sid, "in_node: string is not NUL-terminated within 3 bytes");
	mq_build(&Q, VACCEL_OP_TF_MODEL_RUN, model, 1, 1, 64);
	Q.rd[Q.nr - 2].len = 0;
	refused(&Q, sid, "out_node: string is not NUL-terminated within 0 bytes");
	mq_build(&Q, VACCEL_OP_TF_MODEL_RUN, model, 1, 1, 64);
	Q.rd[Q.nr - 1].len = 8;
	refused(&Q, sid, "out_node_id: size 8 does not fit VACCEL_ARG_INT32");
	mq_build(&Q, VACCEL_OP_TF_MODEL_RUN, model, 1, 1, 64);
	Q.rd[Q.model + 1].type = VACCEL_ARG_STRING;
	refused(&Q, sid, "run_options: expected VACCEL_ARG_BUFFER, got VACCEL_ARG_STRING");
	mq_build(&Q, VACCEL_OP_TF_MODEL_RUN, model, 1, 1, 64);
	Q.rd[Q.model + 1].len = 0;
	expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
	/* Load, unload and sgemm: one arg more or less on either side. */
	for (unsigned i = 0; i < ARRAY_SIZE(model_ops); i++) {
		uint32_t op = model_ops[i];

		if (op == VACCEL_OP_TF_MODEL_RUN || op == VACCEL_OP_TFLITE_MODEL_RUN ||
		    op == VACCEL_OP_TORCH_MODEL_RUN)
			continue;
		print_message("%s\n", op_name(op));
		mq_build(&Q, op, model, 0, 0, 64);
		rd_i32(&Q, 0);
		refused(&Q, sid, "read args after the op type, got");
		mq_build(&Q, op, model, 0, 0, 64);
		wr_arg(&Q, 4, VACCEL_ARG_INT32);
		refused(&Q, sid, "write args, got");
		mq_build(&Q, op, model, 0, 0, 64);
		if (Q.nw) {
			Q.nw--;
			refused(&Q, sid, "write args, got");
		}
		if (op == VACCEL_OP_TORCH_SGEMM) {
			mq_build(&Q, op, model, 0, 0, 64);
			Q.nr -= 3; /* no c */
			refused(&Q, sid, "read args after the op type, got");
		} else {
			/* the op type alone: hold_resources() or the row refuses the missing model
			 */
			mq_build(&Q, op, model, 0, 0, 64);
			Q.nr = 1;
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_EINVAL);
		}
	}
	/*
	 * sgemm's m, n, k travel as given (spec §6.3: a plugin sizes its work by
	 * the tensors): negative and huge values reach the plugin, which must
	 * cope; the noop plugin does.
	 */
	mq_build(&Q, VACCEL_OP_TORCH_SGEMM, model, 0, 0, 64);
	set_i32(&Q, 1, -1);
	set_i32(&Q, 2, INT32_MAX);
	set_i32(&Q, 3, INT32_MIN);
	expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * A tensor's shape (spec §6.3): 1 to 32 dims, each >= 0, an element and a
 * byte count that do not overflow, data of exactly the bytes the shape
 * needs; dims of whole elements. For an input of each run and each of
 * sgemm's three tensors.
 */
void hcase_model_tensor_shapes(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	const uint32_t ops[] = {VACCEL_OP_TF_MODEL_RUN, VACCEL_OP_TFLITE_MODEL_RUN,
				VACCEL_OP_TORCH_MODEL_RUN, VACCEL_OP_TORCH_SGEMM};
	int64_t dims[OPTAB_TENSOR_MAX_DIMS + 1];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
		uint32_t op = ops[i];
		bool wide;

		for (unsigned k = 0; k < 2 || (op == VACCEL_OP_TORCH_SGEMM && k < 3); k++) {
			print_message("%s, input %u\n", op_name(op), k);
			mq_build(&Q, op, model, 2, 2, 64);
			wide = Q.f->dim_width == 8;
			/* no dims: a NULL tensor is no input */
			put_dims(&Q, Q.in[k], dims, 0);
			refused(&Q, sid, "_dims: 0, must be at least 1");
			/* 32 dims of 1: served; 33: too many */
			for (unsigned d = 0; d < ARRAY_SIZE(dims); d++)
				dims[d] = 1;
			mq_build(&Q, op, model, 2, 2, 64);
			put_dims(&Q, Q.in[k], dims, OPTAB_TENSOR_MAX_DIMS);
			input_data_len(&Q, k, 4);
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
			put_dims(&Q, Q.in[k], dims, OPTAB_TENSOR_MAX_DIMS + 1);
			refused(&Q, sid, "tensor shape: too many dims");
			/* a negative dim, whatever the product */
			mq_build(&Q, op, model, 2, 2, 64);
			dims[0] = -2;
			dims[1] = -3;
			put_dims(&Q, Q.in[k], dims, 2);
			refused(&Q, sid, "tensor shape: negative dim");
			dims[0] = 6;
			dims[1] = INT32_MIN;
			put_dims(&Q, Q.in[k], dims, 2);
			refused(&Q, sid, "tensor shape: negative dim");
			/* an element count past 64 bits */
			dims[0] = dims[1] = wide ? INT64_MAX : INT32_MAX;
			dims[2] = wide ? 4 : INT32_MAX;
			put_dims(&Q, Q.in[k], dims, 3);
			refused(&Q, sid, "tensor shape: element count overflows");
			/* a byte count past 64 bits (2^62 floats), or just below (TFLite's
			 * widest 2 dims): compared, not wrapped */
			if (wide) {
				dims[0] = INT64_C(1) << 62;
				put_dims(&Q, Q.in[k], dims, 1);
				refused(&Q, sid, "tensor shape: data larger than the limit");
			} else {
				char why[64];

				dims[0] = dims[1] = INT32_MAX;
				put_dims(&Q, Q.in[k], dims, 2);
				snprintf(why, sizeof(why), "24 elements, must be exactly %" PRIu64,
					 (uint64_t)INT32_MAX * INT32_MAX * 4);
				refused(&Q, sid, why);
			}
			/* data one byte short, one byte long, none */
			mq_build(&Q, op, model, 2, 2, 64);
			input_data_len(&Q, k, 23);
			refused(&Q, sid, "23 elements, must be exactly 24");
			input_data_len(&Q, k, 25);
			refused(&Q, sid, "25 elements, must be exactly 24");
			input_data_len(&Q, k, 0);
			refused(&Q, sid, "0 elements, must be exactly 24");
			/* a zero dim: no data at all is right, a byte is not */
			dims[0] = 0;
			dims[1] = 3;
			put_dims(&Q, Q.in[k], dims, 2);
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
			input_data_len(&Q, k, 1);
			refused(&Q, sid, "1 elements, must be exactly 0");
			/* dims of part of an element; dims of the other width */
			mq_build(&Q, op, model, 2, 2, 64);
			Q.rd[Q.in[k]].len -= 1;
			refused(&Q, sid, "does not fit VACCEL_ARG_INT");
			mq_build(&Q, op, model, 2, 2, 64);
			Q.rd[Q.in[k]].type = wide ? VACCEL_ARG_INT32_ARRAY : VACCEL_ARG_INT64_ARRAY;
			refused(&Q, sid, "_dims: expected VACCEL_ARG_INT");
		}
	}
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * A tensor's data type: one of its family's (spec §6.3), an INT32 of 4
 * bytes. A type of no fixed element size (strings) holds at most one
 * element per byte.
 */
void hcase_model_data_types(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	const uint32_t ops[] = {VACCEL_OP_TF_MODEL_RUN, VACCEL_OP_TFLITE_MODEL_RUN,
				VACCEL_OP_TORCH_MODEL_RUN, VACCEL_OP_TORCH_SGEMM};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
		uint32_t op = ops[i];

		print_message("%s\n", op_name(op));
		mq_build(&Q, op, model, 1, 1, 64);
		{
			const int32_t unknown[] = {Q.f->after, -1, INT32_MIN, INT32_MAX,
						   Q.f == &tflite ? -2 : 0};

			for (unsigned t = 0; t < ARRAY_SIZE(unknown); t++) {
				mq_build(&Q, op, model, 1, 1, 64);
				set_i32(&Q, Q.in[0] + 1, unknown[t]);
				refused(&Q, sid, "tensor shape: unknown data type");
			}
		}
		/* the family's own 8-byte type over 24 bytes: 3 elements, not 6 */
		mq_build(&Q, op, model, 1, 1, 64);
		set_i32(&Q, Q.in[0] + 1, Q.f->i64);
		refused(&Q, sid, "24 elements, must be exactly 48");
		/* the type arg itself malformed */
		mq_build(&Q, op, model, 1, 1, 64);
		Q.rd[Q.in[0] + 1].len = 8;
		refused(&Q, sid, "_type: size 8 does not fit VACCEL_ARG_INT32");
		mq_build(&Q, op, model, 1, 1, 64);
		Q.rd[Q.in[0] + 1].type = VACCEL_ARG_UINT32;
		refused(&Q, sid, "_type: expected VACCEL_ARG_INT32, got VACCEL_ARG_UINT32");
		mq_build(&Q, op, model, 1, 1, 64);
		Q.rd[Q.in[0] + 2].type = VACCEL_ARG_FLOAT32_ARRAY;
		refused(&Q, sid, "_data: expected VACCEL_ARG_BUFFER, got VACCEL_ARG_FLOAT32_ARRAY");
	}
	/* TF and TFLite strings: 6 elements need at least 6 bytes */
	for (unsigned i = 0; i < 2; i++) {
		uint32_t op = i ? VACCEL_OP_TFLITE_MODEL_RUN : VACCEL_OP_TF_MODEL_RUN;

		mq_build(&Q, op, model, 1, 1, 64);
		set_i32(&Q, Q.in[0] + 1, i ? VACCEL_TFLITE_STRING : VACCEL_TF_STRING);
		input_data_len(&Q, 0, 6);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
		input_data_len(&Q, 0, 5);
		refused(&Q, sid, "tensor shape: data larger than the limit");
	}
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * Result slots the guest sizes (spec §6.3): a result larger than its data
 * slot, or with more dims than its dims slot holds, completes with
 * VACCEL_ERANGE; its data slot is left as the guest wrote it (out_len 0),
 * its dims and type say what it needs, and the next result's slots hold
 * that result, not the spill of the one that did not fit. Slots of the
 * wrong type or size are refused before the op runs. Small slots (host
 * copies) and large ones (used in place) alike.
 */
void hcase_model_result_capacity(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	const uint32_t ops[] = {VACCEL_OP_TF_MODEL_RUN, VACCEL_OP_TFLITE_MODEL_RUN,
				VACCEL_OP_TORCH_MODEL_RUN};
	const size_t big = 3 * 4096;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
		uint32_t op = ops[i];
		unsigned w;

		print_message("%s\n", op_name(op));
		/* result 0 one byte short: ERANGE; result 1 still written in full */
		for (size_t cap = 0; cap < 24; cap += 23) {
			mq_build(&Q, op, model, 2, 2, 24);
			w = Q.out[0];
			Q.wr[w + 2].len = cap;
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_ERANGE);
			assert_int_equal(out_len(&Q, w), 2 * Q.f->dim_width);
			assert_memory_equal(wbuf(&Q, w), Q.rd[Q.in[0]].data, 2 * Q.f->dim_width);
			assert_int_equal(out_len(&Q, w + 1), 4);
			assert_int_equal(out_len(&Q, w + 2), 0);
			assert_true(all_bytes(wbuf(&Q, w + 2), cap, 0xee));
			result_is_input(&Q, 1, 1);
		}
		/*
		 * A large slot (past the daemon's 4 KiB host copies): result 1 of `big`
		 * bytes, its data slot 8-aligned (used in place) or not (bounced).
		 */
		for (unsigned mis = 0; mis < 2; mis++) {
			int64_t d[] = {(int64_t)big / 4};
			size_t off;

			mq_build(&Q, op, model, 2, 2, 24);
			w = Q.out[1];
			put_dims(&Q, Q.in[1], d, 1);
			input_data_len(&Q, 1, big);
			off = woff(&Q, w + 2);
			Q.wr[Q.out[0] + 2].len += (8 - off % 8) % 8 + mis;
			Q.wr[w + 2].len = big - 8;
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_ERANGE);
			result_is_input(&Q, 0, 0);
			assert_int_equal(out_len(&Q, w), Q.f->dim_width);
			assert_int_equal(out_len(&Q, w + 1), 4);
			assert_int_equal(out_len(&Q, w + 2), 0);
			assert_true(all_bytes(wbuf(&Q, w + 2), big - 8, 0xee));
			/* ... and with room: served, nothing past the result's bytes */
			Q.wr[w + 2].len = big + 8;
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
			assert_int_equal(out_len(&Q, w + 2), big);
			assert_true(all_bytes(wbuf(&Q, w + 2), big, 0x5a));
			assert_true(all_bytes(wbuf(&Q, w + 2) + big, 8, 0xee));
		}
		/* a dims slot with room for 1 dim, for none: ERANGE, nothing written */
		for (size_t room = 0; room < 2; room++) {
			mq_build(&Q, op, model, 2, 2, 64);
			w = Q.out[0];
			Q.wr[w].len = room * Q.f->dim_width;
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_ERANGE);
			for (unsigned s = 0; s < 3; s++)
				assert_int_equal(out_len(&Q, w + s), 0);
			assert_true(all_bytes(wbuf(&Q, w), Q.wr[w].len + 4 + 64, 0xee));
			result_is_input(&Q, 1, 1);
		}
		/* slots of the wrong size or type: refused, nothing runs */
		mq_build(&Q, op, model, 2, 2, 64);
		Q.wr[Q.out[1]].len = 2 * Q.f->dim_width + 1;
		refused(&Q, sid, "out_dims: size");
		mq_build(&Q, op, model, 2, 2, 64);
		Q.wr[Q.out[1] + 1].len = 8;
		refused(&Q, sid, "out_type: size 8 does not fit VACCEL_ARG_INT32");
		mq_build(&Q, op, model, 2, 2, 64);
		Q.wr[Q.out[1] + 2].type = VACCEL_ARG_UCHAR_ARRAY;
		refused(&Q, sid,
			"out_data: expected VACCEL_ARG_BUFFER, got VACCEL_ARG_UCHAR_ARRAY");
		if (op != VACCEL_OP_TORCH_MODEL_RUN) {
			/* TF's status_code, TFLite's status: one byte */
			mq_build(&Q, op, model, 2, 2, 64);
			Q.wr[0].len = 4;
			refused(&Q, sid, "size 4 does not fit VACCEL_ARG_UINT8");
		}
	}
	/* sgemm's one result slot too small for its (here NULL) result: served empty */
	mq_build(&Q, VACCEL_OP_TORCH_SGEMM, model, 0, 0, 0);
	expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
	assert_int_equal(out_len(&Q, 2), 0);
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * The model id (spec §6.2, §6.3): an id this connection was not given
 * (unknown, 0, negative, another connection's) completes with INVRES; a
 * model of this connection not registered with the request's session gets
 * VACCEL_EPERM, a resource of another type VACCEL_EINVAL; an id arg of
 * another type or size VACCEL_EINVAL. For every op that names a model.
 */
void hcase_model_ids(void **state)
{
	uint64_t sid = hc_session(&C->h), sid2 = hc_session(&C->h), model, other2, data, lib, gone,
		 osid, theirs = 0;
	struct hf other;

	(void)state;
	assert_int_equal(hf_open(&other, C->d.sock), 0);
	osid = hc_session(&other);
	model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	other2 = model_in(&C->h, sid2, VACCEL_RESOURCE_MODEL); /* in the other session */
	data = model_in(&C->h, sid, VACCEL_RESOURCE_DATA);
	lib = model_in(&C->h, sid, VACCEL_RESOURCE_LIB);
	gone = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	{
		struct hf_resp r;

		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid, gone,
				       NULL, 0, NULL, 0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	}
	/* Another connection's model, by an id this connection was never given (ids are
	 * per connection: its first ones are ours too). */
	for (unsigned i = 0; i < 8; i++) {
		uint64_t id = model_in(&other, osid, VACCEL_RESOURCE_MODEL);

		if (id != model && id != other2 && id != data && id != lib && id != gone)
			theirs = id;
	}
	assert_true(theirs > 0);
	for (unsigned i = 0; i < ARRAY_SIZE(model_ops); i++) {
		uint32_t op = model_ops[i];
		const uint64_t invres[] = {
		    theirs, gone, 0, UINT64_MAX, (uint64_t)INT64_MIN, 0x100000000ull + model};

		if (op == VACCEL_OP_TORCH_SGEMM)
			continue; /* no model */
		print_message("%s\n", op_name(op));
		mq_build(&Q, op, model, 1, 1, 64);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
		for (unsigned k = 0; k < ARRAY_SIZE(invres); k++) {
			mq_build(&Q, op, invres[k], 1, 1, 64);
			expect(&Q, sid, VIRTIO_ACCEL_S_INVRES, 0);
		}
		/* our model, in a session it is not registered with */
		mq_build(&Q, op, other2, 1, 1, 64);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_EPERM);
		mq_build(&Q, op, model, 1, 1, 64);
		expect(&Q, sid2, VIRTIO_ACCEL_S_OK, VACCEL_EPERM);
		/* resources that are no model */
		mq_build(&Q, op, data, 1, 1, 64);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_EINVAL);
		mq_build(&Q, op, lib, 1, 1, 64);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_EINVAL);
		/* the id arg of another type or size */
		mq_build(&Q, op, model, 1, 1, 64);
		Q.rd[Q.model].type = VACCEL_ARG_UINT64;
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_EINVAL);
		mq_build(&Q, op, model, 1, 1, 64);
		Q.rd[Q.model].len = 4;
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_EINVAL);
	}
	/* The other connection's models still serve it. */
	mq_build(&Q, VACCEL_OP_TORCH_MODEL_LOAD, theirs, 0, 0, 0);
	{
		struct hf_resp r;

		assert_true(hf_request(&other, VIRTIO_ACCEL_C_GENOP, 0, osid, 0, Q.rd, Q.nr, NULL,
				       0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
		assert_int_equal(r.vret, VACCEL_OK);
	}
	assert_true(hf_healthy(&other));
	hf_close(&other);
	assert_int_equal(hc_destroy(&C->h, sid2), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * The op type (spec §6.2): a UINT8, or 0.7.1's 4-byte value typed RAW,
 * INT32 or UINT32. Each model op runs in every form; a 4-byte value out of
 * range (one whose low byte names a model op included), or an op type of
 * another length, completes with VACCEL_EINVAL.
 */
void hcase_model_op_type_forms(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	const uint32_t forms[] = {VACCEL_ARG_RAW, VACCEL_ARG_INT32, VACCEL_ARG_UINT32};
	char why[64];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(model_ops); i++) {
		uint32_t op = model_ops[i];
		const uint32_t bad[] = {0x100u | op, 0x01000000u | op, VACCEL_OP_MAX, UINT32_MAX};

		print_message("%s\n", op_name(op));
		for (unsigned f = 0; f < ARRAY_SIZE(forms); f++) {
			mq_build(&Q, op, model, 1, 1, 64);
			Q.op32 = op;
			Q.rd[0] = (struct hf_arg){&Q.op32, 4, forms[f]};
			expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
			for (unsigned b = 0; b < ARRAY_SIZE(bad); b++) {
				Q.op32 = bad[b];
				snprintf(why, sizeof(why), "Invalid operation type %u", bad[b]);
				refused(&Q, sid, why);
			}
		}
		/* 2, 3 and 8 bytes of the same value */
		for (uint64_t len = 2; len <= 8; len += len == 3 ? 5 : 1) {
			static uint8_t wide[8];

			mq_build(&Q, op, model, 1, 1, 64);
			wide[0] = (uint8_t)op;
			Q.rd[0] = (struct hf_arg){wide, len, VACCEL_ARG_RAW};
			refused(&Q, sid, "genop: operation type: expected");
		}
		/* a UINT8 past the last op */
		mq_build(&Q, op, model, 1, 1, 64);
		Q.op8 = VACCEL_OP_MAX;
		refused(&Q, sid, "Invalid operation type");
	}
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * nr_read + nr_write at the NOOP profile's max_args (32): a TF run of 3
 * inputs and 2 results is exactly 32 args and is served; one more arg of
 * any kind completes with NOSPACE before anything is read. Torch and
 * TFLite runs of 9 tensors are 32 args too.
 */
void hcase_model_arg_limit(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	const struct {
		uint32_t op;
		int32_t ni, no;
	} at_limit[] = {{VACCEL_OP_TF_MODEL_RUN, 3, 2},
			{VACCEL_OP_TFLITE_MODEL_RUN, 5, 4},
			{VACCEL_OP_TORCH_MODEL_RUN, 5, 4}};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(at_limit); i++) {
		print_message("%s\n", op_name(at_limit[i].op));
		mq_build(&Q, at_limit[i].op, model, at_limit[i].ni, at_limit[i].no, 64);
		assert_int_equal(Q.nr + Q.nw, HC_MAX_ARGS);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
		for (unsigned k = 0; k < (unsigned)at_limit[i].no; k++)
			result_is_input(&Q, k, k);
		rd_i32(&Q, 0);
		expect(&Q, sid, VIRTIO_ACCEL_S_NOSPACE, 0);
		Q.nr--;
		wr_arg(&Q, 4, VACCEL_ARG_INT32);
		expect(&Q, sid, VIRTIO_ACCEL_S_NOSPACE, 0);
		/* the counts say one more input: the args would not fit anyway */
		mq_build(&Q, at_limit[i].op, model, at_limit[i].ni + 1, at_limit[i].no, 64);
		expect(&Q, sid, VIRTIO_ACCEL_S_NOSPACE, 0);
	}
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}

/*
 * The same at the protocol's own limit (VIRTIO_ACCEL_MAX_ARGS_LIMIT, 1024,
 * a daemon started with it): a TFLite run of 339 tensors, inputs or
 * results, is 1022 args and served (each result a copy of its input, or
 * empty when there is none); a Torch run one input past the limit
 * completes with NOSPACE; the host sizes nothing from the counts before
 * the args are checked against them.
 */
void hcase_model_arg_limit_wide(void **state)
{
	uint64_t sid = hc_session(&C->h), model = model_in(&C->h, sid, VACCEL_RESOURCE_MODEL);
	const struct {
		int32_t ni, no;
	} splits[] = {{339, 0}, {0, 339}, {170, 169}};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(splits); i++) {
		int32_t ni = splits[i].ni, no = splits[i].no;

		print_message("tflite_model_run, %d inputs, %d results\n", ni, no);
		mq_build(&Q, VACCEL_OP_TFLITE_MODEL_RUN, model, ni, no, 24);
		assert_int_equal(Q.nr + Q.nw, VIRTIO_ACCEL_MAX_ARGS_LIMIT - 2);
		expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
		for (int32_t k = 0; k < no; k++) {
			if (k < ni) {
				result_is_input(&Q, (unsigned)k, (unsigned)k);
				continue;
			}
			for (unsigned w = 0; w < 3; w++)
				assert_int_equal(out_len(&Q, Q.out[k] + w), 0);
		}
	}
	/* 5 + 3 * 340 = 1025 args */
	mq_build(&Q, VACCEL_OP_TORCH_MODEL_RUN, model, 340, 0, 0);
	assert_int_equal(Q.nr + Q.nw, VIRTIO_ACCEL_MAX_ARGS_LIMIT + 1);
	expect(&Q, sid, VIRTIO_ACCEL_S_NOSPACE, 0);
	Q.nr -= 3;
	set_i32(&Q, Q.nr_in, 339);
	expect(&Q, sid, VIRTIO_ACCEL_S_OK, VACCEL_OK);
	/* counts that ask for everything the limit allows, with no args behind them */
	mq_build(&Q, VACCEL_OP_TORCH_MODEL_RUN, model, 0, 0, 0);
	set_i32(&Q, Q.nr_in, VIRTIO_ACCEL_MAX_ARGS_LIMIT);
	set_i32(&Q, Q.nr_out, INT32_MAX);
	refused(&Q, sid, "read args after the op type, got");
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
}
