/* SPDX-License-Identifier: Apache-2.0 */
/* vio_plugin: internals shared by the plugin's hook and op files. */
#ifndef VIO_PLUGIN_H
#define VIO_PLUGIN_H

#include <vaccel.h>

#include "vio_drv.h"

/* Plugin-private state of a session (sess->priv). */
struct vio_sess {
	uint64_t gen; /* connection generation the remote session lives in */
};

/* Plugin-private state of a resource (res->plugin_priv). */
struct vio_res {
	uint64_t gen;	  /* connection generation of res->remote_id */
	unsigned nr_regs; /* sessions it is registered with on the host */
};

/* The driver selected at init (NULL when the plugin is not initialised). */
struct vio_drv *vio_driver(void);
/* Replace it (unit tests inject a fake driver). */
void vio_set_driver(struct vio_drv *drv);

/* Map a driver error (negative errno) or a response to a vAccel code. */
int vio_result(const struct vio_req *req, int drv_ret);

/*
 * Run one GENOP in sess: read[0] must be the op type arg. Returns the
 * vAccel result (the operation's own return code when the device ran it).
 */
int vio_genop(struct vaccel_session *sess, const struct vio_arg *read, unsigned nr_read,
	      struct vio_arg *write, unsigned nr_write);

/* The op table the plugin registers. */
extern struct vaccel_op vio_ops[];
extern const size_t vio_nr_ops;

#endif /* VIO_PLUGIN_H */
