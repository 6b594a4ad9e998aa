/* SPDX-License-Identifier: Apache-2.0 */
/*
 * optab: every genop-capable operation described once, and the arg-type facts.
 *
 * Who uses it: the runtime's vaccel_genop() checks a request against an op's
 * row before the typed call (src/ops/genop*.c); the guest plugin builds its
 * requests from the rows (plugins/virtio/vio_ops.c); the daemon takes each
 * write arg's role and each resource-id arg from them (backend/genop.c); the
 * spec's per-op table (docs/virtio-accel.md §6.2) is generated from them
 * (optable-doc) and a test keeps the two equal.
 *
 * Why a static library under lib/ and not a header in include/ or src/ops/:
 * the three users are three binaries (libvaccel.so, libvaccel-virtio.so,
 * vhost-user-accel), and the guest plugin and the daemon must import nothing
 * from libvaccel beyond the public API (they also run on upstream's
 * runtime), so the table cannot be a libvaccel export; data and checking code
 * in a header would be compiled into every file that includes it. Each
 * binary links its own hidden copy, as with lib/wire. It depends only on the
 * public enum headers (vaccel/arg.h, vaccel/op.h), never on the runtime.
 *
 * A row (see optab_rows.c) lists an op's read args (after read[0], the op
 * type) then its write args, each an `struct optab_arg`: name, vAccel type,
 * role, how its length is bound, flags. Adding an op is one row there plus
 * its typed call on each side (src/ops/genop_unpack.c, vio_ops.c; the model
 * ops': lib/modelop and plugins/virtio/vio_model.c).
 *
 * Nothing here logs or allocates: checks return a `struct optab_err` that the
 * caller turns into its own log line with optab_err_str().
 */
#ifndef OPTAB_H
#define OPTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vaccel/arg.h>
#include <vaccel/op.h>

/* ------------------------------------------------------------ arg types */

enum optab_kind {
	OPTAB_KIND_SCALAR = 1, /* exactly one element: INT8 ... UCHAR */
	OPTAB_KIND_ARRAY,      /* a whole number of elements: INT8_ARRAY ... UCHAR_ARRAY */
	OPTAB_KIND_STRING,     /* bytes holding a NUL: STRING */
	OPTAB_KIND_BULK,       /* untyped bytes: RAW, BUFFER, CUSTOM */
};

/* What a vAccel arg type is, generated from vaccel/arg.h's type lists. */
struct optab_type {
	uint8_t kind;	/* enum optab_kind */
	uint8_t size;	/* bytes of one element (1 for STRING and bulk) */
	uint8_t align;	/* alignment typed access needs; bulk may hold anything: the largest */
	uint8_t twin;	/* the array type of a scalar, the scalar type of an array, else itself */
	bool is_signed; /* numeric elements: a signed integer or a float */
	bool is_float;	/* numeric elements: float or double */
};

/* Facts of `type`, or NULL when it is no vAccel arg type (>= VACCEL_ARG_MAX). */
const struct optab_type *optab_type(uint32_t type);

/* ------------------------------------------------------------- op rows */

enum optab_role {
	OPTAB_IN = 1, /* read arg */
	OPTAB_OUT,    /* write arg the op only writes: its initial contents need not travel */
	OPTAB_INOUT,  /* write arg the op reads first (sgemm's c): its contents travel both ways */
};

/* How an arg's length is bound. "count(r)" is the value of scalar arg r, or the element count of
 * array arg r; refs point at scalars or FREE args only, so counts never depend on each other. */
enum optab_len {
	OPTAB_LEN_ONE = 1, /* a scalar: exactly one element */
	OPTAB_LEN_STR,	   /* a STRING: NUL within its size */
	OPTAB_LEN_FREE,	   /* any number of elements, at least `min` */
	OPTAB_LEN_EQ,	   /* exactly count(ref[0]) elements */
	OPTAB_LEN_GE,	   /* at least count(ref[0]) elements */
	OPTAB_LEN_MATRIX,  /* at least (rows - 1) * ld + cols elements; ref = rows, cols, ld,
			    * rows and cols >= 1, ld >= cols */
	OPTAB_LEN_GROUP,   /* not an arg: the next `min` descriptors repeat count(ref[0]) times.
			    * Groups come last in their direction, one after another (a write
			    * direction has at most one); refs inside point at the same
			    * repetition's members or at scalars before the groups */
	OPTAB_LEN_TENSOR,  /* a tensor's data: ref = its dims (an array of the row's tensor
			    * family's dim width) and its data type (an INT32 scalar). Read: the
			    * shape must pass tensor_check() (lib/tensor) with at most
			    * OPTAB_TENSOR_MAX_DIMS dims, and the data holds exactly the bytes it
			    * needs (a type of no fixed element size: at most one element per
			    * byte). Write: the slot a result tensor's data goes to, its dims and
			    * data type to the ref'd slots; any capacity (lib/modelop fills them
			    * and refuses what does not fit) */
};

