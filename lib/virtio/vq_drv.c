/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Driver side of a split virtqueue: the ring lives in our own memory, the
 * device reads it at ring_addr. Free descriptors form a list through
 * desc[].next, which only we write. Used entries come from the device and
 * are checked before they free anything.
 *
 * avail->flags doubles as our record of whether used-buffer notifications
 * are enabled (VRING_AVAIL_F_NO_INTERRUPT); the device ignores it under
 * EVENT_IDX, where used_event does the job.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vaccel_common.h"
#include "vq.h"
#include "vq_priv.h"

size_t vq_ring_bytes(uint16_t num)
{
	return vq_used_off(num) + 6 + (size_t)num * sizeof(struct vring_used_elem);
}

int vq_drv_init(struct vq_drv *vq, uint16_t num, void *ring, uint64_t ring_addr, bool event_idx)
{
	uint8_t *base = ring;
	uint16_t i;

	if (!vq || !ring || !vq_num_valid(num) || (uintptr_t)ring % 16 || ring_addr % 16)
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	memset(ring, 0, vq_ring_bytes(num));
	vq->tokens = calloc(num, sizeof(*vq->tokens));
	vq->chain_len = calloc(num, sizeof(*vq->chain_len));
	if (!vq->tokens || !vq->chain_len) {
		free(vq->tokens);
		free(vq->chain_len);
		vq->tokens = NULL;
		vq->chain_len = NULL;
		return -ENOMEM;
	}
	vq->num = num;
	vq->desc = (struct vring_desc *)base;
	vq->avail = (struct vring_avail *)(base + vq_avail_off(num));
	vq->used = (struct vring_used *)(base + vq_used_off(num));
	vq->ring_addr = ring_addr;
	for (i = 0; i < num; i++)
		vq->desc[i].next = htole16((uint16_t)(i + 1)); /* last one is never followed */
	vq->free_head = 0;
	vq->num_free = num;
	vq->event_idx = event_idx;
	return 0;
}

void vq_drv_destroy(struct vq_drv *vq)
{
	if (!vq)
		return;
	free(vq->tokens);
	free(vq->chain_len);
	vq->tokens = NULL;
	vq->chain_len = NULL;
	vq->num = 0;
}

void vq_drv_ring_addrs(const struct vq_drv *vq, uint64_t *desc, uint64_t *avail, uint64_t *used)
{
	if (desc)
		*desc = vq->ring_addr;
	if (avail)
		*avail = vq->ring_addr + vq_avail_off(vq->num);
	if (used)
		*used = vq->ring_addr + vq_used_off(vq->num);
}

int vq_drv_add(struct vq_drv *vq, const struct vq_buf *bufs, unsigned nr_read, unsigned nr_write,
	       void *token)
{
	unsigned total = nr_read + nr_write, i;
	uint16_t head, idx, *slot;

	/* total < nr_read: the sum wrapped. */
	if (!bufs || !token || total == 0 || total < nr_read || total > vq->num)
		return -EINVAL;
	if (total > vq->num_free)
		return -ENOSPC;

	head = idx = vq->free_head;
	for (i = 0; i < total; i++) {
		struct vring_desc *d = &vq->desc[idx];
		struct vring_desc nd = {
		    .addr = htole64(bufs[i].addr),
		    .len = htole32(bufs[i].len),
		    .flags = htole16((i < nr_read ? 0 : VRING_DESC_F_WRITE) |
				     (i + 1 < total ? VRING_DESC_F_NEXT : 0)),
		    .next = d->next, /* the free list continues the chain */
		};

		idx = le16toh(nd.next);
		/* A reused descriptor usually gets its old buffer back. */
		vaccel_put_changed(d, &nd, sizeof(nd));
	}
	vq->free_head = idx;
	vq->num_free -= total;
	vq->tokens[head] = token;
	vq->chain_len[head] = total;

	/* The same head comes back at the same slot after a wrap: store only a change. */
	slot = &vq->avail->ring[vq->avail_idx & (vq->num - 1)];
	if (vq_load16(slot) != htole16(head))
		vq_store16(slot, htole16(head));
	vq->avail_idx++;
	/* Release: descriptors and ring entry are visible before the index. */
	vq_store16_release(&vq->avail->idx, htole16(vq->avail_idx));
	return 0;
}

bool vq_drv_kick_prepare(struct vq_drv *vq)
{
	uint16_t old = vq->kicked_avail, new = vq->avail_idx;

	/* Our avail->idx store must be ordered before the device's state load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->kicked_avail = new;
	if (old == new)
		return false;
	if (vq->event_idx)
		return vring_need_event(le16toh(vq_load16(vq_avail_event(vq))), new, old);
	return !(le16toh(vq_load16(&vq->used->flags)) & VRING_USED_F_NO_NOTIFY);
}

/* Return a chain's descriptors to the free list. */
static void free_chain(struct vq_drv *vq, uint16_t head)
{
	uint16_t n = vq->chain_len[head], idx = head, i;

	for (i = 1; i < n; i++)
		idx = le16toh(vq->desc[idx].next);
	if (vq->desc[idx].next != htole16(vq->free_head))
		vq->desc[idx].next = htole16(vq->free_head);
	vq->free_head = head;
	vq->num_free += n;
	vq->tokens[head] = NULL;
	vq->chain_len[head] = 0;
}

static bool cb_enabled(const struct vq_drv *vq)
{
	return !(le16toh(vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
}

void *vq_drv_get_used(struct vq_drv *vq, uint32_t *len)
{
	while (le16toh(vq_load16_acquire(&vq->used->idx)) != vq->last_used) {
		struct vring_used_elem *ue = &vq->used->ring[vq->last_used & (vq->num - 1)];
		uint32_t id = le32toh(vq_load32(&ue->id));
		uint32_t l = le32toh(vq_load32(&ue->len));
		void *token;

		vq->last_used++;
		if (vq->event_idx && cb_enabled(vq))
			vq_store16(vq_used_event(vq), htole16(vq->last_used));
		/* A device that returns a head we did not give it is ignored. */
		if (id >= vq->num || !vq->tokens[id])
			continue;
		token = vq->tokens[id];
		free_chain(vq, (uint16_t)id);
		if (len)
			*len = l;
		return token;
	}
	return NULL;
}

void vq_drv_disable_cb(struct vq_drv *vq)
{
	vq->avail->flags = htole16(le16toh(vq->avail->flags) | VRING_AVAIL_F_NO_INTERRUPT);
	/* Put used_event just behind what the device has used: it fires only after a wrap. */
	if (vq->event_idx)
		vq_store16(vq_used_event(vq), htole16((uint16_t)(vq->last_used - 1)));
}

bool vq_drv_enable_cb(struct vq_drv *vq)
{
	uint16_t flags = le16toh(vq->avail->flags) & ~VRING_AVAIL_F_NO_INTERRUPT;

	vq_store16(&vq->avail->flags, htole16(flags));
	if (vq->event_idx)
		vq_store16(vq_used_event(vq), htole16(vq->last_used));
	/* Store (flags / used_event) then load (used idx). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return le16toh(vq_load16_acquire(&vq->used->idx)) == vq->last_used;
}
