/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The backend's copy of the frontend's memory table: one MAP_SHARED mapping
 * per region, translation of guest-physical and frontend-virtual addresses
 * into ours, and the SIGBUS guard over every mapping.
 *
 * Why a guard: a shared file mapping faults (SIGBUS) where the file no
 * longer has a page to give, and the frontend decides that. A regular file
 * can be truncated (only memfds can be sealed, and a memfd that may still
 * shrink is refused outright); a hugetlb file finds no huge page when the
 * pool is empty (MAP_NORESERVE); a hole can be punched in any of them. So
 * every guest mapping is registered in a table the handler reads without
 * locks; a fault inside one replaces that mapping with anonymous zero
 * memory (MAP_FIXED: the faulting access is retried there and completes),
 * flags the device, and its serve loop ends the connection. Faults
 * anywhere else go to the handler that was installed before ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhu_priv.h"

/* Every connection's regions (VHU_MAX_MEM_REGIONS each, 1024 connections). */
#define GUARD_SLOTS (VHU_MAX_MEM_REGIONS * 1024)

static struct guard {
	uintptr_t base; /* atomic; 0: free slot */
	size_t len;
	int *faulted; /* the device's mem_fault */
} guards[GUARD_SLOTS];

static pthread_mutex_t guards_lock = PTHREAD_MUTEX_INITIALIZER; /* claiming slots */
static struct sigaction prev_sigbus;

/* Replace [p, p + len) with anonymous memory; async-signal-safe. */
static bool replace_with_zeros(void *p, size_t len)
{
	return mmap(p, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) != MAP_FAILED;
}

static void sigbus_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	for (unsigned i = 0; i < GUARD_SLOTS; i++) {
		uintptr_t base = __atomic_load_n(&guards[i].base, __ATOMIC_ACQUIRE);

		if (!base || a - base >= guards[i].len)
			continue;
		if (replace_with_zeros((void *)base, guards[i].len)) {
			__atomic_store_n(guards[i].faulted, 1, __ATOMIC_RELEASE);
			return; /* the access is retried on zero pages */
		}
		break;
	}
	/* Not guest memory (or no way to save it): whoever handled SIGBUS before us. */
	if ((prev_sigbus.sa_flags & SA_SIGINFO) && prev_sigbus.sa_sigaction) {
		prev_sigbus.sa_sigaction(sig, si, uc);
		return;
	}
	if (prev_sigbus.sa_handler != SIG_DFL && prev_sigbus.sa_handler != SIG_IGN) {
		prev_sigbus.sa_handler(sig);
		return;
	}
	/* Default action: returning re-runs the access, which now kills us as it should. */
	signal(SIGBUS, SIG_DFL);
}

static void guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigbus_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &prev_sigbus) < 0)
		vhu_log(LOG_ERR, "cannot install the SIGBUS guard: %s", strerror(errno));
}

void vhu_mem_guard_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, guard_install);
}

/* Guard [p, p + len) for dev; returns the slot, or -1 when all are taken. */
static int guard_add(struct vhu_dev *dev, void *p, size_t len)
{
	int slot = -1;

	pthread_mutex_lock(&guards_lock);
	for (unsigned i = 0; i < GUARD_SLOTS && slot < 0; i++) {
		if (__atomic_load_n(&guards[i].base, __ATOMIC_RELAXED))
			continue;
		guards[i].len = len;
		guards[i].faulted = &dev->mem_fault;
		__atomic_store_n(&guards[i].base, (uintptr_t)p, __ATOMIC_RELEASE);
		slot = (int)i;
	}
	pthread_mutex_unlock(&guards_lock);
	return slot;
}

static void guard_remove(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&guards[slot].base, 0, __ATOMIC_RELEASE);
}

