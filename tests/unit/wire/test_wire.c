/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/wire: decoding valid requests split at every possible place, every
 * malformed case of spec §8 item 2, gather/scatter, the response block and
 * the driver-side encoder.
 */
#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "wire.h"
#include "vt_main.h"

#define MAXA 64

static const struct wire_limits lim = {.max_args = 8, .max_request_bytes = 1 << 20};

/* A request laid out flat: readable bytes then writable bytes. */
struct flat {
	uint8_t rd[4096];
	size_t rlen;
	uint8_t wr[4096];
	size_t wlen;
	struct iovec riov[64], wiov[64];
	unsigned nr, nw;
	struct wire_arg args[MAXA];
	struct wire_req req;
};

static struct virtio_accel_req_hdr mkhdr(uint16_t code, uint16_t nr, uint16_t nw)
{
	struct virtio_accel_req_hdr h;

	memset(&h, 0, sizeof(h));
	h.code = htole16(code);
	h.nr_read = htole16(nr);
	h.nr_write = htole16(nw);
	h.session_id = htole64(7);
	h.object_id = htole64(9);
	h.tag = htole64(0xabcdef);
	h.flags = htole32(0x100);
	return h;
}

static struct virtio_accel_arg_hdr mkarg(uint64_t len, uint32_t type, uint8_t dir)
{
	struct virtio_accel_arg_hdr a;

	memset(&a, 0, sizeof(a));
	a.len = htole64(len);
	a.type = htole32(type);
	a.dir = dir;
	return a;
}

static void put(struct flat *f, const void *p, size_t n)
{
	assert_true(f->rlen + n <= sizeof(f->rd));
	memcpy(f->rd + f->rlen, p, n);
	f->rlen += n;
}

/*
 * Standard request: 2 read args ("hello\0" STRING, 100 bytes RAW) and 2
 * write args (capacity 8 and 50).
 */
static void build_std(struct flat *f)
{
	struct virtio_accel_req_hdr h = mkhdr(VIRTIO_ACCEL_C_GENOP, 2, 2);
	struct virtio_accel_arg_hdr a[4] = {mkarg(6, 27, 0), mkarg(100, 0, 0), mkarg(8, 15, 1),
					    mkarg(50, 0, 1)};
	uint8_t raw[100];

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 100; i++)
		raw[i] = (uint8_t)(i * 3);
	put(f, &h, sizeof(h));
	put(f, a, sizeof(a));
	put(f, "hello", 6);
	put(f, raw, sizeof(raw));
	f->wlen = 8 + 50 + 16 + 16;
}

/* Split both parts into pieces of `step` bytes (0: one iovec each). */
/*
 * Cut the request into iovecs of `step` bytes (0: one iovec per direction). Returns false,
 * cutting nothing, when the read side would need more than the 64 iovecs there are.
 */
static bool split(struct flat *f, size_t step)
{
	if (step && (f->rlen + step - 1) / step > 64)
		return false;
	f->nr = f->nw = 0;
	if (!step) {
		f->riov[f->nr++] = (struct iovec){f->rd, f->rlen};
		f->wiov[f->nw++] = (struct iovec){f->wr, f->wlen};
		return true;
	}
	for (size_t o = 0; o < f->rlen && f->nr < 64; o += step)
		f->riov[f->nr++] =
		    (struct iovec){f->rd + o, o + step > f->rlen ? f->rlen - o : step};
	for (size_t o = 0; o < f->wlen && f->nw < 64; o += step)
		f->wiov[f->nw++] =
		    (struct iovec){f->wr + o, o + step > f->wlen ? f->wlen - o : step};
	return true;
}

static int decode(struct flat *f)
{
	return wire_decode(&f->req, f->riov, f->nr, f->wiov, f->nw, &lim, f->args, MAXA);
}

