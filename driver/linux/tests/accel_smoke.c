// SPDX-License-Identifier: GPL-2.0
/*
 * accel_smoke: exercise /dev/accel in a guest against a real device.
 *
 *   accel_smoke [-k] [-t] [DEVICE]         (default /dev/accel)
 *
 *   -k  also kill processes in the middle of requests (killed waiters, release
 *       with requests in flight), then check the device still works
 *   -t  also run with request_timeout_ms=1 (as root: timed-out waiters,
 *       orphaned CREATE_SESSION), then check the device still works
 *   -u  also unbind the device from the driver while processes use it (as
 *       root: remove() with open files and requests in flight), then bind it
 *       again and check it works
 *
 * Checks the ioctl ABI and the driver's errno conventions (docs/virtio-accel.md
 * §9): validation errors, per-file ownership, large pinned arguments,
 * concurrent requests. Needs a device whose host runs NOOP (op type 0), e.g.
 * vhost-user-accel with the noop plugin. Exit status 0 when every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_accel.h>

/* vAccel's vaccel_arg_type_t values used here. */
#define ARG_INT64 7
#define ARG_UINT8 9
#define ARG_STRING 27
#define ARG_BUFFER 28
#define OP_EXEC_WITH_RESOURCE 2
#define RES_DATA 1

static int failures;
static const char *dev = "/dev/accel";

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (cond) {                                                                        \
			printf("ok   %s:%d ", __func__, __LINE__);                                 \
		} else {                                                                           \
			printf("FAIL %s:%d (%s) ", __func__, __LINE__, #cond);                     \
			failures++;                                                                \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
	} while (0)

static int open_dev(void)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror(dev);
		exit(2);
	}
	return fd;
}

/* ioctl returning -errno, 0 on success. */
static int request(int fd, struct virtio_accel_ioc_req *r)
{
	return ioctl(fd, VIRTIO_ACCEL_IOC_REQUEST, r) ? -errno : 0;
}

static uint64_t create_session(int fd)
{
	struct virtio_accel_ioc_req r = { .code = VIRTIO_ACCEL_C_CREATE_SESSION };
	int ret = request(fd, &r);

	CHECK(!ret && r.status == VIRTIO_ACCEL_S_OK && r.id, "create: ret %d status %u id %llu",
	      ret, r.status, (unsigned long long)r.id);
	return r.id;
}

static int noop(int fd, uint64_t sess, struct virtio_accel_ioc_req *out)
{
	static const uint8_t op = 0;
	struct virtio_accel_ioc_arg rd = { .addr = (uintptr_t)&op, .len = 1, .type = ARG_UINT8 };
	struct virtio_accel_ioc_req r = {
		.code = VIRTIO_ACCEL_C_GENOP,
		.nr_read = 1,
		.session_id = sess,
		.read_args = (uintptr_t)&rd,
	};
	int ret = request(fd, &r);

	if (out)
		*out = r;
	return ret;
}

static void test_info(int fd, struct virtio_accel_ioc_info *info)
{
	int ret = ioctl(fd, VIRTIO_ACCEL_IOC_INFO, info) ? -errno : 0;

	CHECK(!ret && info->version == VIRTIO_ACCEL_PROTOCOL_VERSION && info->num_queues >= 1 &&
		      info->max_args >= VIRTIO_ACCEL_MIN_ARGS && info->max_segments >= 4,
	      "info: version %u queues %u max_args %u max_segments %u max_bytes %llu features %#llx",
	      info->version, info->num_queues, info->max_args, info->max_segments,
	      (unsigned long long)info->max_request_bytes, (unsigned long long)info->features);
	ret = ioctl(fd, _IO(VIRTIO_ACCEL_IOC_MAGIC, 0x7f), 0) ? errno : 0;
	CHECK(ret == ENOTTY, "unknown ioctl: %s", strerror(ret));
	ret = ioctl(fd, VIRTIO_ACCEL_IOC_REQUEST, (void *)16) ? errno : 0;
	CHECK(ret == EFAULT, "bad request pointer: %s", strerror(ret));
}