void vhu_mem_unmap(struct vhu_dev *dev, struct vhu_region *regions, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct vhu_region *r = &regions[i];

		guard_remove(r->guard);
		if (r->map_base && dev->keep_mappings) {
			/* A thread we could not stop may still touch it: never unmap. */
			if (!replace_with_zeros(r->map_base, r->map_len))
				vhu_log(LOG_ERR, "guest memory kept mapped: %s", strerror(errno));
		} else if (r->map_base) {
			munmap(r->map_base, r->map_len);
		}
		vhu_close_fd(&r->fd);
		memset(r, 0, sizeof(*r));
		r->guard = -1;
		r->fd = -1;
	}
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen; /* callers checked no overflow */
}

/* Check one region's numbers (fd not yet looked at). */
static int region_valid(const struct vhu_wire_region *r)
{
	if (r->size == 0 || r->size > SIZE_MAX / 2)
		return -EPROTO;
	if (r->gpa + r->size < r->gpa || r->uva + r->size < r->uva ||
	    r->mmap_offset + r->size < r->mmap_offset)
		return -EPROTO;
	if (r->mmap_offset > (uint64_t)INT64_MAX - r->size)
		return -EPROTO;
	return 0;
}

static int map_region(struct vhu_dev *dev, struct vhu_region *out, const struct vhu_wire_region *r,
		      int fd)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t align = (uint64_t)(pg > 0 ? pg : 4096), off, delta;
	struct stat st;
	int seals;
	void *p;

	if (fstat(fd, &st) < 0)
		return -errno;
	/*
	 * Only files whose size we can check: touching a mapping past the end
	 * of its file raises SIGBUS in the daemon.
	 */
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size < r->mmap_offset + r->size)
		return -EPROTO;
	/*
	 * A memfd that could still be sealed against shrinking (no F_SEAL_SEAL)
	 * but is not is refused: its frontend chose to keep the right to cut it
	 * under our mapping. Memory that cannot carry seals is accepted, the
	 * guard covers it: regular files (F_GET_SEALS fails), tmpfs and
	 * hugetlbfs files opened by path and memfds created without sealing
	 * (F_SEAL_SEAL from the start: QEMU's memory-backend-file).
	 */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && !(seals & (F_SEAL_SHRINK | F_SEAL_SEAL))) {
		vhu_log(LOG_WARNING, "mem table: a memfd that may still shrink (no "
				     "F_SEAL_SHRINK): refused; seal it (QEMU's "
				     "memory-backend-memfd seals by default)");
		return -EPROTO;
	}
	/* hugetlbfs reports its page size here; mmap offsets must be aligned to it. */
	if (st.st_blksize > 0 && (uint64_t)st.st_blksize > align &&
	    !((uint64_t)st.st_blksize & ((uint64_t)st.st_blksize - 1)))
		align = (uint64_t)st.st_blksize;
	off = r->mmap_offset & ~(align - 1);
	delta = r->mmap_offset - off;
	if (r->size > SIZE_MAX - delta)
		return -EPROTO;
	p = mmap(NULL, (size_t)(r->size + delta), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_NORESERVE, fd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	out->gpa = r->gpa;
	out->size = r->size;
	out->uva = r->uva;
	out->map_base = p;
	out->map_len = (size_t)(r->size + delta);
	out->host = (uint8_t *)p + delta;
	out->file_dev = (uint64_t)st.st_dev;
	out->file_ino = (uint64_t)st.st_ino;
	out->file_off = r->mmap_offset;
	out->guard = guard_add(dev, p, out->map_len);
	if (out->guard < 0) {
		vhu_log(LOG_ERR, "mem table: no SIGBUS guard slot left for a region");
		munmap(p, out->map_len);
		return -ENOSPC;
	}
	return 0;
}

