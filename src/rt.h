/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runtime-internal declarations shared by the core's source files. Every internal symbol
 * uses the `rt_` prefix and is hidden from libvaccel.so (see libvaccel.map).
 */
#ifndef RT_H
#define RT_H

#include "vaccel/config.h"
#include "vaccel/error.h"
#include "vaccel/id.h"
#include "vaccel/list.h"
#include "vaccel/log.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/* ---- core state (core.c) ---- */

enum rt_phase {
	RT_DOWN = 0, /* not bootstrapped (or cleaned up, or bootstrap failed) */
	RT_BOOTING,  /* registries ready, plugins being loaded */
	RT_UP,	     /* fully initialized */
};

enum rt_phase rt_phase(void);
/*
 * VACCEL_OK if the runtime is up; otherwise the remembered bootstrap error, or
 * VACCEL_EPERM if it was never bootstrapped. Logs why (`what` names the caller).
 */
int rt_require_up(const char *what);
/* Like rt_require_up() but also accepts the bootstrap phase (plugin registration). */
int rt_require_booting(const char *what);
/* The live configuration (never NULL). */
const struct vaccel_config *rt_config(void);

/* ---- logging (log.c) ---- */

/* The configured level (a vaccel_log_level_t); read it through rt_log_on(). */
extern _Atomic int rt_log_level;

/*
 * vaccel_log_enabled() for the runtime's own hot paths: inline, where the exported
 * function costs a call through the PLT on every op.
 */
static inline bool rt_log_on(vaccel_log_level_t level)
{
	return level >= VACCEL_LOG_ERROR &&
	       (int)level <= atomic_load_explicit(&rt_log_level, memory_order_relaxed);
}

