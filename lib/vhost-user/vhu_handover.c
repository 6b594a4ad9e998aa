/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Planned handover of a live connection to another process (vhu.h,
 * "handover"): the record one process writes and the checks the other
 * applies before using any of it.
 *
 * Rules: the record and its fds come from another process (our own
 * predecessor, normally, but over a socket): every field is checked as
 * the vhost-user message that set it would be (feature bits offered, ring
 * sizes, the memory table through the same vhu_mem_set() as SET_MEM_TABLE,
 * vring fds made non-blocking), the number of fds must be exactly what
 * the flags name, and any failure leaves the device as fresh as it was,
 * every fd closed.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhu_priv.h"

int vhu_dev_export(const struct vhu_dev *dev, struct vhu_handover *h, int *fds, unsigned *nfds)
{
	unsigned n = 0, i;

	if (!dev || !h || !fds || !nfds)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	for (i = 0; i < dev->cfg.num_queues; i++)
		if (dev->queues[i].started)
			return -EINVAL; /* not paused: a ring would move under the successor */
	h->magic = VHU_HANDOVER_MAGIC;
	h->version = VHU_HANDOVER_VERSION;
	h->num_queues = dev->cfg.num_queues;
	h->nregions = dev->nregions;
	h->features = vhu_dev_features(dev);
	h->protocol_features = dev->protocol_features;
	h->features_set = dev->features_set;
	h->owner = dev->owner;
	h->status = dev->status;
	for (i = 0; i < dev->nregions; i++) {
		const struct vhu_region *r = &dev->regions[i];

		if (r->fd < 0)
			return -EINVAL;
		h->regions[i].gpa = r->gpa;
		h->regions[i].size = r->size;
		h->regions[i].uva = r->uva;
		h->regions[i].mmap_offset = r->file_off;
		fds[n++] = r->fd;
	}
	for (i = 0; i < dev->cfg.num_queues; i++) {
		const struct vhu_queue *q = &dev->queues[i];
		struct vhu_handover_queue *hq = &h->queues[i];

		hq->desc_uva = q->desc_uva;
		hq->avail_uva = q->avail_uva;
		hq->used_uva = q->used_uva;
		hq->num = q->num;
		hq->base = q->base;
		hq->flags = (q->addr_set ? VHU_HQ_ADDR_SET : 0) |
			    (q->kick_set ? VHU_HQ_KICK_SET : 0) | (q->enabled ? VHU_HQ_ENABLED : 0);
		/* call_fd changes only on the serving thread, which is the caller's. */
		if (q->kick_fd >= 0) {
			hq->flags |= VHU_HQ_KICK_FD;
			fds[n++] = q->kick_fd;
		}
		if (q->call_fd >= 0) {
			hq->flags |= VHU_HQ_CALL_FD;
			fds[n++] = q->call_fd;
		}
		if (q->err_fd >= 0) {
			hq->flags |= VHU_HQ_ERR_FD;
			fds[n++] = q->err_fd;
		}
	}
	*nfds = n;
	return 0;
}

static bool fresh(const struct vhu_dev *dev)
{
	if (dev->owner || dev->features_set || dev->nregions || dev->protocol_features)
		return false;
	for (unsigned i = 0; i < dev->cfg.num_queues; i++) {
		const struct vhu_queue *q = &dev->queues[i];

		if (q->num || q->addr_set || q->kick_fd >= 0 || q->call_fd >= 0 || q->err_fd >= 0)
			return false;
	}
	return true;
}

/* The record's numbers, fds not yet looked at; *want gets how many fds it names. */
static int check_record(const struct vhu_dev *dev, const struct vhu_handover *h, unsigned *want)
{
	unsigned n, i;

	if (h->magic != VHU_HANDOVER_MAGIC || h->version != VHU_HANDOVER_VERSION) {
		vhu_log(LOG_WARNING, "handover: not a version %u record", VHU_HANDOVER_VERSION);
		return -EPROTO;
	}
	if (h->num_queues != dev->cfg.num_queues) {
		vhu_log(LOG_WARNING, "handover: %u queues, this device has %u", h->num_queues,
			dev->cfg.num_queues);
		return -EPROTO;
	}
	if (h->nregions > VHU_MAX_MEM_REGIONS) {
		vhu_log(LOG_WARNING, "handover: %u memory regions", h->nregions);
		return -EPROTO;
	}
	if (h->features & ~vhu_offered_features(dev) ||
	    h->protocol_features & ~VHU_OFFERED_PROTOCOL_FEATURES) {
		vhu_log(
		    LOG_WARNING,
		    "handover: features this device does not offer (0x%llx, "
		    "protocol 0x%llx)",
		    (unsigned long long)(h->features & ~vhu_offered_features(dev)),
		    (unsigned long long)(h->protocol_features & ~VHU_OFFERED_PROTOCOL_FEATURES));
		return -EPROTO;
	}
	if (h->features_set > 1 || h->owner > 1) {
		vhu_log(LOG_WARNING, "handover: bad flags");
		return -EPROTO;
	}
	n = h->nregions;
	for (i = 0; i < h->num_queues; i++) {
		const struct vhu_handover_queue *q = &h->queues[i];

		if (q->flags & ~VHU_HQ_ALL ||
		    (q->num && (q->num > VQ_MAX_SIZE || (q->num & (q->num - 1))))) {
			vhu_log(LOG_WARNING, "handover: queue %u: flags 0x%x, size %u", i, q->flags,
				q->num);
			return -EPROTO;
		}
		if ((q->flags & VHU_HQ_KICK_FD) && !(q->flags & VHU_HQ_KICK_SET)) {
			vhu_log(LOG_WARNING, "handover: queue %u: a kick fd never set", i);
			return -EPROTO;
		}
		n += !!(q->flags & VHU_HQ_KICK_FD) + !!(q->flags & VHU_HQ_CALL_FD) +
		     !!(q->flags & VHU_HQ_ERR_FD);
	}
	*want = n;
	return 0;
}

