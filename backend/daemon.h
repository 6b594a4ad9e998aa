/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user-accel: the host daemon's shared types.
 *
 *   main.c    CLI, runtime bootstrap, signals, the accept loop
 *   opts.c    command line parsing
 *   queue.c   per-queue worker pools (one epoll set per worker), polling,
 *             ops that do not return
 *   conn.c    per-connection sessions and resources (device ids), quotas,
 *             deferred release
 *   handle.c  one request: decode, dispatch, respond
 *   genop.c   GENOP: args into host memory or in place, exec policy
 *   policy.c  the operator's exec allowlist
 *   hostrt.c  sessions and resources on any vAccel host runtime (ours, upstream's)
 *   state.c   the state journal (--state-dir): sessions and resources survive a restart
 *   upgrade.c planned handover to a successor process: the control socket
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vaccel_lock.h"
#include "vhu.h"
#include "vq.h"
#include "wire.h"

struct vaccel_session;
struct vaccel_resource;
struct state;

/* Longest name of a frontend's subdirectory of --state-dir, with its NUL. */
#define STATE_SUBDIR_MAX 96

/* ------------------------------------------------------------------ opts */

/* What one connection (a frontend, i.e. a VM) may hold at once (--max-*). */
struct conn_limits {
	unsigned sessions;
	unsigned resources;
	uint64_t upload_bytes; /* uploaded resource files, on host disk */
	unsigned mappings;     /* uploaded resource files: each stays mapped */
	uint64_t bounce_bytes; /* host copies of non-contiguous args, all requests */
	unsigned inflight;     /* requests running: the connection's worker threads */
};

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
	unsigned handshake_timeout_ms;
	unsigned stuck_op_ms;
	struct conn_limits limits;
	char **exec_allow; /* NULL-terminated: realpath'd paths (dirs end in '/') or bare names */
	unsigned nr_exec_allow;
	bool allow_exec_upload;
	const char *state_dir;		   /* --state-dir, or NULL: no journal */
	char state_name[STATE_SUBDIR_MAX]; /* this socket's subdirectory in it */
	bool print_capabilities;
	bool help;
	bool upgrade; /* take over from the daemon on socket_path (upgrade.c) */
};

/* The control socket of a daemon listening on PATH is PATH UPGRADE_SUFFIX. */
#define UPGRADE_SUFFIX ".upgrade"

/* Returns 0, 1 for "exit 0 now" (help/capabilities printed) or -1 (error printed). */
int opts_parse(struct daemon_opts *o, int argc, char **argv);
void opts_free(struct daemon_opts *o);
void opts_usage(const char *prog);

/* ---------------------------------------------------------------- policy */

/*
 * May EXEC load `library` and call `symbol` in it? `library` must match an
 * --exec-allow entry (a path entry: its realpath; a bare-name entry: the
 * exact name), and `symbol` must be a function the library itself defines
 * (not one of its dependencies'). On success writes what the runtime must
 * load into resolved (PATH_MAX bytes) and returns 0; else a vAccel error
 * (VACCEL_EPERM), logged once per request.
 */
int policy_exec(const struct daemon_opts *o, const char *library, const char *symbol,
		char *resolved);

/* ------------------------------------------------------------------ conn */

enum conn_kind { CONN_SESS, CONN_RES, CONN_KINDS };

/* What an entry holds against its connection's quotas besides itself. */
struct conn_charge {
	uint64_t bytes; /* uploaded bytes */
	unsigned files; /* uploaded files (each one mapping) */
};

/*
 * A session or resource of one connection. The driver names it by id: the
 * device's own, per connection, increasing, never reused (spec §6), so a
 * stale id can never name a newer object. The host runtime's id is only
 * for logs.
 */
struct conn_entry {
	uint64_t id;
	enum conn_kind kind;
	union {
		struct vaccel_session *sess;
		struct vaccel_resource *res;
	};
	/*
	 * Atomic: CONN_PIN per request using it, plus CONN_DYING once it is invisible to
	 * lookups (and released when the last pin goes). conn_put drops a pin without
	 * the lock; everything else changes it under the lock (conn.c).
	 */
	unsigned pins;
	bool adopted;	 /* taken over from the previous daemon (upgrade.c) */
	uint64_t genops; /* GENOPs run on it by this daemon (atomic), for handover logs */
	struct conn_charge charge;
};

