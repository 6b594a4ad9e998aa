/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libvaccel-virtio.so: the guest plugin. Every vAccel call of a remote
 * session becomes one virtio-accel request: sessions and resources have
 * their own request codes, every operation travels as a GENOP. The driver
 * below (/dev/accel or the userspace vhost-user frontend) comes from the
 * environment, see vio_drv_from_env().
 */
#include "vio_plugin.h"

#include "vhu.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct vio_drv *vio_drv;

/* Serialises resource hooks: the first registration uploads the files and
 * must not race with a second registration of the same resource. */
static pthread_mutex_t vio_res_lock = PTHREAD_MUTEX_INITIALIZER;

struct vio_drv *vio_driver(void)
{
	return vio_drv;
}

void vio_set_driver(struct vio_drv *drv)
{
	vio_drv = drv;
}

static int map_drv_error(int drv_ret)
{
	switch (drv_ret) {
	case -E2BIG:
		vaccel_error("[virtio] Request exceeds the device's limits");
		return VACCEL_ENOSPC;
	case -EINVAL:
		return VACCEL_EINVAL;
	case -ESTALE:
		vaccel_error("[virtio] Session belongs to an earlier connection to the device");
		return VACCEL_ESESS;
	case -EPERM:
		return VACCEL_ESESS;
	case -ENOMEM:
		return VACCEL_ENOMEM;
	case -EFAULT:
		return VACCEL_EFAULT;
	case -ENODEV:
		vaccel_error("[virtio] Cannot reach the virtio-accel device");
		return VACCEL_ENODEV;
	case -ESHUTDOWN:
		/* The driver's error while the host backend is away (docs/restart.md). */
		vaccel_error("[virtio] The host device restarted: the request did not complete "
			     "(it may or may not have run); try again");
		return VACCEL_EAGAIN;
	default:
		vaccel_error("[virtio] Transport failure: %s", strerror(-drv_ret));
		return VACCEL_EIO;
	}
}

/* vio_result() for everything but a request that ran (kept out of the hot path). */
static __attribute__((noinline)) int result_slow(const struct vio_req *req, int drv_ret)
{
	if (drv_ret)
		return map_drv_error(drv_ret);
	switch (req->status) {
	case VIRTIO_ACCEL_S_OK:
		/* vAccel codes are small positive errno values. */
		return req->vaccel_ret >= 0 ? req->vaccel_ret : VACCEL_EBACKEND;
	case VIRTIO_ACCEL_S_BADMSG:
		vaccel_error("[virtio] Device rejected a malformed request");
		return VACCEL_EINVAL;
	case VIRTIO_ACCEL_S_NOTSUPP:
		return VACCEL_ENOTSUP;
	case VIRTIO_ACCEL_S_INVSESS:
		return VACCEL_ESESS;
	case VIRTIO_ACCEL_S_INVRES:
		return VACCEL_ENOENT;
	case VIRTIO_ACCEL_S_NOSPACE:
		vaccel_error("[virtio] Device limit exceeded");
		return VACCEL_ENOSPC;
	case VIRTIO_ACCEL_S_ERR:
		return VACCEL_EREMOTEIO;
	default:
		vaccel_error("[virtio] Unknown response status %u", req->status);
		return VACCEL_EIO;
	}
}

int vio_result(const struct vio_req *req, int drv_ret)
{
	if (!drv_ret && req->status == VIRTIO_ACCEL_S_OK && req->vaccel_ret >= 0)
		return req->vaccel_ret;
	return result_slow(req, drv_ret);
}

/*
 * Host state (sessions, resources) belongs to the connection: when the
 * connection is gone or was replaced, there is nothing left to release.
 */
static bool host_state_gone(int drv_ret)
{
	return drv_ret == -ESTALE || drv_ret == -ENODEV || drv_ret == -EIO;
}

static int submit(struct vio_req *req)
{
	if (!vio_drv)
		return VACCEL_EBACKEND;
	return vio_result(req, vio_drv->ops->submit(vio_drv, req));
}

/* Submit a request that creates a session or resource (`what`): the id the device gives
 * it becomes a vaccel id, so it must be 1..INT64_MAX; any other fails with VACCEL_EIO. */
static int submit_create(struct vio_req *req, const char *what)
{
	int ret = submit(req);

	if (ret)
		return ret;
	if (!req->id || req->id > INT64_MAX) {
		vaccel_error("[virtio] Device returned an invalid %s id", what);
		return VACCEL_EIO;
	}
	return VACCEL_OK;
}

int vio_genop(struct vaccel_session *sess, const struct vio_arg *read, unsigned nr_read,
	      struct vio_arg *write, unsigned nr_write)
{
	struct vio_sess *sp;
	struct vio_req req;

	if (!sess)
		return VACCEL_EINVAL;
	sp = sess->priv;
	if (!sp || sess->remote_id <= 0)
		return VACCEL_ESESS;
	memset(&req, 0, sizeof(req));
	req.code = VIRTIO_ACCEL_C_GENOP;
	req.session_id = (uint64_t)sess->remote_id;
	req.gen = sp->gen;
	req.read = read;
	req.nr_read = nr_read;
	req.write = write;
	req.nr_write = nr_write;
	return submit(&req);
}

