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

/* Parse an optional iteration count (NULL -> 1). */
static int ex_parse_iterations(const char *arg, unsigned long *iterations)
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

int ex_parse_args(int argc, char **argv, int min_args, int max_args, const char *usage,
		  int iterations_arg, unsigned long *iterations)
{
	if (argc - 1 < min_args || argc - 1 > max_args) {
		fprintf(stderr, "Usage: %s %s\n", argv[0], usage);
		return VACCEL_EINVAL;
	}
	return ex_parse_iterations(argc > iterations_arg ? argv[iterations_arg] : NULL, iterations);
}

static int ex_session_init(struct vaccel_session *sess, uint32_t flags)
{
	int ret = vaccel_session_init(sess, flags);

	if (ret) {
		fprintf(stderr, "Could not initialize session\n");
		return ret;
	}
	printf("Initialized session with id: %" PRId64 "\n", sess->id);
	return VACCEL_OK;
}

static void ex_session_release(struct vaccel_session *sess)
{
	if (vaccel_session_release(sess))
		fprintf(stderr, "Could not release session\n");
}

/* Register a resource made from `what`; on failure it is released again. */
static int resource_register(struct vaccel_resource *res, const char *what,
			     struct vaccel_session *sess)
{
	int ret = vaccel_resource_register(res, sess);

	if (ret) {
		fprintf(stderr, "Could not register resource %s with session\n", what);
		vaccel_resource_release(res);
	}
	return ret;
}

static int ex_resource_attach(struct vaccel_resource *res, const char *path,
			      vaccel_resource_type_t type, struct vaccel_session *sess)
{
	int ret = vaccel_resource_init(res, path, type);

	if (ret) {
		fprintf(stderr, "Could not create resource from %s\n", path);
		return ret;
	}
	return resource_register(res, path, sess);
}

int ex_resource_attach_buf(struct vaccel_resource *res, const void *buf, size_t size,
			   vaccel_resource_type_t type, const char *filename,
			   struct vaccel_session *sess)
{
	int ret = vaccel_resource_init_from_buf(res, buf, size, type, filename, false);

	if (ret) {
		fprintf(stderr, "Could not create resource from buffer\n");
		return ret;
	}
	return resource_register(res, filename, sess);
}

void ex_resource_detach(struct vaccel_resource *res, struct vaccel_session *sess)
{
	if (vaccel_resource_unregister(res, sess))
		fprintf(stderr, "Could not unregister resource\n");
	if (vaccel_resource_release(res))
		fprintf(stderr, "Could not release resource\n");
}

int ex_session_open(struct vaccel_session *sess, uint32_t flags, struct vaccel_resource *res,
		    const char *path, vaccel_resource_type_t type)
{
	int ret = ex_session_init(sess, flags);

	if (ret || !path)
		return ret;
	ret = ex_resource_attach(res, path, type, sess);
	if (ret)
		ex_session_release(sess);
	return ret;
}

void ex_session_close(struct vaccel_session *sess, struct vaccel_resource *res)
{
	if (res)
		ex_resource_detach(res, sess);
	ex_session_release(sess);
}

int ex_repeat(struct vaccel_session *sess, unsigned long iterations, ex_once_fn once, void *ctx)
{
	int ret = VACCEL_OK;

	for (unsigned long i = 0; i < iterations && !ret; i++) {
		ret = once(sess, ctx);
		if (ret)
			fprintf(stderr, "Could not run op: %d\n", ret);
	}
	return ret;
}

int ex_session_repeat(uint32_t flags, unsigned long iterations, ex_once_fn once, void *ctx)
{
	struct vaccel_session sess;
	int ret = ex_session_init(&sess, flags);

	if (ret)
		return ret;
	ret = ex_repeat(&sess, iterations, once, ctx);
	ex_session_release(&sess);
	return ret;
}