/* Most dims of a tensor that travels as args (OPTAB_LEN_TENSOR), and the dims capacity a
 * guest offers for a result tensor. */
#define OPTAB_TENSOR_MAX_DIMS 32

/* The tensor family of a row's TENSOR args (lib/tensor's kinds). */
enum optab_tensor {
	OPTAB_TENSOR_NONE = 0,
	OPTAB_TENSOR_TF,
	OPTAB_TENSOR_TFLITE,
	OPTAB_TENSOR_TORCH,
};

/* Flags of a descriptor. */
#define OPTAB_F_RAW 0x1u      /* VACCEL_ARG_RAW accepted too (upstream's untyped args) */
#define OPTAB_F_ANY 0x2u      /* any type: the op's plugin interprets it */
#define OPTAB_F_RESOURCE 0x4u /* an INT64 resource id of the caller (the daemon checks it) */

/* Refs: a read descriptor's index, or OPTAB_W(i) for write descriptor i. */
#define OPTAB_W(i) (0x80u | (i))

struct optab_arg {
	const char *name;
	uint8_t type;	/* vaccel_arg_type_t (for OPTAB_F_ANY: what the doc shows) */
	uint8_t role;	/* enum optab_role */
	uint8_t len;	/* enum optab_len */
	uint8_t flags;	/* OPTAB_F_* */
	uint8_t ref[3]; /* descriptors the length depends on */
	int64_t min;	/* scalars: least value (0: none); FREE: least count; GROUP: members */
};

struct optab_op {
	bool listed;		    /* a row: the op can travel as a genop */
	uint8_t op;		    /* vaccel_op_type_t */
	uint8_t nr_read;	    /* read descriptors (after the op type) */
	uint8_t nr_write;	    /* write descriptors */
	bool tail_read;		    /* any number of further read args pass through */
	bool tail_write;	    /* any number of further write args pass through (in/out) */
	uint8_t tensor;		    /* enum optab_tensor: the family of its tensor args */
	const struct optab_arg *rd; /* [nr_read] */
	const struct optab_arg *wr; /* [nr_write] */
};

/* Most descriptors in one direction of a row (static storage sized by it). */
#define OPTAB_MAX_FIXED 16

/* The row of op, or NULL when op cannot travel as a genop. */
const struct optab_op *optab_op(uint32_t op);

/* Role of write arg `i` (counted from write[0]) of `row`: tails and unknown ops are in/out. */
enum optab_role optab_write_role(const struct optab_op *row, size_t i);

struct tensor_kind;
/* lib/tensor's kind of the row's tensor family, or NULL when the row has no tensors. */
const struct tensor_kind *optab_tensor_kind(const struct optab_op *row);

/*
 * read[0] of a genop, the op type, in either form vAccel programs send it:
 * a UINT8 of 1 byte (upstream main), or the 4-byte vaccel_op_type_t of
 * upstream 0.7.1's programs, typed RAW, INT32 or UINT32 (host byte order;
 * a RAW of 1 byte is read as a UINT8). Returns 0 with *op set; -1 when the
 * arg has neither form; -2 when its value is no op (>= VACCEL_OP_MAX), with
 * *op the value read (saturated to UINT32_MAX). Inline: every genop reads it.
 */
static inline int optab_op_type(const struct vaccel_arg *arg, uint32_t *op)
{
	uint32_t value;
	uint8_t byte;

	if (!arg->buf)
		return -1;
	if (arg->size == sizeof(byte) &&
	    (arg->type == VACCEL_ARG_UINT8 || arg->type == VACCEL_ARG_RAW)) {
		memcpy(&byte, arg->buf, sizeof(byte));
		value = byte;
	} else if (arg->size == sizeof(value) &&
		   (arg->type == VACCEL_ARG_RAW || arg->type == VACCEL_ARG_INT32 ||
		    arg->type == VACCEL_ARG_UINT32)) {
		/* 0.7.1's vaccel_op_type_t; negative INT32 values are far out of range. */
		memcpy(&value, arg->buf, sizeof(value));
	} else {
		return -1;
	}
	*op = value;
	return value < VACCEL_OP_MAX ? 0 : -2;
}

