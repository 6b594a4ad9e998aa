// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel: the descriptor chain of a request.
 *
 * User buffers are pinned in place (FOLL_LONGTERM: the device may hold them
 * for as long as an operation runs) and described as pieces of physically
 * contiguous memory, a descriptor each: no copies. A chain may not be
 * longer than the device's limit, which the driver caps by the ring size
 * (VIRTIO forbids a chain longer than the queue, indirect tables included).
 * When the pieces would exceed it, runs of the shortest pieces are copied
 * into bounce chunks of up to VIRTACCEL_MAX_CHUNK bytes (the plan is
 * virtaccel_plan_chain()): a buffer of huge pages with a few stray small
 * pages copies only those, a fully fragmented one is copied whole, and a
 * request that cannot fit even so fails with -E2BIG. Bounced write buffers
 * are copied in too (write arguments are in/out, spec §5.2) and copied back
 * when the waiter takes the answer.
 *
 * Accounting: every page a request holds, pinned or bounce, is charged to
 * the calling user's locked_vm against RLIMIT_MEMLOCK, unless the caller
 * has CAP_IPC_LOCK (-ENOMEM beyond it, as mlock() does), and shows in the
 * process's VmPin. The charge stays until the request is freed, which for a
 * request whose waiter was killed is when the device completes it: killing
 * waiters gives nobody more than the limit.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "compat.h"
#include "virtaccel.h"

/* Charge @pages to the caller; the first charge takes the user and the mm. */
static int virtaccel_charge(struct virtaccel_chain *ch, unsigned long pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long cur, new;

	if (!ch->user) {
		ch->user = get_current_user();
		ch->mm = current->mm;
		mmgrab(ch->mm);
		ch->unlimited = capable(CAP_IPC_LOCK);
	}
	cur = atomic_long_read(&ch->user->locked_vm);
	do {
		if (check_add_overflow(cur, pages, &new) || (!ch->unlimited && new > limit))
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&ch->user->locked_vm, &cur, new));
	atomic64_add(pages, &ch->mm->pinned_vm);
	ch->charged += pages;
	return 0;
}

static void virtaccel_uncharge(struct virtaccel_chain *ch, unsigned long pages)
{
	atomic_long_sub(pages, &ch->user->locked_vm);
	atomic64_sub(pages, &ch->mm->pinned_vm);
	ch->charged -= pages;
}

/* Pin one user buffer and append its pieces to the stream that starts at @first. */
static int virtaccel_pin_arg(struct virtaccel_req *req, const struct virtio_accel_ioc_arg *a,
			     bool write, unsigned int first)
{
	struct virtaccel_chain *ch = &req->chain;
	unsigned long start = (unsigned long)a->addr & PAGE_MASK;
	unsigned int npages = virtaccel_arg_pages(a->addr, a->len, PAGE_SHIFT);
	struct page **pages = ch->pages + ch->nr_pinned_read + ch->nr_pinned_write;
	unsigned long off = offset_in_page(a->addr);
	unsigned int done = 0, i;
	u64 left = a->len;
	int n;

	while (done < npages) {
		n = pin_user_pages_fast(start + ((unsigned long)done << PAGE_SHIFT),
					min_t(unsigned int, npages - done, INT_MAX),
					FOLL_LONGTERM | (write ? FOLL_WRITE : 0), pages + done);
		if (n <= 0)
			return n ? n : -EFAULT;
		done += n;
		/* Counted as they come, so a failure unpins exactly these. */
		if (write)
			ch->nr_pinned_write += n;
		else
			ch->nr_pinned_read += n;
	}
	for (i = 0; i < npages; i++) {
		u32 len = min_t(u64, left, PAGE_SIZE - off);

		virtaccel_add_piece(ch->pieces, &ch->nr_pieces, first,
				    ((u64)page_to_pfn(pages[i]) << PAGE_SHIFT) + off, len,
				    req->va->max_seg_size);
		left -= len;
		off = 0;
	}
	return 0;
}

static int virtaccel_pin_all(struct virtaccel_req *req)
{
	struct virtaccel_chain *ch = &req->chain;
	unsigned int i, n = req->nr_read + req->nr_write;
	int ret;

	for (i = req->nr_inline; i < n; i++) {
		bool write = i >= req->nr_read;

		if (i == req->nr_read)
			ch->nr_read_pieces = ch->nr_pieces;
		if (!req->args[i].len)
			continue;
		ret = virtaccel_pin_arg(req, &req->args[i], write, write ? ch->nr_read_pieces : 0);
		if (ret)
			return ret;
	}
	if (n <= req->nr_read)
		ch->nr_read_pieces = ch->nr_pieces;
	return 0;
}

