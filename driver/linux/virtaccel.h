/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-accel guest driver: private definitions shared by its files.
 *
 *   main.c     module init/exit, probe/remove, suspend, config space, device refcount,
 *              reset after the host backend went away (docs/restart.md)
 *   queue.c    virtqueues: submission, ring-full waits, completion callback,
 *              the driver's own DESTROYs that wait for ring space
 *   request.c  request objects: copy + validate, wait, response, release
 *   chain.c    descriptor chain: pin (accounted), merge, copy when too long
 *   file.c     per-file ownership of sessions and resources
 *   chardev.c  the misc device nodes and their ioctls
 *   compat.h   differences between kernel versions
 *
 * Rules every file keeps: user memory and device-writable memory are each
 * read once, into kernel copies that are checked and then used; nothing in
 * release() or in a work item sleeps without bound; memory a process causes
 * is charged to it (GFP_KERNEL_ACCOUNT, pinned pages to RLIMIT_MEMLOCK).
 */
#ifndef VIRTACCEL_H
#define VIRTACCEL_H

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "virtaccel_calc.h"

/* Queues the driver sets up at most; more in config space is clamped. */
#define VIRTACCEL_MAX_QUEUES 1024
/*
 * Descriptors per chain at most, whatever the device offers: a chain never
 * exceeds the ring (VIRTIO 1.3 §2.7.5.3.1, indirect tables included), and
 * an indirect table of 256 descriptors is 4 KiB, an order-0 allocation that
 * GFP_ATOMIC under the queue lock can count on.
 */
#define VIRTACCEL_MAX_SEGMENTS 256
/* Largest bounce chunk when a chain must be shortened (chain.c). */
#define VIRTACCEL_MAX_CHUNK (4u << 20)
/* Sessions + resource registrations one open file may hold. */
#define VIRTACCEL_MAX_IDS_PER_FILE 65536
/*
 * How long remove(), suspend and power-off wait for the DESTROYs of the open
 * files' sessions before they reset the device. Only an unanswering device
 * makes them wait that long; a slow one (an emulated guest on a loaded host
 * took over 2 s) must still get its sessions destroyed.
 */
#define VIRTACCEL_SWEEP_MS 10000
/*
 * A waiter looks at the used rings itself after this long without an
 * answer: a completion whose interrupt never arrived costs latency, not a
 * hung process (queue.c, virtaccel_queues_recheck).
 */
#define VIRTACCEL_RECHECK_MS 1000
/*
 * How user space waits in the driver (ring space, the answer): a fatal
 * signal ends the wait, and the task can be frozen in it, so that suspend
 * works while requests are outstanding.
 */
#define VIRTACCEL_WAIT_STATE (TASK_KILLABLE | TASK_FREEZABLE)
/* vAccel op type EXEC_WITH_RESOURCE: read arg 1 names a resource (spec §6.2). */
#define VIRTACCEL_OP_EXEC_WITH_RESOURCE 2

struct virtaccel_queue {
	spinlock_t lock; /* serialises every virtqueue operation on vq */
	struct virtqueue *vq;
	wait_queue_head_t space;   /* submitters waiting for ring space */
	unsigned long completions; /* bumped under lock by each callback */
	char name[24];
};

/* A device node; the first device may have two (main.c). */
struct virtaccel_node {
	struct miscdevice misc;
	struct virtaccel *va;
	char name[32];
};

/*
 * One device. Refcounted: probe holds a reference until remove(), each open
 * file and each request holds one, so a file or an orphaned request never
 * sees freed memory after hot-unplug.
 */
struct virtaccel {
	struct kref ref;
	struct virtio_device *vdev; /* only valid while !dead */
	struct virtaccel_node node;
	struct virtaccel_node alias; /* "accel", where that name is free */
	bool have_alias;
	int index;
	struct notifier_block reboot_nb; /* sweep before power-off / reboot */

	/*
	 * Submission gates, each set under no lock and read by submitters
	 * under a queue lock inside an srcu read section, so that setting one
	 * and then synchronize_srcu() means no submitter passes it any more.
	 * closed: no request from user space (remove or suspend under way);
	 * dead: no request at all (the device is about to be reset).
	 */
	bool closed;
	bool dead;
	struct srcu_struct srcu;

