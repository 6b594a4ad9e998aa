// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel guest driver: module, probe, remove and suspend.
 *
 * The device runs vAccel operations on the host (docs/virtio-accel.md).
 * Each device gets a misc node, /dev/vaccel for the first one, through which
 * processes send requests (chardev.c). The first device also answers to the
 * old name /dev/accel on kernels that cannot have DRM's compute-accelerator
 * class (CONFIG_DRM_ACCEL, 6.2+), which owns /dev/accel/ as a directory.
 *
 * Before any reset of the device (remove(), suspend) the driver destroys the
 * sessions of every open file and empties the files' tables: a reset alone
 * does not reach a vhost-user backend everywhere (QEMU's vhost-user-base
 * does not pass it on), and an id from before the reset must not name
 * anything afterwards.
 */
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "virtaccel.h"

/* The node name that DRM's accel class (CONFIG_DRM_ACCEL) uses as a directory. */
#define VIRTACCEL_LEGACY_NAME "accel"

static char *node_name = "vaccel";
module_param(node_name, charp, 0444);
MODULE_PARM_DESC(node_name,
		 "name of the device node (default vaccel; further devices get vaccel1, ...)");

unsigned int virtaccel_request_timeout_ms;
module_param_named(request_timeout_ms, virtaccel_request_timeout_ms, uint, 0644);
MODULE_PARM_DESC(request_timeout_ms,
		 "give up waiting for a response after this many ms (0 = never, the default)");

unsigned int virtaccel_backend_wait_ms = 10000;
module_param_named(backend_wait_ms, virtaccel_backend_wait_ms, uint, 0644);
MODULE_PARM_DESC(
	backend_wait_ms,
	"while the host backend is away, a request waits this many ms for it, then fails with ESHUTDOWN (default 10000)");

static bool indirect_desc = true;
module_param(indirect_desc, bool, 0444);
MODULE_PARM_DESC(
	indirect_desc,
	"use indirect descriptors when the device offers them (default 1; 0: chains go in the ring)");

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
	va->config_max_segments = max_segments;
	va->lim.max_request_bytes = max_request_bytes;
	va->indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	va->features = vdev->features;

	/* An SG entry must stay within what the DMA layer maps in one piece. */
	dma_max = min_t(size_t, virtio_max_dma_size(vdev), UINT_MAX);
	va->max_seg_size = max_t(size_t, dma_max & PAGE_MASK, PAGE_SIZE);
	return 0;
}

/*
 * A chain never exceeds the smallest ring, indirect descriptors or not, nor
 * VIRTACCEL_MAX_SEGMENTS. Called whenever the vqs are (re)created.
 */
static int virtaccel_clamp_segments(struct virtaccel *va)
{
	unsigned int i;

	va->lim.max_segments = min_t(u32, va->config_max_segments, VIRTACCEL_MAX_SEGMENTS);
	for (i = 0; i < va->nvqs; i++)
		va->lim.max_segments =
			min(va->lim.max_segments, virtqueue_get_vring_size(va->queues[i].vq));
	if (va->lim.max_segments < 4) {
		dev_err(&va->vdev->dev, "virtqueues too small\n");
		return -EINVAL;
	}
	return 0;
}

/* Set up the vqs (probe, restore) and the limits that depend on their size. */
static int virtaccel_setup_queues(struct virtaccel *va)
{
	int ret = virtaccel_queues_init(va);

	if (ret)
		return ret;
	va->have_vqs = true;
	return virtaccel_clamp_segments(va);
}

static int virtaccel_register_node(struct virtaccel *va, struct virtaccel_node *node,
				   const char *name)
{
	strscpy(node->name, name, sizeof(node->name));
	node->va = va;
	node->misc.minor = MISC_DYNAMIC_MINOR;
	node->misc.name = node->name;
	node->misc.fops = &virtaccel_fops;
	node->misc.mode = 0660;
	node->misc.parent = &va->vdev->dev;
	return misc_register(&node->misc);
}

