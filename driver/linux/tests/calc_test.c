// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of the driver's pure request checks (virtaccel_calc.h):
 * the same inline functions the module compiles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "virtaccel_calc.h"
#include "vt_main.h"

#define PAGE_SHIFT_4K 12
#define MiB (1024ull * 1024)
#define USER_LIMIT 0x00007ffffffff000ull

static const struct virtaccel_limits lim = {
	.max_args = 64,
	.max_segments = 1024,
	.max_request_bytes = 1024 * MiB,
};

static struct virtio_accel_ioc_req genop(uint16_t nr_read, uint16_t nr_write)
{
	struct virtio_accel_ioc_req r;

	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_GENOP;
	r.nr_read = nr_read;
	r.nr_write = nr_write;
	r.session_id = 7;
	return r;
}

static void req_accepts_valid(void **state)
{
	struct virtio_accel_ioc_req r = genop(3, 2);

	(void)state;
	assert_int_equal(virtaccel_check_req(&r, &lim), 0);
	r = genop(0, 0);
	r.code = VIRTIO_ACCEL_C_CREATE_SESSION;
	assert_int_equal(virtaccel_check_req(&r, &lim), 0);
	r = genop(2, 0);
	r.code = VIRTIO_ACCEL_C_REGISTER_RESOURCE;
	assert_int_equal(virtaccel_check_req(&r, &lim), 0);
}

static void req_rejects_reserved(void **state)
{
	struct virtio_accel_ioc_req r;

	(void)state;
	r = genop(1, 0);
	r.reserved0 = 1;
	assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
	r = genop(1, 0);
	r.reserved1 = 0x80000000u;
	assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
	r = genop(1, 0);
	r.reserved2[2] = 1;
	assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
}

static void req_rejects_unknown_code(void **state)
{
	struct virtio_accel_ioc_req r = genop(0, 0);

	(void)state;
	r.code = 0;
	assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
	r.code = VIRTIO_ACCEL_C_GENOP + 1;
	assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
	r.code = 0xffff;
	assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
}

static void req_rejects_args_on_argless_codes(void **state)
{
	static const uint16_t codes[] = { VIRTIO_ACCEL_C_CREATE_SESSION,
					  VIRTIO_ACCEL_C_DESTROY_SESSION,
					  VIRTIO_ACCEL_C_UNREGISTER_RESOURCE };
	struct virtio_accel_ioc_req r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		r = genop(1, 0);
		r.code = codes[i];
		assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
		r = genop(0, 1);
		r.code = codes[i];
		assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
	}
	/* Linking an existing resource to another session carries no files. */
	r = genop(1, 0);
	r.code = VIRTIO_ACCEL_C_REGISTER_RESOURCE;
	r.object_id = 5;
	assert_int_equal(virtaccel_check_req(&r, &lim), -EINVAL);
	r.nr_read = 0;
	assert_int_equal(virtaccel_check_req(&r, &lim), 0);
}

static void req_counts_args_against_max(void **state)
{
	struct virtio_accel_ioc_req r = genop(60, 4);

	(void)state;
	assert_int_equal(virtaccel_check_req(&r, &lim), 0);
	r = genop(60, 5);
	assert_int_equal(virtaccel_check_req(&r, &lim), -E2BIG);
	/* Two u16 counts must not wrap when added. */
	r = genop(0xffff, 0xffff);
	assert_int_equal(virtaccel_check_req(&r, &lim), -E2BIG);
	r = genop(0xffff, 1);
	assert_int_equal(virtaccel_check_req(&r, &lim), -E2BIG);
}

static void pages_spanned(void **state)
{
	(void)state;
	assert_int_equal(virtaccel_arg_pages(0x1000, 0, PAGE_SHIFT_4K), 0);
	assert_int_equal(virtaccel_arg_pages(0x1000, 1, PAGE_SHIFT_4K), 1);
	assert_int_equal(virtaccel_arg_pages(0x1000, 4096, PAGE_SHIFT_4K), 1);
	assert_int_equal(virtaccel_arg_pages(0x1fff, 2, PAGE_SHIFT_4K), 2);
	assert_int_equal(virtaccel_arg_pages(0x1064, 8192, PAGE_SHIFT_4K), 3);
	assert_int_equal(virtaccel_arg_pages(0x200000, 256 * MiB, PAGE_SHIFT_4K), 65536);
}

