/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run directories. The top level is a fresh mkdtemp() directory under, in order:
 *   $XDG_RUNTIME_DIR/vaccel, /run/user/<uid>/vaccel, then $TMPDIR (or /tmp) directly
 *   as vaccel-<uid>-XXXXXX (no shared parent in a world-writable dir).
 * Sessions and resources get subdirectories of it.
 */
#include "rt.h"

#include <dirent.h>
#include <errno.h>
#include <linux/limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *system_base = "/run/user";

void rt_rundir_set_system_base(const char *base)
{
	system_base = base ? base : "/run/user";
}

/* An existing directory we can write into. */
static bool usable_dir(const char *dir)
{
	struct stat st;

	return dir && dir[0] == '/' && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       access(dir, W_OK | X_OK) == 0;
}

/* `<parent>/vaccel` exists (created 0700 if missing), is ours, and is not a symlink. */
static bool ensure_vaccel_dir(const char *parent, char *out, size_t size)
{
	struct stat st;

	if (!usable_dir(parent) || rt_path_join(out, size, parent, "vaccel"))
		return false;
	if (mkdir(out, 0700) && errno != EEXIST)
		return false;
	if (lstat(out, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return false;
	return access(out, W_OK | X_OK) == 0;
}

static bool make_top(const char *base, const char *tmpl_name, char *out, size_t size)
{
	char tmpl[PATH_MAX];

	if (rt_path_join(tmpl, sizeof(tmpl), base, tmpl_name))
		return false;
	if (!mkdtemp(tmpl))
		return false;
	if (strlen(tmpl) >= size) {
		rmdir(tmpl);
		return false;
	}
	strcpy(out, tmpl);
	return true;
}

int rt_rundir_create(char *out, size_t size)
{
	char base[PATH_MAX], user[PATH_MAX], tmpl[64];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");

	if (!out || !size)
		return VACCEL_EINVAL;

	if (xdg && strlen(xdg) < PATH_MAX / 2 && ensure_vaccel_dir(xdg, base, sizeof(base)) &&
	    make_top(base, "XXXXXX", out, size))
		return VACCEL_OK;

	snprintf(user, sizeof(user), "%s/%lu", system_base, (unsigned long)geteuid());
	if (ensure_vaccel_dir(user, base, sizeof(base)) && make_top(base, "XXXXXX", out, size))
		return VACCEL_OK;

	snprintf(tmpl, sizeof(tmpl), "vaccel-%lu-XXXXXX", (unsigned long)geteuid());
	if (tmp && strlen(tmp) < PATH_MAX / 2 && usable_dir(tmp) && make_top(tmp, tmpl, out, size))
		return VACCEL_OK;
	if (make_top("/tmp", tmpl, out, size))
		return VACCEL_OK;

	vaccel_error("Could not create a run directory (tried $XDG_RUNTIME_DIR, %s/<uid>, "
		     "$TMPDIR and /tmp)",
		     system_base);
	return VACCEL_EACCES;
}

int rt_subdir_create(const char *parent, const char *name, char *out, size_t size)
{
	int ret;

	if (!parent || !name || !out)
		return VACCEL_EINVAL;
	ret = rt_path_join(out, size, parent, name);
	if (ret)
		return ret;
	if (mkdir(out, 0700)) {
		ret = rt_errno_to_vaccel(errno);
		vaccel_error("Could not create directory %s: %s", out, strerror(errno));
		out[0] = '\0';
		return ret;
	}
	return VACCEL_OK;
}

int rt_rundir_remove(const char *path)
{
	if (!path || !path[0])
		return VACCEL_EINVAL;
	if (rmdir(path)) {
		int err = errno;
		vaccel_warn("Could not remove directory %s: %s", path, strerror(err));
		return rt_errno_to_vaccel(err);
	}
	return VACCEL_OK;
}
