/* SPDX-License-Identifier: Apache-2.0 */
/* Plugin registry internals (plugin.c). */
#ifndef RT_PLUGIN_H
#define RT_PLUGIN_H

#include "vaccel/plugin.h"
#include <stddef.h>

/*
 * Validate, version-check, init() and list `plugin` (dl_handle may be NULL for an
 * in-process plugin). On failure nothing stays registered and fini() is not called.
 */
int rt_plugin_register(struct vaccel_plugin *plugin, void *dl_handle);
/* Unlist, fini() and dlclose. VACCEL_ENOENT if not registered. */
int rt_plugin_unregister(struct vaccel_plugin *plugin);
/* Plugin for a session hint, or NULL (see vaccel_session_init()). */
struct vaccel_plugin *rt_plugin_find(unsigned int hint);
size_t rt_plugins_count(void);
/*
 * Check what a dlopen'ed library's `vaccel_plugin` symbol (at `sym`) points to before
 * anything of it is used: a struct vaccel_plugin of this runtime's layout (upstream
 * main's), in writable memory, whose info, strings and functions are mapped (see
 * plugin_abi.c). Sets *out. A plugin built for upstream 0.7.1 is refused with
 * VACCEL_EINVAL, anything malformed with VACCEL_ELIBBAD; one error line says why.
 */
int rt_plugin_abi_check(const char *lib, const void *sym, struct vaccel_plugin **out);
/* Parse `[v]X.Y.Z<extra>`; `extra` may be NULL. */
int rt_plugin_parse_version(const char *str, int *major, int *minor, int *patch,
			    const char **extra);

#endif /* RT_PLUGIN_H */
