/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plugin registry: loading (dlopen + the exported `vaccel_plugin` symbol, checked by
 * plugin_abi.c before use), version checks, op registration and plugin selection for
 * sessions.
 */
#include "rt.h"
#include "rt_plugin.h"
#include "vaccel_version.h"

#include <dlfcn.h>
#include <errno.h>
#include <linux/limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t plugins_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vaccel_list_entry plugins = LIST_ENTRY_INIT(plugins);
static size_t nr_plugins;
/* Plugin whose init() runs on this thread: it may register ops before it is listed. */
static _Thread_local struct vaccel_plugin *loading;

static struct vaccel_plugin *entry_plugin(struct vaccel_list_entry *e)
{
	return vaccel_container_of(e, struct vaccel_plugin, entry);
}

/* Caller holds plugins_lock. */
static bool listed_locked(const struct vaccel_plugin *p)
{
	struct vaccel_list_entry *it;

	vaccel_list_for_each(it, &plugins)
	{
		if (entry_plugin(it) == p)
			return true;
	}
	return false;
}

int rt_plugin_parse_version(const char *str, int *major, int *minor, int *patch, const char **extra)
{
	int v[3];
	const char *s = str;

	if (!str || !major || !minor || !patch)
		return VACCEL_EINVAL;
	if (*s == 'v')
		s++;
	for (int i = 0; i < 3; i++) {
		long n = 0;
		const char *start = s;

		while (*s >= '0' && *s <= '9' && n < 1000000)
			n = n * 10 + (*s++ - '0');
		if (s == start || n >= 1000000)
			return VACCEL_EINVAL;
		v[i] = (int)n;
		if (i < 2) {
			if (*s != '.')
				return VACCEL_EINVAL;
			s++;
		}
	}
	*major = v[0];
	*minor = v[1];
	*patch = v[2];
	if (extra)
		*extra = s;
	return VACCEL_OK;
}

static int check_version(const struct vaccel_plugin_info *info)
{
	int pmaj, pmin, ppat, vmaj, vmin, vpat;
	const char *pext, *vext;

	if (rt_config()->version_ignore)
		return VACCEL_OK;
	if (!info->vaccel_version) {
		vaccel_error("Plugin %s does not say which vAccel version it was built with",
			     info->name);
		return VACCEL_EINVAL;
	}
	if (rt_plugin_parse_version(info->vaccel_version, &pmaj, &pmin, &ppat, &pext) ||
	    rt_plugin_parse_version(VACCEL_VERSION, &vmaj, &vmin, &vpat, &vext)) {
		vaccel_error("Plugin %s: invalid vAccel version '%.64s'", info->name,
			     info->vaccel_version);
		return VACCEL_EINVAL;
	}
	if (pmaj != vmaj) {
		vaccel_error("Plugin %s is incompatible with current vAccel version (built w/ %s, "
			     "used w/ %s)",
			     info->name, info->vaccel_version, VACCEL_VERSION);
		return VACCEL_EINVAL;
	}
	if (pmin != vmin || ppat != vpat || strcmp(pext, vext) != 0)
		vaccel_warn("Plugin %s may be incompatible with current vAccel version (built w/ "
			    "%s, used w/ %s)",
			    info->name, info->vaccel_version, VACCEL_VERSION);
	return VACCEL_OK;
}

int rt_plugin_register(struct vaccel_plugin *plugin, void *dl_handle)
{
	struct vaccel_plugin_info *info;
	int ret;

	if (!plugin || !plugin->info)
		return VACCEL_EINVAL;
	ret = rt_require_booting("Plugin registration");
	if (ret)
		return ret;

	pthread_mutex_lock(&plugins_lock);
	ret = listed_locked(plugin) ? VACCEL_EEXIST : VACCEL_OK;
	pthread_mutex_unlock(&plugins_lock);
	if (ret) {
		vaccel_error("Plugin %s is already registered",
			     plugin->info->name ? plugin->info->name : "(unnamed)");
		return ret;
	}

	info = plugin->info;
	if (!info->name || !info->version || !info->init || !info->fini) {
		vaccel_error("Plugin %s lacks a name, version, init or fini",
			     info->name ? info->name : "(unnamed)");
		return VACCEL_EINVAL;
	}
	ret = check_version(info);
	if (ret)
		return ret;

	memset(plugin->ops, 0, sizeof(plugin->ops));
	plugin->dl_handle = dl_handle;
	vaccel_list_init(&plugin->entry);

	loading = plugin;
	ret = info->init();
	loading = NULL;
	if (ret) {
		/* fini() is for plugins whose init() succeeded; not called here. */
		vaccel_error("Could not initialize plugin %s (error %d)", info->name, ret);
		memset(plugin->ops, 0, sizeof(plugin->ops));
		plugin->dl_handle = NULL;
		return ret > 0 ? ret : VACCEL_EBACKEND;
	}

	pthread_mutex_lock(&plugins_lock);
	vaccel_list_add_tail(&plugins, &plugin->entry);
	nr_plugins++;
	pthread_mutex_unlock(&plugins_lock);

	vaccel_info("Registered plugin %s %s", info->name, info->version);
	if (info->is_virtio)
		vaccel_debug("%s is a VirtIO module", info->name);
	return VACCEL_OK;
}

