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
 *  - write args likewise: in place, or a host copy scattered back. An
 *    in/out write arg's copy starts as the driver left the buffer; an out
 *    one (its role in the op table) starts zeroed, so the driver's bytes
 *    are not read and no earlier request's bytes show through. In place
 *    also needs the alignment the runtime's typed access requires.
 * Type facts (scalar, alignment) and roles come from the op table
 * (lib/optable).
 * Policy: EXEC loads only allowlisted host libraries (the resolved path is
 * what the runtime gets); EXEC_WITH_RESOURCE needs --allow-exec-upload; an
 * arg the op table marks as a resource id must name a resource of this
 * connection.
 * Any host runtime: upstream's vaccel_genop() refuses NOOP (op type 0) and
 * has no model-op unpackers, and takes the op type only as a UINT8. So NOOP
 * and the model ops run through their typed functions here (checked against
 * their row first, as vaccel_genop() would), the model API found with dlsym
 * (upstream 0.7.1 has none: those ops then answer VACCEL_ENOTSUP); every
 * other op goes to vaccel_genop() with its op type as a UINT8, whichever
 * form the request used.
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "daemon.h"
#include "modelop.h"
#include "optab.h"
#include "vaccel_common.h"

#define SMALL_ARG 4096u

_Static_assert(VIRTIO_ACCEL_ARG_TYPE_MAX == VACCEL_ARG_MAX, "arg type bound");

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

/* Types whose content the runtime or a plugin interprets (wire_decode() bounded the type). */
static bool interpreted(uint32_t type)
{
	uint8_t kind = optab_type(type)->kind;

	return kind == OPTAB_KIND_SCALAR || kind == OPTAB_KIND_STRING;
}

