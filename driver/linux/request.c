// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: request objects.
 *
 * A request is built from one copy of the user's ioctl structures, validated
 * once; chain.c then pins the user buffers and describes them. Headers and
 * the response live in one kmalloc'd buffer. The request is refcounted: the
 * waiter and the device each hold a reference, and buffers and pins go only
 * with the last one, so a waiter that is killed or times out never frees
 * memory the device writes.
 *
 * The device writes the response; the driver reads each of its fields once
 * (the header in the completion, the output lengths in the waiter) into
 * kernel memory, checks the copy and uses only the copy.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "virtaccel.h"

static void virtaccel_req_free(struct virtaccel_req *req)
{
	unsigned long flags;

	if (!list_empty(&req->creating)) {
		spin_lock_irqsave(&req->va->creating_lock, flags);
		list_del(&req->creating);
		spin_unlock_irqrestore(&req->va->creating_lock, flags);
	}
	/* Only a submitted request can have had its write buffers written. */
	virtaccel_chain_free(&req->chain, req->submitted);
	kvfree(req->args);
	kfree(req->buf);
	virtaccel_put(req->va);
	kfree(req);
}

/* The waiter gave up on a session the device created: nobody can name it. */
static bool virtaccel_req_lost_session(struct virtaccel_req *req)
{
	return req->orphan && req->code == VIRTIO_ACCEL_C_CREATE_SESSION && req->answered &&
	       virtaccel_session_fate(req->ans.status, req->ans.vaccel_ret, req->ans.id) !=
		       VIRTACCEL_SESSION_NONE;
}

static void virtaccel_req_work(struct work_struct *work)
{
	struct virtaccel_req *req = container_of(work, struct virtaccel_req, work);

	if (virtaccel_req_lost_session(req))
		virtaccel_send_destroy(req->va, req->ans.id);
	virtaccel_req_free(req);
}

static void virtaccel_req_release(struct kref *ref)
{
	struct virtaccel_req *req = container_of(ref, struct virtaccel_req, ref);

	/*
	 * The last reference goes in the vq callback when the waiter gave up
	 * first; unpinning dirty pages sleeps, so defer it to process context.
	 */
	if (!in_task() || irqs_disabled() ||
	    (req->orphan && req->code == VIRTIO_ACCEL_C_CREATE_SESSION))
		queue_work(virtaccel_wq, &req->work);
	else
		virtaccel_req_work(&req->work);
}

void virtaccel_req_put(struct virtaccel_req *req)
{
	kref_put(&req->ref, virtaccel_req_release);
}

bool virtaccel_req_done(struct virtaccel_req *req)
{
	/* Pairs with the release in virtaccel_req_complete(). */
	return smp_load_acquire(&req->completed);
}

/*
 * Called once per submitted request: by the vq callback, or with -ENODEV by
 * remove() / suspend (also for a parked one). Drops the device's reference.
 */
void virtaccel_req_complete(struct virtaccel_req *req, unsigned int used_len, int error)
{
	const struct virtio_accel_resp_hdr *resp = req->resp;

	req->used_len = used_len;
	req->error = error;
	if (!error && !virtaccel_check_used(used_len, req->sz.write_bytes)) {
		req->ans.status = READ_ONCE(resp->status);
		req->ans.vaccel_ret = (s32)le32_to_cpu(READ_ONCE(resp->vaccel_ret));
		req->ans.id = le64_to_cpu(READ_ONCE(resp->id));
		req->answered = true;
	}
	smp_store_release(&req->completed, true);
	wake_up(&req->done_wq);
	if (req->internal && atomic_dec_and_test(&req->va->nr_internal))
		wake_up_all(&req->va->internal_wq);
	virtaccel_req_put(req);
}

/* Copy the argument arrays once; addresses lose their tag (arm64 TBI, x86 LAM). */
static int virtaccel_copy_args(struct virtaccel_req *req, const struct virtio_accel_ioc_req *ir)
{
	size_t rd = (size_t)ir->nr_read * sizeof(*req->args);
	size_t wr = (size_t)ir->nr_write * sizeof(*req->args);
	unsigned int i;

	if (!rd && !wr)
		return 0;
	req->args = kvmalloc(rd + wr, GFP_KERNEL_ACCOUNT);
	if (!req->args)
		return -ENOMEM;
	if (rd && copy_from_user(req->args, u64_to_user_ptr(ir->read_args), rd))
		return -EFAULT;
	if (wr && copy_from_user((u8 *)req->args + rd, u64_to_user_ptr(ir->write_args), wr))
		return -EFAULT;
	req->uwrite = u64_to_user_ptr(ir->write_args);
	/* The range checks and the pinning see the address the MMU uses. */
	for (i = 0; i < (unsigned int)ir->nr_read + ir->nr_write; i++)
		req->args[i].addr = untagged_addr(req->args[i].addr);
	return 0;
}

