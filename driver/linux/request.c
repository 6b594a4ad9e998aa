// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: request objects.
 *
 * A request is built from one copy of the user's ioctl structures, validated
 * once, then its user buffers are pinned in place and described by
 * scatter-gather tables: no bounce copies. Headers and the response live in
 * one kmalloc'd buffer. The request is refcounted: the waiter and the device
 * each hold a reference, and buffers and pins go only with the last one, so a
 * waiter that is killed or times out never frees memory the device writes.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "virtaccel.h"

static void virtaccel_req_free(struct virtaccel_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nr_tables; i++)
		sg_free_table(&req->tables[i]);
	if (req->nr_pinned_read)
		unpin_user_pages(req->pages, req->nr_pinned_read);
	/* Only a submitted request can have had its write buffers written. */
	if (req->nr_pinned_write)
		unpin_user_pages_dirty_lock(req->pages + req->nr_pinned_read, req->nr_pinned_write,
					    req->submitted);
	kvfree(req->pages);
	kfree(req->tables);
	kfree(req->sgs);
	kvfree(req->args);
	kfree(req->buf);
	virtaccel_put(req->va);
	kfree(req);
}

/* The waiter gave up on a session it created: the session is unreachable. */
static bool virtaccel_req_lost_session(struct virtaccel_req *req)
{
	return req->orphan && req->code == VIRTIO_ACCEL_C_CREATE_SESSION && !req->error &&
	       !virtaccel_check_used(req->used_len, req->sz.write_bytes) &&
	       req->resp->status == VIRTIO_ACCEL_S_OK && req->resp->id;
}

