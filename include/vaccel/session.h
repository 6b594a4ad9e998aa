/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sessions: a session binds the caller to one plugin (chosen by the hint flags) and holds
 * the resources registered with it.
 */
#ifndef VACCEL_SESSION_H
#define VACCEL_SESSION_H

#include "id.h"
#include "list.h"
#include "resource.h"
#include <linux/limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_plugin;

struct vaccel_session {
	vaccel_id_t id;			/* local ID (>= 1), 0 when released */
	vaccel_id_t remote_id;		/* ID on the remote side (virtio sessions) */
	unsigned int hint;		/* flags the session was created with */
	bool is_virtio;			/* bound to a virtio plugin */
	char rundir[PATH_MAX];		/* per-session run directory */
	struct vaccel_list_entry entry; /* link in the runtime's session list */
	/* registered resources, per resource type (runtime-internal links) */
	struct vaccel_list_entry resources[VACCEL_RESOURCE_MAX];
	size_t resource_counts[VACCEL_RESOURCE_MAX];
	pthread_mutex_t resources_lock;
	struct vaccel_plugin *plugin; /* plugin serving the session's ops */
	void *priv;		      /* plugin-private data */
};

/*
 * Initialize a session. `flags` is a VACCEL_PLUGIN_* hint: REMOTE selects a virtio plugin;
 * type bits select the first local plugin of a matching type; 0 (or ALL) selects the first
 * local plugin. A virtio plugin serves a non-REMOTE hint only if it is the only plugin.
 */
int vaccel_session_init(struct vaccel_session *sess, uint32_t flags);
/* Deprecated: re-select the plugin (ENOTSUP if resources are registered). */
int vaccel_session_update(struct vaccel_session *sess, uint32_t flags);
/* Unregister every resource and release the session. */
int vaccel_session_release(struct vaccel_session *sess);
int vaccel_session_new(struct vaccel_session **sess, uint32_t flags);
int vaccel_session_delete(struct vaccel_session *sess);

/* Find a live session by ID (ENOENT if none). */
int vaccel_session_get_by_id(struct vaccel_session **sess, vaccel_id_t id);
/* True if `res` is registered with `sess` (NULL-safe). */
bool vaccel_session_has_resource(const struct vaccel_session *sess,
				 const struct vaccel_resource *res);
/* Lookups among the resources registered with `sess`. */
int vaccel_session_resource_by_id(struct vaccel_session *sess, struct vaccel_resource **res,
				  vaccel_id_t id);
int vaccel_session_resource_by_type(struct vaccel_session *sess, struct vaccel_resource **res,
				    vaccel_resource_type_t type);
/* `*resources` is malloc'd (caller frees); none -> *nr_found = 0 and ENOENT. */
int vaccel_session_resources_by_type(struct vaccel_session *sess,
				     struct vaccel_resource ***resources, size_t *nr_found,
				     vaccel_resource_type_t type);

/* Deprecated aliases. */
__attribute__((deprecated("Use vaccel_session_init() instead"))) int
vaccel_sess_init(struct vaccel_session *sess, uint32_t flags);
__attribute__((deprecated("Use vaccel_session_update() instead"))) int
vaccel_sess_update(struct vaccel_session *sess, uint32_t flags);
__attribute__((deprecated("Use vaccel_session_release() instead"))) int
vaccel_sess_free(struct vaccel_session *sess);
__attribute__((deprecated("Use vaccel_session_has_resource() instead"))) bool
vaccel_sess_has_resource(const struct vaccel_session *sess, const struct vaccel_resource *res);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_SESSION_H */
