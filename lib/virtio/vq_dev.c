/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device side of a split virtqueue, on memory the driver (guest) controls.
 *
 * Everything read from the rings is read exactly once into a local, then
 * checked; nothing is re-read after validation. The driver may rewrite the
 * rings at any time: the worst it can achieve is a malformed-chain or a
 * broken-ring result, never an access outside what map() returned.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "vq.h"
#include "vq_priv.h"

int vq_dev_init(struct vq_dev *vq, uint16_t num, void *desc, void *avail, void *used,
		uint16_t last_avail, bool event_idx, const struct vq_limits *limits, vq_map_fn map,
		void *map_opaque)
{
	if (!vq || !vq_num_valid(num) || !desc || !avail || !used || !map)
		return -EINVAL;
	/* Alignment the split ring requires (VIRTIO 1.x 2.7). */
	if ((uintptr_t)desc % 16 || (uintptr_t)avail % 2 || (uintptr_t)used % 4)
		return -EINVAL;

	memset(vq, 0, sizeof(*vq));
	vq->num = num;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->last_avail = vq->avail_seen = last_avail;
	/* The used index lives in the driver's memory: resume from it. */
	vq->used_idx = le16toh(vq_load16(&vq->used->idx));
	vq->signalled_used = vq->used_idx;
	vq->signalled_used_valid = false;
	vq->event_idx = vq->event_on = event_idx;
	vq->broken = false;
	if (limits)
		vq->limits = *limits;
	/* Zero means "no limit given": the defaults still bound every walk. */
	if (vq->limits.max_segments == 0)
		vq->limits.max_segments = VQ_MAX_SIZE;
	if (vq->limits.max_segments > VQ_MAX_INDIRECT)
		vq->limits.max_segments = VQ_MAX_INDIRECT;
	if (vq->limits.max_bytes == 0)
		vq->limits.max_bytes = UINT32_MAX;
	vq->chain_max = vq->limits.max_segments < num ? vq->limits.max_segments : num;
	vq->map = map;
	vq->map_opaque = map_opaque;
	vaccel_lock_init(&vq->used_lock);
	return 0;
}

void vq_dev_set_window(struct vq_dev *vq, vq_window_fn window)
{
	vq->window = window;
	vq->win = (struct vq_window){0, 0, NULL};
}

void vq_dev_destroy(struct vq_dev *vq)
{
	if (!vq || !vq->num)
		return;
	vq->num = 0;
}

/*
 * One copy of a descriptor. The compiler barrier keeps the compiler from
 * replacing uses of the copy with fresh loads from shared memory.
 */
static void read_desc(struct vring_desc *out, const struct vring_desc *src)
{
	memcpy(out, src, sizeof(*out));
	__asm__ __volatile__("" ::: "memory");
	out->addr = le64toh(out->addr);
	out->len = le32toh(out->len);
	out->flags = le16toh(out->flags);
	out->next = le16toh(out->next);
}

/* A buffer outside the remembered run: ask for the run that holds it, else map it. */
static void *map_miss(struct vq_dev *vq, uint64_t addr, uint64_t len)
{
	struct vq_window w;

	if (vq->window && vq->window(vq->map_opaque, addr, &w)) {
		uint64_t off = addr - w.addr;

		/* Remembered only when it holds addr, as the contract says. */
		if (addr >= w.addr && off < w.len) {
			vq->win = w;
			if (len <= w.len - off)
				return w.host + off;
		}
	}
	/* Whatever runs say, map() decides for a range that none holds. */
	return vq->map(vq->map_opaque, addr, len);
}

/*
 * Our address of [addr, addr + len): inside the remembered run, an offset
 * (addr - win.addr wraps for an addr below it: off < len fails); else
 * map_miss(). Same result as map() (vq_window_fn's contract).
 */
static inline void *map_buf(struct vq_dev *vq, uint64_t addr, uint64_t len)
{
	uint64_t off = addr - vq->win.addr;

	if (off < vq->win.len && len <= vq->win.len - off)
		return vq->win.host + off;
	return map_miss(vq, addr, len);
}

struct walk {
	unsigned nsegs; /* buffer descriptors seen, for limits.max_segments */
	uint64_t bytes; /* readable + writable */
	unsigned niov;	/* iov entries filled */
	bool writing;	/* saw a writable descriptor */
};

/* Account one buffer descriptor. Returns 0 or -EBADMSG. Inline: it runs for every
 * descriptor of every request, and its call cost as much as its checks. */
