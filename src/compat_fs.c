/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fs_file_read(): an internal helper of upstream vAccel that its example programs import
 * from libvaccel.so.0 (image classification and friends, mbench, exec_with_resource).
 * Exported only so those binaries run unchanged on this runtime (see libvaccel.map);
 * nothing in this tree calls it and it is not declared in our public headers.
 *
 * Contract (upstream's): read the whole regular file `path` into a malloc'd buffer the
 * caller free()s; `size` may be NULL; an empty file is VACCEL_EINVAL; other failures
 * return the errno value (vAccel codes equal errno values).
 */
#include "rt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_file_read(const char *path, void **data, size_t *size);

int fs_file_read(const char *path, void **data, size_t *size)
{
	struct stat st;
	size_t done = 0;
	uint8_t *buf;
	int fd, ret;

	if (!path || !data)
		return VACCEL_EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = errno;
		vaccel_error("Could not open file %s: %s", path, strerror(ret));
		return ret;
	}
	if (fstat(fd, &st) != 0) {
		ret = errno;
		vaccel_error("Could not stat file %s: %s", path, strerror(ret));
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		vaccel_error("File %s is empty or not a regular file", path);
		ret = VACCEL_EINVAL;
		goto close_fd;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		ret = VACCEL_ENOMEM;
		goto close_fd;
	}
	/* A file that shrinks while it is read ends at the new EOF. */
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = errno;
			vaccel_error("Could not read file %s: %s", path, strerror(ret));
			free(buf);
			goto close_fd;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (done == 0) {
		vaccel_error("File %s is empty", path);
		free(buf);
		ret = VACCEL_EINVAL;
		goto close_fd;
	}
	*data = buf;
	if (size)
		*size = done;
	ret = VACCEL_OK;
close_fd:
	close(fd);
	return ret;
}
