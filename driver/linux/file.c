// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: sessions and resources belong to the open file.
 *
 * The device scopes ids to the whole VM (spec §6); the driver narrows that to
 * the file descriptor: a request may only name a session created through the
 * same file, or a resource that file registered. Requests naming anything
 * else fail with -EPERM before they reach the device. Closing the file (or
 * the death of its process) destroys its remaining sessions, which releases
 * their resources on the host.
 *
 * An id leaves the table when the request that ends it is sent, whatever
 * becomes of that request (answered, killed, timed out): the file can never
 * name it again, even if the device later hands the same number to someone
 * else. All tables are emptied, the sessions destroyed, when the device is
 * removed or suspended (main.c): the table then belongs to an older epoch
 * and the file starts afresh in the new one.
 *
 * Sessions are kept keyed by session id; resource registrations as
 * (session, resource) pairs keyed by resource id, so a resource stays
 * nameable while any session of the file holds it.
 */
#include <linux/slab.h>

#include "virtaccel.h"

void virtaccel_own_init(struct virtaccel_file *vf, struct virtaccel *va)
{
	vf->va = va;
	mutex_init(&vf->lock);
	hash_init(vf->sessions);
	hash_init(vf->regs);
}

static struct virtaccel_id *virtaccel_find_session(struct virtaccel_file *vf, u64 session)
{
	struct virtaccel_id *id;

	hash_for_each_possible(vf->sessions, id, node, session)
		if (id->session == session)
			return id;
	return NULL;
}

static struct virtaccel_id *virtaccel_find_reg(struct virtaccel_file *vf, u64 session, u64 res)
{
	struct virtaccel_id *id;

	hash_for_each_possible(vf->regs, id, node, res)
		if (id->resource == res && (!session || id->session == session))
			return id;
	return NULL;
}

static void virtaccel_forget(struct virtaccel_file *vf, struct virtaccel_id *id)
{
	hash_del(&id->node);
	vf->nr_ids--;
	kfree(id);
}

static void virtaccel_forget_all(struct virtaccel_file *vf)
{
	struct virtaccel_id *id;
	struct hlist_node *tmp;
	unsigned int bkt;

	hash_for_each_safe(vf->sessions, bkt, tmp, id, node)
		virtaccel_forget(vf, id);
	hash_for_each_safe(vf->regs, bkt, tmp, id, node)
		virtaccel_forget(vf, id);
}

/**
 * virtaccel_own_check - may this file send this request?
 * @vf: the file
 * @req: the request, with its interpreted arguments already copied
 *
 * Records in @req the epoch its ids were checked in: the request is not
 * sent once the device has moved on (queue.c).
 * Return: 0; -EPERM when the request names a session or resource this file
 * does not own; -ENODEV while the device is being removed or suspended.
 */
int virtaccel_own_check(struct virtaccel_file *vf, struct virtaccel_req *req)
{
	bool ok = true;
	int ret = 0;

	mutex_lock(&vf->lock);
	if (vf->epoch != READ_ONCE(vf->va->epoch)) {
		ret = -ENODEV;
		goto out;
	}
	req->epoch = vf->epoch;
	if (req->code != VIRTIO_ACCEL_C_CREATE_SESSION)
		ok = virtaccel_find_session(vf, req->session_id);
	switch (req->code) {
	case VIRTIO_ACCEL_C_REGISTER_RESOURCE:
		if (req->object_id)
			ok = ok && virtaccel_find_reg(vf, 0, req->object_id);
		break;
	case VIRTIO_ACCEL_C_UNREGISTER_RESOURCE:
		ok = ok && virtaccel_find_reg(vf, 0, req->object_id);
		break;
	case VIRTIO_ACCEL_C_GENOP:
		if (req->has_res_arg)
			ok = ok && virtaccel_find_reg(vf, 0, req->res_arg);
		break;
	}
	if (!ok)
		ret = -EPERM;
out:
	mutex_unlock(&vf->lock);
	return ret;
}

