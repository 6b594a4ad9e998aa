/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split virtqueue tests: a driver (vq_drv_*) and a device (vq_dev_*) on the
 * same plain memory, seen by the device at a "guest physical" base address,
 * plus hand-built malformed rings the device must reject without crashing.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "vq.h"
#include "vt_main.h"

#define GPA_BASE 0x100000ull
#define MEM_SIZE (1u << 20)
#define DATA_OFF (256u * 1024) /* buffers live above the ring */

struct env {
	uint8_t *mem;
	uint16_t num;
	bool event_idx;
	struct vq_drv drv;
	struct vq_dev dev;
	struct vq_limits limits;
	unsigned map_calls;
};

static void *map(void *opaque, uint64_t addr, uint64_t len)
{
	struct env *e = opaque;

	e->map_calls++;
	if (addr < GPA_BASE || addr - GPA_BASE > MEM_SIZE || len > MEM_SIZE - (addr - GPA_BASE))
		return NULL;
	return e->mem + (addr - GPA_BASE);
}

static uint64_t gpa(uint32_t off)
{
	return GPA_BASE + off;
}

static struct env *env_new(uint16_t num, bool event_idx, unsigned max_segs, uint64_t max_bytes)
{
	struct env *e = calloc(1, sizeof(*e));
	uint64_t d, a, u;

	assert_non_null(e);
	e->mem = aligned_alloc(4096, MEM_SIZE);
	assert_non_null(e->mem);
	memset(e->mem, 0, MEM_SIZE);
	e->num = num;
	e->event_idx = event_idx;
	e->limits.max_segments = max_segs;
	e->limits.max_bytes = max_bytes;
	assert_true(vq_ring_bytes(num) <= DATA_OFF);
	assert_int_equal(vq_drv_init(&e->drv, num, e->mem, GPA_BASE, event_idx), 0);
	vq_drv_ring_addrs(&e->drv, &d, &a, &u);
	assert_int_equal(vq_dev_init(&e->dev, num, map(e, d, 16), map(e, a, 6), map(e, u, 6), 0,
				     event_idx, &e->limits, map, e),
			 0);
	return e;
}

static void env_free(struct env *e)
{
	vq_drv_destroy(&e->drv);
	vq_dev_destroy(&e->dev);
	free(e->mem);
	free(e);
}

/* The driver adds one 8-byte device-readable buffer with token `tok`. */
static void add_small(struct env *e, void *tok)
{
	struct vq_buf b = {gpa(DATA_OFF), 8};

	assert_int_equal(vq_drv_add(&e->drv, &b, 1, 0, tok), 0);
}

/* The device pops one single-descriptor element (add_small's); returns its head. */
static uint16_t pop_small(struct env *e)
{
	struct iovec iov[2];
	struct vq_elem elem;

	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 2), 1);
	return elem.head;
}

/* ------------------------------------------------------------ round trips */

static void test_roundtrip(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	struct vq_buf bufs[3] = {
	    {gpa(DATA_OFF), 10}, {gpa(DATA_OFF + 100), 20}, {gpa(DATA_OFF + 200), 30}};
	struct iovec iov[8];
	struct vq_elem elem;
	uint32_t len = 0;
	int token = 42;

	(void)state;
	assert_false(vq_dev_avail_pending(&e->dev));
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 8), 0);
	assert_int_equal(vq_drv_add(&e->drv, bufs, 2, 1, &token), 0);
	assert_true(vq_dev_avail_pending(&e->dev));
	assert_true(vq_drv_kick_prepare(&e->drv));
	assert_false(vq_drv_kick_prepare(&e->drv)); /* nothing new */
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 8), 1);
	assert_int_equal(elem.nr_read, 2);
	assert_int_equal(elem.nr_write, 1);
	assert_int_equal(elem.read_bytes, 30);
	assert_int_equal(elem.write_bytes, 30);
	assert_ptr_equal(iov[0].iov_base, e->mem + DATA_OFF);
	assert_int_equal(iov[1].iov_len, 20);
	assert_ptr_equal(iov[2].iov_base, e->mem + DATA_OFF + 200);
	assert_int_equal(vq_dev_last_avail(&e->dev), 1);
	assert_null(vq_drv_get_used(&e->drv, &len));
	assert_true(vq_dev_push(&e->dev, elem.head, 7));
	assert_ptr_equal(vq_drv_get_used(&e->drv, &len), &token);
	assert_int_equal(len, 7);
	assert_null(vq_drv_get_used(&e->drv, &len));
	assert_int_equal(e->drv.num_free, 8);
	env_free(e);
}

static void test_full_and_invalid(void **state)
{
	struct env *e = env_new(4, false, 16, 1 << 20);
	struct vq_buf b[5] = {{gpa(DATA_OFF), 1},
			      {gpa(DATA_OFF), 1},
			      {gpa(DATA_OFF), 1},
			      {gpa(DATA_OFF), 1},
			      {gpa(DATA_OFF), 1}};
	int t[5];

	(void)state;
	assert_int_equal(vq_drv_add(&e->drv, b, 0, 0, &t[0]), -EINVAL);
	assert_int_equal(vq_drv_add(&e->drv, b, 3, 2, &t[0]), -EINVAL);
	assert_int_equal(vq_drv_add(&e->drv, b, 1, 0, NULL), -EINVAL);
	assert_int_equal(vq_drv_add(&e->drv, b, 2, 1, &t[0]), 0);
	assert_int_equal(vq_drv_add(&e->drv, b, 1, 1, &t[1]), -ENOSPC);
	assert_int_equal(vq_drv_add(&e->drv, b, 1, 0, &t[1]), 0);
	assert_int_equal(e->drv.num_free, 0);
	assert_int_equal(vq_drv_add(&e->drv, b, 1, 0, &t[2]), -ENOSPC);
	env_free(e);
}