static void virtaccel_req_work(struct work_struct *work)
{
	struct virtaccel_req *req = container_of(work, struct virtaccel_req, work);

	if (virtaccel_req_lost_session(req))
		virtaccel_send_destroy(req->va, le64_to_cpu(req->resp->id));
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

/* Called once per submitted request: by the vq callback or by remove(). */
void virtaccel_req_complete(struct virtaccel_req *req, unsigned int used_len, int error)
{
	req->used_len = used_len;
	req->error = error;
	complete(&req->done);
	virtaccel_req_put(req);
}

static int virtaccel_copy_args(struct virtaccel_req *req, const struct virtio_accel_ioc_req *ir)
{
	size_t rd = (size_t)ir->nr_read * sizeof(*req->args);
	size_t wr = (size_t)ir->nr_write * sizeof(*req->args);

	if (!rd && !wr)
		return 0;
	req->args = kvmalloc(rd + wr, GFP_KERNEL);
	if (!req->args)
		return -ENOMEM;
	if (rd && copy_from_user(req->args, u64_to_user_ptr(ir->read_args), rd))
		return -EFAULT;
	if (wr && copy_from_user((u8 *)req->args + rd, u64_to_user_ptr(ir->write_args), wr))
		return -EFAULT;
	req->uwrite = u64_to_user_ptr(ir->write_args);
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

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return ERR_PTR(-ENOMEM);
	kref_init(&req->ref);
	init_completion(&req->done);
	INIT_WORK(&req->work, virtaccel_req_work);
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
	req->buf = kzalloc(resp_off + req->sz.resp_bytes, GFP_KERNEL);
	if (!req->buf) {
		ret = -ENOMEM;
		goto fail;
	}
	req->resp = (struct virtio_accel_resp_hdr *)((u8 *)req->buf + resp_off);
	req->out_len = (__le64 *)(req->resp + 1);
	virtaccel_fill_headers(req, ir, inl);
	sg_init_one(&req->hdr_sg, req->buf, readable);
	sg_init_one(&req->resp_sg, req->resp, req->sz.resp_bytes);
	return req;

fail:
	virtaccel_req_put(req);
	return ERR_PTR(ret);
}

/* Pin one user buffer and describe it, contiguous pages merged, in @sgt. */
static int virtaccel_pin_arg(struct virtaccel_req *req, const struct virtio_accel_ioc_arg *a,
			     bool write, struct sg_table *sgt)
{
	unsigned long start = (unsigned long)a->addr & PAGE_MASK;
	unsigned int npages = virtaccel_arg_pages(a->addr, a->len, PAGE_SHIFT);
	struct page **pages = req->pages + req->nr_pinned_read + req->nr_pinned_write;
	unsigned int done = 0;
	int n;

	while (done < npages) {
		n = pin_user_pages_fast(start + ((unsigned long)done << PAGE_SHIFT),
					min_t(unsigned int, npages - done, INT_MAX),
					write ? FOLL_WRITE : 0, pages + done);
		if (n <= 0)
			return n ? n : -EFAULT;
		done += n;
		/* Counted as they come, so a failure unpins exactly these. */
		if (write)
			req->nr_pinned_write += n;
		else
			req->nr_pinned_read += n;
	}
	return sg_alloc_table_from_pages_segment(sgt, pages, npages, offset_in_page(a->addr),
						 a->len, req->va->max_seg_size, GFP_KERNEL);
}

/**
 * virtaccel_req_pin - pin the user buffers and build the descriptor list
 * @req: a request from virtaccel_req_create()
 *
 * Return: 0, -E2BIG when the merged segments exceed max_segments, -EFAULT
 * for unmapped or read-only (write arg) memory, -ENOMEM.
 */
int virtaccel_req_pin(struct virtaccel_req *req)
{
	unsigned int i, n = req->nr_read + req->nr_write;
	u64 segs = 2; /* headers and response */
	int ret;

	if (req->sz.nr_pages > UINT_MAX)
		return -E2BIG;
	if (req->sz.nr_pages) {
		req->pages = kvmalloc_array(req->sz.nr_pages, sizeof(*req->pages),
					    GFP_KERNEL | __GFP_NOWARN);
		if (!req->pages)
			return -ENOMEM;
	}
	if (req->sz.nr_data) {
		req->tables = kcalloc(req->sz.nr_data, sizeof(*req->tables), GFP_KERNEL);
		if (!req->tables)
			return -ENOMEM;
	}
	req->sgs = kcalloc(req->sz.nr_data + 2, sizeof(*req->sgs), GFP_KERNEL);
	if (!req->sgs)
		return -ENOMEM;

	req->sgs[req->nr_out++] = &req->hdr_sg;
	for (i = req->nr_inline; i < n; i++) {
		bool write = i >= req->nr_read;
		struct sg_table *sgt = &req->tables[req->nr_tables];

		if (!req->args[i].len)
			continue;
		ret = virtaccel_pin_arg(req, &req->args[i], write, sgt);
		if (ret)
			return ret;
		req->nr_tables++;
		segs += sg_nents(sgt->sgl);
		if (write)
			req->sgs[req->nr_out + req->nr_in++] = sgt->sgl;
		else
			req->sgs[req->nr_out++] = sgt->sgl;
	}
	req->sgs[req->nr_out + req->nr_in++] = &req->resp_sg;

	if (segs > req->va->lim.max_segments)
		return -E2BIG;
	req->nr_segs = segs;
	return 0;
}

/**
 * virtaccel_req_wait - wait for the device to answer
 * @req: a submitted request
 *
 * Only a fatal signal interrupts the wait, and request_timeout_ms (if set)
 * bounds it. A waiter that gives up marks the request orphaned and leaves it
 * to the device: buffers and pins stay until the device completes it.
 * Return: 0, -EINTR, -ETIMEDOUT or -ENODEV (device removed).
 */
int virtaccel_req_wait(struct virtaccel_req *req)
{
	unsigned int tmo = READ_ONCE(virtaccel_request_timeout_ms);
	long left;

	if (tmo) {
		left = wait_for_completion_killable_timeout(&req->done, msecs_to_jiffies(tmo));
		if (!left) {
			req->orphan = true;
			return -ETIMEDOUT;
		}
	} else {
		left = wait_for_completion_killable(&req->done) ? -ERESTARTSYS : 1;
	}
	if (left < 0) {
		req->orphan = true;
		return -EINTR;
	}
	return req->error;
}

/* Return: 0 when the device answered with a well-formed response, else -EIO. */
int virtaccel_req_result(struct virtaccel_req *req)
{
	const struct virtio_accel_ioc_arg *wr = req->args + req->nr_read;
	unsigned int i;

	if (virtaccel_check_used(req->used_len, req->sz.write_bytes))
		goto bad;
	for (i = 0; i < req->nr_write; i++)
		if (virtaccel_check_out_len(le64_to_cpu(req->out_len[i]), wr[i].len))
			goto bad;
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
 * Used when a file is released and when a created session lost its creator.
 * Waits (uninterruptibly) only for ring space, so it works for a process
 * that is being killed; the device completes the request on its own time.
 */
void virtaccel_send_destroy(struct virtaccel *va, u64 session_id)
{
	struct virtio_accel_ioc_req ir = {
		.code = VIRTIO_ACCEL_C_DESTROY_SESSION,
		.session_id = session_id,
	};
	struct virtaccel_req *req;

	if (READ_ONCE(va->dead))
		return;
	req = virtaccel_req_create(va, &ir);
	if (IS_ERR(req))
		goto fail;
	if (!virtaccel_req_pin(req) && !virtaccel_submit(va, req, false)) {
		virtaccel_req_put(req);
		return;
	}
	virtaccel_req_put(req);
fail:
	if (!READ_ONCE(va->dead))
		pr_warn_ratelimited("virtio_accel: could not destroy session %llu\n", session_id);
}
