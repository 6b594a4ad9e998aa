/* SPDX-License-Identifier: Apache-2.0 */
/* Blobs: files, buffers and file mappings that make up a resource's contents. */
#include "rt.h"
#include "vaccel/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A single path component we may create: no '/', not "." or "..", not too long. */
static bool valid_filename(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	return len > 0 && len <= NAME_MAX - 7 && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void free_data(struct vaccel_blob *blob)
{
	if (!blob->data_owned || !blob->data)
		return;
	if (blob->type == VACCEL_BLOB_MAPPED)
		munmap(blob->data, blob->size);
	else
		free(blob->data);
}

/* Create dir/<stem>_XXXXXX<ext>. */
static int create_random(const char *dir, const char *filename, char *path, size_t size)
{
	const char *dot = strrchr(filename, '.');
	size_t stem = (dot && dot != filename) ? (size_t)(dot - filename) : strlen(filename);
	const char *ext = filename + stem;
	int n, fd;

	n = snprintf(path, size, "%s/%.*s_XXXXXX%s", dir, (int)stem, filename, ext);
	if (n < 0 || (size_t)n >= size)
		return -VACCEL_ENAMETOOLONG;
	fd = mkostemps(path, (int)strlen(ext), O_CLOEXEC);
	if (fd < 0)
		return -rt_errno_to_vaccel(errno);
	return fd;
}

static int create_file(const char *dir, const char *filename, bool randomize, char *path,
		       size_t size)
{
	int fd, ret;

	if (randomize)
		return create_random(dir, filename, path, size);
	ret = rt_path_join(path, size, dir, filename);
	if (ret)
		return -ret;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EEXIST)
		return -rt_errno_to_vaccel(errno);
	vaccel_warn("File %s already exists", path);
	vaccel_warn("Adding a random suffix to the file name");
	return create_random(dir, filename, path, size);
}

