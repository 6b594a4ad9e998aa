/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The backend's copy of the frontend's memory table: one MAP_SHARED mapping
 * per region, and translation of guest-physical and frontend-virtual
 * addresses into ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhu_priv.h"

void vhu_mem_unmap(struct vhu_region *regions, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (regions[i].map_base)
			munmap(regions[i].map_base, regions[i].map_len);
		memset(&regions[i], 0, sizeof(regions[i]));
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

static int map_region(struct vhu_region *out, const struct vhu_wire_region *r, int fd)
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
	 * Shared memory (memfd, tmpfs) must be sealed against shrinking, or the
	 * frontend can cut it under our mapping and every access past the cut
	 * is a SIGBUS in the daemon. Files that cannot carry seals (hugetlbfs:
	 * F_GET_SEALS fails with EINVAL) are accepted as before.
	 */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && !(seals & F_SEAL_SHRINK)) {
		vhu_log(LOG_WARNING, "mem table: region can be shrunk by the frontend (no "
				     "F_SEAL_SHRINK): refused; use a sealed memfd (QEMU's "
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
	return 0;
}

int vhu_mem_set(struct vhu_dev *dev, const struct vhu_wire_memory *mem, unsigned n, int *fds)
{
	struct vhu_region fresh[VHU_MAX_MEM_REGIONS];
	bool restart[VHU_MAX_QUEUES] = {false};
	unsigned i, j;
	int ret;

	memset(fresh, 0, sizeof(fresh));
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
		ret = map_region(&fresh[i], &mem->regions[i], fds[i]);
		if (ret) {
			vhu_log(LOG_WARNING, "mem table: cannot map region %u (%d)", i, ret);
			vhu_mem_unmap(fresh, i);
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
	vhu_mem_unmap(dev->regions, dev->nregions);
	memcpy(dev->regions, fresh, sizeof(fresh));
	dev->nregions = n;
	for (i = 0; i < dev->cfg.num_queues; i++)
		if (restart[i])
			vhu_queue_try_start(dev, i);
	return 0;
}

static void *translate(const struct vhu_dev *dev, bool by_gpa, uint64_t addr, uint64_t len)
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
		return r->host + off;
	}
	return NULL;
}

void *vhu_dev_gpa_to_va(struct vhu_dev *dev, uint64_t gpa, uint64_t len)
{
	return dev ? translate(dev, true, gpa, len) : NULL;
}

void *vhu_dev_uva_to_va(struct vhu_dev *dev, uint64_t uva, uint64_t len)
{
	return dev ? translate(dev, false, uva, len) : NULL;
}
