/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile cases: malformed requests on the wire (headers, counts, lengths,
 * directions, the response area, unknown ids, bad uploads). Each expects an
 * error status, or used length 0 where no response fits, and the case's own
 * connection still served afterwards.
 */
#include <endian.h>
#include <string.h>

#include "hc.h"

/* ------------------------------------------------- wire-level malformation */

/* Send a raw readable block + writable size; returns the status written. */
static int send_block(const void *blk, size_t blen, size_t wlen, size_t split, int *used)
{
	struct vq_buf bufs[70];
	unsigned nb = 0;
	uint8_t *rp, *wp;
	uint64_t rg, wg;

	hf_reset_alloc(&C->h);
	rg = hf_alloc(&C->h, blen ? blen : 1, (void **)&rp);
	wg = hf_alloc(&C->h, wlen ? wlen : 1, (void **)&wp);
	memcpy(rp, blk, blen);
	memset(wp, 0xee, wlen);
	if (!split)
		split = blen ? blen : 1;
	for (size_t o = 0; o < blen && nb < 60; o += split)
		bufs[nb++] =
		    (struct vq_buf){rg + o, (uint32_t)(o + split > blen ? blen - o : split)};
	if (wlen)
		bufs[nb++] = (struct vq_buf){wg, (uint32_t)wlen};
	*used = hf_submit(&C->h, bufs, wlen ? nb - 1 : nb, wlen ? 1 : 0);
	if (*used >= 16 && (size_t)*used == wlen)
		return wp[wlen - 16 - 8 * 0];
	return -1;
}

struct blk {
	uint8_t b[4096];
	size_t n;
};

static void b_hdr(struct blk *k, uint16_t code, uint16_t nr, uint16_t nw, uint64_t sid)
{
	struct virtio_accel_req_hdr h;

	memset(&h, 0, sizeof(h));
	h.code = htole16(code);
	h.nr_read = htole16(nr);
	h.nr_write = htole16(nw);
	h.session_id = htole64(sid);
	memcpy(k->b, &h, sizeof(h));
	k->n = sizeof(h);
}

static void b_arg(struct blk *k, uint64_t len, uint32_t type, uint8_t dir)
{
	struct virtio_accel_arg_hdr a;

	memset(&a, 0, sizeof(a));
	a.len = htole64(len);
	a.type = htole32(type);
	a.dir = dir;
	memcpy(k->b + k->n, &a, sizeof(a));
	k->n += sizeof(a);
}

static void b_data(struct blk *k, const void *p, size_t n)
{
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

/* GENOP NOOP on session 1: one arg of the given type and direction, holding the op byte. */
static void b_noop(struct blk *k, uint32_t type, uint8_t dir)
{
	const uint8_t op = VACCEL_OP_NOOP;

	b_hdr(k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
	b_arg(k, sizeof(op), type, dir);
	b_data(k, &op, sizeof(op));
}

/* GENOP NOOP with one write arg of 8: status at the end minus 8 out_len. */
static int send_nw(struct blk *k, size_t wlen, unsigned nw, int *used)
{
	struct vq_buf bufs[2];
	uint8_t *rp, *wp;
	uint64_t rg, wg;

	hf_reset_alloc(&C->h);
	rg = hf_alloc(&C->h, k->n, (void **)&rp);
	wg = hf_alloc(&C->h, wlen, (void **)&wp);
	memcpy(rp, k->b, k->n);
	bufs[0] = (struct vq_buf){rg, (uint32_t)k->n};
	bufs[1] = (struct vq_buf){wg, (uint32_t)wlen};
	*used = hf_submit(&C->h, bufs, 1, 1);
	if (*used > 0 && wlen >= 16 + 8 * nw)
		return wp[wlen - 16 - 8 * nw];
	if (*used > 0 && wlen >= 16)
		return wp[wlen - 16];
	return -1;
}

void hcase_unknown_codes(void **state)
{
	uint16_t codes[] = {0, VIRTIO_ACCEL_C_RESUME + 1, VIRTIO_ACCEL_C_RESUME + 2, 100, 0xffff};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(codes); i++) {
		struct blk k;
		int used;

		b_hdr(&k, codes[i], 0, 0, 0);
		assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOTSUPP);
		assert_int_equal(used, 16);
	}
	assert_true(hf_healthy(&C->h));
}