/*
 * The old name, for the first device only and only where it can never
 * collide: without CONFIG_DRM_ACCEL nothing else creates /dev/accel. With
 * it, even a free /dev/accel is left alone, because an accelerator probed
 * later needs the directory.
 */
static void virtaccel_register_alias(struct virtaccel *va)
{
	int ret;

	if (IS_ENABLED(CONFIG_DRM_ACCEL) || va->index ||
	    !strcmp(va->node.name, VIRTACCEL_LEGACY_NAME))
		return;
	ret = virtaccel_register_node(va, &va->alias, VIRTACCEL_LEGACY_NAME);
	if (ret)
		dev_warn(&va->vdev->dev, "no /dev/%s alias: %d\n", VIRTACCEL_LEGACY_NAME, ret);
	else
		va->have_alias = true;
}

static void virtaccel_deregister_nodes(struct virtaccel *va)
{
	if (va->have_alias)
		misc_deregister(&va->alias.misc);
	va->have_alias = false;
	misc_deregister(&va->node.misc);
}

/* Jiffies left until @deadline, at least 0. */
static long virtaccel_left(unsigned long deadline)
{
	return max_t(long, (long)(deadline - jiffies), 0);
}

/*
 * Move every open file to the next epoch: each destroys its sessions (if
 * @destroy, and unless the queues are dead already, then nothing is sent) and
 * forgets its ids.
 */
static void virtaccel_next_epoch(struct virtaccel *va, bool destroy)
{
	struct virtaccel_file *vf;
	u64 epoch;

	mutex_lock(&va->files_lock);
	epoch = va->epoch;
	/* From here on no request checked in the old epoch is sent (queue.c). */
	WRITE_ONCE(va->epoch, epoch + 1);
	list_for_each_entry(vf, &va->files, node)
		virtaccel_own_sweep(vf, epoch, destroy);
	mutex_unlock(&va->files_lock);
}

/*
 * Destroy the sessions of every open file, and those that CREATE_SESSIONs
 * still in flight make, and move the files to the next epoch, so that no id
 * from before survives the coming reset; then wait for every DESTROY the
 * driver sent, these and earlier ones (a closed file's). Called with user
 * requests stopped (queues_close). Waits at most VIRTACCEL_SWEEP_MS in all:
 * a device that does not answer keeps what is left until the reset (or the
 * end of the connection) releases it.
 */
static void virtaccel_sweep(struct virtaccel *va)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(VIRTACCEL_SWEEP_MS);
	struct virtaccel_req *req, *tmp;
	LIST_HEAD(creating);

	virtaccel_next_epoch(va, true);
	WRITE_ONCE(va->resume_pending, false);

	spin_lock_irq(&va->creating_lock);
	list_for_each_entry(req, &va->creating, creating) {
		kref_get(&req->ref);
		list_add_tail(&req->sweep, &creating);
	}
	spin_unlock_irq(&va->creating_lock);
	list_for_each_entry_safe(req, tmp, &creating, sweep) {
		wait_event_timeout(req->done_wq, virtaccel_req_done(req), virtaccel_left(deadline));
		if (virtaccel_req_done(req) && req->answered &&
		    virtaccel_session_fate(req->ans.status, req->ans.vaccel_ret, req->ans.id) !=
			    VIRTACCEL_SESSION_NONE)
			virtaccel_send_destroy(va, req->ans.id);
		list_del(&req->sweep);
		virtaccel_req_put(req);
	}

	if (!wait_event_timeout(va->internal_wq, !atomic_read(&va->nr_internal),
				virtaccel_left(deadline)) &&
	    atomic_read(&va->nr_internal))
		dev_warn(&va->vdev->dev, "%d session DESTROYs unanswered before the reset\n",
			 atomic_read(&va->nr_internal));
}

/*
 * Stop the device and fail what it held; remove() and freeze(). A reset
 * for a lost backend (restart_work) sends no DESTROY: there is nobody to
 * receive it. The files' ids outlive it only if the new backend restored
 * them: resume_work asks it before any request from user space goes out;
 * if it did not, the ids end then (a new backend numbers its sessions
 * afresh, and an old id must not name another process's session: the ioctl
 * then fails with -EPERM).
 */