	/*
	 * The host backend is gone (config status BACKEND_AWAY, or the device
	 * asked for a reset): user requests wait on backend_wq, at most
	 * backend_wait_ms, then fail with -ESHUTDOWN. restart_work resets the
	 * device without sending a DESTROY (the backend is gone) and fails what
	 * the rings held with -ESHUTDOWN; the files keep their ids, pending a
	 * decision: once a backend is there, resume_work asks it (RESUME, spec
	 * §4.2) whether it restored them, and ends them if not. Only then does
	 * away clear.
	 */
	bool away;
	bool restarting;     /* restart_work is resetting: teardown sends nothing */
	bool resume_pending; /* ids kept since a restart, not yet confirmed */
	wait_queue_head_t backend_wq;
	struct work_struct restart_work;
	struct work_struct resume_work;

	/*
	 * Open files, and the epoch their ids belong to. remove() and suspend
	 * destroy every file's sessions and move to the next epoch before the
	 * device is reset (main.c): an id from an older epoch names nothing.
	 */
	struct mutex files_lock;
	struct list_head files;
	u64 epoch; /* written under files_lock */

	/*
	 * The driver's own DESTROYs that found every ring full wait here, in
	 * order, until a completion frees a slot (queue.c): nobody sleeps.
	 */
	spinlock_t pending_lock;
	struct list_head pending;
	atomic_t nr_pending; /* parked or being resubmitted */
	struct work_struct pending_work;
	/* The driver's own requests not yet completed; internal_wq: it reached 0. */
	atomic_t nr_internal;
	wait_queue_head_t internal_wq;

	/*
	 * CREATE_SESSIONs from user space that reached a ring, until freed: the
	 * sweep destroys what they create even when their answer comes after
	 * the files' tables were emptied. Taken under a queue lock (irqsave).
	 */
	spinlock_t creating_lock;
	struct list_head creating;

	unsigned int nvqs;
	struct virtaccel_queue *queues;
	bool have_vqs; /* between find_vqs and del_vqs (probe/restore to remove/freeze) */
	bool indirect;

	/* Config space as validated at probe, and the limits enforced. */
	u32 version;
	u32 config_max_segments;
	struct virtaccel_limits lim;
	unsigned int max_seg_size; /* bytes per scatter-gather entry */
	u64 features;
	atomic64_t next_tag;
};

/* A bounce chunk: high-order pages standing in for a run of short pieces. */
struct virtaccel_chunk {
	struct page *page;
	unsigned int order;
	u32 len;
	/* The run it belongs to: pieces [first_piece, end_piece). */
	unsigned int first_piece;
	unsigned int end_piece;
};

/* The descriptor chain of a request and what it holds (chain.c). */
struct virtaccel_chain {
	/* Pinned user pages, read args first; charged to @user and @mm. */
	struct page **pages;
	unsigned int nr_pinned_read;
	unsigned int nr_pinned_write;
	struct user_struct *user;
	struct mm_struct *mm;
	unsigned long charged; /* pages: pinned + bounce */
	bool unlimited;	       /* CAP_IPC_LOCK */

	/* The two streams as pieces; readable first. */
	struct virtaccel_piece *pieces;
	unsigned int nr_pieces;
	unsigned int nr_read_pieces;
	u32 copy_below; /* pieces shorter than this travel in chunks; 0: none */
	u32 chunk_size;
	struct virtaccel_chunk *chunks;
	unsigned int nr_chunks;

	struct sg_table out; /* header segment, then readable pieces */
	struct sg_table in;  /* writable pieces, then the response */
	struct scatterlist *sgs[2];
	unsigned int nr_segs;
};

/* The response header as read, once, from device-writable memory. */
struct virtaccel_answer {
	u8 status;
	s32 vaccel_ret;
	u64 id;
};

/*
 * One request. The waiter and the device each hold a reference; memory the
 * device may write (buf, pinned pages, chunks) goes only with the last one.
 */
struct virtaccel_req {
	struct kref ref;
	struct virtaccel *va;
	struct work_struct work;

	/* Set once, by the vq callback or by teardown, before completed. */
	int error; /* 0, or -ENODEV when failed by remove() or suspend */
	unsigned int used_len;
	bool answered; /* used length covers the response: @ans is valid */
	struct virtaccel_answer ans;
	bool completed; /* release/acquire; done_wq is woken after it is set */
	wait_queue_head_t done_wq;

