// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel guest driver: module, probe and remove.
 *
 * The device runs vAccel operations on the host (docs/virtio-accel.md).
 * Each device gets a misc node, /dev/accel for the first one, through which
 * processes send requests (chardev.c).
 */
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "virtaccel.h"

static char *node_name = "accel";
module_param(node_name, charp, 0444);
MODULE_PARM_DESC(node_name,
		 "name of the device node (default accel; further devices get accel1, ...)");

unsigned int virtaccel_request_timeout_ms;
module_param_named(request_timeout_ms, virtaccel_request_timeout_ms, uint, 0644);
MODULE_PARM_DESC(request_timeout_ms,
		 "give up waiting for a response after this many ms (0 = never, the default)");

struct workqueue_struct *virtaccel_wq;
static DEFINE_IDA(virtaccel_ida);

static void virtaccel_release_dev(struct kref *ref)
{
	struct virtaccel *va = container_of(ref, struct virtaccel, ref);

	cleanup_srcu_struct(&va->srcu);
	kfree(va->queues);
	kfree(va);
}

void virtaccel_get(struct virtaccel *va)
{
	kref_get(&va->ref);
}

void virtaccel_put(struct virtaccel *va)
{
	kref_put(&va->ref, virtaccel_release_dev);
}

/* Read and validate config space (spec §4); the driver never re-reads it. */
static int virtaccel_read_config(struct virtaccel *va)
{
	struct virtio_device *vdev = va->vdev;
	u64 max_request_bytes;
	u32 version, max_segments;
	u16 num_queues, max_args;
	size_t dma_max;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "device does not offer VIRTIO_F_VERSION_1\n");
		return -ENODEV;
	}
	if (!vdev->config->get) {
		dev_err(&vdev->dev, "device has no config space\n");
		return -ENODEV;
	}

	virtio_cread_le(vdev, struct virtio_accel_config, version, &version);
	virtio_cread_le(vdev, struct virtio_accel_config, num_queues, &num_queues);
	virtio_cread_le(vdev, struct virtio_accel_config, max_args, &max_args);
	virtio_cread_le(vdev, struct virtio_accel_config, max_segments, &max_segments);
	virtio_cread_le(vdev, struct virtio_accel_config, max_request_bytes, &max_request_bytes);

	/* A driver must not drive a protocol version it does not know (§4.1). */
	if (version != VIRTIO_ACCEL_PROTOCOL_VERSION) {
		dev_err(&vdev->dev, "unsupported protocol version %u\n", version);
		return -ENODEV;
	}
	if (!num_queues || max_args < VIRTIO_ACCEL_MIN_ARGS ||
	    max_args > VIRTIO_ACCEL_MAX_ARGS_LIMIT || max_segments < 4 ||
	    max_request_bytes < VIRTACCEL_REQ_HDR_SIZE + VIRTACCEL_RESP_HDR_SIZE) {
		dev_err(&vdev->dev,
			"invalid config: num_queues %u max_args %u max_segments %u max_request_bytes %llu\n",
			num_queues, max_args, max_segments, max_request_bytes);
		return -EINVAL;
	}

	va->version = version;
	va->nvqs = num_queues;
	if (va->nvqs > VIRTACCEL_MAX_QUEUES) {
		dev_warn(&vdev->dev, "using %u of %u request queues\n", VIRTACCEL_MAX_QUEUES,
			 num_queues);
		va->nvqs = VIRTACCEL_MAX_QUEUES;
	}
	va->lim.max_args = max_args;
	va->lim.max_segments = min_t(u32, max_segments, VIRTACCEL_MAX_SEGMENTS);
	va->lim.max_request_bytes = max_request_bytes;
	va->indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	va->features = vdev->features;

	/* An SG entry must stay within what the DMA layer maps in one piece. */
	dma_max = min_t(size_t, virtio_max_dma_size(vdev), UINT_MAX);
	va->max_seg_size = max_t(size_t, dma_max & PAGE_MASK, PAGE_SIZE);
	return 0;
}

/* Without indirect descriptors a chain must fit in the smallest ring. */
static void virtaccel_clamp_segments(struct virtaccel *va)
{
	unsigned int i;

	if (va->indirect)
		return;
	for (i = 0; i < va->nvqs; i++)
		va->lim.max_segments =
			min(va->lim.max_segments, virtqueue_get_vring_size(va->queues[i].vq));
}