static void virtaccel_teardown(struct virtaccel *va)
{
	struct virtio_device *vdev = va->vdev;
	bool restart = READ_ONCE(va->restarting);

	if (!restart) {
		/* No request from user space gets on a ring from here on. */
		virtaccel_queues_close(va);
		if (va->have_vqs)
			virtaccel_sweep(va);
	}
	/* Fail new submissions and wait out the ones adding to a ring. */
	virtaccel_queues_kill(va);
	if (restart)
		WRITE_ONCE(va->resume_pending, true);
	if (!va->have_vqs)
		return;
	/* After the reset the device no longer writes guest memory. */
	virtio_reset_device(vdev);
	/* Waiters get -ENODEV (-ESHUTDOWN); orphaned requests are freed. */
	virtaccel_queues_drain(va, restart ? -ESHUTDOWN : -ENODEV);
	vdev->config->del_vqs(vdev);
	va->have_vqs = false;
}

/* Is the host backend there? Read from config status (spec §4.2). */
static void virtaccel_update_presence(struct virtaccel *va)
{
	u32 status;
	bool away;

	virtio_cread_le(va->vdev, struct virtio_accel_config, status, &status);
	away = status & VIRTIO_ACCEL_CONFIG_S_BACKEND_AWAY;
	if (!away && READ_ONCE(va->resume_pending)) {
		/* Back after a restart: first learn whether the ids survived. */
		queue_work(virtaccel_wq, &va->resume_work);
		return;
	}
	if (away == READ_ONCE(va->away))
		return;
	WRITE_ONCE(va->away, away);
	if (away) {
		dev_warn(&va->vdev->dev, "host backend away\n");
		return;
	}
	dev_info(&va->vdev->dev, "host backend back\n");
	wake_up_all(&va->backend_wq);
}

static void virtaccel_config_changed(struct virtio_device *vdev);

/*
 * Ask the device whether it kept every session and resource through the
 * restart (RESUME, spec §4.2): *kept is true only for an explicit yes. An
 * internal request (it goes out while user requests still wait), waited for
 * at most VIRTACCEL_SWEEP_MS. Return: 0 or why there is no answer.
 */
static int virtaccel_ask_resume(struct virtaccel *va, bool *kept)
{
	struct virtio_accel_ioc_req ir = { .code = VIRTIO_ACCEL_C_RESUME };
	struct virtaccel_req *req;
	int ret;

	*kept = false;
	req = virtaccel_req_create(va, &ir);
	if (IS_ERR(req))
		return PTR_ERR(req);
	req->internal = true;
	ret = virtaccel_chain_build(req);
	if (!ret)
		ret = virtaccel_submit(va, req);
	if (!ret && !wait_event_timeout(req->done_wq, virtaccel_req_done(req),
					msecs_to_jiffies(VIRTACCEL_SWEEP_MS)))
		ret = -ETIMEDOUT;
	if (!ret)
		ret = req->error;
	if (!ret && !req->answered)
		ret = -EIO;
	/* A device without RESUME answers NOTSUPP: nothing kept. */
	if (!ret)
		*kept = req->ans.status == VIRTIO_ACCEL_S_OK && req->ans.id == 1;
	virtaccel_req_put(req);
	return ret;
}

/*
 * A backend is there again after a restart: keep the files' ids if it
 * restored them, else end them (nothing to destroy: it holds none). Then let
 * the waiting requests go. If the backend went again meanwhile, the next
 * restart asks anew.
 */
static void virtaccel_resume_work(struct work_struct *work)
{
	struct virtaccel *va = container_of(work, struct virtaccel, resume_work);
	bool kept;
	int ret;

	if (!READ_ONCE(va->resume_pending) || READ_ONCE(va->restarting))
		return;
	ret = virtaccel_ask_resume(va, &kept);
	if (READ_ONCE(va->restarting) || READ_ONCE(va->dead))
		return;
	if (ret)
		dev_warn(&va->vdev->dev, "no answer to RESUME (%d): ending sessions\n", ret);
	if (!kept)
		virtaccel_next_epoch(va, false);
	dev_info(&va->vdev->dev, "host backend %s\n",
		 kept ? "restored its state: sessions and resources kept"
		      : "has no state from before: sessions and resources ended");
	WRITE_ONCE(va->resume_pending, false);
	virtaccel_update_presence(va);
}

