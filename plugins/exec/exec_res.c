// SPDX-License-Identifier: Apache-2.0
/*
 * exec plugin: library handles of LIB resources, cached in res->plugin_priv.
 * Blobs 0..n-2 are dependencies (opened RTLD_GLOBAL so the main library resolves against
 * them); blob n-1 is the main library. A use count keeps a handle set alive while a call is
 * running, even if the resource is unregistered meanwhile.
 */
#include "exec.h"
#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct exec_res_libs {
	size_t nr;
	void **handles;	    /* nr handles; the last is the main library */
	unsigned int users; /* calls in progress */
	bool detached;	    /* no longer in plugin_priv; freed when users drops to 0 */
};

static pthread_mutex_t exec_res_lock = PTHREAD_MUTEX_INITIALIZER;

static void exec_res_free(struct exec_res_libs *libs)
{
	/* Reverse order: the main library may depend on the ones before it. */
	for (size_t i = libs->nr; i-- > 0;)
		if (libs->handles[i] && exec_dl_close_enabled())
			dlclose(libs->handles[i]);
	free(libs->handles);
	free(libs);
}

/* A blob held only in memory is loaded through an anonymous memory file. */
static int exec_res_open_buffer(const struct vaccel_blob *blob, int mode, void **handle)
{
	char path[64];
	size_t done = 0;
	int fd, ret;

	if (!blob->data || !blob->size)
		return VACCEL_EINVAL;
	fd = memfd_create("vaccel-exec-lib", MFD_CLOEXEC);
	if (fd < 0)
		return VACCEL_EIO;
	while (done < blob->size) {
		ssize_t n = write(fd, blob->data + done, blob->size - done);

		if (n <= 0) {
			close(fd);
			return VACCEL_EIO;
		}
		done += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = exec_dl_open(path, mode, handle);
	close(fd); /* the loader keeps its own mapping */
	return ret;
}

static int exec_res_open_blob(const struct vaccel_blob *blob, int mode, void **handle)
{
	if (!blob)
		return VACCEL_EINVAL;
	if (blob->path)
		return exec_dl_open(blob->path, mode, handle);
	return exec_res_open_buffer(blob, mode, handle);
}

static int exec_res_open(const struct vaccel_resource *res, struct exec_res_libs **out)
{
	struct exec_res_libs *libs;
	int ret = VACCEL_ENOMEM;

	libs = calloc(1, sizeof(*libs));
	if (!libs)
		return VACCEL_ENOMEM;
	libs->handles = calloc(res->nr_blobs, sizeof(*libs->handles));
	if (!libs->handles)
		goto err;
	for (size_t i = 0; i < res->nr_blobs; i++) {
		/* Dependencies export their symbols to the libraries loaded after them. */
		int mode = exec_dl_mode() | (i + 1 < res->nr_blobs ? RTLD_GLOBAL : 0);

		ret = exec_res_open_blob(res->blobs[i], mode, &libs->handles[i]);
		if (ret)
			goto err;
		libs->nr = i + 1;
	}
	*out = libs;
	return VACCEL_OK;
err:
	if (libs->handles)
		exec_res_free(libs);
	else
		free(libs);
	return ret;
}

int exec_res_acquire(struct vaccel_resource *res, struct exec_res_libs **libs, void **main)
{
	struct exec_res_libs *l;
	int ret = VACCEL_OK;

	if (!res->blobs || res->nr_blobs < 1) {
		vaccel_error("[exec] Resource %" PRId64 " has no libraries", res->id);
		return VACCEL_EINVAL;
	}
	pthread_mutex_lock(&exec_res_lock);
	l = res->plugin_priv;
	if (!l) {
		ret = exec_res_open(res, &l);
		if (ret)
			goto out;
		res->plugin_priv = l;
		exec_debug("Loaded %zu libraries of resource %" PRId64, l->nr, res->id);
	}
	l->users++;
	*libs = l;
	*main = l->handles[l->nr - 1];
out:
	pthread_mutex_unlock(&exec_res_lock);
	return ret;
}

void exec_res_put(struct exec_res_libs *libs)
{
	pthread_mutex_lock(&exec_res_lock);
	if (--libs->users == 0 && libs->detached)
		exec_res_free(libs);
	pthread_mutex_unlock(&exec_res_lock);
}

int exec_res_unregister(struct vaccel_resource *res, struct vaccel_session *sess)
{
	struct exec_res_libs *l;

	(void)sess;
	if (!res || res->type != VACCEL_RESOURCE_LIB)
		return VACCEL_OK;
	pthread_mutex_lock(&exec_res_lock);
	l = res->plugin_priv;
	/* The hook runs before the registration is dropped: 1 means this is the last one. */
	if (l && vaccel_resource_refcount(res) <= 1) {
		res->plugin_priv = NULL;
		l->detached = true;
		if (l->users == 0)
			exec_res_free(l);
		exec_debug("Released libraries of resource %" PRId64, res->id);
	}
	pthread_mutex_unlock(&exec_res_lock);
	return VACCEL_OK;
}
