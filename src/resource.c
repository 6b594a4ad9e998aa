/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resources: creation from paths/buffers/blobs, registration with sessions (loading the
 * contents first), unregistration, sync and lookups.
 */
#include "rt.h"
#include "rt_registry.h"
#include "vaccel/core.h"
#include "vaccel/plugin.h"
#include "vaccel_common.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DIR_MAX_DEPTH 32
#define DIR_MAX_FILES 65536

static struct vaccel_resource *entry_resource(const struct vaccel_list_entry *e)
{
	return vaccel_container_of(e, struct vaccel_resource, entry);
}

static vaccel_id_t resource_id_of(const struct vaccel_list_entry *e)
{
	return entry_resource(e)->id;
}

static struct rt_table resources =
    RT_TABLE_INIT(resources, "resource", RT_RESOURCES_MAX, resource_id_of);

static bool valid_type(vaccel_resource_type_t type)
{
	return (int)type >= 0 && type < VACCEL_RESOURCE_MAX;
}

/*
 * The live resources of `type`, in creation order. With found[], stores the first `max`
 * (>= 1) there and stops; without, counts them all. Returns the number seen. Caller
 * holds resources.lock.
 */
static size_t res_of_type_locked(vaccel_resource_type_t type, struct vaccel_resource **found,
				 size_t max)
{
	struct vaccel_list_entry *it;
	size_t n = 0;

	vaccel_list_for_each(it, &resources.list)
	{
		struct vaccel_resource *r = entry_resource(it);

		if (r->type != type)
			continue;
		if (found)
			found[n] = r;
		if (++n == max && found)
			break;
	}
	return n;
}

/* ---- creation ---- */

static int res_begin(struct vaccel_resource *res, vaccel_resource_type_t type)
{
	vaccel_id_t id;

	memset(res, 0, sizeof(*res));
	id = rt_table_new_id(&resources);
	if (id < 0)
		return (int)-id;
	res->id = id;
	res->type = type;
	vaccel_list_init(&res->entry);
	vaccel_list_init(&res->sessions);
	rt_mutex_init_recursive(&res->sessions_lock);
	atomic_init(&res->refcount, 0);
	return VACCEL_OK;
}

static void free_blobs(struct vaccel_resource *res)
{
	for (size_t i = 0; res->blobs && i < res->nr_blobs; i++)
		vaccel_blob_delete(res->blobs[i]);
	free(res->blobs);
	res->blobs = NULL;
	res->nr_blobs = 0;
}

static void free_paths(struct vaccel_resource *res)
{
	for (size_t i = 0; res->paths && i < res->nr_paths; i++)
		free(res->paths[i]);
	free(res->paths);
	res->paths = NULL;
	res->nr_paths = 0;
}

/* Undo res_begin() and whatever was added since. */
static void res_abort(struct vaccel_resource *res)
{
	free_blobs(res);
	free_paths(res);
	if (res->rundir) {
		rt_rundir_remove(res->rundir);
		free(res->rundir);
	}
	pthread_mutex_destroy(&res->sessions_lock);
	rt_table_put_id(&resources, res->id);
	memset(res, 0, sizeof(*res));
}

/* The resource is complete: its contents are of `path_type`; it joins the live ones. */
static void res_commit(struct vaccel_resource *res, vaccel_path_type_t path_type)
{
	res->path_type = path_type;
	rt_table_add(&resources, &res->entry);
	vaccel_debug("Initialized resource %" PRId64, res->id);
}

static int res_create_rundir(struct vaccel_resource *res)
{
	char name[64], path[PATH_MAX];
	int ret;

	if (res->rundir)
		return VACCEL_OK;
	snprintf(name, sizeof(name), "resource.%" PRId64, res->id);
	ret = rt_subdir_create(vaccel_rundir(), name, path, sizeof(path));
	if (ret)
		return ret;
	res->rundir = strdup(path);
	if (!res->rundir) {
		rt_rundir_remove(path);
		return VACCEL_ENOMEM;
	}
	vaccel_debug("New rundir for resource %" PRId64 ": %s", res->id, path);
	return VACCEL_OK;
}