/* ------------------------------------------------------------- checking */

/* What a fixed arg turned out to be (one per descriptor, read then write; groups excluded). */
struct optab_val {
	void *buf;	/* NULL when empty */
	uint64_t count; /* elements (bytes for STRING and bulk) */
	int64_t i;	/* integer scalars: the value, read once */
	double f;	/* FLOAT32/FLOAT64 scalars: the value, read once */
};

enum optab_fault {
	OPTAB_E_COUNT = 1, /* number of args: have, need (need_min: at least) */
	OPTAB_E_TYPE,	   /* wrong type for the descriptor */
	OPTAB_E_BADTYPE,   /* no vAccel type at all */
	OPTAB_E_NULL,	   /* NULL buffer with a size */
	OPTAB_E_SIZE,	   /* size does not fit the type (scalar: exact; array: whole elements) */
	OPTAB_E_ALIGN,	   /* buffer not aligned for typed access */
	OPTAB_E_STRING,	   /* no NUL within the size */
	OPTAB_E_BOOL,	   /* a bool that is neither 0 nor 1 */
	OPTAB_E_MIN,	   /* value or count below the row's minimum */
	OPTAB_E_SHORT,	   /* fewer elements than another arg says */
	OPTAB_E_UNEQUAL,   /* not exactly the count another arg says */
	OPTAB_E_SHAPE,	   /* matrix shape invalid (ld < cols) or overflowing */
	OPTAB_E_TENSOR,	   /* a tensor's shape breaks tensor_check(): `detail` says how */
};

struct optab_err {
	uint8_t fault;	  /* enum optab_fault */
	bool write;	  /* the arg is a write arg */
	bool need_min;	  /* OPTAB_E_COUNT: at least `need` */
	uint32_t index;	  /* its position (read: after the op type) */
	const char *name; /* its descriptor's name, NULL for a pass-through arg */
	uint32_t type;	  /* its type */
	uint64_t have, need;
	const char *detail; /* OPTAB_E_TENSOR: lib/tensor's static text */
};

/* Check flags. */
#define OPTAB_ALIGN 0x1u /* typed access follows: arrays and out scalars must be aligned */
#define OPTAB_DERIVE                                                                               \
	0x2u /* sending side: args sized OPTAB_DERIVED get the size their relation                 \
	      * needs; relations of sizes the caller chose are not checked */

/* Size that asks OPTAB_DERIVE to fill it in. */
#define OPTAB_DERIVED SIZE_MAX

/*
 * Check a request (read excludes the op type) against row: counts, every arg
 * well formed (known type, buffer for a size, exact scalar sizes, whole array
 * elements, NUL in read STRINGs, 0/1 in read BOOLs), each fixed arg's type,
 * length and relation, group repetitions and their members' relations (a
 * tensor's shape and data: only on the receiving side, without OPTAB_DERIVE).
 * vals (may be NULL) gets one entry per descriptor, read then write; only
 * the fixed ones are filled (group members are read from their args).
 * Returns 0, or -1 with *err filled.
 */
int optab_check(const struct optab_op *row, struct vaccel_arg *read, size_t nr_read,
		struct vaccel_arg *write, size_t nr_write, unsigned flags, struct optab_val *vals,
		struct optab_err *err);

/*
 * Elements a row-major rows x cols matrix with row stride ld spans:
 * (rows - 1) * ld + cols. Returns false for rows or cols < 1, ld < cols or
 * a span that overflows size_t.
 */
bool optab_matrix_span(int64_t rows, int64_t cols, int64_t ld, size_t *span);

/* "<op>: <which arg>: <what is wrong>" for a log line; returns what snprintf() does. */
int optab_err_str(const struct optab_op *row, const struct optab_err *e, char *buf, size_t size);

/* ------------------------------------------------------------------ doc */

/*
 * The spec's per-op table (docs/virtio-accel.md §6.2), every row, as
 * markdown. Returns what snprintf() does (call with size 0 to measure).
 */
int optab_doc_table(char *buf, size_t size);

#endif /* OPTAB_H */
