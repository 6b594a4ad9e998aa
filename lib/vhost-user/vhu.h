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

/*
 * Front-end message types, each with its number, once: the enum and the
 * names in logs (vhu_request_name) come from this list. The backend
 * handles a subset (vhu_handle.c); the others are refused softly.
 */
#define VHU_REQUESTS(X)                                                                            \
	X(GET_FEATURES, 1)                                                                         \
	X(SET_FEATURES, 2)                                                                         \
	X(SET_OWNER, 3)                                                                            \
	X(RESET_OWNER, 4)                                                                          \
	X(SET_MEM_TABLE, 5)                                                                        \
	X(SET_LOG_BASE, 6)                                                                         \
	X(SET_LOG_FD, 7)                                                                           \
	X(SET_VRING_NUM, 8)                                                                        \
	X(SET_VRING_ADDR, 9)                                                                       \
	X(SET_VRING_BASE, 10)                                                                      \
	X(GET_VRING_BASE, 11)                                                                      \
	X(SET_VRING_KICK, 12)                                                                      \
	X(SET_VRING_CALL, 13)                                                                      \
	X(SET_VRING_ERR, 14)                                                                       \
	X(GET_PROTOCOL_FEATURES, 15)                                                               \
	X(SET_PROTOCOL_FEATURES, 16)                                                               \
	X(GET_QUEUE_NUM, 17)                                                                       \
	X(SET_VRING_ENABLE, 18)                                                                    \
	X(SEND_RARP, 19)                                                                           \
	X(NET_SET_MTU, 20)                                                                         \
	X(SET_BACKEND_REQ_FD, 21)                                                                  \
	X(IOTLB_MSG, 22)                                                                           \
	X(SET_VRING_ENDIAN, 23)                                                                    \
	X(GET_CONFIG, 24)                                                                          \
	X(SET_CONFIG, 25)                                                                          \
	X(CREATE_CRYPTO_SESSION, 26)                                                               \
	X(CLOSE_CRYPTO_SESSION, 27)                                                                \
	X(POSTCOPY_ADVISE, 28)                                                                     \
	X(POSTCOPY_LISTEN, 29)                                                                     \
	X(POSTCOPY_END, 30)                                                                        \
	X(GET_INFLIGHT_FD, 31)                                                                     \
	X(SET_INFLIGHT_FD, 32)                                                                     \
	X(GPU_SET_SOCKET, 33)                                                                      \
	X(RESET_DEVICE, 34)                                                                        \
	X(VRING_KICK, 35)                                                                          \
	X(GET_MAX_MEM_SLOTS, 36)                                                                   \
	X(ADD_MEM_REG, 37)                                                                         \
	X(REM_MEM_REG, 38)                                                                         \
	X(SET_STATUS, 39)                                                                          \
	X(GET_STATUS, 40)

enum vhu_request {
#define VHU_REQUEST_ENUM(name, num) VHU_##name = num,
	VHU_REQUESTS(VHU_REQUEST_ENUM)
#undef VHU_REQUEST_ENUM
};

/* "SET_MEM_TABLE", ...; NULL for a number not in VHU_REQUESTS. */
const char *vhu_request_name(uint32_t request);

/* Protocol feature bits. */
#define VHU_PROTOCOL_F_MQ 0
#define VHU_PROTOCOL_F_REPLY_ACK 3
#define VHU_PROTOCOL_F_CONFIG 9
#define VHU_PROTOCOL_F_STATUS 16

/* The vhost-user feature bit that enables GET/SET_PROTOCOL_FEATURES. */
#define VHU_F_PROTOCOL_FEATURES 30

/* ---------------------------------------------------------------- backend */

struct vhu_dev;

struct vhu_dev_ops {
	/*
	 * A queue is ready (enabled, addresses, kick and call fds set): start
	 * serving vq, waiting on kick_fd. Return 0 or a negative errno.
	 *
	 * Ready means: SET_VRING_NUM, _ADDR (inside the memory table) and a
	 * kick fd received, and the ring enabled (SET_VRING_ENABLE 1, or
	 * implicitly when PROTOCOL_FEATURES was not negotiated). The call fd
	 * is optional (vhu_dev_notify is then a no-op); a kick "no fd"
	 * (polling) is not supported and keeps the queue stopped.
	 * kick_fd stays owned by the library and valid until queue_stop
	 * returns. Chains may already be available when a queue (re)starts
	 * (the kick may have been consumed before a restart): pop before the
	 * first wait.
	 */
	int (*queue_start)(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd,
			   void *opaque);
	/*
	 * Stop serving the queue. Return only when no thread uses vq or guest
	 * memory reached through it any more (in-flight requests finished).
	 */
	void (*queue_stop)(struct vhu_dev *dev, unsigned index, void *opaque);
	/*
	 * The frontend went away, or the driver reset the device (SET_STATUS
	 * to 0 after DRIVER_OK; queues are stopped first): drop its state.
	 * May be called more than once per connection.
	 */
	void (*disconnect)(struct vhu_dev *dev, void *opaque);
	/*
	 * Called about every cfg.tick_ms from the thread that serves the
	 * connection (the one that calls queue_start/queue_stop), between
	 * messages. Optional.
	 */
	void (*tick)(struct vhu_dev *dev, void *opaque);
};

