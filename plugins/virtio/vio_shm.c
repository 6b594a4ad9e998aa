/* SPDX-License-Identifier: Apache-2.0 */
/* vio_shm: memfd region and its bounce-buffer allocator. */
#include "vio_shm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define VIO_SHM_ALIGN 64u
#define VIO_PAGE 4096u

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int vio_shm_init(struct vio_shm *shm, uint64_t size)
{
	int ret;

	memset(shm, 0, sizeof(*shm));
	shm->fd = -1;
	if (!size || size % VIO_PAGE)
		return -EINVAL;
	shm->fd = memfd_create("vaccel-virtio", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (shm->fd < 0)
		return -errno;
	/*
	 * Sealed at its size, as QEMU's memory-backend-memfd: a daemon that maps
	 * it can rely on the size (a shrunk file would SIGBUS it) and may refuse
	 * an unsealed memfd.
	 */
	if (ftruncate(shm->fd, (off_t)size) < 0 ||
	    fcntl(shm->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		ret = -errno;
		goto err_close;
	}
	shm->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, shm->fd, 0);
	if (shm->base == MAP_FAILED) {
		ret = -errno;
		goto err_close;
	}
	shm->size = size;
	pthread_mutex_init(&shm->lock, NULL);
	pthread_cond_init(&shm->freed, NULL);
	return 0;

err_close:
	close(shm->fd);
	shm->fd = -1;
	shm->base = NULL;
	return ret;
}

void vio_shm_destroy(struct vio_shm *shm)
{
	if (!shm->base)
		return;
	munmap(shm->base, shm->size);
	close(shm->fd);
	free(shm->free);
	pthread_cond_destroy(&shm->freed);
	pthread_mutex_destroy(&shm->lock);
	memset(shm, 0, sizeof(*shm));
	shm->fd = -1;
}

int vio_shm_reserve(struct vio_shm *shm, uint64_t len)
{
	len = round_up(len, VIO_PAGE);
	if (len >= shm->size)
		return -ENOSPC;
	shm->heap_off = len;
	shm->cap_free = 16;
	shm->free = calloc(shm->cap_free, sizeof(*shm->free));
	if (!shm->free)
		return -ENOMEM;
	shm->free[0] = (struct vio_extent){.off = len, .len = shm->size - len};
	shm->nr_free = 1;
	return 0;
}

/* First fit; caller holds the lock. */
static bool try_alloc(struct vio_shm *shm, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < shm->nr_free; i++) {
		struct vio_extent *e = &shm->free[i];

		if (e->len < len)
			continue;
		*off = e->off;
		e->off += len;
		e->len -= len;
		if (!e->len) {
			memmove(e, e + 1, (shm->nr_free - i - 1) * sizeof(*e));
			shm->nr_free--;
		}
		return true;
	}
	return false;
}

static int shm_alloc(struct vio_shm *shm, uint64_t len, uint64_t *off, bool wait)
{
	int ret = 0;

	if (!len)
		len = VIO_SHM_ALIGN;
	if (len > UINT64_MAX - VIO_SHM_ALIGN)
		return -E2BIG;
	len = round_up(len, VIO_SHM_ALIGN);
	if (len > shm->size - shm->heap_off)
		return -E2BIG;
	pthread_mutex_lock(&shm->lock);
	while (!try_alloc(shm, len, off)) {
		/* Fragmented or busy: in-flight requests free their space when
		 * they complete (or the connection breaks and cancels us). */
		if (shm->cancelled) {
			ret = -ECANCELED;
			break;
		}
		if (!wait) {
			ret = -EAGAIN;
			break;
		}
		pthread_cond_wait(&shm->freed, &shm->lock);
	}
	pthread_mutex_unlock(&shm->lock);
	return ret;
}

int vio_shm_alloc(struct vio_shm *shm, uint64_t len, uint64_t *off)
{
	return shm_alloc(shm, len, off, true);
}

int vio_shm_try_alloc(struct vio_shm *shm, uint64_t len, uint64_t *off)
{
	return shm_alloc(shm, len, off, false);
}

void vio_shm_free(struct vio_shm *shm, uint64_t off, uint64_t len)
{
	size_t lo = 0, hi;

	if (!len)
		len = VIO_SHM_ALIGN;
	len = round_up(len, VIO_SHM_ALIGN);
	pthread_mutex_lock(&shm->lock);
	hi = shm->nr_free;
	/* First extent after off. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (shm->free[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	bool merge_prev = lo > 0 && shm->free[lo - 1].off + shm->free[lo - 1].len == off;
	bool merge_next = lo < shm->nr_free && off + len == shm->free[lo].off;

	if (merge_prev && merge_next) {
		shm->free[lo - 1].len += len + shm->free[lo].len;
		memmove(&shm->free[lo], &shm->free[lo + 1],
			(shm->nr_free - lo - 1) * sizeof(*shm->free));
		shm->nr_free--;
	} else if (merge_prev) {
		shm->free[lo - 1].len += len;
	} else if (merge_next) {
		shm->free[lo].off = off;
		shm->free[lo].len += len;
	} else {
		if (shm->nr_free == shm->cap_free) {
			size_t cap = shm->cap_free * 2;
			struct vio_extent *n = realloc(shm->free, cap * sizeof(*n));

			/* Out of memory: leak the range rather than corrupt the
			 * list; the heap is dropped whole with the connection. */
			if (!n)
				goto out;
			shm->free = n;
			shm->cap_free = cap;
		}
		memmove(&shm->free[lo + 1], &shm->free[lo],
			(shm->nr_free - lo) * sizeof(*shm->free));
		shm->free[lo] = (struct vio_extent){.off = off, .len = len};
		shm->nr_free++;
	}
out:
	pthread_cond_broadcast(&shm->freed);
	pthread_mutex_unlock(&shm->lock);
}

void vio_shm_cancel(struct vio_shm *shm)
{
	pthread_mutex_lock(&shm->lock);
	shm->cancelled = true;
	pthread_cond_broadcast(&shm->freed);
	pthread_mutex_unlock(&shm->lock);
}

uint64_t vio_shm_free_bytes(struct vio_shm *shm)
{
	uint64_t n = 0;

	pthread_mutex_lock(&shm->lock);
	for (size_t i = 0; i < shm->nr_free; i++)
		n += shm->free[i].len;
	pthread_mutex_unlock(&shm->lock);
	return n;
}