static void test_init_invalid(void **state)
{
	struct vq_drv drv;
	struct vq_dev dev;
	uint8_t *mem = aligned_alloc(4096, 65536);
	struct vq_limits l = {8, 4096};

	(void)state;
	assert_non_null(mem);
	assert_int_equal(vq_drv_init(&drv, 0, mem, 0, false), -EINVAL);
	assert_int_equal(vq_drv_init(&drv, 3, mem, 0, false), -EINVAL);
	assert_int_equal(vq_drv_init(&drv, 2048, mem, 0, false), -EINVAL);
	assert_int_equal(vq_drv_init(&drv, 8, mem + 1, 0, false), -EINVAL);
	assert_int_equal(vq_dev_init(&dev, 0, mem, mem + 256, mem + 512, 0, false, &l, map, NULL),
			 -EINVAL);
	assert_int_equal(vq_dev_init(&dev, 12, mem, mem + 256, mem + 512, 0, false, &l, map, NULL),
			 -EINVAL);
	assert_int_equal(
	    vq_dev_init(&dev, 8, mem + 8, mem + 256, mem + 512, 0, false, &l, map, NULL), -EINVAL);
	assert_int_equal(vq_dev_init(&dev, 8, mem, mem + 257, mem + 512, 0, false, &l, map, NULL),
			 -EINVAL);
	assert_int_equal(vq_dev_init(&dev, 8, mem, mem + 256, mem + 514, 0, false, &l, map, NULL),
			 -EINVAL);
	assert_int_equal(vq_dev_init(&dev, 8, mem, mem + 256, mem + 512, 0, false, &l, NULL, NULL),
			 -EINVAL);
	free(mem);
}

/* Many round trips through a small ring: the 16-bit indices wrap several times. */
static void wrap(bool event_idx)
{
	struct env *e = env_new(4, event_idx, 16, 1 << 20);
	struct iovec iov[4];
	struct vq_elem elem;
	uintptr_t i, j;
	uint32_t len;

	for (i = 0; i < 70000; i += 3) {
		/* Batches of 3 so ring slots and heads rotate. */
		for (j = 0; j < 3; j++) {
			struct vq_buf b[1] = {{gpa(DATA_OFF + (uint32_t)j * 64), 64}};

			assert_int_equal(
			    vq_drv_add(&e->drv, b, (j & 1), !(j & 1), (void *)(i + j + 1)), 0);
		}
		vq_drv_kick_prepare(&e->drv);
		for (j = 0; j < 3; j++) {
			assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 4), 1);
			assert_int_equal(elem.nr_read + elem.nr_write, 1);
			vq_dev_push(&e->dev, elem.head, (uint32_t)j);
		}
		assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 4), 0);
		for (j = 0; j < 3; j++) {
			assert_ptr_equal(vq_drv_get_used(&e->drv, &len), (void *)(i + j + 1));
			assert_int_equal(len, j);
		}
		assert_null(vq_drv_get_used(&e->drv, &len));
	}
	assert_int_equal(e->drv.avail_idx, (uint16_t)(i));
	assert_int_equal(vq_dev_last_avail(&e->dev), (uint16_t)i);
	assert_int_equal(e->drv.num_free, 4);
	env_free(e);
}

static void test_wraparound(void **state)
{
	(void)state;
	wrap(false);
	wrap(true);
}

/* Device resumes from a non-zero base with indices near the wrap point. */
static void test_resume_base(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	uint64_t d, a, u;
	uintptr_t i;
	uint32_t len;

	(void)state;
	/* Both sides start at 65530: set the driver's shadow and the device's base. */
	e->drv.avail_idx = e->drv.kicked_avail = e->drv.last_used = 65530;
	e->drv.avail->idx = 65530;
	e->drv.used->idx = 65530;
	vq_dev_destroy(&e->dev);
	vq_drv_ring_addrs(&e->drv, &d, &a, &u);
	assert_int_equal(vq_dev_init(&e->dev, 8, map(e, d, 1), map(e, a, 1), map(e, u, 1), 65530,
				     false, &e->limits, map, e),
			 0);
	assert_int_equal(e->dev.used_idx, 65530);
	for (i = 1; i < 20; i++) {
		add_small(e, (void *)i);
		vq_dev_push(&e->dev, pop_small(e), 0);
		assert_ptr_equal(vq_drv_get_used(&e->drv, &len), (void *)i);
	}
	assert_int_equal(vq_dev_last_avail(&e->dev), (uint16_t)(65530 + 19));
	env_free(e);
}

/* ----------------------------------------------------------- notifications */

static void test_notify_flags(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	uint16_t head;
	uint32_t len;
	int t;

	(void)state;
	vq_dev_set_notify(&e->dev, false);
	add_small(e, &t);
	assert_false(vq_drv_kick_prepare(&e->drv));
	vq_dev_set_notify(&e->dev, true);
	assert_true(vq_dev_avail_pending(&e->dev)); /* the re-check closes the race */
	add_small(e, &t);
	assert_true(vq_drv_kick_prepare(&e->drv));

	head = pop_small(e);
	vq_drv_disable_cb(&e->drv);
	assert_false(vq_dev_push(&e->dev, head, 0));
	assert_false(vq_drv_enable_cb(&e->drv)); /* one used entry pending */
	assert_non_null(vq_drv_get_used(&e->drv, &len));
	assert_true(vq_drv_enable_cb(&e->drv));
	assert_true(vq_dev_push(&e->dev, pop_small(e), 0));
	env_free(e);
}

