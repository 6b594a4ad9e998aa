/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A hostile frontend against a REAL vhost-user-accel process (noop plugin).
 * Each case sends something malformed and expects an error status (or, for
 * chains the ring walker refuses, used length 0; for vhost-user protocol
 * violations, a closed connection); after every case a well-behaved request
 * (CREATE_SESSION + GENOP NOOP) must still work. Then: memory does not grow
 * over 100,000 requests, disconnect releases everything, SIGTERM is prompt.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/virtio_ring.h>

#include "hf.h"

#define T_UINT8 9
#define T_INT64 7
#define T_INT32 5
#define T_STRING 27
#define T_BUFFER 28
#define T_RAW 0

#define MAX_SEGS 32
#define MAX_ARGS 32
#define MAX_BYTES (1u << 20)

static long ms_now(void);

static struct hf_daemon dmn;
static struct hf H; /* the long-lived connection the wire cases share */

static int group_setup(void **state)
{
	static const char *const extra[] = {"--max-segments=32",	   "--max-args=32",
					    "--max-request-bytes=1048576", "--queues=2",
					    "--allow-exec-upload",	   NULL};

	(void)state;
	if (hf_daemon_start(&dmn, extra))
		return -1;
	return hf_open(&H, dmn.sock) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hf_close(&H);
	if (dmn.pid > 0)
		hf_daemon_stop(&dmn);
	return 0;
}

/* After every case: the daemon lives and serves the same and a fresh connection. */
static void still_ok(bool same)
{
	if (!hf_daemon_alive(&dmn)) {
		hf_log_dump(&dmn);
		fail_msg("daemon died");
	}
	if (!H.f)
		assert_int_equal(hf_open(&H, dmn.sock), 0);
	if (same)
		assert_true(hf_healthy(&H));
	/* One frontend at a time: the shared connection makes room for a fresh one. */
	hf_close(&H);
	assert_true(hf_healthy_fresh(dmn.sock));
	assert_int_equal(hf_open(&H, dmn.sock), 0);
}

static uint64_t new_session(struct hf *h)
{
	struct hf_resp r;

	assert_true(hf_request(h, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0, NULL, 0, NULL, 0, 0, &r) >
		    0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(r.id > 0);
	return r.id;
}

/* ------------------------------------------------- wire-level malformation */

/* Send a raw readable block + writable size; returns the status written. */
static int send_block(const void *blk, size_t blen, size_t wlen, size_t split, int *used)
{
	struct vq_buf bufs[70];
	unsigned nb = 0;
	uint8_t *rp, *wp;
	uint64_t rg, wg;

	hf_reset_alloc(&H);
	rg = hf_alloc(&H, blen ? blen : 1, (void **)&rp);
	wg = hf_alloc(&H, wlen ? wlen : 1, (void **)&wp);
	memcpy(rp, blk, blen);
	memset(wp, 0xee, wlen);
	if (!split)
		split = blen ? blen : 1;
	for (size_t o = 0; o < blen && nb < 60; o += split)
		bufs[nb++] =
		    (struct vq_buf){rg + o, (uint32_t)(o + split > blen ? blen - o : split)};
	if (wlen)
		bufs[nb++] = (struct vq_buf){wg, (uint32_t)wlen};
	*used = hf_submit(&H, bufs, wlen ? nb - 1 : nb, wlen ? 1 : 0);
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

/* GENOP NOOP with one write arg of 8: status at the end minus 8 out_len. */
static int send_nw(struct blk *k, size_t wlen, unsigned nw, int *used)
{
	struct vq_buf bufs[2];
	uint8_t *rp, *wp;
	uint64_t rg, wg;

	hf_reset_alloc(&H);
	rg = hf_alloc(&H, k->n, (void **)&rp);
	wg = hf_alloc(&H, wlen, (void **)&wp);
	memcpy(rp, k->b, k->n);
	bufs[0] = (struct vq_buf){rg, (uint32_t)k->n};
	bufs[1] = (struct vq_buf){wg, (uint32_t)wlen};
	*used = hf_submit(&H, bufs, 1, 1);
	if (*used > 0 && wlen >= 16 + 8 * nw)
		return wp[wlen - 16 - 8 * nw];
	if (*used > 0 && wlen >= 16)
		return wp[wlen - 16];
	return -1;
}

static void test_unknown_codes(void **state)
{
	uint16_t codes[] = {0, 6, 7, 100, 0xffff};

	(void)state;
	for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct blk k;
		int used;

		b_hdr(&k, codes[i], 0, 0, 0);
		assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOTSUPP);
		assert_int_equal(used, 16);
	}
	still_ok(true);
}

