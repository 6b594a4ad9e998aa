/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host policy for EXEC: a driver names a host library and a symbol; the
 * operator's allowlist (--exec-allow) decides, deny by default.
 *
 * Library: an entry with a '/' is an absolute path, resolved with
 * realpath() at startup: the request's library must resolve to that file,
 * or lie under it when the entry is a directory (ending in '/'); the
 * runtime then loads exactly the resolved path. An entry without '/' is a
 * bare name (upstream's mbench example names its library "mbench"): it
 * allows a request naming exactly that name, which goes to the host
 * plugin unchanged (its loader searches for it, or, like the mbench
 * plugin, it loads nothing). Names never match paths, nor paths names.
 *
 * Symbol: only a function the library itself defines (vaccel_dl.h), so
 * that libc's abort/exit/pause, reachable through any library's
 * dependencies, are never called, with whatever host plugin runs EXEC.
 * The library is loaded here to look (RTLD_LOCAL, binding as the exec
 * plugin does; the plugin then gets the same loaded object) and stays
 * loaded. One that does not
 * load here is left to the plugin, which cannot load it either, unless it
 * loads nothing at all.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "vaccel_dl.h"

#include "daemon.h"

struct loaded {
	char *library;
	void *handle;
	struct loaded *next;
};

static pthread_mutex_t loaded_lock = PTHREAD_MUTEX_INITIALIZER;
static struct loaded *loaded; /* bounded by the files the allowlist names */

/* Is `library` an allowed one? Writes what to load into resolved (PATH_MAX). */
static bool listed(const struct daemon_opts *o, const char *library, char *resolved)
{
	bool by_name = !strchr(library, '/');

	if (by_name) {
		if (strlen(library) >= PATH_MAX)
			return false;
		strcpy(resolved, library);
	} else if (!realpath(library, resolved)) {
		return false;
	}
	for (unsigned i = 0; i < o->nr_exec_allow; i++) {
		const char *e = o->exec_allow[i];
		size_t n = strlen(e);

		if (by_name != !strchr(e, '/'))
			continue;
		if (!by_name && e[n - 1] == '/') {
			if (strncmp(resolved, e, n) == 0)
				return true;
		} else if (strcmp(resolved, e) == 0) {
			return true;
		}
	}
	return false;
}

/* A handle on library, loaded once for the daemon's life; NULL if it does not load. */
static void *handle_of(const char *library)
{
	struct loaded *l;
	void *h = NULL;

	pthread_mutex_lock(&loaded_lock);
	for (l = loaded; l && strcmp(l->library, library); l = l->next)
		;
	if (l) {
		h = l->handle;
	} else {
		/* As the exec plugin does: bind now, lazily when that fails. */
		h = dlopen(library, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			h = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
		l = h ? calloc(1, sizeof(*l)) : NULL;
		if (l && (l->library = strdup(library))) {
			l->handle = h;
			l->next = loaded;
			loaded = l;
		} else {
			free(l); /* kept open: the plugin may use it */
		}
	}
	pthread_mutex_unlock(&loaded_lock);
	return h;
}

int policy_exec(const struct daemon_opts *o, const char *library, const char *symbol,
		char *resolved)
{
	void *h;

	if (!o->nr_exec_allow || !*library || !listed(o, library, resolved)) {
		vaccel_warn("exec: host library '%s' is not allowed (see --exec-allow)", library);
		return VACCEL_EPERM;
	}
	h = handle_of(resolved);
	if (h && !vaccel_dl_own_function(h, symbol)) {
		vaccel_warn("exec: '%s' is not a function of %s: refused", symbol, resolved);
		return VACCEL_EPERM;
	}
	return VACCEL_OK;
}