int vhu_mem_set(struct vhu_dev *dev, const struct vhu_wire_memory *mem, unsigned n, int *fds)
{
	struct vhu_region fresh[VHU_MAX_MEM_REGIONS];
	bool restart[VHU_MAX_QUEUES] = {false};
	unsigned i, j;
	int ret;

	memset(fresh, 0, sizeof(fresh));
	for (i = 0; i < VHU_MAX_MEM_REGIONS; i++)
		fresh[i].fd = -1;
	if (n > VHU_MAX_MEM_REGIONS)
		return -EPROTO;
	for (i = 0; i < n; i++) {
		const struct vhu_wire_region *r = &mem->regions[i];

		if (region_valid(r)) {
			vhu_log(LOG_WARNING, "mem table: region %u has bad bounds", i);
			return -EPROTO;
		}
		for (j = 0; j < i; j++) {
			const struct vhu_wire_region *o = &mem->regions[j];

			if (ranges_overlap(r->gpa, r->size, o->gpa, o->size) ||
			    ranges_overlap(r->uva, r->size, o->uva, o->size)) {
				vhu_log(LOG_WARNING, "mem table: regions %u and %u overlap", j, i);
				return -EPROTO;
			}
		}
	}
	for (i = 0; i < n; i++) {
		ret = map_region(dev, &fresh[i], &mem->regions[i], fds[i]);
		if (ret) {
			vhu_log(LOG_WARNING, "mem table: cannot map region %u (%d)", i, ret);
			vhu_mem_unmap(dev, fresh, i);
			return ret;
		}
	}

	/* Queues reach guest memory through the old table: stop them first. */
	for (i = 0; i < dev->cfg.num_queues; i++) {
		if (dev->queues[i].started) {
			vhu_queue_stop(dev, i);
			restart[i] = true;
		}
	}
	vhu_mem_unmap(dev, dev->regions, dev->nregions);
	/* Kept for a handover: a successor maps the same files (vhu_handover.c). */
	for (i = 0; i < n; i++) {
		fresh[i].fd = fds[i];
		fds[i] = -1;
	}
	memcpy(dev->regions, fresh, sizeof(fresh));
	dev->nregions = n;
	for (i = 0; i < dev->cfg.num_queues; i++)
		if (restart[i])
			vhu_queue_try_start(dev, i);
	return 0;
}

/* The region holding [addr, addr + len) (by gpa or uva) and the offset in it, or NULL. */
static const struct vhu_region *find(const struct vhu_dev *dev, bool by_gpa, uint64_t addr,
				     uint64_t len, uint64_t *offp)
{
	unsigned i;

	for (i = 0; i < dev->nregions; i++) {
		const struct vhu_region *r = &dev->regions[i];
		uint64_t start = by_gpa ? r->gpa : r->uva, off;

		if (addr < start)
			continue;
		off = addr - start;
		if (off >= r->size || len > r->size - off)
			continue;
		*offp = off;
		return r;
	}
	return NULL;
}

static void *translate(const struct vhu_dev *dev, bool by_gpa, uint64_t addr, uint64_t len)
{
	uint64_t off;
	const struct vhu_region *r = find(dev, by_gpa, addr, len, &off);

	return r ? r->host + off : NULL;
}

bool vhu_mem_locate(const struct vhu_dev *dev, uint64_t uva, uint64_t len,
		    const struct vhu_region **region, uint64_t *off)
{
	*region = find(dev, false, uva, len, off);
	return *region != NULL;
}

bool vhu_mem_gpa_window(const struct vhu_dev *dev, uint64_t gpa, struct vq_window *w)
{
	uint64_t off;
	const struct vhu_region *r = find(dev, true, gpa, 1, &off);

	if (!r)
		return false;
	/* translate() gives r->host + (a - r->gpa) for every range inside r. */
	*w = (struct vq_window){r->gpa, r->size, r->host};
	return true;
}

void *vhu_dev_gpa_to_va(struct vhu_dev *dev, uint64_t gpa, uint64_t len)
{
	return dev ? translate(dev, true, gpa, len) : NULL;
}

void *vhu_dev_uva_to_va(struct vhu_dev *dev, uint64_t uva, uint64_t len)
{
	return dev ? translate(dev, false, uva, len) : NULL;
}