/*
 * Copy the read args the driver must interpret into kernel memory, so the
 * value checked is the value sent: a GENOP's op type and, for
 * EXEC_WITH_RESOURCE, the resource id it runs (spec §6.2). Their data goes
 * to @inl, in wire order right after the argument headers.
 */
static int virtaccel_inline_args(struct virtaccel_req *req, u8 *inl)
{
	const struct virtio_accel_ioc_arg *a = req->args;
	__le64 res;

	if (req->code != VIRTIO_ACCEL_C_GENOP || !req->nr_read || a[0].len != 1)
		return 0;
	if (copy_from_user(inl, u64_to_user_ptr(a[0].addr), 1))
		return -EFAULT;
	req->nr_inline = 1;
	req->inline_bytes = 1;
	if (inl[0] != VIRTACCEL_OP_EXEC_WITH_RESOURCE)
		return 0;

	if (req->nr_read < 2 || a[1].len != sizeof(res))
		return -EINVAL;
	if (copy_from_user(&res, u64_to_user_ptr(a[1].addr), sizeof(res)))
		return -EFAULT;
	memcpy(inl + 1, &res, sizeof(res));
	req->nr_inline = 2;
	req->inline_bytes += sizeof(res);
	req->has_res_arg = true;
	req->res_arg = le64_to_cpu(res);
	return 0;
}

static void virtaccel_fill_headers(struct virtaccel_req *req, const struct virtio_accel_ioc_req *ir,
				   const u8 *inl)
{
	struct virtio_accel_req_hdr *hdr = req->buf;
	struct virtio_accel_arg_hdr *ah = (struct virtio_accel_arg_hdr *)(hdr + 1);
	unsigned int i, n = req->nr_read + req->nr_write;

	hdr->code = cpu_to_le16(ir->code);
	hdr->nr_read = cpu_to_le16(ir->nr_read);
	hdr->nr_write = cpu_to_le16(ir->nr_write);
	hdr->flags = cpu_to_le32(ir->flags);
	hdr->session_id = cpu_to_le64(ir->session_id);
	hdr->object_id = cpu_to_le64(ir->object_id);
	hdr->tag = cpu_to_le64(atomic64_inc_return(&req->va->next_tag));

	for (i = 0; i < n; i++) {
		ah[i].len = cpu_to_le64(req->args[i].len);
		ah[i].type = cpu_to_le32(req->args[i].type);
		ah[i].custom_type_id = cpu_to_le32(req->args[i].custom_type_id);
		ah[i].dir = i < req->nr_read ? VIRTIO_ACCEL_ARG_READ : VIRTIO_ACCEL_ARG_WRITE;
	}
	memcpy((u8 *)req->buf + req->sz.hdr_bytes, inl, req->inline_bytes);
}

/**
 * virtaccel_req_create - copy, validate and lay out one request
 * @va: the device
 * @ir: the request, already copied from user space and checked with
 *      virtaccel_check_req()
 *
 * Reads the argument arrays (and the few argument values the driver
 * interprets) from user space exactly once. Pins nothing yet.
 * Return: the request with one reference (the caller's), or an ERR_PTR.
 */
struct virtaccel_req *virtaccel_req_create(struct virtaccel *va,
					   const struct virtio_accel_ioc_req *ir)
{
	struct virtaccel_req *req;
	u8 inl[1 + sizeof(u64)];
	size_t readable, resp_off;
	int ret;

	req = kzalloc(sizeof(*req), GFP_KERNEL_ACCOUNT);
	if (!req)
		return ERR_PTR(-ENOMEM);
	kref_init(&req->ref);
	init_waitqueue_head(&req->done_wq);
	INIT_WORK(&req->work, virtaccel_req_work);
	INIT_LIST_HEAD(&req->pending);
	INIT_LIST_HEAD(&req->creating);
	INIT_LIST_HEAD(&req->sweep);
	virtaccel_get(va);
	req->va = va;
	req->code = ir->code;
	req->nr_read = ir->nr_read;
	req->nr_write = ir->nr_write;
	req->session_id = ir->session_id;
	req->object_id = ir->object_id;

	ret = virtaccel_copy_args(req, ir);
	if (ret)
		goto fail;
	ret = virtaccel_check_args(req->args, req->nr_read, req->args + req->nr_read, req->nr_write,
				   &va->lim, TASK_SIZE, PAGE_SHIFT, &req->sz);
	if (ret)
		goto fail;
	ret = virtaccel_inline_args(req, inl);
	if (ret)
		goto fail;

	/* Keep the device-written response off the header's cache lines. */
	readable = req->sz.hdr_bytes + req->inline_bytes;
	resp_off = ALIGN(readable, SMP_CACHE_BYTES);
	req->buf = kzalloc(resp_off + req->sz.resp_bytes, GFP_KERNEL_ACCOUNT);
	if (!req->buf) {
		ret = -ENOMEM;
		goto fail;
	}
	req->resp = (struct virtio_accel_resp_hdr *)((u8 *)req->buf + resp_off);
	req->out_len = (__le64 *)(req->resp + 1);
	virtaccel_fill_headers(req, ir, inl);
	return req;

fail:
	virtaccel_req_put(req);
	return ERR_PTR(ret);
}

