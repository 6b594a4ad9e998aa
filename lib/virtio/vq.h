/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vq: split virtqueues over plain memory, both sides.
 *
 * The device side (vq_dev_*) is what the host daemon runs on guest memory it
 * does not trust: every descriptor is copied once, then checked against the
 * ring size, the mapped guest memory and the limits before anything uses it.
 * The driver side (vq_drv_*) is what the userspace driver in the guest
 * plugin runs on its own memfd-backed memory.
 *
 * Layout and semantics follow the VIRTIO 1.x split ring (struct vring_* from
 * <linux/virtio_ring.h>), with VIRTIO_RING_F_INDIRECT_DESC and
 * VIRTIO_RING_F_EVENT_IDX.
 */
#ifndef VQ_H
#define VQ_H

#include <endian.h>
#include <errno.h>
#include <linux/virtio_ring.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vaccel_lock.h"

/* Largest ring size either side accepts (as QEMU's VIRTQUEUE_MAX_SIZE). */
#define VQ_MAX_SIZE 1024

/* Largest limits.max_segments honoured (longer chains come via indirect tables). */
#define VQ_MAX_SEGMENTS (1u << 20)

/*
 * Map [addr, addr + len) of the other side's address space into ours.
 * Returns NULL unless the whole range lies inside one mapped region.
 */
typedef void *(*vq_map_fn)(void *opaque, uint64_t addr, uint64_t len);

/*
 * A linear run of the other side's memory: [addr, addr + len) lies at host.
 * len 0: none.
 */
struct vq_window {
	uint64_t addr, len;
	uint8_t *host;
};

/*
 * Optional (vq_dev_set_window): the run that holds addr, such that
 * map(a, n) == w->host + (a - w->addr) for every range [a, a + n) inside it
 * (one mapped region, say). False when no run holds addr.
 */
typedef bool (*vq_window_fn)(void *opaque, uint64_t addr, struct vq_window *w);

/* Per-request bounds the device enforces while walking a chain. */
struct vq_limits {
	unsigned max_segments; /* descriptors per chain, indirect ones included */
	uint64_t max_bytes;    /* readable + writable bytes per chain */
};

/* ---------------------------------------------------------------- device */

struct vq_dev {
	uint16_t num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;	 /* next avail entry to pop */
	uint16_t avail_seen;	 /* avail->idx as the last pop read it */
	uint16_t used_idx;	 /* next used entry to fill */
	uint16_t signalled_used; /* used_idx at our last notification */
	bool signalled_used_valid;
	bool event_idx;
	bool event_on; /* EVENT_IDX and kicks wanted: pop keeps avail_event at the next entry */
	bool broken;   /* ring corrupt: stop serving it */
	struct vq_limits limits;
	unsigned chain_max; /* buffers a direct chain may have: min(num, max_segments) */
	vq_map_fn map;
	vq_window_fn window; /* optional */
	void *map_opaque;
	struct vq_window win; /* the last run window() gave (pop side: popping is serialised) */
	struct vaccel_lock used_lock; /* serialises push/notify decisions */
};

/* One popped chain. iov[0..nr_read) are device-readable, then nr_write writable. */
struct vq_elem {
	uint16_t head;
	unsigned nr_read;
	unsigned nr_write;
	uint64_t read_bytes;
	uint64_t write_bytes;
	struct iovec *iov;
};

/*
 * Set up the device side on rings already mapped into our address space.
 * Returns 0, or -EINVAL for a size that is not a power of two in 1..VQ_MAX_SIZE
 * or misaligned ring pointers. limits may be NULL; a zero field means its
 * default (VQ_MAX_SIZE segments, UINT32_MAX bytes); segments are capped at
 * VQ_MAX_SEGMENTS. The used index resumes from used->idx.
 */
int vq_dev_init(struct vq_dev *vq, uint16_t num, void *desc, void *avail, void *used,
		uint16_t last_avail, bool event_idx, const struct vq_limits *limits, vq_map_fn map,
		void *map_opaque);
void vq_dev_destroy(struct vq_dev *vq);

/*
 * Translate buffers through window() (same opaque as map), remembering the
 * last run: a buffer inside it costs a bounds check instead of a call.
 * Call after vq_dev_init(), before the first pop. The runs must stay valid
 * until the queue is initialised again (the caller re-initialises it when
 * its memory changes).
 */
void vq_dev_set_window(struct vq_dev *vq, vq_window_fn window);