/* ------------------------------------------------------------ sessions */

static int vio_session_init(struct vaccel_session *sess, uint32_t flags)
{
	struct vio_sess *sp;
	struct vio_req req = {.code = VIRTIO_ACCEL_C_CREATE_SESSION};
	int ret;

	if (!sess)
		return VACCEL_EINVAL;
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return VACCEL_ENOMEM;
	req.flags = flags & ~(uint32_t)VACCEL_PLUGIN_REMOTE;
	ret = submit_create(&req, "session");
	if (ret)
		goto err;
	sp->gen = req.gen;
	sess->priv = sp;
	sess->remote_id = (vaccel_id_t)req.id;
	vaccel_debug("[virtio] session:%" PRId64 " Created remote session %" PRId64, sess->id,
		     sess->remote_id);
	return VACCEL_OK;
err:
	free(sp);
	return ret;
}

static int vio_session_release(struct vaccel_session *sess)
{
	struct vio_sess *sp;
	struct vio_req req = {.code = VIRTIO_ACCEL_C_DESTROY_SESSION};
	int ret = VACCEL_OK, r;

	if (!sess)
		return VACCEL_EINVAL;
	sp = sess->priv;
	if (sp && sess->remote_id > 0) {
		req.session_id = (uint64_t)sess->remote_id;
		req.gen = sp->gen;
		r = vio_drv ? vio_drv->ops->submit(vio_drv, &req) : 0;
		if (host_state_gone(r))
			vaccel_debug("[virtio] session:%" PRId64 " Remote session already gone",
				     sess->id);
		else
			ret = vio_result(&req, r);
	}
	free(sp);
	sess->priv = NULL;
	sess->remote_id = 0;
	return ret;
}

/* Updating a remote session's plugin hint has no wire request: the host
 * picked the plugin when the session was created. */
static int vio_session_update(struct vaccel_session *sess, uint32_t flags)
{
	(void)sess;
	(void)flags;
	return VACCEL_ENOTSUP;
}

/* ----------------------------------------------------------- resources */

static bool blob_name_ok(const char *n)
{
	return n && *n && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..");
}

/* Upload res's files and register them with sess: sets res->remote_id. */
static int res_upload(struct vaccel_resource *res, struct vaccel_session *sess, struct vio_sess *sp,
		      struct vio_res *rp)
{
	struct vio_req req = {.code = VIRTIO_ACCEL_C_REGISTER_RESOURCE};
	struct vio_arg *args;
	int ret;

	if (!res->nr_blobs || !res->blobs) {
		vaccel_error("[virtio] Resource %" PRId64
			     " has no files to upload (remote URLs are "
			     "not supported over virtio)",
			     res->id);
		return VACCEL_ENOTSUP;
	}
	if (res->nr_blobs > VIRTIO_ACCEL_MAX_ARGS_LIMIT / 2)
		return VACCEL_ENOSPC;
	args = calloc(2 * res->nr_blobs, sizeof(*args));
	if (!args)
		return VACCEL_ENOMEM;
	for (size_t i = 0; i < res->nr_blobs; i++) {
		struct vaccel_blob *b = res->blobs[i];
		/*
		 * The runtime reads every file into memory before calling this hook of a
		 * VirtIO plugin; reading the fields (not vaccel_blob_data(), which upstream
		 * 0.7.1 lacks) keeps this plugin loadable by every vAccel runtime.
		 */
		size_t size = b ? b->size : 0;
		uint8_t *data = b ? b->data : NULL;

		if (!b || !blob_name_ok(b->name) || !data || !size) {
			vaccel_error("[virtio] Resource %" PRId64 ": file %zu cannot be uploaded",
				     res->id, i);
			ret = VACCEL_EINVAL;
			goto out;
		}
		args[2 * i] = (struct vio_arg){
		    .buf = b->name, .len = strlen(b->name) + 1, .type = VACCEL_ARG_STRING};
		args[2 * i + 1] =
		    (struct vio_arg){.buf = data, .len = size, .type = VACCEL_ARG_BUFFER};
	}
	req.session_id = (uint64_t)sess->remote_id;
	req.flags = (uint32_t)res->type;
	req.gen = sp->gen;
	req.read = args;
	req.nr_read = (unsigned)(2 * res->nr_blobs);
	ret = submit_create(&req, "resource");
	if (ret)
		goto out;
	res->remote_id = (vaccel_id_t)req.id;
	rp->gen = req.gen;
	rp->nr_regs = 0;
out:
	free(args);
	return ret;
}

/* Forget res's host copy: no session holds it there any more. Caller holds vio_res_lock. */
static void res_forget(struct vaccel_resource *res, struct vio_res *rp)
{
	res->remote_id = 0;
	res->plugin_priv = NULL;
	free(rp);
}