static void test_valid_every_split(void **state)
{
	struct flat *f = malloc(sizeof(*f));

	(void)state;
	assert_non_null(f);
	for (size_t step = 0; step <= 70; step += (step < 10 ? 1 : 7)) {
		uint8_t buf[100];
		char s[6];

		build_std(f);
		if (!split(f, step))
			continue;
		assert_int_equal(decode(f), VIRTIO_ACCEL_S_OK);
		assert_int_equal(f->req.code, VIRTIO_ACCEL_C_GENOP);
		assert_int_equal(f->req.nr_read, 2);
		assert_int_equal(f->req.nr_write, 2);
		assert_int_equal(f->req.session_id, 7);
		assert_int_equal(f->req.object_id, 9);
		assert_int_equal(f->req.tag, 0xabcdef);
		assert_int_equal(f->req.flags, 0x100);
		assert_int_equal(f->args[0].len, 6);
		assert_int_equal(f->args[0].type, 27);
		assert_int_equal(f->args[1].len, 100);
		assert_int_equal(f->args[3].len, 50);
		wire_arg_gather(&f->req, 0, s);
		assert_string_equal(s, "hello");
		wire_arg_gather(&f->req, 1, buf);
		for (int i = 0; i < 100; i++)
			assert_int_equal(buf[i], (uint8_t)(i * 3));
		/* In place only when it is contiguous. */
		if (step == 0)
			assert_ptr_equal(wire_arg_ptr(&f->req, 1), f->rd + 40 + 96 + 6);
		else
			/* adjacent slices of one buffer are contiguous too */
			assert_ptr_equal(wire_arg_ptr(&f->req, 1), f->rd + 40 + 96 + 6);
	}
	free(f);
}

static void test_noncontiguous(void **state)
{
	struct flat *f = malloc(sizeof(*f));
	static uint8_t other[200];

	(void)state;
	build_std(f);
	/* Read data of arg 1 split into two separate buffers. */
	f->nr = 0;
	f->riov[f->nr++] = (struct iovec){f->rd, 40 + 96 + 6 + 30};
	memcpy(other, f->rd + 40 + 96 + 6 + 30, 70);
	f->riov[f->nr++] = (struct iovec){other, 70};
	f->nw = 0;
	f->wiov[f->nw++] = (struct iovec){f->wr, f->wlen};
	assert_int_equal(decode(f), VIRTIO_ACCEL_S_OK);
	assert_null(wire_arg_ptr(&f->req, 1));
	assert_non_null(wire_arg_ptr(&f->req, 0));
	{
		uint8_t buf[100];

		wire_arg_gather(&f->req, 1, buf);
		for (int i = 0; i < 100; i++)
			assert_int_equal(buf[i], (uint8_t)(i * 3));
	}
	free(f);
}

/*
 * wire_arg_gather() of every small length (0..12 bytes: the inline 1- and 4-byte
 * cases and the others), read and write args, at every split: the arg's bytes and
 * nothing past them, as wire_iov_read() gives them.
 */
