/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plugin API. A plugin is a shared object that defines itself with VACCEL_PLUGIN(...) and
 * registers its operations from its init() with vaccel_plugin_register_ops().
 */
#ifndef VACCEL_PLUGIN_H
#define VACCEL_PLUGIN_H

#include "list.h"
#include "op.h"
#include "resource.h"
#include "session.h"
#include "utils/enum.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VACCEL_PLUGIN_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM)                                             \
	VACCEL_ENUM_ITEM(CPU, 0x0001, VACCEL_PLUGIN)                                               \
	VACCEL_ENUM_ITEM(GPU, 0x0002, VACCEL_PLUGIN)                                               \
	VACCEL_ENUM_ITEM(FPGA, 0x0004, VACCEL_PLUGIN)                                              \
	VACCEL_ENUM_ITEM(SOFTWARE, 0x0008, VACCEL_PLUGIN)                                          \
	VACCEL_ENUM_ITEM(TENSORFLOW, 0x0010, VACCEL_PLUGIN)                                        \
	VACCEL_ENUM_ITEM(TORCH, 0x0020, VACCEL_PLUGIN)                                             \
	VACCEL_ENUM_ITEM(JETSON, 0x0040, VACCEL_PLUGIN)                                            \
	VACCEL_ENUM_ITEM(GENERIC, 0x0080, VACCEL_PLUGIN)                                           \
	VACCEL_ENUM_ITEM(DEBUG, 0x0100, VACCEL_PLUGIN)                                             \
	VACCEL_ENUM_ITEM(REMOTE, 0x4000, VACCEL_PLUGIN)                                            \
	VACCEL_ENUM_ITEM(ALL, 0xffff, VACCEL_PLUGIN)

/* vaccel_plugin_type_t: bit flags, also used as session hints; MAX=0x10000 */
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_plugin_type, VACCEL_PLUGIN, VACCEL_PLUGIN_TYPE_ENUM_LIST)

struct vaccel_plugin_info {
	const char *name;	    /* plugin name (required) */
	const char *version;	    /* plugin version (required) */
	const char *vaccel_version; /* VACCEL_VERSION the plugin was built with */
	int (*init)(void);	    /* called once after loading (required) */
	int (*fini)(void);	    /* called at unload, only if init() succeeded (required) */
	bool is_virtio;		    /* the plugin forwards sessions to a remote runtime */
	vaccel_plugin_type_t type;  /* bitwise OR of VACCEL_PLUGIN_* */

	/*
	 * Optional hooks; they get the local objects and return a vAccel code.
	 * - session_init(sess, flags without REMOTE): virtio only (required there). Create
	 *   the remote session and set sess->remote_id > 0; sess->priv is free for the
	 *   plugin. Returning 0 with remote_id <= 0 fails the init (session_release is
	 *   then called to undo).
	 * - session_release(sess): virtio only, after the session's resources were
	 *   unregistered. A failure is returned to the caller; the local session goes.
	 * - session_update(sess, flags without REMOTE): virtio only (deprecated API).
	 * - resource_register(res, sess): every plugin, once per resource/session pair,
	 *   before the pair is linked. For virtio sessions file contents are already in
	 *   memory (blobs[i]->data) except for URL resources (no blobs); set
	 *   res->remote_id > 0. A failure leaves the resource unregistered.
	 * - resource_unregister(res, sess): every plugin, while the pair is still linked.
	 *   A failure keeps the registration (vaccel_resource_unregister() returns it).
	 * - resource_sync(res, sess): refresh BUFFER data (vaccel_resource_sync()).
	 */
	int (*session_init)(struct vaccel_session *sess, uint32_t flags);
	int (*session_release)(struct vaccel_session *sess);
	int (*session_update)(struct vaccel_session *sess, uint32_t flags);
	int (*resource_register)(struct vaccel_resource *res, struct vaccel_session *sess);
	int (*resource_unregister)(struct vaccel_resource *res, struct vaccel_session *sess);
	int (*resource_sync)(struct vaccel_resource *res, struct vaccel_session *sess);
};

struct vaccel_plugin {
	void *dl_handle;		      /* dlopen handle */
	struct vaccel_list_entry entry;	      /* link in the runtime's plugin list */
	struct vaccel_op *ops[VACCEL_OP_MAX]; /* operation table, indexed by type */
	struct vaccel_plugin_info *info;      /* identity and hooks */
};

/*
 * Define the plugin (C only): VACCEL_PLUGIN(.name = "x", .version = "1.0",
 * .vaccel_version = VACCEL_VERSION, .type = VACCEL_PLUGIN_DEBUG, .init = x_init,
 * .fini = x_fini). Exports the `vaccel_plugin` symbol the runtime looks for.
 */
#define VACCEL_PLUGIN(...)                                                                         \
	static struct vaccel_plugin_info vaccel_plugin_info_ = {__VA_ARGS__};                      \
	__attribute__((visibility("hidden"))) struct vaccel_plugin vaccel_this_plugin = {          \
	    .dl_handle = NULL,                                                                     \
	    .entry = LIST_ENTRY_INIT(vaccel_this_plugin.entry),                                    \
	    .ops = {NULL},                                                                         \
	    .info = &vaccel_plugin_info_};                                                         \
	__attribute__((visibility("default"))) const struct vaccel_plugin *vaccel_plugin =         \
	    &vaccel_this_plugin;

/*
 * Register `nr_ops` operations (from a plugin's init()). Every op must have a valid type,
 * a function, and the same owner, which must be a plugin being loaded or loaded.
 */
int vaccel_plugin_register_ops(struct vaccel_op *ops, size_t nr_ops);

/* Load one plugin (path, or soname searched like dlopen does). */
int vaccel_plugin_load(const char *lib);

/* Load every plugin of a ':'-separated list, in order; stops at the first error. */
int vaccel_plugin_parse_and_load(const char *lib_str);

static inline int vaccel_plugin_register_op(struct vaccel_op *op)
{
	return vaccel_plugin_register_ops(op, 1);
}

/* Deprecated spellings. */
#define VACCEL_MODULE(...)                                                                         \
	_Pragma("GCC warning \"VACCEL_MODULE() is deprecated. Use VACCEL_PLUGIN() instead\"")      \
	    VACCEL_PLUGIN(__VA_ARGS__)

__attribute__((deprecated("Use vaccel_plugin_register_op() instead"))) static inline int
register_plugin_function(struct vaccel_op *plugin_op)
{
	return vaccel_plugin_register_op(plugin_op);
}

__attribute__((deprecated("Use vaccel_plugin_register_ops() instead"))) static inline int
register_plugin_functions(struct vaccel_op *plugin_ops, size_t nr_ops)
{
	return vaccel_plugin_register_ops(plugin_ops, nr_ops);
}

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_PLUGIN_H */