/* Take the next vring fd of the record into *dst (non-blocking from now on). */
static int take_vring_fd(int *fds, unsigned *next, int *dst)
{
	int fd = fds[*next];

	fds[(*next)++] = -1;
	*dst = fd;
	return vhu_vring_fd_adopt(fd);
}

int vhu_dev_import(struct vhu_dev *dev, const void *rec, size_t len, int *fds, unsigned nfds)
{
	struct vhu_handover h;
	struct vhu_wire_memory mem;
	unsigned want = 0, next, i;
	struct stat st;
	int ret;

	if (!dev || !rec || (nfds && !fds) || nfds > VHU_HANDOVER_MAX_FDS) {
		ret = -EINVAL;
		goto close_fds;
	}
	if (!fresh(dev)) {
		ret = -EBUSY;
		goto close_fds;
	}
	if (len != sizeof(h)) {
		vhu_log(LOG_WARNING, "handover: record of %zu bytes, expected %zu", len, sizeof(h));
		ret = -EPROTO;
		goto close_fds;
	}
	memcpy(&h, rec, sizeof(h)); /* copied once: checked and used from here */
	ret = check_record(dev, &h, &want);
	if (ret)
		goto close_fds;
	if (want != nfds) {
		vhu_log(LOG_WARNING, "handover: %u fds, the record names %u", nfds, want);
		ret = -EPROTO;
		goto close_fds;
	}
	for (i = 0; i < nfds; i++) {
		if (fds[i] < 0 || fstat(fds[i], &st) < 0) {
			vhu_log(LOG_WARNING, "handover: fd %u is not open", i);
			ret = -EPROTO;
			goto close_fds;
		}
	}

	/* The memory table, checked and mapped exactly as SET_MEM_TABLE's. */
	memset(&mem, 0, sizeof(mem));
	mem.nregions = h.nregions;
	for (i = 0; i < h.nregions; i++) {
		mem.regions[i].gpa = h.regions[i].gpa;
		mem.regions[i].size = h.regions[i].size;
		mem.regions[i].uva = h.regions[i].uva;
		mem.regions[i].mmap_offset = h.regions[i].mmap_offset;
	}
	if (h.nregions) {
		ret = vhu_mem_set(dev, &mem, h.nregions, fds);
		if (ret)
			goto close_fds;
	}
	next = h.nregions;
	for (i = 0; i < h.num_queues; i++) {
		const struct vhu_handover_queue *hq = &h.queues[i];
		struct vhu_queue *q = &dev->queues[i];

		q->num = hq->num;
		q->base = hq->base;
		q->addr_set = hq->flags & VHU_HQ_ADDR_SET;
		q->desc_uva = hq->desc_uva;
		q->avail_uva = hq->avail_uva;
		q->used_uva = hq->used_uva;
		q->kick_set = hq->flags & VHU_HQ_KICK_SET;
		q->enabled = hq->flags & VHU_HQ_ENABLED;
		ret = 0;
		if (hq->flags & VHU_HQ_KICK_FD)
			ret = ret ? ret : take_vring_fd(fds, &next, &q->kick_fd);
		if (hq->flags & VHU_HQ_CALL_FD)
			ret = ret ? ret : take_vring_fd(fds, &next, &q->call_fd);
		if (hq->flags & VHU_HQ_ERR_FD)
			ret = ret ? ret : take_vring_fd(fds, &next, &q->err_fd);
		if (ret) {
			vhu_log(LOG_WARNING, "handover: queue %u: unusable fd", i);
			goto reset;
		}
	}
	__atomic_store_n(&dev->features, h.features, __ATOMIC_RELEASE);
	dev->protocol_features = h.protocol_features;
	dev->features_set = h.features_set;
	dev->owner = h.owner;
	dev->status = h.status;
	vhu_log(LOG_INFO, "handover: took over a connection (%u regions, %u fds)", h.nregions,
		nfds);
	return 0;

reset:
	vhu_dev_reset(dev, false); /* unmaps and closes what was taken */
close_fds:
	for (i = 0; i < nfds; i++)
		vhu_close_fd(&fds[i]);
	return ret;
}