static void test_event_idx(void **state)
{
	struct env *e = env_new(8, true, 16, 1 << 20);
	uint32_t len;
	int t;

	(void)state;
	/* avail_event starts at 0: the first add (0 -> 1) crosses it. */
	add_small(e, &t);
	assert_true(vq_drv_kick_prepare(&e->drv));
	/* The device has not popped: further adds do not cross avail_event. */
	add_small(e, &t);
	add_small(e, &t);
	assert_false(vq_drv_kick_prepare(&e->drv));
	/* Pop all three: avail_event becomes 3, the next add (3 -> 4) kicks. */
	for (int i = 0; i < 3; i++) {
		/* First push always notifies; later ones follow used_event. */
		bool n = vq_dev_push(&e->dev, pop_small(e), 0);

		if (i == 0)
			assert_true(n);
	}
	add_small(e, &t);
	assert_true(vq_drv_kick_prepare(&e->drv));

	/* Driver consumed nothing yet: used_event is 0, pushes 1..3 passed it. */
	assert_false(vq_dev_push(&e->dev, pop_small(e), 0));
	/* Driver drains with callbacks enabled: used_event follows last_used. */
	for (int i = 0; i < 4; i++)
		assert_non_null(vq_drv_get_used(&e->drv, &len));
	add_small(e, &t);
	vq_drv_kick_prepare(&e->drv);
	assert_true(vq_dev_push(&e->dev, pop_small(e), 0));
	assert_non_null(vq_drv_get_used(&e->drv, &len));

	/* Callbacks disabled: no interrupt; enabling again re-arms. */
	vq_drv_disable_cb(&e->drv);
	add_small(e, &t);
	assert_false(vq_dev_push(&e->dev, pop_small(e), 0));
	assert_false(vq_drv_enable_cb(&e->drv));
	assert_non_null(vq_drv_get_used(&e->drv, &len));
	assert_true(vq_drv_enable_cb(&e->drv));
	add_small(e, &t);
	assert_true(vq_dev_push(&e->dev, pop_small(e), 0));

	/* set_notify(true) asks for a kick on the next add after the published ones. */
	vq_dev_set_notify(&e->dev, true);
	assert_false(vq_dev_avail_pending(&e->dev));
	add_small(e, &t);
	assert_true(vq_drv_kick_prepare(&e->drv));
	env_free(e);
}

/*
 * vq_dev_arm() before sleeping, with and without EVENT_IDX: kicks asked for
 * again (a kick comes for the next add), false on a drained ring, true when
 * entries were published meanwhile (no kick comes for those). vq_dev_seen_more()
 * says whether a pop saw entries past its own.
 */
static void test_arm(void **state)
{
	(void)state;
	for (int ev = 0; ev < 2; ev++) {
		struct env *e = env_new(8, ev, 16, 1 << 20);
		struct iovec iov[2];
		struct vq_elem elem;
		int t;

		vq_dev_set_notify(&e->dev, false); /* a spinner suppressed kicks */
		assert_false(vq_dev_seen_more(&e->dev));
		add_small(e, &t);
		add_small(e, &t);
		vq_drv_kick_prepare(&e->drv);
		assert_true(vq_dev_arm(&e->dev)); /* published meanwhile: pop again */
		pop_small(e);
		assert_true(vq_dev_seen_more(&e->dev));
		pop_small(e);
		assert_false(vq_dev_seen_more(&e->dev));
		assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 2), 0);
		vq_dev_set_notify(&e->dev, false);
		assert_false(vq_dev_arm(&e->dev)); /* drained: sleep */
		add_small(e, &t);
		assert_true(vq_drv_kick_prepare(&e->drv)); /* and the next add kicks */
		assert_true(vq_dev_arm(&e->dev));
		pop_small(e);
		assert_false(vq_dev_seen_more(&e->dev));
		env_free(e);
	}
}

/*
 * A polling device (kicks suppressed) gets no kick per request, whatever the ring
 * position, and under EVENT_IDX pops leave avail_event alone (the driver reads that line
 * on every add); arming brings the kicks back.
 */
static void test_no_kicks_while_polling(void **state)
{
	(void)state;
	for (int ev = 0; ev < 2; ev++) {
		struct env *e = env_new(8, ev, 16, 1 << 20);
		uint16_t *avail_event = (uint16_t *)vq_avail_event(&e->dev);
		uint16_t event_before;
		uint32_t len;
		int t;

		vq_dev_set_notify(&e->dev, false);
		event_before = *avail_event;
		/* Several times round the ring (8 entries), one request at a time. */
		for (int i = 0; i < 300; i++) {
			add_small(e, &t);
			if (vq_drv_kick_prepare(&e->drv))
				fail_msg("event_idx %d: request %d kicked a polling device", ev, i);
			vq_dev_push(&e->dev, pop_small(e), 0);
			assert_ptr_equal(vq_drv_get_used(&e->drv, &len), &t);
			vq_dev_set_notify(&e->dev, false); /* each spin starts so */
		}
		if (ev)
			assert_int_equal(*avail_event, event_before);
		assert_false(vq_dev_arm(&e->dev)); /* drained: sleep */
		add_small(e, &t);
		assert_true(vq_drv_kick_prepare(&e->drv));
		env_free(e);
	}
}

/*
 * A driver that reuses its buffers (the userspace driver's per-queue chunk) must not store
 * into the descriptor table again: each store would take the line from the polling device.
 * With the table read-only (it fills page 0 at 256 entries), a repeated request would fault.
 * A different buffer is stored as before.
 */