static void args_sizes(void **state)
{
	struct virtio_accel_ioc_arg rd[2] = {
		{ .addr = 0x10000, .len = 10 },
		{ .addr = 0x20000, .len = 0 },
	};
	struct virtio_accel_ioc_arg wr[1] = { { .addr = 0x30ff0, .len = 100 } };
	struct virtaccel_sizes sz;

	(void)state;
	assert_int_equal(virtaccel_check_args(rd, 2, wr, 1, &lim, USER_LIMIT, PAGE_SHIFT_4K, &sz),
			 0);
	/* 40-byte header + 3 arg headers of 24; data of the one non-empty read arg. */
	assert_int_equal(sz.hdr_bytes, 40 + 3 * 24);
	assert_int_equal(sz.read_bytes, 40 + 3 * 24 + 10);
	/* 16-byte response + one out_len. */
	assert_int_equal(sz.resp_bytes, 16 + 8);
	assert_int_equal(sz.write_bytes, 100 + 16 + 8);
	assert_int_equal(sz.nr_data, 2);
	/* 10 bytes in one page; 100 bytes from 0x30ff0 cross into a second. */
	assert_int_equal(sz.nr_pages, 3);
}

static void args_no_args(void **state)
{
	struct virtaccel_sizes sz;

	(void)state;
	assert_int_equal(
		virtaccel_check_args(NULL, 0, NULL, 0, &lim, USER_LIMIT, PAGE_SHIFT_4K, &sz), 0);
	assert_int_equal(sz.read_bytes, 40);
	assert_int_equal(sz.write_bytes, 16);
	assert_int_equal(sz.nr_pages, 0);
	assert_int_equal(sz.nr_data, 0);
}

static void args_reject_bad_addresses(void **state)
{
	struct virtio_accel_ioc_arg a = { .addr = UINT64_MAX - 10, .len = 11 };
	struct virtaccel_sizes sz;

	(void)state;
	/* Wraps around. */
	assert_int_equal(virtaccel_check_args(&a, 1, NULL, 0, &lim, UINT64_MAX, PAGE_SHIFT_4K, &sz),
			 -EFAULT);
	/* Ends past user space, read or write side. */
	a.addr = USER_LIMIT - 10;
	assert_int_equal(virtaccel_check_args(&a, 1, NULL, 0, &lim, USER_LIMIT, PAGE_SHIFT_4K, &sz),
			 -EFAULT);
	assert_int_equal(virtaccel_check_args(NULL, 0, &a, 1, &lim, USER_LIMIT, PAGE_SHIFT_4K, &sz),
			 -EFAULT);
	/* Ends exactly at the limit. */
	a.len = 10;
	assert_int_equal(virtaccel_check_args(&a, 1, NULL, 0, &lim, USER_LIMIT, PAGE_SHIFT_4K, &sz),
			 0);
	/* An empty arg's address is never used. */
	a.addr = UINT64_MAX;
	a.len = 0;
	assert_int_equal(virtaccel_check_args(&a, 1, NULL, 0, &lim, USER_LIMIT, PAGE_SHIFT_4K, &sz),
			 0);
}

static void args_reject_sum_overflow(void **state)
{
	struct virtio_accel_ioc_arg a[2] = {
		{ .addr = 0, .len = 1ull << 63 },
		{ .addr = 0, .len = 1ull << 63 },
	};
	struct virtaccel_limits big = lim;
	struct virtaccel_sizes sz;

	(void)state;
	big.max_request_bytes = UINT64_MAX;
	assert_int_equal(virtaccel_check_args(a, 2, NULL, 0, &big, UINT64_MAX, PAGE_SHIFT_4K, &sz),
			 -E2BIG);
	/* Read and write parts that only overflow together. */
	assert_int_equal(
		virtaccel_check_args(&a[0], 1, &a[1], 1, &big, UINT64_MAX, PAGE_SHIFT_4K, &sz),
		-E2BIG);
}

