/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resources: libraries, data and models given to plugins. A resource is created from
 * paths (files, a directory, http/https/ftp URLs), a buffer or blobs, then registered with
 * one or more sessions.
 */
#ifndef VACCEL_RESOURCE_H
#define VACCEL_RESOURCE_H

#include "blob.h"
#include "id.h"
#include "list.h"
#include "utils/enum.h"
#include "utils/path.h"
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* The reference count is atomic; spell the type so C++ users can include this too. */
#ifdef __cplusplus
#include <atomic>
#define VACCEL_ATOMIC_UINT std::atomic_uint
#else
#include <stdatomic.h>
#define VACCEL_ATOMIC_UINT atomic_uint
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define VACCEL_RESOURCE_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM)                                           \
	VACCEL_ENUM_ITEM(LIB, 0, VACCEL_RESOURCE)                                                  \
	VACCEL_ENUM_ITEM(DATA, VACCEL_RESOURCE)                                                    \
	VACCEL_ENUM_ITEM(MODEL, VACCEL_RESOURCE)

/* vaccel_resource_type_t: LIB=0, DATA=1, MODEL=2, MAX=3 */
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_resource_type, VACCEL_RESOURCE,
			       VACCEL_RESOURCE_TYPE_ENUM_LIST)

struct vaccel_session;

struct vaccel_resource {
	vaccel_id_t id;			   /* local ID (>= 1), 0 when released */
	vaccel_id_t remote_id;		   /* ID on the remote side (set by virtio plugins) */
	vaccel_resource_type_t type;	   /* LIB, DATA or MODEL */
	vaccel_path_type_t path_type;	   /* kind of `paths` */
	char **paths;			   /* source paths/URLs, or NULL */
	size_t nr_paths;		   /* number of `paths` */
	char *rundir;			   /* run directory for files vAccel creates, or NULL */
	struct vaccel_blob **blobs;	   /* contents, loaded at registration */
	size_t nr_blobs;		   /* number of `blobs` */
	struct vaccel_list_entry entry;	   /* link in the runtime's resource list */
	struct vaccel_list_entry sessions; /* registrations (runtime-internal links) */
	pthread_mutex_t sessions_lock;
	VACCEL_ATOMIC_UINT refcount; /* number of sessions it is registered with */
	void *plugin_priv;	     /* plugin-private data */
};

/* Global lookups among live resources. */
int vaccel_resource_get_by_id(struct vaccel_resource **res, vaccel_id_t id);
int vaccel_resource_get_by_type(struct vaccel_resource **res, vaccel_resource_type_t type);
/* `*res` is malloc'd (caller frees); none -> *nr_found = 0 and ENOENT. */
int vaccel_resource_get_all_by_type(struct vaccel_resource ***res, size_t *nr_found,
				    vaccel_resource_type_t type);
/* Number of sessions `res` is registered with; -VACCEL_EINVAL for NULL. */
long int vaccel_resource_refcount(const struct vaccel_resource *res);

/* From one path: an existing file or directory, file://path, or http(s)/ftp URL. */
int vaccel_resource_init(struct vaccel_resource *res, const char *path,
			 vaccel_resource_type_t type);
/* From several files (or URLs) of the same kind; directories only as the single path. */
int vaccel_resource_init_multi(struct vaccel_resource *res, const char **paths, size_t nr_paths,
			       vaccel_resource_type_t type);
/*
 * From memory. `mem_only`: one BUFFER blob aliasing `buf` (keep it alive). Otherwise the
 * data is written to the resource's run directory as `filename` (random name if NULL).
 */
int vaccel_resource_init_from_buf(struct vaccel_resource *res, const void *buf, size_t nr_bytes,
				  vaccel_resource_type_t type, const char *filename, bool mem_only);
/* From existing blobs (copied or persisted as needed). */
int vaccel_resource_init_from_blobs(struct vaccel_resource *res, const struct vaccel_blob **blobs,
				    size_t nr_blobs, vaccel_resource_type_t type);
/* Unregister from every session and free everything the resource owns. */
int vaccel_resource_release(struct vaccel_resource *res);

int vaccel_resource_new(struct vaccel_resource **res, const char *path,
			vaccel_resource_type_t type);
int vaccel_resource_multi_new(struct vaccel_resource **res, const char **paths, size_t nr_paths,
			      vaccel_resource_type_t type);
int vaccel_resource_from_buf(struct vaccel_resource **res, const void *buf, size_t nr_bytes,
			     vaccel_resource_type_t type, const char *filename, bool mem_only);
int vaccel_resource_from_blobs(struct vaccel_resource **res, const struct vaccel_blob **blobs,
			       size_t nr_blobs, vaccel_resource_type_t type);
int vaccel_resource_delete(struct vaccel_resource *res);

/*
 * Register with a session (loads the contents first; for virtio sessions they are read
 * into memory). Registering an already registered pair is a no-op.
 */
int vaccel_resource_register(struct vaccel_resource *res, struct vaccel_session *sess);
/* Unregister; if the plugin hook fails the registration is kept. */
int vaccel_resource_unregister(struct vaccel_resource *res, struct vaccel_session *sess);
/* Refresh BUFFER data from the session's plugin. */
int vaccel_resource_sync(struct vaccel_resource *res, struct vaccel_session *sess);
/*
 * Directory of a LOCAL_DIR resource, copied into `out_path` (`out_path_size` bytes) or
 * strdup'd into `*alloc_path` when out_path is NULL.
 */
int vaccel_resource_directory(struct vaccel_resource *res, char *out_path, size_t out_path_size,
			      char **alloc_path);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_RESOURCE_H */
