/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhu: a small vhost-user implementation, both sides.
 *
 * Backend (vhu_dev_*): serves one frontend connection at a time on a unix
 * socket: feature and protocol-feature negotiation, memory table mapping,
 * vring setup, config space. The application owns the threads that process
 * the queues; this library tells it when a queue starts and stops through a
 * small callback table (the seam to any event loop), and never touches the
 * queues itself while they run.
 *
 * Frontend (vhu_front_*): the client side, synchronous, used by the guest
 * plugin's userspace driver and by the tests' frontends.
 *
 * Protocol: QEMU docs/interop/vhost-user.rst. Every message from the peer is
 * bounded and validated before use; a violation ends the connection.
 */
#ifndef VHU_H
#define VHU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vq.h"

#define VHU_MAX_QUEUES 64
#define VHU_MAX_MEM_REGIONS 8

/* Front-end message types (the subset we speak). */
enum vhu_request {
	VHU_GET_FEATURES = 1,
	VHU_SET_FEATURES = 2,
	VHU_SET_OWNER = 3,
	VHU_RESET_OWNER = 4,
	VHU_SET_MEM_TABLE = 5,
	VHU_SET_LOG_BASE = 6,
	VHU_SET_LOG_FD = 7,
	VHU_SET_VRING_NUM = 8,
	VHU_SET_VRING_ADDR = 9,
	VHU_SET_VRING_BASE = 10,
	VHU_GET_VRING_BASE = 11,
	VHU_SET_VRING_KICK = 12,
	VHU_SET_VRING_CALL = 13,
	VHU_SET_VRING_ERR = 14,
	VHU_GET_PROTOCOL_FEATURES = 15,
	VHU_SET_PROTOCOL_FEATURES = 16,
	VHU_GET_QUEUE_NUM = 17,
	VHU_SET_VRING_ENABLE = 18,
	VHU_GET_CONFIG = 24,
	VHU_SET_CONFIG = 25,
	VHU_GET_MAX_MEM_SLOTS = 36,
};

/* Protocol feature bits. */
#define VHU_PROTOCOL_F_MQ 0
#define VHU_PROTOCOL_F_REPLY_ACK 3
#define VHU_PROTOCOL_F_CONFIG 9

/* The vhost-user feature bit that enables GET/SET_PROTOCOL_FEATURES. */
#define VHU_F_PROTOCOL_FEATURES 30

/* ---------------------------------------------------------------- backend */

struct vhu_dev;

struct vhu_dev_ops {
	/*
	 * A queue is ready (enabled, addresses, kick and call fds set): start
	 * serving vq, waiting on kick_fd. Return 0 or a negative errno.
	 */
	int (*queue_start)(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd,
			   void *opaque);
	/*
	 * Stop serving the queue. Return only when no thread uses vq or guest
	 * memory reached through it any more (in-flight requests finished).
	 */
	void (*queue_stop)(struct vhu_dev *dev, unsigned index, void *opaque);
	/* The frontend went away (or reset the device): drop its state. */
	void (*disconnect)(struct vhu_dev *dev, void *opaque);
};

struct vhu_dev_config {
	uint64_t features;         /* device + ring feature bits offered (VERSION_1, EVENT_IDX, ...) */
	unsigned num_queues;       /* 1..VHU_MAX_QUEUES */
	const void *config;        /* device config space served by GET_CONFIG */
	uint32_t config_len;
	struct vq_limits limits;   /* applied to every queue */
};

/* Returns 0 or a negative errno. The config is copied. */
int vhu_dev_new(struct vhu_dev **devp, const struct vhu_dev_config *cfg,
		const struct vhu_dev_ops *ops, void *opaque);
void vhu_dev_free(struct vhu_dev *dev);

/*
 * Serve one connection on conn_fd until the peer closes it (returns 0) or
 * breaks the protocol (returns -EPROTO, or another negative errno). Before
 * returning it stops every started queue, calls ops->disconnect, unmaps
 * guest memory and closes conn_fd and every fd it received. The device can
 * then serve the next connection.
 */
int vhu_dev_serve(struct vhu_dev *dev, int conn_fd);

/*
 * Interrupt the driver of queue `index` (write to its call eventfd).
 * Thread-safe; a no-op when the frontend gave no call fd.
 */
void vhu_dev_notify(struct vhu_dev *dev, unsigned index);

/* Negotiated virtio features of the current connection. */
uint64_t vhu_dev_features(const struct vhu_dev *dev);

/* Listen on a unix socket path (a stale socket file is replaced). Returns fd or -errno. */
int vhu_listen(const char *path);

/* ---------------------------------------------------------------- frontend */

struct vhu_front;

struct vhu_mem_region {
	uint64_t gpa;         /* guest (device-visible) address */
	uint64_t size;
	uint64_t uva;         /* our virtual address of the region */
	uint64_t mmap_offset; /* offset of the region in fd */
	int fd;
};

struct vhu_vring_setup {
	uint16_t num;
	uint64_t desc_uva, avail_uva, used_uva; /* our virtual addresses */
	uint16_t base;                          /* first avail index */
	int kick_fd;                            /* we write, backend waits */
	int call_fd;                            /* backend writes, we wait (-1: none) */
};

/* Connect to a backend socket. Returns 0 or -errno. */
int vhu_front_connect(struct vhu_front **fp, const char *path);
void vhu_front_close(struct vhu_front *f);
int vhu_front_fd(const struct vhu_front *f);

int vhu_front_get_features(struct vhu_front *f, uint64_t *features);
int vhu_front_set_features(struct vhu_front *f, uint64_t features);
int vhu_front_get_protocol_features(struct vhu_front *f, uint64_t *features);
int vhu_front_set_protocol_features(struct vhu_front *f, uint64_t features);
int vhu_front_set_owner(struct vhu_front *f);
int vhu_front_get_queue_num(struct vhu_front *f, uint64_t *num);
int vhu_front_set_mem_table(struct vhu_front *f, const struct vhu_mem_region *regions, unsigned n);
int vhu_front_get_config(struct vhu_front *f, void *buf, uint32_t len);
/* SET_VRING_NUM, _ADDR, _BASE, _KICK, _CALL, then SET_VRING_ENABLE(1). */
int vhu_front_setup_vring(struct vhu_front *f, unsigned index, const struct vhu_vring_setup *s);
/* GET_VRING_BASE: stops the ring on the backend. */
int vhu_front_stop_vring(struct vhu_front *f, unsigned index, uint16_t *base);

/*
 * Send one raw message (header + payload exactly as given) with optional fds,
 * for tests that speak broken vhost-user on purpose. If reply_buf is non-NULL,
 * wait for a reply of at most reply_len bytes. Returns bytes received, 0 or -errno.
 */
int vhu_front_send_raw(struct vhu_front *f, const void *msg, size_t len, const int *fds,
		       unsigned nfds, void *reply_buf, size_t reply_len);

#endif /* VHU_H */