/* Classify one path; `*out` gets the path to store (file:// stripped). */
static int classify_path(const char *path, vaccel_path_type_t *type, const char **out)
{
	static const char *const remote[] = {"http://", "https://", "ftp://"};
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(remote); i++) {
		if (strncmp(path, remote[i], strlen(remote[i])) == 0) {
			*type = VACCEL_PATH_REMOTE_FILE;
			*out = path;
			return VACCEL_OK;
		}
	}
	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	else if (strstr(path, "://")) {
		vaccel_error("Unsupported URL scheme in %.256s", path);
		return VACCEL_EINVAL;
	}
	if (!path[0] || strlen(path) >= PATH_MAX)
		return VACCEL_EINVAL;
	if (stat(path, &st)) {
		vaccel_error("Invalid resource path %s: %s", path, strerror(errno));
		return VACCEL_EINVAL;
	}
	if (S_ISDIR(st.st_mode))
		*type = VACCEL_PATH_LOCAL_DIR;
	else if (S_ISREG(st.st_mode))
		*type = VACCEL_PATH_LOCAL_FILE;
	else {
		vaccel_error("Resource path %s is not a file or directory", path);
		return VACCEL_EINVAL;
	}
	*out = path;
	return VACCEL_OK;
}

int vaccel_resource_init_multi(struct vaccel_resource *res, const char **paths, size_t nr_paths,
			       vaccel_resource_type_t type)
{
	vaccel_path_type_t first = VACCEL_PATH_MAX, pt;
	const char *p;
	int ret;

	if (!res || !paths || !nr_paths || !valid_type(type))
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_resource_init");
	if (ret)
		return ret;
	for (size_t i = 0; i < nr_paths; i++) {
		if (!paths[i])
			return VACCEL_EINVAL;
		ret = classify_path(paths[i], &pt, &p);
		if (ret)
			return ret;
		if (i == 0) {
			first = pt;
		} else if (pt == VACCEL_PATH_LOCAL_DIR) {
			vaccel_error("A directory can only be a resource's single path");
			return VACCEL_ENOTSUP;
		} else if (pt != first || first == VACCEL_PATH_LOCAL_DIR) {
			vaccel_error("All paths of a resource must be of the same kind");
			return first == VACCEL_PATH_LOCAL_DIR ? VACCEL_ENOTSUP : VACCEL_EINVAL;
		}
	}

	ret = res_begin(res, type);
	if (ret)
		return ret;
	res->paths = calloc(nr_paths, sizeof(*res->paths));
	if (!res->paths) {
		ret = VACCEL_ENOMEM;
		goto fail;
	}
	res->nr_paths = nr_paths;
	for (size_t i = 0; i < nr_paths; i++) {
		classify_path(paths[i], &pt, &p);
		res->paths[i] = strdup(p);
		if (!res->paths[i]) {
			ret = VACCEL_ENOMEM;
			goto fail;
		}
	}
	res_commit(res, first);
	return VACCEL_OK;
fail:
	res_abort(res);
	return ret;
}

int vaccel_resource_init(struct vaccel_resource *res, const char *path, vaccel_resource_type_t type)
{
	if (!path)
		return VACCEL_EINVAL;
	return vaccel_resource_init_multi(res, &path, 1, type);
}

int vaccel_resource_init_from_buf(struct vaccel_resource *res, const void *buf, size_t nr_bytes,
				  vaccel_resource_type_t type, const char *filename, bool mem_only)
{
	int ret;

	if (!res || !buf || !nr_bytes || !valid_type(type))
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_resource_init_from_buf");
	if (ret)
		return ret;
	ret = res_begin(res, type);
	if (ret)
		return ret;
	res->blobs = calloc(1, sizeof(*res->blobs));
	if (!res->blobs) {
		ret = VACCEL_ENOMEM;
		goto fail;
	}
	if (mem_only) {
		ret = vaccel_blob_from_buf(&res->blobs[0], buf, nr_bytes, false,
					   filename ? filename : "file", NULL, false);
	} else {
		ret = res_create_rundir(res);
		if (ret)
			goto fail;
		ret = vaccel_blob_from_buf(&res->blobs[0], buf, nr_bytes, false,
					   filename ? filename : "file", res->rundir, !filename);
	}
	if (ret)
		goto fail;
	res->nr_blobs = 1;
	res_commit(res, VACCEL_PATH_LOCAL_FILE);
	return VACCEL_OK;
fail:
	res_abort(res);
	return ret;
}