int rt_plugin_unregister(struct vaccel_plugin *plugin)
{
	void *handle;
	int ret;

	if (!plugin || !plugin->info)
		return VACCEL_EINVAL;
	pthread_mutex_lock(&plugins_lock);
	if (!listed_locked(plugin)) {
		pthread_mutex_unlock(&plugins_lock);
		return VACCEL_ENOENT;
	}
	vaccel_list_unlink(&plugin->entry);
	nr_plugins--;
	pthread_mutex_unlock(&plugins_lock);

	ret = plugin->info->fini();
	if (ret)
		vaccel_warn("Plugin %s fini failed (error %d)", plugin->info->name, ret);
	vaccel_debug("Unregistered plugin %s", plugin->info->name);

	/* `plugin` lives inside the shared object: done with it before dlclose. */
	memset(plugin->ops, 0, sizeof(plugin->ops));
	handle = plugin->dl_handle;
	plugin->dl_handle = NULL;
	if (handle)
		dlclose(handle);
	return VACCEL_OK;
}

int vaccel_plugin_register_ops(struct vaccel_op *ops, size_t nr_ops)
{
	struct vaccel_plugin *owner;
	bool known;
	char name[VACCEL_ENUM_STR_MAX];
	int ret;

	if (!ops || nr_ops == 0 || nr_ops > VACCEL_OP_MAX)
		return VACCEL_EINVAL;
	ret = rt_require_booting("vaccel_plugin_register_ops");
	if (ret)
		return ret;

	owner = ops[0].owner;
	if (!owner || !owner->info)
		return VACCEL_EINVAL;
	pthread_mutex_lock(&plugins_lock);
	known = owner == loading || listed_locked(owner);
	pthread_mutex_unlock(&plugins_lock);
	if (!known) {
		vaccel_error("Cannot register ops: their owner is not a registered plugin");
		return VACCEL_EINVAL;
	}

	/* Validate everything first so a bad table registers nothing. */
	for (size_t i = 0; i < nr_ops; i++) {
		if (ops[i].owner != owner || !ops[i].func || (int)ops[i].type < 0 ||
		    ops[i].type >= VACCEL_OP_MAX) {
			vaccel_error("Plugin %s: invalid op entry %zu (type %d)", owner->info->name,
				     i, (int)ops[i].type);
			return VACCEL_EINVAL;
		}
	}
	for (size_t i = 0; i < nr_ops; i++) {
		owner->ops[ops[i].type] = &ops[i];
		vaccel_debug("Registered op %s from plugin %s",
			     vaccel_op_type_name(ops[i].type, name, sizeof(name)),
			     owner->info->name);
	}
	return VACCEL_OK;
}

static int dlopen_error_code(const char *lib, const char *msg)
{
	struct stat st;

	if (strchr(lib, '/'))
		return stat(lib, &st) ? VACCEL_ENOENT : VACCEL_ELIBBAD;
	/* A bare soname: not found in the search path, or found but unusable. */
	return (msg && strstr(msg, "No such file")) ? VACCEL_ENOENT : VACCEL_ELIBBAD;
}

/*
 * A bare name the loader did not find (`msg` says "No such file") is tried once more in
 * RT_PLUGINDIR, where this build installs its plugins: distributions keep plugins out of
 * the public library dir (Debian: <libdir>/vaccel), and VACCEL_PLUGINS=libvaccel-noop.so
 * must still work. The loader's path comes first, so LD_LIBRARY_PATH still overrides.
 * On failure `msg` holds the error to report.
 */
static void *dlopen_installed(const char *lib, char *msg, size_t msg_size)
{
	char path[PATH_MAX];
	const char *err;
	void *handle;

	if (strchr(lib, '/') || !strstr(msg, "No such file"))
		return NULL;
	if (snprintf(path, sizeof(path), "%s/%s", RT_PLUGINDIR, lib) >= (int)sizeof(path) ||
	    access(path, F_OK))
		return NULL;
	handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!handle) {
		err = dlerror();
		snprintf(msg, msg_size, "%s", err ? err : "unknown error");
	}
	return handle;
}