/*
 * Copy the pieces of the run that starts at chunk @c to its chunks, or back.
 * The user pages are pinned; write-stream pages were pinned for writing.
 */
static void virtaccel_copy_run(struct virtaccel_chain *ch, unsigned int c, bool to_chunks)
{
	struct virtaccel_chunk *chunk = &ch->chunks[c];
	unsigned int i, end = chunk->end_piece;
	u32 coff = 0;

	for (i = chunk->first_piece; i < end; i++) {
		u64 phys = ch->pieces[i].phys;
		u32 left = ch->pieces[i].len;

		while (left) {
			u32 poff = offset_in_page(phys);
			u32 n = min3(left, (u32)PAGE_SIZE - poff, chunk->len - coff);
			u8 *user = kmap_local_page(pfn_to_page(phys >> PAGE_SHIFT));
			u8 *bounce = (u8 *)page_address(chunk->page) + coff;

			if (to_chunks)
				memcpy(bounce, user + poff, n);
			else
				memcpy(user + poff, bounce, n);
			kunmap_local(user);
			phys += n;
			left -= n;
			coff += n;
			if (coff == chunk->len) {
				chunk++;
				coff = 0;
			}
		}
	}
}

/* Bounce pieces [first, end) of @bytes: allocate (charged) chunks and fill them. */
static int virtaccel_bounce_run(struct virtaccel_chain *ch, unsigned int first, unsigned int end,
				u64 bytes)
{
	unsigned int c0 = ch->nr_chunks;
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
	int ret;

	while (bytes) {
		struct virtaccel_chunk *chunk = &ch->chunks[ch->nr_chunks];
		u32 len = min_t(u64, bytes, ch->chunk_size);
		unsigned int order = get_order(len);

		ret = virtaccel_charge(ch, 1ul << order);
		if (ret)
			return ret;
		/* Large orders fail fast instead of stalling: a smaller chunk is tried next. */
		chunk->page = alloc_pages(
			order > PAGE_ALLOC_COSTLY_ORDER ? gfp | __GFP_NORETRY : gfp, order);
		if (!chunk->page) {
			virtaccel_uncharge(ch, 1ul << order);
			return -ENOMEM;
		}
		chunk->order = order;
		chunk->len = len;
		chunk->first_piece = first;
		chunk->end_piece = end;
		ch->nr_chunks++;
		bytes -= len;
	}
	virtaccel_copy_run(ch, c0, true);
	return 0;
}

static void virtaccel_free_chunks(struct virtaccel_chain *ch)
{
	while (ch->nr_chunks) {
		struct virtaccel_chunk *chunk = &ch->chunks[--ch->nr_chunks];

		__free_pages(chunk->page, chunk->order);
		virtaccel_uncharge(ch, 1ul << chunk->order);
	}
}

/*
 * Describe pieces [lo, hi) of one stream from @sg on: a descriptor per kept
 * piece, per chunk for runs of short ones (bounced as they are met).
 */
static int virtaccel_fill_stream(struct virtaccel_chain *ch, unsigned int lo, unsigned int hi,
				 struct scatterlist **sg)
{
	const struct virtaccel_piece *p = ch->pieces;
	unsigned int i = lo, end, c;
	u64 bytes;
	int ret;

	while (i < hi) {
		if (p[i].len >= ch->copy_below) {
			sg_set_page(*sg, pfn_to_page(p[i].phys >> PAGE_SHIFT), p[i].len,
				    offset_in_page(p[i].phys));
			*sg = sg_next(*sg);
			i++;
			continue;
		}
		bytes = 0;
		for (end = i; end < hi && p[end].len < ch->copy_below; end++)
			bytes += p[end].len;
		c = ch->nr_chunks;
		ret = virtaccel_bounce_run(ch, i, end, bytes);
		if (ret)
			return ret;
		for (; c < ch->nr_chunks; c++) {
			sg_set_page(*sg, ch->chunks[c].page, ch->chunks[c].len, 0);
			*sg = sg_next(*sg);
		}
		i = end;
	}
	return 0;
}