static void round_trip_pair(struct env *e, const struct vq_buf *bufs, uint32_t want_len)
{
	struct iovec iov[2];
	struct vq_elem elem;
	uint32_t len;
	int t;

	assert_int_equal(vq_drv_add(&e->drv, bufs, 1, 1, &t), 0);
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 2), 1);
	assert_ptr_equal(iov[0].iov_base, e->mem + (bufs[0].addr - GPA_BASE));
	assert_int_equal(iov[0].iov_len, bufs[0].len);
	assert_int_equal(iov[1].iov_len, bufs[1].len);
	vq_dev_push(&e->dev, elem.head, want_len);
	assert_ptr_equal(vq_drv_get_used(&e->drv, &len), &t);
	assert_int_equal(len, want_len);
}

static void test_reused_descriptors_not_stored(void **state)
{
	struct env *e = env_new(256, true, 16, 1 << 20);
	struct vq_buf bufs[2] = {{gpa(DATA_OFF), 57}, {gpa(DATA_OFF + 64), 16}};

	(void)state;
	assert_int_equal(256 * sizeof(struct vring_desc), 4096); /* the table is page 0 */
	round_trip_pair(e, bufs, 16);
	assert_int_equal(mprotect(e->mem, 4096, PROT_READ), 0);
	for (int i = 0; i < 600; i++) /* round the ring, and again */
		round_trip_pair(e, bufs, 16);
	assert_int_equal(mprotect(e->mem, 4096, PROT_READ | PROT_WRITE), 0);
	bufs[0].len = 40; /* a change is stored, and seen */
	round_trip_pair(e, bufs, 8);
	assert_int_equal(le32toh(e->drv.desc[0].len), 40);
	env_free(e);
}

/* ------------------------------------------------- hand-built descriptors */

static void set_desc(struct vring_desc *d, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* Publish head on the avail ring as a driver would (bypassing vq_drv). */
static void publish(struct env *e, uint16_t head)
{
	struct vring_avail *av = e->drv.avail;

	av->ring[av->idx % e->num] = head;
	__atomic_store_n(&av->idx, (uint16_t)(av->idx + 1), __ATOMIC_RELEASE);
}

/* Pop one hand-built chain and check the result; malformed ones get pushed back. */
static int pop_one(struct env *e, struct vq_elem *elem, struct iovec *iov, unsigned cap)
{
	int r = vq_dev_pop(&e->dev, elem, iov, cap);

	if (r == -EBADMSG)
		vq_dev_push(&e->dev, elem->head, 0);
	return r;
}

static void test_indirect(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	struct vring_desc *table = (struct vring_desc *)(e->mem + DATA_OFF);
	struct iovec iov[8];
	struct vq_elem elem;

	(void)state;
	/* Indirect table of 3: two readable, one writable, linked out of order. */
	set_desc(&table[0], gpa(DATA_OFF + 4096), 100, VRING_DESC_F_NEXT, 2);
	set_desc(&table[2], gpa(DATA_OFF + 8192), 200, VRING_DESC_F_NEXT, 1);
	set_desc(&table[1], gpa(DATA_OFF + 12288), 300, VRING_DESC_F_WRITE, 0);
	set_desc(&e->drv.desc[5], gpa(DATA_OFF), 3 * 16, VRING_DESC_F_INDIRECT, 0);
	publish(e, 5);
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 8), 1);
	assert_int_equal(elem.head, 5);
	assert_int_equal(elem.nr_read, 2);
	assert_int_equal(elem.nr_write, 1);
	assert_ptr_equal(iov[1].iov_base, e->mem + DATA_OFF + 8192);
	assert_int_equal(iov[2].iov_len, 300);
	assert_int_equal(elem.read_bytes, 300);
	assert_int_equal(elem.write_bytes, 300);
	env_free(e);
}

/*
 * A long indirect chain, as a large argument of pinned guest pages makes:
 * accepted up to limits.max_segments (well above the ring size), malformed
 * one descriptor past it.
 */
static void long_indirect(unsigned n, unsigned max_segs, int expect)
{
	struct env *e = env_new(8, false, max_segs, UINT32_MAX);
	struct vring_desc *table = (struct vring_desc *)(e->mem + DATA_OFF);
	struct iovec *iov = calloc(n, sizeof(*iov));
	struct vq_elem elem;

	assert_non_null(iov);
	assert_true(DATA_OFF + 16ull * n <= MEM_SIZE);
	for (unsigned i = 0; i < n; i++) {
		bool last = i == n - 1;

		set_desc(
		    &table[i], gpa(DATA_OFF - 4096), 64,
		    (uint16_t)((last ? VRING_DESC_F_WRITE : 0) | (last ? 0 : VRING_DESC_F_NEXT)),
		    (uint16_t)((i + 1) & 0xffff));
	}
	/* next is 16 bits: a table longer than 65536 cannot be linked, stay below. */
	set_desc(&e->drv.desc[3], gpa(DATA_OFF), 16 * n, VRING_DESC_F_INDIRECT, 0);
	publish(e, 3);
	assert_int_equal(pop_one(e, &elem, iov, n), expect);
	if (expect == 1) {
		assert_int_equal(elem.nr_read, n - 1);
		assert_int_equal(elem.nr_write, 1);
		assert_int_equal(elem.read_bytes, 64ull * (n - 1));
	}
	free(iov);
	env_free(e);
}

static void test_long_indirect_chain(void **state)
{
	(void)state;
	long_indirect(40000, 40000, 1);	       /* ten times the old 4096 cap */
	long_indirect(40000, 39999, -EBADMSG); /* one past the advertised limit */
}

