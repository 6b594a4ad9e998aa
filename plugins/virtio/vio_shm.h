/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_shm: the userspace driver's shared memory, one memfd mapped MAP_SHARED.
 * The device sees it at addresses 0 .. size-1 (its "guest physical"
 * addresses are our offsets). A prefix holds the rings; the rest is a heap
 * of bounce buffers handed out by a first-fit, thread-safe allocator.
 * Pages are only backed when touched, so a large size costs nothing up front.
 */
#ifndef VIO_SHM_H
#define VIO_SHM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vio_extent {
	uint64_t off;
	uint64_t len;
};

struct vio_shm {
	int fd;
	uint8_t *base;
	uint64_t size;
	uint64_t heap_off; /* heap = [heap_off, size) */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	bool cancelled;		 /* waiters give up (the connection broke) */
	struct vio_extent *free; /* free extents sorted by offset, coalesced */
	size_t nr_free, cap_free;
};

/* Create the memfd of `size` bytes (a multiple of the page size). */
int vio_shm_init(struct vio_shm *shm, uint64_t size);
void vio_shm_destroy(struct vio_shm *shm);

/* Reserve the first `len` bytes (rounded up to a page) for rings; the rest
 * becomes the heap. Call once, before any alloc. */
int vio_shm_reserve(struct vio_shm *shm, uint64_t len);

/*
 * Allocate len bytes (64-byte aligned offset). Waits while the heap is
 * busy but could hold the request. Returns 0 with *off set, -E2BIG if the
 * heap can never hold len, -ECANCELED after vio_shm_cancel().
 */
int vio_shm_alloc(struct vio_shm *shm, uint64_t len, uint64_t *off);
/* As vio_shm_alloc, but -EAGAIN instead of waiting for space. */
int vio_shm_try_alloc(struct vio_shm *shm, uint64_t len, uint64_t *off);
void vio_shm_free(struct vio_shm *shm, uint64_t off, uint64_t len);

/* Wake every waiter and fail further waits. */
void vio_shm_cancel(struct vio_shm *shm);

/* Heap bytes currently free (for tests). */
uint64_t vio_shm_free_bytes(struct vio_shm *shm);

#endif /* VIO_SHM_H */