/* Build both scatter-gather tables for the current plan (copy_below, chunk_size). */
static int virtaccel_fill(struct virtaccel_req *req)
{
	struct virtaccel_chain *ch = &req->chain;
	u64 nr_out = virtaccel_stream_segments(ch->pieces, ch->nr_read_pieces, ch->copy_below,
					       ch->chunk_size);
	u64 nr_in = virtaccel_stream_segments(ch->pieces + ch->nr_read_pieces,
					      ch->nr_pieces - ch->nr_read_pieces, ch->copy_below,
					      ch->chunk_size);
	struct scatterlist *sg;
	int ret;

	ret = sg_alloc_table(&ch->out, nr_out + 1, GFP_KERNEL_ACCOUNT);
	if (!ret)
		ret = sg_alloc_table(&ch->in, nr_in + 1, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;

	sg = ch->out.sgl;
	sg_set_buf(sg, req->buf, req->sz.hdr_bytes + req->inline_bytes);
	sg = sg_next(sg);
	ret = virtaccel_fill_stream(ch, 0, ch->nr_read_pieces, &sg);
	if (ret)
		return ret;
	sg = ch->in.sgl;
	ret = virtaccel_fill_stream(ch, ch->nr_read_pieces, ch->nr_pieces, &sg);
	if (ret)
		return ret;
	sg_set_buf(sg, req->resp, req->sz.resp_bytes);

	ch->sgs[0] = ch->out.sgl;
	ch->sgs[1] = ch->in.sgl;
	ch->nr_segs = nr_out + nr_in + 2;
	return 0;
}

static void virtaccel_unfill(struct virtaccel_chain *ch)
{
	virtaccel_free_chunks(ch);
	sg_free_table(&ch->out);
	sg_free_table(&ch->in);
	memset(&ch->out, 0, sizeof(ch->out));
	memset(&ch->in, 0, sizeof(ch->in));
}

/**
 * virtaccel_chain_build - pin the user buffers and build the descriptor chain
 * @req: a request from virtaccel_req_create()
 *
 * Return: 0; -E2BIG when the chain cannot be made to fit max_segments;
 * -EFAULT for unmapped or read-only (write arg) memory; -ENOMEM when the
 * pages would exceed the caller's RLIMIT_MEMLOCK, or out of memory.
 */
int virtaccel_chain_build(struct virtaccel_req *req)
{
	struct virtaccel_chain *ch = &req->chain;
	u32 budget = req->va->lim.max_segments - 2; /* headers, response */
	u32 chunk = min_t(u64, VIRTACCEL_MAX_CHUNK, PAGE_SIZE << VIRTACCEL_MAX_PAGE_ORDER);
	bool nomem = false;
	int ret;

	if (req->sz.nr_pages > UINT_MAX)
		return -E2BIG;
	if (req->sz.nr_pages) {
		ret = virtaccel_charge(ch, req->sz.nr_pages);
		if (ret)
			return ret;
		ch->pages = kvmalloc_array(req->sz.nr_pages, sizeof(*ch->pages),
					   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		ch->pieces = kvmalloc_array(req->sz.nr_pages, sizeof(*ch->pieces),
					    GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!ch->pages || !ch->pieces)
			return -ENOMEM;
	}
	ret = virtaccel_pin_all(req);
	if (ret)
		return ret;

	/* Smaller chunks when large ones cannot be had, as long as the chain fits. */
	for (;; chunk /= 2) {
		ret = virtaccel_plan_chain(ch->pieces, ch->nr_read_pieces, ch->nr_pieces, budget,
					   PAGE_SIZE, chunk, &ch->copy_below);
		if (ret)
			return nomem ? -ENOMEM : ret;
		ch->chunk_size = chunk;
		if (ch->copy_below && !ch->chunks) {
			ch->chunks = kcalloc(budget, sizeof(*ch->chunks), GFP_KERNEL_ACCOUNT);
			if (!ch->chunks)
				return -ENOMEM;
		}
		ret = virtaccel_fill(req);
		if (ret != -ENOMEM || !ch->copy_below || chunk <= PAGE_SIZE)
			return ret;
		virtaccel_unfill(ch);
		nomem = true;
	}
}

/* Copy bounced write buffers back to the user's pages (the waiter, after the answer). */
void virtaccel_chain_copy_back(struct virtaccel_req *req)
{
	struct virtaccel_chain *ch = &req->chain;
	unsigned int c;

	for (c = 0; c < ch->nr_chunks; c++)
		if (ch->chunks[c].first_piece >= ch->nr_read_pieces &&
		    (!c || ch->chunks[c - 1].first_piece != ch->chunks[c].first_piece))
			virtaccel_copy_run(ch, c, false);
}

/* Release what the chain holds; @dirty: the device may have written the write pages. */
void virtaccel_chain_free(struct virtaccel_chain *ch, bool dirty)
{
	virtaccel_unfill(ch);
	kfree(ch->chunks);
	if (ch->nr_pinned_read)
		unpin_user_pages(ch->pages, ch->nr_pinned_read);
	if (ch->nr_pinned_write)
		unpin_user_pages_dirty_lock(ch->pages + ch->nr_pinned_read, ch->nr_pinned_write,
					    dirty);
	kvfree(ch->pages);
	kvfree(ch->pieces);
	if (ch->user) {
		virtaccel_uncharge(ch, ch->charged);
		mmdrop(ch->mm);
		free_uid(ch->user);
	}
}
