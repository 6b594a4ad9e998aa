/* SPDX-License-Identifier: Apache-2.0 */
/* Request layout, limit checks, encoding and response decoding. */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "vio_req.h"
#include "vt_main.h"

static const struct vio_limits lim = {
    .version = 1,
    .num_queues = 1,
    .max_args = 32,
    .max_segments = 8,
    .max_request_bytes = 4096,
};

static void test_sizes(void **state)
{
	char in[10] = "abcdefghi", out[7];
	struct vio_arg rd[] = {{.buf = in, .len = 10, .type = 28}};
	struct vio_arg wr[] = {{.buf = out, .len = 7, .type = 26}};
	struct vio_req req = {.code = 5, .read = rd, .nr_read = 1, .write = wr, .nr_write = 1};

	struct vio_layout l;

	(void)state;
	assert_int_equal(vio_layout_plan(&l, &req, NULL, 0, 0), 0);
	assert_int_equal(l.rd_bytes, 40 + 2 * 24 + 10);
	assert_int_equal(l.wr_bytes, 7 + 16 + 8);
	vio_layout_free(&l);
	assert_int_equal(vio_req_check(&req, &lim, 2), 0);
}

/* vio_layout_plan() with limits: the same verdict as vio_req_check() with no segments. */
static int plan_check(const struct vio_req *req)
{
	struct vio_layout l;
	int ret = vio_layout_plan(&l, req, &lim, 0, 0);

	if (!ret)
		vio_layout_free(&l);
	return ret;
}

static void test_limits(void **state)
{
	static char big[4096];
	struct vio_arg rd[33];
	struct vio_req req = {.code = 5, .read = rd};

	(void)state;
	for (int i = 0; i < 33; i++)
		rd[i] = (struct vio_arg){.buf = big, .len = 1};
	req.nr_read = 32;
	assert_int_equal(vio_req_check(&req, &lim, 2), 0);
	assert_int_equal(plan_check(&req), 0);
	req.nr_read = 33; /* max_args */
	assert_int_equal(vio_req_check(&req, &lim, 2), -E2BIG);
	assert_int_equal(plan_check(&req), -E2BIG);
	req.nr_read = 1;
	assert_int_equal(vio_req_check(&req, &lim, 9), -E2BIG); /* segments */
	rd[0].len = 4096;					/* bytes, headers included */
	assert_int_equal(vio_req_check(&req, &lim, 2), -E2BIG);
	assert_int_equal(plan_check(&req), -E2BIG);
	rd[0].len = 4096 - 40 - 24 - 16;
	assert_int_equal(vio_req_check(&req, &lim, 2), 0);
	assert_int_equal(plan_check(&req), 0);
	rd[0].len = UINT64_MAX - 10; /* overflow */
	assert_int_equal(vio_req_check(&req, &lim, 2), -E2BIG);
	assert_int_equal(plan_check(&req), -E2BIG);
	rd[0].len = 4;
	rd[0].buf = NULL;
	assert_int_equal(vio_req_check(&req, &lim, 2), -EINVAL);
	assert_int_equal(plan_check(&req), -EINVAL);
}

