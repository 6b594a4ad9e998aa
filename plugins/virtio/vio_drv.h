/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_drv: the seam between the plugin (which encodes vAccel calls into
 * requests) and what carries a request to the device:
 *   - vio_drv_dev:  the Linux driver's /dev/accel (ioctl per request);
 *   - vio_drv_user: this process as a vhost-user frontend on a socket.
 * Every driver connects lazily (on the first request), is thread-safe, and
 * never waits forever on a dead device.
 */
#ifndef VIO_DRV_H
#define VIO_DRV_H

#include <sys/ioctl.h>

#include "vio_req.h"

struct vio_drv;

struct vio_drv_ops {
	const char *name;
	/*
	 * Current device limits, connecting first if needed.
	 * Returns 0 or a negative errno (as submit).
	 */
	int (*info)(struct vio_drv *drv, struct vio_limits *lim);
	/*
	 * Send one request and wait for its response. Returns 0 when the device
	 * answered (req->status says how), or a negative errno:
	 *   -E2BIG      a device limit would be exceeded (nothing sent);
	 *   -EINVAL     malformed request (nothing sent);
	 *   -ESTALE     req->gen names an older connection (nothing sent);
	 *   -ENOMEM     out of memory;
	 *   -ENODEV     the device cannot be reached;
	 *   -EIO        the device went away or broke the protocol;
	 *   -EPERM      (/dev/accel) an id not created through this process;
	 *   other       as the driver documents.
	 */
	int (*submit)(struct vio_drv *drv, struct vio_req *req);
	/* Drop the connection and free the driver. No request may be running. */
	void (*close)(struct vio_drv *drv);
};

struct vio_drv {
	const struct vio_drv_ops *ops;
};

/* ioctl as the /dev/accel driver calls it; tests inject a fake. */
typedef int (*vio_ioctl_fn)(int fd, unsigned long request, void *arg);
typedef int (*vio_open_fn)(const char *path, int flags);

/* The driver's node at path (NULL or "": $VACCEL_VIRTIO_DEVICE, else the
 * first of /dev/vaccel and /dev/accel that exists). */
int vio_drv_dev_new(struct vio_drv **drv, const char *path, vio_open_fn open_fn,
		    vio_ioctl_fn ioctl_fn);

struct vio_user_opts {
	const char *socket_path;
	uint64_t shm_bytes; /* memfd size */
	uint64_t poll_us;   /* spin on the used ring before sleeping */
	uint16_t ring_size; /* entries per queue (power of two) */
};

/* Userspace vhost-user frontend. The options are copied. */
int vio_drv_user_new(struct vio_drv **drv, const struct vio_user_opts *opts);

/*
 * The driver the environment selects: VACCEL_VIRTIO_SOCKET set -> userspace
 * driver (VACCEL_VIRTIO_SHM_MB, default 1024; VACCEL_VIRTIO_POLL_US, default
 * 0), else /dev/accel (VACCEL_VIRTIO_DEVICE). Returns 0 or -EINVAL for a bad
 * value (named in *bad_var).
 */
int vio_drv_from_env(struct vio_drv **drv, const char **bad_var);

#endif /* VIO_DRV_H */
