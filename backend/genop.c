/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GENOP: hand the request's args to vaccel_genop() on the host session.
 *
 * Where an arg's bytes live (spec §8 item 3):
 *  - args the runtime or a plugin interprets (STRING, scalars) and every
 *    small arg (<= 4 KiB) are copied into host memory first, so the guest
 *    cannot change them between validation and use;
 *  - bulk args are used in place when contiguous in our address space
 *    (zero-copy), else gathered into a bounce buffer (each bounded by the
 *    validated max_request_bytes);
 *  - write args likewise: in place, or a host copy of the buffer (as the
 *    driver left it) scattered back. In place also needs the alignment the
 *    runtime's typed access requires.
 * Policy: EXEC loads only allowlisted host libraries (the resolved path is
 * what the runtime gets); EXEC_WITH_RESOURCE needs --allow-exec-upload and a
 * resource of this connection.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "daemon.h"

#define SMALL_ARG 4096u

_Static_assert(WIRE_ARG_TYPE_MAX == VACCEL_ARG_MAX, "arg type bound");

int worker_ctx_init(struct worker_ctx *w, const struct daemon *d)
{
	unsigned n = d->opts->max_args;

	memset(w, 0, sizeof(*w));
	w->iov_cap = d->opts->max_segments;
	w->iov = calloc(w->iov_cap, sizeof(*w->iov));
	w->wargs = calloc(n, sizeof(*w->wargs));
	w->vargs = calloc(n, sizeof(struct vaccel_arg));
	w->out_len = calloc(n, sizeof(*w->out_len));
	w->bounce = calloc(2 * (size_t)n, sizeof(*w->bounce)); /* malloc'd buffers, then orig */
	w->scratch_cap = 64 * 1024;
	w->scratch = malloc(w->scratch_cap);
	if (!w->iov || !w->wargs || !w->vargs || !w->out_len || !w->bounce || !w->scratch) {
		worker_ctx_free(w);
		return -ENOMEM;
	}
	return 0;
}

void worker_ctx_free(struct worker_ctx *w)
{
	free(w->iov);
	free(w->wargs);
	free(w->vargs);
	free(w->out_len);
	free(w->bounce);
	free(w->scratch);
	memset(w, 0, sizeof(*w));
}

/* Types whose content the runtime or a plugin interprets. */
static bool interpreted(uint32_t type)
{
	if (type == VACCEL_ARG_STRING)
		return true;
	/* INT8=1, INT16=3, ... UCHAR=25: the odd types up to 25 are scalars. */
	return type >= VACCEL_ARG_INT8 && type <= VACCEL_ARG_UCHAR && (type & 1);
}

/*
 * Alignment a buffer of this type needs for the runtime's typed access.
 * Untyped bulk (RAW, BUFFER, CUSTOM) may hold anything: take the largest.
 */
static uintptr_t type_align(uint32_t type)
{
	switch (type) {
	case VACCEL_ARG_INT8_ARRAY:
	case VACCEL_ARG_UINT8_ARRAY:
	case VACCEL_ARG_BOOL_ARRAY:
	case VACCEL_ARG_CHAR_ARRAY:
	case VACCEL_ARG_UCHAR_ARRAY:
		return 1;
	case VACCEL_ARG_INT16_ARRAY:
	case VACCEL_ARG_UINT16_ARRAY:
		return 2;
	case VACCEL_ARG_INT32_ARRAY:
	case VACCEL_ARG_UINT32_ARRAY:
	case VACCEL_ARG_FLOAT32_ARRAY:
		return 4;
	default:
		return 8;
	}
}

/* The arg in place, if it is contiguous and suitably aligned. */
static void *in_place(const struct wire_req *req, unsigned i)
{
	void *p = wire_arg_ptr(req, i);

	if (p && (uintptr_t)p % type_align(req->args[i].type))
		return NULL;
	return p;
}

static size_t align8(uint64_t v)
{
	return (size_t)((v + 7) & ~7ull);
}

static bool in_scratch(const struct wire_arg *a)
{
	return a->len && a->len <= SMALL_ARG;
}

/* Make room for this request's small copies (bounded: max_args * 4 KiB). */
static int reserve_scratch(struct worker_ctx *w, const struct wire_req *req)
{
	size_t need = 0;
	unsigned nr = (unsigned)req->nr_read + req->nr_write;

	for (unsigned i = 0; i < nr; i++)
		if (in_scratch(&req->args[i]))
			need += align8(req->args[i].len);
	if (need <= w->scratch_cap)
		return 0;
	free(w->scratch);
	w->scratch = malloc(need);
	w->scratch_cap = w->scratch ? need : 0;
	return w->scratch ? 0 : -ENOMEM;
}