static void test_gather_small(void **state)
{
	static const struct wire_limits many = {.max_args = 16, .max_request_bytes = 1 << 20};
	struct flat *f = malloc(sizeof(*f));
	enum { NR = 13, NW = 3 };
	static const uint64_t wlen[NW] = {1, 4, 8};

	(void)state;
	assert_non_null(f);
	for (size_t step = 0; step <= 24; step++) {
		struct virtio_accel_req_hdr h = mkhdr(VIRTIO_ACCEL_C_GENOP, NR, NW);
		uint64_t wsum = 0;

		memset(f, 0, sizeof(*f));
		put(f, &h, sizeof(h));
		for (unsigned i = 0; i < NR; i++) {
			struct virtio_accel_arg_hdr a = mkarg(i, 0, 0);

			put(f, &a, sizeof(a));
		}
		for (unsigned i = 0; i < NW; i++) {
			struct virtio_accel_arg_hdr a = mkarg(wlen[i], 0, 1);

			put(f, &a, sizeof(a));
		}
		for (unsigned i = 0; i < NR; i++)
			for (unsigned k = 0; k < i; k++)
				f->rd[f->rlen++] = (uint8_t)(16 * i + k + 1);
		for (unsigned i = 0; i < NW; i++)
			for (unsigned k = 0; k < wlen[i]; k++)
				f->wr[wsum++] = (uint8_t)(0x80 + 16 * i + k);
		f->wlen = wsum + 16 + 8 * NW;
		if (!split(f, step))
			continue;
		assert_int_equal(
		    wire_decode(&f->req, f->riov, f->nr, f->wiov, f->nw, &many, f->args, MAXA),
		    VIRTIO_ACCEL_S_OK);
		for (unsigned i = 0; i < NR + NW; i++) {
			const struct wire_arg *a = &f->args[i];
			bool rd = i < NR;
			uint8_t got[16], want[16];

			memset(got, 0xee, sizeof(got));
			memset(want, 0xee, sizeof(want));
			assert_int_equal(wire_iov_read(rd ? f->riov : f->wiov, rd ? f->nr : f->nw,
						       a->pos, want, a->len),
					 a->len);
			wire_arg_gather(&f->req, i, got);
			assert_memory_equal(got, want, sizeof(got));
			for (unsigned k = 0; k < a->len; k++)
				assert_int_equal(got[k],
						 rd ? 16 * i + k + 1 : 0x80 + 16 * (i - NR) + k);
		}
	}
	free(f);
}

static void test_scatter_and_respond(void **state)
{
	struct flat *f = malloc(sizeof(*f));
	uint8_t big[60];
	uint64_t outs[2] = {8, 33};
	uint8_t status;
	int32_t ret;
	uint64_t id, ol[2];

	(void)state;
	for (size_t step = 0; step < 20; step++) {
		build_std(f);
		if (!split(f, step))
			continue;
		assert_int_equal(decode(f), VIRTIO_ACCEL_S_OK);
		memset(big, 0x5a, sizeof(big));
		assert_int_equal(wire_arg_scatter(&f->req, 2, "ABCDEFGH", 8), 8);
		/* clamped to the capacity */
		assert_int_equal(wire_arg_scatter(&f->req, 3, big, sizeof(big)), 50);
		/* read args are not writable */
		assert_int_equal(wire_arg_scatter(&f->req, 0, big, 1), 0);
		assert_int_equal(wire_respond(&f->req, VIRTIO_ACCEL_S_OK, -5, 42, outs), f->wlen);
		assert_memory_equal(f->wr, "ABCDEFGH", 8);
		assert_int_equal(f->wr[8], 0x5a);
		assert_int_equal(f->wr[57], 0x5a);
		assert_int_equal(wire_decode_resp(f->wr + 58, 32, 2, &status, &ret, &id, ol), 0);
		assert_int_equal(status, 0);
		assert_int_equal(ret, -5);
		assert_int_equal(id, 42);
		assert_int_equal(ol[0], 8);
		assert_int_equal(ol[1], 33);
	}
	free(f);
}

/* Mutate the standard request, expect `status` and a response slot. */
typedef void (*mutate_fn)(struct flat *f);

static void expect_status(mutate_fn fn, int status, bool resp_ok)
{
	struct flat *f = malloc(sizeof(*f));

	assert_non_null(f);
	for (size_t step = 0; step < 12; step += 5) {
		build_std(f);
		fn(f);
		if (!split(f, step))
			continue;
		assert_int_equal(decode(f), status);
		assert_int_equal(f->req.resp_ok, resp_ok);
		if (resp_ok) {
			uint8_t st = 0xff;

			assert_int_equal(wire_respond(&f->req, (uint8_t)status, 0, 0, NULL),
					 f->wlen);
			/* The header lies at the end the driver computed, or at the very end. */
			if (f->wlen >= 16 + 8ull * f->req.resp_nr_out)
				wire_decode_resp(f->wr + f->wlen - 16 - 8 * f->req.resp_nr_out, 16,
						 0, &st, NULL, NULL, NULL);
			assert_int_equal(st, status);
		}
	}
	free(f);
}

