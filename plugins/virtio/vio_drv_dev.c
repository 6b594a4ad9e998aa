/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vio_drv_dev: requests through the Linux driver's device node. The kernel
 * pins our buffers and hands them to the device in place, so this driver
 * only translates struct vio_req into struct virtio_accel_ioc_req.
 *
 * The node is $VACCEL_VIRTIO_DEVICE when set, else the first that exists of
 * /dev/vaccel (the driver's name since DRM's accel class took /dev/accel/
 * for a directory) and /dev/accel (older drivers, and the driver's alias
 * where that name is free).
 */
#include "vio_drv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vaccel_common.h"

static const char *const default_paths[] = {"/dev/vaccel", "/dev/accel"};

struct vio_dev {
	struct vio_drv drv;
	char path[PATH_MAX]; /* empty: the first of default_paths that exists */
	vio_open_fn open_fn;
	vio_ioctl_fn ioctl_fn;
	pthread_mutex_t lock; /* guards fd and lim while opening */
	int fd;
	struct vio_limits lim;
};

/* The file descriptor lives as long as the process: its sessions do too. */
#define VIO_DEV_GEN 1

static int sys_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static int sys_open(const char *path, int flags)
{
	return open(path, flags);
}

/* Not this node (another may be): gone, or a directory such as DRM's /dev/accel/. */
static bool node_absent(int err)
{
	return err == ENOENT || err == ENXIO || err == ENODEV || err == EISDIR || err == ENOTDIR;
}

/* Open d->path, or the first default path that exists. Returns the fd or -errno. */
static int dev_open(struct vio_dev *d)
{
	const int flags = O_RDWR | O_CLOEXEC;
	int fd;

	if (d->path[0]) {
		fd = d->open_fn(d->path, flags);
		return fd >= 0 ? fd : node_absent(errno) ? -ENODEV : -errno;
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_paths); i++) {
		fd = d->open_fn(default_paths[i], flags);
		if (fd >= 0)
			return fd;
		/* A node that exists but cannot be opened (EACCES) is the answer. */
		if (!node_absent(errno))
			return -errno;
	}
	return -ENODEV;
}

/* Open the device and read its limits once. Returns the fd or -errno. */
static int dev_fd(struct vio_dev *d)
{
	struct virtio_accel_ioc_info info;
	int fd, ret;

	pthread_mutex_lock(&d->lock);
	if (d->fd >= 0) {
		fd = d->fd;
		goto out;
	}
	fd = dev_open(d);
	if (fd < 0)
		goto out;
	memset(&info, 0, sizeof(info));
	if (d->ioctl_fn(fd, VIRTIO_ACCEL_IOC_INFO, &info) < 0) {
		ret = -errno;
		close(fd);
		fd = ret;
		goto out;
	}
	if (info.version != VIRTIO_ACCEL_PROTOCOL_VERSION) {
		close(fd);
		fd = -EPROTONOSUPPORT;
		goto out;
	}
	d->lim = (struct vio_limits){
	    .version = info.version,
	    .num_queues = info.num_queues,
	    .max_args = info.max_args,
	    .max_segments = info.max_segments,
	    .max_request_bytes = info.max_request_bytes,
	    .features = info.features,
	};
	d->fd = fd;
out:
	pthread_mutex_unlock(&d->lock);
	return fd;
}

static int dev_info(struct vio_drv *drv, struct vio_limits *lim)
{
	struct vio_dev *d = (struct vio_dev *)drv;
	int fd = dev_fd(d);

	if (fd < 0)
		return fd;
	*lim = d->lim;
	return 0;
}

static void to_ioc_arg(struct virtio_accel_ioc_arg *io, const struct vio_arg *a)
{
	memset(io, 0, sizeof(*io));
	io->addr = (uint64_t)(uintptr_t)a->buf;
	io->len = a->len;
	io->type = a->type;
	io->custom_type_id = a->custom_id;
}

static int dev_submit(struct vio_drv *drv, struct vio_req *req)
{
	struct vio_dev *d = (struct vio_dev *)drv;
	struct virtio_accel_ioc_arg *args = NULL;
	struct virtio_accel_ioc_req ioc;
	struct vio_limits lim;
	int fd, ret;

	if (req->gen && req->gen != VIO_DEV_GEN)
		return -ESTALE;
	fd = dev_fd(d);
	if (fd < 0)
		return fd;
	lim = d->lim;
	/* The kernel may split pinned pages over many descriptors; it enforces
	 * max_segments itself (E2BIG), we check the rest before pinning. */
	ret = vio_req_check(req, &lim, 0);
	if (ret)
		return ret;
	if (req->nr_read + req->nr_write) {
		args = calloc(req->nr_read + req->nr_write, sizeof(*args));
		if (!args)
			return -ENOMEM;
	}
	for (unsigned i = 0; i < req->nr_read; i++)
		to_ioc_arg(&args[i], &req->read[i]);
	for (unsigned i = 0; i < req->nr_write; i++)
		to_ioc_arg(&args[req->nr_read + i], &req->write[i]);

	memset(&ioc, 0, sizeof(ioc));
	ioc.code = req->code;
	ioc.nr_read = (uint16_t)req->nr_read;
	ioc.nr_write = (uint16_t)req->nr_write;
	ioc.flags = req->flags;
	ioc.session_id = req->session_id;
	ioc.object_id = req->object_id;
	ioc.read_args = req->nr_read ? (uint64_t)(uintptr_t)args : 0;
	ioc.write_args = req->nr_write ? (uint64_t)(uintptr_t)(args + req->nr_read) : 0;

	if (d->ioctl_fn(fd, VIRTIO_ACCEL_IOC_REQUEST, &ioc) < 0) {
		ret = -errno;
		/* Interrupted or timed out: the request may still run on the
		 * host; report a transport error rather than a result. */
		if (ret == -EINTR || ret == -ETIMEDOUT)
			ret = -EIO;
		goto out;
	}
	req->status = ioc.status;
	req->vaccel_ret = ioc.vaccel_ret;
	req->id = ioc.id;
	req->gen = VIO_DEV_GEN;
	if (req->status == VIRTIO_ACCEL_S_OK) {
		for (unsigned i = 0; i < req->nr_write; i++) {
			if (args[req->nr_read + i].len > req->write[i].len) {
				ret = -EIO;
				goto out;
			}
		}
		for (unsigned i = 0; i < req->nr_write; i++)
			req->write[i].len = args[req->nr_read + i].len;
	}
	ret = 0;
out:
	free(args);
	return ret;
}

static void dev_close(struct vio_drv *drv)
{
	struct vio_dev *d = (struct vio_dev *)drv;

	if (d->fd >= 0)
		close(d->fd);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static const struct vio_drv_ops dev_ops = {
    .name = "dev",
    .info = dev_info,
    .submit = dev_submit,
    .close = dev_close,
};

int vio_drv_dev_new(struct vio_drv **drv, const char *path, vio_open_fn open_fn,
		    vio_ioctl_fn ioctl_fn)
{
	struct vio_dev *d;

	if (!path)
		path = getenv("VACCEL_VIRTIO_DEVICE");
	if (!path)
		path = "";
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->drv.ops = &dev_ops;
	strcpy(d->path, path);
	d->open_fn = open_fn ? open_fn : sys_open;
	d->ioctl_fn = ioctl_fn ? ioctl_fn : sys_ioctl;
	d->fd = -1;
	pthread_mutex_init(&d->lock, NULL);
	*drv = &d->drv;
	return 0;
}