/**
 * virtaccel_own_reserve - make room to record the id a request creates
 * @vf: the file
 * @req: the request
 *
 * Allocated before the request is sent, so an id the device hands out can
 * always be recorded (and later destroyed) instead of leaking on the host.
 * Return: NULL when the request creates nothing, an entry, or
 * ERR_PTR(-ENOMEM) / ERR_PTR(-EMFILE) (the file holds too many ids).
 */
struct virtaccel_id *virtaccel_own_reserve(struct virtaccel_file *vf,
					   const struct virtaccel_req *req)
{
	struct virtaccel_id *id;

	if (req->code != VIRTIO_ACCEL_C_CREATE_SESSION &&
	    req->code != VIRTIO_ACCEL_C_REGISTER_RESOURCE)
		return NULL;
	id = kzalloc(sizeof(*id), GFP_KERNEL_ACCOUNT);
	if (!id)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&vf->lock);
	if (vf->nr_ids >= VIRTACCEL_MAX_IDS_PER_FILE) {
		mutex_unlock(&vf->lock);
		kfree(id);
		return ERR_PTR(-EMFILE);
	}
	vf->nr_ids++;
	mutex_unlock(&vf->lock);
	return id;
}

void virtaccel_own_unreserve(struct virtaccel_file *vf, struct virtaccel_id *spare)
{
	if (!spare)
		return;
	mutex_lock(&vf->lock);
	vf->nr_ids--;
	mutex_unlock(&vf->lock);
	kfree(spare);
}

/**
 * virtaccel_own_take - take out the ids a DESTROY / UNREGISTER is about to end
 * @vf: the file
 * @req: the request, checked by virtaccel_own_check()
 * @taken: receives the entries
 *
 * From here on requests naming them fail with -EPERM. The caller hands them
 * to virtaccel_own_untake() once it knows whether the request was sent.
 */
void virtaccel_own_take(struct virtaccel_file *vf, const struct virtaccel_req *req,
			struct hlist_head *taken)
{
	struct virtaccel_id *id;
	struct hlist_node *tmp;
	unsigned int bkt;

	INIT_HLIST_HEAD(taken);
	mutex_lock(&vf->lock);
	if (vf->epoch != req->epoch)
		goto out;
	switch (req->code) {
	case VIRTIO_ACCEL_C_DESTROY_SESSION:
		id = virtaccel_find_session(vf, req->session_id);
		if (id) {
			hash_del(&id->node);
			hlist_add_head(&id->node, taken);
		}
		/* The device unregisters a destroyed session's resources (spec §6.1). */
		hash_for_each_safe(vf->regs, bkt, tmp, id, node) {
			if (id->session == req->session_id) {
				hash_del(&id->node);
				hlist_add_head(&id->node, taken);
			}
		}
		break;
	case VIRTIO_ACCEL_C_UNREGISTER_RESOURCE:
		id = virtaccel_find_reg(vf, req->session_id, req->object_id);
		if (id) {
			hash_del(&id->node);
			hlist_add_head(&id->node, taken);
		}
		break;
	}
out:
	mutex_unlock(&vf->lock);
}

/**
 * virtaccel_own_untake - settle what virtaccel_own_take() took
 * @vf: the file
 * @req: the request
 * @taken: the entries
 * @sent: the request reached the device: the ids are forgotten for good;
 *        otherwise they go back (unless the table was emptied meanwhile)
 */
void virtaccel_own_untake(struct virtaccel_file *vf, const struct virtaccel_req *req,
			  struct hlist_head *taken, bool sent)
{
	struct virtaccel_id *id;
	struct hlist_node *tmp;