int vaccel_resource_init_from_blobs(struct vaccel_resource *res, const struct vaccel_blob **blobs,
				    size_t nr_blobs, vaccel_resource_type_t type)
{
	bool need_rundir = false;
	int ret;

	if (!res || !blobs || !nr_blobs || !valid_type(type))
		return VACCEL_EINVAL;
	for (size_t i = 0; i < nr_blobs; i++) {
		if (!vaccel_blob_valid(blobs[i]))
			return VACCEL_EINVAL;
		if (blobs[i]->type == VACCEL_BLOB_MAPPED)
			need_rundir = true;
	}
	ret = rt_require_up("vaccel_resource_init_from_blobs");
	if (ret)
		return ret;
	ret = res_begin(res, type);
	if (ret)
		return ret;
	if (need_rundir) {
		ret = res_create_rundir(res);
		if (ret)
			goto fail;
	}
	res->blobs = calloc(nr_blobs, sizeof(*res->blobs));
	if (!res->blobs) {
		ret = VACCEL_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < nr_blobs; i++) {
		const struct vaccel_blob *b = blobs[i];

		switch (b->type) {
		case VACCEL_BLOB_FILE:
			ret = vaccel_blob_new(&res->blobs[i], b->path);
			break;
		case VACCEL_BLOB_BUFFER:
			ret = vaccel_blob_from_buf(&res->blobs[i], b->data, b->size, b->data_owned,
						   b->name, NULL, false);
			break;
		default: /* MAPPED: our own persisted copy */
			ret = vaccel_blob_from_buf(&res->blobs[i], b->data, b->size, false, b->name,
						   res->rundir, false);
			break;
		}
		if (ret)
			goto fail;
		res->nr_blobs = i + 1;
	}
	res_commit(res, VACCEL_PATH_LOCAL_FILE);
	return VACCEL_OK;
fail:
	res_abort(res);
	return ret;
}

int vaccel_resource_release(struct vaccel_resource *res)
{
	vaccel_id_t id;
	int ret = VACCEL_OK;

	if (!res)
		return VACCEL_EINVAL;
	if (res->id <= 0) {
		vaccel_error("Cannot release uninitialized resource");
		return VACCEL_EINVAL;
	}
	if (!rt_table_contains(&resources, &res->entry))
		return VACCEL_EINVAL;
	id = res->id;

	for (;;) {
		struct vaccel_session *sess;
		int r;

		pthread_mutex_lock(&res->sessions_lock);
		if (vaccel_list_empty(&res->sessions)) {
			pthread_mutex_unlock(&res->sessions_lock);
			break;
		}
		sess = vaccel_container_of(res->sessions.next, struct rt_reg, res_entry)->sess;
		pthread_mutex_unlock(&res->sessions_lock);

		pthread_mutex_lock(&sess->resources_lock);
		r = rt_resource_unregister_locked(res, sess, true);
		pthread_mutex_unlock(&sess->resources_lock);
		if (r && r != VACCEL_EINVAL && !ret)
			ret = r;
	}

	free_blobs(res);
	if (res->rundir) {
		rt_rundir_remove(res->rundir);
		free(res->rundir);
		res->rundir = NULL;
	}
	free_paths(res);
	res->plugin_priv = NULL;

	rt_table_remove(&resources, &res->entry);
	pthread_mutex_destroy(&res->sessions_lock);
	rt_table_put_id(&resources, id);
	res->id = 0;
	vaccel_debug("Released resource %" PRId64, id);
	return ret;
}

int vaccel_resource_new(struct vaccel_resource **res, const char *path, vaccel_resource_type_t type)
{
	RT_NEW_BODY(res, r, vaccel_resource_init(r, path, type));
}

int vaccel_resource_multi_new(struct vaccel_resource **res, const char **paths, size_t nr_paths,
			      vaccel_resource_type_t type)
{
	RT_NEW_BODY(res, r, vaccel_resource_init_multi(r, paths, nr_paths, type));
}

int vaccel_resource_from_buf(struct vaccel_resource **res, const void *buf, size_t nr_bytes,
			     vaccel_resource_type_t type, const char *filename, bool mem_only)
{
	RT_NEW_BODY(res, r,
		    vaccel_resource_init_from_buf(r, buf, nr_bytes, type, filename, mem_only));
}

int vaccel_resource_from_blobs(struct vaccel_resource **res, const struct vaccel_blob **blobs,
			       size_t nr_blobs, vaccel_resource_type_t type)
{
	RT_NEW_BODY(res, r, vaccel_resource_init_from_blobs(r, blobs, nr_blobs, type));
}