/* vio_layout_pack() lays out and encodes exactly what plan + encode give for a packed request. */
static void test_pack_agrees(void **state)
{
	uint8_t op = 3;
	char img[100], name[8], text[4] = "TXT";
	struct vio_arg rd[] = {{.buf = &op, .len = 1, .type = 9},
			       {.buf = img, .len = 100, .type = 28}};
	struct vio_arg wr[] = {{.buf = name, .len = 8, .type = 26},
			       {.buf = text, .len = 4, .type = 26, .inout = true}};
	struct vio_req req = {.code = 5, .session_id = 77, .object_id = 9, .flags = 0x80};
	static uint8_t a[16384], b[16384];
	struct vio_layout lp, lg;

	(void)state;
	memset(img, 'i', sizeof(img));
	/* Every mix of read and write args, none and some. */
	for (unsigned nr = 0; nr <= 2; nr++) {
		for (unsigned nw = 0; nw <= 2; nw++) {
			req.read = nr ? rd : NULL;
			req.nr_read = nr;
			req.write = nw ? wr : NULL;
			req.nr_write = nw;
			memset(a, 0xaa, sizeof(a));
			memset(b, 0xaa, sizeof(b));
			assert_int_equal(vio_layout_pack(&lp, &req, &lim, 4096, 0, a, sizeof(a)),
					 0);
			assert_int_equal(vio_layout_plan(&lg, &req, &lim, 4096, 0), 0);
			vio_layout_encode(&lg, &req, b);
			assert_int_equal(lp.size, lg.size);
			assert_int_equal(lp.rd_bytes, lg.rd_bytes);
			assert_int_equal(lp.wr_bytes, lg.wr_bytes);
			assert_int_equal(lp.resp_off, lg.resp_off);
			assert_int_equal(lp.nr_seg, lg.nr_seg);
			assert_int_equal(lp.nr_rd_seg, lg.nr_rd_seg);
			for (unsigned i = 0; i < lp.nr_seg; i++) {
				assert_int_equal(lp.seg[i].off, lg.seg[i].off);
				assert_int_equal(lp.seg[i].len, lg.seg[i].len);
			}
			for (unsigned i = 0; i < nw; i++)
				assert_int_equal(lp.wr_off[i], lg.wr_off[i]);
			/* The readable part and the in/out data are the same bytes. */
			assert_memory_equal(a, b, lp.size);
			vio_layout_free(&lp);
			vio_layout_free(&lg);
		}
	}
}

/*
 * A request packed again with the same header and small args stores nothing (the userspace
 * driver packs every call of a queue into the same chunk, which the device reads): with the
 * chunk read-only, a store would fault. A changed field is stored.
 */
static void test_pack_repeat_not_stored(void **state)
{
	uint32_t op = 3, dims[4] = {1, 2, 3, 4};
	char out[8];
	struct vio_arg rd[] = {{.buf = &op, .len = sizeof(op), .type = 9},
			       {.buf = dims, .len = sizeof(dims), .type = 0}};
	struct vio_arg wr[] = {{.buf = out, .len = sizeof(out), .type = 26}};
	struct vio_req req = {.code = 5, .session_id = 77, .read = rd, .write = wr};
	uint8_t *page =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vio_layout l;

	(void)state;
	assert_true(page != MAP_FAILED);
	for (unsigned nr = 1; nr <= 2; nr++) { /* the one-arg request has its own walk */
		req.nr_read = nr;
		req.nr_write = nr - 1;
		req.session_id = 77;
		assert_int_equal(vio_layout_pack(&l, &req, &lim, 4096, 0, page, 4096), 0);
		vio_layout_free(&l);
		assert_int_equal(mprotect(page, 4096, PROT_READ), 0);
		assert_int_equal(vio_layout_pack(&l, &req, &lim, 4096, 0, page, 4096), 0);
		vio_layout_free(&l);
		assert_int_equal(mprotect(page, 4096, PROT_READ | PROT_WRITE), 0);
		req.session_id = 78;
		assert_int_equal(vio_layout_pack(&l, &req, &lim, 4096, 0, page, 4096), 0);
		vio_layout_free(&l);
		assert_int_equal(le64toh(((const struct virtio_accel_req_hdr *)page)->session_id),
				 78);
	}
	munmap(page, 4096);
}