	bool submitted;
	bool orphan;		   /* the waiter gave up: the release path cleans up */
	bool internal;		   /* a DESTROY the driver sends itself: never waits */
	u64 epoch;		   /* user requests: the epoch their ids were checked in */
	struct list_head pending;  /* on va->pending */
	struct list_head creating; /* on va->creating */
	struct list_head sweep;	   /* on the sweep's list of CREATEs in flight */

	u16 code;
	u16 nr_read;
	u16 nr_write;
	u64 session_id;
	u64 object_id;
	bool has_res_arg; /* GENOP EXEC_WITH_RESOURCE: res_arg names a resource */
	u64 res_arg;

	struct virtaccel_sizes sz;
	/* The copied arg arrays, read args first; lengths are the capacities. */
	struct virtio_accel_ioc_arg *args;
	struct virtio_accel_ioc_arg __user *uwrite; /* where write lengths go back */
	unsigned int nr_inline;			    /* leading read args copied into buf */

	/* One kmalloc: req_hdr | arg_hdr[] | inlined read data ... resp_hdr | out_len[]. */
	void *buf;
	size_t inline_bytes;
	struct virtio_accel_resp_hdr *resp;
	__le64 *out_len;

	struct virtaccel_chain chain;
};

/* An id this file may name: a session (resource 0) or a (session, resource) pair. */
struct virtaccel_id {
	struct hlist_node node;
	u64 session;
	u64 resource;
};

struct virtaccel_file {
	struct virtaccel *va;
	struct list_head node;		/* in va->files */
	struct mutex lock;		/* protects everything below */
	u64 epoch;			/* of the ids below; another than va->epoch: none valid */
	DECLARE_HASHTABLE(sessions, 5); /* keyed by session */
	DECLARE_HASHTABLE(regs, 5);	/* keyed by resource */
	unsigned int nr_ids;		/* entries + reservations */
};

/* main.c */
extern unsigned int virtaccel_request_timeout_ms;
extern unsigned int virtaccel_backend_wait_ms;
extern struct workqueue_struct *virtaccel_wq;
void virtaccel_get(struct virtaccel *va);
void virtaccel_put(struct virtaccel *va);

/* queue.c */
int virtaccel_queues_init(struct virtaccel *va);
void virtaccel_queues_close(struct virtaccel *va);
void virtaccel_queues_kill(struct virtaccel *va);
void virtaccel_queues_drain(struct virtaccel *va, int error);
void virtaccel_queues_recheck(struct virtaccel *va);
int virtaccel_submit(struct virtaccel *va, struct virtaccel_req *req);
void virtaccel_pending_work(struct work_struct *work);

/* request.c */
struct virtaccel_req *virtaccel_req_create(struct virtaccel *va,
					   const struct virtio_accel_ioc_req *ir);
int virtaccel_req_wait(struct virtaccel_req *req);
int virtaccel_req_result(struct virtaccel_req *req);
void virtaccel_req_complete(struct virtaccel_req *req, unsigned int used_len, int error);
bool virtaccel_req_done(struct virtaccel_req *req);
void virtaccel_req_put(struct virtaccel_req *req);
void virtaccel_send_destroy(struct virtaccel *va, u64 session_id);

/* chain.c */
int virtaccel_chain_build(struct virtaccel_req *req);
void virtaccel_chain_copy_back(struct virtaccel_req *req);
void virtaccel_chain_free(struct virtaccel_chain *ch, bool dirty);

/* file.c */
void virtaccel_own_init(struct virtaccel_file *vf, struct virtaccel *va);
int virtaccel_own_check(struct virtaccel_file *vf, struct virtaccel_req *req);
struct virtaccel_id *virtaccel_own_reserve(struct virtaccel_file *vf,
					   const struct virtaccel_req *req);
void virtaccel_own_unreserve(struct virtaccel_file *vf, struct virtaccel_id *spare);
void virtaccel_own_take(struct virtaccel_file *vf, const struct virtaccel_req *req,
			struct hlist_head *taken);
void virtaccel_own_untake(struct virtaccel_file *vf, const struct virtaccel_req *req,
			  struct hlist_head *taken, bool sent);
int virtaccel_own_commit(struct virtaccel_file *vf, const struct virtaccel_req *req,
			 struct virtaccel_id **spare);
void virtaccel_own_sweep(struct virtaccel_file *vf, u64 epoch, bool destroy);
void virtaccel_own_release(struct virtaccel_file *vf);

/* chardev.c */
extern const struct file_operations virtaccel_fops;

#endif /* VIRTACCEL_H */