static void test_validation(int fd, const struct virtio_accel_ioc_info *info, uint64_t sess)
{
	struct virtio_accel_ioc_req r;
	struct virtio_accel_ioc_arg rd[2];
	uint8_t op = 0;
	int ret;

	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_CREATE_SESSION;
	r.reserved0 = 1;
	CHECK(request(fd, &r) == -EINVAL, "reserved0 set -> EINVAL");
	r.reserved0 = 0;
	r.reserved2[1] = 1;
	CHECK(request(fd, &r) == -EINVAL, "reserved2 set -> EINVAL");
	memset(&r, 0, sizeof(r));
	r.code = 99;
	CHECK(request(fd, &r) == -EINVAL, "unknown code -> EINVAL");
	r.code = VIRTIO_ACCEL_C_DESTROY_SESSION;
	r.session_id = sess;
	r.nr_read = 1;
	CHECK(request(fd, &r) == -EINVAL, "args on DESTROY -> EINVAL");

	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_GENOP;
	r.session_id = sess;
	r.nr_read = (uint16_t)info->max_args;
	r.nr_write = 1;
	CHECK(request(fd, &r) == -E2BIG, "max_args + 1 -> E2BIG");

	memset(rd, 0, sizeof(rd));
	rd[0].addr = (uintptr_t)&op;
	rd[0].len = 1;
	rd[1].addr = 4096; /* unmapped */
	rd[1].len = 100;
	r.nr_read = 2;
	r.nr_write = 0;
	r.read_args = (uintptr_t)rd;
	ret = request(fd, &r);
	CHECK(ret == -EFAULT, "unmapped read buffer -> %d", ret);
	r.read_args = 8;
	CHECK(request(fd, &r) == -EFAULT, "unmapped arg array -> EFAULT");

	/* Low, so the range stays inside user space: only the size is wrong. */
	rd[1].addr = 0x10000;
	rd[1].len = info->max_request_bytes;
	r.read_args = (uintptr_t)rd;
	ret = request(fd, &r);
	CHECK(ret == -E2BIG, "request over max_request_bytes -> %d", ret);
}

static void test_ownership(int fd, uint64_t sess)
{
	struct virtio_accel_ioc_req r;
	int fd2 = open_dev();
	uint64_t sess2;
	int ret;

	ret = noop(fd, sess, &r);
	CHECK(!ret && r.status == VIRTIO_ACCEL_S_OK && r.vaccel_ret == 0,
	      "noop in own session: ret %d status %u vaccel_ret %d", ret, r.status, r.vaccel_ret);
	CHECK(noop(fd, sess + 1000, NULL) == -EPERM, "unknown session -> EPERM");
	CHECK(noop(fd2, sess, NULL) == -EPERM, "other file's session -> EPERM");

	sess2 = create_session(fd2);
	CHECK(noop(fd, sess2, NULL) == -EPERM, "session of fd2 from fd -> EPERM");
	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_DESTROY_SESSION;
	r.session_id = sess2;
	CHECK(request(fd, &r) == -EPERM, "destroy other file's session -> EPERM");
	r.status = 0xff;
	ret = request(fd2, &r);
	CHECK(!ret && r.status == VIRTIO_ACCEL_S_OK, "destroy own session: ret %d status %u", ret,
	      r.status);
	CHECK(noop(fd2, sess2, NULL) == -EPERM, "destroyed session is forgotten -> EPERM");

	/* Left for release() to destroy. */
	create_session(fd2);
	close(fd2);
}

/* REGISTER_RESOURCE of a new DATA resource with one file; returns its id. */
static uint64_t register_data(int fd, uint64_t sess)
{
	static const char name[] = "data.bin", body[] = "hello";
	struct virtio_accel_ioc_arg rd[2] = {
		{ .addr = (uintptr_t)name, .len = sizeof(name), .type = ARG_STRING },
		{ .addr = (uintptr_t)body, .len = sizeof(body) - 1, .type = ARG_BUFFER },
	};
	struct virtio_accel_ioc_req r = {
		.code = VIRTIO_ACCEL_C_REGISTER_RESOURCE,
		.nr_read = 2,
		.flags = RES_DATA,
		.session_id = sess,
		.read_args = (uintptr_t)rd,
	};
	int ret = request(fd, &r);

	CHECK(!ret && r.status == VIRTIO_ACCEL_S_OK && r.id, "register: ret %d status %u id %llu",
	      ret, r.status, (unsigned long long)r.id);
	return r.id;
}

