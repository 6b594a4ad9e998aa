/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhu internals: wire layout, the backend's state, and the pieces the
 * message handlers, the serve loop and the fuzz targets share.
 */
#ifndef VHU_PRIV_H
#define VHU_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#include "vhu.h"
#include "vaccel_lock.h"

/* ------------------------------------------------------------- wire layout */

#define VHU_VERSION 0x1u
#define VHU_VERSION_MASK 0x3u
#define VHU_FLAG_REPLY 0x4u
#define VHU_FLAG_NEED_REPLY 0x8u

#define VHU_VRING_IDX_MASK 0xffu
#define VHU_VRING_NOFD 0x100u

#define VHU_MAX_CONFIG 256u
#define VHU_CONFIG_HDR 12u
#define VHU_MAX_FDS VHU_MAX_MEM_REGIONS

struct vhu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
};

struct vhu_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vhu_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};

struct vhu_wire_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint64_t mmap_offset;
};

struct vhu_wire_memory {
	uint32_t nregions;
	uint32_t padding;
	struct vhu_wire_region regions[VHU_MAX_MEM_REGIONS];
};

struct vhu_wire_config {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	uint8_t payload[VHU_MAX_CONFIG];
};

/* Largest payload any request we accept may carry. */
#define VHU_MSG_MAX_PAYLOAD (VHU_CONFIG_HDR + VHU_MAX_CONFIG)

/* In memory hdr and payload are apart (payload is 8-aligned); on the wire they touch. */
struct vhu_msg {
	struct vhu_hdr hdr;
	union {
		uint64_t u64;
		struct vhu_vring_state state;
		struct vhu_vring_addr addr;
		struct vhu_wire_memory memory;
		struct vhu_wire_config config;
		uint8_t raw[VHU_MSG_MAX_PAYLOAD];
	} payload;
};

/*
 * Read one message. Returns 1 (msg and fds[0..*nfds) filled, the caller owns
 * the fds), 0 (peer closed between messages), -EPROTO (truncated, oversized,
 * bad version, too many fds), -ETIMEDOUT (timeout_ms >= 0 passed before the
 * whole message arrived; counted from the call) or another -errno. On error
 * no fd is left open.
 */
int vhu_msg_recv(int fd, struct vhu_msg *msg, int *fds, unsigned *nfds, int timeout_ms);
/* Send header + hdr.size payload bytes, with optional fds. 0 or -errno. */
int vhu_msg_send(int fd, const struct vhu_msg *msg, const int *fds, unsigned nfds);
/* Write or read exactly len bytes (EINTR and short transfers handled). */
int vhu_write_all(int fd, const void *buf, size_t len, const int *fds, unsigned nfds);

/* ------------------------------------------------------------------- log */

void vhu_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A request for logs: its name ("SET_MEM_TABLE"), else "request N" written into buf. */
#define VHU_REQ_STR 24
const char *vhu_req_str(uint32_t request, char buf[VHU_REQ_STR]);

/* --------------------------------------------------------------- backend */

struct vhu_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	void *map_base; /* what mmap returned */
	size_t map_len;
	uint8_t *host; /* our address of gpa */
	/* Which memory it is: the same file pages may be mapped by two regions. */
	uint64_t file_dev, file_ino, file_off; /* file_off: of gpa in the file */
	int guard;			       /* SIGBUS guard slot (vhu_mem.c), -1: none */
	int fd; /* the frontend's file, kept for a handover (vhu_handover.c); -1: none */
};

struct vhu_queue {
	struct vaccel_lock call_lock; /* guards call_fd against vhu_dev_notify() (every op) */
	uint16_t num;
	bool addr_set;
	uint64_t desc_uva, avail_uva, used_uva;
	uint16_t base; /* avail index to resume from */
	int kick_fd;
	int call_fd;
	int err_fd;
	bool kick_set; /* SET_VRING_KICK received since the last stop */
	bool enabled;
	bool started;
	struct vq_dev vq;
};

struct vhu_dev {
	struct vhu_dev_config cfg;
	void *config_copy;
	const struct vhu_dev_ops *ops;
	void *opaque;

	uint64_t features;	    /* acked; read by other threads atomically */
	uint64_t protocol_features; /* acked */
	bool features_set;
	bool owner;
	uint8_t status; /* virtio device status from SET_STATUS */

	struct vhu_region regions[VHU_MAX_MEM_REGIONS];
	unsigned nregions;
	bool keep_mappings; /* unmapping replaces with anonymous memory instead */
	int mem_fault;	    /* set (atomic) by the SIGBUS handler: end the connection */
	int pause;	    /* set (atomic) by vhu_dev_pause(): serve() returns paused */

	struct vhu_queue *queues; /* cfg.num_queues entries */
};

/*
 * Handle one message: takes ownership of fds (closes those it does not keep)
 * and fills *reply when the request has one. Returns 0, -EPROTO (end the
 * connection) or another negative errno (request failed; a REPLY_ACK says so).
 * *has_reply tells whether reply must be sent.
 */
int vhu_dev_handle(struct vhu_dev *dev, const struct vhu_msg *msg, int *fds, unsigned nfds,
		   struct vhu_msg *reply, bool *has_reply);

/* Protocol features the backend offers (GET_PROTOCOL_FEATURES). */
#define VHU_OFFERED_PROTOCOL_FEATURES                                                              \
	((1ull << VHU_PROTOCOL_F_MQ) | (1ull << VHU_PROTOCOL_F_REPLY_ACK) |                        \
	 (1ull << VHU_PROTOCOL_F_CONFIG) | (1ull << VHU_PROTOCOL_F_STATUS))

/* Virtio feature bits the backend offers (GET_FEATURES). */
uint64_t vhu_offered_features(const struct vhu_dev *dev);

/*
 * Make a vring fd ours to use: never block on it (a full pipe or a
 * saturated blocking eventfd as call fd would hang the notifying thread
 * under the call lock). 0, or -EPROTO for an unusable fd.
 */
int vhu_vring_fd_adopt(int fd);

/* Drop all connection state: stop queues, disconnect callback, unmap, close fds. */
void vhu_dev_reset(struct vhu_dev *dev, bool disconnect);

/* Queue readiness: start if ready and not started; stop if started. */
int vhu_queue_try_start(struct vhu_dev *dev, unsigned index);
void vhu_queue_stop(struct vhu_dev *dev, unsigned index);

/*
 * Memory table. On success the regions own fds[0..n) (kept for a handover,
 * closed at unmap) and the array entries are set to -1; on failure the
 * caller still owns them.
 */
int vhu_mem_set(struct vhu_dev *dev, const struct vhu_wire_memory *mem, unsigned n, int *fds);
/*
 * The region holding gpa as a run for the queues' translation cache
 * (vq_dev_set_window): regions never overlap, and the table changes only
 * with every queue stopped (a started queue's vq is initialised afresh).
 */
bool vhu_mem_gpa_window(const struct vhu_dev *dev, uint64_t gpa, struct vq_window *w);
void vhu_mem_unmap(struct vhu_dev *dev, struct vhu_region *regions, unsigned n);
/*
 * Where [addr, addr + len) of the frontend's address space (uva) lies: its
 * region and offset in it. Returns false unless inside one region.
 */
bool vhu_mem_locate(const struct vhu_dev *dev, uint64_t uva, uint64_t len,
		    const struct vhu_region **region, uint64_t *off);
/* Install the SIGBUS handler guarding guest memory (once per process). */
void vhu_mem_guard_init(void);

void vhu_close_fd(int *fd);

#endif /* VHU_PRIV_H */
