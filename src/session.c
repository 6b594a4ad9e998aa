/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions: plugin binding, virtio session hooks, per-session resource lists. */
#include "rt.h"
#include "rt_plugin.h"
#include "rt_registry.h"
#include "vaccel/core.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rt_mutex_init_recursive(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
}

static struct vaccel_session *entry_session(const struct vaccel_list_entry *e)
{
	return vaccel_container_of(e, struct vaccel_session, entry);
}

static vaccel_id_t session_id_of(const struct vaccel_list_entry *e)
{
	return entry_session(e)->id;
}

static struct rt_table sessions =
    RT_TABLE_INIT(sessions, "session", RT_SESSIONS_MAX, session_id_of);

struct rt_reg *rt_reg_find(const struct vaccel_session *sess, const struct vaccel_resource *res)
{
	struct vaccel_list_entry *it;

	if ((int)res->type < 0 || res->type >= VACCEL_RESOURCE_MAX)
		return NULL;
	vaccel_list_for_each(it, &sess->resources[res->type])
	{
		struct rt_reg *reg = vaccel_container_of(it, struct rt_reg, sess_entry);
		if (reg->res == res)
			return reg;
	}
	return NULL;
}

/* Undo a remote session after a later init step failed. */
static void remote_session_undo(struct vaccel_session *sess)
{
	if (sess->is_virtio && sess->plugin->info->session_release &&
	    sess->plugin->info->session_release(sess))
		vaccel_warn("session:%" PRId64 " Could not release the remote session", sess->id);
	sess->is_virtio = false;
}

int vaccel_session_init(struct vaccel_session *sess, uint32_t flags)
{
	struct vaccel_plugin *plugin;
	char name[64];
	vaccel_id_t id;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_session_init");
	if (ret)
		return ret;

	memset(sess, 0, sizeof(*sess));
	id = rt_table_new_id(&sessions);
	if (id < 0)
		return (int)-id;
	sess->id = id;
	for (int t = 0; t < VACCEL_RESOURCE_MAX; t++)
		vaccel_list_init(&sess->resources[t]);
	vaccel_list_init(&sess->entry);
	/* Ready before any plugin hook runs: hooks may query the session. */
	rt_mutex_init_recursive(&sess->resources_lock);

	plugin = rt_plugin_find(flags);
	if (!plugin) {
		ret = VACCEL_ENOTSUP;
		goto put_id;
	}
	sess->plugin = plugin;
	sess->priv = NULL;

	if (plugin->info->is_virtio) {
		if (!plugin->info->session_init) {
			vaccel_error("VirtIO plugin %s cannot create sessions", plugin->info->name);
			ret = VACCEL_ENOTSUP;
			goto put_id;
		}
		ret = rt_hook_ret(
		    plugin->info->session_init(sess, flags & ~(uint32_t)VACCEL_PLUGIN_REMOTE));
		if (ret) {
			vaccel_error("Could not create remote session (error %d)", ret);
			goto put_id;
		}
		sess->is_virtio = true;
		if (sess->remote_id <= 0) {
			vaccel_error("VirtIO plugin %s returned invalid remote session id %" PRId64,
				     plugin->info->name, sess->remote_id);
			ret = VACCEL_EBACKEND;
			goto undo_remote;
		}
	}

	snprintf(name, sizeof(name), "session.%" PRId64, id);
	ret = rt_subdir_create(vaccel_rundir(), name, sess->rundir, sizeof(sess->rundir));
	if (ret)
		goto undo_remote;
	vaccel_debug("New rundir for session %" PRId64 ": %s", id, sess->rundir);

	sess->hint = flags;
	rt_table_add(&sessions, &sess->entry);

	if (sess->is_virtio)
		vaccel_debug("Initialized session %" PRId64 " with plugin %s (remote id: %" PRId64
			     ")",
			     id, plugin->info->name, sess->remote_id);
	else
		vaccel_debug("Initialized session %" PRId64 " with plugin %s", id,
			     plugin->info->name);
	return VACCEL_OK;

undo_remote:
	remote_session_undo(sess);
put_id:
	pthread_mutex_destroy(&sess->resources_lock);
	rt_table_put_id(&sessions, id);
	memset(sess, 0, sizeof(*sess));
	return ret;
}