/* The arg in place, if it is contiguous and aligned for the runtime's typed access. */
static void *in_place(const struct wire_req *req, unsigned i)
{
	void *p = wire_arg_ptr(req, i);

	if (p && (uintptr_t)p % optab_type(req->args[i].type)->align)
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

/* The op table's row for the request, from its op-type arg (prepared already), or NULL. */
static const struct optab_op *request_row(const struct wire_req *req, const struct vaccel_arg *va)
{
	uint32_t op;

	if (req->nr_read < 1 || optab_op_type(&va[0], &op))
		return NULL;
	return optab_op(op);
}

/*
 * Where arg i's bytes are for the runtime: NULL when empty, a scratch copy
 * when small, in place, or a malloc'd copy. `fresh`: an out-only write arg,
 * whose copy starts zeroed instead of as the driver left it.
 */
static int place_arg(const struct wire_req *req, struct worker_ctx *w, unsigned i, bool fresh,
		     size_t *used, void **buf, void **mallocd)
{
	const struct wire_arg *a = &req->args[i];
	bool is_read = i < req->nr_read;

	*mallocd = NULL;
	if (!a->len) {
		*buf = NULL;
	} else if (in_scratch(a)) {
		*buf = w->scratch + *used;
		*used += align8(a->len);
		if (fresh)
			memset(*buf, 0, a->len);
		else
			wire_arg_gather(req, i, *buf);
	} else if (!(is_read && interpreted(a->type)) && (*buf = in_place(req, i))) {
		/* zero-copy */
	} else {
		/* Within the connection's bounce budget: -ENOSPC is NOSPACE. */
		*buf = conn_bounce_alloc(w->conn, a->len, fresh);
		if (!*buf)
			return -errno;
		*mallocd = *buf;
		if (!fresh)
			wire_arg_gather(req, i, *buf);
	}
	return 0;
}

/* Fill the vaccel_arg array; *row gets the op's row (or NULL). Returns 0, -ENOMEM or -ENOSPC. */
static int prepare(const struct wire_req *req, struct worker_ctx *w, struct vaccel_arg *va,
		   void **mallocd, void **orig, const struct optab_op **row)
{
	unsigned nr = (unsigned)req->nr_read + req->nr_write;
	size_t used = 0;

	if (reserve_scratch(w, req))
		return -ENOMEM;
	*row = NULL;
	for (unsigned i = 0; i < nr; i++) {
		const struct wire_arg *a = &req->args[i];
		bool fresh = false;
		int ret;

		/* The read args are in: the op type says the write args' roles. */
		if (i == req->nr_read)
			*row = request_row(req, va);
		if (i >= req->nr_read)
			fresh = *row && optab_write_role(*row, i - req->nr_read) == OPTAB_OUT;
		ret = place_arg(req, w, i, fresh, &used, &orig[i], &mallocd[i]);
		if (ret)
			return ret;
		va[i] = (struct vaccel_arg){.buf = orig[i],
					    .size = a->len,
					    .type = (vaccel_arg_type_t)a->type,
					    .custom_type_id = a->custom_type_id,
					    .owned = false};
	}
	if (!req->nr_write)
		*row = request_row(req, va);
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

/*
 * The op's resource-id args (op table: OPTAB_F_RESOURCE) must name resources
 * of this connection; each found one is held in res[] until the op ends.
 * Returns a status, or OK with *vret set for a malformed id.
 */
static int hold_resources(struct daemon *d, const struct optab_op *row, const struct wire_req *req,
			  const struct vaccel_arg *va, struct conn_entry **res, int32_t *vret)
{
	for (unsigned i = 0; row && i < row->nr_read; i++)
		res[i] = NULL;
	for (unsigned i = 0; row && i < row->nr_read; i++) {
		const struct vaccel_arg *a = &va[1 + i]; /* va[0] is the op type */
		int64_t id;

		if (!(row->rd[i].flags & OPTAB_F_RESOURCE))
			continue;
		if (req->nr_read < 2 + i || a->type != VACCEL_ARG_INT64 || a->size != sizeof(id)) {
			*vret = VACCEL_EINVAL;
			return VIRTIO_ACCEL_S_OK;
		}
		memcpy(&id, a->buf, sizeof(id));
		res[i] = conn_get(&d->conn, CONN_RES, (uint64_t)id);
		if (!res[i])
			return VIRTIO_ACCEL_S_INVRES;
		/* The runtime knows it by its own id (a host copy: small). */
		memcpy(a->buf, &res[i]->res->id, sizeof(id));
	}
	return VIRTIO_ACCEL_S_OK;
}

/* Host policy on what a guest may run. Returns false with *vret set when refused. */
static bool policy_allows(struct daemon *d, const struct wire_req *req, uint8_t op,
			  struct vaccel_arg *va, char *resolved, int32_t *vret)
{
	if (op == VACCEL_OP_EXEC) {
		if (req->nr_read < 3 || !string_ok(&va[1]) || !string_ok(&va[2])) {
			*vret = VACCEL_EINVAL;
			return false;
		}
		*vret = policy_exec(d->opts, va[1].buf, va[2].buf, resolved);
		if (*vret)
			return false;
		/* Load exactly what was checked. */
		va[1].buf = resolved;
		va[1].size = strlen(resolved) + 1;
	} else if (op == VACCEL_OP_EXEC_WITH_RESOURCE &&
		   (!d->opts->allow_exec_upload ||
		    !(vhu_dev_features(d->dev) & (1ull << VIRTIO_ACCEL_F_EXEC_UPLOAD)))) {
		vaccel_warn("exec_with_resource: running uploaded libraries is not allowed "
			    "(see --allow-exec-upload)");
		*vret = VACCEL_EPERM;
		return false;
	}
	return true;
}

/* ------------------------------------------------------- typed calls */

/* The host runtime's model API, looked up once: upstream 0.7.1 has none of it. */
static struct modelop_fns model_fns;
static pthread_once_t model_fns_once = PTHREAD_ONCE_INIT;

/* POSIX: a data pointer from dlsym() can hold a function's address. */
#define LOOKUP(field, name)                                                                        \
	do {                                                                                       \
		void *sym_ = dlsym(RTLD_DEFAULT, name);                                            \
		memcpy(&model_fns.field, &sym_, sizeof(sym_));                                     \
		_Static_assert(sizeof(model_fns.field) == sizeof(sym_), "function pointer size");  \
	} while (0)

static void model_fns_init(void)
{
	LOOKUP(tf_model_load, "vaccel_tf_model_load");
	LOOKUP(tf_model_unload, "vaccel_tf_model_unload");
	LOOKUP(tf_model_run, "vaccel_tf_model_run");
	LOOKUP(tflite_model_load, "vaccel_tflite_model_load");
	LOOKUP(tflite_model_unload, "vaccel_tflite_model_unload");
	LOOKUP(tflite_model_run, "vaccel_tflite_model_run");
	LOOKUP(torch_model_load, "vaccel_torch_model_load");
	LOOKUP(torch_model_run, "vaccel_torch_model_run");
	LOOKUP(torch_sgemm, "vaccel_torch_sgemm");
	/* Every runtime has these (0.7.1 too). */
	model_fns.tf_tensor_delete = vaccel_tf_tensor_delete;
	model_fns.tflite_tensor_delete = vaccel_tflite_tensor_delete;
	model_fns.torch_tensor_delete = vaccel_torch_tensor_delete;
	model_fns.tf_status_release = vaccel_tf_status_release;
}

/* NOOP and the model ops: the ops upstream's vaccel_genop() cannot run. */
static bool runs_typed(const struct optab_op *row)
{
	return row && (row->op == VACCEL_OP_NOOP || modelop_is_model(row));
}

/*
 * Run such an op through its typed function, after the checks
 * vaccel_genop() makes: its row, every arg well formed and aligned (the
 * args are host copies or in place, aligned: see place_arg()). The model is
 * the resource hold_resources() found. Returns the vAccel result.
 */
static int32_t run_typed(const struct optab_op *row, struct vaccel_session *sess,
			 const struct wire_req *req, struct vaccel_arg *va, struct conn_entry **res)
{
	struct optab_val vals[2 * OPTAB_MAX_FIXED];
	struct vaccel_arg *wa = va + req->nr_read;
	struct optab_err err;

	if (optab_check(row, va + 1, req->nr_read - 1u, wa, req->nr_write, OPTAB_ALIGN, vals,
			&err)) {
		char why[256];

		optab_err_str(row, &err, why, sizeof(why));
		vaccel_error("genop: %s", why);
		/* Nothing ran: no write arg holds anything (out_len 0), as modelop_call() leaves
		 * them after a call that did not run. */
		for (unsigned i = 0; i < req->nr_write; i++)
			wa[i].size = 0;
		return VACCEL_EINVAL;
	}
	if (row->op == VACCEL_OP_NOOP)
		return vaccel_noop(sess);
	pthread_once(&model_fns_once, model_fns_init);
	return modelop_call(
	    &model_fns,
	    &(struct modelop_req){
		.row = row,
		.v = vals,
		.sess = sess,
		.model = row->nr_read && (row->rd[0].flags & OPTAB_F_RESOURCE) ? res[0]->res : NULL,
		.read = va + 1,
		.nr_read = req->nr_read - 1u,
		.write = wa,
		.nr_write = req->nr_write});
}

/*
 * A request that is its op type alone, naming a row without args (noop): nothing to
 * place, hold or scatter back, so it runs here without the general walk. The op type is
 * copied once and read from the copy, as prepare() does; the op runs through run_typed(),
 * whose checks it passes like the general path. False (nothing run) for any other
 * request: the general path starts over from the request.
 */
static bool run_bare(const struct wire_req *req, struct conn_entry *s, int32_t *vret)
{
	uint32_t copy = 0, op;
	struct vaccel_arg va;
	const struct optab_op *row;

	if (req->nr_read != 1 || req->nr_write || !req->args[0].len ||
	    req->args[0].len > sizeof(copy))
		return false;
	wire_arg_gather(req, 0, &copy);
	va = (struct vaccel_arg){
	    .buf = &copy, .size = req->args[0].len, .type = (vaccel_arg_type_t)req->args[0].type};
	if (optab_op_type(&va, &op))
		return false;
	row = optab_op(op);
	if (!row || row->nr_read || row->nr_write || !runs_typed(row))
		return false;
	/* No args against a row of none: the table check passes (optab_check says so too). */
	*vret = row->op == VACCEL_OP_NOOP ? vaccel_noop(s->sess)
					  : run_typed(row, s->sess, req, &va, NULL);
	return true;
}

/* Every other request. Apart: its frame (a path buffer) costs stack probes the above skips. */
__attribute__((noinline)) static int run_general(struct daemon *d, struct worker_ctx *w,
						 const struct wire_req *req, struct conn_entry *s,
						 int32_t *vret, uint64_t *out_len)
{
	struct vaccel_arg *va = w->vargs, *wa;
	void **mallocd = w->bounce, **orig = w->bounce + d->opts->max_args;
	unsigned nr = (unsigned)req->nr_read + req->nr_write;
	struct conn_entry *res[OPTAB_MAX_FIXED]; /* [0, nr_res) set by hold_resources() */
	unsigned nr_res = 0;
	const struct optab_op *row;
	char resolved[PATH_MAX];
	int status = VIRTIO_ACCEL_S_OK, ret;

	ret = prepare(req, w, va, mallocd, orig, &row);
	if (ret) {
		status = ret == -ENOSPC ? VIRTIO_ACCEL_S_NOSPACE : VIRTIO_ACCEL_S_ERR;
		goto out;
	}
	wa = va + req->nr_read;
	if (!policy_allows(d, req, row ? row->op : 0xff, va, resolved, vret))
		goto out;
	nr_res = row ? row->nr_read : 0;
	status = hold_resources(d, row, req, va, res, vret);
	if (status != VIRTIO_ACCEL_S_OK || *vret)
		goto out;

	if (runs_typed(row)) {
		*vret = run_typed(row, s->sess, req, va, res);
	} else {
		/* The op type as every runtime's vaccel_genop() takes it. */
		uint8_t op8 = row ? row->op : 0;

		if (row)
			va[0] =
			    (struct vaccel_arg){.buf = &op8, .size = 1, .type = VACCEL_ARG_UINT8};
		*vret = vaccel_genop(s->sess, va, req->nr_read, req->nr_write ? wa : NULL,
				     req->nr_write);
	}
	finish_writes(req, wa, orig, out_len);
out:
	for (unsigned i = 0; i < nr_res; i++)
		if (res[i])
			conn_put(&d->conn, res[i]);
	for (unsigned i = 0; i < nr; i++) {
		conn_bounce_free(w->conn, mallocd[i], req->args[i].len);
		mallocd[i] = NULL;
	}
	return status;
}

int genop_run(struct daemon *d, struct worker_ctx *w, const struct wire_req *req,
	      struct conn_entry *s, int32_t *vret, uint64_t *out_len)
{
	*vret = 0;
	if (run_bare(req, s, vret))
		return VIRTIO_ACCEL_S_OK;
	return run_general(d, w, req, s, vret, out_len);
}
