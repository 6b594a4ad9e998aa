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
 * Sessions are kept keyed by session id; resource registrations as
 * (session, resource) pairs keyed by resource id, so a resource stays
 * nameable while any session of the file holds it.
 */
#include <linux/slab.h>

#include "virtaccel.h"

void virtaccel_own_init(struct virtaccel_file *vf)
{
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

/**
 * virtaccel_own_check - may this file send this request?
 * @vf: the file
 * @req: the request, with its interpreted arguments already copied
 *
 * Return: 0, or -EPERM when the request names a session or resource this
 * file does not own.
 */
int virtaccel_own_check(struct virtaccel_file *vf, const struct virtaccel_req *req)
{
	bool ok = true;

	mutex_lock(&vf->lock);
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
	mutex_unlock(&vf->lock);
	return ok ? 0 : -EPERM;
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
	id = kzalloc(sizeof(*id), GFP_KERNEL);
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

static void virtaccel_forget_session(struct virtaccel_file *vf, u64 session)
{
	struct virtaccel_id *id;
	struct hlist_node *tmp;
	unsigned int bkt;

	id = virtaccel_find_session(vf, session);
	if (id)
		virtaccel_forget(vf, id);
	/* The device unregisters a destroyed session's resources (spec §6.1). */
	hash_for_each_safe(vf->regs, bkt, tmp, id, node)
		if (id->session == session)
			virtaccel_forget(vf, id);
}

/**
 * virtaccel_own_commit - record what a completed request created or removed
 * @vf: the file
 * @req: a request the device answered with a well-formed response
 * @spare: the entry from virtaccel_own_reserve(); set to NULL when used
 */
void virtaccel_own_commit(struct virtaccel_file *vf, const struct virtaccel_req *req,
			  struct virtaccel_id **spare)
{
	const struct virtio_accel_resp_hdr *resp = req->resp;
	bool ok = resp->status == VIRTIO_ACCEL_S_OK && !resp->vaccel_ret;
	u64 new_id = le64_to_cpu(resp->id);
	struct virtaccel_id *id;
	u64 res;

	mutex_lock(&vf->lock);
	switch (req->code) {
	case VIRTIO_ACCEL_C_CREATE_SESSION:
		if (!ok || !new_id || virtaccel_find_session(vf, new_id))
			break;
		(*spare)->session = new_id;
		hash_add(vf->sessions, &(*spare)->node, new_id);
		*spare = NULL;
		break;
	case VIRTIO_ACCEL_C_REGISTER_RESOURCE:
		res = req->object_id ? req->object_id : new_id;
		if (!ok || !res || virtaccel_find_reg(vf, req->session_id, res))
			break;
		(*spare)->session = req->session_id;
		(*spare)->resource = res;
		hash_add(vf->regs, &(*spare)->node, res);
		*spare = NULL;
		break;
	case VIRTIO_ACCEL_C_DESTROY_SESSION:
		/* Kept if the host could not destroy it: release() retries. */
		if (ok || resp->status == VIRTIO_ACCEL_S_INVSESS)
			virtaccel_forget_session(vf, req->session_id);
		break;
	case VIRTIO_ACCEL_C_UNREGISTER_RESOURCE:
		if (!ok && resp->status != VIRTIO_ACCEL_S_INVRES &&
		    resp->status != VIRTIO_ACCEL_S_INVSESS)
			break;
		id = virtaccel_find_reg(vf, req->session_id, req->object_id);
		if (id)
			virtaccel_forget(vf, id);
		break;
	}
	mutex_unlock(&vf->lock);
}

/*
 * The file is gone: destroy its sessions on the device. No ioctl of the file
 * runs any more, but requests it abandoned may still be in flight; the
 * device defers the destruction until they finish (spec §8).
 */
void virtaccel_own_release(struct virtaccel_file *vf)
{
	struct virtaccel_id *id;
	struct hlist_node *tmp;
	unsigned int bkt;

	hash_for_each_safe(vf->sessions, bkt, tmp, id, node) {
		virtaccel_send_destroy(vf->va, id->session);
		virtaccel_forget(vf, id);
	}
	hash_for_each_safe(vf->regs, bkt, tmp, id, node)
		virtaccel_forget(vf, id);
	mutex_destroy(&vf->lock);
}