static void args_max_request_bytes(void **state)
{
	struct virtio_accel_ioc_arg a = { .addr = 0x100000 };
	struct virtaccel_limits small = lim;
	struct virtaccel_sizes sz;

	(void)state;
	small.max_request_bytes = 4096;
	/* 40 + 24 header, 16 response: 80 bytes of overhead. */
	a.len = 4096 - 80;
	assert_int_equal(
		virtaccel_check_args(&a, 1, NULL, 0, &small, USER_LIMIT, PAGE_SHIFT_4K, &sz), 0);
	a.len++;
	assert_int_equal(
		virtaccel_check_args(&a, 1, NULL, 0, &small, USER_LIMIT, PAGE_SHIFT_4K, &sz),
		-E2BIG);
	/* Write capacity counts as well, with its out_len. */
	a.len = 4096 - 88;
	assert_int_equal(
		virtaccel_check_args(NULL, 0, &a, 1, &small, USER_LIMIT, PAGE_SHIFT_4K, &sz), 0);
	a.len++;
	assert_int_equal(
		virtaccel_check_args(NULL, 0, &a, 1, &small, USER_LIMIT, PAGE_SHIFT_4K, &sz),
		-E2BIG);
}

static void args_write_part_fits_used_len(void **state)
{
	struct virtio_accel_ioc_arg wr = { .addr = 0x100000, .len = 0xffffffffull - 24 };
	struct virtaccel_limits big = lim;
	struct virtaccel_sizes sz;

	(void)state;
	big.max_request_bytes = 1ull << 40;
	/* 16-byte response + one out_len: exactly 4 GiB - 1 is still reportable. */
	assert_int_equal(
		virtaccel_check_args(NULL, 0, &wr, 1, &big, USER_LIMIT, PAGE_SHIFT_4K, &sz), 0);
	assert_int_equal(sz.write_bytes, 0xffffffffull);
	wr.len++;
	assert_int_equal(
		virtaccel_check_args(NULL, 0, &wr, 1, &big, USER_LIMIT, PAGE_SHIFT_4K, &sz),
		-E2BIG);
}

static void args_large_argument(void **state)
{
	struct virtio_accel_ioc_arg rd = { .addr = 0x7f0000000000ull, .len = 256 * MiB };
	struct virtio_accel_ioc_arg wr = { .addr = 0x7f4000000123ull, .len = 256 * MiB };
	struct virtaccel_sizes sz;

	(void)state;
	assert_int_equal(virtaccel_check_args(&rd, 1, &wr, 1, &lim, USER_LIMIT, PAGE_SHIFT_4K, &sz),
			 0);
	assert_int_equal(sz.nr_pages, 65536 + 65537);
	assert_int_equal(sz.read_bytes, 40 + 48 + 256 * MiB);
	assert_int_equal(sz.write_bytes, 256 * MiB + 16 + 8);
}

static void args_count_no_segments(void **state)
{
	struct virtio_accel_ioc_arg a[3] = {
		{ .addr = 0x10000, .len = 1 },
		{ .addr = 0x20000, .len = 1 },
		{ .addr = 0x30000, .len = 1 },
	};
	struct virtaccel_limits four = lim;
	struct virtaccel_sizes sz;

	(void)state;
	/* More args than descriptors is for the chain plan to settle (short args are copied). */
	four.max_segments = 4;
	assert_int_equal(
		virtaccel_check_args(a, 2, &a[2], 1, &four, USER_LIMIT, PAGE_SHIFT_4K, &sz), 0);
	assert_int_equal(sz.nr_data, 3);
}

#define PG 4096u

