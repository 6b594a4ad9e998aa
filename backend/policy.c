/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host policy for EXEC: a driver names a host library; only libraries the
 * operator listed (--exec-allow) may be loaded. The name is resolved with
 * realpath() and matched against entries resolved the same way at startup:
 * an exact file, or a directory entry (ending in '/') as a prefix.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

bool policy_exec_allowed(const struct daemon_opts *o, const char *path, char *resolved)
{
	if (!o->nr_exec_allow || !path || !*path)
		return false;
	if (!realpath(path, resolved))
		return false;
	for (unsigned i = 0; i < o->nr_exec_allow; i++) {
		const char *e = o->exec_allow[i];
		size_t n = strlen(e);

		if (n && e[n - 1] == '/') {
			if (strncmp(resolved, e, n) == 0)
				return true;
		} else if (strcmp(resolved, e) == 0) {
			return true;
		}
	}
	return false;
}
