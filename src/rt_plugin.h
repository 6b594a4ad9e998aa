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
/* Parse `[v]X.Y.Z<extra>`; `extra` may be NULL. */
int rt_plugin_parse_version(const char *str, int *major, int *minor, int *patch,
			    const char **extra);

#endif /* RT_PLUGIN_H */
