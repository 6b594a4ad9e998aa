// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: request queues.
 *
 * Every request queue the device offers is used; a submitter picks the queue
 * of its CPU. Each queue has one spinlock around every virtqueue operation
 * (add, get_buf, detach), taken from the interrupt callback too. The
 * notification (an MMIO write or a vmexit) happens after the lock is
 * dropped.
 *
 * Ring full: a request from user space sleeps (killably and freezably) on
 * the queue's wait queue until a completion frees descriptors; it never
 * sees -ENOSPC. The driver's own DESTROYs (release(), a work item, remove()
 * and suspend) never sleep: they try every queue and, when all are full,
 * are parked on the device's pending list, which the next completion
 * resubmits from a work item.
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/virtio_config.h>

#include "compat.h"
#include "virtaccel.h"

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

	/* Descriptors were freed: parked DESTROYs and waiting submitters retry. */
	if (atomic_read(&va->nr_pending))
		queue_work(virtaccel_wq, &va->pending_work);
	if (wq_has_sleeper(&q->space))
		wake_up(&q->space);
}

int virtaccel_queues_init(struct virtaccel *va)
{
	struct virtqueue **vqs;
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
	names = kcalloc(va->nvqs, sizeof(*names), GFP_KERNEL);
	if (!vqs || !names)
		goto out;
	for (i = 0; i < va->nvqs; i++)
		names[i] = va->queues[i].name;

	ret = virtaccel_find_vqs(va->vdev, va->nvqs, vqs, virtaccel_vq_done, names);
	if (ret)
		goto out;
	for (i = 0; i < va->nvqs; i++)
		va->queues[i].vq = vqs[i];
out:
	kfree(names);
	kfree(vqs);
	return ret;
}

/* Set a submission gate and wait until no submitter is past it. */
static void virtaccel_queues_gate(struct virtaccel *va, bool *gate)
{
	unsigned int i;

	WRITE_ONCE(*gate, true);
	/* Submitters test the gates inside an srcu read section that spans add + notify. */
	synchronize_srcu(&va->srcu);
	for (i = 0; i < va->nvqs; i++)
		wake_up_all(&va->queues[i].space);
}

/* No request from user space reaches a ring after this returns. */
void virtaccel_queues_close(struct virtaccel *va)
{
	virtaccel_queues_gate(va, &va->closed);
}

/*
 * Stop all submissions: after this returns no submitter touches a
 * virtqueue again, so the device can be reset and the vqs deleted.
 */
void virtaccel_queues_kill(struct virtaccel *va)
{
	virtaccel_queues_gate(va, &va->dead);
}

/*
 * Fail every request the device still held, and the parked ones, with
 * @error (-ENODEV; -ESHUTDOWN when the backend went away). Called after the device was reset, so
 * neither the device nor the callback touches the rings any more and no
 * callback queues the pending work again; remove() no longer races with
 * anyone here and takes no queue lock (the release of a request may sleep).
 */
void virtaccel_queues_drain(struct virtaccel *va, int error)
{
	struct virtaccel_req *req, *tmp;
	LIST_HEAD(parked);
	unsigned int i;

	cancel_work_sync(&va->pending_work);
	spin_lock(&va->pending_lock);
	list_splice_init(&va->pending, &parked);
	spin_unlock(&va->pending_lock);
	list_for_each_entry_safe(req, tmp, &parked, pending) {
		list_del_init(&req->pending);
		atomic_dec(&va->nr_pending);
		virtaccel_req_complete(req, 0, error);
	}
	for (i = 0; i < va->nvqs; i++)
		while ((req = virtqueue_detach_unused_buf(va->queues[i].vq)))
			virtaccel_req_complete(req, 0, error);
}

/*
 * Reap what the device completed on every ring, as the interrupt would:
 * for a waiter that has waited VIRTACCEL_RECHECK_MS, so that a lost
 * interrupt cannot hang it. Inside an srcu section, after the same check as
 * a submitter: the vqs are not deleted under it.
 */