static int virtaccel_probe(struct virtio_device *vdev)
{
	struct virtaccel *va;
	int ret;

	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		return -ENOMEM;
	kref_init(&va->ref);
	va->vdev = vdev;
	va->index = -1;
	vdev->priv = va;
	ret = init_srcu_struct(&va->srcu);
	if (ret) {
		kfree(va);
		return ret;
	}

	ret = virtaccel_read_config(va);
	if (ret)
		goto put;
	ret = virtaccel_queues_init(va);
	if (ret)
		goto put;
	va->have_vqs = true;
	virtaccel_clamp_segments(va);
	if (va->lim.max_segments < 4) {
		dev_err(&vdev->dev, "virtqueues too small\n");
		ret = -EINVAL;
		goto del_vqs;
	}

	ret = ida_alloc(&virtaccel_ida, GFP_KERNEL);
	if (ret < 0)
		goto del_vqs;
	va->index = ret;
	if (va->index)
		snprintf(va->node_name, sizeof(va->node_name), "%s%d", node_name, va->index);
	else
		strscpy(va->node_name, node_name, sizeof(va->node_name));
	va->misc.minor = MISC_DYNAMIC_MINOR;
	va->misc.name = va->node_name;
	va->misc.fops = &virtaccel_fops;
	va->misc.mode = 0660;
	va->misc.parent = &vdev->dev;

	/* The node may be opened and used as soon as it exists. */
	virtio_device_ready(vdev);
	ret = misc_register(&va->misc);
	if (ret)
		goto reset;

	dev_info(&vdev->dev, "/dev/%s: %u queues, max %u args, %u segments, %llu bytes%s\n",
		 va->node_name, va->nvqs, va->lim.max_args, va->lim.max_segments,
		 va->lim.max_request_bytes, va->indirect ? "" : ", no indirect descriptors");
	return 0;

reset:
	virtio_reset_device(vdev);
	ida_free(&virtaccel_ida, va->index);
del_vqs:
	vdev->config->del_vqs(vdev);
put:
	vdev->priv = NULL;
	virtaccel_put(va);
	return ret;
}

/* Stop the device and fail what it held; remove() and freeze(). */
static void virtaccel_teardown(struct virtaccel *va)
{
	struct virtio_device *vdev = va->vdev;

	/* Fail new submissions and wait out the ones adding to a ring. */
	virtaccel_queues_kill(va);
	if (!va->have_vqs)
		return;
	/* After the reset the device no longer writes guest memory. */
	virtio_reset_device(vdev);
	/* Waiters get -ENODEV; orphaned requests are freed. */
	virtaccel_queues_drain(va);
	vdev->config->del_vqs(vdev);
	va->have_vqs = false;
}

static void virtaccel_remove(struct virtio_device *vdev)
{
	struct virtaccel *va = vdev->priv;

	/*
	 * misc_deregister() takes misc_mtx, under which misc_open() runs our
	 * open(): once it returns no new file can take a reference.
	 */
	misc_deregister(&va->misc);
	virtaccel_teardown(va);
	ida_free(&virtaccel_ida, va->index);
	vdev->priv = NULL;
	va->vdev = NULL;
	/* Open files and unfinished requests keep the structure itself alive. */
	virtaccel_put(va);
}

#ifdef CONFIG_PM_SLEEP
/*
 * Suspend tears the queues down as remove() does, minus the node: requests
 * still in flight fail with -ENODEV, and so do new ones until restore. The
 * device forgets its sessions when reset (spec §8), so sessions created
 * before the suspend get INVSESS afterwards.
 */
static int virtaccel_freeze(struct virtio_device *vdev)
{
	virtaccel_teardown(vdev->priv);
	return 0;
}

static int virtaccel_restore(struct virtio_device *vdev)
{
	struct virtaccel *va = vdev->priv;
	int ret;

	ret = virtaccel_queues_init(va);
	if (ret)
		return ret;
	va->have_vqs = true;
	virtaccel_clamp_segments(va);
	virtio_device_ready(vdev);
	/* Pairs with the acquire in virtaccel_submit(): the new vqs are visible. */
	smp_store_release(&va->dead, false);
	return 0;
}
#endif

static void virtaccel_config_changed(struct virtio_device *vdev)
{
	/* The limits are fixed for the device's lifetime (spec §4). */
	dev_warn_ratelimited(&vdev->dev, "ignoring a config change\n");
}

static const unsigned int virtaccel_features[] = {
	VIRTIO_ACCEL_F_RESOURCES,
	VIRTIO_ACCEL_F_EXEC_UPLOAD,
};

static const struct virtio_device_id virtaccel_id_table[] = {
	{ VIRTIO_ID_ACCEL, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct virtio_driver virtaccel_driver = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = virtaccel_id_table,
	.feature_table = virtaccel_features,
	.feature_table_size = ARRAY_SIZE(virtaccel_features),
	.probe = virtaccel_probe,
	.remove = virtaccel_remove,
	.config_changed = virtaccel_config_changed,
#ifdef CONFIG_PM_SLEEP
	.freeze = virtaccel_freeze,
	.restore = virtaccel_restore,
#endif
};

static int __init virtaccel_init(void)
{
	size_t len = node_name ? strlen(node_name) : 0;
	int ret;

	/* Room for an index suffix; a '/' would make a directory in /dev. */
	if (!len || len > sizeof(((struct virtaccel *)NULL)->node_name) - 8 ||
	    strchr(node_name, '/')) {
		pr_err("virtio_accel: invalid node_name\n");
		return -EINVAL;
	}
	virtaccel_wq = alloc_workqueue("virtio_accel", 0, 0);
	if (!virtaccel_wq)
		return -ENOMEM;
	ret = register_virtio_driver(&virtaccel_driver);
	if (ret)
		destroy_workqueue(virtaccel_wq);
	return ret;
}

static void __exit virtaccel_exit(void)
{
	unregister_virtio_driver(&virtaccel_driver);
	/* Requests completed by remove() may still be freeing themselves. */
	destroy_workqueue(virtaccel_wq);
	ida_destroy(&virtaccel_ida);
}

module_init(virtaccel_init);
module_exit(virtaccel_exit);

MODULE_DEVICE_TABLE(virtio, virtaccel_id_table);
MODULE_DESCRIPTION("virtio-accel: vAccel operations on the host");
MODULE_LICENSE("GPL");
