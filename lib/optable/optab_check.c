// SPDX-License-Identifier: Apache-2.0
/*
 * optab: checking a request against its row (see optab.h for the rules).
 *
 * The args may come from an untrusted guest (through the daemon), so every
 * size, type, pointer and count is checked before anything is read through
 * it, and every scalar a relation uses is read once, into a `struct
 * optab_val`, which is what the typed call uses afterwards. Order: counts,
 * each fixed arg by its descriptor, group repetitions, the relations between
 * args, then every arg (pass-through ones too) by its own type.
 */
#include "optab.h"

#include <limits.h>
#include <string.h>

#include "tensor.h"
#include "vaccel_common.h"

struct walk {
	const struct optab_op *row;
	struct vaccel_arg *arg[2]; /* read, write */
	size_t nr[2];
	unsigned flags;
	struct optab_val *val; /* one per descriptor: read, then write */
	struct optab_err *err;
};

enum { RD, WR };

static int fault(struct walk *w, enum optab_fault f, int dir, size_t index,
		 const struct optab_arg *d, uint32_t type, uint64_t have, uint64_t need)
{
	*w->err = (struct optab_err){.fault = (uint8_t)f,
				     .write = dir == WR,
				     .index = (uint32_t)index,
				     .name = d ? d->name : NULL,
				     .type = type,
				     .have = have,
				     .need = need};
	return -1;
}

static const struct optab_arg *desc(const struct optab_op *row, int dir)
{
	return dir == RD ? row->rd : row->wr;
}

static size_t nr_desc(const struct optab_op *row, int dir)
{
	return dir == RD ? row->nr_read : row->nr_write;
}

/* Index of the GROUP descriptor of a direction, or its descriptor count when there is none. */
static size_t group_at(const struct optab_op *row, int dir)
{
	const struct optab_arg *d = desc(row, dir);
	size_t n = nr_desc(row, dir);

	for (size_t i = 0; i < n; i++)
		if (d[i].len == OPTAB_LEN_GROUP)
			return i;
	return n;
}

/* ------------------------------------------------------------ one arg */

static bool aligned(const void *p, size_t align)
{
	return align <= 1 || (uintptr_t)p % align == 0;
}

/* An integer or float scalar's value, read once (the buffer need not be aligned). */
static void read_scalar(const struct optab_type *t, const void *buf, struct optab_val *v)
{
	unsigned bits = 8u * t->size;
	uint64_t u = 0;

	if (t->is_float) {
		float f32;

		if (t->size == sizeof(f32)) {
			memcpy(&f32, buf, sizeof(f32));
			v->f = f32;
		} else {
			memcpy(&v->f, buf, sizeof(v->f));
		}
		return;
	}
	/* The element's bytes in the low end of u, whatever the byte order. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	memcpy((unsigned char *)&u + sizeof(u) - t->size, buf, t->size);
#else
	memcpy(&u, buf, t->size);
#endif
	if (t->is_signed && bits < 64 && (u >> (bits - 1)) & 1)
		u |= ~0ull << bits; /* sign-extend */
	v->i = t->is_signed || u <= INT64_MAX ? (int64_t)u : INT64_MAX;
}

/* One fixed arg against its descriptor: type, size, buffer, alignment, minimum; fills *v. */
static int check_fixed(struct walk *w, const struct optab_arg *d, int dir, size_t index,
		       struct vaccel_arg *a, struct optab_val *v)
{
	uint32_t type = (d->flags & OPTAB_F_ANY) ? (uint32_t)a->type : d->type;
	const struct optab_type *t = optab_type(type);
	size_t size = a->size;

	if (!t)
		return fault(w, OPTAB_E_BADTYPE, dir, index, d, a->type, 0, 0);
	if ((uint32_t)a->type != type && !((d->flags & OPTAB_F_RAW) && a->type == VACCEL_ARG_RAW))
		return fault(w, OPTAB_E_TYPE, dir, index, d, a->type, 0, type);
	if (size && !a->buf)
		return fault(w, OPTAB_E_NULL, dir, index, d, a->type, size, 0);