/* What vio_layout_pack() leaves to the general plan, and what it refuses as plan does. */
static void test_pack_refuses(void **state)
{
	static char big[4096];
	uint8_t op = 3;
	struct vio_arg rd[] = {{.buf = &op, .len = 1, .type = 9},
			       {.buf = big, .len = 100, .type = 28}};
	struct vio_arg many[VIO_LAYOUT_INLINE + 1];
	struct vio_req req = {.code = 5, .read = rd, .nr_read = 2};
	static uint8_t a[16384];
	struct vio_layout l;

	(void)state;
	/* An arg of own_min bytes or more gets its own segment: not packed. */
	assert_int_equal(vio_layout_pack(&l, &req, &lim, 100, 0, a, sizeof(a)), -EAGAIN);
	/* Does not fit the bounce space given. */
	assert_int_equal(vio_layout_pack(&l, &req, &lim, 0, 0, a, 40 + 2 * 24 + 100), -EAGAIN);
	/* A part longer than one descriptor. */
	assert_int_equal(vio_layout_pack(&l, &req, &lim, 0, 100, a, sizeof(a)), -EAGAIN);
	/* More args than the inline arrays hold. */
	for (unsigned i = 0; i < VIO_LAYOUT_INLINE + 1; i++)
		many[i] = (struct vio_arg){.buf = &op, .len = 1, .type = 9};
	req.read = many;
	req.nr_read = VIO_LAYOUT_INLINE + 1;
	assert_int_equal(vio_layout_pack(&l, &req, &lim, 0, 0, a, sizeof(a)), -EAGAIN);
	/* Malformed and over the device's limits: the same errors as vio_layout_plan(). */
	req.read = rd;
	req.nr_read = 2;
	rd[1].buf = NULL;
	assert_int_equal(vio_layout_pack(&l, &req, &lim, 0, 0, a, sizeof(a)), -EINVAL);
	assert_int_equal(plan_check(&req), -EINVAL);
	rd[1].buf = big;
	rd[1].len = 4096; /* over max_request_bytes (4096) with the headers */
	assert_int_equal(vio_layout_pack(&l, &req, &lim, 0, 0, a, sizeof(a)), -E2BIG);
	assert_int_equal(plan_check(&req), -E2BIG);
	rd[1].len = 100;
	assert_int_equal(vio_layout_pack(&l, &req, &lim, 0, 0, a, sizeof(a)), 0);
	assert_false(l.heap);
}

static void test_encode(void **state)
{
	uint8_t op = 3;
	char img[5] = "IMAGE", name[8], text[4];
	struct vio_arg rd[] = {{.buf = &op, .len = 1, .type = 9},
			       {.buf = img, .len = 5, .type = 28}};
	struct vio_arg wr[] = {{.buf = name, .len = 8, .type = 26},
			       {.buf = text, .len = 4, .type = 26, .inout = true}};
	struct vio_req req = {.code = 5,
			      .session_id = 0x1122334455667788ull,
			      .object_id = 9,
			      .flags = 0x80,
			      .read = rd,
			      .nr_read = 2,
			      .write = wr,
			      .nr_write = 2};
	uint8_t buf[512];
	struct virtio_accel_req_hdr h;
	struct virtio_accel_arg_hdr a;
	struct vio_layout l;
	const uint64_t rdb = 40 + 4 * 24 + 6;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	memcpy(text, "TXT", 4);
	/* Packed: one readable and one writable segment. */
	assert_int_equal(vio_layout_plan(&l, &req, NULL, 0, 0), 0);
	assert_int_equal(l.rd_bytes, rdb);
	assert_int_equal(l.wr_bytes, 12 + 16 + 16);
	assert_int_equal(l.nr_seg, 2);
	assert_int_equal(l.nr_rd_seg, 1);
	assert_int_equal(l.seg[0].off, 0);
	assert_int_equal(l.seg[0].len, rdb);
	assert_int_equal(l.seg[1].off % 64, 0);
	assert_int_equal(l.seg[1].len, l.wr_bytes);
	vio_layout_encode(&l, &req, buf);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(le16toh(h.code), 5);
	assert_int_equal(le16toh(h.nr_read), 2);
	assert_int_equal(le16toh(h.nr_write), 2);
	assert_int_equal(h.reserved0, 0);
	assert_int_equal(h.reserved1, 0);
	assert_int_equal(le32toh(h.flags), 0x80);
	assert_true(le64toh(h.session_id) == 0x1122334455667788ull);
	assert_int_equal(le64toh(h.object_id), 9);
	for (int i = 0; i < 4; i++) {
		static const uint64_t lens[] = {1, 5, 8, 4};
		static const uint32_t types[] = {9, 28, 26, 26};

		memcpy(&a, buf + 40 + 24 * i, sizeof(a));
		assert_int_equal(le64toh(a.len), lens[i]);
		assert_int_equal(le32toh(a.type), types[i]);
		assert_int_equal(a.dir, i < 2 ? VIRTIO_ACCEL_ARG_READ : VIRTIO_ACCEL_ARG_WRITE);
		for (int j = 0; j < 7; j++)
			assert_int_equal(a.reserved[j], 0);
	}
	assert_int_equal(buf[40 + 4 * 24], 3);
	assert_memory_equal(buf + 40 + 4 * 24 + 1, "IMAGE", 5);
	assert_int_equal(buf[rdb], 0xee); /* nothing past the part */
	/* inout write arg pre-filled, plain one not */
	assert_memory_equal(buf + l.wr_off[1], "TXT", 4);
	assert_int_equal(buf[l.wr_off[0]], 0xee);
	assert_int_equal(l.wr_off[1], l.wr_off[0] + 8);
	assert_int_equal(l.resp_off, l.wr_off[1] + 4);
	vio_layout_free(&l);
}