int vaccel_session_release(struct vaccel_session *sess)
{
	vaccel_id_t id;
	int ret = VACCEL_OK;

	if (!sess || sess->id <= 0 || !rt_table_contains(&sessions, &sess->entry))
		return VACCEL_EINVAL;
	id = sess->id;

	for (int t = 0; t < VACCEL_RESOURCE_MAX; t++) {
		for (;;) {
			struct rt_reg *reg;

			pthread_mutex_lock(&sess->resources_lock);
			if (vaccel_list_empty(&sess->resources[t])) {
				pthread_mutex_unlock(&sess->resources_lock);
				break;
			}
			reg =
			    vaccel_container_of(sess->resources[t].next, struct rt_reg, sess_entry);
			rt_resource_unregister_locked(reg->res, sess, true);
			pthread_mutex_unlock(&sess->resources_lock);
		}
	}

	rt_rundir_remove(sess->rundir);

	if (sess->is_virtio) {
		if (!sess->plugin->info->session_release) {
			vaccel_error("session:%" PRId64 " VirtIO plugin %s cannot release sessions",
				     id, sess->plugin->info->name);
			ret = VACCEL_ENOTSUP;
		} else {
			ret = rt_hook_ret(sess->plugin->info->session_release(sess));
			/* The local session goes away anyway; the caller learns of the failure. */
			if (ret)
				vaccel_error("session:%" PRId64
					     " Could not release the remote session (error %d)",
					     id, ret);
		}
	}

	rt_table_remove(&sessions, &sess->entry);
	pthread_mutex_destroy(&sess->resources_lock);
	rt_table_put_id(&sessions, id);
	sess->plugin = NULL;
	sess->priv = NULL;
	sess->is_virtio = false;
	sess->id = 0;
	vaccel_debug("Released session %" PRId64, id);
	return ret;
}

int vaccel_session_update(struct vaccel_session *sess, uint32_t flags)
{
	struct vaccel_plugin *plugin;
	int ret;

	if (!sess || sess->id <= 0)
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_session_update");
	if (ret)
		return ret;

	if (sess->is_virtio) {
		if (!sess->plugin->info->session_update)
			return VACCEL_ENOTSUP;
		return rt_hook_ret(sess->plugin->info->session_update(
		    sess, flags & ~(uint32_t)VACCEL_PLUGIN_REMOTE));
	}

	pthread_mutex_lock(&sess->resources_lock);
	for (int t = 0; t < VACCEL_RESOURCE_MAX; t++) {
		if (sess->resource_counts[t]) {
			pthread_mutex_unlock(&sess->resources_lock);
			vaccel_error("session:%" PRId64
				     " Cannot update a session with registered resources",
				     sess->id);
			return VACCEL_ENOTSUP;
		}
	}
	plugin = rt_plugin_find(flags);
	if (!plugin || plugin->info->is_virtio) {
		pthread_mutex_unlock(&sess->resources_lock);
		return VACCEL_ENOTSUP;
	}
	sess->plugin = plugin;
	sess->hint = flags;
	pthread_mutex_unlock(&sess->resources_lock);
	return VACCEL_OK;
}

int vaccel_session_new(struct vaccel_session **sess, uint32_t flags)
{
	RT_NEW_BODY(sess, s, vaccel_session_init(s, flags));
}

int vaccel_session_delete(struct vaccel_session *sess)
{
	int ret = vaccel_session_release(sess);

	if (ret == VACCEL_EINVAL)
		return ret; /* not a live session: nothing of ours to free */
	free(sess);
	return ret;
}

int vaccel_session_get_by_id(struct vaccel_session **sess, vaccel_id_t id)
{
	struct vaccel_list_entry *e;
	int ret;

	if (!sess || id <= 0)
		return VACCEL_EINVAL;
	ret = rt_require_up("vaccel_session_get_by_id");
	if (ret)
		return ret;
	e = rt_table_find_id(&sessions, id);
	if (!e)
		return VACCEL_ENOENT;
	*sess = entry_session(e);
	return VACCEL_OK;
}

