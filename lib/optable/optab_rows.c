// SPDX-License-Identifier: Apache-2.0
/*
 * optab: THE op table. One row per genop-capable op: its read args (after
 * read[0], the op type) then its write args, in the order they travel, each
 * with its vAccel type, role and length rule (see optab.h). Refs are read
 * descriptor indices, or OPTAB_W(i) for write descriptor i.
 *
 * Adding an op: a row here, its typed call in src/ops/genop_unpack.c (host)
 * and in plugins/virtio/vio_ops.c (guest), then `optable-doc --update
 * docs/virtio-accel.md`. The optable tests check all three agree.
 *
 * Roles: read args are IN; a write arg is OUT when the op never reads what
 * the caller left in it, INOUT when it does (sgemm's c). Pass-through write
 * args belong to the called function, so they are in/out.
 *
 * Model ops (TF, TFLite, Torch): the model is an INT64 arg flagged
 * OPTAB_F_RESOURCE (the daemon checks it names a resource of the
 * connection); nr_inputs / nr_outputs are INT32 scalars; a tensor is three
 * args {dims, data type, data}, its data bound to its shape by
 * OPTAB_LEN_TENSOR (the row's `tensor` family says the dim width); tensor
 * lists and TF's node lists are groups. Results travel in slots the guest
 * sizes, the same three as write args (a TENSOR write descriptor is a
 * result's data slot), filled by lib/modelop on the host; an empty dims
 * slot is a NULL tensor.
 */
#include "optab.h"

#include "vaccel_common.h"

/* A descriptor: name, type (without VACCEL_ARG_), role, length rule, then optional fields. */
#define ARG(nm, t, role_, len_, ...)                                                               \
	{                                                                                          \
		.name = nm, .type = VACCEL_ARG_##t, .role = OPTAB_##role_,                         \
		.len = OPTAB_LEN_##len_, __VA_ARGS__                                               \
	}
#define IN(nm, t, len_, ...) ARG(nm, t, IN, len_, __VA_ARGS__)
#define OUT(nm, t, len_, ...) ARG(nm, t, OUT, len_, __VA_ARGS__)
#define INOUT(nm, t, len_, ...) ARG(nm, t, INOUT, len_, __VA_ARGS__)

#define RAW_OK .flags = OPTAB_F_RAW
#define ARGS(...) ((const struct optab_arg[]){__VA_ARGS__})
#define READ(...) .rd = ARGS(__VA_ARGS__), .nr_read = ARRAY_SIZE(ARGS(__VA_ARGS__))
#define WRITE(...) .wr = ARGS(__VA_ARGS__), .nr_write = ARRAY_SIZE(ARGS(__VA_ARGS__))
#define ROW(op_, ...) [VACCEL_OP_##op_] = {.listed = true, .op = VACCEL_OP_##op_, __VA_ARGS__}

/* The four image ops that only return an image name. */
#define IMAGE_ROW(op_)                                                                             \
	ROW(op_, READ(IN("img", BUFFER, FREE, .min = 1)),                                          \
	    WRITE(OUT("out_imgname", UCHAR_ARRAY, FREE)))

/* A tensor as read args, its dims at descriptor `at`: dims (nr_dims = their count), data
 * type, data of exactly the bytes the shape needs. */
#define TENSOR_IN(pfx, dims_t, at)                                                                 \
	IN(pfx "_dims", dims_t, FREE, .min = 1), IN(pfx "_type", INT32, ONE),                      \
	    IN(pfx "_data", BUFFER, TENSOR, .ref = {(at), (at) + 1})
/* A result tensor's slots, its dims at write descriptor `at`: dims and data are capacities
 * the guest chose. */
#define TENSOR_OUT(pfx, dims_t, at)                                                                \
	OUT(pfx "_dims", dims_t, FREE), OUT(pfx "_type", INT32, ONE),                              \
	    OUT(pfx "_data", BUFFER, TENSOR, .ref = {OPTAB_W(at), OPTAB_W((at) + 1)})