	mutex_lock(&vf->lock);
	hlist_for_each_entry_safe(id, tmp, taken, node) {
		hlist_del(&id->node);
		if (!sent && vf->epoch == req->epoch) {
			if (id->resource)
				hash_add(vf->regs, &id->node, id->resource);
			else
				hash_add(vf->sessions, &id->node, id->session);
			continue;
		}
		vf->nr_ids--;
		kfree(id);
	}
	mutex_unlock(&vf->lock);
}

/**
 * virtaccel_own_commit - record the id a completed request created
 * @vf: the file
 * @req: a request the device answered with a well-formed response
 * @spare: the entry from virtaccel_own_reserve(); set to NULL when used
 *
 * Return: 1 when an id was recorded, 0 when there was none to record (or
 * the answer said it is not usable), -ENODEV for a CREATE_SESSION or
 * REGISTER_RESOURCE when the device was removed or suspended since the
 * request was checked: the id names nothing now.
 */
int virtaccel_own_commit(struct virtaccel_file *vf, const struct virtaccel_req *req,
			 struct virtaccel_id **spare)
{
	const struct virtaccel_answer *ans = &req->ans;
	u64 res;
	int ret = 0;

	mutex_lock(&vf->lock);
	if (vf->epoch != req->epoch) {
		if (req->code == VIRTIO_ACCEL_C_CREATE_SESSION ||
		    req->code == VIRTIO_ACCEL_C_REGISTER_RESOURCE)
			ret = -ENODEV;
		goto out;
	}
	switch (req->code) {
	case VIRTIO_ACCEL_C_CREATE_SESSION:
		if (virtaccel_session_fate(ans->status, ans->vaccel_ret, ans->id) !=
			    VIRTACCEL_SESSION_RECORD ||
		    virtaccel_find_session(vf, ans->id))
			break;
		(*spare)->session = ans->id;
		hash_add(vf->sessions, &(*spare)->node, ans->id);
		*spare = NULL;
		ret = 1;
		break;
	case VIRTIO_ACCEL_C_REGISTER_RESOURCE:
		res = req->object_id ? req->object_id : ans->id;
		if (ans->status != VIRTIO_ACCEL_S_OK || ans->vaccel_ret || !res ||
		    virtaccel_find_reg(vf, req->session_id, res))
			break;
		(*spare)->session = req->session_id;
		(*spare)->resource = res;
		hash_add(vf->regs, &(*spare)->node, res);
		*spare = NULL;
		ret = 1;
		break;
	}
out:
	mutex_unlock(&vf->lock);
	return ret;
}

/**
 * virtaccel_own_sweep - end the file's ids, destroying its sessions first
 * @vf: the file
 * @epoch: the epoch that ends; the file moves to the next one
 * @destroy: send DESTROYs (before a reset); false when the device holds none
 *	of them (a new backend that restored nothing)
 */
void virtaccel_own_sweep(struct virtaccel_file *vf, u64 epoch, bool destroy)
{
	struct virtaccel_id *id;
	unsigned int bkt;

	mutex_lock(&vf->lock);
	if (destroy && vf->epoch == epoch)
		hash_for_each(vf->sessions, bkt, id, node)
			virtaccel_send_destroy(vf->va, id->session);
	virtaccel_forget_all(vf);
	vf->epoch = epoch + 1;
	mutex_unlock(&vf->lock);
}

/*
 * The file is gone: destroy its sessions on the device. No ioctl of the file
 * runs any more, but requests it abandoned may still be in flight; the
 * device defers the destruction until they finish (spec §8). Nothing here
 * waits for the device.
 */
void virtaccel_own_release(struct virtaccel_file *vf)
{
	struct virtaccel_id *id;
	unsigned int bkt;

	mutex_lock(&vf->lock);
	if (vf->epoch == READ_ONCE(vf->va->epoch))
		hash_for_each(vf->sessions, bkt, id, node)
			virtaccel_send_destroy(vf->va, id->session);
	virtaccel_forget_all(vf);
	mutex_unlock(&vf->lock);
	mutex_destroy(&vf->lock);
}