static void test_zero_length(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	struct iovec iov[8];
	struct vq_elem elem;

	(void)state;
	/* Zero-length descriptors are accepted and take no iov slot. */
	set_desc(&e->drv.desc[0], gpa(DATA_OFF), 10, VRING_DESC_F_NEXT, 1);
	set_desc(&e->drv.desc[1], 0xdead0000, 0, VRING_DESC_F_NEXT, 2);
	set_desc(&e->drv.desc[2], gpa(DATA_OFF), 10, VRING_DESC_F_WRITE, 0);
	publish(e, 0);
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 8), 1);
	assert_int_equal(elem.nr_read, 1);
	assert_int_equal(elem.nr_write, 1);
	env_free(e);
}

/*
 * Translation through runs (vq_dev_set_window): two runs, the second at gpa
 * WIN_B_GPA but at host offset WIN_B_OFF (not linear with the first). Every
 * buffer gets what map2() gives; a remembered run saves the calls; a run
 * that does not hold the address (a lying window function) is ignored.
 */
#define WIN_A_SIZE (512u * 1024)
#define WIN_B_GPA 0x900000ull
#define WIN_B_OFF (640u * 1024)
#define WIN_B_SIZE (64u * 1024)

struct win_env {
	struct env *e;
	unsigned window_calls, map_calls;
	bool lie; /* window2 answers a run that does not hold addr */
};

static struct win_env *win_env; /* the callbacks' opaque is the env: one test at a time */

static void *map2(void *opaque, uint64_t addr, uint64_t len)
{
	struct env *e = opaque;

	win_env->map_calls++;
	if (addr >= GPA_BASE && addr - GPA_BASE < WIN_A_SIZE &&
	    len <= WIN_A_SIZE - (addr - GPA_BASE))
		return e->mem + (addr - GPA_BASE);
	if (addr >= WIN_B_GPA && addr - WIN_B_GPA < WIN_B_SIZE &&
	    len <= WIN_B_SIZE - (addr - WIN_B_GPA))
		return e->mem + WIN_B_OFF + (addr - WIN_B_GPA);
	return NULL;
}

static bool window2(void *opaque, uint64_t addr, struct vq_window *w)
{
	struct env *e = opaque;

	win_env->window_calls++;
	if (win_env->lie) {
		*w = (struct vq_window){addr + 4096, WIN_A_SIZE, e->mem};
		return true;
	}
	if (addr >= GPA_BASE && addr - GPA_BASE < WIN_A_SIZE) {
		*w = (struct vq_window){GPA_BASE, WIN_A_SIZE, e->mem};
		return true;
	}
	if (addr >= WIN_B_GPA && addr - WIN_B_GPA < WIN_B_SIZE) {
		*w = (struct vq_window){WIN_B_GPA, WIN_B_SIZE, e->mem + WIN_B_OFF};
		return true;
	}
	return false;
}

/* One single-buffer readable chain at (addr, len): vq_dev_pop's result, *p its iov_base. */
static int pop_at(struct env *e, uint64_t addr, uint32_t len, void **p)
{
	struct iovec iov[2] = {{NULL, 0}, {NULL, 0}};
	struct vq_elem elem;
	int r;

	set_desc(&e->drv.desc[0], addr, len, 0, 0);
	publish(e, 0);
	r = pop_one(e, &elem, iov, 2);
	*p = iov[0].iov_base;
	return r;
}

static void window_case(struct win_env *w, uint64_t addr, uint32_t len)
{
	void *got = NULL, *want = map2(w->e, addr, len);
	int r = pop_at(w->e, addr, len, &got);

	if (want) {
		assert_int_equal(r, 1);
		assert_ptr_equal(got, want);
	} else {
		assert_int_equal(r, -EBADMSG);
	}
}

static void test_window(void **state)
{
	struct win_env w = {0};
	uint64_t cases[][2] = {
	    {GPA_BASE + DATA_OFF, 64},		/* inside A */
	    {GPA_BASE + DATA_OFF + 4096, 64},	/* A again: remembered */
	    {GPA_BASE + WIN_A_SIZE - 1, 1},	/* A's last byte */
	    {GPA_BASE + WIN_A_SIZE - 1, 2},	/* past A's end */
	    {GPA_BASE - 1, 1},			/* below A */
	    {WIN_B_GPA, 64},			/* B, at its own host place */
	    {WIN_B_GPA + WIN_B_SIZE - 64, 64},	/* B's end */
	    {WIN_B_GPA + WIN_B_SIZE - 64, 65},	/* past B's end */
	    {WIN_B_GPA - 8, 16},		/* into B from below */
	    {GPA_BASE + WIN_A_SIZE + 4096, 16}, /* in no run */
	    {GPA_BASE + 8192, UINT32_MAX},	/* longer than any run */
	    {GPA_BASE + DATA_OFF, 64},		/* back to A */
	};
	unsigned calls;

	(void)state;
	win_env = &w;
	w.e = env_new(8, false, 16, UINT32_MAX);
	assert_int_equal(vq_dev_init(&w.e->dev, 8, w.e->dev.desc, w.e->dev.avail, w.e->dev.used, 0,
				     false, &w.e->limits, map2, w.e),
			 0);
	vq_dev_set_window(&w.e->dev, window2);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		window_case(&w, cases[i][0], (uint32_t)cases[i][1]);
	/* Buffers inside the remembered run call nothing. */
	window_case(&w, GPA_BASE + DATA_OFF, 64);
	calls = w.window_calls;
	for (unsigned i = 0; i < 16; i++) {
		void *got;

		assert_int_equal(pop_at(w.e, GPA_BASE + DATA_OFF + 64 * i, 64, &got), 1);
		assert_ptr_equal(got, w.e->mem + DATA_OFF + 64 * i);
	}
	assert_int_equal(w.window_calls, calls);
	/* A lying window function: its run is not remembered, map2 decides. */
	vq_dev_set_window(&w.e->dev, window2);
	w.lie = true;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		window_case(&w, cases[i][0], (uint32_t)cases[i][1]);
	env_free(w.e);
	win_env = NULL;
}

