// SPDX-License-Identifier: Apache-2.0
/* exec plugin: dlopen settings, error mapping and the per-path handle cache. */
#include "exec.h"
#include "vaccel_dl.h"
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct exec_lib {
	char *path;
	void *handle;
	struct exec_lib *next;
};

static int exec_mode = RTLD_NOW;
static bool exec_dlclose = true;
/* Entries are only removed at fini, so handles stay valid while functions run. */
static pthread_mutex_t exec_libs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct exec_lib *exec_libs;

static void exec_read_bool(const char *name, const char *old_name, bool *val)
{
	const char *s = getenv(name);

	if (!s && old_name)
		s = getenv(old_name);
	if (!s)
		return;
	if (!strcmp(s, "1") || !strcasecmp(s, "true"))
		*val = true;
	else if (!strcmp(s, "0") || !strcasecmp(s, "false"))
		*val = false;
	else
		vaccel_warn("[exec] Invalid %s value '%.32s'; using %s", name, s,
			    *val ? "true" : "false");
}

void exec_dl_configure(void)
{
	const char *mode = getenv("VACCEL_EXEC_DLOPEN_MODE");

	exec_mode = RTLD_NOW;
	if (mode) {
		if (!strcasecmp(mode, "lazy"))
			exec_mode = RTLD_LAZY;
		else if (strcasecmp(mode, "now") != 0)
			vaccel_warn("[exec] Invalid VACCEL_EXEC_DLOPEN_MODE '%.32s'; using 'now'",
				    mode);
	}
	exec_dlclose = true;
	exec_read_bool("VACCEL_EXEC_DLCLOSE_ENABLED", "VACCEL_EXEC_DLCLOSE", &exec_dlclose);
	exec_debug("dlopen mode: %s, dlclose: %s", exec_mode == RTLD_LAZY ? "lazy" : "now",
		   exec_dlclose ? "enabled" : "disabled");
}

int exec_dl_mode(void)
{
	return exec_mode;
}

bool exec_dl_close_enabled(void)
{
	return exec_dlclose;
}

/* True if `path` names a file (not a bare soname) that does not exist. */
static bool exec_dl_missing(const char *path)
{
	struct stat st;

	return strchr(path, '/') && stat(path, &st) != 0 && errno == ENOENT;
}

int exec_dl_open(const char *path, int mode, void **handle)
{
	int base = mode & (RTLD_NOW | RTLD_LAZY);
	void *h;

	if (exec_dl_missing(path)) {
		vaccel_error("[exec] Could not dlopen %s: no such file", path);
		return VACCEL_ENOENT;
	}
	h = dlopen(path, mode);
	if (!h) {
		/* Some libraries only load with the other binding mode; try it once. */
		int other = (mode & ~base) | (base == RTLD_NOW ? RTLD_LAZY : RTLD_NOW);

		vaccel_warn("[exec] dlopen(%s, %s) failed: %s; retrying with %s", path,
			    base == RTLD_NOW ? "now" : "lazy", dlerror(),
			    base == RTLD_NOW ? "lazy" : "now");
		h = dlopen(path, other);
	}
	if (!h) {
		vaccel_error("[exec] Could not dlopen %s: %s", path, dlerror());
		return exec_dl_missing(path) ? VACCEL_ENOENT : VACCEL_EINVAL;
	}
	*handle = h;
	return VACCEL_OK;
}

int exec_dl_get(const char *library, void **handle)
{
	struct exec_lib *l;
	int ret = VACCEL_OK;

	pthread_mutex_lock(&exec_libs_lock);
	for (l = exec_libs; l; l = l->next) {
		if (!strcmp(l->path, library)) {
			*handle = l->handle;
			goto out;
		}
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(library))) {
		free(l);
		ret = VACCEL_ENOMEM;
		goto out;
	}
	ret = exec_dl_open(library, exec_mode, &l->handle);
	if (ret) {
		free(l->path);
		free(l);
		goto out;
	}
	l->next = exec_libs;
	exec_libs = l;
	*handle = l->handle;
	exec_debug("Loaded library %s", library);
out:
	pthread_mutex_unlock(&exec_libs_lock);
	return ret;
}

void exec_dl_close_all(void)
{
	struct exec_lib *l, *next;

	pthread_mutex_lock(&exec_libs_lock);
	for (l = exec_libs; l; l = next) {
		next = l->next;
		if (exec_dlclose)
			dlclose(l->handle);
		free(l->path);
		free(l);
	}
	exec_libs = NULL;
	pthread_mutex_unlock(&exec_libs_lock);
}

int exec_dl_sym(void *handle, const char *symbol, exec_fn_t *fn)
{
	void *sym = vaccel_dl_own_function(handle, symbol);

	if (!sym) {
		vaccel_error("[exec] Could not find function %s in the library itself", symbol);
		return VACCEL_ENOSYS;
	}
	/* POSIX guarantees a data pointer from dlsym can hold a function address. */
	memcpy(fn, &sym, sizeof(*fn));
	return VACCEL_OK;
}