/* GENOP EXEC_WITH_RESOURCE naming @res (the driver checks it is ours). */
static int exec_res(int fd, uint64_t sess, uint64_t res, uint64_t res_len,
		    struct virtio_accel_ioc_req *out)
{
	static const uint8_t op = OP_EXEC_WITH_RESOURCE;
	static const char sym[] = "f";
	struct virtio_accel_ioc_arg rd[3] = {
		{ .addr = (uintptr_t)&op, .len = 1, .type = ARG_UINT8 },
		{ .addr = (uintptr_t)&res, .len = res_len, .type = ARG_INT64 },
		{ .addr = (uintptr_t)sym, .len = sizeof(sym), .type = ARG_STRING },
	};
	struct virtio_accel_ioc_req r = {
		.code = VIRTIO_ACCEL_C_GENOP,
		.nr_read = 3,
		.session_id = sess,
		.read_args = (uintptr_t)rd,
	};
	int ret = request(fd, &r);

	if (out)
		*out = r;
	return ret;
}

static void test_resources(int fd, uint64_t sess)
{
	struct virtio_accel_ioc_req r;
	int fd2 = open_dev();
	uint64_t sess2 = create_session(fd2);
	uint64_t res = register_data(fd, sess);
	int ret;

	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_REGISTER_RESOURCE;
	r.session_id = sess2;
	r.object_id = res;
	CHECK(request(fd2, &r) == -EPERM, "link other file's resource -> EPERM");
	CHECK(exec_res(fd2, sess2, res, 8, NULL) == -EPERM, "exec other file's resource -> EPERM");
	ret = exec_res(fd, sess, res, 8, &r);
	CHECK(!ret, "exec own resource reaches the device: ret %d status %u vaccel_ret %d", ret,
	      r.status, r.vaccel_ret);
	CHECK(exec_res(fd, sess, res, 4, NULL) == -EINVAL, "resource id not 8 bytes -> EINVAL");

	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_UNREGISTER_RESOURCE;
	r.session_id = sess;
	r.object_id = res;
	ret = request(fd, &r);
	CHECK(!ret && r.status == VIRTIO_ACCEL_S_OK, "unregister: ret %d status %u", ret, r.status);
	CHECK(exec_res(fd, sess, res, 8, NULL) == -EPERM, "unregistered resource -> EPERM");
	close(fd2);
}

static void test_large(int fd, uint64_t sess, const struct virtio_accel_ioc_info *info)
{
	const size_t big = 256u << 20;
	struct virtio_accel_ioc_arg rd[2], wr[1];
	struct virtio_accel_ioc_req r;
	uint8_t op = 0;
	uint8_t *in, *out;
	int ret;

	if (info->max_request_bytes < 2 * big + 4096) {
		printf("skip large arguments: max_request_bytes %llu\n",
		       (unsigned long long)info->max_request_bytes);
		return;
	}
	in = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	out = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (in == MAP_FAILED || out == MAP_FAILED) {
		printf("skip large arguments: %s\n", strerror(errno));
		return;
	}
	memset(in, 0x5a, big);
	memset(rd, 0, sizeof(rd));
	memset(wr, 0, sizeof(wr));
	rd[0].addr = (uintptr_t)&op;
	rd[0].len = 1;
	rd[0].type = ARG_UINT8;
	rd[1].addr = (uintptr_t)in + 3; /* unaligned on purpose */
	rd[1].len = big - 3;
	wr[0].addr = (uintptr_t)out;
	wr[0].len = big;
	memset(&r, 0, sizeof(r));
	r.code = VIRTIO_ACCEL_C_GENOP;
	r.session_id = sess;
	r.nr_read = 2;
	r.nr_write = 1;
	r.read_args = (uintptr_t)rd;
	r.write_args = (uintptr_t)wr;
	ret = request(fd, &r);
	/* The transport must carry it; what NOOP makes of extra args is the host's business. */
	CHECK(ret == 0 || ret == -E2BIG,
	      "256 MiB in + 256 MiB out: ret %d status %u vaccel_ret %d out_len %llu", ret,
	      r.status, r.vaccel_ret, (unsigned long long)wr[0].len);
	if (!ret)
		CHECK(wr[0].len <= big, "out_len within capacity");

	/* A read-only buffer cannot be a write argument. */
	mprotect(out, 4096, PROT_READ);
	wr[0].len = 4096;
	rd[1].len = 16;
	ret = request(fd, &r);
	CHECK(ret == -EFAULT, "read-only write buffer -> %d", ret);
	munmap(in, big);
	munmap(out, big);
}