#ifdef CONFIG_PM_SLEEP
/*
 * Suspend tears the queues down as remove() does, minus the nodes: the open
 * files' sessions are destroyed and their tables emptied, requests still in
 * flight and requests sent while suspended fail with -ENODEV. Processes
 * waiting in the driver freeze where they wait.
 */
static int virtaccel_freeze(struct virtio_device *vdev)
{
	struct virtaccel *va = vdev->priv;

	/*
	 * restart_work comes here too; suspend waits for it or cancels it, and
	 * then tears down as always (resume finds out about the backend).
	 */
	if (current_work() != &va->restart_work) {
		cancel_work_sync(&va->restart_work);
		cancel_work_sync(&va->resume_work);
		WRITE_ONCE(va->restarting, false);
	}
	virtaccel_teardown(va);
	return 0;
}

static int virtaccel_restore(struct virtio_device *vdev)
{
	struct virtaccel *va = vdev->priv;
	int ret;

	ret = virtaccel_setup_queues(va);
	if (ret)
		return ret;
	virtio_device_ready(vdev);
	/* Pairs with the acquires in virtaccel_may_submit(): the new vqs are visible. */
	smp_store_release(&va->dead, false);
	smp_store_release(&va->closed, false);
	/* The backend may have left (again) or come back meanwhile. */
	WRITE_ONCE(va->restarting, false);
	virtaccel_config_changed(vdev);
	return 0;
}

/*
 * The device asked for a reset (its backend went away, spec §4.2): reset it
 * as suspend and resume do, through the virtio core, so that features are
 * negotiated again, but keep every id (teardown). What the rings held fails
 * with -ESHUTDOWN: it may or may not have run on the old backend, and must
 * not run on a new one unasked. Then learn whether a backend is there.
 */
static void virtaccel_restart_work(struct work_struct *work)
{
	struct virtaccel *va = container_of(work, struct virtaccel, restart_work);
	struct virtio_device *vdev = va->vdev;
	int ret;

	dev_warn(&vdev->dev, "host backend restarted: failing requests in flight, resetting\n");
	ret = virtio_device_freeze(vdev);
	if (!ret)
		ret = virtio_device_restore(vdev);
	if (ret) {
		/* Requests keep failing after backend_wait_ms; nothing hangs. */
		dev_err(&vdev->dev, "reset after the backend restart failed: %d\n", ret);
		WRITE_ONCE(va->restarting, false);
	}
}
#else
static void virtaccel_restart_work(struct work_struct *work)
{
	struct virtaccel *va = container_of(work, struct virtaccel, restart_work);

	dev_err(&va->vdev->dev, "host backend restarted: cannot reset without CONFIG_PM_SLEEP\n");
}
#endif

/*
 * Power-off and reboot: destroy the open files' sessions on the host, as
 * before any reset, since the reset that follows does not reach every
 * backend. A reboot notifier, because the virtio bus's own shutdown (6.14,
 * and backported to Debian's 6.1 and 6.12) resets the device without asking
 * the driver.
 */
static int virtaccel_reboot(struct notifier_block *nb, unsigned long action, void *data)
{
	struct virtaccel *va = container_of(nb, struct virtaccel, reboot_nb);

	if (va->have_vqs) {
		virtaccel_queues_close(va);
		virtaccel_sweep(va);
	}
	return NOTIFY_DONE;
}