/*
 * Sleep until @req completed or @timeout jiffies passed, killably and
 * freezably: a process waiting for the device does not hold up suspend
 * (teardown then fails its request with -ENODEV). Returns as
 * wait_event_killable_timeout() does.
 */
#define virtaccel_wait_completed(req, timeout)                                                     \
	___wait_event((req)->done_wq, ___wait_cond_timeout(virtaccel_req_done(req)),               \
		      VIRTACCEL_WAIT_STATE, 0, timeout, __ret = schedule_timeout(__ret))

/**
 * virtaccel_req_wait - wait for the device to answer
 * @req: a submitted request
 *
 * Only a fatal signal interrupts the wait, and request_timeout_ms (if set)
 * bounds it. A waiter that gives up marks the request orphaned and leaves it
 * to the device: buffers and pins stay until the device completes it.
 * Return: 0, -EINTR, -ETIMEDOUT or -ENODEV (device removed or suspended).
 */
int virtaccel_req_wait(struct virtaccel_req *req)
{
	unsigned int tmo = READ_ONCE(virtaccel_request_timeout_ms);
	unsigned long deadline = jiffies + msecs_to_jiffies(tmo);
	long slice, left;

	while (!virtaccel_req_done(req)) {
		slice = msecs_to_jiffies(VIRTACCEL_RECHECK_MS);
		if (tmo && time_after_eq(jiffies, deadline))
			goto orphan_timedout;
		if (tmo)
			slice = min_t(long, slice, (long)(deadline - jiffies));
		left = virtaccel_wait_completed(req, slice);
		if (left < 0) {
			req->orphan = true;
			return -EINTR;
		}
		if (left)
			break;
		/* Answered but not interrupted? Look at the rings ourselves. */
		virtaccel_queues_recheck(req->va);
		if (virtaccel_req_done(req))
			pr_warn_ratelimited(
				"virtio_accel: a completion came without its interrupt: "
				"reaped by its waiter after %u ms\n",
				VIRTACCEL_RECHECK_MS);
	}
	return req->error;

orphan_timedout:
	req->orphan = true;
	return -ETIMEDOUT;
}

/**
 * virtaccel_req_result - check the answer and take in what it produced
 * @req: a completed request with req->error 0
 *
 * Each output length is read once and replaces the capacity in the copied
 * write args; bounced write buffers are copied back to the user's pages.
 * Return: 0 when the device answered with a well-formed response, else -EIO.
 */
int virtaccel_req_result(struct virtaccel_req *req)
{
	struct virtio_accel_ioc_arg *wr = req->args + req->nr_read;
	unsigned int i;
	u64 len;

	if (!req->answered)
		goto bad;
	for (i = 0; i < req->nr_write; i++) {
		len = le64_to_cpu(READ_ONCE(req->out_len[i]));
		if (virtaccel_check_out_len(len, wr[i].len))
			goto bad;
		wr[i].len = len;
	}
	virtaccel_chain_copy_back(req);
	return 0;
bad:
	pr_warn_ratelimited("virtio_accel: malformed response (used length %u, expected %llu)\n",
			    req->used_len, req->sz.write_bytes);
	return -EIO;
}

/**
 * virtaccel_send_destroy - destroy a session without waiting for the answer
 * @va: the device
 * @session_id: the session
 *
 * Used when a file is released, when a created session lost its creator,
 * and by remove() and suspend, which wait for all such requests (bounded).
 * Never sleeps for the device: with every ring full the request is parked
 * and sent by the next completion.
 */
void virtaccel_send_destroy(struct virtaccel *va, u64 session_id)
{
	struct virtio_accel_ioc_req ir = {
		.code = VIRTIO_ACCEL_C_DESTROY_SESSION,
		.session_id = session_id,
	};
	struct virtaccel_req *req;
	int ret;

	if (READ_ONCE(va->dead))
		return;
	req = virtaccel_req_create(va, &ir);
	if (IS_ERR(req)) {
		ret = PTR_ERR(req);
	} else {
		req->internal = true;
		ret = virtaccel_chain_build(req);
		if (!ret)
			ret = virtaccel_submit(va, req);
		virtaccel_req_put(req);
	}
	if (ret && !READ_ONCE(va->dead))
		pr_warn_ratelimited("virtio_accel: could not destroy session %llu: %d\n",
				    session_id, ret);
}