/* Every malformed chain: -EBADMSG, head valid, the ring keeps working. */
static void test_malformed_chains(void **state)
{
	struct env *e = env_new(8, false, 4, 1000);
	struct vring_desc *d = e->drv.desc;
	struct vring_desc *table = (struct vring_desc *)(e->mem + DATA_OFF);
	struct iovec iov[8];
	struct vq_elem elem;
	uint32_t len;
	unsigned cases = 0;

	(void)state;
#define BAD(setup, hd, cap)                                                                        \
	do {                                                                                       \
		memset(d, 0, 8 * sizeof(*d));                                                      \
		setup;                                                                             \
		publish(e, hd);                                                                    \
		assert_int_equal(pop_one(e, &elem, iov, cap), -EBADMSG);                           \
		assert_int_equal(elem.head, hd);                                                   \
		assert_int_equal(elem.nr_read + elem.nr_write, 0);                                 \
		assert_false(e->dev.broken);                                                       \
		cases++;                                                                           \
	} while (0)

	/* address outside guest memory */
	BAD(set_desc(&d[0], 0x10, 10, 0, 0), 0, 8);
	/* range running off the end of memory */
	BAD(set_desc(&d[1], gpa(MEM_SIZE - 4), 10, 0, 0), 1, 8);
	/* loop 0 -> 1 -> 0 */
	BAD((set_desc(&d[0], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 0)),
	    0, 8);
	/* self loop with zero-length descriptors (no segment limit help) */
	BAD(set_desc(&d[3], gpa(DATA_OFF), 0, VRING_DESC_F_NEXT, 3), 3, 8);
	/* chain longer than max_segments (4) */
	BAD((set_desc(&d[0], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 2),
	     set_desc(&d[2], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 3),
	     set_desc(&d[3], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 4),
	     set_desc(&d[4], gpa(DATA_OFF), 1, 0, 0)),
	    0, 8);
	/* more bytes than max_bytes (1000) */
	BAD((set_desc(&d[0], gpa(DATA_OFF), 600, VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 401, VRING_DESC_F_WRITE, 0)),
	    0, 8);
	/* 32-bit lengths that would overflow a narrower sum */
	BAD((set_desc(&d[0], gpa(DATA_OFF), 0xffffffffu, VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 0xffffffffu, 0, 0)),
	    0, 8);
	/* writable before readable */
	BAD((set_desc(&d[0], gpa(DATA_OFF), 1, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 1, 0, 0)),
	    0, 8);
	/* next out of range */
	BAD(set_desc(&d[0], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 8), 0, 8);
	/* more segments than the caller's iov */
	BAD((set_desc(&d[0], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 1, 0, 0)),
	    0, 1);
	/* indirect: nested */
	BAD((set_desc(&table[0], gpa(DATA_OFF), 16, VRING_DESC_F_INDIRECT, 0),
	     set_desc(&d[0], gpa(DATA_OFF), 32, VRING_DESC_F_INDIRECT, 0)),
	    0, 8);
	/* indirect: length not a multiple of 16, zero, too long for max_segments */
	BAD(set_desc(&d[0], gpa(DATA_OFF), 17, VRING_DESC_F_INDIRECT, 0), 0, 8);
	BAD(set_desc(&d[0], gpa(DATA_OFF), 0, VRING_DESC_F_INDIRECT, 0), 0, 8);
	BAD(set_desc(&d[0], gpa(DATA_OFF), 5 * 16, VRING_DESC_F_INDIRECT, 0), 0, 8);
	/* indirect: table outside memory */
	BAD(set_desc(&d[0], 0x20, 32, VRING_DESC_F_INDIRECT, 0), 0, 8);
	/* indirect with NEXT */
	BAD((set_desc(&table[0], gpa(DATA_OFF + 4096), 1, 0, 0),
	     set_desc(&d[0], gpa(DATA_OFF), 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 1, 0, 0)),
	    0, 8);
	/* indirect after a direct descriptor */
	BAD((set_desc(&table[0], gpa(DATA_OFF + 4096), 1, 0, 0),
	     set_desc(&d[0], gpa(DATA_OFF), 1, VRING_DESC_F_NEXT, 1),
	     set_desc(&d[1], gpa(DATA_OFF), 16, VRING_DESC_F_INDIRECT, 0)),
	    0, 8);
	/* indirect: loop inside the table */
	BAD((set_desc(&table[0], gpa(DATA_OFF + 4096), 0, VRING_DESC_F_NEXT, 1),
	     set_desc(&table[1], gpa(DATA_OFF + 4096), 0, VRING_DESC_F_NEXT, 0),
	     set_desc(&d[0], gpa(DATA_OFF), 32, VRING_DESC_F_INDIRECT, 0)),
	    0, 8);
	/* indirect: next beyond the table */
	BAD((set_desc(&table[0], gpa(DATA_OFF + 4096), 1, VRING_DESC_F_NEXT, 2),
	     set_desc(&table[1], gpa(DATA_OFF + 4096), 1, 0, 0),
	     set_desc(&d[0], gpa(DATA_OFF), 32, VRING_DESC_F_INDIRECT, 0)),
	    0, 8);
	/* indirect: writable before readable */
	BAD((set_desc(&table[0], gpa(DATA_OFF + 4096), 1, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
		      1),
	     set_desc(&table[1], gpa(DATA_OFF + 4096), 1, 0, 0),
	     set_desc(&d[0], gpa(DATA_OFF), 32, VRING_DESC_F_INDIRECT, 0)),
	    0, 8);
#undef BAD
	assert_int_equal(cases, 20);
	/* Every bad chain was completed with 0 bytes; the ring still works. */
	assert_int_equal(e->dev.used_idx, cases);
	memset(d, 0, 8 * sizeof(*d));
	set_desc(&d[0], gpa(DATA_OFF), 8, 0, 0);
	publish(e, 0);
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 8), 1);
	(void)len;
	env_free(e);
}

