/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hf: a hostile vhost-user-accel frontend for tests. It owns a memfd "guest
 * memory", one queue, and can submit well-formed requests through vq_drv or
 * write raw descriptors and avail entries by hand. It also starts and stops
 * a real daemon process.
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
	size_t next; /* bump allocator over mem, past the rings */
};

/* Daemon process. */
struct hf_daemon {
	pid_t pid;
	char dir[64], sock[128], log[128];
};

int hf_daemon_start(struct hf_daemon *d, const char *const *extra);
/* Same with another host plugin (a path) in VACCEL_PLUGINS. */
int hf_daemon_start_with(struct hf_daemon *d, const char *plugin, const char *const *extra);
/* SIGTERM; returns milliseconds until it exited (or -1). */
int hf_daemon_stop(struct hf_daemon *d);
bool hf_daemon_alive(const struct hf_daemon *d);
long hf_daemon_rss_kib(const struct hf_daemon *d);
bool hf_log_wait(const struct hf_daemon *d, const char *needle, int ms);
void hf_log_dump(const struct hf_daemon *d);

/*
 * Connect and set up queues 0 and 1 (features as offered, minus EVENT_IDX).
 * Guest memory is a memfd sealed against shrinking and growing.
 */
int hf_open(struct hf *h, const char *sock);
/* The same with an unsealed memfd (h->memfd can then be shrunk under the daemon). */
int hf_open_unsealed(struct hf *h, const char *sock);
void hf_close(struct hf *h);

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
/* Raw: set avail->idx directly and kick (ring corruption). */
void hf_raw_avail_idx(struct hf *h, uint16_t idx);

struct hf_arg {
	const void *data; /* read args: contents; write: NULL */
	uint64_t len;	  /* size or capacity */
	uint32_t type;
};

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
