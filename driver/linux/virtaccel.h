/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-accel guest driver: private definitions shared by its files.
 *
 *   main.c     module init/exit, probe/remove, config space, device refcount
 *   queue.c    virtqueues: submission, ring-full waits, completion callback
 *   request.c  request objects: copy + validate, pin, scatter-gather, release
 *   file.c     per-file ownership of sessions and resources
 *   chardev.c  the misc device and its ioctls
 */
#ifndef VIRTACCEL_H
#define VIRTACCEL_H

#include <linux/completion.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
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
 * An indirect table is one kmalloc of 16 bytes per segment; no chain can be
 * longer than the largest kmalloc.
 */
#define VIRTACCEL_MAX_SEGMENTS (KMALLOC_MAX_SIZE / 16)
/* Sessions + resource registrations one open file may hold. */
#define VIRTACCEL_MAX_IDS_PER_FILE 65536
/* vAccel op type EXEC_WITH_RESOURCE: read arg 1 names a resource (spec §6.2). */
#define VIRTACCEL_OP_EXEC_WITH_RESOURCE 2

struct virtaccel_queue {
	spinlock_t lock; /* serialises every virtqueue operation on vq */
	struct virtqueue *vq;
	wait_queue_head_t space;   /* submitters waiting for ring space */
	unsigned long completions; /* bumped under lock by each callback */
	char name[24];
};

/*
 * One device. Refcounted: probe holds a reference until remove(), each open
 * file and each request holds one, so a file or an orphaned request never
 * sees freed memory after hot-unplug.
 */
struct virtaccel {
	struct kref ref;
	struct virtio_device *vdev; /* only valid while !dead */
	struct miscdevice misc;
	char node_name[32];
	int index;

	/*
	 * Set by remove() under every queue lock; read by submitters under a
	 * queue lock. Submitters hold srcu across add + notify so remove() can
	 * wait for them before it resets the device and deletes the vqs.
	 */
	bool dead;
	struct srcu_struct srcu;

	unsigned int nvqs;
	struct virtaccel_queue *queues;
	bool have_vqs; /* between find_vqs and del_vqs (probe/restore to remove/freeze) */
	bool indirect;

	/* Config space as validated at probe, and the limits enforced. */
	u32 version;
	struct virtaccel_limits lim;
	unsigned int max_seg_size; /* bytes per scatter-gather entry */
	u64 features;
	atomic64_t next_tag;
};

/*
 * One request. The waiter and the device each hold a reference; memory the
 * device may write (buf, pinned pages) is released only with the last one.
 */
struct virtaccel_req {
	struct kref ref;
	struct virtaccel *va;
	struct completion done;
	struct work_struct work;

	/* Set before done is completed. */
	int error; /* 0, or -ENODEV when failed by remove() */
	unsigned int used_len;

	bool submitted;
	bool orphan; /* the waiter gave up: the release path cleans up */

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

	/* Pinned user pages: read args first, then write args. */
	struct page **pages;
	unsigned int nr_pinned_read;
	unsigned int nr_pinned_write;

	/* One sg_table per non-empty, non-inlined arg. */
	struct sg_table *tables;
	unsigned int nr_tables;
	struct scatterlist hdr_sg;
	struct scatterlist resp_sg;
	struct scatterlist **sgs;
	unsigned int nr_out;
	unsigned int nr_in;
	unsigned int nr_segs;
};

/* An id this file may name: a session (resource 0) or a (session, resource) pair. */
struct virtaccel_id {
	struct hlist_node node;
	u64 session;
	u64 resource;
};

struct virtaccel_file {
	struct virtaccel *va;
	struct mutex lock;		/* protects everything below */
	DECLARE_HASHTABLE(sessions, 5); /* keyed by session */
	DECLARE_HASHTABLE(regs, 5);	/* keyed by resource */
	unsigned int nr_ids;		/* entries + reservations */
};

/* main.c */
extern unsigned int virtaccel_request_timeout_ms;
extern struct workqueue_struct *virtaccel_wq;
void virtaccel_get(struct virtaccel *va);
void virtaccel_put(struct virtaccel *va);

/* queue.c */
int virtaccel_queues_init(struct virtaccel *va);
void virtaccel_queues_kill(struct virtaccel *va);
void virtaccel_queues_drain(struct virtaccel *va);
int virtaccel_submit(struct virtaccel *va, struct virtaccel_req *req, bool killable);

/* request.c */
struct virtaccel_req *virtaccel_req_create(struct virtaccel *va,
					   const struct virtio_accel_ioc_req *ir);
int virtaccel_req_pin(struct virtaccel_req *req);
int virtaccel_req_wait(struct virtaccel_req *req);
int virtaccel_req_result(struct virtaccel_req *req);
void virtaccel_req_complete(struct virtaccel_req *req, unsigned int used_len, int error);
void virtaccel_req_put(struct virtaccel_req *req);
void virtaccel_send_destroy(struct virtaccel *va, u64 session_id);

/* file.c */
void virtaccel_own_init(struct virtaccel_file *vf);
int virtaccel_own_check(struct virtaccel_file *vf, const struct virtaccel_req *req);
struct virtaccel_id *virtaccel_own_reserve(struct virtaccel_file *vf,
					   const struct virtaccel_req *req);
void virtaccel_own_commit(struct virtaccel_file *vf, const struct virtaccel_req *req,
			  struct virtaccel_id **spare);
void virtaccel_own_unreserve(struct virtaccel_file *vf, struct virtaccel_id *spare);
void virtaccel_own_release(struct virtaccel_file *vf);

/* chardev.c */
extern const struct file_operations virtaccel_fops;

#endif /* VIRTACCEL_H */