/*
 * The chain rules of vq.h, walked plainly over the descriptors in memory (direct
 * chains only): vq_dev_pop()'s result, elem and iov, and how often map() is called.
 */
struct model {
	int ret;
	struct vq_elem elem;
	struct iovec iov[4];
	unsigned maps;
};

static void model_pop(struct env *e, uint16_t head, unsigned cap, struct model *m)
{
	const struct vring_desc *desc = e->drv.desc;
	unsigned walked = 0, niov = 0;
	uint64_t bytes = 0;
	bool writing = false;
	uint16_t i = head;

	memset(m, 0, sizeof(*m));
	m->elem.head = head;
	for (;;) {
		const struct vring_desc d = desc[i];
		bool wr = d.flags & VRING_DESC_F_WRITE;
		void *p;

		assert_false(d.flags & VRING_DESC_F_INDIRECT && walked == 0); /* not modelled */
		if (++walked > e->num || walked > e->limits.max_segments ||
		    d.flags & VRING_DESC_F_INDIRECT || (writing && !wr) ||
		    d.len > e->limits.max_bytes - bytes)
			goto bad;
		writing = wr;
		bytes += d.len;
		if (d.len) {
			if (niov >= cap)
				goto bad;
			m->maps++;
			if (!(p = map(&(struct env){0}, d.addr, d.len)))
				goto bad;
			p = e->mem + (d.addr - GPA_BASE);
			m->iov[niov++] = (struct iovec){p, d.len};
			if (wr) {
				m->elem.nr_write++;
				m->elem.write_bytes += d.len;
			} else {
				m->elem.nr_read++;
				m->elem.read_bytes += d.len;
			}
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= e->num)
			goto bad;
		i = d.next;
	}
	m->ret = 1;
	return;
bad:
	memset(m, 0, offsetof(struct model, maps));
	m->elem.head = head;
	m->ret = -EBADMSG;
}

/* One chain: d0 at the head (0), linked to d1 (1), linked to a writable d2 (2) on rings of 8. */
struct pair {
	uint64_t addr[2];
	uint32_t len[2];
	uint16_t flags[2], next0;
	unsigned cap;
};

/* vq_dev_pop() of p against the model; returns whether the pop took one readable and one
 * writable buffer and nothing more. */
static bool pair_case(struct env *e, const struct pair *p)
{
	struct vring_desc *d = e->drv.desc;
	struct iovec iov[4];
	struct vq_elem elem;
	struct model m;
	unsigned maps;
	int r;

	memset(d, 0, e->num * sizeof(*d));
	set_desc(&d[0], p->addr[0], p->len[0], p->flags[0], p->next0);
	set_desc(&d[1], p->addr[1], p->len[1], p->flags[1], e->num > 2 ? 2 : 1);
	if (e->num > 2)
		set_desc(&d[2], gpa(DATA_OFF + 2000), 30, VRING_DESC_F_WRITE, 0);
	model_pop(e, 0, p->cap, &m);
	publish(e, 0);
	memset(iov, 0, sizeof(iov));
	maps = e->map_calls;
	r = pop_one(e, &elem, iov, p->cap);
	assert_int_equal(r, m.ret);
	assert_int_equal(e->map_calls - maps, m.maps);
	assert_int_equal(elem.head, 0);
	assert_int_equal(elem.nr_read, m.elem.nr_read);
	assert_int_equal(elem.nr_write, m.elem.nr_write);
	assert_int_equal(elem.read_bytes, m.elem.read_bytes);
	assert_int_equal(elem.write_bytes, m.elem.write_bytes);
	if (r != 1)
		return false;
	assert_ptr_equal(elem.iov, iov);
	for (unsigned k = 0; k < elem.nr_read + elem.nr_write; k++) {
		assert_ptr_equal(iov[k].iov_base, m.iov[k].iov_base);
		assert_int_equal(iov[k].iov_len, m.iov[k].iov_len);
	}
	return elem.nr_read == 1 && elem.nr_write == 1 && !(d[1].flags & VRING_DESC_F_NEXT);
}

/*
 * Every chain of up to three descriptors the pop's two-buffer case could take
 * for its own (one readable, one writable) and every near miss: flags (unknown
 * bits too), lengths, addresses, links, limits (ring size, segments, bytes) and
 * iov room. vq_dev_pop() gives what the plain rules give, map() called as often.
 */
static void test_pair_model(void **state)
{
	static const uint16_t f0s[] = {0, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE,
				       VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
				       0x10 | VRING_DESC_F_NEXT};
	static const uint16_t f1s[] = {0,
				       VRING_DESC_F_WRITE,
				       VRING_DESC_F_NEXT,
				       VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
				       VRING_DESC_F_INDIRECT,
				       VRING_DESC_F_WRITE | VRING_DESC_F_INDIRECT,
				       VRING_DESC_F_WRITE | 0x8000};
	static const uint32_t lens[] = {0, 10, 600};
	static const uint64_t addrs[] = {GPA_BASE + DATA_OFF, 0x10};
	static const uint16_t nums[] = {2, 8};
	static const unsigned segs[] = {1, 2, 16};
	static const uint64_t maxb[] = {1 << 20, 700};
	unsigned cases = 0, pairs = 0;

	(void)state;
	for (unsigned env = 0; env < 2 * 3 * 2; env++) {
		struct env *e = env_new(nums[env % 2], false, segs[env / 2 % 3], maxb[env / 6]);

		for (unsigned k = 0; k < 5 * 3 * 2 * 3 * 7 * 3 * 2 * 3; k++) {
			unsigned x = k, n0;
			struct pair p;

			p.flags[0] = f0s[x % 5], x /= 5;
			p.len[0] = lens[x % 3], x /= 3;
			p.addr[0] = addrs[x % 2], x /= 2;
			n0 = x % 3, x /= 3;
			p.flags[1] = f1s[x % 7], x /= 7;
			p.len[1] = lens[x % 3], x /= 3;
			p.addr[1] = addrs[x % 2] + 1000, x /= 2;
			p.cap = 1 + x % 3;
			/* To d1, to the head itself (a loop), past the ring. */
			p.next0 = n0 == 0 ? 1 : n0 == 1 ? 0 : e->num;
			pairs += pair_case(e, &p);
			cases++;
		}
		env_free(e);
	}
	assert_int_equal(cases, 12 * 5 * 3 * 2 * 3 * 7 * 3 * 2 * 3);
	assert_true(pairs > 0);
}