int vaccel_resource_delete(struct vaccel_resource *res)
{
	int ret = vaccel_resource_release(res);

	if (ret == VACCEL_EINVAL)
		return ret;
	free(res);
	return ret;
}

/* ---- loading contents at registration ---- */

struct blob_list {
	struct vaccel_blob **v;
	size_t n, cap;
};

static int blob_list_add(struct blob_list *l, const char *path)
{
	struct vaccel_blob *b;
	int ret;

	if (l->n == DIR_MAX_FILES)
		return VACCEL_ENOSPC;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct vaccel_blob **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return VACCEL_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	ret = vaccel_blob_new(&b, path);
	if (ret)
		return ret;
	l->v[l->n++] = b;
	return VACCEL_OK;
}

/* Every regular file under `dir`, recursively, flattened; symlinked dirs not followed. */
static int walk_dir(const char *dir, int depth, struct blob_list *l)
{
	struct dirent *de;
	DIR *d;
	int ret = VACCEL_OK;

	if (depth > DIR_MAX_DEPTH)
		return VACCEL_ELOOP;
	d = opendir(dir);
	if (!d) {
		vaccel_error("Could not open directory %s: %s", dir, strerror(errno));
		return rt_errno_to_vaccel(errno);
	}
	while (!ret && (de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ret = rt_path_join(path, sizeof(path), dir, de->d_name);
		if (ret)
			break;
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			ret = walk_dir(path, depth + 1, l);
		} else if (S_ISLNK(st.st_mode)) {
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				ret = blob_list_add(l, path);
		} else if (S_ISREG(st.st_mode)) {
			ret = blob_list_add(l, path);
		}
	}
	closedir(d);
	return ret;
}

/* Create the blobs of a path resource once. Caller holds res->sessions_lock. */
static int load_blobs(struct vaccel_resource *res, const struct vaccel_session *sess)
{
	struct blob_list l = {0};
	int ret = VACCEL_OK;

	if (res->blobs)
		return VACCEL_OK;
	switch (res->path_type) {
	case VACCEL_PATH_LOCAL_FILE:
		for (size_t i = 0; !ret && i < res->nr_paths; i++)
			ret = blob_list_add(&l, res->paths[i]);
		break;
	case VACCEL_PATH_LOCAL_DIR:
		ret = walk_dir(res->paths[0], 0, &l);
		break;
	case VACCEL_PATH_REMOTE_FILE:
		if (sess->is_virtio)
			return VACCEL_OK; /* the remote side fetches URLs itself */
		vaccel_error("Loading remote data (%.256s) is not supported by this build",
			     res->paths[0]);
		return VACCEL_ENOTSUP;
	default:
		return VACCEL_EINVAL;
	}
	if (ret) {
		for (size_t i = 0; i < l.n; i++)
			vaccel_blob_delete(l.v[i]);
		free(l.v);
		return ret;
	}
	res->blobs = l.v;
	res->nr_blobs = l.n;
	return VACCEL_OK;
}

/* VirtIO sessions get the contents in memory before the plugin sees the resource. */
static int read_blobs(struct vaccel_resource *res)
{
	for (size_t i = 0; i < res->nr_blobs; i++) {
		int ret = vaccel_blob_read(res->blobs[i]);

		if (ret) {
			vaccel_error("Could not read %s",
				     res->blobs[i]->path ? res->blobs[i]->path : "blob");
			return ret;
		}
	}
	return VACCEL_OK;
}

static int check_pair(struct vaccel_resource *res, struct vaccel_session *sess, const char *what)
{
	int ret;

	if (!res || !sess)
		return VACCEL_EINVAL;
	ret = rt_require_up(what);
	if (ret)
		return ret;
	if (res->id <= 0 || sess->id <= 0 || !valid_type(res->type) || !sess->plugin)
		return VACCEL_EINVAL;
	return VACCEL_OK;
}

