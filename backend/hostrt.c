/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sessions and resources on the host's vAccel runtime, through names that every
 * runtime the daemon may run on exports: ours, upstream 0.7.1 and upstream main
 * (README.md, "Compatibility with upstream vAccel"). Upstream 0.7.1 has neither
 * vaccel_session_new/delete nor vaccel_resource_from_blobs, so:
 *
 *  - a session is malloc'd here and set up with vaccel_session_init/release;
 *  - a guest's files are written into a private upload directory under the runtime's
 *    run directory and become a path resource (vaccel_resource_multi_new), in the
 *    order and with the names the guest gave. The directory lives as long as the
 *    resource: hostrt_resource_delete() removes both. Which directory belongs to which
 *    resource is kept here, not read back from the resource, so nothing depends on
 *    the runtime's struct layout beyond what the public API hands out.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vaccel.h>

#include "daemon.h"

/* The files behind one resource. */
struct upload {
	struct vaccel_resource *res;
	char dir[PATH_MAX];
	char **paths;
	unsigned nr_paths; /* files written so far */
	struct upload *next;
};

static pthread_mutex_t uploads_lock = PTHREAD_MUTEX_INITIALIZER;
static struct upload *uploads;

int hostrt_session_new(struct vaccel_session **sess, uint32_t flags)
{
	struct vaccel_session *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return VACCEL_ENOMEM;
	ret = vaccel_session_init(s, flags);
	if (ret) {
		free(s);
		return ret;
	}
	*sess = s;
	return VACCEL_OK;
}

int hostrt_session_delete(struct vaccel_session *sess)
{
	int ret = vaccel_session_release(sess);

	/*
	 * As vaccel_session_delete(): EINVAL means it was not a live session (nothing to
	 * free); after any other failure (a plugin hook's) the local session is gone.
	 */
	if (ret != VACCEL_EINVAL)
		free(sess);
	return ret;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Remove what upload_files() created, then the record. */
static void upload_free(struct upload *u)
{
	for (unsigned i = 0; i < u->nr_paths; i++) {
		if (unlink(u->paths[i]) && errno != ENOENT)
			vaccel_warn("Could not remove %s: %s", u->paths[i], strerror(errno));
		free(u->paths[i]);
	}
	if (u->dir[0] && rmdir(u->dir))
		vaccel_warn("Could not remove %s: %s", u->dir, strerror(errno));
	free(u->paths);
	free(u);
}

/* Write each file as <upload dir>/<name>. Names were checked by the caller. */
static int upload_files(struct upload *u, const struct vaccel_blob *const *files, unsigned n)
{
	const char *rundir = vaccel_rundir();
	int ret;

	if (!rundir || !rundir[0])
		return VACCEL_EPERM;
	if (snprintf(u->dir, sizeof(u->dir), "%s/upload.XXXXXX", rundir) >= (int)sizeof(u->dir))
		return VACCEL_ENAMETOOLONG;
	if (!mkdtemp(u->dir)) {
		ret = errno;
		u->dir[0] = '\0';
		vaccel_error("Could not create an upload directory in %s: %s", rundir,
			     strerror(ret));
		return ret;
	}
	u->paths = calloc(n, sizeof(*u->paths));
	if (!u->paths)
		return VACCEL_ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		char *path;
		int fd;

		if (asprintf(&path, "%s/%s", u->dir, files[i]->name) < 0)
			return VACCEL_ENOMEM;
		u->paths[u->nr_paths++] = path;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			ret = errno;
			vaccel_error("Could not create %s: %s", path, strerror(ret));
			u->nr_paths--; /* nothing to remove */
			free(path);
			return ret;
		}
		vaccel_debug("Persisting file %s to %s", files[i]->name, path);
		ret = write_all(fd, files[i]->data, files[i]->size);
		if (close(fd) && !ret)
			ret = errno;
		if (ret) {
			vaccel_error("Could not write %s: %s", path, strerror(ret));
			return ret;
		}
	}
	return VACCEL_OK;
}

int hostrt_resource_new(struct vaccel_resource **res, const struct vaccel_blob *const *files,
			unsigned n, int type)
{
	struct upload *u;
	int ret;

	if (!res || !files || n == 0)
		return VACCEL_EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return VACCEL_ENOMEM;
	ret = upload_files(u, files, n);
	if (!ret)
		ret = vaccel_resource_multi_new(&u->res, (const char **)u->paths, n,
						(vaccel_resource_type_t)type);
	if (ret) {
		upload_free(u);
		return ret;
	}
	pthread_mutex_lock(&uploads_lock);
	u->next = uploads;
	uploads = u;
	pthread_mutex_unlock(&uploads_lock);
	*res = u->res;
	return VACCEL_OK;
}

int hostrt_resource_delete(struct vaccel_resource *res)
{
	struct upload **pp, *u = NULL;
	int ret;

	pthread_mutex_lock(&uploads_lock);
	for (pp = &uploads; *pp; pp = &(*pp)->next) {
		if ((*pp)->res == res) {
			u = *pp;
			*pp = u->next;
			break;
		}
	}
	pthread_mutex_unlock(&uploads_lock);

	ret = vaccel_resource_delete(res);
	if (!u)
		return ret;
	if (ret == VACCEL_EINVAL) {
		/* Not released (as for sessions above): its files stay with it. */
		pthread_mutex_lock(&uploads_lock);
		u->next = uploads;
		uploads = u;
		pthread_mutex_unlock(&uploads_lock);
		return ret;
	}
	upload_free(u);
	return ret;
}