void virtaccel_queues_recheck(struct virtaccel *va)
{
	int idx = srcu_read_lock(&va->srcu);
	unsigned int i;

	if (!smp_load_acquire(&va->dead))
		for (i = 0; i < va->nvqs; i++)
			virtaccel_vq_done(va->queues[i].vq);
	srcu_read_unlock(&va->srcu, idx);
}

/* May @req go to the device now? Called under a queue lock, in an srcu section. */
static bool virtaccel_may_submit(struct virtaccel *va, const struct virtaccel_req *req)
{
	/* Pairs with the release in restore(): the new vqs are visible. */
	if (smp_load_acquire(&va->dead))
		return false;
	return req->internal ||
	       (!smp_load_acquire(&va->closed) && req->epoch == READ_ONCE(va->epoch));
}

/*
 * One attempt to put @req on @q. On success the ring holds a reference.
 * Return: 0, -ENOSPC (not enough free descriptors; @seen says which
 * completion count that was), -ENODEV, -ESHUTDOWN (a user request while the
 * backend is away), or an error from the virtqueue.
 */
static int virtaccel_try_add(struct virtaccel *va, struct virtaccel_queue *q,
			     struct virtaccel_req *req, unsigned long *seen)
{
	bool notify = false;
	unsigned long flags;
	int idx, ret;