int vaccel_blob_persist(struct vaccel_blob *blob, const char *dir, const char *filename,
			bool randomize)
{
	char path[PATH_MAX];
	char *new_path = NULL, *new_name = NULL;
	struct stat st;
	void *map;
	int fd, ret;

	if (!blob || !dir || !filename || (int)blob->type < 0 || blob->type >= VACCEL_BLOB_MAX ||
	    !blob->data || !blob->size)
		return VACCEL_EINVAL;
	if (blob->path)
		return VACCEL_EEXIST;
	if (!valid_filename(filename)) {
		vaccel_error("Invalid file name for a blob: %.64s", filename);
		return VACCEL_EINVAL;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return VACCEL_ENOENT;

	fd = create_file(dir, filename, randomize, path, sizeof(path));
	if (fd < 0)
		return -fd;
	vaccel_debug("Persisting file %s to %s", base_name(path), path);
	ret = rt_write_all(fd, blob->data, blob->size);
	if (ret)
		goto fail;
	map = mmap(NULL, blob->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		ret = rt_errno_to_vaccel(errno);
		goto fail;
	}
	new_path = strdup(path);
	new_name = strdup(base_name(path));
	if (!new_path || !new_name) {
		munmap(map, blob->size);
		ret = VACCEL_ENOMEM;
		goto fail;
	}
	close(fd);

	free_data(blob);
	free(blob->name);
	blob->name = new_name;
	blob->path = new_path;
	blob->path_owned = true;
	blob->data = map;
	blob->data_owned = true;
	blob->type = VACCEL_BLOB_MAPPED;
	return VACCEL_OK;

fail:
	free(new_path);
	free(new_name);
	close(fd);
	unlink(path);
	return ret;
}

int vaccel_blob_init(struct vaccel_blob *blob, const char *path)
{
	struct stat st;
	char *p, *n;

	if (!blob || !path)
		return VACCEL_EINVAL;
	if (strlen(path) >= PATH_MAX || stat(path, &st) || !S_ISREG(st.st_mode)) {
		vaccel_error("Invalid file %.256s", path);
		return VACCEL_EINVAL;
	}
	p = strdup(path);
	n = strdup(base_name(path));
	if (!p || !n) {
		free(p);
		free(n);
		return VACCEL_ENOMEM;
	}
	*blob = (struct vaccel_blob){.type = VACCEL_BLOB_FILE, .name = n, .path = p};
	return VACCEL_OK;
}

int vaccel_blob_init_from_buf(struct vaccel_blob *blob, const uint8_t *buf, size_t size, bool own,
			      const char *filename, const char *dir, bool randomize)
{
	struct vaccel_blob b = {0};
	int ret;

	if (!blob || !buf || !size || !filename)
		return VACCEL_EINVAL;
	if (!valid_filename(filename)) {
		vaccel_error("Invalid file name for a blob: %.64s", filename);
		return VACCEL_EINVAL;
	}
	b.type = VACCEL_BLOB_BUFFER;
	b.size = size;
	b.name = strdup(filename);
	if (!b.name)
		return VACCEL_ENOMEM;
	if (own) {
		b.data = malloc(size);
		if (!b.data) {
			free(b.name);
			return VACCEL_ENOMEM;
		}
		memcpy(b.data, buf, size);
		b.data_owned = true;
	} else {
		b.data = (uint8_t *)buf; /* aliased: the caller keeps it alive */
	}
	if (dir) {
		ret = vaccel_blob_persist(&b, dir, filename, randomize);
		if (ret) {
			vaccel_blob_release(&b);
			return ret;
		}
	}
	*blob = b;
	return VACCEL_OK;
}

int vaccel_blob_release(struct vaccel_blob *blob)
{
	if (!blob || (int)blob->type < 0 || blob->type >= VACCEL_BLOB_MAX)
		return VACCEL_EINVAL;
	free_data(blob);
	if (blob->path_owned && blob->path) {
		vaccel_debug("Removing file %s", blob->path);
		if (unlink(blob->path))
			vaccel_warn("Could not remove %s: %s", blob->path, strerror(errno));
	}
	free(blob->path);
	free(blob->name);
	memset(blob, 0, sizeof(*blob));
	blob->type = VACCEL_BLOB_MAX;
	return VACCEL_OK;
}

int vaccel_blob_new(struct vaccel_blob **blob, const char *path)
{
	RT_NEW_BODY(blob, b, vaccel_blob_init(b, path));
}

int vaccel_blob_from_buf(struct vaccel_blob **blob, const uint8_t *buf, size_t size, bool own,
			 const char *filename, const char *dir, bool randomize)
{
	RT_NEW_BODY(blob, b,
		    vaccel_blob_init_from_buf(b, buf, size, own, filename, dir, randomize));
}

int vaccel_blob_delete(struct vaccel_blob *blob)
{
	return rt_free_released(blob, vaccel_blob_release(blob));
}

int vaccel_blob_read(struct vaccel_blob *blob)
{
	struct stat st;
	void *map;
	int fd, ret;

	if (!blob || (int)blob->type < 0 || blob->type >= VACCEL_BLOB_MAX)
		return VACCEL_EINVAL;
	if (blob->data)
		return VACCEL_OK;
	if (!blob->path)
		return VACCEL_EINVAL;
	fd = open(blob->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = rt_errno_to_vaccel(errno);
		vaccel_error("Could not open %s: %s", blob->path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		vaccel_error("Cannot read %s: not a non-empty regular file", blob->path);
		close(fd);
		return VACCEL_EINVAL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ret = map == MAP_FAILED ? rt_errno_to_vaccel(errno) : VACCEL_OK;
	close(fd);
	if (ret) {
		vaccel_error("Could not map %s", blob->path);
		return ret;
	}
	blob->data = map;
	blob->size = (size_t)st.st_size;
	blob->type = VACCEL_BLOB_MAPPED;
	blob->data_owned = true; /* our mapping: unmapped at release */
	return VACCEL_OK;
}

uint8_t *vaccel_blob_data(struct vaccel_blob *blob, size_t *size)
{
	if (!blob || vaccel_blob_read(blob))
		return NULL;
	if (size)
		*size = blob->size;
	return blob->data;
}

const char *vaccel_blob_path(struct vaccel_blob *blob)
{
	if (!blob || (blob->type != VACCEL_BLOB_FILE && blob->type != VACCEL_BLOB_MAPPED))
		return NULL;
	return blob->path;
}

bool vaccel_blob_valid(const struct vaccel_blob *blob)
{
	return blob && (int)blob->type >= 0 && blob->type < VACCEL_BLOB_MAX && blob->name &&
	       (blob->path || (blob->data && blob->size));
}