static int virtaccel_probe(struct virtio_device *vdev)
{
	struct virtaccel *va;
	char name[sizeof(va->node.name)];
	int ret;

	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		return -ENOMEM;
	kref_init(&va->ref);
	va->vdev = vdev;
	va->index = -1;
	mutex_init(&va->files_lock);
	INIT_LIST_HEAD(&va->files);
	spin_lock_init(&va->pending_lock);
	INIT_LIST_HEAD(&va->pending);
	INIT_WORK(&va->pending_work, virtaccel_pending_work);
	spin_lock_init(&va->creating_lock);
	INIT_LIST_HEAD(&va->creating);
	init_waitqueue_head(&va->internal_wq);
	init_waitqueue_head(&va->backend_wq);
	INIT_WORK(&va->restart_work, virtaccel_restart_work);
	INIT_WORK(&va->resume_work, virtaccel_resume_work);
	vdev->priv = va;
	ret = init_srcu_struct(&va->srcu);
	if (ret) {
		kfree(va);
		return ret;
	}

	ret = virtaccel_read_config(va);
	if (ret)
		goto put;
	ret = virtaccel_setup_queues(va);
	if (ret)
		goto del_vqs;

	ret = ida_alloc(&virtaccel_ida, GFP_KERNEL);
	if (ret < 0)
		goto del_vqs;
	va->index = ret;
	if (va->index)
		snprintf(name, sizeof(name), "%s%d", node_name, va->index);
	else
		strscpy(name, node_name, sizeof(name));

	/* The node may be opened and used as soon as it exists. */
	virtio_device_ready(vdev);
	/* A backend already gone: requests wait for it, bounded (spec §4.2). */
	virtaccel_update_presence(va);
	ret = virtaccel_register_node(va, &va->node, name);
	if (ret)
		goto reset;
	virtaccel_register_alias(va);
	va->reboot_nb.notifier_call = virtaccel_reboot;
	register_reboot_notifier(&va->reboot_nb);

	dev_info(&vdev->dev,
		 "/dev/%s%s%s: %u queues of %u, max %u args, %u segments, %llu bytes%s\n",
		 va->node.name, va->have_alias ? " and /dev/" : "",
		 va->have_alias ? va->alias.name : "", va->nvqs,
		 virtqueue_get_vring_size(va->queues[0].vq), va->lim.max_args, va->lim.max_segments,
		 va->lim.max_request_bytes, va->indirect ? "" : ", no indirect descriptors");
	return 0;

reset:
	virtio_reset_device(vdev);
	ida_free(&virtaccel_ida, va->index);
del_vqs:
	if (va->have_vqs)
		vdev->config->del_vqs(vdev);
put:
	vdev->priv = NULL;
	virtaccel_put(va);
	return ret;
}

static void virtaccel_remove(struct virtio_device *vdev)
{
	struct virtaccel *va = vdev->priv;

	/*
	 * misc_deregister() takes misc_mtx, under which misc_open() runs our
	 * open(): once it returns no new file can take a reference.
	 */
	unregister_reboot_notifier(&va->reboot_nb);
	virtaccel_deregister_nodes(va);
	cancel_work_sync(&va->restart_work);
	cancel_work_sync(&va->resume_work);
	WRITE_ONCE(va->restarting, false);
	virtaccel_teardown(va);
	ida_free(&virtaccel_ida, va->index);
	vdev->priv = NULL;
	va->vdev = NULL;
	/* Open files and unfinished requests keep the structure itself alive. */
	virtaccel_put(va);
}

/* Indirect descriptors off (module parameter): every chain goes in the ring. */
static int virtaccel_validate(struct virtio_device *vdev)
{
	if (!indirect_desc)
		__virtio_clear_bit(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	return 0;
}

/*
 * The limits are fixed for the device's lifetime (spec §4); what changes is
 * whether the host backend is there (§4.2). In interrupt context.
 */
static void virtaccel_config_changed(struct virtio_device *vdev)
{
	struct virtaccel *va = vdev->priv;

	if (!va || READ_ONCE(va->restarting))
		return;
	if (vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_NEEDS_RESET) {
		WRITE_ONCE(va->away, true);
		WRITE_ONCE(va->restarting, true);
		queue_work(virtaccel_wq, &va->restart_work);
		return;
	}
	virtaccel_update_presence(va);
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
	.validate = virtaccel_validate,
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
	if (!len || len > sizeof(((struct virtaccel_node *)NULL)->name) - 8 ||
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