/* Fill the vaccel_arg array. Returns 0, -ENOMEM or -ENOSPC. */
static int prepare(const struct wire_req *req, struct worker_ctx *w, struct vaccel_arg *va,
		   void **mallocd, void **orig)
{
	unsigned nr = (unsigned)req->nr_read + req->nr_write;
	size_t used = 0;

	if (reserve_scratch(w, req))
		return -ENOMEM;
	for (unsigned i = 0; i < nr; i++) {
		const struct wire_arg *a = &req->args[i];
		bool is_read = i < req->nr_read;
		void *buf = NULL;

		mallocd[i] = NULL;
		if (!a->len) {
			buf = NULL;
		} else if (in_scratch(a)) {
			buf = w->scratch + used;
			used += align8(a->len);
			/*
			 * Write buffers start with what the driver put there, as
			 * they would in place (an op may leave them untouched).
			 */
			wire_arg_gather(req, i, buf);
		} else if (!(is_read && interpreted(a->type)) && (buf = in_place(req, i))) {
			/* zero-copy */
		} else {
			/* Within the connection's bounce budget: -ENOSPC is NOSPACE. */
			buf = conn_bounce_alloc(w->conn, a->len);
			if (!buf)
				return -errno;
			mallocd[i] = buf;
			wire_arg_gather(req, i, buf);
		}
		orig[i] = buf;
		va[i] = (struct vaccel_arg){.buf = buf,
					    .size = a->len,
					    .type = (vaccel_arg_type_t)a->type,
					    .custom_type_id = a->custom_type_id,
					    .owned = false};
	}
	return 0;
}

static bool string_ok(const struct vaccel_arg *a)
{
	const char *s = a->buf;

	return a->type == VACCEL_ARG_STRING && s && a->size >= 1 && s[a->size - 1] == '\0' &&
	       strlen(s) == a->size - 1;
}

/* Collect outputs: out_len bounded by capacity, host copies scattered back. */
static void finish_writes(const struct wire_req *req, struct vaccel_arg *wa, void **orig,
			  uint64_t *out_len)
{
	for (unsigned i = 0; i < req->nr_write; i++) {
		unsigned k = req->nr_read + i;
		const struct wire_arg *a = &req->args[k];
		uint64_t n = wa[i].size < a->len ? wa[i].size : a->len;
		bool same = orig[k] && wa[i].buf == orig[k] && wire_arg_ptr(req, k) == orig[k];

		if (!wa[i].buf)
			n = 0;
		if (n && !same)
			wire_arg_scatter(req, k, wa[i].buf, n);
		out_len[i] = n;
	}
}

int genop_run(struct daemon *d, struct worker_ctx *w, const struct wire_req *req,
	      struct conn_entry *s, int32_t *vret, uint64_t *out_len)
{
	struct vaccel_arg *va = w->vargs, *wa;
	void **mallocd = w->bounce, **orig = w->bounce + d->opts->max_args;
	unsigned nr = (unsigned)req->nr_read + req->nr_write;
	struct conn_entry *r = NULL;
	char resolved[PATH_MAX];
	int status = VIRTIO_ACCEL_S_OK, ret;
	uint8_t op = 0xff;

	*vret = 0;
	ret = prepare(req, w, va, mallocd, orig);
	if (ret) {
		status = ret == -ENOSPC ? VIRTIO_ACCEL_S_NOSPACE : VIRTIO_ACCEL_S_ERR;
		goto out;
	}
	wa = va + req->nr_read;
	if (req->nr_read >= 1 && va[0].type == VACCEL_ARG_UINT8 && va[0].size == 1)
		op = *(const uint8_t *)va[0].buf;

	if (op == VACCEL_OP_EXEC) {
		if (req->nr_read < 3 || !string_ok(&va[1]) || !string_ok(&va[2])) {
			*vret = VACCEL_EINVAL;
			goto out;
		}
		*vret = policy_exec(d->opts, va[1].buf, va[2].buf, resolved);
		if (*vret)
			goto out;
		/* Load exactly what was checked. */
		va[1].buf = resolved;
		va[1].size = strlen(resolved) + 1;
	} else if (op == VACCEL_OP_EXEC_WITH_RESOURCE) {
		int64_t id;

		if (!d->opts->allow_exec_upload ||
		    !(vhu_dev_features(d->dev) & (1ull << VIRTIO_ACCEL_F_EXEC_UPLOAD))) {
			vaccel_warn("exec_with_resource: running uploaded libraries is not allowed "
				    "(see --allow-exec-upload)");
			*vret = VACCEL_EPERM;
			goto out;
		}
		if (req->nr_read < 2 || va[1].type != VACCEL_ARG_INT64 ||
		    va[1].size != sizeof(id)) {
			*vret = VACCEL_EINVAL;
			goto out;
		}
		memcpy(&id, va[1].buf, sizeof(id));
		r = conn_get(&d->conn, CONN_RES, (uint64_t)id);
		if (!r) {
			status = VIRTIO_ACCEL_S_INVRES;
			goto out;
		}
		/* The runtime knows it by its own id (va[1] is a host copy: small). */
		memcpy(va[1].buf, &r->res->id, sizeof(id));
	}

	*vret = vaccel_genop(s->sess, va, req->nr_read, req->nr_write ? wa : NULL, req->nr_write);
	finish_writes(req, wa, orig, out_len);
out:
	if (r)
		conn_put(&d->conn, r);
	for (unsigned i = 0; i < nr; i++) {
		conn_bounce_free(w->conn, mallocd[i], req->args[i].len);
		mallocd[i] = NULL;
	}
	return status;
}