	*v = (struct optab_val){.buf = size ? a->buf : NULL, .count = size / t->size};
	switch (d->len) {
	case OPTAB_LEN_ONE:
		if (size != t->size)
			return fault(w, OPTAB_E_SIZE, dir, index, d, a->type, size, t->size);
		/* The plugin writes an output scalar through a typed pointer. */
		if ((w->flags & OPTAB_ALIGN) && d->role != OPTAB_IN && !aligned(a->buf, t->align))
			return fault(w, OPTAB_E_ALIGN, dir, index, d, a->type, 0, t->align);
		read_scalar(t, a->buf, v);
		if (d->min && v->i < d->min)
			return fault(w, OPTAB_E_MIN, dir, index, d, a->type, (uint64_t)v->i,
				     (uint64_t)d->min);
		return 0;
	case OPTAB_LEN_STR:
		if (!size || !memchr(a->buf, '\0', size))
			return fault(w, OPTAB_E_STRING, dir, index, d, a->type, size, 0);
		return 0;
	default: /* arrays */
		if (size % t->size)
			return fault(w, OPTAB_E_SIZE, dir, index, d, a->type, size, t->size);
		/* The plugin indexes a typed array through a typed pointer (bulk: bytes). */
		if ((w->flags & OPTAB_ALIGN) && size && t->kind == OPTAB_KIND_ARRAY &&
		    !aligned(a->buf, t->align))
			return fault(w, OPTAB_E_ALIGN, dir, index, d, a->type, 0, t->align);
		if (d->len == OPTAB_LEN_FREE && v->count < (uint64_t)d->min)
			return fault(w, OPTAB_E_MIN, dir, index, d, a->type, v->count,
				     (uint64_t)d->min);
		return 0;
	}
}

/* Any arg by its own type (pass-through args included): spec §6.2's well-formedness. */
static int check_shape(struct walk *w, int dir, size_t index, const struct vaccel_arg *a)
{
	const struct optab_type *t = optab_type(a->type);

	if (!t)
		return fault(w, OPTAB_E_BADTYPE, dir, index, NULL, a->type, 0, 0);
	if (a->size && !a->buf)
		return fault(w, OPTAB_E_NULL, dir, index, NULL, a->type, a->size, 0);
	if (t->kind == OPTAB_KIND_SCALAR ? a->size != t->size : a->size % t->size)
		return fault(w, OPTAB_E_SIZE, dir, index, NULL, a->type, a->size, t->size);
	if ((w->flags & OPTAB_ALIGN) && a->size && t->kind <= OPTAB_KIND_ARRAY &&
	    !aligned(a->buf, t->align))
		return fault(w, OPTAB_E_ALIGN, dir, index, NULL, a->type, 0, t->align);
	if (dir == WR)
		return 0; /* contents of outputs are the op's to write */
	if (a->type == VACCEL_ARG_STRING && (!a->size || !memchr(a->buf, '\0', a->size)))
		return fault(w, OPTAB_E_STRING, dir, index, NULL, a->type, a->size, 0);
	if (a->type == VACCEL_ARG_BOOL || a->type == VACCEL_ARG_BOOL_ARRAY) {
		const unsigned char *b = a->buf;

		for (size_t i = 0; i < a->size; i++)
			if (b[i] > 1)
				return fault(w, OPTAB_E_BOOL, dir, index, NULL, a->type, b[i], 1);
	}
	return 0;
}

/* --------------------------------------------------------- relations */

/* The repetition of a group being checked: its members' values. */
struct rep {
	int dir;
	size_t member0; /* descriptor index of the first member */
	size_t members;
	const struct optab_val *val;
};

/* Where a ref's value lives: a fixed descriptor's, or a member's of the current repetition. */
static const struct optab_val *ref_val(const struct walk *w, uint8_t ref, const struct rep *rep)
{
	int dir = (ref & 0x80u) ? WR : RD;
	size_t i = ref & 0x7fu;

	if (rep && dir == rep->dir && i >= rep->member0 && i < rep->member0 + rep->members)
		return &rep->val[i - rep->member0];
	return &w->val[dir == RD ? i : w->row->nr_read + i];
}

/* count(ref): a scalar's value or an array's element count; -1 for a negative scalar. */
static int64_t ref_count(const struct walk *w, uint8_t ref, const struct rep *rep)
{
	int dir = (ref & 0x80u) ? WR : RD;
	const struct optab_arg *d = &desc(w->row, dir)[ref & 0x7fu];
	const struct optab_val *v = ref_val(w, ref, rep);

	if (d->len != OPTAB_LEN_ONE)
		return v->count > INT64_MAX ? INT64_MAX : (int64_t)v->count;
	return v->i < 0 ? -1 : v->i;
}