int vaccel_resource_register(struct vaccel_resource *res, struct vaccel_session *sess)
{
	struct vaccel_plugin_info *info;
	struct rt_reg *reg;
	int ret;

	ret = check_pair(res, sess, "vaccel_resource_register");
	if (ret)
		return ret;
	info = sess->plugin->info;

	pthread_mutex_lock(&sess->resources_lock);
	if (rt_reg_find(sess, res)) {
		/* Already registered: nothing to do, the plugin hook is not called again. */
		vaccel_warn("Resource %" PRId64 " already registered with session %" PRId64,
			    res->id, sess->id);
		ret = VACCEL_OK;
		goto out;
	}
	if (sess->is_virtio && !info->resource_register) {
		vaccel_error("VirtIO plugin %s cannot register resources", info->name);
		ret = VACCEL_ENOTSUP;
		goto out;
	}
	reg = calloc(1, sizeof(*reg));
	if (!reg) {
		ret = VACCEL_ENOMEM;
		goto out;
	}

	pthread_mutex_lock(&res->sessions_lock);
	ret = load_blobs(res, sess);
	if (!ret && sess->is_virtio)
		ret = read_blobs(res);
	pthread_mutex_unlock(&res->sessions_lock);
	if (ret)
		goto free_reg;

	if (info->resource_register) {
		ret = rt_hook_ret(info->resource_register(res, sess));
		if (ret) {
			vaccel_error("session:%" PRId64 " Plugin %s could not register resource "
				     "%" PRId64 " (error %d)",
				     sess->id, info->name, res->id, ret);
			goto free_reg;
		}
		if (sess->is_virtio && res->remote_id <= 0) {
			vaccel_error("session:%" PRId64 " VirtIO plugin %s returned invalid remote "
				     "id %" PRId64 " for resource %" PRId64,
				     sess->id, info->name, res->remote_id, res->id);
			ret = VACCEL_EBACKEND;
			goto free_reg;
		}
	}

	reg->sess = sess;
	reg->res = res;
	vaccel_list_add_tail(&sess->resources[res->type], &reg->sess_entry);
	sess->resource_counts[res->type]++;
	pthread_mutex_lock(&res->sessions_lock);
	vaccel_list_add_tail(&res->sessions, &reg->res_entry);
	atomic_fetch_add(&res->refcount, 1);
	pthread_mutex_unlock(&res->sessions_lock);

	if (sess->is_virtio)
		vaccel_debug("session:%" PRId64 " Registered resource %" PRId64
			     " with remote (id: %" PRId64 ")",
			     sess->id, res->id, res->remote_id);
	else
		vaccel_debug("session:%" PRId64 " Registered resource %" PRId64, sess->id, res->id);
	goto out;

free_reg:
	free(reg);
out:
	pthread_mutex_unlock(&sess->resources_lock);
	return ret;
}

int rt_resource_unregister_locked(struct vaccel_resource *res, struct vaccel_session *sess,
				  bool force)
{
	struct vaccel_plugin_info *info = sess->plugin ? sess->plugin->info : NULL;
	struct rt_reg *reg = rt_reg_find(sess, res);
	int ret = VACCEL_OK;

	if (!reg) {
		vaccel_error("Resource %" PRId64 " not registered with session %" PRId64, res->id,
			     sess->id);
		return VACCEL_EINVAL;
	}
	/* The plugin hears about it while the registration still exists. */
	if (info && info->resource_unregister) {
		ret = rt_hook_ret(info->resource_unregister(res, sess));
	} else if (sess->is_virtio) {
		vaccel_error("VirtIO plugin %s cannot unregister resources",
			     info ? info->name : "(none)");
		ret = VACCEL_ENOTSUP;
	}
	if (ret) {
		if (!force) {
			vaccel_error("session:%" PRId64 " Could not unregister resource %" PRId64
				     " (error %d); it stays registered",
				     sess->id, res->id, ret);
			return ret;
		}
		vaccel_warn("session:%" PRId64 " Plugin failed to unregister resource %" PRId64
			    " (error %d); dropping it anyway",
			    sess->id, res->id, ret);
	}

	vaccel_list_unlink(&reg->sess_entry);
	sess->resource_counts[res->type]--;
	pthread_mutex_lock(&res->sessions_lock);
	vaccel_list_unlink(&reg->res_entry);
	atomic_fetch_sub(&res->refcount, 1);
	pthread_mutex_unlock(&res->sessions_lock);
	free(reg);
	vaccel_debug("session:%" PRId64 " Unregistered resource %" PRId64, sess->id, res->id);
	return ret;
}

int vaccel_resource_unregister(struct vaccel_resource *res, struct vaccel_session *sess)
{
	int ret = check_pair(res, sess, "vaccel_resource_unregister");

	if (ret)
		return ret;
	pthread_mutex_lock(&sess->resources_lock);
	ret = rt_resource_unregister_locked(res, sess, false);
	pthread_mutex_unlock(&sess->resources_lock);
	return ret;
}

