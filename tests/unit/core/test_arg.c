/* SPDX-License-Identifier: Apache-2.0 */
/* struct vaccel_arg and struct vaccel_arg_array. */
#include "th.h"
#include <vaccel.h>
#include "vt_main.h"

static void test_single(void **state)
{
	struct vaccel_arg a, *p = NULL;
	int v = 7;

	(void)state;
	assert_int_equal(vaccel_arg_init(&a, &v, sizeof(v), VACCEL_ARG_INT32, 0), VACCEL_OK);
	assert_true(a.owned);
	assert_ptr_not_equal(a.buf, &v);
	assert_int_equal(*(int *)a.buf, 7);
	assert_int_equal(vaccel_arg_release(&a), VACCEL_OK);
	assert_int_equal(a.type, VACCEL_ARG_MAX);
	assert_null(a.buf);

	assert_int_equal(vaccel_arg_init(&a, NULL, 16, VACCEL_ARG_BUFFER, 0), VACCEL_OK);
	for (int i = 0; i < 16; i++)
		assert_int_equal(((char *)a.buf)[i], 0);
	vaccel_arg_release(&a);

	assert_int_equal(vaccel_arg_init(&a, &v, 0, VACCEL_ARG_INT32, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_init(&a, &v, 4, VACCEL_ARG_MAX, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_init(NULL, &v, 4, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);

	assert_int_equal(vaccel_arg_init_from_buf(&a, &v, sizeof(v), VACCEL_ARG_CUSTOM, 9),
			 VACCEL_OK);
	assert_ptr_equal(a.buf, &v);
	assert_false(a.owned);
	assert_int_equal(a.custom_type_id, 9);
	vaccel_arg_release(&a);
	assert_int_equal(v, 7);
	assert_int_equal(vaccel_arg_init_from_buf(&a, &v, 0, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_init_from_buf(&a, NULL, 4, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);

	assert_int_equal(vaccel_arg_new(&p, "abc", 4, VACCEL_ARG_STRING, 0), VACCEL_OK);
	assert_string_equal(p->buf, "abc");
	assert_int_equal(vaccel_arg_delete(p), VACCEL_OK);
	assert_int_equal(vaccel_arg_from_buf(&p, &v, 4, VACCEL_ARG_INT32, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_delete(p), VACCEL_OK);
	assert_int_equal(vaccel_arg_new(NULL, "a", 1, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_new(&p, "a", 0, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_from_buf(&p, NULL, 1, VACCEL_ARG_RAW, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_delete(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_release(NULL), VACCEL_EINVAL);
}

static void test_array_lifecycle(void **state)
{
	struct vaccel_arg_array a, *p = NULL;
	int32_t v = 1;

	(void)state;
	assert_int_equal(vaccel_arg_array_init(&a, 0), VACCEL_OK);
	assert_int_equal(a.capacity, 8);
	assert_true(a.owned);
	for (int i = 0; i < 20; i++)
		assert_int_equal(vaccel_arg_array_add_int32(&a, &v), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_count(&a), 20);
	assert_true(a.capacity >= 20); /* grew */
	assert_int_equal(vaccel_arg_array_release(&a), VACCEL_OK);
	assert_null(a.args);
	assert_int_equal(vaccel_arg_array_release(&a), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_release(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_init(NULL, 1), VACCEL_EINVAL);

	assert_int_equal(vaccel_arg_array_new(&p, 2), VACCEL_OK);
	assert_int_equal(p->capacity, 2);
	assert_int_equal(vaccel_arg_array_delete(p), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_new(NULL, 2), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_delete(NULL), VACCEL_EINVAL);

	/* wrapped storage does not grow */
	struct vaccel_arg storage[2];
	assert_int_equal(vaccel_arg_array_wrap(&a, storage, 0), VACCEL_OK);
	a.capacity = 2; /* an empty wrap of 2 slots */
	assert_int_equal(vaccel_arg_array_add_int32(&a, &v), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&a, &v), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&a, &v), VACCEL_ERANGE);
	assert_ptr_equal(vaccel_arg_array_raw(&a), storage);
	assert_int_equal(vaccel_arg_array_wrap(NULL, storage, 1), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_wrap(&a, NULL, 1), VACCEL_EINVAL);

	/* clear keeps the storage */
	assert_int_equal(vaccel_arg_array_init(&a, 4), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&a, &v), VACCEL_OK);
	vaccel_arg_array_clear(&a);
	assert_int_equal(vaccel_arg_array_count(&a), 0);
	assert_non_null(a.args);
	vaccel_arg_array_clear(NULL);
	vaccel_arg_array_release(&a);
}

static void test_typed_roundtrip(void **state)
{
	struct vaccel_arg_array a;
	int8_t i8 = -8, o8;
	int16_t i16 = -1600, o16;
	int32_t i32 = -320000, o32, arr32[3] = {1, 2, 3}, *parr32;
	int64_t i64 = -6400000000LL, o64;
	uint8_t u8 = 200, ou8;
	uint16_t u16 = 60000, ou16;
	uint32_t u32 = 4000000000U, ou32;
	uint64_t u64 = 18000000000000000000ULL, ou64;
	float f = 1.5f, of, farr[2] = {0.5f, 2.5f}, *pf;
	double d = 2.25, od;
	bool b = true, ob, barr[2] = {true, false}, *pb;
	char c = 'x', oc, *str, carr[3] = {'a', 'b', 'c'}, *pc;
	unsigned char uc = 250, ouc;
	char text[] = "hello";
	size_t n = 0;

	(void)state;
	assert_int_equal(vaccel_arg_array_init(&a, 2), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int8(&a, &i8), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int16(&a, &i16), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&a, &i32), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int64(&a, &i64), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_uint8(&a, &u8), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_uint16(&a, &u16), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_uint32(&a, &u32), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_uint64(&a, &u64), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_float(&a, &f), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_double(&a, &d), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_bool(&a, &b), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_char(&a, &c), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_uchar(&a, &uc), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32_array(&a, arr32, 3), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_float_array(&a, farr, 2), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_bool_array(&a, barr, 2), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_char_array(&a, carr, 3), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_string(&a, text), VACCEL_OK);
	/* adders alias the caller's data */
	assert_ptr_equal(a.args[2].buf, &i32);
	assert_false(a.args[2].owned);
	assert_int_equal(a.args[2].type, VACCEL_ARG_INT32);
	assert_int_equal(a.args[13].size, 3 * sizeof(int32_t));
	assert_int_equal(a.args[17].size, 6);

	assert_int_equal(vaccel_arg_array_get_int8(&a, &o8), VACCEL_OK);
	assert_int_equal(o8, i8);
	assert_int_equal(vaccel_arg_array_get_int16(&a, &o16), VACCEL_OK);
	assert_int_equal(o16, i16);
	assert_int_equal(vaccel_arg_array_get_int32(&a, &o32), VACCEL_OK);
	assert_int_equal(o32, i32);
	assert_int_equal(vaccel_arg_array_get_int64(&a, &o64), VACCEL_OK);
	assert_true(o64 == i64);
	assert_int_equal(vaccel_arg_array_get_uint8(&a, &ou8), VACCEL_OK);
	assert_int_equal(ou8, u8);
	assert_int_equal(vaccel_arg_array_get_uint16(&a, &ou16), VACCEL_OK);
	assert_int_equal(ou16, u16);
	assert_int_equal(vaccel_arg_array_get_uint32(&a, &ou32), VACCEL_OK);
	assert_int_equal(ou32, u32);
	assert_int_equal(vaccel_arg_array_get_uint64(&a, &ou64), VACCEL_OK);
	assert_true(ou64 == u64);
	assert_int_equal(vaccel_arg_array_get_float(&a, &of), VACCEL_OK);
	assert_true(of == f);
	assert_int_equal(vaccel_arg_array_get_double(&a, &od), VACCEL_OK);
	assert_true(od == d);
	assert_int_equal(vaccel_arg_array_get_bool(&a, &ob), VACCEL_OK);
	assert_true(ob);
	assert_int_equal(vaccel_arg_array_get_char(&a, &oc), VACCEL_OK);
	assert_int_equal(oc, 'x');
	assert_int_equal(vaccel_arg_array_get_uchar(&a, &ouc), VACCEL_OK);
	assert_int_equal(ouc, 250);
	assert_int_equal(vaccel_arg_array_get_int32_array(&a, &parr32, &n), VACCEL_OK);
	assert_ptr_equal(parr32, arr32);
	assert_int_equal(n, 3);
	assert_int_equal(vaccel_arg_array_get_float_array(&a, &pf, NULL), VACCEL_OK);
	assert_true(pf[1] == 2.5f);
	assert_int_equal(vaccel_arg_array_get_bool_array(&a, &pb, &n), VACCEL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(vaccel_arg_array_get_char_array(&a, &pc, &n), VACCEL_OK);
	assert_int_equal(n, 3);
	assert_int_equal(vaccel_arg_array_get_string(&a, &str), VACCEL_OK);
	assert_string_equal(str, "hello");
	assert_int_equal(vaccel_arg_array_get_string(&a, &str), VACCEL_ERANGE); /* the end */
	assert_int_equal(vaccel_arg_array_remaining_count(&a), 0);
	vaccel_arg_array_release(&a);
}

static void test_validation(void **state)
{
	struct vaccel_arg_array a;
	int32_t v = 5, o;
	int64_t o64;
	int16_t s16;
	unsigned char badbool = 2;
	char unterminated[3] = {'a', 'b', 'c'}, *str;
	uint8_t raw[8] = {0};
	void *buf;
	size_t size;

	(void)state;
	assert_int_equal(vaccel_arg_array_init(&a, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&a, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_int32(NULL, &v), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_int32_array(&a, &v, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_bool(&a, (bool *)&badbool), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_string(&a, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_buffer(&a, raw, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_buffer(&a, NULL, 4), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_count(&a), 0);

	assert_int_equal(vaccel_arg_array_add_int32(&a, &v), VACCEL_OK);
	/* wrong type, position unchanged */
	assert_int_equal(vaccel_arg_array_get_int64(&a, &o64), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_get_int16(&a, &s16), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_position(&a), 0);
	assert_int_equal(vaccel_arg_array_get_int32(&a, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_get_int32(&a, &o), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_position(&a), 1);

	/* wrong scalar size */
	assert_int_equal(vaccel_arg_init_from_buf(&a.args[0], raw, 8, VACCEL_ARG_INT32, 0),
			 VACCEL_OK);
	vaccel_arg_array_reset_position(&a);
	assert_int_equal(vaccel_arg_array_get_int32(&a, &o), VACCEL_EINVAL);

	/* unterminated strings are refused */
	assert_int_equal(
	    vaccel_arg_init_from_buf(&a.args[0], unterminated, 3, VACCEL_ARG_STRING, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_get_string(&a, &str), VACCEL_EINVAL);

	/* array size not a multiple of the element */
	assert_int_equal(vaccel_arg_init_from_buf(&a.args[0], raw, 7, VACCEL_ARG_INT32_ARRAY, 0),
			 VACCEL_OK);
	int32_t *pa;
	assert_int_equal(vaccel_arg_array_get_int32_array(&a, &pa, NULL), VACCEL_EINVAL);

	/* raw reads anything */
	assert_int_equal(vaccel_arg_array_get_raw(&a, &buf, &size), VACCEL_OK);
	assert_ptr_equal(buf, raw);
	assert_int_equal(size, 7);
	assert_int_equal(vaccel_arg_array_get_raw(&a, &buf, &size), VACCEL_ERANGE);
	assert_int_equal(vaccel_arg_array_get_raw(&a, NULL, &size), VACCEL_EINVAL);
	vaccel_arg_array_release(&a);
}

static void test_set(void **state)
{
	struct vaccel_arg_array a;
	int32_t out = 0, in = 42, outarr[4] = {0}, inarr[3] = {7, 8, 9};
	char outstr[8] = "", big[] = "too long string";
	uint8_t outbuf[4] = {0};
	double dd = 1.0, dout = 0;

	(void)state;
	assert_int_equal(vaccel_arg_array_init(&a, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32(&a, &out), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_int32_array(&a, outarr, 4), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_string(&a, outstr), VACCEL_OK); /* size 1 */
	assert_int_equal(vaccel_arg_array_add_buffer(&a, outbuf, sizeof(outbuf)), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_double(&a, &dout), VACCEL_OK);

	assert_int_equal(vaccel_arg_array_set_int64(&a, (int64_t *)&dd), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_set_int32(&a, &in), VACCEL_OK);
	assert_int_equal(out, 42);
	assert_int_equal(vaccel_arg_array_set_int32_array(&a, inarr, 5), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_set_int32_array(&a, inarr, 3), VACCEL_OK);
	assert_int_equal(outarr[2], 9);
	assert_int_equal(outarr[3], 0);
	assert_int_equal(vaccel_arg_array_set_string(&a, big), VACCEL_EINVAL); /* does not fit */
	assert_int_equal(vaccel_arg_array_set_string(&a, ""), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_set_buffer(&a, "abcde", 5), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_set_buffer(&a, "abcd", 4), VACCEL_OK);
	assert_memory_equal(outbuf, "abcd", 4);
	assert_int_equal(vaccel_arg_array_set_double(&a, &dd), VACCEL_OK);
	assert_true(dout == 1.0);
	assert_int_equal(vaccel_arg_array_set_double(&a, &dd), VACCEL_ERANGE);

	vaccel_arg_array_set_position(&a, 0);
	assert_int_equal(vaccel_arg_array_set_raw(&a, &in, 8), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_set_raw(&a, &inarr[0], 4), VACCEL_OK);
	assert_int_equal(out, 7);
	vaccel_arg_array_set_position(&a, 100); /* clamped */
	assert_int_equal(vaccel_arg_array_position(&a), 5);
	vaccel_arg_array_release(&a);
}

/* custom type 100: {uint32 count; uint32 items[count]} with a validator */
static bool validate(const void *buf, size_t size, uint32_t id)
{
	const uint32_t *p = buf;

	return id == 100 && size >= 4 && size == 4 + 4 * (size_t)p[0];
}

struct mydata {
	uint32_t count;
	uint32_t *items;
};

static int serialize(const void *data, size_t data_size, uint32_t id, void **buf, size_t *size)
{
	const struct mydata *d = data;
	uint32_t *out;

	if (data_size != sizeof(*d) || id != 100)
		return VACCEL_EINVAL;
	out = malloc(4 + 4 * (size_t)d->count);
	if (!out)
		return VACCEL_ENOMEM;
	out[0] = d->count;
	memcpy(out + 1, d->items, 4 * (size_t)d->count);
	*buf = out;
	*size = 4 + 4 * (size_t)d->count;
	return VACCEL_OK;
}

static int deserialize(const void *buf, size_t size, uint32_t id, size_t data_size, void *data)
{
	const uint32_t *in = buf;
	struct mydata *d = data;

	if (id != 100 || data_size != sizeof(*d) || size < 4 || size != 4 + 4 * (size_t)in[0])
		return VACCEL_EINVAL;
	if (d->count < in[0])
		return VACCEL_ERANGE;
	d->count = in[0];
	memcpy(d->items, in + 1, 4 * (size_t)in[0]);
	return VACCEL_OK;
}

static void test_custom_serialized(void **state)
{
	struct vaccel_arg_array a;
	uint32_t good[3] = {2, 10, 20}, bad[2] = {5, 1};
	uint32_t items[3] = {1, 2, 3}, back[3] = {0};
	struct mydata in = {3, items}, out = {3, back};
	void *buf;
	size_t size;

	(void)state;
	assert_int_equal(vaccel_arg_array_init(&a, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_custom(&a, 100, good, sizeof(good), validate),
			 VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_custom(&a, 100, bad, sizeof(bad), validate),
			 VACCEL_EINVAL);
	assert_int_equal(
	    vaccel_arg_array_add_serialized(&a, VACCEL_ARG_CUSTOM, 100, &in, sizeof(in), serialize),
	    VACCEL_OK);
	assert_true(a.args[1].owned);
	assert_int_equal(
	    vaccel_arg_array_add_serialized(&a, VACCEL_ARG_CUSTOM, 100, &in, 1, serialize),
	    VACCEL_EINVAL);
	assert_int_equal(
	    vaccel_arg_array_add_serialized(&a, VACCEL_ARG_CUSTOM, 100, &in, sizeof(in), NULL),
	    VACCEL_EINVAL);

	assert_int_equal(vaccel_arg_array_get_custom(&a, 101, &buf, &size, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_get_custom(&a, 100, &buf, &size, validate), VACCEL_OK);
	assert_ptr_equal(buf, good);
	assert_int_equal(vaccel_arg_array_get_serialized(&a, VACCEL_ARG_CUSTOM, 100, &out,
							 sizeof(out), deserialize),
			 VACCEL_OK);
	assert_int_equal(out.count, 3);
	assert_int_equal(back[2], 3);

	/* set: same size required, validator runs on the new data */
	vaccel_arg_array_reset_position(&a);
	uint32_t repl[3] = {2, 30, 40}, wrong[3] = {9, 9, 9};
	assert_int_equal(vaccel_arg_array_set_custom(&a, 100, wrong, sizeof(wrong), validate),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_set_custom(&a, 100, repl, 8, validate), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_set_custom(&a, 100, repl, sizeof(repl), validate),
			 VACCEL_OK);
	assert_int_equal(good[1], 30);
	items[0] = 99;
	assert_int_equal(
	    vaccel_arg_array_set_serialized(&a, VACCEL_ARG_CUSTOM, 100, &in, sizeof(in), serialize),
	    VACCEL_OK);
	assert_int_equal(((uint32_t *)a.args[1].buf)[1], 99);
	vaccel_arg_array_release(&a); /* frees the owned serialized buffer */
}

static void test_range_remaining(void **state)
{
	struct vaccel_arg_array src, dst, small;
	struct vaccel_arg *rem, slots[1];
	int32_t v[4] = {1, 2, 3, 4};
	size_t n;

	(void)state;
	assert_int_equal(vaccel_arg_array_init(&src, 0), VACCEL_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(vaccel_arg_array_add_int32(&src, &v[i]), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_init(&dst, 1), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_range(&dst, &src, 1, 2, false), VACCEL_OK);
	assert_int_equal(dst.count, 2);
	assert_ptr_equal(dst.args[0].buf, &v[1]);
	assert_int_equal(vaccel_arg_array_add_range(&dst, &src, 3, 2, false), VACCEL_ERANGE);
	assert_int_equal(vaccel_arg_array_add_range(&dst, &src, 5, 0, false), VACCEL_ERANGE);
	assert_int_equal(vaccel_arg_array_add_range(&dst, &src, (size_t)-1, 2, false),
			 VACCEL_ERANGE);
	assert_int_equal(vaccel_arg_array_add_all(&dst, &src, true), VACCEL_OK);
	assert_int_equal(dst.count, 6);
	assert_true(dst.args[2].owned); /* copies */
	assert_ptr_not_equal(dst.args[2].buf, &v[0]);
	assert_int_equal(*(int32_t *)dst.args[5].buf, 4);

	vaccel_arg_array_set_position(&src, 3);
	assert_int_equal(vaccel_arg_array_add_remaining(&dst, &src, false), VACCEL_OK);
	assert_int_equal(dst.count, 7);
	assert_int_equal(vaccel_arg_array_get_remaining(&src, &rem, &n), VACCEL_OK);
	assert_int_equal(n, 1);
	assert_ptr_equal(rem->buf, &v[3]);
	assert_int_equal(vaccel_arg_array_get_remaining(&src, &rem, &n), VACCEL_OK);
	assert_int_equal(n, 0);

	/* a full wrapped destination refuses the whole range */
	assert_int_equal(vaccel_arg_array_wrap(&small, slots, 0), VACCEL_OK);
	small.capacity = 1;
	assert_int_equal(vaccel_arg_array_add_all(&small, &src, true), VACCEL_ERANGE);
	assert_int_equal(small.count, 0);
	assert_int_equal(vaccel_arg_array_add_all(NULL, &src, true), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_all(&dst, NULL, true), VACCEL_EINVAL);

	vaccel_arg_array_release(&src);
	vaccel_arg_array_release(&dst);
	assert_int_equal(vaccel_arg_array_count(NULL), 0);
	assert_int_equal(vaccel_arg_array_position(NULL), 0);
	assert_int_equal(vaccel_arg_array_remaining_count(NULL), 0);
	assert_null(vaccel_arg_array_raw(NULL));
}

/* Every typed add/get/set, scalar and array, generated from the public X-macro. */
#define ROUNDTRIP(NAME, CTYPE, TYPE, ARRAY_TYPE)                                                   \
	do {                                                                                       \
		struct vaccel_arg_array a;                                                         \
		CTYPE val = (CTYPE)1, out = (CTYPE)0,                                              \
		      arr[4] = {(CTYPE)1, (CTYPE)0, (CTYPE)1, (CTYPE)0};                           \
		CTYPE dst = (CTYPE)0, dstarr[3] = {(CTYPE)0, (CTYPE)0, (CTYPE)0}, *parr = NULL;    \
		size_t n = 0;                                                                      \
		assert_int_equal(vaccel_arg_array_init(&a, 1), VACCEL_OK);                         \
		assert_int_equal(vaccel_arg_array_add_##NAME(&a, &val), VACCEL_OK);                \
		assert_int_equal(vaccel_arg_array_add_##NAME##_array(&a, arr, 3), VACCEL_OK);      \
		assert_int_equal(vaccel_arg_array_add_##NAME(&a, &dst), VACCEL_OK);                \
		assert_int_equal(vaccel_arg_array_add_##NAME##_array(&a, dstarr, 3), VACCEL_OK);   \
		assert_int_equal(a.args[0].type, TYPE);                                            \
		assert_int_equal(a.args[1].type, ARRAY_TYPE);                                      \
		assert_int_equal(a.args[1].size, 3 * sizeof(CTYPE));                               \
		assert_int_equal(vaccel_arg_array_get_##NAME(&a, &out), VACCEL_OK);                \
		assert_true(out == val);                                                           \
		assert_int_equal(vaccel_arg_array_get_##NAME(&a, &out), VACCEL_EINVAL);            \
		assert_int_equal(vaccel_arg_array_get_##NAME##_array(&a, &parr, &n), VACCEL_OK);   \
		assert_ptr_equal(parr, arr);                                                       \
		assert_int_equal(n, 3);                                                            \
		assert_int_equal(vaccel_arg_array_set_##NAME##_array(&a, arr, 3), VACCEL_EINVAL);  \
		assert_int_equal(vaccel_arg_array_set_##NAME(&a, &val), VACCEL_OK);                \
		assert_true(dst == val);                                                           \
		assert_int_equal(vaccel_arg_array_set_##NAME(&a, &val), VACCEL_EINVAL);            \
		assert_int_equal(vaccel_arg_array_set_##NAME##_array(&a, arr, 4), VACCEL_EINVAL);  \
		assert_int_equal(vaccel_arg_array_set_##NAME##_array(&a, arr, 3), VACCEL_OK);      \
		assert_true(dstarr[0] == arr[0] && dstarr[2] == arr[2]);                           \
		assert_int_equal(vaccel_arg_array_get_##NAME(&a, &out), VACCEL_ERANGE);            \
		assert_int_equal(vaccel_arg_array_get_##NAME##_array(&a, NULL, &n),                \
				 VACCEL_EINVAL);                                                   \
		assert_int_equal(vaccel_arg_array_add_##NAME##_array(&a, NULL, 1), VACCEL_EINVAL); \
		assert_int_equal(vaccel_arg_array_set_##NAME(&a, NULL), VACCEL_EINVAL);            \
		vaccel_arg_array_release(&a);                                                      \
	} while (0);

static void test_every_type(void **state)
{
	(void)state;
	VACCEL_ARG_NUMERIC_TYPES(ROUNDTRIP)
}

static void test_raw_and_buffer(void **state)
{
	struct vaccel_arg_array a;
	char data[4] = "abc";
	void *buf = NULL;
	size_t size = 0;

	(void)state;
	assert_int_equal(vaccel_arg_array_init(&a, 0), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(&a, data, 4), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_add_raw(NULL, data, 4), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_add_buffer(&a, data, 4), VACCEL_OK);
	assert_int_equal(a.args[0].type, VACCEL_ARG_RAW);
	assert_int_equal(vaccel_arg_array_get_buffer(&a, &buf, &size), VACCEL_EINVAL); /* RAW */
	assert_int_equal(vaccel_arg_array_get_raw(&a, &buf, &size), VACCEL_OK);
	assert_int_equal(vaccel_arg_array_get_buffer(&a, NULL, &size), VACCEL_EINVAL);
	assert_int_equal(vaccel_arg_array_get_buffer(&a, &buf, &size), VACCEL_OK);
	assert_ptr_equal(buf, data);
	assert_int_equal(size, 4);
	assert_int_equal(vaccel_arg_array_get_buffer(&a, &buf, &size), VACCEL_ERANGE);
	vaccel_arg_array_release(&a);
}

VT_MAIN(NULL, NULL, test_single, test_array_lifecycle, test_typed_roundtrip, test_validation,
	test_set, test_custom_serialized, test_range_remaining, test_every_type,
	test_raw_and_buffer)