static void pieces_merge_contiguous(void **state)
{
	struct virtaccel_piece p[8];
	unsigned int n = 0;

	(void)state;
	virtaccel_add_piece(p, &n, 0, 0x10100, PG - 0x100, 16 * PG);
	virtaccel_add_piece(p, &n, 0, 0x11000, PG, 16 * PG); /* next page: merged */
	assert_int_equal(n, 1);
	assert_int_equal(p[0].phys, 0x10100);
	assert_int_equal(p[0].len, 2 * PG - 0x100);
	/* The same physical page again (aliased mapping): a new piece. */
	virtaccel_add_piece(p, &n, 0, 0x11000, PG, 16 * PG);
	assert_int_equal(n, 2);
	/* Never across the start of another stream. */
	virtaccel_add_piece(p, &n, 2, 0x12000, PG, 16 * PG);
	assert_int_equal(n, 3);
	/* Never beyond the largest segment. */
	virtaccel_add_piece(p, &n, 3, 0x20000, PG, 2 * PG);
	virtaccel_add_piece(p, &n, 3, 0x21000, PG, 2 * PG);
	assert_int_equal(n, 4);
	assert_int_equal(p[3].len, 2 * PG);
	virtaccel_add_piece(p, &n, 3, 0x22000, PG, 2 * PG);
	assert_int_equal(n, 5);
}

static void plan_keeps_short_chains(void **state)
{
	struct virtaccel_piece p[3] = { { .len = 1 }, { .len = PG }, { .len = 100 } };
	uint32_t below = 99;

	(void)state;
	assert_int_equal(virtaccel_plan_chain(p, 2, 3, 3, PG, 4 * MiB, &below), 0);
	assert_int_equal(below, 0);
}

/*
 * Plan all n pieces into at most 254 descriptors of up to 4 MiB: the plan must succeed
 * with copy threshold `want_below` and stream in `want_segments` segments.
 */
static void expect_plan(struct virtaccel_piece *p, unsigned int n, uint32_t want_below,
			unsigned int want_segments)
{
	uint32_t below = 0;

	assert_int_equal(virtaccel_plan_chain(p, n, n, 254, PG, 4 * MiB, &below), 0);
	assert_int_equal(below, want_below);
	assert_int_equal(virtaccel_stream_segments(p, n, below, 4 * MiB), want_segments);
}

/* A huge-page buffer with stray small pages: only the small ones are copied. */
static void plan_copies_shortest_first(void **state)
{
	static struct virtaccel_piece p[300];
	unsigned int i;

	(void)state;
	for (i = 0; i < 300; i++)
		p[i].len = i < 100 || i >= 228 ? PG : 2 * MiB; /* 128 huge pages between */
	/* 100 small pages become one chunk, 72 more another: 1 + 128 + 1 descriptors. */
	expect_plan(p, 300, 2 * PG, 130);
}

/* Every piece a page: the threshold grows until runs are merged into chunks. */
static void plan_fragmented_buffer(void **state)
{
	static struct virtaccel_piece p[65536];
	uint32_t below;
	unsigned int i;

	(void)state;
	for (i = 0; i < 65536; i++)
		p[i].len = PG; /* 256 MiB */
	expect_plan(p, 65536, 2 * PG, 64);
	/* With 64 KiB chunks 256 MiB needs 4096 descriptors: it cannot fit. */
	assert_int_equal(virtaccel_plan_chain(p, 65536, 65536, 254, PG, 64 * 1024, &below), -E2BIG);
}

/* Runs never cross from the readable into the writable stream. */
static void plan_counts_streams_apart(void **state)
{
	struct virtaccel_piece p[6];
	uint32_t below;
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++)
		p[i].len = 100;
	/* One chunk per stream: 2 descriptors, never 1. */
	assert_int_equal(virtaccel_plan_chain(p, 3, 6, 1, PG, 4 * MiB, &below), -E2BIG);
	assert_int_equal(virtaccel_plan_chain(p, 3, 6, 2, PG, 4 * MiB, &below), 0);
	assert_int_equal(below, 2 * PG);
}