int vaccel_resource_sync(struct vaccel_resource *res, struct vaccel_session *sess)
{
	struct vaccel_plugin_info *info;
	int ret = check_pair(res, sess, "vaccel_resource_sync");

	if (ret)
		return ret;
	info = sess->plugin->info;
	pthread_mutex_lock(&sess->resources_lock);
	if (!rt_reg_find(sess, res)) {
		vaccel_error("Resource %" PRId64 " is not registered with session %" PRId64,
			     res->id, sess->id);
		ret = VACCEL_EPERM;
	} else if (!res->blobs || !res->nr_blobs || !res->blobs[0] ||
		   res->blobs[0]->type != VACCEL_BLOB_BUFFER) {
		vaccel_error("Cannot synchronize non-buffer resources");
		ret = VACCEL_EINVAL;
	} else if (info->resource_sync) {
		ret = rt_hook_ret(info->resource_sync(res, sess));
	} else if (sess->is_virtio) {
		ret = VACCEL_ENOTSUP;
	}
	pthread_mutex_unlock(&sess->resources_lock);
	return ret;
}

int vaccel_resource_directory(struct vaccel_resource *res, char *out_path, size_t out_path_size,
			      char **alloc_path)
{
	const char *dir;

	if (!res || res->id <= 0 || (!out_path && !alloc_path))
		return VACCEL_EINVAL;
	if (res->path_type != VACCEL_PATH_LOCAL_DIR)
		return VACCEL_ENOTSUP;
	dir = res->rundir ? res->rundir : (res->nr_paths ? res->paths[0] : NULL);
	if (!dir)
		return VACCEL_EINVAL;
	if (out_path) {
		if (strlen(dir) >= out_path_size)
			return VACCEL_EINVAL;
		strcpy(out_path, dir);
		return VACCEL_OK;
	}
	*alloc_path = strdup(dir);
	return *alloc_path ? VACCEL_OK : VACCEL_ENOMEM;
}

/* ---- global lookups ---- */

int vaccel_resource_get_by_id(struct vaccel_resource **res, vaccel_id_t id)
{
	struct vaccel_list_entry *e;
	int ret;

	if (!res || id <= 0)
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_resource_get_by_id");
	if (ret)
		return ret;
	e = rt_table_find_id(&resources, id);
	if (!e)
		return VACCEL_ENOENT;
	*res = entry_resource(e);
	return VACCEL_OK;
}

int vaccel_resource_get_by_type(struct vaccel_resource **res, vaccel_resource_type_t type)
{
	size_t n;
	int ret;

	if (!res || !valid_type(type))
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_resource_get_by_type");
	if (ret)
		return ret;
	pthread_mutex_lock(&resources.lock);
	n = res_of_type_locked(type, res, 1);
	pthread_mutex_unlock(&resources.lock);
	return n ? VACCEL_OK : VACCEL_ENOENT;
}

int vaccel_resource_get_all_by_type(struct vaccel_resource ***res, size_t *nr_found,
				    vaccel_resource_type_t type)
{
	struct vaccel_resource **arr;
	size_t n;
	int ret;

	if (!res || !nr_found || !valid_type(type))
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_resource_get_all_by_type");
	if (ret)
		return ret;
	pthread_mutex_lock(&resources.lock);
	n = res_of_type_locked(type, NULL, 0);
	if (!n) {
		pthread_mutex_unlock(&resources.lock);
		*res = NULL;
		*nr_found = 0;
		return VACCEL_ENOENT;
	}
	arr = malloc(n * sizeof(*arr));
	if (!arr) {
		pthread_mutex_unlock(&resources.lock);
		return VACCEL_ENOMEM;
	}
	res_of_type_locked(type, arr, n);
	pthread_mutex_unlock(&resources.lock);
	*res = arr;
	*nr_found = n;
	return VACCEL_OK;
}

long int vaccel_resource_refcount(const struct vaccel_resource *res)
{
	if (!res)
		return -VACCEL_EINVAL;
	return (long int)atomic_load(&((struct vaccel_resource *)res)->refcount);
}

int rt_resources_bootstrap(void)
{
	return rt_table_bootstrap(&resources);
}

static int release_entry(struct vaccel_list_entry *e)
{
	return vaccel_resource_release(entry_resource(e));
}

int rt_resources_cleanup(void)
{
	rt_table_cleanup(&resources, release_entry);
	return VACCEL_OK;
}

size_t rt_resources_live(void)
{
	return rt_table_live(&resources);
}
