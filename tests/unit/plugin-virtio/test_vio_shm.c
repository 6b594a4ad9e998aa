/* SPDX-License-Identifier: Apache-2.0 */
/* The bounce-buffer allocator: alignment, reuse, coalescing, limits, threads. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vio_shm.h"
#include "vt_main.h"

#define MB (1ull << 20)

static void test_basic(void **state)
{
	struct vio_shm s;
	uint64_t a, b, c, heap;

	(void)state;
	assert_int_equal(vio_shm_init(&s, 4 * MB), 0);
	assert_int_equal(vio_shm_reserve(&s, 5000), 0);
	assert_int_equal(s.heap_off, 8192); /* rings rounded to a page */
	heap = vio_shm_free_bytes(&s);
	assert_true(heap == 4 * MB - 8192);
	assert_int_equal(vio_shm_alloc(&s, 100, &a), 0);
	assert_int_equal(vio_shm_alloc(&s, 1, &b), 0);
	assert_int_equal(a % 64, 0);
	assert_int_equal(b % 64, 0);
	assert_true(b >= a + 100);
	assert_true(a >= 8192);
	/* The memory is really shared and writable where the device sees it. */
	memset(s.base + a, 0xab, 100);
	assert_int_equal(vio_shm_alloc(&s, 4 * MB, &c), -E2BIG);
	vio_shm_free(&s, a, 100);
	vio_shm_free(&s, b, 1);
	assert_true(vio_shm_free_bytes(&s) == heap);
	/* Everything coalesced: the whole heap fits again. */
	assert_int_equal(vio_shm_alloc(&s, heap, &c), 0);
	assert_true(c == 8192);
	vio_shm_free(&s, c, heap);
	vio_shm_destroy(&s);
}

static void test_fragmentation(void **state)
{
	struct vio_shm s;
	uint64_t off[16], big;

	(void)state;
	assert_int_equal(vio_shm_init(&s, 1 * MB), 0);
	assert_int_equal(vio_shm_reserve(&s, 4096), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(vio_shm_alloc(&s, 4096, &off[i]), 0);
	/* Free every other block, then the rest in reverse: all coalesce. */
	for (int i = 0; i < 16; i += 2)
		vio_shm_free(&s, off[i], 4096);
	for (int i = 15; i > 0; i -= 2)
		vio_shm_free(&s, off[i], 4096);
	assert_int_equal(s.nr_free, 1);
	assert_int_equal(vio_shm_alloc(&s, 1 * MB - 4096, &big), 0);
	vio_shm_free(&s, big, 1 * MB - 4096);
	vio_shm_destroy(&s);
}

struct waiter {
	struct vio_shm *s;
	uint64_t len;
	int ret;
};

static void *alloc_thread(void *p)
{
	struct waiter *w = p;
	uint64_t off;

	w->ret = vio_shm_alloc(w->s, w->len, &off);
	if (!w->ret)
		vio_shm_free(w->s, off, w->len);
	return NULL;
}

static void test_wait_and_cancel(void **state)
{
	struct vio_shm s;
	uint64_t all, heap;
	pthread_t t;
	struct waiter w;

	(void)state;
	assert_int_equal(vio_shm_init(&s, 1 * MB), 0);
	assert_int_equal(vio_shm_reserve(&s, 4096), 0);
	heap = vio_shm_free_bytes(&s);
	assert_int_equal(vio_shm_alloc(&s, heap, &all), 0);
	/* A waiter blocks while the heap is busy and proceeds once freed. */
	w = (struct waiter){.s = &s, .len = 1000, .ret = -1};
	pthread_create(&t, NULL, alloc_thread, &w);
	usleep(50000);
	assert_int_equal(w.ret, -1);
	vio_shm_free(&s, all, heap);
	pthread_join(t, NULL);
	assert_int_equal(w.ret, 0);
	/* Cancel fails a waiter instead of leaving it blocked. */
	assert_int_equal(vio_shm_alloc(&s, heap, &all), 0);
	w = (struct waiter){.s = &s, .len = 1000, .ret = -1};
	pthread_create(&t, NULL, alloc_thread, &w);
	usleep(50000);
	vio_shm_cancel(&s);
	pthread_join(t, NULL);
	assert_int_equal(w.ret, -ECANCELED);
	vio_shm_destroy(&s);
}

static void *churn(void *p)
{
	struct vio_shm *s = p;
	unsigned seed = (unsigned)(uintptr_t)pthread_self();

	for (int i = 0; i < 20000; i++) {
		uint64_t len = 1 + (uint64_t)(rand_r(&seed) % 20000), off;

		if (vio_shm_alloc(s, len, &off))
			return (void *)1;
		/* Our block is ours alone: write and check a pattern. */
		memset(s->base + off, (int)(i & 0xff), len);
		for (uint64_t j = 0; j < len; j += 997)
			if (s->base[off + j] != (uint8_t)(i & 0xff))
				return (void *)1;
		vio_shm_free(s, off, len);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct vio_shm s;
	pthread_t t[4];
	uint64_t heap;
	void *r;

	(void)state;
	assert_int_equal(vio_shm_init(&s, 1 * MB), 0);
	assert_int_equal(vio_shm_reserve(&s, 4096), 0);
	heap = vio_shm_free_bytes(&s);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, &s);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		assert_null(r);
	}
	assert_true(vio_shm_free_bytes(&s) == heap);
	assert_int_equal(s.nr_free, 1);
	vio_shm_destroy(&s);
}

static void test_bad_sizes(void **state)
{
	struct vio_shm s;

	(void)state;
	assert_int_equal(vio_shm_init(&s, 0), -EINVAL);
	assert_int_equal(vio_shm_init(&s, 1000), -EINVAL);
	assert_int_equal(vio_shm_init(&s, 8192), 0);
	assert_int_equal(vio_shm_reserve(&s, 8192), -ENOSPC);
	vio_shm_destroy(&s);
}

VT_MAIN(NULL, NULL, test_basic, test_fragmentation, test_wait_and_cancel, test_threads,
	test_bad_sizes)