void hcase_truncated_headers(void **state)
{
	struct blk k;
	int used;

	(void)state;
	/* Request header cut short, at every length below 40. */
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	for (size_t n = 1; n < 40; n += 3)
		assert_int_equal(send_block(k.b, n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* Arg headers cut short. */
	b_noop(&k, VACCEL_ARG_UINT8, 0);
	assert_int_equal(send_block(k.b, 40 + 10, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* data missing / extra */
	assert_int_equal(send_block(k.b, k.n - 1, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	k.b[k.n++] = 0;
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	assert_true(hf_healthy(&C->h));
}

void hcase_reserved_and_types(void **state)
{
	struct blk k;
	int used;

	(void)state;
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	k.b[6] = 1; /* reserved0 */
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	k.b[12] = 1; /* reserved1 */
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* arg reserved bytes (the last byte of its header) */
	b_noop(&k, VACCEL_ARG_UINT8, 0);
	k.b[sizeof(struct virtio_accel_req_hdr) + sizeof(struct virtio_accel_arg_hdr) - 1] = 9;
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* type out of range */
	b_noop(&k, VACCEL_ARG_MAX, 0);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	assert_true(hf_healthy(&C->h));
}

void hcase_wrong_directions(void **state)
{
	struct blk k;
	int used;
	uint8_t op = VACCEL_OP_NOOP;

	(void)state;
	b_noop(&k, VACCEL_ARG_UINT8, VIRTIO_ACCEL_ARG_WRITE);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 1, 1);
	b_arg(&k, 1, VACCEL_ARG_UINT8, 0);
	b_arg(&k, 8, VACCEL_ARG_RAW, VIRTIO_ACCEL_ARG_READ); /* a write arg marked READ */
	b_data(&k, &op, 1);
	assert_int_equal(send_nw(&k, 8 + 16 + 8, 1, &used), VIRTIO_ACCEL_S_BADMSG);
	b_noop(&k, VACCEL_ARG_UINT8, 2);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* Writable descriptors before readable ones: the ring walker refuses. */
	{
		struct vq_buf bufs[2];
		uint8_t *p;
		uint64_t g;

		/* (writable-before-readable needs raw descriptors: see test_ring_abuse) */
		hf_reset_alloc(&C->h);
		g = hf_alloc(&C->h, 64, (void **)&p);
		memset(p, 0xee, 64);
		bufs[0] = (struct vq_buf){g, 16};
		bufs[1] = (struct vq_buf){g + 16, 40};
		/* No readable part at all: refused by the walker or as truncated. */
		used = hf_submit(&C->h, bufs, 0, 2);
		assert_true(used == 0 || (used == 56 && p[40] == VIRTIO_ACCEL_S_BADMSG));
	}
	assert_true(hf_healthy(&C->h));
}

void hcase_too_many_args(void **state)
{
	struct blk k;
	int used;
	uint8_t zero[64] = {0};

	(void)state;
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, HC_MAX_ARGS + 1, 0, 1);
	for (int i = 0; i < HC_MAX_ARGS + 1; i++)
		b_arg(&k, 1, VACCEL_ARG_UINT8, 0);
	b_data(&k, zero, HC_MAX_ARGS + 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	/* Counts far beyond what the chain holds. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 0xffff, 0xffff, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	assert_true(hf_healthy(&C->h));
}

void hcase_lengths_beyond_limits(void **state)
{
	struct blk k;
	int used;
	uint8_t op = VACCEL_OP_NOOP;

	(void)state;
	/* An arg len above max_request_bytes. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
	b_arg(&k, (uint64_t)HC_MAX_BYTES + 1, VACCEL_ARG_BUFFER, 0);
	b_data(&k, &op, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	/* Lens whose sum overflows 64 bits. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 2, 0, 1);
	b_arg(&k, UINT64_MAX, VACCEL_ARG_BUFFER, 0);
	b_arg(&k, 2, VACCEL_ARG_BUFFER, 0);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	/* A chain longer than max_request_bytes: refused by the ring walker or with NOSPACE. */
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	{
		int st = send_block(k.b, k.n, HC_MAX_BYTES + 16, 0, &used);

		assert_true(used == 0 || st == VIRTIO_ACCEL_S_NOSPACE);
	}
	assert_true(hf_healthy(&C->h));
}

void hcase_response_area(void **state)
{
	struct blk k;
	int used;
	uint8_t op = VACCEL_OP_NOOP;

	(void)state;
	/* No writable part at all, and too small for a response header. */
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	send_block(k.b, k.n, 0, 0, &used);
	assert_int_equal(used, 0);
	send_block(k.b, k.n, 15, 0, &used);
	assert_int_equal(used, 0);
	/* One byte too many / too few for the declared write args. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 1, 1);
	b_arg(&k, 1, VACCEL_ARG_UINT8, 0);
	b_arg(&k, 8, VACCEL_ARG_RAW, 1);
	b_data(&k, &op, 1);
	assert_int_equal(send_nw(&k, 8 + 16 + 8 - 1, 1, &used), VIRTIO_ACCEL_S_BADMSG);
	assert_int_equal(send_nw(&k, 8 + 16 + 8 + 1, 1, &used), VIRTIO_ACCEL_S_BADMSG);
	assert_true(hf_healthy(&C->h));
}

void hcase_unknown_sessions_and_resources(void **state)
{
	struct hf_resp r;
	uint64_t sid;

	(void)state;
	assert_true(
	    hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, 0, 0, &hf_noop_arg, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, 999999, 0, &hf_noop_arg, 1, NULL, 0,
			       0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, UINT64_MAX, 0, &hf_noop_arg, 1, NULL,
			       0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, 4242, 0, NULL, 0, NULL, 0,
			       0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);

	sid = hc_session(&C->h);
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid, 777, NULL, 0,
			       NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, sid, 777, NULL, 0, NULL,
			       0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
	/* A resource id inside a GENOP (EXEC_WITH_RESOURCE; uploads are allowed here). */
	{
		uint8_t ewr = VACCEL_OP_EXEC_WITH_RESOURCE;
		int64_t rid = 777;
		int32_t in = 1, out = 0;
		struct hf_arg rd[] = {{&ewr, 1, VACCEL_ARG_UINT8},
				      {&rid, 8, VACCEL_ARG_INT64},
				      {"mytestfunc", 11, VACCEL_ARG_STRING},
				      {&in, 4, VACCEL_ARG_INT32}};
		struct hf_arg wr[] = {{NULL, sizeof(out), VACCEL_ARG_INT32}};

		assert_true(
		    hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, 4, wr, 1, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
	}
	/* A destroyed session is gone. */
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0,
			       0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &hf_noop_arg, 1, NULL, 0, 0,
			       &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(hf_healthy(&C->h));
}

void hcase_bad_resource_uploads(void **state)
{
	struct hf_resp r;
	uint64_t sid;
	const char data[] = "contents";
	struct {
		const char *name;
		uint64_t nlen;
		uint32_t ntype, ctype;
	} bad[] = {
	    {"a/b", 4, VACCEL_ARG_STRING, VACCEL_ARG_BUFFER},
	    {"..", 3, VACCEL_ARG_STRING, VACCEL_ARG_BUFFER},
	    {".", 2, VACCEL_ARG_STRING, VACCEL_ARG_BUFFER},
	    {"abc", 3, VACCEL_ARG_STRING, VACCEL_ARG_BUFFER}, /* no NUL */
	    {"ok", 3, VACCEL_ARG_RAW, VACCEL_ARG_BUFFER},
	    {"ok", 3, VACCEL_ARG_STRING, VACCEL_ARG_INT32},
	};

	(void)state;
	sid = hc_session(&C->h);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct hf_arg rd[] = {{bad[i].name, bad[i].nlen, bad[i].ntype},
				      {data, sizeof(data), bad[i].ctype}};

		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE,
				       VACCEL_RESOURCE_DATA, sid, 0, rd, 2, NULL, 0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
	}
	{
		/* odd arg count, bad resource type, duplicate names */
		struct hf_arg rd[] = {{"f", 2, VACCEL_ARG_STRING},
				      {data, sizeof(data), VACCEL_ARG_BUFFER},
				      {"f", 2, VACCEL_ARG_STRING},
				      {data, sizeof(data), VACCEL_ARG_BUFFER}};

		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE,
				       VACCEL_RESOURCE_DATA, sid, 0, rd, 1, NULL, 0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE, VACCEL_RESOURCE_MAX,
				       sid, 0, rd, 2, NULL, 0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE,
				       VACCEL_RESOURCE_DATA, sid, 0, rd, 4, NULL, 0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
		/* A good one, split into 5-byte descriptors, then unregistered. */
		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE,
				       VACCEL_RESOURCE_DATA, sid, 0, rd, 2, NULL, 0, 7, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
		assert_int_equal(r.vret, 0);
		assert_true(r.id > 0);
		{
			uint64_t rid = r.id;

			assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid,
					       rid, NULL, 0, NULL, 0, 0, &r) > 0);
			assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
			assert_int_equal(r.vret, 0);
			/* released: no session held it */
			assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, sid, rid,
					       NULL, 0, NULL, 0, 0, &r) > 0);
			assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
		}
	}
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0,
			       0, &r) > 0);
	assert_true(hf_healthy(&C->h));
}