bool vaccel_session_has_resource(const struct vaccel_session *sess,
				 const struct vaccel_resource *res)
{
	struct vaccel_session *s = (struct vaccel_session *)sess;
	bool found;

	if (!sess || !res || sess->id <= 0 || res->id <= 0)
		return false;
	pthread_mutex_lock(&s->resources_lock);
	found = rt_reg_find(sess, res) != NULL;
	pthread_mutex_unlock(&s->resources_lock);
	return found;
}

int vaccel_session_resource_by_id(struct vaccel_session *sess, struct vaccel_resource **res,
				  vaccel_id_t id)
{
	struct vaccel_list_entry *it;
	int ret = VACCEL_ENOENT;

	if (!sess || !res || id <= 0 || sess->id <= 0)
		return VACCEL_EINVAL;
	pthread_mutex_lock(&sess->resources_lock);
	for (int t = 0; t < VACCEL_RESOURCE_MAX && ret; t++) {
		vaccel_list_for_each(it, &sess->resources[t])
		{
			struct rt_reg *reg = vaccel_container_of(it, struct rt_reg, sess_entry);
			if (reg->res->id == id) {
				*res = reg->res;
				ret = VACCEL_OK;
				break;
			}
		}
	}
	pthread_mutex_unlock(&sess->resources_lock);
	return ret;
}

int vaccel_session_resource_by_type(struct vaccel_session *sess, struct vaccel_resource **res,
				    vaccel_resource_type_t type)
{
	int ret = VACCEL_ENOENT;

	if (!sess || !res || sess->id <= 0 || (int)type < 0 || type >= VACCEL_RESOURCE_MAX)
		return VACCEL_EINVAL;
	pthread_mutex_lock(&sess->resources_lock);
	if (!vaccel_list_empty(&sess->resources[type])) {
		*res =
		    vaccel_container_of(sess->resources[type].next, struct rt_reg, sess_entry)->res;
		ret = VACCEL_OK;
	}
	pthread_mutex_unlock(&sess->resources_lock);
	return ret;
}

int vaccel_session_resources_by_type(struct vaccel_session *sess,
				     struct vaccel_resource ***resources, size_t *nr_found,
				     vaccel_resource_type_t type)
{
	struct vaccel_list_entry *it;
	struct vaccel_resource **arr;
	size_t n = 0;

	if (!sess || !resources || !nr_found || sess->id <= 0 || (int)type < 0 ||
	    type >= VACCEL_RESOURCE_MAX)
		return VACCEL_EINVAL;
	pthread_mutex_lock(&sess->resources_lock);
	if (sess->resource_counts[type] == 0) {
		pthread_mutex_unlock(&sess->resources_lock);
		*resources = NULL;
		*nr_found = 0;
		return VACCEL_ENOENT;
	}
	arr = malloc(sess->resource_counts[type] * sizeof(*arr));
	if (!arr) {
		pthread_mutex_unlock(&sess->resources_lock);
		return VACCEL_ENOMEM;
	}
	vaccel_list_for_each(it, &sess->resources[type])
	{
		arr[n++] = vaccel_container_of(it, struct rt_reg, sess_entry)->res;
	}
	pthread_mutex_unlock(&sess->resources_lock);
	*resources = arr;
	*nr_found = n;
	return VACCEL_OK;
}

int vaccel_sess_init(struct vaccel_session *sess, uint32_t flags)
{
	return vaccel_session_init(sess, flags);
}

int vaccel_sess_update(struct vaccel_session *sess, uint32_t flags)
{
	return vaccel_session_update(sess, flags);
}

int vaccel_sess_free(struct vaccel_session *sess)
{
	return vaccel_session_release(sess);
}

bool vaccel_sess_has_resource(const struct vaccel_session *sess, const struct vaccel_resource *res)
{
	return vaccel_session_has_resource(sess, res);
}

int rt_sessions_bootstrap(void)
{
	return rt_table_bootstrap(&sessions);
}

static int release_entry(struct vaccel_list_entry *e)
{
	return vaccel_session_release(entry_session(e));
}

int rt_sessions_cleanup(void)
{
	rt_table_cleanup(&sessions, release_entry);
	return VACCEL_OK;
}

size_t rt_sessions_live(void)
{
	return rt_table_live(&sessions);
}
