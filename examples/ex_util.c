// SPDX-License-Identifier: Apache-2.0
/* Helpers shared by the example programs (public API only). */
#include "ex_util.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Refuse absurd inputs instead of trying to allocate them. */
#define EX_MAX_FILE_SIZE (1UL << 30)
#define EX_MAX_ITERATIONS 1000000UL

int ex_read_file(const char *path, void **buf, size_t *size)
{
	struct stat st;
	size_t done = 0;
	uint8_t *data;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = errno == ENOENT ? VACCEL_ENOENT : VACCEL_EIO;
		fprintf(stderr, "Could not open %s: %s\n", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long)st.st_size > EX_MAX_FILE_SIZE) {
		fprintf(stderr, "%s is not a readable, non-empty regular file\n", path);
		ret = VACCEL_EINVAL;
		goto out_close;
	}
	data = malloc((size_t)st.st_size);
	if (!data) {
		ret = VACCEL_ENOMEM;
		goto out_close;
	}
	/* Stop at EOF too: the file may shrink while it is read. */
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, data + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done == 0) {
		fprintf(stderr, "Could not read %s\n", path);
		free(data);
		ret = VACCEL_EIO;
		goto out_close;
	}
	*buf = data;
	*size = done;
	ret = VACCEL_OK;
out_close:
	close(fd);
	return ret;
}

int ex_parse_iterations(const char *arg, unsigned long *iterations)
{
	char *end;
	unsigned long n;

	if (!arg) {
		*iterations = 1;
		return VACCEL_OK;
	}
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n > EX_MAX_ITERATIONS) {
		fprintf(stderr, "Invalid iteration count '%s' (0..%lu)\n", arg, EX_MAX_ITERATIONS);
		return VACCEL_EINVAL;
	}
	*iterations = n;
	return VACCEL_OK;
}

int ex_session_init(struct vaccel_session *sess, uint32_t flags)
{
	int ret = vaccel_session_init(sess, flags);

	if (ret) {
		fprintf(stderr, "Could not initialize session\n");
		return ret;
	}
	printf("Initialized session with id: %" PRId64 "\n", sess->id);
	return VACCEL_OK;
}

void ex_session_release(struct vaccel_session *sess)
{
	if (vaccel_session_release(sess))
		fprintf(stderr, "Could not release session\n");
}

int ex_resource_attach(struct vaccel_resource *res, const char *path, vaccel_resource_type_t type,
		       struct vaccel_session *sess)
{
	int ret = vaccel_resource_init(res, path, type);

	if (ret) {
		fprintf(stderr, "Could not create resource from %s\n", path);
		return ret;
	}
	ret = vaccel_resource_register(res, sess);
	if (ret) {
		fprintf(stderr, "Could not register resource %s with session\n", path);
		vaccel_resource_release(res);
	}
	return ret;
}

void ex_resource_detach(struct vaccel_resource *res, struct vaccel_session *sess)
{
	if (vaccel_resource_unregister(res, sess))
		fprintf(stderr, "Could not unregister resource\n");
	if (vaccel_resource_release(res))
		fprintf(stderr, "Could not release resource\n");
}