struct worker {
	int fd;
	uint64_t sess;
	int errors;
};

static void *hammer(void *p)
{
	struct worker *w = p;
	struct virtio_accel_ioc_req r;
	int i;

	for (i = 0; i < 2000; i++)
		if (noop(w->fd, w->sess, &r) || r.status != VIRTIO_ACCEL_S_OK)
			w->errors++;
	return NULL;
}

static void test_concurrency(void)
{
	enum { N = 16 };
	struct worker w[N];
	pthread_t t[N];
	int i, errors = 0;

	for (i = 0; i < N; i++) {
		w[i].fd = open_dev();
		w[i].sess = create_session(w[i].fd);
		w[i].errors = 0;
		pthread_create(&t[i], NULL, hammer, &w[i]);
	}
	for (i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		errors += w[i].errors;
		close(w[i].fd);
	}
	CHECK(errors == 0, "%d threads x 2000 noops: %d errors", N, errors);
}

/* A request with a large read argument: slow enough to be caught in flight. */
static int slow_noop(int fd, uint64_t sess, const void *buf, size_t len)
{
	static const uint8_t op = 0;
	struct virtio_accel_ioc_arg rd[2] = {
		{ .addr = (uintptr_t)&op, .len = 1, .type = ARG_UINT8 },
		{ .addr = (uintptr_t)buf, .len = len },
	};
	struct virtio_accel_ioc_req r = {
		.code = VIRTIO_ACCEL_C_GENOP,
		.nr_read = 2,
		.session_id = sess,
		.read_args = (uintptr_t)rd,
	};

	return request(fd, &r);
}

static void churn(int fd, const void *buf, size_t len, int rounds, int *timeouts)
{
	struct virtio_accel_ioc_req r;
	int i, ret;

	for (i = 0; rounds < 0 || i < rounds; i++) {
		memset(&r, 0, sizeof(r));
		r.code = VIRTIO_ACCEL_C_CREATE_SESSION;
		ret = request(fd, &r);
		if (ret == -ETIMEDOUT && timeouts)
			(*timeouts)++;
		if (ret)
			continue;
		ret = slow_noop(fd, r.id, buf, len);
		if (ret == -ETIMEDOUT && timeouts)
			(*timeouts)++;
		/* Every other session is left for release() to destroy. */
		if (i & 1)
			continue;
		r.code = VIRTIO_ACCEL_C_DESTROY_SESSION;
		r.session_id = r.id;
		r.id = 0;
		ret = request(fd, &r);
		if (ret == -ETIMEDOUT && timeouts)
			(*timeouts)++;
	}
}

static void check_still_works(const char *what)
{
	struct virtio_accel_ioc_req r;
	int fd = open_dev();
	uint64_t sess = create_session(fd);
	int ret = noop(fd, sess, &r);

	CHECK(!ret && r.status == VIRTIO_ACCEL_S_OK && r.vaccel_ret == 0,
	      "after %s: noop ret %d status %u vaccel_ret %d", what, ret, r.status, r.vaccel_ret);
	close(fd);
}

static void test_kill(void)
{
	enum { CHILDREN = 8, ROUNDS = 5 };
	const size_t len = 32u << 20;
	int round, i, killed = 0;

	for (round = 0; round < ROUNDS; round++) {
		pid_t pid[CHILDREN];

		for (i = 0; i < CHILDREN; i++) {
			pid[i] = fork();
			if (!pid[i]) {
				void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				int fd = open_dev();

				if (buf == MAP_FAILED)
					_exit(3);
				memset(buf, 1, len);
				churn(fd, buf, len, -1, NULL);
				_exit(0);
			}
		}
		usleep(200000 + 100000 * round);
		for (i = 0; i < CHILDREN; i++) {
			int st;

			kill(pid[i], SIGKILL);
			waitpid(pid[i], &st, 0);
			killed += WIFSIGNALED(st);
		}
	}
	CHECK(killed == CHILDREN * ROUNDS, "%d processes killed mid-request", killed);
	check_still_works("killed waiters");
}