	kref_get(&req->ref);
	idx = srcu_read_lock(&va->srcu);
	spin_lock_irqsave(&q->lock, flags);
	if (!virtaccel_may_submit(va, req)) {
		/* A reset for a lost backend: the submitter waits for it (bounded). */
		ret = READ_ONCE(va->away) && !req->internal ? -ESHUTDOWN : -ENODEV;
	} else if (READ_ONCE(va->away) && !req->internal) {
		ret = -ESHUTDOWN;
	} else {
		/*
		 * Under a spinlock: an indirect table comes from GFP_ATOMIC. It
		 * is at most VIRTACCEL_MAX_SEGMENTS descriptors (order 0); if
		 * even that fails, the ring falls back to direct descriptors
		 * and reports -ENOSPC only when too few are free.
		 */
		ret = virtqueue_add_sgs(q->vq, req->chain.sgs, 1, 1, req,
					GFP_ATOMIC | __GFP_NOWARN);
		if (!ret) {
			req->submitted = true;
			notify = virtqueue_kick_prepare(q->vq);
			if (req->code == VIRTIO_ACCEL_C_CREATE_SESSION && !req->internal) {
				spin_lock(&va->creating_lock);
				list_add_tail(&req->creating, &va->creating);
				spin_unlock(&va->creating_lock);
			}
		}
		*seen = q->completions;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (notify)
		virtqueue_notify(q->vq);
	srcu_read_unlock(&va->srcu, idx);
	if (ret)
		virtaccel_req_put(req);
	return ret;
}

/* The driver's own request: any queue with room, else -ENOSPC. Never sleeps. */
static int virtaccel_submit_nowait(struct virtaccel *va, struct virtaccel_req *req)
{
	unsigned int first = raw_smp_processor_id() % va->nvqs, i;
	unsigned long seen;
	int ret = -ENOSPC;

	for (i = 0; i < va->nvqs && ret == -ENOSPC; i++)
		ret = virtaccel_try_add(va, &va->queues[(first + i) % va->nvqs], req, &seen);
	return ret;
}

/* Park an internal request until a completion frees ring space. */
static int virtaccel_park(struct virtaccel *va, struct virtaccel_req *req, bool at_head)
{
	int ret = 0;

	spin_lock(&va->pending_lock);
	/* After kill() nobody resubmits: the reset ends the session anyway. */
	if (READ_ONCE(va->dead)) {
		ret = -ENODEV;
	} else if (at_head) {
		list_add(&req->pending, &va->pending);
	} else {
		kref_get(&req->ref);
		atomic_inc(&va->nr_pending);
		list_add_tail(&req->pending, &va->pending);
	}
	spin_unlock(&va->pending_lock);
	/*
	 * A completion between the failed attempt and the count above did not
	 * see this request: try once more now (the work parks it again if the
	 * rings are still full, and completions from now on requeue it).
	 */
	if (!ret && !at_head)
		queue_work(virtaccel_wq, &va->pending_work);
	return ret;
}

/*
 * Resubmit parked requests in order, until the rings are full again. A
 * request stays counted in nr_pending while it is off the list here, so a
 * completion in the meantime queues this work once more.
 */
void virtaccel_pending_work(struct work_struct *work)
{
	struct virtaccel *va = container_of(work, struct virtaccel, pending_work);
	struct virtaccel_req *req;
	int ret;

	for (;;) {
		spin_lock(&va->pending_lock);
		req = list_first_entry_or_null(&va->pending, struct virtaccel_req, pending);
		if (req)
			list_del_init(&req->pending);
		spin_unlock(&va->pending_lock);
		if (!req)
			return;

		ret = virtaccel_submit_nowait(va, req);
		if (ret == -ENOSPC) {
			if (!virtaccel_park(va, req, true))
				return;
			ret = -ENODEV;
		}
		atomic_dec(&va->nr_pending);
		if (ret)
			virtaccel_req_complete(req, 0, ret); /* drops the list's reference */
		else
			virtaccel_req_put(req);
	}
}

/*
 * While the backend is away, wait for it until @deadline (killably,
 * freezably). Return: 0 (it is there), -ESHUTDOWN (not back in time), -EINTR.
 */
static int virtaccel_wait_backend(struct virtaccel *va, unsigned long deadline)
{
	long left;

	if (!READ_ONCE(va->away))
		return 0;
	left = max_t(long, (long)(deadline - jiffies), 0);
	left = ___wait_event(va->backend_wq, ___wait_cond_timeout(!READ_ONCE(va->away)),
			     VIRTACCEL_WAIT_STATE, 0, left, __ret = schedule_timeout(__ret));
	if (left < 0)
		return -EINTR;
	return READ_ONCE(va->away) ? -ESHUTDOWN : 0;
}

/**
 * virtaccel_submit - put a request on a ring and notify the device
 * @va: the device
 * @req: a request built by virtaccel_chain_build()
 *
 * A request from user space waits for ring space (killably, freezably) on
 * its CPU's queue. An internal one (req->internal) never waits: with every
 * ring full it is parked and sent by the next completion; its completion
 * then says what became of it.
 * While the host backend is away a request from user space waits for it at
 * most backend_wait_ms.
 * Return: 0 (on a ring, or parked), -ENODEV (device removed, suspended or
 * reset since the request's ids were checked), -ESHUTDOWN (the backend is
 * away and did not come back in time), -EINTR (killed while waiting), or an
 * error from the virtqueue.
 */
int virtaccel_submit(struct virtaccel *va, struct virtaccel_req *req)
{
	struct virtaccel_queue *q;
	unsigned long seen, deadline;
	int ret;

	if (req->internal) {
		/* Counted until completed, so that the sweep can wait for it. */
		atomic_inc(&va->nr_internal);
		ret = virtaccel_submit_nowait(va, req);
		if (ret == -ENOSPC)
			ret = virtaccel_park(va, req, false);
		if (ret && atomic_dec_and_test(&va->nr_internal))
			wake_up_all(&va->internal_wq);
		return ret;
	}

	q = &va->queues[raw_smp_processor_id() % va->nvqs];
	deadline = jiffies + msecs_to_jiffies(READ_ONCE(virtaccel_backend_wait_ms));
	for (;;) {
		ret = virtaccel_wait_backend(va, deadline);
		if (ret)
			return ret;
		ret = virtaccel_try_add(va, q, req, &seen);
		if (ret == -ESHUTDOWN)
			continue;
		if (ret != -ENOSPC)
			return ret;
		/* A chain never exceeds the ring: the ring is busy, a completion will come. */
		if (wait_event_state(q->space,
				     READ_ONCE(q->completions) != seen || READ_ONCE(va->closed) ||
					     READ_ONCE(va->dead) || READ_ONCE(va->away),
				     VIRTACCEL_WAIT_STATE))
			return -EINTR;
	}
}