static void test_truncated_headers(void **state)
{
	struct blk k;
	int used;

	(void)state;
	/* Request header cut short, at every length below 40. */
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	for (size_t n = 1; n < 40; n += 3)
		assert_int_equal(send_block(k.b, n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* Arg headers cut short. */
	{
		uint8_t op = 0;

		b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
		b_arg(&k, 1, T_UINT8, 0);
		b_data(&k, &op, 1);
		assert_int_equal(send_block(k.b, 40 + 10, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
		/* data missing / extra */
		assert_int_equal(send_block(k.b, k.n - 1, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
		k.b[k.n++] = 0;
		assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	}
	still_ok(true);
}

static void test_reserved_and_types(void **state)
{
	struct blk k;
	int used;
	uint8_t op = 0;

	(void)state;
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	k.b[6] = 1; /* reserved0 */
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	k.b[12] = 1; /* reserved1 */
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* arg reserved bytes */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
	b_arg(&k, 1, T_UINT8, 0);
	k.b[k.n - 1] = 9;
	b_data(&k, &op, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* type out of range */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
	b_arg(&k, 1, 30, 0);
	b_data(&k, &op, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	still_ok(true);
}

static void test_wrong_directions(void **state)
{
	struct blk k;
	int used;
	uint8_t op = 0;

	(void)state;
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
	b_arg(&k, 1, T_UINT8, VIRTIO_ACCEL_ARG_WRITE);
	b_data(&k, &op, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 1, 1);
	b_arg(&k, 1, T_UINT8, 0);
	b_arg(&k, 8, T_RAW, VIRTIO_ACCEL_ARG_READ); /* a write arg marked READ */
	b_data(&k, &op, 1);
	assert_int_equal(send_nw(&k, 8 + 16 + 8, 1, &used), VIRTIO_ACCEL_S_BADMSG);
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
	b_arg(&k, 1, T_UINT8, 2);
	b_data(&k, &op, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_BADMSG);
	/* Writable descriptors before readable ones: the ring walker refuses. */
	{
		struct vq_buf bufs[2];
		uint8_t *p;
		uint64_t g;

		/* (writable-before-readable needs raw descriptors: see test_ring_abuse) */
		hf_reset_alloc(&H);
		g = hf_alloc(&H, 64, (void **)&p);
		memset(p, 0xee, 64);
		bufs[0] = (struct vq_buf){g, 16};
		bufs[1] = (struct vq_buf){g + 16, 40};
		/* No readable part at all: refused by the walker or as truncated. */
		used = hf_submit(&H, bufs, 0, 2);
		assert_true(used == 0 || (used == 56 && p[40] == VIRTIO_ACCEL_S_BADMSG));
	}
	still_ok(true);
}

static void test_too_many_args(void **state)
{
	struct blk k;
	int used;
	uint8_t zero[64] = {0};

	(void)state;
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, MAX_ARGS + 1, 0, 1);
	for (int i = 0; i < MAX_ARGS + 1; i++)
		b_arg(&k, 1, T_UINT8, 0);
	b_data(&k, zero, MAX_ARGS + 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	/* Counts far beyond what the chain holds. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 0xffff, 0xffff, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	still_ok(true);
}

static void test_lengths_beyond_limits(void **state)
{
	struct blk k;
	int used;
	uint8_t op = 0;

	(void)state;
	/* An arg len above max_request_bytes. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 0, 1);
	b_arg(&k, (uint64_t)MAX_BYTES + 1, T_BUFFER, 0);
	b_data(&k, &op, 1);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	/* Lens whose sum overflows 64 bits. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 2, 0, 1);
	b_arg(&k, UINT64_MAX, T_BUFFER, 0);
	b_arg(&k, 2, T_BUFFER, 0);
	assert_int_equal(send_block(k.b, k.n, 16, 0, &used), VIRTIO_ACCEL_S_NOSPACE);
	/* A chain longer than max_request_bytes: refused by the ring walker or with NOSPACE. */
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	{
		int st = send_block(k.b, k.n, MAX_BYTES + 16, 0, &used);

		assert_true(used == 0 || st == VIRTIO_ACCEL_S_NOSPACE);
	}
	still_ok(true);
}

static void test_response_area(void **state)
{
	struct blk k;
	int used;
	uint8_t op = 0;

	(void)state;
	/* No writable part at all, and too small for a response header. */
	b_hdr(&k, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0);
	send_block(k.b, k.n, 0, 0, &used);
	assert_int_equal(used, 0);
	send_block(k.b, k.n, 15, 0, &used);
	assert_int_equal(used, 0);
	/* One byte too many / too few for the declared write args. */
	b_hdr(&k, VIRTIO_ACCEL_C_GENOP, 1, 1, 1);
	b_arg(&k, 1, T_UINT8, 0);
	b_arg(&k, 8, T_RAW, 1);
	b_data(&k, &op, 1);
	assert_int_equal(send_nw(&k, 8 + 16 + 8 - 1, 1, &used), VIRTIO_ACCEL_S_BADMSG);
	assert_int_equal(send_nw(&k, 8 + 16 + 8 + 1, 1, &used), VIRTIO_ACCEL_S_BADMSG);
	still_ok(true);
}

static void test_unknown_sessions_and_resources(void **state)
{
	struct hf_resp r;
	uint8_t op = 0;
	struct hf_arg noop = {&op, 1, T_UINT8};
	uint64_t sid;

	(void)state;
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, 0, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, 999999, 0, &noop, 1, NULL, 0, 0, &r) >
		    0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(
	    hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, UINT64_MAX, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, 4242, 0, NULL, 0, NULL, 0, 0,
			       &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);

	sid = new_session(&H);
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid, 777, NULL, 0, NULL,
			       0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, sid, 777, NULL, 0, NULL, 0,
			       0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
	/* A resource id inside a GENOP (EXEC_WITH_RESOURCE; uploads are allowed here). */
	{
		uint8_t ewr = 2;
		int64_t rid = 777;
		int32_t in = 1, out = 0;
		struct hf_arg rd[] = {{&ewr, 1, T_UINT8},
				      {&rid, 8, T_INT64},
				      {"mytestfunc", 11, T_STRING},
				      {&in, 4, T_INT32}};
		struct hf_arg wr[] = {{NULL, sizeof(out), T_INT32}};

		assert_true(hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, 4, wr, 1, 0, &r) >
			    0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
	}
	/* A destroyed session is gone. */
	assert_true(
	    hf_request(&H, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	still_ok(true);
}

static void test_bad_resource_uploads(void **state)
{
	struct hf_resp r;
	uint64_t sid;
	const char data[] = "contents";
	struct {
		const char *name;
		uint64_t nlen;
		uint32_t ntype, ctype;
	} bad[] = {
	    {"a/b", 4, T_STRING, T_BUFFER}, {"..", 3, T_STRING, T_BUFFER},
	    {".", 2, T_STRING, T_BUFFER},   {"abc", 3, T_STRING, T_BUFFER}, /* no NUL */
	    {"ok", 3, T_RAW, T_BUFFER},	    {"ok", 3, T_STRING, T_INT32},
	};

	(void)state;
	sid = new_session(&H);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hf_arg rd[] = {{bad[i].name, bad[i].nlen, bad[i].ntype},
				      {data, sizeof(data), bad[i].ctype}};

		assert_true(hf_request(&H, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 1, sid, 0, rd, 2, NULL,
				       0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
	}
	{
		/* odd arg count, bad resource type, duplicate names */
		struct hf_arg rd[] = {{"f", 2, T_STRING},
				      {data, sizeof(data), T_BUFFER},
				      {"f", 2, T_STRING},
				      {data, sizeof(data), T_BUFFER}};

		assert_true(hf_request(&H, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 1, sid, 0, rd, 1, NULL,
				       0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
		assert_true(hf_request(&H, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 3, sid, 0, rd, 2, NULL,
				       0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
		assert_true(hf_request(&H, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 1, sid, 0, rd, 4, NULL,
				       0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
		/* A good one, split into 5-byte descriptors, then unregistered. */
		assert_true(hf_request(&H, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 1, sid, 0, rd, 2, NULL,
				       0, 7, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
		assert_int_equal(r.vret, 0);
		assert_true(r.id > 0);
		{
			uint64_t rid = r.id;

			assert_true(hf_request(&H, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid, rid,
					       NULL, 0, NULL, 0, 0, &r) > 0);
			assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
			assert_int_equal(r.vret, 0);
			/* released: no session held it */
			assert_true(hf_request(&H, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, sid, rid,
					       NULL, 0, NULL, 0, 0, &r) > 0);
			assert_int_equal(r.status, VIRTIO_ACCEL_S_INVRES);
		}
	}
	assert_true(
	    hf_request(&H, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	still_ok(true);
}

static void test_exec_policy(void **state)
{
	struct hf_resp r;
	uint64_t sid;
	uint8_t op = 1; /* EXEC */
	int32_t in = 5, out = 0;
	struct hf_arg rd[] = {{&op, 1, T_UINT8},
			      {"/bin/true", 10, T_STRING},
			      {"main", 5, T_STRING},
			      {&in, 4, T_INT32}};
	struct hf_arg wr[] = {{NULL, sizeof(out), T_INT32}};

	(void)state;
	sid = new_session(&H);
	/* No --exec-allow: loading any host library is refused. */
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, 4, wr, 1, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, 1 /* VACCEL_EPERM */);
	assert_int_equal(r.out_len[0], 0);
	assert_true(hf_log_wait(&dmn, "is not allowed", 2000));
	assert_true(
	    hf_request(&H, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	still_ok(true);
}

/* ------------------------------------------------------ ring-level abuse */

/* A fresh connection for raw descriptor writes; returns false if it broke. */
static int raw_case(void (*fill)(struct hf *h))
{
	struct hf h;
	int used;

	hf_close(&H); /* one frontend at a time */
	assert_int_equal(hf_open(&h, dmn.sock), 0);
	fill(&h);
	used = hf_submit_raw(&h, 0);
	hf_close(&h);
	return used;
}

static struct vring_desc D(uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
	return (struct vring_desc){addr, len, flags, next};
}

/* A valid CREATE_SESSION block at offset 0x10000, response at 0x11000. */
static void
put_create(struct hf *h)
{
	struct virtio_accel_req_hdr hd;

	memset(&hd, 0, sizeof(hd));
	hd.code = htole16(VIRTIO_ACCEL_C_CREATE_SESSION);
	memcpy(hf_ptr(h, HF_GPA + 0x10000), &hd, sizeof(hd));
}

static void f_oob_addr(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = D(HF_GPA + HF_MEM - 8, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = D(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
}

static void f_oob_addr2(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = D(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = D(0xffffffffffff0000ull, 16, VRING_DESC_F_WRITE, 0);
}

static void f_wrap_addr(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = D(UINT64_MAX - 4, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = D(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
}

static void f_loop(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = D(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = D(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
}

static void f_next_oob(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = D(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 5000);
}

static void f_long_chain(struct hf *h)
{
	/* MAX_SEGS + 8 one-byte readable descriptors, then the response. */
	put_create(h);
	for (int i = 0; i < MAX_SEGS + 8; i++)
		h->vq.desc[i] =
		    D(HF_GPA + 0x10000 + (uint64_t)i, 1, VRING_DESC_F_NEXT, (uint16_t)(i + 1));
	h->vq.desc[MAX_SEGS + 8] = D(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
}

static struct vring_desc *itable(struct hf *h)
{
	return hf_ptr(h, HF_GPA + 0x20000);
}

static void f_indirect_badlen(struct hf *h)
{
	put_create(h);
	itable(h)[0] = D(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	itable(h)[1] = D(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
	h->vq.desc[0] = D(HF_GPA + 0x20000, 31, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_nested(struct hf *h)
{
	put_create(h);
	itable(h)[0] = D(HF_GPA + 0x20000, 32, VRING_DESC_F_INDIRECT, 0);
	h->vq.desc[0] = D(HF_GPA + 0x20000, 16, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_oob(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = D(HF_GPA + HF_MEM - 16, 64, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_loop(struct hf *h)
{
	put_create(h);
	itable(h)[0] = D(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	itable(h)[1] = D(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	h->vq.desc[0] = D(HF_GPA + 0x20000, 32, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_huge(struct hf *h)
{
	put_create(h);
	memset(itable(h), 0, 0x10000);
	h->vq.desc[0] = D(HF_GPA + 0x20000, 0x10000, VRING_DESC_F_INDIRECT, 0);
}

static void f_write_then_read(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = D(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = D(HF_GPA + 0x10000, 40, 0, 0);
}

static void test_ring_abuse(void **state)
{
	void (*cases[])(struct hf *) = {
	    f_oob_addr,	    f_oob_addr2,     f_wrap_addr,	f_loop,
	    f_next_oob,	    f_long_chain,    f_indirect_badlen, f_indirect_nested,
	    f_indirect_oob, f_indirect_loop, f_indirect_huge,	f_write_then_read};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int used = raw_case(cases[i]);

		/* Completed with used length 0 (or the connection dropped: never a crash). */
		if (used != 0 && used != -ETIMEDOUT)
			fail_msg("case %u: used %d", i, used);
		still_ok(false);
	}
	still_ok(true);
}

static void f_avail_runaway(struct hf *h)
{
	hf_raw_avail_idx(h, 1000); /* more than the ring size ahead */
}

static void test_ring_corrupt(void **state)
{
	struct hf h;

	(void)state;
	hf_close(&H);
	assert_int_equal(hf_open(&h, dmn.sock), 0);
	f_avail_runaway(&h);
	usleep(100000);
	hf_close(&h);
	still_ok(true);
}

/* ----------------------------------------------------- vhost-user abuse */

static void expect_closed(struct vhu_front *f)
{
	struct pollfd p = {.fd = vhu_front_fd(f), .events = POLLIN};
	char c;

	/* The daemon ends the connection: EOF (or reset) within 2 s. */
	assert_true(poll(&p, 1, 2000) == 1);
	assert_true(recv(vhu_front_fd(f), &c, 1, MSG_DONTWAIT) <= 0);
}

struct vmsg {
	uint32_t request, flags, size;
	uint8_t payload[256];
};

/*
 * A request the backend does not know is refused softly (as QEMU does):
 * the connection either ends or stays fully usable.
 */
static void expect_closed_or_sane(struct vhu_front *f)
{
	struct pollfd p = {.fd = vhu_front_fd(f), .events = POLLIN};
	uint64_t feat = 0;
	char c;

	if (poll(&p, 1, 300) == 1) {
		assert_true(recv(vhu_front_fd(f), &c, 1, MSG_DONTWAIT) <= 0);
		return;
	}
	assert_int_equal(vhu_front_get_features(f, &feat), 0);
	assert_true(feat & (1ull << 32));
}

static void send_unknown(const struct vmsg *m, size_t len)
{
	struct vhu_front *f;

	hf_close(&H);
	assert_int_equal(vhu_front_connect(&f, dmn.sock), 0);
	vhu_front_send_raw(f, m, len, NULL, 0, NULL, 0);
	expect_closed_or_sane(f);
	vhu_front_close(f);
	still_ok(false);
}

static void send_bad(const struct vmsg *m, size_t len)
{
	struct vhu_front *f;

	hf_close(&H);
	assert_int_equal(vhu_front_connect(&f, dmn.sock), 0);
	vhu_front_send_raw(f, m, len, NULL, 0, NULL, 0);
	print_message("vhost-user message %u (flags %u, size %u)\n", m->request, m->flags, m->size);
	expect_closed(f);
	vhu_front_close(f);
	still_ok(false);
}

static void test_bad_vhost_user(void **state)
{
	struct vmsg m;

	(void)state;
	/* Unknown request type. */
	m = (struct vmsg){.request = 999, .flags = 1, .size = 0};
	send_unknown(&m, 12);
	m = (struct vmsg){.request = 999, .flags = 1 | 8 /* NEED_REPLY */, .size = 0};
	send_unknown(&m, 12);
	/* Wrong version bits. */
	m = (struct vmsg){.request = VHU_GET_FEATURES, .flags = 7, .size = 0};
	send_bad(&m, 12);
	/* Payload size beyond any message. */
	m = (struct vmsg){.request = VHU_SET_FEATURES, .flags = 1, .size = 0x100000};
	send_bad(&m, 12);
	/* SET_MEM_TABLE with too many regions and no fds. */
	m = (struct vmsg){.request = VHU_SET_MEM_TABLE, .flags = 1, .size = 8 + 32};
	m.payload[0] = 200;
	send_bad(&m, 12 + 8 + 32);
	/* SET_VRING_NUM for a queue that does not exist. */
	m = (struct vmsg){.request = VHU_SET_VRING_NUM, .flags = 1, .size = 8};
	m.payload[0] = 200;
	m.payload[4] = 64;
	send_bad(&m, 12 + 8);
	/* A truncated header, then the connection closes. */
	{
		struct vhu_front *f;

		hf_close(&H);
		assert_int_equal(vhu_front_connect(&f, dmn.sock), 0);
		vhu_front_send_raw(f, &m, 5, NULL, 0, NULL, 0);
		vhu_front_close(f);
	}
	still_ok(true);
}

/* ------------------------------------------ another connection's session */

static void test_other_connection_session(void **state)
{
	struct hf a;
	struct hf_resp r;
	uint8_t op = 0;
	struct hf_arg noop = {&op, 1, T_UINT8};
	uint64_t sid;

	(void)state;
	/* The shared connection holds a session; a second frontend waits its turn. */
	hf_close(&H);
	assert_int_equal(hf_open(&a, dmn.sock), 0);
	sid = new_session(&a);
	hf_close(&a);
	assert_true(hf_log_wait(&dmn, "frontend disconnected: released 1 sessions", 2000));
	assert_int_equal(hf_open(&H, dmn.sock), 0);
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(
	    hf_request(&H, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	still_ok(true);
}

/*
 * Two frontends connected at the same time (plus H): each has its own
 * sessions; naming the other's live session is INVSESS and harms nothing.
 */
static void test_concurrent_connections_isolated(void **state)
{
	struct hf a, b;
	struct hf_resp r;
	uint8_t op = 0;
	struct hf_arg noop = {&op, 1, T_UINT8};
	uint64_t sa, sb;

	(void)state;
	assert_true(hf_healthy(&H));
	assert_int_equal(hf_open(&a, dmn.sock), 0);
	assert_int_equal(hf_open(&b, dmn.sock), 0);
	sa = new_session(&a);
	sb = new_session(&b);
	assert_true(sa != sb);
	/* Both served while both are open, H too. */
	assert_true(hf_request(&a, VIRTIO_ACCEL_C_GENOP, 0, sa, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(hf_request(&b, VIRTIO_ACCEL_C_GENOP, 0, sb, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(hf_healthy(&H));
	/* A names B's session: unknown to A's connection. */
	assert_true(hf_request(&a, VIRTIO_ACCEL_C_GENOP, 0, sb, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(
	    hf_request(&a, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sb, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	assert_true(hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, sa, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	/* ... and B's session still works for B. */
	assert_true(hf_request(&b, VIRTIO_ACCEL_C_GENOP, 0, sb, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, 0);
	/* SIGUSR1 reports each connection. */
	kill(dmn.pid, SIGUSR1);
	assert_true(hf_log_wait(&dmn, "3 connections; live sessions: 2", 2000));
	/* A leaving releases A's session only. */
	hf_close(&a);
	assert_true(hf_log_wait(&dmn, "frontend disconnected: released 1 sessions", 2000));
	assert_true(hf_request(&b, VIRTIO_ACCEL_C_GENOP, 0, sb, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(
	    hf_request(&b, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sb, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	hf_close(&b);
	still_ok(true);
}

/*
 * --max-connections: one frontend more is accepted and closed at once (it
 * fails fast, no hang), the others are unaffected, and a slot that frees
 * up is usable again.
 */
static void test_connection_limit(void **state)
{
	static const char *const extra[] = {"--max-connections=2", NULL};
	struct hf_daemon ld;
	struct hf a, b, c;
	long t0;
	int ret;

	(void)state;
	assert_int_equal(hf_daemon_start(&ld, extra), 0);
	assert_int_equal(hf_open(&a, ld.sock), 0);
	assert_int_equal(hf_open(&b, ld.sock), 0);
	t0 = ms_now();
	ret = hf_open(&c, ld.sock);
	print_message("third frontend: %d after %ld ms\n", ret, ms_now() - t0);
	assert_true(ret < 0);
	assert_true(ms_now() - t0 < 1000);
	assert_true(hf_log_wait(&ld, "connection refused: 2 frontends connected", 2000));
	assert_true(hf_healthy(&a));
	assert_true(hf_healthy(&b));
	hf_close(&b);
	assert_true(hf_log_wait(&ld, "frontend disconnected", 2000));
	assert_int_equal(hf_open(&c, ld.sock), 0);
	assert_true(hf_healthy(&c));
	assert_true(hf_healthy(&a));
	hf_close(&a);
	hf_close(&c);
	assert_true(hf_daemon_alive(&ld));
	assert_true(hf_daemon_stop(&ld) >= 0);
}

/*
 * Guest memory that can shrink under the daemon's mapping: a memfd without
 * F_SEAL_SHRINK is refused at SET_MEM_TABLE (the connection ends, with a
 * log line). Without that check, shrinking it and posting a request kills
 * the daemon with SIGBUS. Runs as its own meson test (hostile_seal).
 */
static void test_unsealed_memfd(void **state)
{
	struct hf a;
	int ret;

	(void)state;
	ret = hf_open_unsealed(&a, dmn.sock);
	/* Setup messages need no reply: the open may "succeed" before the daemon hangs up. */
	if (ret == 0) {
		/*
		 * The attack itself: keep the rings (first 64 KiB), cut the rest,
		 * then post a chain whose buffers lie in the cut part.
		 */
		/* First make sure the daemon mapped it (a request works), then cut. */
		if (hf_healthy(&a))
			assert_int_equal(ftruncate(a.memfd, 0x10000), 0);
		a.vq.desc[0] = D(HF_GPA + 0x20000, 40, VRING_DESC_F_NEXT, 1);
		a.vq.desc[1] = D(HF_GPA + 0x21000, 16, VRING_DESC_F_WRITE, 0);
		hf_submit_raw(&a, 0);
	}
	if (!hf_daemon_alive(&dmn)) {
		hf_log_dump(&dmn);
		fail_msg("daemon died (SIGBUS?) on a shrunk memfd");
	}
	assert_true(hf_log_wait(&dmn, "F_SEAL_SHRINK", 2000));
	if (ret == 0)
		expect_closed(a.f);
	hf_close(&a);
	/* Our own frontend's memfd is sealed: it cannot shrink. */
	assert_int_equal(hf_open(&a, dmn.sock), 0);
	assert_true(ftruncate(a.memfd, 4096) < 0);
	assert_true(hf_healthy(&a));
	hf_close(&a);
	still_ok(true);
}

/* ------------------------------------------------------------ resources */

static void test_rss_stable(void **state)
{
	struct hf_resp r;
	uint8_t op = 0;
	struct hf_arg noop = {&op, 1, T_UINT8};
	uint64_t sid;
	long before, after;

	(void)state;
	sid = new_session(&H);
	for (int i = 0; i < 20000; i++) {
		assert_true(
		    hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &noop, 1, NULL, 0, 0, &r) > 0);
		assert_int_equal(r.vret, 0);
	}
	before = hf_daemon_rss_kib(&dmn);
	for (int i = 0; i < 100000; i++) {
		hf_request(&H, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &noop, 1, NULL, 0, 0, &r);
		if (r.status != VIRTIO_ACCEL_S_OK || r.vret != 0)
			fail_msg("request %d: status %u ret %d", i, r.status, r.vret);
	}
	after = hf_daemon_rss_kib(&dmn);
	print_message("daemon VmRSS: %ld kB before, %ld kB after 100000 requests\n", before, after);
	assert_true(before > 0 && after > 0);
	assert_true(after - before <= 2048);
	assert_true(
	    hf_request(&H, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	still_ok(true);
}

static void test_disconnect_releases(void **state)
{
	struct hf a;
	struct hf_resp r;
	const char data[] = "model bytes";
	struct hf_arg rd[] = {{"m.bin", 6, T_STRING}, {data, sizeof(data), T_RAW}};
	uint64_t s1, s2;

	(void)state;
	hf_close(&H);
	assert_int_equal(hf_open(&a, dmn.sock), 0);
	s1 = new_session(&a);
	s2 = new_session(&a);
	assert_true(
	    hf_request(&a, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 2, s1, 0, rd, 2, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, 0);
	/* The same resource registered with the second session too. */
	assert_true(hf_request(&a, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, s2, r.id, NULL, 0, NULL, 0,
			       0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	hf_close(&a);
	assert_true(
	    hf_log_wait(&dmn, "frontend disconnected: released 2 sessions, 1 resources", 2000));
	/* No leftovers. */
	kill(dmn.pid, SIGUSR1);
	assert_true(hf_log_wait(&dmn, "live sessions: 0, live resources: 0", 2000));
	assert_int_equal(hf_open(&H, dmn.sock), 0);
	still_ok(true);
}

static void test_sigterm(void **state)
{
	struct stat st;
	int ms;

	(void)state;
	hf_close(&H);
	/* With a frontend connected, too. */
	assert_int_equal(hf_open(&H, dmn.sock), 0);
	assert_true(hf_healthy(&H));
	ms = hf_daemon_stop(&dmn);
	print_message("daemon exited %d ms after SIGTERM\n", ms);
	assert_true(ms >= 0 && ms < 1000);
	assert_true(stat(dmn.sock, &st) < 0);
}

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * A slow op (the exec plugin running hf_slow for 1 s): a later request on
 * the same queue completes first, another queue is not held up, and a
 * DESTROY_SESSION meanwhile answers at once while the release waits for
 * the op, which still finishes fine.
 */
static void test_slow_op_concurrency(void **state)
{
	static const char *const extra[] = {"--exec-allow=" HF_SLOWLIB, "--workers-per-queue=2",
					    NULL};
	struct hf_daemon sd;
	struct hf h;
	struct hf_pending slow, fast, *p;
	struct hf_resp r;
	uint8_t exec_op = 1, noop_op = 0;
	int32_t ms = 1000;
	struct hf_arg rd[] = {{&exec_op, 1, T_UINT8},
			      {HF_SLOWLIB, sizeof(HF_SLOWLIB), T_STRING},
			      {"hf_slow", 8, T_STRING},
			      {&ms, 4, T_INT32}};
	struct hf_arg wr[] = {{NULL, 4, T_INT32}};
	struct hf_arg noop = {&noop_op, 1, T_UINT8};
	uint64_t sid;
	long t0;
	int32_t v;

	(void)state;
	assert_int_equal(hf_daemon_start_with(&sd, HF_EXEC_PLUGIN, extra), 0);
	assert_int_equal(hf_open(&h, sd.sock), 0);
	sid = new_session(&h);
	hf_reset_alloc(&h);
	h.no_reset = true;
	t0 = ms_now();
	assert_int_equal(hf_post(&h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, 4, wr, 1, &slow), 0);
	usleep(50000);
	assert_int_equal(hf_post(&h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &noop, 1, NULL, 0, &fast), 0);
	/* Out of order on queue 0: the noop first. */
	p = hf_reap(&h, 600);
	assert_ptr_equal(p, &fast);
	assert_int_equal(fast.resp.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(fast.resp.vret, 0);
	assert_true(ms_now() - t0 < 700);
	/* Queue 1 meanwhile: served at once; the session is destroyed under the op. */
	h.cur = 1;
	assert_true(hf_request(&h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(
	    hf_request(&h, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_true(ms_now() - t0 < 800);
	assert_true(hf_request(&h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &noop, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_INVSESS);
	/* The slow op ends normally, in its (now released) session. */
	h.cur = 0;
	p = hf_reap(&h, 3000);
	assert_ptr_equal(p, &slow);
	print_message("slow op done after %ld ms\n", ms_now() - t0);
	assert_int_equal(slow.resp.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(slow.resp.vret, 0);
	assert_int_equal(slow.resp.out_len[0], 4);
	memcpy(&v, slow.resp.out[0], 4);
	assert_int_equal(v, 1);
	h.no_reset = false;
	kill(sd.pid, SIGUSR1);
	assert_true(hf_log_wait(&sd, "live sessions: 0, live resources: 0", 2000));
	assert_true(hf_healthy(&h));
	hf_close(&h);
	assert_true(hf_daemon_stop(&sd) >= 0);
}

/* Run the daemon binary with args; capture stdout+stderr; return the exit status. */
static int run_cli(const char *args, char *out, size_t cap)
{
	char cmd[512];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", HF_DAEMON, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
	const char *bad[] = {"--bogus",
			     "--queues=0",
			     "--queues=abc",
			     "--max-args=2",
			     "--poll-us=-1",
			     "--socket-path=/tmp/x --fd=3",
			     "",
			     "extra-arg",
			     "--exec-allow=relative/path --socket-path=/tmp/x"};
	char out[4096];

	(void)state;
	assert_int_equal(run_cli("--print-capabilities", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"type\": \"accel\""));
	assert_non_null(strstr(out, "\"features\""));
	assert_int_equal(run_cli("--help", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "--socket-path"));
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(run_cli(bad[i], out, sizeof(out)), 2);
		/* exactly one line */
		assert_non_null(strchr(out, '\n'));
		assert_null(strchr(strchr(out, '\n') + 1, '\n'));
	}
}

/* utime + stime of a process, in clock ticks. */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* fields after the command: state(3) ... utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* Busy-polling mode: requests work, and the daemon goes idle after the window. */
static void test_poll_mode_idle(void **state)
{
	static const char *const extra[] = {"--poll-us=500", "--workers-per-queue=3", NULL};
	struct hf_daemon pd;
	struct hf h;
	long t0, t1;

	(void)state;
	assert_int_equal(hf_daemon_start(&pd, extra), 0);
	assert_int_equal(hf_open(&h, pd.sock), 0);
	for (int i = 0; i < 200; i++)
		assert_true(hf_healthy(&h));
	usleep(200000);
	t0 = cpu_ticks(pd.pid);
	usleep(1000000);
	t1 = cpu_ticks(pd.pid);
	print_message("poll mode: %ld CPU ticks in 1 s idle\n", t1 - t0);
	assert_true(t0 >= 0 && t1 - t0 <= 5); /* <= 50 ms of CPU in 1 s */
	hf_close(&h);
	assert_true(hf_daemon_stop(&pd) >= 0);
}

int main(int argc, char **argv)
{
	/* The memfd seal check needs lib/vhost-user support: its own meson test. */
	const struct CMUnitTest seal_tests[] = {
	    cmocka_unit_test(test_unsealed_memfd),
	};
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_codes),
	    cmocka_unit_test(test_truncated_headers),
	    cmocka_unit_test(test_reserved_and_types),
	    cmocka_unit_test(test_wrong_directions),
	    cmocka_unit_test(test_too_many_args),
	    cmocka_unit_test(test_lengths_beyond_limits),
	    cmocka_unit_test(test_response_area),
	    cmocka_unit_test(test_unknown_sessions_and_resources),
	    cmocka_unit_test(test_bad_resource_uploads),
	    cmocka_unit_test(test_exec_policy),
	    cmocka_unit_test(test_ring_abuse),
	    cmocka_unit_test(test_ring_corrupt),
	    cmocka_unit_test(test_bad_vhost_user),
	    cmocka_unit_test(test_other_connection_session),
	    cmocka_unit_test(test_concurrent_connections_isolated),
	    cmocka_unit_test(test_connection_limit),
	    cmocka_unit_test(test_rss_stable),
	    cmocka_unit_test(test_disconnect_releases),
	    cmocka_unit_test(test_poll_mode_idle),
	    cmocka_unit_test(test_slow_op_concurrency),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_sigterm),
	};

	if (argc > 1 && !strcmp(argv[1], "seal"))
		return cmocka_run_group_tests(seal_tests, group_setup, group_teardown);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