static void test_avail_jump(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	struct iovec iov[2];
	struct vq_elem elem;

	(void)state;
	e->drv.avail->idx = 9; /* 9 entries on a ring of 8 */
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 2), -EPROTO);
	assert_true(e->dev.broken);
	e->drv.avail->idx = 1;
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 2), -EPROTO); /* stays broken */
	assert_false(vq_dev_avail_pending(&e->dev));
	env_free(e);

	/* Exactly num ahead is legal. */
	e = env_new(8, false, 16, 1 << 20);
	for (int i = 0; i < 8; i++)
		set_desc(&e->drv.desc[i], gpa(DATA_OFF), 1, 0, 0);
	for (int i = 0; i < 8; i++)
		publish(e, (uint16_t)i);
	for (int i = 0; i < 8; i++)
		assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 2), 1);
	env_free(e);
}

static void test_head_out_of_range(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	struct iovec iov[2];
	struct vq_elem elem;

	(void)state;
	publish(e, 8);
	assert_int_equal(vq_dev_pop(&e->dev, &elem, iov, 2), -EPROTO);
	assert_true(e->dev.broken);
	env_free(e);
}

/* A device returning heads we never gave it: ignored by the driver. */
static void test_bogus_used(void **state)
{
	struct env *e = env_new(8, false, 16, 1 << 20);
	uint32_t len;
	int t;

	(void)state;
	add_small(e, &t);
	vq_dev_push(&e->dev, 77, 1); /* out of range */
	vq_dev_push(&e->dev, 3, 1);  /* in range, never added */
	vq_dev_push(&e->dev, 0, 5);
	assert_ptr_equal(vq_drv_get_used(&e->drv, &len), &t);
	assert_int_equal(len, 5);
	vq_dev_push(&e->dev, 0, 5); /* completed twice */
	assert_null(vq_drv_get_used(&e->drv, &len));
	assert_int_equal(e->drv.num_free, 8);
	env_free(e);
}

/* ------------------------------------------------------------ concurrency */

#define CONC_N 200000u

struct conc {
	struct env *e;
	volatile bool stop;
};

static void *device_thread(void *arg)
{
	struct conc *c = arg;
	struct iovec iov[4];
	struct vq_elem elem;
	unsigned done = 0;

	while (done < CONC_N) {
		int r = vq_dev_pop(&c->e->dev, &elem, iov, 4);

		if (r == 0)
			continue;
		if (r != 1)
			return (void *)1;
		/* Echo the request word into the response buffer. */
		uint32_t v;

		memcpy(&v, iov[0].iov_base, 4);
		v ^= 0x5a5a5a5a;
		memcpy(iov[1].iov_base, &v, 4);
		vq_dev_push(&c->e->dev, elem.head, 4);
		done++;
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	struct conc c = {.e = env_new(16, true, 4, 1 << 20)};
	uintptr_t sent = 0, recvd = 0;
	pthread_t th;
	void *ret;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, device_thread, &c), 0);
	while (recvd < CONC_N) {
		uint32_t len;
		void *tok;

		if (sent < CONC_N && c.e->drv.num_free >= 2) {
			uint32_t slot = (uint32_t)(sent % 16), v = (uint32_t)sent;
			struct vq_buf b[2] = {{gpa(DATA_OFF + slot * 8), 4},
					      {gpa(DATA_OFF + slot * 8 + 4), 4}};

			memcpy(c.e->mem + DATA_OFF + slot * 8, &v, 4);
			assert_int_equal(vq_drv_add(&c.e->drv, b, 1, 1, (void *)(sent + 1)), 0);
			vq_drv_kick_prepare(&c.e->drv);
			sent++;
		}
		while ((tok = vq_drv_get_used(&c.e->drv, &len))) {
			uintptr_t id = (uintptr_t)tok - 1;
			uint32_t v;

			assert_int_equal(id, recvd); /* in order: one device thread */
			assert_int_equal(len, 4);
			memcpy(&v, c.e->mem + DATA_OFF + (id % 16) * 8 + 4, 4);
			assert_int_equal(v, (uint32_t)id ^ 0x5a5a5a5a);
			recvd++;
		}
	}
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_null(ret);
	env_free(c.e);
}

VT_MAIN(NULL, NULL, test_roundtrip, test_full_and_invalid, test_init_invalid, test_wraparound,
	test_resume_base, test_notify_flags, test_event_idx, test_indirect, test_zero_length,
	test_malformed_chains, test_avail_jump, test_head_out_of_range, test_bogus_used,
	test_concurrent, test_long_indirect_chain, test_window, test_pair_model, test_arm,
	test_no_kicks_while_polling, test_reused_descriptors_not_stored)
