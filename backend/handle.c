/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One request: decode and validate (lib/wire), check that the session and
 * resources named belong to this connection, run it, write the response.
 * Every exit writes a response when the chain has room for one.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "daemon.h"

#define NAME_MAX_LEN 255 /* a file name of a resource, without the NUL */

struct outcome {
	uint8_t status;
	int32_t vret;
	uint64_t id;
};

static bool feature(struct daemon *d, unsigned bit)
{
	return vhu_dev_features(d->dev) & (1ull << bit);
}

/* A quota hit (or a full state disk) is NOSPACE (spec §7); anything else the device failed at. */
static uint8_t status_of(int err)
{
	return err == -ENOSPC || err == -EDQUOT ? VIRTIO_ACCEL_S_NOSPACE : VIRTIO_ACCEL_S_ERR;
}

static void create_session(struct daemon *d, const struct wire_req *req, struct outcome *o)
{
	static const struct conn_charge none;
	struct vaccel_session *s;
	int64_t host_id;
	int ret;

	if (req->nr_read || req->nr_write) {
		o->status = VIRTIO_ACCEL_S_BADMSG;
		return;
	}
	ret = conn_reserve(&d->conn, CONN_SESS, &none);
	if (ret) {
		o->status = status_of(ret);
		return;
	}
	/* The host runs it locally: a remote hint would pick a transport plugin. */
	ret = hostrt_session_new(&s, req->flags & ~(uint32_t)VACCEL_PLUGIN_REMOTE);
	if (ret) {
		conn_unreserve(&d->conn, CONN_SESS, &none);
		o->vret = ret;
		return;
	}
	/*
	 * Journalled (--state-dir) under its id before anyone can name it. Once
	 * listed, a DESTROY_SESSION on another queue may release s at once:
	 * never touch it after conn_add_as.
	 */
	host_id = s->id;
	o->id = conn_new_id(&d->conn, CONN_SESS);
	ret = state_note_session(d->conn.st, o->id, req->flags & ~(uint32_t)VACCEL_PLUGIN_REMOTE);
	if (ret) {
		hostrt_session_delete(s);
		conn_unreserve(&d->conn, CONN_SESS, &none);
		o->status = status_of(ret);
		return;
	}
	ret = conn_add_as(&d->conn, CONN_SESS, s, &none, o->id);
	if (ret) {
		state_forget(d->conn.st, CONN_SESS, o->id);
		hostrt_session_delete(s);
		o->status = status_of(ret);
		return;
	}
	vaccel_debug("created session %" PRIu64 " (host session %" PRId64 ")", o->id, host_id);
}

static void destroy_session(struct daemon *d, const struct wire_req *req, struct outcome *o)
{
	if (req->nr_read || req->nr_write) {
		o->status = VIRTIO_ACCEL_S_BADMSG;
		return;
	}
	if (!conn_destroy_sess(&d->conn, req->session_id))
		o->status = VIRTIO_ACCEL_S_INVSESS;
}

