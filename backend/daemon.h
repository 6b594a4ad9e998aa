/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user-accel: the host daemon's shared types.
 *
 *   main.c    CLI, runtime bootstrap, signals, the accept loop
 *   opts.c    command line parsing
 *   queue.c   per-queue worker pools (one epoll set per queue), polling
 *   conn.c    per-connection sessions and resources, deferred release
 *   handle.c  one request: decode, dispatch, respond
 *   genop.c   GENOP: args into host memory or in place, exec policy
 *   policy.c  the operator's exec allowlist
 *   hostrt.c  sessions and resources on any vAccel host runtime (ours, upstream's)
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vhu.h"
#include "vq.h"
#include "wire.h"

struct vaccel_session;
struct vaccel_resource;

/* ------------------------------------------------------------------ opts */

struct daemon_opts {
	const char *socket_path; /* NULL with fd >= 0 */
	int fd;
	unsigned queues;
	unsigned queue_size; /* informational: the frontend picks the ring size */
	unsigned max_args;
	unsigned max_segments;
	uint64_t max_request_bytes;
	unsigned workers_per_queue;
	unsigned poll_us;
	unsigned max_connections; /* frontends served at once */
	char **exec_allow;	  /* NULL-terminated, realpath'd; dirs end in '/' */
	unsigned nr_exec_allow;
	bool allow_exec_upload;
	bool print_capabilities;
	bool help;
};

/* Returns 0, 1 for "exit 0 now" (help/capabilities printed) or -1 (error printed). */
int opts_parse(struct daemon_opts *o, int argc, char **argv);
void opts_free(struct daemon_opts *o);
void opts_usage(const char *prog);

/* ---------------------------------------------------------------- policy */

/*
 * Is `path` an allowed host library? On success writes its realpath into
 * resolved (PATH_MAX bytes) and returns true.
 */
bool policy_exec_allowed(const struct daemon_opts *o, const char *path, char *resolved);

/* ------------------------------------------------------------------ conn */

struct conn_sess {
	int64_t id;
	struct vaccel_session *sess;
	unsigned inflight; /* requests running in it */
	bool dying;	   /* DESTROY seen: invisible, released when inflight drops to 0 */
};

struct conn_res {
	int64_t id;
	struct vaccel_resource *res;
	unsigned inflight;
	bool dying;
};

/* Sessions and resources of one frontend connection. */
struct conn {
	pthread_mutex_t lock;
	struct conn_sess **sess;
	unsigned nr_sess, cap_sess;
	struct conn_res **res;
	unsigned nr_res, cap_res;
};

int conn_init(struct conn *c);
void conn_destroy(struct conn *c);

/* Add a new session/resource (created by the caller). 0 or -ENOMEM. */
int conn_add_sess(struct conn *c, struct vaccel_session *s);
int conn_add_res(struct conn *c, struct vaccel_resource *r);

/* Look up a live entry of this connection and pin it (inflight++); NULL if unknown. */
struct conn_sess *conn_get_sess(struct conn *c, int64_t id);
struct conn_res *conn_get_res(struct conn *c, int64_t id);
/* Unpin; performs a deferred release when it was the last user. */
void conn_put_sess(struct conn *c, struct conn_sess *s);
void conn_put_res(struct conn *c, struct conn_res *r);

/* DESTROY_SESSION: false if unknown. The release may be deferred. */
bool conn_destroy_sess(struct conn *c, int64_t id);
/* Unregister r from s; releases r when no session holds it any more. */
int conn_unregister(struct conn *c, struct conn_sess *s, struct conn_res *r);

/* Release everything (disconnect). Counts what was released. */
void conn_release_all(struct conn *c, unsigned *nr_sess, unsigned *nr_res);
/* Log live sessions/resources of connection conn_id at info; adds to the counts. */
void conn_report(struct conn *c, unsigned conn_id, unsigned *nr_sess, unsigned *nr_res);

/* ---------------------------------------------------------------- hostrt */

/*
 * Sessions and resources through names every host vAccel runtime exports (upstream
 * 0.7.1 lacks vaccel_session_new/delete and vaccel_resource_from_blobs).
 * hostrt_resource_new: a resource of `type` holding the n files (each blob's name,
 * data and size; names checked by the caller), in that order. Delete with
 * hostrt_resource_delete, which also removes the files. vAccel codes.
 */
int hostrt_session_new(struct vaccel_session **sess, uint32_t flags);
int hostrt_session_delete(struct vaccel_session *sess);
struct vaccel_blob;
int hostrt_resource_new(struct vaccel_resource **res, const struct vaccel_blob *const *files,
			unsigned n, int type);
int hostrt_resource_delete(struct vaccel_resource *res);

/* ---------------------------------------------------------------- daemon */

struct daemon_queue;

/*
 * One served frontend connection: its own vhost-user device state, queue
 * workers, sessions and resources (main.c keeps a list of them).
 */
struct daemon {
	struct daemon_opts *opts; /* shared, read-only */
	struct vhu_dev *dev;
	struct conn conn;
	struct wire_limits wlim;
	struct daemon_queue *queues; /* opts->queues */
	unsigned id;		     /* for the log */
	int fd;			     /* the connection (vhu_dev_serve closes it) */
	int shut_fd;		     /* a dup to shutdown() it from the signal thread */
	struct daemon *next;	     /* main.c's list of live connections */
};

/* Per-worker scratch space, reused across requests. */
struct worker_ctx {
	struct iovec *iov;
	unsigned iov_cap;
	struct wire_arg *wargs;
	void *vargs; /* struct vaccel_arg[max_args] */
	uint64_t *out_len;
	void **bounce;
	char *scratch; /* small-arg copies */
	size_t scratch_cap;
};

int worker_ctx_init(struct worker_ctx *w, const struct daemon *d);
void worker_ctx_free(struct worker_ctx *w);

/* Handle one popped chain; returns the used length to report. */
uint32_t handle_request(struct daemon *d, struct worker_ctx *w, const struct vq_elem *elem);

/* GENOP (handle.c calls it with a decoded request and a pinned session). */
int genop_run(struct daemon *d, struct worker_ctx *w, const struct wire_req *req,
	      struct conn_sess *s, int32_t *vret, uint64_t *out_len);

/* ----------------------------------------------------------------- queue */

int queue_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd, void *opaque);
void queue_stop(struct vhu_dev *dev, unsigned index, void *opaque);
int queues_init(struct daemon *d);
void queues_free(struct daemon *d);

#endif /* DAEMON_H */
