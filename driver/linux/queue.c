// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: request queues.
 *
 * Every request queue the device offers is used; a submitter picks the queue
 * of its CPU. Each queue has one spinlock around every virtqueue operation
 * (add, get_buf, detach), taken from the interrupt callback too. The
 * notification (an MMIO write or a vmexit) happens after the lock is
 * dropped. When the ring is full, submitters sleep on the queue's wait queue
 * until a completion frees descriptors: the caller never sees -ENOSPC.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/virtio_config.h>

#include "virtaccel.h"

/* Attempts to get an indirect table allocated before giving up with -ENOMEM. */
#define VIRTACCEL_ALLOC_RETRIES 3

static void virtaccel_vq_done(struct virtqueue *vq)
{
	struct virtaccel *va = vq->vdev->priv;
	struct virtaccel_queue *q = &va->queues[vq->index];
	struct virtaccel_req *req;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&q->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((req = virtqueue_get_buf(vq, &len)))
			virtaccel_req_complete(req, len, 0);
	} while (!virtqueue_enable_cb(vq));
	q->completions++;
	spin_unlock_irqrestore(&q->lock, flags);

	/* Descriptors were freed: submitters waiting for ring space retry. */
	if (wq_has_sleeper(&q->space))
		wake_up(&q->space);
}

int virtaccel_queues_init(struct virtaccel *va)
{
	struct virtqueue **vqs;
	vq_callback_t **cbs;
	const char **names;
	unsigned int i;
	int ret = -ENOMEM;

	/* Called again by restore: the queue structures outlive their vqs. */
	if (!va->queues) {
		va->queues = kcalloc(va->nvqs, sizeof(*va->queues), GFP_KERNEL);
		if (!va->queues)
			return -ENOMEM;
		for (i = 0; i < va->nvqs; i++) {
			struct virtaccel_queue *q = &va->queues[i];

			spin_lock_init(&q->lock);
			init_waitqueue_head(&q->space);
			snprintf(q->name, sizeof(q->name), "requestq%u", i);
		}
	}
	vqs = kcalloc(va->nvqs, sizeof(*vqs), GFP_KERNEL);
	cbs = kcalloc(va->nvqs, sizeof(*cbs), GFP_KERNEL);
	names = kcalloc(va->nvqs, sizeof(*names), GFP_KERNEL);
	if (!vqs || !cbs || !names)
		goto out;

	for (i = 0; i < va->nvqs; i++) {
		cbs[i] = virtaccel_vq_done;
		names[i] = va->queues[i].name;
	}

	ret = virtio_find_vqs(va->vdev, va->nvqs, vqs, cbs, names, NULL);
	if (ret)
		goto out;
	for (i = 0; i < va->nvqs; i++)
		va->queues[i].vq = vqs[i];
out:
	kfree(names);
	kfree(cbs);
	kfree(vqs);
	return ret;
}

/*
 * Stop all submissions: after this returns no submitter touches a
 * virtqueue again, so the device can be reset and the vqs deleted.
 */
void virtaccel_queues_kill(struct virtaccel *va)
{
	unsigned int i;

	WRITE_ONCE(va->dead, true);
	/* Submitters test dead inside an srcu read section that spans add + notify. */
	synchronize_srcu(&va->srcu);
	for (i = 0; i < va->nvqs; i++)
		wake_up_all(&va->queues[i].space);
}

/*
 * Fail every request the device still held. Called after the device was
 * reset, so neither the device nor the callback touches the rings any more;
 * remove() no longer races with anyone here and takes no lock (the release of
 * a request may sleep).
 */
void virtaccel_queues_drain(struct virtaccel *va)
{
	struct virtaccel_req *req;
	unsigned int i;

	for (i = 0; i < va->nvqs; i++)
		while ((req = virtqueue_detach_unused_buf(va->queues[i].vq)))
			virtaccel_req_complete(req, 0, -ENODEV);
}

/**
 * virtaccel_submit - put a request on the ring and notify the device
 * @va: the device
 * @req: a request built by virtaccel_req_pin()
 * @killable: sleep for ring space killably (ioctl) or not (release paths,
 *            which must get their DESTROY out even for a dying process)
 *
 * Takes the device's reference on @req; the completion drops it.
 * Return: 0, -ENODEV (device removed), -EINTR (killed while the ring was
 * full), -ENOMEM (no memory for the indirect table), or an error from the
 * virtqueue.
 */
int virtaccel_submit(struct virtaccel *va, struct virtaccel_req *req, bool killable)
{
	struct virtaccel_queue *q = &va->queues[raw_smp_processor_id() % va->nvqs];
	unsigned int tries = 0;
	int ret;

	kref_get(&req->ref);
	for (;;) {
		bool notify = false, full = false, busy = false;
		unsigned long flags, seen = 0;
		int idx;

		idx = srcu_read_lock(&va->srcu);
		spin_lock_irqsave(&q->lock, flags);
		if (smp_load_acquire(&va->dead)) {
			ret = -ENODEV;
		} else {
			/* Under a spinlock: the indirect table must come from GFP_ATOMIC. */
			ret = virtqueue_add_sgs(q->vq, req->sgs, req->nr_out, req->nr_in, req,
						GFP_ATOMIC | __GFP_NOWARN);
			if (!ret) {
				req->submitted = true;
				notify = virtqueue_kick_prepare(q->vq);
			} else if (ret == -ENOSPC) {
				/*
				 * With indirect descriptors one free slot is
				 * enough, so free slots mean the table
				 * allocation failed.
				 */
				full = !q->vq->num_free ||
				       (!va->indirect && q->vq->num_free < req->nr_segs);
				busy = q->vq->num_free < virtqueue_get_vring_size(q->vq);
				seen = q->completions;
			}
		}
		spin_unlock_irqrestore(&q->lock, flags);
		if (notify)
			virtqueue_notify(q->vq);
		srcu_read_unlock(&va->srcu, idx);

		if (ret != -ENOSPC)
			break;
		if (!full && ++tries <= VIRTACCEL_ALLOC_RETRIES) {
			/*
			 * Let a sleeping allocation reclaim or compact a block
			 * of the table's size, then retry the atomic one.
			 */
			kfree(kmalloc_array(req->nr_segs, 16, GFP_KERNEL | __GFP_NOWARN));
			continue;
		}
		if (!full && !busy) {
			ret = -ENOMEM;
			break;
		}
		if (killable) {
			if (wait_event_killable(q->space, READ_ONCE(q->completions) != seen ||
								  READ_ONCE(va->dead))) {
				ret = -EINTR;
				break;
			}
		} else {
			wait_event(q->space,
				   READ_ONCE(q->completions) != seen || READ_ONCE(va->dead));
		}
	}
	if (ret)
		virtaccel_req_put(req);
	return ret;
}
