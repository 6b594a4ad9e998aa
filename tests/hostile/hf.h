/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hf: a hostile vhost-user-accel frontend for tests. It owns a memfd "guest
 * memory", one queue, and can submit well-formed requests through vq_drv or
 * write raw descriptors and avail entries by hand. The daemon it talks to
 * runs under the shared harness (tests/lib/td.h).
 */
#ifndef HF_H
#define HF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/virtio_accel.h>

#include "vhu.h"
#include "vq.h"

#define HF_MEM (8u << 20)
#define HF_GPA 0x100000ull /* guest physical base of our memory */
#define HF_RING 64

struct hf {
	struct vhu_front *f;
	int memfd;
	uint8_t *mem;
	struct vq_drv vq; /* queue 0 (raw descriptor cases write into it) */
	int kick_fd, call_fd;
	struct vq_drv vq1; /* queue 1 */
	int kick1, call1;
	unsigned cur;  /* queue the submit functions use: 0 or 1 */
	bool no_reset; /* hf_request keeps allocating (requests are pending) */
	uint64_t features;
	size_t next;	/* bump allocator over mem, past the rings */
	char file[128]; /* HF_DISK_FILE: the file (removed at close) */
	void *alias;	/* a second view of mem (HF_RING_USED_ALIASED) */
	void *extra;	/* our view of the extra region */
	uint64_t extra_size;
};

/* What backs guest memory. */
enum hf_backing {
	HF_MEMFD_SEALED,   /* memfd sealed against shrinking and growing (as QEMU's) */
	HF_MEMFD_UNSEALED, /* memfd the frontend can still shrink */
	HF_DISK_FILE,	   /* a regular file (not shmem): no seals exist for it */
};

/*
 * Where queue 0's used ring goes. Other than NORMAL, queue 0 starts with
 * HF_RING / 2 chains published whose descriptors lie outside guest memory.
 */
enum hf_ring_layout {
	HF_RING_NORMAL,
	HF_RING_USED_ON_AVAIL, /* used ring at the avail ring's address */
	HF_RING_USED_ALIASED,  /* used ring on the avail ring's pages, seen through a
				* second region mapping the same memory elsewhere */
};

/* Second region placed at HF_EXTRA_GPA (e.g. hugetlb); fd < 0: none. */
#define HF_EXTRA_GPA 0x40000000ull

struct hf_cfg {
	enum hf_backing backing;
	const char *dir; /* HF_DISK_FILE: a directory on a disk file system */
	enum hf_ring_layout rings;
	int extra_fd; /* owned by the caller; mapped by hf for its own view */
	uint64_t extra_size;
};

/*
 * Connect and set up queues 0 and 1 (features as offered, minus EVENT_IDX)
 * on HF_MEM bytes of sealed memfd guest memory.
 */
int hf_open(struct hf *h, const char *sock);
/* The same with another memory backing or ring layout. */
int hf_open_cfg(struct hf *h, const char *sock, const struct hf_cfg *cfg);
void hf_close(struct hf *h);
/* Stop queue q (GET_VRING_BASE) and set it up again where it stopped: a driver's reset. */
int hf_restart_queue(struct hf *h, unsigned q);

/* Reset the buffer allocator (between requests). */
void hf_reset_alloc(struct hf *h);
/* Carve len bytes (8-aligned) of guest memory; returns its gpa, *p its pointer. */
uint64_t hf_alloc(struct hf *h, size_t len, void **p);
/* gpa <-> pointer */
void *hf_ptr(struct hf *h, uint64_t gpa);

/* Add a chain through vq_drv, kick, wait for it. Returns used len or -errno. */
int hf_submit(struct hf *h, const struct vq_buf *bufs, unsigned nr, unsigned nw);

/*
 * Raw: publish head `head` (descriptors already written by hand in
 * h->vq.desc) on the avail ring, kick, wait for a used entry. Returns used
 * len or -errno. Only on a connection not otherwise used through vq_drv.
 */
int hf_submit_raw(struct hf *h, uint16_t head);
/* The same, waiting up to ms for the used entry. */
int hf_submit_raw_ms(struct hf *h, uint16_t head, int ms);
/* Raw: set avail->idx directly and kick (ring corruption). */
void hf_raw_avail_idx(struct hf *h, uint16_t idx);

struct hf_arg {
	const void *data; /* read args: contents; write: NULL */
	uint64_t len;	  /* size or capacity */
	uint32_t type;
};

/* A GENOP's read args for NOOP: its op byte alone (pass &hf_noop_arg, 1). */
extern const struct hf_arg hf_noop_arg;

struct hf_resp {
	int used;
	uint8_t status;
	int32_t vret;
	uint64_t id;
	uint64_t out_len[8];
	void *out[8]; /* write buffers, in guest memory */
};

/*
 * Build and send one request: readable part split into `split` byte pieces
 * (0: one descriptor), writable part one descriptor. Returns used length.
 */
int hf_request(struct hf *h, uint16_t code, uint32_t flags, uint64_t sid, uint64_t oid,
	       const struct hf_arg *rd, unsigned nr, const struct hf_arg *wr, unsigned nw,
	       size_t split, struct hf_resp *resp);

/* An asynchronous request (several may be in flight on the current queue). */
struct hf_pending {
	struct hf_resp resp;
	uint8_t *wp; /* writable area */
	size_t wlen;
	unsigned nw;
	bool done;
};

/* Build and post a request without waiting; memory comes from the allocator (no reset). */
int hf_post(struct hf *h, uint16_t code, uint32_t flags, uint64_t sid, uint64_t oid,
	    const struct hf_arg *rd, unsigned nr, const struct hf_arg *wr, unsigned nw,
	    struct hf_pending *p);
/* Wait up to ms for one completion on the current queue; returns it (resp filled) or NULL. */
struct hf_pending *hf_reap(struct hf *h, int ms);

/* CREATE_SESSION + GENOP NOOP + DESTROY_SESSION on h: true if all fine. */
bool hf_healthy(struct hf *h);
/* The same on a fresh connection. */
bool hf_healthy_fresh(const char *sock);

#endif /* HF_H */