/* Pieces of a chunk or more are never copied: too many of them cannot fit. */
static void plan_large_pieces_stay(void **state)
{
	struct virtaccel_piece p[6];
	uint32_t below;
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++)
		p[i].len = 4 * MiB;
	p[4].len = 4 * MiB - 1;
	p[5].len = 3 * MiB;
	/* At the largest threshold the two short ones share two chunks: 6 descriptors. */
	assert_int_equal(virtaccel_plan_chain(p, 6, 6, 5, PG, 4 * MiB, &below), -E2BIG);
	assert_int_equal(virtaccel_plan_chain(p, 6, 6, 6, PG, 4 * MiB, &below), 0);
	assert_int_equal(below, 0);
	p[5].len = 1;
	assert_int_equal(virtaccel_plan_chain(p, 6, 6, 5, PG, 4 * MiB, &below), 0);
	assert_int_equal(below, 4 * MiB);
}

static void session_fates(void **state)
{
	(void)state;
	assert_int_equal(virtaccel_session_fate(VIRTIO_ACCEL_S_OK, 0, 5), VIRTACCEL_SESSION_RECORD);
	/* Created but reported failed: the driver must destroy it, never leak it. */
	assert_int_equal(virtaccel_session_fate(VIRTIO_ACCEL_S_OK, 22, 5),
			 VIRTACCEL_SESSION_DESTROY);
	assert_int_equal(virtaccel_session_fate(VIRTIO_ACCEL_S_OK, -1, 5),
			 VIRTACCEL_SESSION_DESTROY);
	assert_int_equal(virtaccel_session_fate(VIRTIO_ACCEL_S_OK, 0, 0), VIRTACCEL_SESSION_NONE);
	assert_int_equal(virtaccel_session_fate(VIRTIO_ACCEL_S_ERR, 0, 5), VIRTACCEL_SESSION_NONE);
	assert_int_equal(virtaccel_session_fate(VIRTIO_ACCEL_S_INVSESS, 0, 5),
			 VIRTACCEL_SESSION_NONE);
}

static void response_checks(void **state)
{
	(void)state;
	assert_int_equal(virtaccel_check_used(0, 16), -EIO);
	assert_int_equal(virtaccel_check_used(15, 16), -EIO);
	assert_int_equal(virtaccel_check_used(17, 16), -EIO);
	assert_int_equal(virtaccel_check_used(16, 16), 0);
	assert_int_equal(virtaccel_check_out_len(0, 0), 0);
	assert_int_equal(virtaccel_check_out_len(100, 100), 0);
	assert_int_equal(virtaccel_check_out_len(101, 100), -EIO);
}

static void wire_sizes_match_uapi(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct virtio_accel_req_hdr), VIRTACCEL_REQ_HDR_SIZE);
	assert_int_equal(sizeof(struct virtio_accel_arg_hdr), VIRTACCEL_ARG_HDR_SIZE);
	assert_int_equal(sizeof(struct virtio_accel_resp_hdr), VIRTACCEL_RESP_HDR_SIZE);
	assert_int_equal(sizeof(struct virtio_accel_ioc_req), 64);
	assert_int_equal(sizeof(struct virtio_accel_ioc_arg), 24);
	assert_int_equal(sizeof(struct virtio_accel_ioc_info), 32);
	assert_int_equal(sizeof(struct virtio_accel_config), 24);
}

VT_MAIN(NULL, NULL, req_accepts_valid, req_rejects_reserved, req_rejects_unknown_code,
	req_rejects_args_on_argless_codes, req_counts_args_against_max, pages_spanned, args_sizes,
	args_no_args, args_reject_bad_addresses, args_reject_sum_overflow, args_max_request_bytes,
	args_write_part_fits_used_len, args_large_argument, args_count_no_segments,
	pieces_merge_contiguous, plan_keeps_short_chains, plan_copies_shortest_first,
	plan_fragmented_buffer, plan_counts_streams_apart, plan_large_pieces_stay, session_fates,
	response_checks, wire_sizes_match_uapi)