static struct virtio_accel_req_hdr *H(struct flat *f)
{
	return (struct virtio_accel_req_hdr *)f->rd;
}

static struct virtio_accel_arg_hdr *A(struct flat *f, int i)
{
	return (struct virtio_accel_arg_hdr *)(f->rd + 40 + 24 * i);
}

static void m_code0(struct flat *f)
{
	H(f)->code = 0;
}
static void m_code_next(struct flat *f)
{
	H(f)->code = htole16(VIRTIO_ACCEL_C_RESUME + 1);
}
static void m_codebig(struct flat *f)
{
	H(f)->code = htole16(0xffff);
}
static void m_res0(struct flat *f)
{
	H(f)->reserved0 = htole16(1);
}
static void m_res1(struct flat *f)
{
	H(f)->reserved1 = htole32(0x80000000);
}
static void m_argres(struct flat *f)
{
	A(f, 1)->reserved[6] = 1;
}
static void m_dir_rd(struct flat *f)
{
	A(f, 0)->dir = 1;
}
static void m_dir_wr(struct flat *f)
{
	A(f, 3)->dir = 0;
}
static void m_dir_bad(struct flat *f)
{
	A(f, 2)->dir = 7;
}
static void m_type(struct flat *f)
{
	A(f, 1)->type = htole32(30);
}
static void m_type_huge(struct flat *f)
{
	A(f, 2)->type = htole32(0xffffffff);
}
static void m_rlen_short(struct flat *f)
{
	A(f, 1)->len = htole64(99);
}
static void m_rlen_long(struct flat *f)
{
	A(f, 1)->len = htole64(101);
}
static void m_trunc_data(struct flat *f)
{
	f->rlen -= 1;
}
static void m_extra_data(struct flat *f)
{
	f->rd[f->rlen++] = 0;
}
static void m_trunc_hdr(struct flat *f)
{
	f->rlen = 39;
}
static void m_trunc_args(struct flat *f)
{
	f->rlen = 40 + 24 * 3 + 5;
}
static void m_empty(struct flat *f)
{
	f->rlen = 0;
}
static void m_wcap(struct flat *f)
{
	A(f, 3)->len = htole64(51);
}
static void m_wshort(struct flat *f)
{
	f->wlen -= 1;
}
static void m_wlong(struct flat *f)
{
	f->wlen += 8;
}
static void m_wtiny(struct flat *f)
{
	f->wlen = 15;
}
static void m_wnone(struct flat *f)
{
	f->wlen = 0;
}
static void m_too_many(struct flat *f)
{
	H(f)->nr_read = htole16(7);
}
static void m_huge_counts(struct flat *f)
{
	H(f)->nr_read = htole16(0xffff);
	H(f)->nr_write = htole16(0xffff);
}
static void m_len_limit(struct flat *f)
{
	A(f, 3)->len = htole64((1 << 20) + 1);
}
static void m_len_overflow(struct flat *f)
{
	/* Two lens that sum past 2^64 (each also beyond the limit). */
	A(f, 0)->len = htole64(UINT64_MAX);
	A(f, 1)->len = htole64(107);
}
static void m_rd_counts_mismatch(struct flat *f)
{
	H(f)->nr_read = htole16(3);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_status(m_code0, VIRTIO_ACCEL_S_NOTSUPP, true);
	expect_status(m_code_next, VIRTIO_ACCEL_S_NOTSUPP, true);
	expect_status(m_codebig, VIRTIO_ACCEL_S_NOTSUPP, true);
	expect_status(m_res0, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_res1, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_argres, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_dir_rd, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_dir_wr, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_dir_bad, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_type, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_type_huge, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_rlen_short, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_rlen_long, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_trunc_data, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_extra_data, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_trunc_hdr, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_trunc_args, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_empty, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_wcap, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_wshort, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_wlong, VIRTIO_ACCEL_S_BADMSG, true);
	expect_status(m_wtiny, VIRTIO_ACCEL_S_BADMSG, false);
	expect_status(m_wnone, VIRTIO_ACCEL_S_BADMSG, false);
	expect_status(m_too_many, VIRTIO_ACCEL_S_NOSPACE, true);
	expect_status(m_huge_counts, VIRTIO_ACCEL_S_NOSPACE, true);
	expect_status(m_len_limit, VIRTIO_ACCEL_S_NOSPACE, true);
	expect_status(m_len_overflow, VIRTIO_ACCEL_S_NOSPACE, true);
	expect_status(m_rd_counts_mismatch, VIRTIO_ACCEL_S_BADMSG, true);
}

