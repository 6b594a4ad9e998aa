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

/* ------------------------------------------------- building a GENOP (vio_ops.c) */

/* One typed-call parameter, in the row's order. */
struct vio_src {
	const void *buf;
	uint64_t n;		      /* elements, or one of the two below */
	size_t elem;		      /* the caller's element size (the row's must match) */
	const struct vaccel_arg *arg; /* else: a caller's arg taken as it is */
};
#define VIO_DERIVED UINT64_MAX	    /* the row's relation sizes it */
#define VIO_STRLEN (UINT64_MAX - 1) /* a C string: strlen + 1 bytes, none for NULL */

#define VAL(x)                                                                                     \
	{                                                                                          \
		.buf = &(x), .n = 1, .elem = sizeof(x)                                             \
	}
#define ELEMS(p, count)                                                                            \
	{                                                                                          \
		.buf = (p), .n = (count), .elem = sizeof(*(p))                                     \
	}
#define BYTES(p, count)                                                                            \
	{                                                                                          \
		.buf = (p), .n = (count), .elem = 1                                                \
	}
#define DERIVED(p)                                                                                 \
	{                                                                                          \
		.buf = (p), .n = VIO_DERIVED, .elem = sizeof(*(p))                                 \
	}
#define STR(s)                                                                                     \
	{                                                                                          \
		.buf = (s), .n = VIO_STRLEN, .elem = 1                                             \
	}
#define USER(a)                                                                                    \
	{                                                                                          \
		.arg = (a)                                                                         \
	}

/* Pass-through args after the row's fixed ones. */
struct vio_tail {
	struct vaccel_arg *read, *write;
	size_t nr_read, nr_write;
};

/* One op's request: its args' sources in wire order, read then write. */
struct vio_op {
	vaccel_op_type_t op;
	const struct vio_src *src; /* one per arg the row lays out (groups repeated) */
	size_t nr_src;
	const uint64_t *reps;	     /* repetitions of each group (read's first); NULL: none */
	const struct vio_tail *tail; /* pass-through args, or NULL */
	uint64_t *out_len;	     /* if set: bytes produced in each of the row's write args */
};

/*
 * Build o's GENOP from its row in the op table: type each source as its
 * descriptor says, size the ones the row derives, check the request, mark
 * in/out write args, send it. Returns the vAccel result.
 */
int vio_op_call(struct vaccel_session *sess, const struct vio_op *o);

/* The id the device gave res (VACCEL_ENOENT when it has none). */
int vio_remote_id(const struct vaccel_resource *res, int64_t *rid);

/* The op tables the plugin registers: vio_ops.c's, and the model ops' (vio_model.c). */
extern struct vaccel_op vio_ops[];
extern const size_t vio_nr_ops;
extern struct vaccel_op vio_model_ops[];
extern const size_t vio_nr_model_ops;

#endif /* VIO_PLUGIN_H */