struct vhu_dev_config {
	uint64_t features;   /* device + ring feature bits offered (VERSION_1, EVENT_IDX, ...) */
	unsigned num_queues; /* 1..VHU_MAX_QUEUES */
	const void *config;  /* device config space served by GET_CONFIG */
	uint32_t config_len;
	struct vq_limits limits; /* applied to every queue */
	/*
	 * A frontend must send SET_OWNER within this long of connecting, and
	 * finish every message within this long of its first byte, or the
	 * connection ends (-ETIMEDOUT). 0: no limit.
	 */
	unsigned handshake_timeout_ms;
	unsigned tick_ms; /* ops->tick period (0: no tick) */
};

/* Returns 0 or a negative errno. The config is copied. */
int vhu_dev_new(struct vhu_dev **devp, const struct vhu_dev_config *cfg,
		const struct vhu_dev_ops *ops, void *opaque);
void vhu_dev_free(struct vhu_dev *dev);

/*
 * Serve one connection on conn_fd until the peer closes it (returns 0) or
 * breaks the protocol (returns -EPROTO, or another negative errno:
 * -ETIMEDOUT when it missed cfg.handshake_timeout_ms, -EFAULT when its
 * memory faulted). Before
 * returning it stops every started queue, calls ops->disconnect, unmaps
 * guest memory and closes conn_fd and every fd it received. The device can
 * then serve the next connection.
 */
int vhu_dev_serve(struct vhu_dev *dev, int conn_fd);
/*
 * (Or VHU_SERVE_PAUSED after vhu_dev_pause(): nothing was closed nor
 * reset, see "handover" below; calling serve() again resumes.)
 */
/*
 * (conn_fd must be a blocking socket. To end serve() from another thread,
 * shutdown(conn_fd, SHUT_RDWR): it then returns 0 after the usual cleanup.
 * One serve() at a time per device.)
 *
 * Violations ending the connection (-EPROTO): bad version or reply flag,
 * payload size over the largest request or not the size its request needs,
 * queue index out of range, missing fd, more fds than VHU_MAX_MEM_REGIONS,
 * unoffered (protocol) feature bits, ring size not a power of two up to
 * VQ_MAX_SIZE, base over 16 bits, a bad memory table (too many regions,
 * zero or wrapping sizes, overlap, fd not a regular file large enough,
 * a memfd that could be sealed against shrinking but is not).
 * Soft failures (logged; failing REPLY_ACK when asked, else ignored):
 * unknown requests, SET_CONFIG (config is read-only), SET_LOG_BASE/FD,
 * a queue that cannot start (ring outside memory, misaligned, ring parts
 * sharing memory with each other), GET_CONFIG
 * outside the config space (answered with an empty payload, as the
 * protocol says).
 */

/*
 * Guest memory never takes the process down: the backend installs a
 * SIGBUS handler (once per process, chaining to the one before it for
 * any other address). A fault in guest memory (a file truncated under the
 * mapping, a hugetlb page that cannot be allocated) replaces that
 * region's mapping with anonymous zero memory, the access goes on there,
 * and serve() ends the connection (-EFAULT) at its next wake-up.
 */

/*
 * Call from queue_stop when a thread you could not stop may still touch
 * guest memory (an operation that does not return): from then on, guest
 * memory this device unmaps is replaced by anonymous memory instead (the
 * address range stays reserved, the frontend's memory is let go), so that
 * thread never faults.
 */
void vhu_dev_keep_mappings(struct vhu_dev *dev);

/*
 * Interrupt the driver of queue `index` (write to its call eventfd).
 * Thread-safe; a no-op when the frontend gave no call fd.
 */
void vhu_dev_notify(struct vhu_dev *dev, unsigned index);

/* Negotiated virtio features of the current connection. */
uint64_t vhu_dev_features(const struct vhu_dev *dev);

/*
 * Translate an address range of the current memory table to our address
 * space: gpa (guest physical, as in descriptors) or uva (the frontend's
 * virtual address, as in SET_VRING_ADDR). NULL unless [addr, addr + len)
 * lies inside one region. Safe to call from queue threads between
 * queue_start and queue_stop (the table only changes with all queues stopped).
 * The vq_dev handed to queue_start already maps descriptors with the gpa one.
 */
void *vhu_dev_gpa_to_va(struct vhu_dev *dev, uint64_t gpa, uint64_t len);
void *vhu_dev_uva_to_va(struct vhu_dev *dev, uint64_t uva, uint64_t len);

/* ---------------------------------------------------------------- handover */