static int set_timeout(const char *ms)
{
	int fd = open("/sys/module/virtio_accel/parameters/request_timeout_ms", O_WRONLY);
	int ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, ms, strlen(ms)) == (ssize_t)strlen(ms);
	close(fd);
	return ok ? 0 : -EIO;
}

static void test_timeout(void)
{
	const size_t len = 64u << 20;
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd, timeouts = 0;

	if (buf == MAP_FAILED || set_timeout("1")) {
		printf("skip timeouts: need root and memory\n");
		return;
	}
	memset(buf, 2, len);
	fd = open_dev();
	churn(fd, buf, len, 40, &timeouts);
	close(fd);
	set_timeout("0");
	/* Whether any request was slower than 1 ms depends on the machine. */
	printf("info test_timeout: %d requests timed out\n", timeouts);
	munmap(buf, len);
	check_still_works("timeouts");
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -EIO;
}

static void test_unbind(void)
{
	enum { CHILDREN = 4 };
	const size_t len = 16u << 20;
	const char *node = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char link[256], target[256];
	struct virtio_accel_ioc_info info;
	const char *vdev;
	pid_t pid[CHILDREN];
	int i, ok = 0, fd;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/misc/%s/device", node);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0) {
		printf("skip unbind: %s: %s\n", link, strerror(errno));
		return;
	}
	target[n] = 0;
	vdev = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;

	for (i = 0; i < CHILDREN; i++) {
		pid[i] = fork();
		if (!pid[i]) {
			void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			int cfd = open_dev();
			uint64_t sess = create_session(cfd);
			int ret = 0, k;

			if (buf == MAP_FAILED)
				_exit(3);
			memset(buf, 3, len);
			for (k = 0; k < 100000 && ret != -ENODEV; k++)
				ret = i & 1 ? slow_noop(cfd, sess, buf, len)
					    : noop(cfd, sess, NULL);
			/* Everything on a removed device fails the same way. */
			if (ret == -ENODEV && ioctl(cfd, VIRTIO_ACCEL_IOC_INFO, &info) &&
			    errno == ENODEV)
				_exit(0);
			_exit(1);
		}
	}
	/* Also a file that is only open. */
	fd = open_dev();
	usleep(500000);
	CHECK(!write_file("/sys/bus/virtio/drivers/virtio_accel/unbind", vdev), "unbind %s", vdev);
	for (i = 0; i < CHILDREN; i++) {
		int st;

		waitpid(pid[i], &st, 0);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	CHECK(ok == CHILDREN, "%d of %d users saw ENODEV after removal", ok, CHILDREN);
	close(fd);
	CHECK(!write_file("/sys/bus/virtio/drivers/virtio_accel/bind", vdev), "bind %s", vdev);
	for (i = 0; i < 50 && access(dev, F_OK); i++)
		usleep(100000);
	check_still_works("unbind + bind");
}

int main(int argc, char **argv)
{
	struct virtio_accel_ioc_info info;
	int do_kill = 0, do_timeout = 0, do_unbind = 0;
	uint64_t sess;
	int fd, opt;

	while ((opt = getopt(argc, argv, "ktu")) != -1) {
		if (opt == 'k')
			do_kill = 1;
		else if (opt == 't')
			do_timeout = 1;
		else if (opt == 'u')
			do_unbind = 1;
		else
			return 2;
	}
	if (optind < argc)
		dev = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_dev();
	test_info(fd, &info);
	sess = create_session(fd);
	test_validation(fd, &info, sess);
	test_ownership(fd, sess);
	test_resources(fd, sess);
	test_large(fd, sess, &info);
	test_concurrency();
	close(fd);
	if (do_kill)
		test_kill();
	if (do_timeout)
		test_timeout();
	if (do_unbind)
		test_unbind();
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