__attribute__((always_inline)) static inline int walk_buf(struct vq_dev *vq, struct walk *w,
							  struct vq_elem *elem,
							  const struct vring_desc *d,
							  struct iovec *iov, unsigned iov_cap)
{
	bool wr = d->flags & VRING_DESC_F_WRITE;
	void *p;

	if (++w->nsegs > vq->limits.max_segments)
		return -EBADMSG;
	if (!wr && w->writing)
		return -EBADMSG; /* readable after writable */
	if (wr)
		w->writing = true;
	if (d->len > vq->limits.max_bytes - w->bytes) /* overflow-safe: bytes <= max */
		return -EBADMSG;
	w->bytes += d->len;
	/* Zero-length descriptors are accepted and skipped: they take no iov slot. */
	if (d->len == 0)
		return 0;
	if (w->niov >= iov_cap)
		return -EBADMSG;
	p = map_buf(vq, d->addr, d->len);
	if (!p)
		return -EBADMSG;
	iov[w->niov].iov_base = p;
	iov[w->niov].iov_len = d->len;
	w->niov++;
	if (wr) {
		elem->nr_write++;
		elem->write_bytes += d->len;
	} else {
		elem->nr_read++;
		elem->read_bytes += d->len;
	}
	return 0;
}

/* Walk an indirect table of n descriptors starting at entry 0. */
static int walk_indirect(struct vq_dev *vq, struct walk *w, struct vq_elem *elem,
			 const struct vring_desc *ind, struct iovec *iov, unsigned iov_cap)
{
	const struct vring_desc *table;
	struct vring_desc d;
	unsigned n, walked = 0;
	uint16_t i = 0;
	int ret;

	if (ind->flags & VRING_DESC_F_NEXT)
		return -EBADMSG; /* INDIRECT with NEXT is forbidden */
	if (ind->len == 0 || ind->len % sizeof(struct vring_desc))
		return -EBADMSG;
	n = ind->len / sizeof(struct vring_desc);
	if (n > vq->limits.max_segments)
		return -EBADMSG;
	table = map_buf(vq, ind->addr, ind->len);
	if (!table)
		return -EBADMSG;

	for (;;) {
		if (++walked > n)
			return -EBADMSG; /* loop */
		read_desc(&d, &table[i]);
		if (d.flags & VRING_DESC_F_INDIRECT)
			return -EBADMSG; /* nested indirect */
		ret = walk_buf(vq, w, elem, &d, iov, iov_cap);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return -EBADMSG;
		i = d.next;
	}
}

/* A chain refused (ret): no buffers, the head for the caller to complete. */
static int elem_none(struct vq_elem *elem, int ret)
{
	elem->nr_read = elem->nr_write = 0;
	elem->read_bytes = elem->write_bytes = 0;
	return ret;
}

/*
 * The general walk of the chain whose first npre (1 or 2) descriptors, from
 * the head on, were read already (pre): each descriptor is read once.
 */
__attribute__((noinline)) static int walk_chain(struct vq_dev *vq, struct vq_elem *elem,
						const struct vring_desc *pre, unsigned npre,
						struct iovec *iov, unsigned iov_cap)
{
	struct walk w = {0};
	struct vring_desc d;
	uint16_t i = elem->head;
	unsigned walked = 0;
	int ret;

	elem->nr_read = elem->nr_write = 0;
	elem->read_bytes = elem->write_bytes = 0;
	for (;;) {
		if (++walked > vq->num) {
			ret = -EBADMSG; /* loop */
			goto bad;
		}
		if (walked <= npre)
			d = pre[walked - 1];
		else
			read_desc(&d, &vq->desc[i]);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* Only a chain's single, first descriptor may be indirect (the first one
			 * walked is the head: i starts there and moves only after a walked
			 * descriptor). */
			if (walked != 1) {
				ret = -EBADMSG;
				goto bad;
			}
			ret = walk_indirect(vq, &w, elem, &d, iov, iov_cap);
			if (ret)
				goto bad;
			break;
		}
		ret = walk_buf(vq, &w, elem, &d, iov, iov_cap);
		if (ret)
			goto bad;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= vq->num) {
			ret = -EBADMSG;
			goto bad;
		}
		i = d.next;
	}
	return 1;

bad:
	return elem_none(elem, ret);
}

#define VQ_DESC_KIND (VRING_DESC_F_NEXT | VRING_DESC_F_WRITE | VRING_DESC_F_INDIRECT)

