/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-accel: the kernel interfaces that changed between the kernels the
 * driver builds against (Debian 12's 6.1 up to current ones). Each change is
 * behind one version check here; the other files use only what is below.
 */
#ifndef VIRTACCEL_COMPAT_H
#define VIRTACCEL_COMPAT_H

#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/virtio_config.h>

/*
 * Largest page allocation order. 6.4 made MAX_ORDER inclusive, 6.8 renamed
 * it MAX_PAGE_ORDER.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define VIRTACCEL_MAX_PAGE_ORDER MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define VIRTACCEL_MAX_PAGE_ORDER MAX_ORDER
#else
#define VIRTACCEL_MAX_PAGE_ORDER (MAX_ORDER - 1)
#endif

/*
 * Set up @nvqs virtqueues, all with callback @cb and names @names. 6.11
 * replaced find_vqs()' parallel callback and name arrays with struct
 * virtqueue_info.
 */
static inline int virtaccel_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
				     struct virtqueue *vqs[], vq_callback_t *cb,
				     const char *const names[])
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	struct virtqueue_info *info;
	unsigned int i;
	int ret;

	info = kcalloc(nvqs, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	for (i = 0; i < nvqs; i++) {
		info[i].name = names[i];
		info[i].callback = cb;
	}
	ret = virtio_find_vqs(vdev, nvqs, vqs, info, NULL);
	kfree(info);
	return ret;
#else
	vq_callback_t **cbs;
	unsigned int i;
	int ret;

	cbs = kcalloc(nvqs, sizeof(*cbs), GFP_KERNEL);
	if (!cbs)
		return -ENOMEM;
	for (i = 0; i < nvqs; i++)
		cbs[i] = cb;
	ret = virtio_find_vqs(vdev, nvqs, vqs, cbs, names, NULL);
	kfree(cbs);
	return ret;
#endif
}

/*
 * no_llseek went away in 6.12: a file opened with stream_open() (ours) has
 * no FMODE_LSEEK, so lseek() fails with ESPIPE on every version without it.
 */

#endif /* VIRTACCEL_COMPAT_H */