static int vio_resource_register(struct vaccel_resource *res, struct vaccel_session *sess)
{
	struct vio_sess *sp;
	struct vio_res *rp;
	int ret;

	if (!res || !sess)
		return VACCEL_EINVAL;
	sp = sess->priv;
	if (!sp || sess->remote_id <= 0)
		return VACCEL_ESESS;
	/* The core calls us once per (resource, session) pair, holding the
	 * session's resource lock. */
	pthread_mutex_lock(&vio_res_lock);
	rp = res->plugin_priv;
	if (!rp) {
		rp = calloc(1, sizeof(*rp));
		if (!rp) {
			ret = VACCEL_ENOMEM;
			goto out;
		}
		res->plugin_priv = rp;
		res->remote_id = 0;
	}
	if (res->remote_id > 0 && rp->nr_regs && rp->gen == sp->gen) {
		struct vio_req req = {
		    .code = VIRTIO_ACCEL_C_REGISTER_RESOURCE,
		    .session_id = (uint64_t)sess->remote_id,
		    .object_id = (uint64_t)res->remote_id,
		    .flags = (uint32_t)res->type,
		    .gen = sp->gen,
		};

		ret = submit(&req);
	} else {
		/* New, or its host copy died with an earlier connection. */
		ret = res_upload(res, sess, sp, rp);
	}
	if (!ret) {
		rp->nr_regs++;
		vaccel_debug("[virtio] session:%" PRId64 " Registered resource %" PRId64
			     " (remote id %" PRId64 ")",
			     sess->id, res->id, res->remote_id);
	} else if (!rp->nr_regs) {
		res_forget(res, rp);
	}
out:
	pthread_mutex_unlock(&vio_res_lock);
	return ret;
}

static int vio_resource_unregister(struct vaccel_resource *res, struct vaccel_session *sess)
{
	struct vio_sess *sp;
	struct vio_res *rp;
	int ret = VACCEL_OK;

	if (!res || !sess)
		return VACCEL_EINVAL;
	pthread_mutex_lock(&vio_res_lock);
	rp = res->plugin_priv;
	sp = sess->priv;
	if (!rp || res->remote_id <= 0 || !rp->nr_regs)
		goto out;
	/*
	 * A registration made over an earlier connection died with it; the
	 * resource was uploaded again since (the count restarted there).
	 */
	if (!sp || sess->remote_id <= 0 || sp->gen != rp->gen)
		goto out;
	{
		struct vio_req req = {
		    .code = VIRTIO_ACCEL_C_UNREGISTER_RESOURCE,
		    .session_id = (uint64_t)sess->remote_id,
		    .object_id = (uint64_t)res->remote_id,
		    .gen = sp->gen,
		};
		int r = vio_drv ? vio_drv->ops->submit(vio_drv, &req) : 0;

		if (!host_state_gone(r))
			ret = vio_result(&req, r);
	}
	/* On a device error the registration stays (the core keeps it too). */
	if (ret)
		goto out;
	/* The host releases a resource no session holds. */
	if (!--rp->nr_regs)
		res_forget(res, rp);
out:
	pthread_mutex_unlock(&vio_res_lock);
	return ret;
}

/* Pulling a buffer's data back from the host has no wire request yet. */
static int vio_resource_sync(struct vaccel_resource *res, struct vaccel_session *sess)
{
	(void)res;
	(void)sess;
	return VACCEL_ENOTSUP;
}

/* ------------------------------------------------------------ lifecycle */

/* The vhost-user library's messages go through the vAccel logger. */
static void vio_vhu_log(int level, const char *msg)
{
	if (level <= 3)
		vaccel_error("[virtio] %s", msg);
	else if (level == 4)
		vaccel_warn("[virtio] %s", msg);
	else if (level <= 6)
		vaccel_info("[virtio] %s", msg);
	else
		vaccel_debug("[virtio] %s", msg);
}

static int vio_init(void)
{
	const char *bad = NULL;
	int ret;

	vhu_set_log(vio_vhu_log);
	ret = vio_drv_from_env(&vio_drv, &bad);
	if (ret) {
		vio_drv = NULL;
		if (bad)
			vaccel_error("[virtio] Invalid value of %s", bad);
		return ret == -ENOMEM ? VACCEL_ENOMEM : VACCEL_EINVAL;
	}
	vaccel_debug("[virtio] Using the %s driver", vio_drv->ops->name);
	ret = vaccel_plugin_register_ops(vio_ops, vio_nr_ops);
	if (!ret)
		ret = vaccel_plugin_register_ops(vio_model_ops, vio_nr_model_ops);
	if (ret) {
		vio_drv->ops->close(vio_drv);
		vio_drv = NULL;
	}
	return ret;
}

static int vio_fini(void)
{
	if (vio_drv)
		vio_drv->ops->close(vio_drv);
	vio_drv = NULL;
	vhu_set_log(NULL);
	return VACCEL_OK;
}

VACCEL_PLUGIN(.name = "virtio", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_GENERIC | VACCEL_PLUGIN_SOFTWARE |
		      VACCEL_PLUGIN_CPU,
	      .init = vio_init, .fini = vio_fini, .is_virtio = true,
	      .session_init = vio_session_init, .session_release = vio_session_release,
	      .session_update = vio_session_update, .resource_register = vio_resource_register,
	      .resource_unregister = vio_resource_unregister, .resource_sync = vio_resource_sync)