/* The entries of one kind, sorted by id (ids only grow: appending keeps the order). */
struct conn_table {
	struct conn_entry **v;
	unsigned nr, cap;
	unsigned reserved; /* conn_reserve()d, not yet added */
	uint64_t last_id;
};

/* Sessions and resources of one frontend connection, and its quota usage. */
struct conn {
	struct vaccel_lock lock; /* held briefly on every request: see vaccel_lock.h */
	const struct conn_limits *lim;
	struct conn_table tab[CONN_KINDS];
	struct conn_charge used; /* uploads held, reserved ones included (lock) */
	uint64_t bounce;	 /* bounce bytes held now (atomic) */
	unsigned warned;	 /* quotas already reported in the log (lock) */
	struct state *st;	 /* the journal (--state-dir), or NULL; set before serving */
};

/* Quota usage, for the SIGUSR1 report. */
struct conn_usage {
	unsigned count[CONN_KINDS];
	struct conn_charge up;
	uint64_t bounce;
};

int conn_init(struct conn *c, const struct conn_limits *lim);
void conn_destroy(struct conn *c);

/*
 * Make room for a new entry (and its charge) before creating the object:
 * 0, or -ENOSPC when a quota would be exceeded (logged once per quota).
 */
int conn_reserve(struct conn *c, enum conn_kind k, const struct conn_charge *ch);
/* The object could not be created: give the reservation back. */
void conn_unreserve(struct conn *c, enum conn_kind k, const struct conn_charge *ch);
/*
 * List a created object under its reservation; *id gets its new id. 0, or
 * -ENOMEM (the reservation is given back; the caller releases obj).
 */
int conn_add(struct conn *c, enum conn_kind k, void *obj, const struct conn_charge *ch,
	     uint64_t *id);

/*
 * The same in two steps, for an object that must be journalled under its id
 * before anyone can name it: conn_new_id takes the next id (never given
 * again, even if the object then fails), conn_add_as lists the object under
 * a given id (also a restored one: the counter then moves past it). 0, or
 * -ENOMEM/-EEXIST (the reservation is given back; the caller releases obj).
 */
uint64_t conn_new_id(struct conn *c, enum conn_kind k);
int conn_add_as(struct conn *c, enum conn_kind k, void *obj, const struct conn_charge *ch,
		uint64_t id);
/* Restore: the counters continue after these (every id a previous daemon gave). */
void conn_set_last_ids(struct conn *c, uint64_t sess, uint64_t res);
/* Restore: release the resources no session holds; returns how many. */
unsigned conn_drop_orphans(struct conn *c);

/* Look up a live entry of this connection and pin it; NULL if unknown. */
struct conn_entry *conn_get(struct conn *c, enum conn_kind k, uint64_t id);
/* Unpin; performs a deferred release when it was the last user. */
void conn_put(struct conn *c, struct conn_entry *e);

/* DESTROY_SESSION of every session with an id up to max_id; returns how many. */
unsigned conn_destroy_sessions_upto(struct conn *c, uint64_t max_id);
/* DESTROY_SESSION: false if unknown. The release may be deferred. */
bool conn_destroy_sess(struct conn *c, uint64_t id);
/* Register r with s (both pinned), or unregister it (released when no session holds it). */
int conn_register(struct conn *c, struct conn_entry *s, struct conn_entry *r);
int conn_unregister(struct conn *c, struct conn_entry *s, struct conn_entry *r);

/*
 * A host copy of n bytes (zeroed, or as malloc leaves it) for one arg,
 * within the connection's bounce budget (--max-bounce-bytes, all its
 * requests together). NULL with errno ENOSPC (over budget) or ENOMEM. Free
 * it with conn_bounce_free(n).
 */
void *conn_bounce_alloc(struct conn *c, uint64_t n, bool zeroed);
void conn_bounce_free(struct conn *c, void *p, uint64_t n);

/*
 * Release everything (disconnect, device reset), in one lock round.
 * Entries a request still pins (an op that did not return) are released
 * when it does. Counts what was released now.
 */
void conn_release_all(struct conn *c, unsigned *nr_sess, unsigned *nr_res);
/* One session as a handover passes it on (upgrade.c). */
struct conn_sess_rec {
	uint64_t id;
	uint32_t flags; /* what it was created with */
	uint32_t pad;
	uint64_t genops; /* served by the daemon sending it (its log line; not re-imported) */
};