/* Elements `d` needs by its relation; 0 with *ok false when the relation itself is invalid. */
static uint64_t need_of(const struct walk *w, const struct optab_arg *d, const struct rep *rep,
			bool *ok)
{
	int64_t c;
	size_t span;

	*ok = true;
	switch (d->len) {
	case OPTAB_LEN_EQ:
	case OPTAB_LEN_GE:
		c = ref_count(w, d->ref[0], rep);
		*ok = c >= 0;
		return c < 0 ? 0 : (uint64_t)c;
	case OPTAB_LEN_MATRIX:
		*ok =
		    optab_matrix_span(ref_val(w, d->ref[0], rep)->i, ref_val(w, d->ref[1], rep)->i,
				      ref_val(w, d->ref[2], rep)->i, &span);
		return *ok ? span : 0;
	default:
		return 0;
	}
}

static bool has_relation(const struct optab_arg *d)
{
	return d->len == OPTAB_LEN_EQ || d->len == OPTAB_LEN_GE || d->len == OPTAB_LEN_MATRIX;
}

/*
 * A tensor's data against its dims and data type (OPTAB_LEN_TENSOR): the
 * shape passes lib/tensor's tensor_check(), and the data holds exactly the
 * bytes it needs (a type of no fixed element size: at most one element per
 * byte, tensor_check()'s own bound).
 */
static int check_tensor(struct walk *w, const struct optab_arg *d, int dir, size_t index,
			const struct vaccel_arg *a, const struct optab_val *v,
			const struct rep *rep)
{
	const struct tensor_kind *kind = optab_tensor_kind(w->row);
	const struct optab_val *dims = ref_val(w, d->ref[0], rep);
	const struct optab_val *type = ref_val(w, d->ref[1], rep);
	struct tensor_limits lim = {.max_dims = OPTAB_TENSOR_MAX_DIMS, .max_bytes = v->count};
	int data_type = type->i < INT_MIN || type->i > INT_MAX ? -1 : (int)type->i;
	const char *why;
	uint64_t bytes;

	/* lib/tensor reads the dims through a typed pointer. */
	if (dims->buf && !aligned(dims->buf, kind->dim_width))
		return fault(w, OPTAB_E_ALIGN, dir, index, d, a->type, 0, kind->dim_width);
	why = tensor_check(kind, (int64_t)dims->count, dims->buf, data_type, &lim, &bytes);
	if (why) {
		/* More than the data holds: say how much the shape needs, when it can say. */
		lim.max_bytes = UINT64_MAX;
		if (!tensor_check(kind, (int64_t)dims->count, dims->buf, data_type, &lim, &bytes) &&
		    bytes != UINT64_MAX)
			return fault(w, OPTAB_E_UNEQUAL, dir, index, d, a->type, v->count, bytes);
		fault(w, OPTAB_E_TENSOR, dir, index, d, a->type, 0, 0);
		w->err->detail = why;
		return -1;
	}
	if (bytes != UINT64_MAX && bytes != v->count)
		return fault(w, OPTAB_E_UNEQUAL, dir, index, d, a->type, v->count, bytes);
	return 0;
}

static bool derived(const struct walk *w, const struct vaccel_arg *a)
{
	return (w->flags & OPTAB_DERIVE) && a->size == OPTAB_DERIVED;
}

/* One arg by its descriptor, unless it waits for its size from its relation. */
static int check_or_wait(struct walk *w, const struct optab_arg *d, int dir, size_t index,
			 struct vaccel_arg *a, struct optab_val *v)
{
	*v = (struct optab_val){0};
	if (!derived(w, a))
		return check_fixed(w, d, dir, index, a, v);
	if (!has_relation(d)) /* nothing to derive its size from */
		return fault(w, OPTAB_E_SIZE, dir, index, d, a->type, 0, 0);
	return 0;
}

/* The relation of an EQ/GE/MATRIX arg; with OPTAB_DERIVE, size a derived arg first. */
static int check_relation(struct walk *w, const struct optab_arg *d, int dir, size_t index,
			  struct vaccel_arg *a, struct optab_val *v, const struct rep *rep)
{
	uint64_t need, bytes;
	bool ok;