/* Apply level and destination; a file that cannot be opened falls back to stderr. */
int rt_log_configure(vaccel_log_level_t level, const char *log_file);
/* Back to the defaults: stderr, VACCEL_LOG_ERROR. */
void rt_log_reset(void);
/* Write at `level` whatever the configured level is (configuration warnings). */
void rt_log_force(vaccel_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- configuration (config.c) ---- */

#define RT_CONFIG_MAX_WARNINGS 16
#define RT_CONFIG_WARNING_LEN 256
struct rt_config_warnings {
	size_t count;
	char msg[RT_CONFIG_MAX_WARNINGS][RT_CONFIG_WARNING_LEN];
};
/* Read the environment into `config`; warnings are stored (not logged) when `w` is set. */
int rt_config_from_env(struct vaccel_config *config, struct rt_config_warnings *w);
void rt_config_warnings_flush(const struct rt_config_warnings *w);
/* Longest accepted VACCEL_PLUGINS value. */
#define RT_CONFIG_PLUGINS_MAX 16384

/* ---- ID pools (id_pool.c) ---- */

/* Upstream allows 1024/2048; a host daemon serving many guests needs more. */
#define RT_SESSIONS_MAX 65536
#define RT_RESOURCES_MAX 65536

struct rt_id_pool;
/* Pool of IDs 1..max; get returns the ID after the last one given (wrapping, skipping
 * IDs in use), or -VACCEL_EUSERS when all are in use. */
int rt_id_pool_new(struct rt_id_pool **pool, size_t max);
void rt_id_pool_delete(struct rt_id_pool *pool);
vaccel_id_t rt_id_pool_get(struct rt_id_pool *pool);
/* VACCEL_EINVAL for an out-of-range ID, VACCEL_EPERM for a free one. */
int rt_id_pool_put(struct rt_id_pool *pool, vaccel_id_t id);
size_t rt_id_pool_in_use(struct rt_id_pool *pool);

/* ---- live tables (table.c) ---- */

/*
 * The live sessions, or the live resources: a list in creation order under `lock`, and
 * the pool their IDs (1..max) come from. Objects link themselves in through a list entry;
 * id_of() reads the ID of the object an entry belongs to.
 */
struct rt_table {
	const char *what; /* "session" or "resource", for log lines */
	size_t max;
	vaccel_id_t (*id_of)(const struct vaccel_list_entry *e);
	pthread_mutex_t lock;
	struct vaccel_list_entry list;
	struct rt_id_pool *ids; /* NULL before bootstrap and after cleanup */
};

#define RT_TABLE_INIT(table, name, max_ids, id_fn)                                                 \
	{                                                                                          \
		(name), (max_ids), (id_fn), PTHREAD_MUTEX_INITIALIZER,                             \
		    LIST_ENTRY_INIT((table).list), NULL                                            \
	}

int rt_table_bootstrap(struct rt_table *t);
/* A fresh ID, or minus a vAccel code ("Could not get a <what> ID (too many <what>s)"). */
vaccel_id_t rt_table_new_id(struct rt_table *t);
void rt_table_put_id(struct rt_table *t, vaccel_id_t id);
void rt_table_add(struct rt_table *t, struct vaccel_list_entry *e);
void rt_table_remove(struct rt_table *t, struct vaccel_list_entry *e);
bool rt_table_contains(struct rt_table *t, const struct vaccel_list_entry *e);
/* The live entry with this ID, or NULL. */
struct vaccel_list_entry *rt_table_find_id(struct rt_table *t, vaccel_id_t id);
/*
 * Release every entry with release(), oldest first; one it refuses with VACCEL_EINVAL
 * (corrupted, e.g. its ID overwritten by the caller) is only unlinked. Then the IDs go.
 */
void rt_table_cleanup(struct rt_table *t, int (*release)(struct vaccel_list_entry *e));
/* IDs handed out and not yet returned. */
size_t rt_table_live(struct rt_table *t);

/* ---- run directory (rundir.c) ---- */

/* Create this process's top-level run directory into `out` (PATH_MAX bytes). */
int rt_rundir_create(char *out, size_t size);
/* Remove a run directory (empty, or holding only regular files vAccel created). */
int rt_rundir_remove(const char *path);
/* Tests: replace "/run/user" (the system base) with another directory. */
void rt_rundir_set_system_base(const char *base);
/* Create `<parent>/<name>` (0700) into out. */
int rt_subdir_create(const char *parent, const char *name, char *out, size_t size);

/* ---- registries ---- */

int rt_plugins_bootstrap(void);
int rt_plugins_cleanup(void);
int rt_sessions_bootstrap(void);
int rt_sessions_cleanup(void);
int rt_resources_bootstrap(void);
int rt_resources_cleanup(void);

/* ---- small helpers (util.c) ---- */

/*
 * The whole body of an X_new()-style constructor: a NULL `out` gives VACCEL_EINVAL;
 * otherwise one zeroed object of *out's type is allocated (VACCEL_ENOMEM), named `obj`
 * for `init_call`, which initializes it; if that fails the object is freed and its
 * error returned, else *out = obj and VACCEL_OK.
 */
#define RT_NEW_BODY(out, obj, init_call)                                                           \
	do {                                                                                       \
		__typeof__(*(out)) obj;                                                            \
		int rt_new_ret;                                                                    \
                                                                                                   \
		if (!(out))                                                                        \
			return VACCEL_EINVAL;                                                      \
		obj = calloc(1, sizeof(*obj));                                                     \
		if (!obj)                                                                          \
			return VACCEL_ENOMEM;                                                      \
		rt_new_ret = (init_call);                                                          \
		if (rt_new_ret) {                                                                  \
			free(obj);                                                                 \
			return rt_new_ret;                                                         \
		}                                                                                  \
		*(out) = obj;                                                                      \
		return VACCEL_OK;                                                                  \
	} while (0)

/*
 * The whole body of an X_delete(): `return rt_free_released(obj, X_release(obj));`
 * frees obj once its release succeeded and passes a failed release's error on.
 */
static inline int rt_free_released(void *obj, int release_ret)
{
	if (release_ret)
		return release_ret;
	free(obj);
	return VACCEL_OK;
}

/* A plugin hook's result as a vAccel code: negative values become VACCEL_EBACKEND. */
static inline int rt_hook_ret(int ret)
{
	return ret < 0 ? VACCEL_EBACKEND : ret;
}

/* errno value -> vAccel code (unknown values map to VACCEL_EIO). */
int rt_errno_to_vaccel(int err);
/* Write all of buf, retrying short writes and EINTR; a failure as a vAccel code. */
int rt_write_all(int fd, const void *buf, size_t len);
/* snprintf that reports truncation as VACCEL_ENAMETOOLONG. */
int rt_path_join(char *out, size_t size, const char *dir, const char *name);
/* Monotonic raw clock in nanoseconds. */
unsigned long long rt_now_ns(void);
/* Parse a strict base-10 unsigned integer (whole string, no sign, no overflow). */
bool rt_parse_ulong(const char *s, unsigned long *out);

#endif /* RT_H */
