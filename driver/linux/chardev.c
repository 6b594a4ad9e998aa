// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: the /dev/accel misc device (spec §9).
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
	 * node under the same mutex before it drops the probe's reference,
	 * so the device is alive here.
	 */
	struct virtaccel *va = container_of(file->private_data, struct virtaccel, misc);
	struct virtaccel_file *vf;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	virtaccel_own_init(vf);
	virtaccel_get(va);
	vf->va = va;
	file->private_data = vf;
	return stream_open(inode, file);
}

static int virtaccel_release(struct inode *inode, struct file *file)
{
	struct virtaccel_file *vf = file->private_data;

	virtaccel_own_release(vf);
	virtaccel_put(vf->va);
	kfree(vf);
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

	if (READ_ONCE(va->dead))
		return -ENODEV;
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Hand the response back: write-arg lengths, then id, vaccel_ret and status. */
static int virtaccel_copy_out(struct virtaccel_req *req, struct virtio_accel_ioc_req __user *ureq)
{
	struct virtio_accel_ioc_req out = {
		.id = le64_to_cpu(req->resp->id),
		.vaccel_ret = (s32)le32_to_cpu(req->resp->vaccel_ret),
		.status = req->resp->status,
	};
	const size_t off = offsetof(struct virtio_accel_ioc_req, id);
	unsigned int i;

	for (i = 0; i < req->nr_write; i++)
		if (put_user(le64_to_cpu(req->out_len[i]), &req->uwrite[i].len))
			return -EFAULT;
	if (copy_to_user((u8 __user *)ureq + off, (u8 *)&out + off, sizeof(out) - off))
		return -EFAULT;
	return 0;
}

static long virtaccel_ioctl_request(struct virtaccel_file *vf,
				    struct virtio_accel_ioc_req __user *ureq)
{
	struct virtaccel *va = vf->va;
	struct virtio_accel_ioc_req ir;
	struct virtaccel_id *spare;
	struct virtaccel_req *req;
	int ret;

	if (copy_from_user(&ir, ureq, sizeof(ir)))
		return -EFAULT;
	if (READ_ONCE(va->dead))
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
	ret = virtaccel_req_pin(req);
	if (ret)
		goto unreserve;
	ret = virtaccel_submit(va, req, true);
	if (ret)
		goto unreserve;
	ret = virtaccel_req_wait(req);
	if (ret)
		goto unreserve;
	ret = virtaccel_req_result(req);
	if (ret)
		goto unreserve;
	/* Recorded before the copy-out, so a failing copy leaks nothing. */
	virtaccel_own_commit(vf, req, &spare);
	ret = virtaccel_copy_out(req, ureq);
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

const struct file_operations virtaccel_fops = {
	.owner = THIS_MODULE,
	.open = virtaccel_open,
	.release = virtaccel_release,
	.unlocked_ioctl = virtaccel_ioctl,
	/* Same layout for 32-bit processes: only the pointer argument differs. */
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};