/* vq_dev_pop() once an entry is published (avail_idx ahead by 1..num): the walk. */
int vq_dev_pop_chain(struct vq_dev *vq, struct vq_elem *elem, struct iovec *iov, unsigned iov_cap);

/*
 * Pop the next available chain into elem, using iov[0..iov_cap) as storage.
 * Callers serialise pops on one queue. Returns:
 *   1         elem filled;
 *   0         nothing available (elem untouched);
 *  -EBADMSG   the chain is malformed (bad address, loop, too long, writable
 *             before readable, nested indirect, ...): elem->head is valid and
 *             the caller completes it with vq_dev_push(vq, head, 0);
 *  -EPROTO    the ring itself is corrupt (avail index ran ahead by more than
 *             num, head out of range): the queue is marked broken.
 *
 * Chain rules: zero-length descriptors are accepted and skipped (no iov
 * entry, still counted against max_segments and the readable-then-writable
 * order); an INDIRECT descriptor must be the chain's only one (head, no
 * NEXT), its table 16*n bytes with 1 <= n <= max_segments, and nothing
 * in it INDIRECT; a chain needing more than iov_cap iov entries is
 * malformed (size iov for limits.max_segments). Each descriptor is read
 * once; each buffer goes through map() once.
 *
 * Inline: the device's worker pops twice per request in notification mode,
 * and the second pop finds the ring empty; that one costs a load and two
 * compares, without a call (the range check is for an index that moved).
 */
static inline int vq_dev_pop(struct vq_dev *vq, struct vq_elem *elem, struct iovec *iov,
			     unsigned iov_cap)
{
	uint16_t avail_idx;

	if (vq->broken)
		return -EPROTO;
	/* Acquire: the ring entry and descriptors are read after the index. */
	avail_idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	vq->avail_seen = avail_idx;
	/* Nothing new (every other pop of a notified queue): elem is not filled. */
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		vq->broken = true;
		return -EPROTO;
	}
	return vq_dev_pop_chain(vq, elem, iov, iov_cap);
}

/* used_event lives after the avail ring, avail_event after the used ring. */
#define vq_used_event(vq) ((void *)&(vq)->avail->ring[(vq)->num])
#define vq_avail_event(vq) ((void *)((uint8_t *)(vq)->used->ring + 8 * (size_t)(vq)->num))