/*
 * The sessions, for a handover (no request runs: the queues are paused):
 * up to max records in id order into out (NULL: just count), the id
 * counters into last_id[CONN_KINDS]. Returns the number of sessions, or
 * -EBUSY when something a handover cannot carry yet is there (a resource,
 * a dying entry).
 */
int conn_export(struct conn *c, struct conn_sess_rec *out, unsigned max, uint64_t *last_id);
/*
 * A successor's side, without a journal: list sess under the predecessor's
 * id (within the quota; 0, -EINVAL, -ENOSPC, -EEXIST or -ENOMEM), marked
 * adopted. conn_set_last_ids then restores the counters.
 */
int conn_adopt(struct conn *c, uint64_t id, struct vaccel_session *sess);
/* Mark every entry as taken over at a handover (its release is logged with its op count). */
void conn_mark_adopted(struct conn *c);
/* Usage snapshot, for the SIGUSR1 report; conn_list logs the ids (at info). */
void conn_usage(struct conn *c, struct conn_usage *u);
void conn_list(struct conn *c);

/* ----------------------------------------------------------------- state */

/*
 * The state journal of one frontend (state.c; docs/restart.md). Whoever
 * serves a connection (main.c; a planned handover importing one):
 *
 *   state_attach(&conn, root, name, lim)
 *                    before the first request: state_open() then
 *                    state_restore(). Returns 1 if a previous daemon's state
 *                    was restored, 0 if there was none, -EBUSY if another
 *                    connection or process holds the journal (conn.st stays
 *                    NULL: the connection runs without one), another -errno.
 *   state_open()     claim <root>/<name> into *sp (conn.st)
 *   state_restore()  bring back what the directory holds into c, under its
 *                    quotas, with the same ids (state_restored() then answers
 *                    RESUME with 1)
 *   state_claim()    the driver is the one that left the state: RESUME (a
 *                    driver coming through a restart sends it first), or a
 *                    handover of the live connection (no reset: call it right
 *                    after state_attach). Until then a restored state is
 *                    unclaimed, and state_disown() releases it when another
 *                    request comes first (a new VM on the socket must not get
 *                    a gone VM's objects); it returns true if it did, and the
 *                    caller destroys the sessions up to *upto (the restored
 *                    ones: their records and the resources only they held go
 *                    with them; what the new driver created meanwhile stays)
 *   state_clear()    the driver reset the device: forget every object (the
 *                    counters stay)
 *   state_close()    the connection ends: keep=false removes the directory
 *                    (the frontend is gone), keep=true leaves it for the next
 *                    daemon (this one is stopping, or hands the connection
 *                    over: call it before the successor's state_attach, which
 *                    needs the lock); releases the claim. Records are neither
 *                    written nor removed afterwards.
 *   state_free()     with the connection's state (after its last user)
 *
 * The note/forget calls journal one object; with st NULL they do nothing.
 * A note returns 0 or a negative errno: the object must then not be given
 * to the driver (nothing is written for it).
 */
int state_attach(struct conn *c, const char *root, const char *name, const struct conn_limits *lim);
int state_open(struct state **sp, const char *root, const char *name,
	       const struct conn_limits *lim);
int state_restore(struct state *st, struct conn *c);
bool state_restored(const struct state *st);
void state_claim(struct state *st);
bool state_unclaimed(const struct state *st);
bool state_disown(struct state *st, uint64_t *upto);
void state_clear(struct state *st);
void state_close(struct state *st, bool keep);
void state_free(struct state *st);
/* The subdirectory for a socket path (NULL: an inherited fd): readable part + hash. */
int state_subdir_name(char *buf, size_t n, const char *socket_path);

struct vaccel_blob;
int state_note_session(struct state *st, uint64_t id, uint32_t flags);
int state_note_resource(struct state *st, uint64_t id, int type, const struct vaccel_blob *files,
			unsigned n);
int state_note_link(struct state *st, uint64_t sid, uint64_t rid);
void state_forget_link(struct state *st, uint64_t sid, uint64_t rid);
/* An object was released: its record and its links go. */
void state_forget(struct state *st, enum conn_kind k, uint64_t id);

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
 * workers, sessions and resources (main.c keeps a list of them). Freed
 * when its connection thread and every worker it left behind (an op that
 * never returned, queue.c) are done with it.
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
	unsigned refs;		     /* atomic: the connection thread + workers left behind */
	unsigned threads;	     /* atomic: workers alive, left behind too (--max-inflight) */
	bool paused;		     /* g.lock: serve() paused for a handover, waiting (main.c) */
	bool imported;		     /* taken over from a predecessor (upgrade.c) */
	bool imported_journal;	     /* ... whose state journal holds its sessions */
	struct daemon *next;	     /* main.c's list of live connections */
};