int vaccel_plugin_load(const char *lib)
{
	const void *sym;
	struct vaccel_plugin *plugin;
	char msg[512];
	void *handle;
	int ret;

	if (!lib || !lib[0])
		return VACCEL_EINVAL;
	if (strlen(lib) >= PATH_MAX)
		return VACCEL_ENAMETOOLONG;
	ret = rt_require_booting("vaccel_plugin_load");
	if (ret)
		return ret;

	dlerror();
	handle = dlopen(lib, RTLD_LAZY | RTLD_LOCAL);
	if (!handle) {
		const char *err = dlerror();

		snprintf(msg, sizeof(msg), "%s", err ? err : "unknown error");
		handle = dlopen_installed(lib, msg, sizeof(msg));
	}
	if (!handle) {
		ret = dlopen_error_code(lib, msg);
		vaccel_error("Could not dlopen plugin %s: %s", lib, msg);
		return ret;
	}
	sym = dlsym(handle, "vaccel_plugin");
	if (!sym) {
		vaccel_error("%s is not a vAccel plugin (no vaccel_plugin symbol)", lib);
		dlclose(handle);
		return VACCEL_ELIBBAD;
	}
	/* Nothing of the plugin is read before its layout and memory are checked. */
	ret = rt_plugin_abi_check(lib, sym, &plugin);
	if (ret) {
		dlclose(handle);
		return ret;
	}
	ret = rt_plugin_register(plugin, handle);
	if (ret) {
		dlclose(handle);
		return ret;
	}
	vaccel_debug("Loaded plugin %s from %s", plugin->info->name, lib);
	return VACCEL_OK;
}

int vaccel_plugin_parse_and_load(const char *lib_str)
{
	char *copy, *tok, *save = NULL;
	int ret = VACCEL_OK;

	if (!lib_str)
		return VACCEL_EINVAL;
	copy = strdup(lib_str);
	if (!copy)
		return VACCEL_ENOMEM;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		ret = vaccel_plugin_load(tok);
		if (ret == VACCEL_EEXIST) {
			/* Listed twice: the plugin is there, which is what was asked for. */
			vaccel_warn("Plugin %s is listed more than once; loading it once", tok);
			ret = VACCEL_OK;
		}
		if (ret)
			break;
	}
	free(copy);
	return ret;
}

struct vaccel_plugin *rt_plugin_find(unsigned int hint)
{
	struct vaccel_plugin *found = NULL, *first_local = NULL, *p;
	struct vaccel_list_entry *it;
	bool remote = (hint & VACCEL_PLUGIN_REMOTE) && hint != VACCEL_PLUGIN_ALL;
	unsigned int types = hint == VACCEL_PLUGIN_ALL ? 0 : (hint & ~VACCEL_PLUGIN_REMOTE);

	pthread_mutex_lock(&plugins_lock);
	if (nr_plugins == 0) {
		pthread_mutex_unlock(&plugins_lock);
		vaccel_error("No plugins registered");
		return NULL;
	}
	vaccel_list_for_each(it, &plugins)
	{
		p = entry_plugin(it);
		if (remote) {
			if (p->info->is_virtio) {
				found = p;
				break;
			}
			continue;
		}
		if (p->info->is_virtio)
			continue;
		if (!first_local)
			first_local = p;
		if (types && (p->info->type & types)) {
			found = p;
			break;
		}
	}
	if (!found && !remote) {
		found = first_local;
		/* A virtio plugin serves a local hint only when it is the only plugin. */
		if (!found && nr_plugins == 1)
			found = entry_plugin(plugins.next);
	}
	pthread_mutex_unlock(&plugins_lock);

	if (!found)
		vaccel_error("No plugin matches session hint 0x%x", hint);
	return found;
}

size_t rt_plugins_count(void)
{
	size_t n;

	pthread_mutex_lock(&plugins_lock);
	n = nr_plugins;
	pthread_mutex_unlock(&plugins_lock);
	return n;
}

int rt_plugins_bootstrap(void)
{
	return VACCEL_OK;
}

int rt_plugins_cleanup(void)
{
	vaccel_debug("Cleaning up plugins");
	for (;;) {
		struct vaccel_plugin *p = NULL;

		pthread_mutex_lock(&plugins_lock);
		if (!vaccel_list_empty(&plugins))
			p = entry_plugin(plugins.prev); /* unload in reverse load order */
		pthread_mutex_unlock(&plugins_lock);
		if (!p)
			break;
		rt_plugin_unregister(p);
	}
	return VACCEL_OK;
}