/* A resource file name: NUL-terminated, no '/', not "." or "..". */
static bool name_ok(const char *n, uint64_t len)
{
	if (len < 2 || len > NAME_MAX_LEN + 1 || n[len - 1] != '\0' || strlen(n) != len - 1)
		return false;
	if (strchr(n, '/') || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	return true;
}

/* Copy and check the file names; sets *status on a malformed request. */
static char **collect_names(const struct wire_req *req, unsigned nfiles, uint8_t *status)
{
	char **names = calloc(nfiles, sizeof(*names));

	if (!names) {
		*status = VIRTIO_ACCEL_S_ERR;
		return NULL;
	}
	for (unsigned f = 0; f < nfiles; f++) {
		const struct wire_arg *na = &req->args[2 * f], *ca = &req->args[2 * f + 1];

		if (na->type != VACCEL_ARG_STRING || na->len < 2 || na->len > NAME_MAX_LEN + 1 ||
		    (ca->type != VACCEL_ARG_BUFFER && ca->type != VACCEL_ARG_RAW))
			goto bad;
		names[f] = malloc(na->len);
		if (!names[f]) {
			*status = VIRTIO_ACCEL_S_ERR;
			goto fail;
		}
		wire_arg_gather(req, 2 * f, names[f]);
		if (!name_ok(names[f], na->len))
			goto bad;
		for (unsigned g = 0; g < f; g++)
			if (!strcmp(names[g], names[f]))
				goto bad;
	}
	return names;
bad:
	*status = VIRTIO_ACCEL_S_BADMSG;
fail:
	for (unsigned f = 0; f < nfiles; f++)
		free(names[f]);
	free(names);
	return NULL;
}

/* The files' contents: in place when contiguous, else a copy (*bounce). NULL: *status set. */
static void *file_data(struct daemon *d, const struct wire_req *req, unsigned i, void **bounce,
		       uint8_t *status)
{
	/* Contents are only copied into a file: in place is fine when contiguous. */
	void *data = wire_arg_ptr(req, i);

	if (data)
		return data;
	*bounce = conn_bounce_alloc(&d->conn, req->args[i].len, false);
	if (!*bounce) {
		*status = status_of(-errno);
		return NULL;
	}
	wire_arg_gather(req, i, *bounce);
	return *bounce;
}

/*
 * REGISTER_RESOURCE with object_id 0: build a host resource from the
 * uploaded files, within the connection's quotas (reserved first: a
 * guest over quota costs no disk).
 */
static void register_new(struct daemon *d, const struct wire_req *req, struct conn_entry *s,
			 struct outcome *o)
{
	unsigned nfiles = req->nr_read / 2;
	struct conn_charge ch = {0, nfiles};
	struct vaccel_blob *blobs = NULL;
	const struct vaccel_blob **bp = NULL;
	void **bounce = NULL;
	char **names;
	struct vaccel_resource *res = NULL;
	bool reserved = true;
	int ret;

	if (req->nr_write || req->nr_read < 2 || req->nr_read % 2 ||
	    req->flags >= VACCEL_RESOURCE_MAX) {
		o->status = VIRTIO_ACCEL_S_BADMSG;
		return;
	}
	for (unsigned f = 0; f < nfiles; f++)
		ch.bytes += req->args[2 * f + 1].len; /* each <= max_request_bytes: no overflow */
	ret = conn_reserve(&d->conn, CONN_RES, &ch);
	if (ret) {
		o->status = status_of(ret);
		return;
	}
	names = collect_names(req, nfiles, &o->status);
	if (!names)
		goto unreserve;
	blobs = calloc(nfiles, sizeof(*blobs));
	bp = calloc(nfiles, sizeof(*bp));
	bounce = calloc(nfiles, sizeof(*bounce));
	if (!blobs || !bp || !bounce) {
		o->status = VIRTIO_ACCEL_S_ERR;
		goto out;
	}
	for (unsigned f = 0; f < nfiles; f++) {
		const struct wire_arg *ca = &req->args[2 * f + 1];
		void *data;

		if (ca->len == 0) {
			o->vret = VACCEL_EINVAL; /* vAccel has no empty blobs */
			goto out;
		}
		data = file_data(d, req, 2 * f + 1, &bounce[f], &o->status);
		if (!data)
			goto out;
		/* Name and contents: hostrt_resource_new() writes them to files. */
		blobs[f] = (struct vaccel_blob){
		    .type = VACCEL_BLOB_MAPPED, .name = names[f], .data = data, .size = ca->len};
		bp[f] = &blobs[f];
	}
	ret = hostrt_resource_new(&res, bp, nfiles, (int)req->flags);
	if (ret) {
		o->vret = ret;
		goto out;
	}
	vaccel_lock(&d->conn.lock);
	ret = vaccel_resource_register(res, s->sess);
	vaccel_unlock(&d->conn.lock);
	if (ret) {
		hostrt_resource_delete(res);
		o->vret = ret;
		goto out;
	}
	/* Journalled with its files and its session before the driver learns the id. */
	o->id = conn_new_id(&d->conn, CONN_RES);
	ret = state_note_resource(d->conn.st, o->id, (int)req->flags, blobs, nfiles);
	if (!ret)
		ret = state_note_link(d->conn.st, s->id, o->id);
	if (ret) {
		state_forget(d->conn.st, CONN_RES, o->id);
		vaccel_lock(&d->conn.lock);
		vaccel_resource_unregister(res, s->sess);
		vaccel_unlock(&d->conn.lock);
		hostrt_resource_delete(res);
		o->status = status_of(ret);
		goto out;
	}
	/* The reservation is used up either way (conn_add_as gives it back on failure). */
	reserved = false;
	ret = conn_add_as(&d->conn, CONN_RES, res, &ch, o->id);
	if (ret) {
		state_forget(d->conn.st, CONN_RES, o->id);
		hostrt_resource_delete(res);
		o->status = status_of(ret);
	}
out:
	for (unsigned f = 0; f < nfiles; f++) {
		free(names[f]);
		if (bounce)
			conn_bounce_free(&d->conn, bounce[f], req->args[2 * f + 1].len);
	}
	free(names);
	free(bounce);
	free(bp);
	free(blobs);
unreserve:
	if (reserved)
		conn_unreserve(&d->conn, CONN_RES, &ch);
}

/*
 * The checks (un)registering shares: the device offers resources, the request is
 * well-formed (`malformed` says otherwise) and names a live session, which is returned
 * for the caller to put. On failure `o->status` says why and NULL is returned.
 */
static struct conn_entry *resource_op_session(struct daemon *d, const struct wire_req *req,
					      bool malformed, struct outcome *o)
{
	struct conn_entry *s;

	if (!feature(d, VIRTIO_ACCEL_F_RESOURCES)) {
		o->status = VIRTIO_ACCEL_S_NOTSUPP;
		return NULL;
	}
	if (malformed) {
		o->status = VIRTIO_ACCEL_S_BADMSG;
		return NULL;
	}
	s = conn_get(&d->conn, CONN_SESS, req->session_id);
	if (!s)
		o->status = VIRTIO_ACCEL_S_INVSESS;
	return s;
}

static void register_resource(struct daemon *d, const struct wire_req *req, struct outcome *o)
{
	struct conn_entry *s, *r;
	int ret;

	/* Registering an existing resource carries no args; a new one carries its files. */
	s = resource_op_session(d, req, req->object_id && (req->nr_read || req->nr_write), o);
	if (!s)
		return;
	if (!req->object_id) {
		register_new(d, req, s, o);
		conn_put(&d->conn, s);
		return;
	}
	r = conn_get(&d->conn, CONN_RES, req->object_id);
	if (!r) {
		o->status = VIRTIO_ACCEL_S_INVRES;
	} else {
		ret = conn_register(&d->conn, s, r);
		o->vret = ret;
		if (!ret && state_note_link(d->conn.st, s->id, r->id)) {
			/* Not journalled: undo, so that nothing the driver holds is lost. */
			conn_unregister(&d->conn, s, r);
			o->status = VIRTIO_ACCEL_S_ERR;
		} else if (!ret) {
			o->id = r->id;
		}
		conn_put(&d->conn, r);
	}
	conn_put(&d->conn, s);
}

static void unregister_resource(struct daemon *d, const struct wire_req *req, struct outcome *o)
{
	struct conn_entry *s, *r;

	s = resource_op_session(d, req, req->nr_read || req->nr_write, o);
	if (!s)
		return;
	r = conn_get(&d->conn, CONN_RES, req->object_id);
	if (!r) {
		o->status = VIRTIO_ACCEL_S_INVRES;
	} else {
		o->vret = conn_unregister(&d->conn, s, r);
		conn_put(&d->conn, r);
	}
	conn_put(&d->conn, s);
}

/* RESUME (spec §4.2): did this connection start from a previous daemon's state? */
static void resume(struct daemon *d, const struct wire_req *req, struct outcome *o)
{
	if (req->nr_read || req->nr_write) {
		o->status = VIRTIO_ACCEL_S_BADMSG;
		return;
	}
	o->id = state_restored(d->conn.st) ? 1 : 0;
	state_claim(d->conn.st);
	vaccel_debug("driver resumed after a restart: its sessions and resources %s",
		     o->id ? "were restored" : "are gone (no state restored)");
}

static void genop(struct daemon *d, struct worker_ctx *w, const struct wire_req *req,
		  struct outcome *o)
{
	struct conn_entry *s = conn_get(&d->conn, CONN_SESS, req->session_id);

	if (!s) {
		o->status = VIRTIO_ACCEL_S_INVSESS;
		return;
	}
	o->status = (uint8_t)genop_run(d, w, req, s, &o->vret, w->out_len);
	__atomic_fetch_add(&s->genops, 1, __ATOMIC_RELAXED); /* a handover reports it */
	conn_put(&d->conn, s);
}

/* The restored state was not asked for: release it (once, whichever queue sees it first). */
static void drop_unclaimed(struct daemon *d)
{
	uint64_t upto;

	if (state_disown(d->conn.st, &upto))
		vaccel_info("released %u restored sessions (and the resources only they held)",
			    conn_destroy_sessions_upto(&d->conn, upto));
}

uint32_t handle_request(struct daemon *d, struct worker_ctx *w, const struct vq_elem *elem)
{
	struct outcome o = {VIRTIO_ACCEL_S_OK, 0, 0};
	struct wire_req req;
	int st;

	/* vq_dev_pop() summed the chain's lengths already (elem's byte counts). */
	st = wire_decode_sized(&req, elem->iov, elem->nr_read, elem->read_bytes,
			       elem->iov + elem->nr_read, elem->nr_write, elem->write_bytes,
			       &d->wlim, w->wargs, d->opts->max_args);
	if (st != VIRTIO_ACCEL_S_OK) {
		vaccel_debug("request %" PRIu64 " (code %u) refused: status %d", req.tag, req.code,
			     st);
		return wire_respond(&req, (uint8_t)st, 0, 0, NULL);
	}
	if (req.nr_write) /* a call to memset() even for none */
		memset(w->out_len, 0, sizeof(*w->out_len) * req.nr_write);
	/*
	 * A restored state goes to a driver that asks for it (RESUME) before it
	 * does anything but destroy sessions (spec §4.2).
	 */
	if (d->conn.st && /* no journal (--state-dir): nothing restored, no call */
	    req.code != VIRTIO_ACCEL_C_RESUME && req.code != VIRTIO_ACCEL_C_DESTROY_SESSION &&
	    state_unclaimed(d->conn.st))
		drop_unclaimed(d);
	switch (req.code) {
	case VIRTIO_ACCEL_C_CREATE_SESSION:
		create_session(d, &req, &o);
		break;
	case VIRTIO_ACCEL_C_DESTROY_SESSION:
		destroy_session(d, &req, &o);
		break;
	case VIRTIO_ACCEL_C_REGISTER_RESOURCE:
		register_resource(d, &req, &o);
		break;
	case VIRTIO_ACCEL_C_UNREGISTER_RESOURCE:
		unregister_resource(d, &req, &o);
		break;
	case VIRTIO_ACCEL_C_GENOP:
		genop(d, w, &req, &o);
		break;
	case VIRTIO_ACCEL_C_RESUME:
		resume(d, &req, &o);
		break;
	default:
		o.status = VIRTIO_ACCEL_S_NOTSUPP; /* wire_decode already refuses these */
		break;
	}
	if (o.status != VIRTIO_ACCEL_S_OK) {
		o.vret = 0;
		o.id = 0;
		memset(w->out_len, 0, sizeof(*w->out_len) * req.nr_write);
	}
	return wire_respond(&req, o.status, o.vret, o.id, w->out_len);
}