/* A group: the next `members` descriptors repeat count(ref) times. */
#define GROUP(nm, role_, count, members)                                                           \
	{                                                                                          \
		.name = nm, .type = VACCEL_ARG_RAW, .role = OPTAB_##role_, .len = OPTAB_LEN_GROUP, \
		.ref = {count}, .min = (members)                                                   \
	}
#define MODEL IN("model", INT64, ONE, .min = 1, .flags = OPTAB_F_RESOURCE)
/* vaccel_tf_status: its code and its message (cut to the slot, NUL-terminated). */
#define TF_STATUS OUT("status_code", UINT8, ONE), OUT("status_msg", CHAR_ARRAY, FREE)

/* FPGA ops on float arrays: a sets the length, b holds it (B_LEN: GE or EQ). */
#define FPGA_FLOAT_READ(b_len)                                                                     \
	READ(IN("a", FLOAT32_ARRAY, FREE, .min = 1, RAW_OK),                                       \
	     IN("b", FLOAT32_ARRAY, b_len, .ref = {0}, RAW_OK))

static const struct optab_op rows[VACCEL_OP_MAX] = {
    ROW(NOOP),
    ROW(EXEC, READ(IN("library", STRING, STR), IN("fn_symbol", STRING, STR)), .tail_read = true,
	.tail_write = true),
    ROW(EXEC_WITH_RESOURCE,
	READ(IN("resource", INT64, ONE, .min = 1, .flags = OPTAB_F_RESOURCE),
	     IN("fn_symbol", STRING, STR)),
	.tail_read = true, .tail_write = true),
    /* upstream's write order: the name first, then the text */
    ROW(IMAGE_CLASSIFY, READ(IN("img", BUFFER, FREE, .min = 1)),
	WRITE(OUT("out_imgname", UCHAR_ARRAY, FREE), OUT("out_text", UCHAR_ARRAY, FREE))),
    IMAGE_ROW(IMAGE_DETECT),
    IMAGE_ROW(IMAGE_SEGMENT),
    IMAGE_ROW(IMAGE_POSE),
    IMAGE_ROW(IMAGE_DEPTH),
    ROW(TF_MODEL_LOAD, READ(MODEL), WRITE(TF_STATUS), .tensor = OPTAB_TENSOR_TF),
    ROW(TF_MODEL_UNLOAD, READ(MODEL), WRITE(TF_STATUS), .tensor = OPTAB_TENSOR_TF),
    /* inputs: a node and a tensor each; outputs: a node each, then a result slot each */
    ROW(TF_MODEL_RUN,
	READ(MODEL, IN("run_options", BUFFER, FREE), IN("nr_inputs", INT32, ONE),
	     IN("nr_outputs", INT32, ONE), GROUP("inputs", IN, 2, 5), IN("in_node", STRING, STR),
	     IN("in_node_id", INT32, ONE), TENSOR_IN("in", INT64_ARRAY, 7),
	     GROUP("out_nodes", IN, 3, 2), IN("out_node", STRING, STR),
	     IN("out_node_id", INT32, ONE)),
	WRITE(TF_STATUS, GROUP("outputs", OUT, 3, 3), TENSOR_OUT("out", INT64_ARRAY, 3)),
	.tensor = OPTAB_TENSOR_TF),
    ROW(TFLITE_MODEL_LOAD, READ(MODEL), .tensor = OPTAB_TENSOR_TFLITE),
    ROW(TFLITE_MODEL_UNLOAD, READ(MODEL), .tensor = OPTAB_TENSOR_TFLITE),
    ROW(TFLITE_MODEL_RUN,
	READ(MODEL, IN("nr_inputs", INT32, ONE), IN("nr_outputs", INT32, ONE),
	     GROUP("inputs", IN, 1, 3), TENSOR_IN("in", INT32_ARRAY, 4)),
	WRITE(OUT("status", UINT8, ONE), GROUP("outputs", OUT, 2, 3),
	      TENSOR_OUT("out", INT32_ARRAY, 2)),
	.tensor = OPTAB_TENSOR_TFLITE),
    ROW(TORCH_MODEL_LOAD, READ(MODEL), .tensor = OPTAB_TENSOR_TORCH),
    ROW(TORCH_MODEL_RUN,
	READ(MODEL, IN("run_options", BUFFER, FREE), IN("nr_inputs", INT32, ONE),
	     IN("nr_outputs", INT32, ONE), GROUP("inputs", IN, 2, 3),
	     TENSOR_IN("in", INT64_ARRAY, 5)),
	WRITE(GROUP("outputs", OUT, 3, 3), TENSOR_OUT("out", INT64_ARRAY, 1)),
	.tensor = OPTAB_TENSOR_TORCH),
    /* M, N, K travel as given: the plugin must size its work by the tensors' own dims */
    ROW(TORCH_SGEMM,
	READ(IN("m", INT32, ONE), IN("n", INT32, ONE), IN("k", INT32, ONE),
	     TENSOR_IN("a", INT64_ARRAY, 3), TENSOR_IN("b", INT64_ARRAY, 6),
	     TENSOR_IN("c", INT64_ARRAY, 9)),
	WRITE(TENSOR_OUT("out", INT64_ARRAY, 0)), .tensor = OPTAB_TENSOR_TORCH),
    /* row-major: a is m x k, b is k x n, c is m x n (c = alpha * a * b + beta * c) */
    ROW(BLAS_SGEMM,
	READ(IN("m", INT64, ONE, .min = 1), IN("n", INT64, ONE, .min = 1),
	     IN("k", INT64, ONE, .min = 1), IN("alpha", FLOAT32, ONE),
	     IN("a", FLOAT32_ARRAY, MATRIX, .ref = {0, 2, 5}), IN("lda", INT64, ONE),
	     IN("b", FLOAT32_ARRAY, MATRIX, .ref = {2, 1, 7}), IN("ldb", INT64, ONE),
	     IN("beta", FLOAT32, ONE), IN("ldc", INT64, ONE)),
	WRITE(INOUT("c", FLOAT32_ARRAY, MATRIX, .ref = {0, 1, 9}))),
    ROW(FPGA_ARRAYCOPY, READ(IN("a", INT32_ARRAY, FREE, .min = 1, RAW_OK)),
	WRITE(OUT("out_a", INT32_ARRAY, GE, .ref = {0}, RAW_OK))),
    ROW(FPGA_MMULT, FPGA_FLOAT_READ(GE), WRITE(OUT("c", FLOAT32_ARRAY, GE, .ref = {0}, RAW_OK))),
    ROW(FPGA_PARALLEL, FPGA_FLOAT_READ(GE),
	WRITE(OUT("add_output", FLOAT32_ARRAY, GE, .ref = {0}, RAW_OK),
	      OUT("mult_output", FLOAT32_ARRAY, GE, .ref = {0}, RAW_OK))),
    ROW(FPGA_VECTORADD, FPGA_FLOAT_READ(EQ),
	WRITE(OUT("c", FLOAT32_ARRAY, GE, .ref = {0}, RAW_OK))),
    ROW(MINMAX,
	READ(IN("indata", FLOAT64_ARRAY, EQ, .ref = {1}, RAW_OK),
	     IN("ndata", INT32, ONE, .min = 1, RAW_OK), IN("low_threshold", INT32, ONE, RAW_OK),
	     IN("high_threshold", INT32, ONE, RAW_OK)),
	WRITE(OUT("outdata", FLOAT64_ARRAY, GE, .ref = {1}, RAW_OK),
	      OUT("min", FLOAT64, ONE, RAW_OK), OUT("max", FLOAT64, ONE, RAW_OK))),
    /* the plugin owns the layout; the first read arg selects its function */
    ROW(OPENCV, READ(IN("function", RAW, FREE, .min = 1, .flags = OPTAB_F_ANY)), .tail_read = true,
	.tail_write = true),
};

const struct optab_op *optab_op(uint32_t op)
{
	return op < ARRAY_SIZE(rows) && rows[op].listed ? &rows[op] : NULL;
}