	/* The sending side sends its caller's tensors as they are: the receiver judges them.
	 * A result slot is a capacity: whoever fills it checks the result fits. */
	if (d->len == OPTAB_LEN_TENSOR)
		return (w->flags & OPTAB_DERIVE) || derived(w, a) || dir == WR
			   ? 0
			   : check_tensor(w, d, dir, index, a, v, rep);
	if (!has_relation(d))
		return 0;
	need = need_of(w, d, rep, &ok);
	if (!ok)
		return fault(w, d->len == OPTAB_LEN_MATRIX ? OPTAB_E_SHAPE : OPTAB_E_MIN, dir,
			     index, d, a->type, 0, 0);
	if (derived(w, a)) {
		if (__builtin_mul_overflow(need, (uint64_t)optab_type(d->type)->size, &bytes) ||
		    bytes > SIZE_MAX - 1)
			return fault(w, OPTAB_E_SHAPE, dir, index, d, a->type, need, 0);
		a->size = (size_t)bytes;
		return check_fixed(w, d, dir, index, a, v);
	}
	if (w->flags & OPTAB_DERIVE)
		return 0; /* a size the caller chose: the receiving side judges it */
	if (d->len == OPTAB_LEN_EQ ? v->count != need : v->count < need)
		return fault(w, d->len == OPTAB_LEN_EQ ? OPTAB_E_UNEQUAL : OPTAB_E_SHORT, dir,
			     index, d, a->type, v->count, need);
	return 0;
}

/* ----------------------------------------------------------- the walk */

/* Fixed descriptors [0, n) of a direction: each by itself (derived ones wait for their size). */
static int walk_fixed(struct walk *w, int dir, size_t n)
{
	const struct optab_arg *d = desc(w->row, dir);
	struct optab_val *val = w->val + (dir == RD ? 0 : w->row->nr_read);

	for (size_t i = 0; i < n; i++)
		if (check_or_wait(w, &d[i], dir, i, &w->arg[dir][i], &val[i]))
			return -1;
	return 0;
}

static int relate_fixed(struct walk *w, int dir, size_t n)
{
	const struct optab_arg *d = desc(w->row, dir);
	struct optab_val *val = w->val + (dir == RD ? 0 : w->row->nr_read);

	for (size_t i = 0; i < n; i++)
		if (check_relation(w, &d[i], dir, i, &w->arg[dir][i], &val[i], NULL))
			return -1;
	return 0;
}

/* Every repetition of the group at descriptor g, whose args start at arg index base. */
static int walk_group(struct walk *w, int dir, size_t g, size_t base, uint64_t reps)
{
	const struct optab_arg *m = desc(w->row, dir) + g + 1;
	size_t members = (size_t)m[-1].min;
	struct optab_val val[OPTAB_MAX_FIXED];
	struct rep rep = {.dir = dir, .member0 = g + 1, .members = members, .val = val};

	for (uint64_t r = 0; r < reps; r++) {
		size_t at = base + (size_t)r * members;
		struct vaccel_arg *a = &w->arg[dir][at];

		for (size_t j = 0; j < members; j++)
			if (check_or_wait(w, &m[j], dir, at + j, &a[j], &val[j]))
				return -1;
		for (size_t j = 0; j < members; j++)
			if (check_relation(w, &m[j], dir, at + j, &a[j], &val[j], &rep))
				return -1;
	}
	return 0;
}

/* Arg counts of a direction: fixed part first, then the groups' repetitions or the tail. */
static int walk_counts(struct walk *w, int dir, bool tail)
{
	size_t g = group_at(w->row, dir), nr = w->nr[dir];

	bool at_least = tail || g < nr_desc(w->row, dir);

	if (at_least ? nr >= g : nr == g)
		return 0;
	fault(w, OPTAB_E_COUNT, dir, nr, NULL, 0, nr, g);
	w->err->need_min = at_least;
	return -1;
}

/* Repetitions of a group, from the scalar (or array) its ref names; -1 when negative. */
static int64_t group_reps(const struct walk *w, const struct optab_arg *group)
{
	return ref_count(w, group->ref[0], NULL);
}

/* A group's count is negative: the fault names the count arg (a scalar) and its value. */
static int negative_count(struct walk *w, const struct optab_arg *group)
{
	uint8_t ref = group->ref[0];
	int dir = (ref & 0x80u) ? WR : RD;
	const struct optab_arg *d = &desc(w->row, dir)[ref & 0x7fu];

	return fault(w, OPTAB_E_MIN, dir, ref & 0x7fu, d, d->type,
		     (uint64_t)ref_val(w, ref, NULL)->i, 0);
}

