// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: the device nodes, /dev/vaccel (and /dev/accel where that
 * name is free), spec §9.
 *
 * Each ioctl structure is copied from user space once and only the copy is
 * looked at. The ABI has fixed-width fields only, so 32-bit processes use
 * the same handlers.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "virtaccel.h"

static int virtaccel_open(struct inode *inode, struct file *file)
{
	/*
	 * misc_open() calls us under misc_mtx and remove() deregisters the
	 * nodes under the same mutex before it drops the probe's reference,
	 * so the device is alive here.
	 */
	struct virtaccel_node *node = container_of(file->private_data, struct virtaccel_node, misc);
	struct virtaccel *va = node->va;
	struct virtaccel_file *vf;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL_ACCOUNT);
	if (!vf)
		return -ENOMEM;
	virtaccel_own_init(vf, va);
	virtaccel_get(va);
	mutex_lock(&va->files_lock);
	vf->epoch = va->epoch;
	list_add(&vf->node, &va->files);
	mutex_unlock(&va->files_lock);
	file->private_data = vf;
	return stream_open(inode, file);
}

static int virtaccel_release(struct inode *inode, struct file *file)
{
	struct virtaccel_file *vf = file->private_data;
	struct virtaccel *va = vf->va;

	/* Still listed meanwhile, so a concurrent sweep destroys what this skips. */
	virtaccel_own_release(vf);
	mutex_lock(&va->files_lock);
	list_del(&vf->node);
	mutex_unlock(&va->files_lock);
	kfree(vf);
	virtaccel_put(va);
	return 0;
}

static long virtaccel_ioctl_info(struct virtaccel_file *vf, void __user *uarg)
{
	struct virtaccel *va = vf->va;
	struct virtio_accel_ioc_info info = {
		.version = va->version,
		.num_queues = va->nvqs,
		.max_args = va->lim.max_args,
		.max_segments = va->lim.max_segments,
		.max_request_bytes = va->lim.max_request_bytes,
		.features = va->features,
	};

	if (READ_ONCE(va->closed))
		return -ENODEV;
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

/*
 * Hand the response back: write-arg lengths, then id, vaccel_ret and status.
 * A created id the file did not record (@recorded false) is not handed out:
 * the driver destroyed it or the device was reset.
 */
static int virtaccel_copy_out(struct virtaccel_req *req, struct virtio_accel_ioc_req __user *ureq,
			      bool recorded)
{
	bool creates = req->code == VIRTIO_ACCEL_C_CREATE_SESSION ||
		       (req->code == VIRTIO_ACCEL_C_REGISTER_RESOURCE && !req->object_id);
	struct virtio_accel_ioc_req out = {
		.id = creates && !recorded ? 0 : req->ans.id,
		.vaccel_ret = req->ans.vaccel_ret,
		.status = req->ans.status,
	};
	const struct virtio_accel_ioc_arg *wr = req->args + req->nr_read;
	const size_t off = offsetof(struct virtio_accel_ioc_req, id);
	unsigned int i;

	for (i = 0; i < req->nr_write; i++)
		if (put_user(wr[i].len, &req->uwrite[i].len))
			return -EFAULT;
	if (copy_to_user((u8 __user *)ureq + off, (u8 *)&out + off, sizeof(out) - off))
		return -EFAULT;
	return 0;
}

/* Send @req and wait; ids it ends are forgotten once it is on its way. */
static int virtaccel_send(struct virtaccel_file *vf, struct virtaccel_req *req)
{
	struct hlist_head taken;
	int ret;

	virtaccel_own_take(vf, req, &taken);
	ret = virtaccel_submit(vf->va, req);
	virtaccel_own_untake(vf, req, &taken, !ret);
	return ret ? ret : virtaccel_req_wait(req);
}

static long virtaccel_ioctl_request(struct virtaccel_file *vf,
				    struct virtio_accel_ioc_req __user *ureq)
{
	struct virtaccel *va = vf->va;
	struct virtio_accel_ioc_req ir;
	struct virtaccel_id *spare;
	enum virtaccel_session_fate fate;
	struct virtaccel_req *req;
	int ret, recorded;

	if (copy_from_user(&ir, ureq, sizeof(ir)))
		return -EFAULT;
	if (READ_ONCE(va->closed))
		return -ENODEV;
	ret = virtaccel_check_req(&ir, &va->lim);
	if (ret)
		return ret;

	req = virtaccel_req_create(va, &ir);
	if (IS_ERR(req))
		return PTR_ERR(req);
	ret = virtaccel_own_check(vf, req);
	if (ret)
		goto put;
	spare = virtaccel_own_reserve(vf, req);
	if (IS_ERR(spare)) {
		ret = PTR_ERR(spare);
		goto put;
	}
	ret = virtaccel_chain_build(req);
	if (ret)
		goto unreserve;
	ret = virtaccel_send(vf, req);
	if (ret)
		goto unreserve;
	ret = virtaccel_req_result(req);
	if (ret)
		goto unreserve;
	/* Recorded before the copy-out, so a failing copy leaks nothing. */
	recorded = virtaccel_own_commit(vf, req, &spare);
	/* A session reported failed, or made across a reset, is not left on the host. */
	fate = virtaccel_session_fate(req->ans.status, req->ans.vaccel_ret, req->ans.id);
	if (req->code == VIRTIO_ACCEL_C_CREATE_SESSION &&
	    (fate == VIRTACCEL_SESSION_DESTROY ||
	     (fate == VIRTACCEL_SESSION_RECORD && recorded < 0)))
		virtaccel_send_destroy(va, req->ans.id);
	ret = recorded < 0 ? recorded : virtaccel_copy_out(req, ureq, recorded == 1);
unreserve:
	virtaccel_own_unreserve(vf, spare);
put:
	virtaccel_req_put(req);
	return ret;
}

static long virtaccel_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct virtaccel_file *vf = file->private_data;

	switch (cmd) {
	case VIRTIO_ACCEL_IOC_REQUEST:
		return virtaccel_ioctl_request(vf, (void __user *)arg);
	case VIRTIO_ACCEL_IOC_INFO:
		return virtaccel_ioctl_info(vf, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

/* No .llseek: stream_open() makes lseek() fail with ESPIPE (compat.h). */
const struct file_operations virtaccel_fops = {
	.owner = THIS_MODULE,
	.open = virtaccel_open,
	.release = virtaccel_release,
	.unlocked_ioctl = virtaccel_ioctl,
	/* Same layout for 32-bit processes: only the pointer argument differs. */
	.compat_ioctl = compat_ptr_ioctl,
};