static void test_total_limit(void **state)
{
	struct flat *f = malloc(sizeof(*f));
	struct wire_limits small = {.max_args = 8, .max_request_bytes = 200};

	(void)state;
	build_std(f);
	split(f, 0);
	/* Each len fits but the chain (238 + 90 bytes) does not. */
	assert_int_equal(
	    wire_decode(&f->req, f->riov, f->nr, f->wiov, f->nw, &small, f->args, MAXA),
	    VIRTIO_ACCEL_S_NOSPACE);
	/* args storage smaller than the request */
	assert_int_equal(wire_decode(&f->req, f->riov, f->nr, f->wiov, f->nw, &lim, f->args, 3),
			 VIRTIO_ACCEL_S_NOSPACE);
	free(f);
}

static void test_no_args(void **state)
{
	struct flat f;
	struct virtio_accel_req_hdr h = mkhdr(VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0);

	(void)state;
	memset(&f, 0, sizeof(f));
	put(&f, &h, sizeof(h));
	f.wlen = 16;
	split(&f, 3);
	assert_int_equal(decode(&f), VIRTIO_ACCEL_S_OK);
	assert_int_equal(wire_respond(&f.req, 0, 0, 77, NULL), 16);
	{
		uint64_t id;

		assert_int_equal(wire_decode_resp(f.wr, 16, 0, NULL, NULL, &id, NULL), 0);
		assert_int_equal(id, 77);
	}
	/* Zero-length args are legal and have no pointer. */
	memset(&f, 0, sizeof(f));
	h = mkhdr(VIRTIO_ACCEL_C_GENOP, 1, 1);
	put(&f, &h, sizeof(h));
	{
		struct virtio_accel_arg_hdr a[2] = {mkarg(0, 0, 0), mkarg(0, 0, 1)};

		put(&f, a, sizeof(a));
	}
	f.wlen = 24;
	split(&f, 0);
	assert_int_equal(decode(&f), VIRTIO_ACCEL_S_OK);
	assert_null(wire_arg_ptr(&f.req, 0));
	assert_null(wire_arg_ptr(&f.req, 1));
}

/*
 * The response without out lengths (wire_respond's frameless case when its header lies
 * in one iovec) at every split, with room before it or not: the same bytes each time.
 */