/* The groups of a direction, now that the fixed scalars are known: counts, then each group. */
static int walk_reps(struct walk *w, int dir)
{
	const struct optab_arg *d = desc(w->row, dir);
	size_t g0 = group_at(w->row, dir), n = nr_desc(w->row, dir), nr = w->nr[dir];
	uint64_t want = g0, part;

	if (g0 == n)
		return 0; /* no groups: walk_counts() judged the count */
	for (size_t g = g0; g < n; g += 1 + (size_t)d[g].min) {
		int64_t reps = group_reps(w, &d[g]);

		if (reps < 0)
			return negative_count(w, &d[g]);
		if (__builtin_mul_overflow((uint64_t)reps, (uint64_t)d[g].min, &part) ||
		    __builtin_add_overflow(want, part, &want))
			want = UINT64_MAX;
	}
	if (want != nr)
		return fault(w, OPTAB_E_COUNT, dir, nr, NULL, 0, nr, want);
	for (size_t g = g0, base = g0; g < n; g += 1 + (size_t)d[g].min) {
		uint64_t reps = (uint64_t)group_reps(w, &d[g]);

		if (walk_group(w, dir, g, base, reps))
			return -1;
		base += (size_t)reps * (size_t)d[g].min;
	}
	return 0;
}

int optab_check(const struct optab_op *row, struct vaccel_arg *read, size_t nr_read,
		struct vaccel_arg *write, size_t nr_write, unsigned flags, struct optab_val *vals,
		struct optab_err *err)
{
	struct optab_val local[2 * OPTAB_MAX_FIXED];
	struct walk w;
	size_t fixed[2];

	/* No descriptors and no args (noop): every step below passes; skip the walk (before
	 * setting it up: that costs more than the check). */
	if (!row->nr_read && !row->nr_write && !nr_read && !nr_write)
		return 0;
	w = (struct walk){.row = row,
			  .arg = {read, write},
			  .nr = {nr_read, nr_write},
			  .flags = flags,
			  .val = vals ? vals : local,
			  .err = err};
	fixed[RD] = group_at(row, RD);
	fixed[WR] = group_at(row, WR);
	if (walk_counts(&w, RD, row->tail_read) || walk_counts(&w, WR, row->tail_write))
		return -1;
	for (int dir = RD; dir <= WR; dir++)
		if (walk_fixed(&w, dir, fixed[dir]))
			return -1;
	for (int dir = RD; dir <= WR; dir++)
		if (relate_fixed(&w, dir, fixed[dir]) || walk_reps(&w, dir))
			return -1;
	for (int dir = RD; dir <= WR; dir++)
		for (size_t i = 0; i < w.nr[dir]; i++)
			if (check_shape(&w, dir, i, &w.arg[dir][i]))
				return -1;
	return 0;
}

bool optab_matrix_span(int64_t rows, int64_t cols, int64_t ld, size_t *span)
{
	uint64_t n;

	if (rows < 1 || cols < 1 || ld < cols)
		return false;
	if (__builtin_mul_overflow((uint64_t)(rows - 1), (uint64_t)ld, &n) ||
	    __builtin_add_overflow(n, (uint64_t)cols, &n) || n > SIZE_MAX)
		return false;
	*span = (size_t)n;
	return true;
}

enum optab_role optab_write_role(const struct optab_op *row, size_t i)
{
	size_t g;

	if (!row)
		return OPTAB_INOUT;
	g = group_at(row, WR);
	if (i < g)
		return (enum optab_role)row->wr[i].role;
	/* The write direction has at most one group (optab.h): its members repeat. */
	if (g < row->nr_write && row->wr[g].min > 0)
		return (enum optab_role)row->wr[g + 1 + (i - g) % (size_t)row->wr[g].min].role;
	return OPTAB_INOUT; /* pass-through, or beyond the row (refused anyway) */
}

const struct tensor_kind *optab_tensor_kind(const struct optab_op *row)
{
	switch (row->tensor) {
	case OPTAB_TENSOR_TF:
		return &tensor_kind_tf;
	case OPTAB_TENSOR_TFLITE:
		return &tensor_kind_tflite;
	case OPTAB_TENSOR_TORCH:
		return &tensor_kind_torch;
	default:
		return NULL;
	}
}
