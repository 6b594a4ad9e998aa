/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec plugin internals. The plugin runs a user function
 *   int fn(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write)
 * from a host shared library (exec) or from a registered LIB resource (exec_with_resource).
 *
 * Library handles are cached instead of being re-opened (and leaked) on every call:
 * - exec: one handle per library path, closed at plugin fini;
 * - exec_with_resource: one handle set per resource in res->plugin_priv, closed when the
 *   resource is unregistered from its last session.
 *
 * Error codes: library cannot be loaded -> VACCEL_ENOENT if the file does not exist,
 * VACCEL_EINVAL otherwise (not a loadable object, missing dependency, ...); symbol not
 * found -> VACCEL_ENOSYS; the function returned non-zero -> VACCEL_EBACKEND.
 *
 * Symbols: only functions the library itself defines are called (lib/common/vaccel_dl.h).
 * dlsym() on a handle also searches the library's dependencies, so a name from a request
 * would otherwise reach libc's abort, exit or pause; a data symbol is not a function
 * either. Both are "not found" (VACCEL_ENOSYS).
 *
 * Environment (read at init):
 *   VACCEL_EXEC_DLOPEN_MODE      lazy | now (case-insensitive; default now)
 *   VACCEL_EXEC_DLCLOSE_ENABLED  0/false: never dlclose (libraries stay loaded for the
 *                                process lifetime); 1/true (default): close as above.
 *                                The old name VACCEL_EXEC_DLCLOSE is used if it is unset.
 */
#ifndef EXEC_H
#define EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <vaccel.h>

#define exec_debug(...) vaccel_debug("[exec] " __VA_ARGS__)

typedef int (*exec_fn_t)(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
			 size_t nr_write);

/* exec_dl.c: settings and the per-path handle cache */
void exec_dl_configure(void);
int exec_dl_mode(void);
bool exec_dl_close_enabled(void);
/* dlopen `path` with `mode`, falling back NOW <-> LAZY; maps failures to vAccel codes. */
int exec_dl_open(const char *path, int mode, void **handle);
/* Cached handle for `library` (opened on first use). */
int exec_dl_get(const char *library, void **handle);
void exec_dl_close_all(void);
/* Resolve `symbol` as a function of `handle`'s own library (VACCEL_ENOSYS if not one). */
int exec_dl_sym(void *handle, const char *symbol, exec_fn_t *fn);

/* exec_res.c: handle sets cached per LIB resource */
struct exec_res_libs;
int exec_res_acquire(struct vaccel_resource *res, struct exec_res_libs **libs, void **main);
void exec_res_put(struct exec_res_libs *libs);
int exec_res_unregister(struct vaccel_resource *res, struct vaccel_session *sess);

#endif /* EXEC_H */