static void test_respond_every_split(void **state)
{
	struct flat *f = malloc(sizeof(*f));

	(void)state;
	assert_non_null(f);
	for (size_t pad = 0; pad <= 8; pad += 8)
		for (size_t step = 0; step <= 20; step++) {
			struct virtio_accel_req_hdr h = mkhdr(VIRTIO_ACCEL_C_GENOP, 0, 0);
			struct virtio_accel_resp_hdr want;
			uint8_t status = 0;
			int32_t ret = 0;
			uint64_t id = 0;

			memset(f, 0, sizeof(*f));
			put(f, &h, sizeof(h));
			f->wlen = 16 + pad; /* a bare header at the end when it does not decode */
			memset(f->wr, 0x5a, sizeof(f->wr));
			if (!split(f, step))
				continue;
			assert_int_equal(decode(f),
					 pad ? VIRTIO_ACCEL_S_BADMSG : VIRTIO_ACCEL_S_OK);
			assert_int_equal(wire_respond(&f->req, 3, -7, 0x1122334455667788ull, NULL),
					 16 + pad);
			memset(&want, 0, sizeof(want));
			want.status = 3;
			want.vaccel_ret = htole32((uint32_t)-7);
			want.id = htole64(0x1122334455667788ull);
			assert_memory_equal(f->wr + pad, &want, sizeof(want));
			for (size_t k = 0; k < pad; k++)
				assert_int_equal(f->wr[k], 0x5a);
			assert_int_equal(f->wr[16 + pad], 0x5a);
			assert_int_equal(
			    wire_decode_resp(f->wr + pad, 16, 0, &status, &ret, &id, NULL), 0);
			assert_int_equal(status, 3);
			assert_int_equal(ret, -7);
			assert_int_equal(id, 0x1122334455667788ull);
		}
	free(f);
}

static void test_encode_roundtrip(void **state)
{
	struct flat *f = malloc(sizeof(*f));
	struct wire_req r;
	struct wire_enc_arg rd[2] = {{6, 27, 0}, {100, 0, 0}}, wr[2] = {{8, 15, 0}, {50, 29, 77}};
	size_t n;

	(void)state;
	memset(f, 0, sizeof(*f));
	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_GENOP;
	r.nr_read = 2;
	r.nr_write = 2;
	r.session_id = 5;
	r.tag = 1;
	assert_int_equal(wire_encode(f->rd, 10, &r, rd, wr), 0);
	n = wire_encode(f->rd, sizeof(f->rd), &r, rd, wr);
	assert_int_equal(n, wire_enc_size(4));
	assert_int_equal(n, 40 + 96);
	f->rlen = n + 106;
	f->wlen = 58 + 32;
	split(f, 0);
	assert_int_equal(decode(f), VIRTIO_ACCEL_S_OK);
	assert_int_equal(f->req.session_id, 5);
	assert_int_equal(f->args[3].type, 29);
	assert_int_equal(f->args[3].custom_type_id, 77);
	assert_int_equal(f->args[3].dir, 1);
	free(f);
}

/*
 * A response the same as the one already in the buffer is not stored again: the store would
 * take the line from the polling driver for nothing. With the buffer read-only, a store
 * faults; a different response is stored.
 */
static void test_respond_repeat_not_stored(void **state)
{
	struct flat *f = calloc(1, sizeof(*f));
	struct virtio_accel_req_hdr h = mkhdr(VIRTIO_ACCEL_C_GENOP, 0, 0);
	uint8_t *page =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int32_t ret = 0;

	(void)state;
	assert_non_null(f);
	assert_true(page != MAP_FAILED);
	put(f, &h, sizeof(h));
	f->wlen = 16;
	split(f, 0);
	f->wiov[0].iov_base = page;
	assert_int_equal(decode(f), VIRTIO_ACCEL_S_OK);
	assert_int_equal(wire_respond(&f->req, VIRTIO_ACCEL_S_OK, 0, 77, NULL), 16);
	assert_int_equal(mprotect(page, 4096, PROT_READ), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(wire_respond(&f->req, VIRTIO_ACCEL_S_OK, 0, 77, NULL), 16);
	assert_int_equal(mprotect(page, 4096, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(wire_respond(&f->req, VIRTIO_ACCEL_S_OK, -5, 77, NULL), 16);
	assert_int_equal(wire_decode_resp(page, 16, 0, NULL, &ret, NULL, NULL), 0);
	assert_int_equal(ret, -5);
	munmap(page, 4096);
	free(f);
}

VT_MAIN(NULL, NULL, test_valid_every_split, test_noncontiguous, test_gather_small,
	test_scatter_and_respond, test_malformed, test_total_limit, test_no_args,
	test_respond_every_split, test_encode_roundtrip, test_respond_repeat_not_stored)