/* Large args sit in their own aligned segments; the byte streams stay the same. */
static void test_layout_aligned(void **state)
{
	uint8_t op = 18;
	static int big_in[2000], big_out[3000];
	char small[3] = "ab";
	struct vio_arg rd[] = {{.buf = &op, .len = 1},
			       {.buf = big_in, .len = sizeof(big_in)},
			       {.buf = small, .len = 3}};
	struct vio_arg wr[] = {{.buf = big_out, .len = sizeof(big_out)}, {.buf = small, .len = 3}};
	struct vio_req req = {.code = 5, .read = rd, .nr_read = 3, .write = wr, .nr_write = 2};
	struct vio_layout l;
	uint64_t sum = 0;
	static uint8_t buf[64 << 10];

	(void)state;
	for (int i = 0; i < 2000; i++)
		big_in[i] = i * 3;
	assert_int_equal(vio_layout_plan(&l, &req, NULL, 4096, 0), 0);
	/* readable: [hdr..op] [big_in] [small]; writable: [big_out] [small+resp] */
	assert_int_equal(l.nr_rd_seg, 3);
	assert_int_equal(l.nr_seg, 5);
	assert_int_equal(l.rd_off[1] % 64, 0);
	assert_int_equal(l.wr_off[0] % 64, 0);
	assert_int_equal(l.seg[1].off, l.rd_off[1]);
	assert_int_equal(l.seg[1].len, sizeof(big_in));
	assert_int_equal(l.seg[0].len, 40 + 5 * 24 + 1);
	for (unsigned i = 0; i < l.nr_rd_seg; i++)
		sum += l.seg[i].len;
	assert_int_equal(sum, l.rd_bytes);
	sum = 0;
	for (unsigned i = l.nr_rd_seg; i < l.nr_seg; i++)
		sum += l.seg[i].len;
	assert_int_equal(sum, l.wr_bytes);
	assert_true(l.size <= sizeof(buf));
	vio_layout_encode(&l, &req, buf);
	assert_memory_equal(buf + l.rd_off[1], big_in, sizeof(big_in));
	vio_layout_free(&l);

	/* Chunked: no segment longer than the chunk. */
	assert_int_equal(vio_layout_plan(&l, &req, NULL, 4096, 1000), 0);
	for (unsigned i = 0; i < l.nr_seg; i++)
		assert_true(l.seg[i].len <= 1000);
	vio_layout_free(&l);
}

static void put_resp(uint8_t *w, uint64_t off, uint8_t status, int32_t ret, uint64_t id,
		     const uint64_t *lens, unsigned n)
{
	struct virtio_accel_resp_hdr r = {.status = status};

	r.vaccel_ret = htole32((uint32_t)ret);
	r.id = htole64(id);
	memcpy(w + off, &r, sizeof(r));
	for (unsigned i = 0; i < n; i++) {
		uint64_t l = htole64(lens[i]);

		memcpy(w + off + 16 + 8 * i, &l, 8);
	}
}