/*
 * Defect 6: a request refused for its counts (nr_write 32765 > max_args)
 * whose writable part is cut into 4-byte descriptors (one indirect table of
 * 65535 entries, the most a 16-bit next field reaches). Its response and
 * 32765 zero lengths must be written in linear time: writing each length by
 * walking the iovecs again from the response's start took seconds of
 * daemon CPU per request.
 */
void hcase_quadratic_reply(void **state)
{
	enum { NW = 32765, PIECE = 4 };
	const size_t wlen = 16 + 8 * (size_t)NW, nd = 1 + wlen / PIECE;
	struct virtio_accel_req_hdr hd;
	struct vring_desc *tab;
	uint64_t tg, rg, wg;
	uint8_t *rp, *wp;
	long t0, ticks;
	int used;

	(void)state;
	assert_int_equal(wlen % PIECE, 0);
	hf_reset_alloc(&C->h);
	tg = hf_alloc(&C->h, nd * sizeof(*tab), (void **)&tab);
	rg = hf_alloc(&C->h, sizeof(hd), (void **)&rp);
	wg = hf_alloc(&C->h, wlen, (void **)&wp);
	memset(&hd, 0, sizeof(hd));
	hd.code = htole16(VIRTIO_ACCEL_C_CREATE_SESSION);
	hd.nr_write = htole16(NW);
	memcpy(rp, &hd, sizeof(hd));
	memset(wp, 0xee, wlen);
	tab[0] = hc_desc(rg, sizeof(hd), VRING_DESC_F_NEXT, 1);
	for (size_t i = 1; i < nd; i++)
		tab[i] = hc_desc(wg + (i - 1) * PIECE, PIECE,
				 VRING_DESC_F_WRITE | (i + 1 < nd ? VRING_DESC_F_NEXT : 0),
				 (uint16_t)(i + 1));
	C->h.vq.desc[0] = hc_desc(tg, (uint32_t)(nd * sizeof(*tab)), VRING_DESC_F_INDIRECT, 0);
	ticks = td_cpu_ticks(&C->d);
	t0 = td_now_ms();
	used = hf_submit_raw_ms(&C->h, 0, 30000);
	t0 = td_now_ms() - t0;
	ticks = td_cpu_ticks(&C->d) - ticks;
	print_message("refused 32765-arg request answered in %ld ms, %ld CPU ticks\n", t0, ticks);
	assert_int_equal(used, (int)wlen);
	assert_int_equal(wp[0], VIRTIO_ACCEL_S_NOSPACE);
	for (size_t i = 0; i < NW; i += 97) {
		uint64_t v;

		memcpy(&v, wp + 16 + 8 * i, sizeof(v));
		assert_int_equal(v, 0);
	}
	assert_true(t0 < 200);
	assert_in_range(ticks, 0, 10);
	C->h.cur = 1; /* queue 0 was driven by hand */
	assert_true(hf_healthy(&C->h));
}