/* Drop a reference; the last one frees the connection's state (main.c). */
void daemon_put(struct daemon *d);
/*
 * A connection's state, ready to serve conn_fd (owned from then on), not
 * yet listed; NULL on failure (conn_fd still the caller's). daemon_drop()
 * closes and frees one that was never listed.
 */
struct daemon *daemon_new(struct daemon_opts *o, int conn_fd);
void daemon_drop(struct daemon *d);

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
	struct conn *conn; /* whose bounce budget this worker spends */
};

int worker_ctx_init(struct worker_ctx *w, const struct daemon *d);
void worker_ctx_free(struct worker_ctx *w);

/* Handle one popped chain (elem as vq_dev_pop() fills it, byte counts included); returns
 * the used length to report. */
uint32_t handle_request(struct daemon *d, struct worker_ctx *w, const struct vq_elem *elem);

/* GENOP (handle.c calls it with a decoded request and a pinned session). */
int genop_run(struct daemon *d, struct worker_ctx *w, const struct wire_req *req,
	      struct conn_entry *s, int32_t *vret, uint64_t *out_len);

/* ----------------------------------------------------------------- queue */

/* What a connection's workers are doing, for the SIGUSR1 report. */
struct queue_usage {
	unsigned busy;	/* running a request */
	unsigned stuck; /* ... for longer than --stuck-op-ms */
};

int queue_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd, void *opaque);
void queue_stop(struct vhu_dev *dev, unsigned index, void *opaque);
/* vhu tick, every queues_tick_ms(): find stuck ops, replace them (within --max-inflight). */
void queues_tick(struct vhu_dev *dev, void *opaque);
unsigned queues_tick_ms(const struct daemon_opts *o);
int queues_init(struct daemon *d);
void queues_free(struct daemon *d);
void queues_usage(struct daemon *d, struct queue_usage *u);
/* Ops still running whose connection is gone (daemon-wide). */
unsigned queues_left_behind(void);

/* --------------------------------------------------------------- upgrade */

/* PATH UPGRADE_SUFFIX into buf: 0 or -ENAMETOOLONG. */
int upgrade_path(const char *sock, char *buf, size_t size);
/* The control socket of a daemon listening on sock: fd or -errno. */
int upgrade_listen(const char *sock);

/*
 * The daemon leaving, in this order (main.c pauses and resumes the
 * connections): upgrade_accept (a successor said hello: the control
 * connection, its pid in *peer), upgrade_check each paused connection
 * (-EBUSY: it cannot be handed over now, logged), upgrade_send_state,
 * upgrade_send_conn each, upgrade_wait_ready (0: the successor holds
 * everything), then upgrade_log_handed each and upgrade_finish(commit).
 */
int upgrade_accept(int ctl, const struct daemon_opts *o, int *peer);
int upgrade_check(struct daemon *d);
int upgrade_send_state(int c, int lfd, int ctl, unsigned nconns);
int upgrade_send_conn(int c, struct daemon *d);
int upgrade_wait_ready(int c);
void upgrade_log_handed(struct daemon *d);
int upgrade_finish(int c, bool commit);
/* Tell systemd (NOTIFY_SOCKET, NotifyAccess=all) that pid is the service's main process now. */
void upgrade_notify_main_pid(int pid);

/*
 * The successor: upgrade_connect (says hello), upgrade_recv_state (the
 * listening and control sockets; returns the connection count),
 * upgrade_recv_conn each (imported, sessions adopted, not listed nor
 * served), upgrade_ready, then upgrade_wait_commit: serve only on 0.
 */
int upgrade_connect(const struct daemon_opts *o);
/* After COMMIT: wait (bounded) until the predecessor has left (its journals are free then). */
void upgrade_wait_gone(int c);
int upgrade_recv_state(int c, int *lfd, int *ctl, unsigned max_conns);
int upgrade_recv_conn(int c, struct daemon_opts *o, struct daemon **out);
int upgrade_ready(int c);
int upgrade_wait_commit(int c);

#endif /* DAEMON_H */