/* vq_dev_push()'s work, used_lock held: whether to notify. */
static inline bool vq_dev_push_locked(struct vq_dev *vq, uint16_t head, uint32_t written)
{
	struct vring_used_elem *ue = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	uint16_t old, new, event;
	bool valid;

	/*
	 * A driver that reuses its descriptors gets the same head and length
	 * back at the same slot after a wrap: rewriting them would take the
	 * line from the driver for nothing (vaccel_put_changed()).
	 */
	if (__atomic_load_n(&ue->id, __ATOMIC_RELAXED) != htole32(head))
		__atomic_store_n(&ue->id, htole32(head), __ATOMIC_RELAXED);
	if (__atomic_load_n(&ue->len, __ATOMIC_RELAXED) != htole32(written))
		__atomic_store_n(&ue->len, htole32(written), __ATOMIC_RELAXED);
	new = ++vq->used_idx;
	/* Release: the element is visible before the index that publishes it. */
	__atomic_store_n(&vq->used->idx, htole16(new), __ATOMIC_RELEASE);

	/* Store (used idx) then load (used_event / flags): needs a full fence. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(le16toh(__atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED)) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	valid = vq->signalled_used_valid;
	old = vq->signalled_used;
	vq->signalled_used = new;
	vq->signalled_used_valid = true;
	event = le16toh(__atomic_load_n((uint16_t *)vq_used_event(vq), __ATOMIC_RELAXED));
	return !valid || vring_need_event(event, new, old);
}

/*
 * Return a chain to the driver with `written` bytes written. Thread-safe.
 * Returns true when the driver must be notified (EVENT_IDX / NO_INTERRUPT).
 * Inline: every request ends here, and out of line the lock's slow paths
 * (calls) cost it a frame.
 */
static inline bool vq_dev_push(struct vq_dev *vq, uint16_t head, uint32_t written)
{
	bool notify;

	vaccel_lock(&vq->used_lock);
	notify = vq_dev_push_locked(vq, head, written);
	vaccel_unlock(&vq->used_lock);
	return notify;
}

/* Whether the avail ring holds entries not yet popped. */
bool vq_dev_avail_pending(struct vq_dev *vq);

/*
 * Whether the last vq_dev_pop() saw entries published beyond the one it
 * popped: a hint that costs no access to the ring (the driver may have added
 * more since; vq_dev_avail_pending() reads the ring again).
 */
static inline bool vq_dev_seen_more(const struct vq_dev *vq)
{
	return vq->avail_seen != vq->last_avail;
}

/*
 * Ask for (true) or suppress (false) kicks. After enabling, callers re-check
 * vq_dev_avail_pending() to close the race with a driver that just added.
 * Under EVENT_IDX, pop() keeps avail_event at the next entry while kicks are
 * wanted (so the driver kicks only when it adds to a ring it believes
 * drained); suppressing puts avail_event behind what the driver has
 * published, where no add reaches it, and pop() leaves it there: a device
 * that polls gets no kick per request (the driver's system call, and a
 * wake-up for every idle worker). Called by the thread that pops.
 */
void vq_dev_set_notify(struct vq_dev *vq, bool enable);

/*
 * Before sleeping on an empty ring: vq_dev_set_notify(vq, true), then the
 * re-check. True when entries were published meanwhile (pop again, no kick
 * may come for them). Called by the thread that pops.
 */
bool vq_dev_arm(struct vq_dev *vq);

/* The ring position to report in GET_VRING_BASE. */
uint16_t vq_dev_last_avail(const struct vq_dev *vq);

/*
 * Polling without the caller's lock: the index the driver moves (avail->idx),
 * and in *seen its value when nothing is left to pop. Take both under the
 * lock that serialises pops, then watch the word without it
 * (vaccel_spin_watch()); a change is only a hint: pop under the lock.
 */
static inline const uint16_t *vq_dev_watch(const struct vq_dev *vq, uint16_t *seen)
{
	*seen = htole16(vq->last_avail);
	return &vq->avail->idx;
}

/* ---------------------------------------------------------------- driver */

/* One buffer of a chain, by address on the device's side. */
struct vq_buf {
	uint64_t addr;
	uint32_t len;
};

struct vq_drv {
	uint16_t num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t ring_addr; /* where the ring memory is on the device's side */
	uint16_t free_head;
	uint16_t num_free;
	uint16_t avail_idx; /* shadow of avail->idx */
	uint16_t last_used;
	uint16_t kicked_avail; /* avail_idx at the last kick decision */
	bool event_idx;
	void **tokens;	     /* per head */
	uint16_t *chain_len; /* descriptors per head, to free them */
};

/* Bytes of ring memory for num entries (desc, avail, used; used 4-aligned). */
size_t vq_ring_bytes(uint16_t num);

/*
 * Lay out a ring in `ring` (vq_ring_bytes(num) bytes, zeroed here) that the
 * device sees at ring_addr. Returns 0, -EINVAL or -ENOMEM.
 */
int vq_drv_init(struct vq_drv *vq, uint16_t num, void *ring, uint64_t ring_addr, bool event_idx);
void vq_drv_destroy(struct vq_drv *vq);

/* Device-side addresses of the three parts, for SET_VRING_ADDR. */
void vq_drv_ring_addrs(const struct vq_drv *vq, uint64_t *desc, uint64_t *avail, uint64_t *used);

/*
 * Add a chain: bufs[0..nr_read) device-readable, then nr_write writable.
 * token comes back from vq_drv_get_used(). Callers serialise driver calls.
 * Returns 0, -ENOSPC (ring full) or -EINVAL.
 */
int vq_drv_add(struct vq_drv *vq, const struct vq_buf *bufs, unsigned nr_read, unsigned nr_write,
	       void *token);

/* Publish added chains; returns true when the device must be kicked. */
bool vq_drv_kick_prepare(struct vq_drv *vq);

/*
 * Take one completed chain: its token and written length, or NULL. Used
 * entries naming a head that is not in flight are skipped. len is the
 * device's claim: bound it by the writable bytes you offered before use.
 */
void *vq_drv_get_used(struct vq_drv *vq, uint32_t *len);

/*
 * vq_dev_watch()'s driver side: the index the device moves (used->idx), and
 * in *seen its value when nothing is left to reap. Under the lock that
 * serialises driver calls; watch without it, reap under it.
 */
static inline const uint16_t *vq_drv_watch(const struct vq_drv *vq, uint16_t *seen)
{
	*seen = htole16(vq->last_used);
	return &vq->used->idx;
}

/* Stop / re-arm used-buffer notifications. enable returns false if used
 * entries are already pending (the caller then polls again). */
void vq_drv_disable_cb(struct vq_drv *vq);
bool vq_drv_enable_cb(struct vq_drv *vq);

#endif /* VQ_H */