/*
 * Pop the chain at the avail ring's next entry (one is published: avail_idx
 * ran ahead of last_avail by 1..num, vq_dev_pop() in vq.h checked). Apart
 * from vq_dev_pop(): its frame is not paid by the pops that find the ring
 * empty, every other one of a notified queue.
 *
 * A request's usual chain, one readable buffer then one writable one, is
 * walked here: the checks walk_chain() would make of those two descriptors,
 * at once (two descriptors allowed, two iov slots, lengths non-zero and
 * within max_bytes together), then each buffer mapped in chain order. Any
 * other chain, or one that fails those checks, goes to walk_chain() with
 * the descriptors read so far: same result, same map() calls.
 */
int vq_dev_pop_chain(struct vq_dev *vq, struct vq_elem *elem, struct iovec *iov, unsigned iov_cap)
{
	struct vring_desc d[2];
	uint16_t head;
	void *p0, *p1;

	elem->iov = iov;
	head = le16toh(vq_load16(&vq->avail->ring[vq->last_avail & (vq->num - 1)]));
	elem->head = head;
	if (head >= vq->num) {
		vq->broken = true;
		return elem_none(elem, -EPROTO);
	}
	vq->last_avail++;
	/* Ask for a kick when the driver adds past what we have consumed. */
	if (vq->event_on)
		vq_store16(vq_avail_event(vq), htole16(vq->last_avail));

	read_desc(&d[0], &vq->desc[head]);
	if ((d[0].flags & VQ_DESC_KIND) != VRING_DESC_F_NEXT || d[0].next >= vq->num)
		return walk_chain(vq, elem, d, 1, iov, iov_cap);
	read_desc(&d[1], &vq->desc[d[0].next]);
	if ((d[1].flags & VQ_DESC_KIND) != VRING_DESC_F_WRITE || vq->chain_max < 2 || iov_cap < 2 ||
	    !d[0].len || !d[1].len || (uint64_t)d[0].len + d[1].len > vq->limits.max_bytes)
		return walk_chain(vq, elem, d, 2, iov, iov_cap);
	p0 = map_buf(vq, d[0].addr, d[0].len);
	if (!p0)
		return elem_none(elem, -EBADMSG);
	p1 = map_buf(vq, d[1].addr, d[1].len);
	if (!p1)
		return elem_none(elem, -EBADMSG);
	iov[0].iov_base = p0;
	iov[0].iov_len = d[0].len;
	iov[1].iov_base = p1;
	iov[1].iov_len = d[1].len;
	elem->nr_read = elem->nr_write = 1;
	elem->read_bytes = d[0].len;
	elem->write_bytes = d[1].len;
	return 1;
}

bool vq_dev_avail_pending(struct vq_dev *vq)
{
	if (vq->broken)
		return false;
	return le16toh(vq_load16_acquire(&vq->avail->idx)) != vq->last_avail;
}

/* set_notify's work, inline in vq_dev_arm(): every wait of a notified queue arms. */
static inline void set_notify(struct vq_dev *vq, bool enable)
{
	if (vq->event_idx) {
		/*
		 * With EVENT_IDX the driver ignores used->flags. Enable asks for
		 * a kick on the next entry after those already published.
		 * Disable puts avail_event one behind what we have popped: the
		 * driver has published at least that far, so it kicks again
		 * only after 2^16 more entries (one spurious kick, harmless).
		 * Once behind it stays there: a store would only take the line
		 * from the driver, which reads it on every add.
		 */
		if (enable)
			vq_store16(vq_avail_event(vq), vq_load16(&vq->avail->idx));
		else if (vq->event_on)
			vq_store16(vq_avail_event(vq), htole16((uint16_t)(vq->last_avail - 1)));
		vq->event_on = enable;
	} else {
		uint16_t flags = le16toh(vq_load16(&vq->used->flags));

		if (enable)
			flags &= ~VRING_USED_F_NO_NOTIFY;
		else
			flags |= VRING_USED_F_NO_NOTIFY;
		vq_store16(&vq->used->flags, htole16(flags));
	}
	/* The caller's re-check of avail->idx must come after this store. */
	if (enable)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void vq_dev_set_notify(struct vq_dev *vq, bool enable)
{
	set_notify(vq, enable);
}

bool vq_dev_arm(struct vq_dev *vq)
{
	set_notify(vq, true);
	return vq_dev_avail_pending(vq);
}

uint16_t vq_dev_last_avail(const struct vq_dev *vq)
{
	return vq->last_avail;
}