/*
 * Planned handover (an upgrade): another process takes a live connection
 * over and the frontend notices nothing, not even a message. vhu_handover.c.
 *
 * The process giving it up calls vhu_dev_pause() (any thread). serve()
 * stops between two messages (a message sent meanwhile waits in the
 * socket for the successor): it stops every queue through ops->queue_stop
 * (in-flight requests finish and are pushed, so the rings hold only
 * requests nobody popped), keeps all other state and returns
 * VHU_SERVE_PAUSED without closing conn_fd. vhu_dev_export() then
 * describes the connection: a struct vhu_handover and the fds it names.
 * After that, either the process leaves (the successor holds its own
 * copies of every fd; nothing is closed that the frontend would see) or
 * it calls vhu_dev_serve() again and goes on where it stopped.
 *
 * The successor creates a device with the same config, calls
 * vhu_dev_import() (which trusts nothing: sizes, counts, feature bits,
 * ring sizes, the memory table and every fd are checked as the messages
 * that set them would be), then vhu_dev_serve() on the connection's fd:
 * ready queues start where the predecessor stopped (the avail index it
 * reached; the used index is read from the ring), before the first wait.
 *
 * Both processes run on one host: the record is in host byte order.
 */
#define VHU_SERVE_PAUSED 1
#define VHU_HANDOVER_MAGIC 0x56485548u /* "VHUH" */
#define VHU_HANDOVER_VERSION 1u
/* Most fds one connection's record names: each region's file, each queue's kick, call, err. */
#define VHU_HANDOVER_MAX_FDS (VHU_MAX_MEM_REGIONS + 3 * VHU_MAX_QUEUES)

/* Queue flags in a handover record. */
#define VHU_HQ_ADDR_SET 0x01u
#define VHU_HQ_KICK_SET 0x02u /* SET_VRING_KICK seen (with or without an fd) */
#define VHU_HQ_ENABLED 0x04u
#define VHU_HQ_KICK_FD 0x08u /* these three: an fd follows, in this order */
#define VHU_HQ_CALL_FD 0x10u
#define VHU_HQ_ERR_FD 0x20u
#define VHU_HQ_ALL 0x3fu

struct vhu_handover {
	uint32_t magic;	  /* VHU_HANDOVER_MAGIC */
	uint32_t version; /* VHU_HANDOVER_VERSION */
	uint32_t num_queues;
	uint32_t nregions;
	uint64_t features; /* negotiated */
	uint64_t protocol_features;
	uint8_t features_set, owner, status, pad[5];
	struct vhu_handover_region {
		uint64_t gpa, size, uva, mmap_offset; /* as SET_MEM_TABLE gave them */
	} regions[VHU_MAX_MEM_REGIONS];
	struct vhu_handover_queue {
		uint64_t desc_uva, avail_uva, used_uva;
		uint16_t num;  /* 0: never set */
		uint16_t base; /* next avail entry to pop */
		uint8_t flags; /* VHU_HQ_* */
		uint8_t pad[3];
	} queues[VHU_MAX_QUEUES]; /* num_queues used */
};

/* Ask serve() to return VHU_SERVE_PAUSED (within 100 ms, between two messages). Thread-safe. */
void vhu_dev_pause(struct vhu_dev *dev);

/*
 * Describe a paused device (serve() returned VHU_SERVE_PAUSED): *h and
 * fds[0..*nfds) (room for VHU_HANDOVER_MAX_FDS): each region's file, then
 * per queue its kick, call and err fds as its flags say. The fds stay the
 * device's (send them, do not close them). Returns 0 or -EINVAL.
 */
int vhu_dev_export(const struct vhu_dev *dev, struct vhu_handover *h, int *fds, unsigned *nfds);

/*
 * Set up a fresh device (never served) from a record of len bytes and its
 * fds, as received. Takes every fd: keeps those it uses, closes the rest,
 * on success and failure alike. Returns 0, -EBUSY (the device has state),
 * -EPROTO (a malformed record or fd: logged), or another negative errno
 * (mapping memory failed).
 */
int vhu_dev_import(struct vhu_dev *dev, const void *rec, size_t len, int *fds, unsigned nfds);

/* Listen on a unix socket path (a stale socket file is replaced). Returns fd or -errno. */
int vhu_listen(const char *path);

/* ---------------------------------------------------------------- logging */

/*
 * Where the library's messages go (both sides). level is a syslog level
 * (LOG_ERR 3, LOG_WARNING 4, LOG_INFO 6, LOG_DEBUG 7). The default writes
 * levels up to LOG_WARNING to stderr; NULL restores it. Set it before
 * starting threads that use the library.
 */
void vhu_set_log(void (*fn)(int level, const char *msg));

/* ---------------------------------------------------------------- frontend */

struct vhu_front;

struct vhu_mem_region {
	uint64_t gpa; /* guest (device-visible) address */
	uint64_t size;
	uint64_t uva;	      /* our virtual address of the region */
	uint64_t mmap_offset; /* offset of the region in fd */
	int fd;
};

struct vhu_vring_setup {
	uint16_t num;
	uint64_t desc_uva, avail_uva, used_uva; /* our virtual addresses */
	uint16_t base;				/* first avail index */
	int kick_fd;				/* we write, backend waits */
	int call_fd;				/* backend writes, we wait (-1: none) */
};

/* Connect to a backend socket. Returns 0 or -errno. */
int vhu_front_connect(struct vhu_front **fp, const char *path);
/* Use an already connected socket (e.g. one end of a socketpair); takes ownership of fd. */
int vhu_front_from_fd(struct vhu_front **fp, int fd);
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