static void test_decode(void **state)
{
	char a[8], b[4];
	struct vio_arg wr[] = {{.buf = a, .len = 8}, {.buf = b, .len = 4}};
	struct vio_req req = {.code = 5, .write = wr, .nr_write = 2};
	uint8_t w[256];
	uint64_t lens[] = {5, 4};
	struct vio_layout l;

	(void)state;
	memset(a, 'x', sizeof(a));
	assert_int_equal(vio_layout_plan(&l, &req, NULL, 0, 0), 0);
	memcpy(w + l.wr_off[0], "hello...", 8);
	memcpy(w + l.wr_off[1], "WXYZ", 4);
	put_resp(w, l.resp_off, 0, 0, 77, lens, 2);
	assert_int_equal(vio_layout_decode(&l, &req, w, l.wr_bytes), 0);
	assert_int_equal(req.status, 0);
	assert_int_equal(req.id, 77);
	assert_int_equal(wr[0].len, 5);
	assert_int_equal(wr[1].len, 4);
	assert_memory_equal(a, "hellox", 6); /* only out_len bytes copied back */
	assert_memory_equal(b, "WXYZ", 4);
	vio_layout_free(&l);
}

static void test_decode_bad(void **state)
{
	char a[8];
	struct vio_arg wr[] = {{.buf = a, .len = 8}};
	struct vio_req req = {.code = 5, .write = wr, .nr_write = 1};
	uint8_t w[256];
	uint64_t lens[] = {9};
	struct vio_layout l;

	(void)state;
	memset(w, 0, sizeof(w));
	assert_int_equal(vio_layout_plan(&l, &req, NULL, 0, 0), 0);
	put_resp(w, l.resp_off, 0, 0, 0, lens, 1);
	/* out_len over the capacity */
	assert_int_equal(vio_layout_decode(&l, &req, w, l.wr_bytes), -EPROTO);
	assert_int_equal(wr[0].len, 8);
	/* used length short of the writable part */
	lens[0] = 1;
	put_resp(w, l.resp_off, 0, 0, 0, lens, 1);
	assert_int_equal(vio_layout_decode(&l, &req, w, 0), -EPROTO);
	/* error status: lengths not used, outputs untouched */
	put_resp(w, l.resp_off, VIRTIO_ACCEL_S_INVSESS, 0, 0, lens, 1);
	assert_int_equal(vio_layout_decode(&l, &req, w, l.wr_bytes), 0);
	assert_int_equal(req.status, VIRTIO_ACCEL_S_INVSESS);
	assert_int_equal(wr[0].len, 8);
	vio_layout_free(&l);
}

static void test_config(void **state)
{
	struct virtio_accel_config c = {0};
	struct vio_limits l;

	(void)state;
	c.version = htole32(1);
	c.num_queues = htole16(2);
	c.max_args = htole16(64);
	c.max_segments = htole32(128);
	c.max_request_bytes = htole64(1ull << 30);
	assert_int_equal(vio_limits_from_config(&l, &c), 0);
	assert_int_equal(l.num_queues, 2);
	assert_int_equal(l.max_args, 64);
	assert_int_equal(l.max_segments, 128);
	assert_true(l.max_request_bytes == 1ull << 30);
	c.version = htole32(2);
	assert_int_equal(vio_limits_from_config(&l, &c), -EPROTONOSUPPORT);
	c.version = htole32(1);
	c.max_args = htole16(8);
	assert_int_equal(vio_limits_from_config(&l, &c), -EPROTO);
	c.max_args = htole16(64);
	c.num_queues = 0;
	assert_int_equal(vio_limits_from_config(&l, &c), -EPROTO);
}

VT_MAIN(NULL, NULL, test_sizes, test_limits, test_pack_agrees, test_pack_refuses, test_encode,
	test_layout_aligned, test_decode, test_decode_bad, test_config, test_pack_repeat_not_stored)
