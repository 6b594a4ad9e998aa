// SPDX-License-Identifier: Apache-2.0
/*
 * optab: the table as text: one log line per refusal, and the spec's per-op
 * table (docs/virtio-accel.md §6.2, whose legend explains the notation),
 * which optable-doc writes and a test compares.
 */
#include "optab.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* what the whole text needs */
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	size_t room = o->len < o->size ? o->size - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static const char *type_str(uint32_t type)
{
	return vaccel_arg_type_to_str((vaccel_arg_type_t)type);
}

/* ------------------------------------------------------------ log lines */

static const char *dir_str(const struct optab_err *e)
{
	return e->write ? "write" : "read";
}

int optab_err_str(const struct optab_op *row, const struct optab_err *e, char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	char op[VACCEL_ENUM_STR_MAX];
	/* read args count from read[1]: read[0] is the op type */
	uint32_t at = e->write ? e->index : e->index + 1;

	vaccel_op_type_to_lower((vaccel_op_type_t)row->op, op, sizeof(op));
	if (e->fault == OPTAB_E_COUNT) {
		put(&o, "%s: expected %s%" PRIu64 " %s args%s, got %" PRIu64, op,
		    e->need_min ? "at least " : "", e->need, dir_str(e),
		    e->write ? "" : " after the op type", e->have);
		return (int)o.len;
	}
	put(&o, "%s: %s[%" PRIu32 "]%s%s: ", op, dir_str(e), at, e->name ? " " : "",
	    e->name ? e->name : "");
	switch (e->fault) {
	case OPTAB_E_TYPE:
		put(&o, "expected %s, got %s", type_str((uint32_t)e->need), type_str(e->type));
		break;
	case OPTAB_E_BADTYPE:
		put(&o, "unknown arg type %" PRIu32, e->type);
		break;
	case OPTAB_E_NULL:
		put(&o, "NULL buffer with size %" PRIu64, e->have);
		break;
	case OPTAB_E_SIZE:
		put(&o, "size %" PRIu64 " does not fit %s", e->have, type_str(e->type));
		break;
	case OPTAB_E_ALIGN:
		put(&o, "%s buffer is not %" PRIu64 "-byte aligned", type_str(e->type), e->need);
		break;
	case OPTAB_E_STRING:
		put(&o, "string is not NUL-terminated within %" PRIu64 " bytes", e->have);
		break;
	case OPTAB_E_BOOL:
		put(&o, "bool value %" PRIu64 " is not 0 or 1", e->have);
		break;
	case OPTAB_E_MIN:
		put(&o, "%" PRId64 ", must be at least %" PRId64, (int64_t)e->have,
		    (int64_t)e->need);
		break;
	case OPTAB_E_SHORT:
	case OPTAB_E_UNEQUAL:
		put(&o, "%" PRIu64 " elements, must be %s %" PRIu64, e->have,
		    e->fault == OPTAB_E_SHORT ? "at least" : "exactly", e->need);
		break;
	case OPTAB_E_TENSOR:
		put(&o, "tensor shape: %s", e->detail ? e->detail : "invalid");
		break;
	default: /* OPTAB_E_SHAPE */
		put(&o, "invalid shape (rows and cols >= 1, stride >= cols, no overflow)");
		break;
	}
	return (int)o.len;
}

/* -------------------------------------------------------------- the doc */

static const struct optab_arg *ref_desc(const struct optab_op *row, uint8_t ref)
{
	return (ref & 0x80u) ? &row->wr[ref & 0x7fu] : &row->rd[ref];
}

/* count(ref) as the doc writes it: a scalar's name, or len(x) of array x. */
static void put_count(struct out *o, const struct optab_op *row, uint8_t ref)
{
	const struct optab_arg *d = ref_desc(row, ref);

	if (d->len == OPTAB_LEN_ONE)
		put(o, "%s", d->name);
	else
		put(o, "len(%s)", d->name);
}

static void put_type(struct out *o, const struct optab_arg *d)
{
	if (d->flags & OPTAB_F_ANY) {
		put(o, "any type");
		return;
	}
	put(o, "`%s`", vaccel_arg_type_to_base_str((vaccel_arg_type_t)d->type));
	if (d->flags & OPTAB_F_RAW)
		put(o, "/`RAW`");
}

static void put_arg(struct out *o, const struct optab_op *row, const struct optab_arg *d)
{
	put_type(o, d);
	put(o, " %s", d->name);
	switch (d->len) {
	case OPTAB_LEN_EQ:
		put(o, "[");
		put_count(o, row, d->ref[0]);
		put(o, "]");
		break;
	case OPTAB_LEN_GE:
		put(o, "[≥ ");
		put_count(o, row, d->ref[0]);
		put(o, "]");
		break;
	case OPTAB_LEN_MATRIX:
		put(o, "[≥ (%s−1)·%s + %s]", ref_desc(row, d->ref[0])->name,
		    ref_desc(row, d->ref[2])->name, ref_desc(row, d->ref[1])->name);
		break;
	case OPTAB_LEN_TENSOR:
		put(o, "[tensor(%s, %s)]", ref_desc(row, d->ref[0])->name,
		    ref_desc(row, d->ref[1])->name);
		break;
	case OPTAB_LEN_FREE:
		if (d->min)
			put(o, "[≥ %" PRId64 "]", d->min);
		break;
	case OPTAB_LEN_ONE:
		if (d->min)
			put(o, " ≥ %" PRId64, d->min);
		break;
	default:
		break;
	}
	if (d->flags & OPTAB_F_RESOURCE)
		put(o, " (a resource id)");
	if (d->role == OPTAB_INOUT)
		put(o, " (in/out)");
}

/* One direction: its descriptors (a group as `n × {…}`), then the pass-through tail. */
static void put_args(struct out *o, const struct optab_op *row, bool write)
{
	const struct optab_arg *d = write ? row->wr : row->rd;
	size_t n = write ? row->nr_write : row->nr_read;
	bool tail = write ? row->tail_write : row->tail_read;

	for (size_t i = 0; i < n; i++) {
		if (i)
			put(o, ", ");
		if (d[i].len != OPTAB_LEN_GROUP) {
			put_arg(o, row, &d[i]);
			continue;
		}
		put_count(o, row, d[i].ref[0]);
		put(o, " × {");
		for (size_t j = 0; j < (size_t)d[i].min; j++) {
			if (j)
				put(o, ", ");
			put_arg(o, row, &d[i + 1 + j]);
		}
		put(o, "}");
		i += (size_t)d[i].min;
	}
	if (tail)
		put(o, "%sany number passed through%s", n ? ", then " : "",
		    write ? " (in/out)" : "");
	else if (!n)
		put(o, "none");
}

int optab_doc_table(char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	bool tensors = false;

	put(&o, "| Op | Read args after the type | Write args |\n|---|---|---|\n");
	for (uint32_t op = 0; op < VACCEL_OP_MAX; op++) {
		const struct optab_op *row = optab_op(op);

		if (!row)
			continue;
		put(&o, "| %s (%" PRIu32 ") | ", vaccel_op_type_to_base_str((vaccel_op_type_t)op),
		    op);
		put_args(&o, row, false);
		put(&o, " | ");
		put_args(&o, row, true);
		put(&o, " |\n");
		tensors |= row->tensor != OPTAB_TENSOR_NONE;
	}
	if (tensors)
		put(&o,
		    "\nA tensor has 1 to %d dims; a result's dims arg should have room for %d.\n",
		    OPTAB_TENSOR_MAX_DIMS, OPTAB_TENSOR_MAX_DIMS);
	return (int)o.len;
}
