// SPDX-License-Identifier: GPL-2.0
/*
 * accel_smoke: exercise the driver's node in a guest against a real device.
 *
 *   accel_smoke [-k] [-t] [-u] [-P] [-H] [-S LIB [-W N]] [DEVICE]   (default /dev/vaccel)
 *
 *   -k  also kill processes in the middle of requests (killed waiters, release
 *       with requests in flight), then check the device still works
 *   -t  also run with request_timeout_ms=1 (as root: timed-out waiters,
 *       orphaned CREATE_SESSION), then check the device still works
 *   -u  also unbind the device from the driver while processes use it (as
 *       root: remove() with open files and requests in flight), then bind it
 *       again and check it works
 *   -P  also suspend to RAM for 3 s (as root, rtc0 wakes the guest): ids of
 *       open files name nothing afterwards, and the device works
 *   -H  only hold a session and sleep (for a power-off test: the driver
 *       destroys it on the host as the guest shuts down)
 *   -S LIB  a slow device: the host's exec plugin runs LIB's mytestfunc_sleep
 *       on every worker of every queue (-W N workers per queue, default 2),
 *       which holds the rings full (the driver loaded with indirect_desc=0,
 *       so that a few long chains fill a ring). Then: a DESTROY that is killed or times
 *       out forgets its id; close() does not wait for ring space; processes
 *       waiting in the driver can be frozen (cgroup v1 freezer); and every
 *       request completes once the sleeps end. Needs root, a CPU per queue
 *       to reach every queue, and rings of at most 2048 entries.
 *
 * Checks the ioctl ABI and the driver's errno conventions (docs/virtio-accel.md
 * §9): validation errors, per-file ownership, large pinned arguments,
 * chains longer than the ring, RLIMIT_MEMLOCK, concurrent requests. Needs a
 * device whose host runs NOOP (op type 0), e.g. vhost-user-accel with the
 * noop plugin (-S: the exec plugin). Exit status 0 when every check passed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_accel.h>
#include <linux/virtio_ring.h>

/* vAccel's vaccel_arg_type_t values used here. */
#define ARG_INT32 5
#define ARG_INT64 7
#define ARG_UINT8 9
#define ARG_STRING 27
#define ARG_BUFFER 28
#define OP_EXEC 1
#define OP_EXEC_WITH_RESOURCE 2
#define RES_DATA 1

static int failures;
static const char *dev = "/dev/vaccel";
/* The driver's hard cap on descriptors per chain (VIRTACCEL_MAX_SEGMENTS). */
#define DRIVER_MAX_SEGMENTS 256

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
	/* A chain never exceeds the ring, and its indirect table stays one page. */
	CHECK(info->max_segments <= DRIVER_MAX_SEGMENTS, "max_segments %u <= %u",
	      info->max_segments, DRIVER_MAX_SEGMENTS);
	ret = lseek(fd, 0, SEEK_SET) < 0 ? errno : 0;
	CHECK(ret == ESPIPE, "lseek: %s", strerror(ret));
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
	/*
	 * The transport must carry it, however fragmented the pages are (copied
	 * into chunks when the chain would be too long); what NOOP makes of
	 * extra args is the host's business.
	 */
	CHECK(ret == 0, "256 MiB in + 256 MiB out: ret %d status %u vaccel_ret %d out_len %llu",
	      ret, r.status, r.vaccel_ret, (unsigned long long)wr[0].len);
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

static int set_timeout(const char *ms)
{
	return write_file("/sys/module/virtio_accel/parameters/request_timeout_ms", ms);
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

/* A NOOP with one extra read arg and, when @wbuf, one write arg. */
static int noop_args(int fd, uint64_t sess, const void *rbuf, size_t rlen, void *wbuf, size_t wlen)
{
	static const uint8_t op = 0;
	struct virtio_accel_ioc_arg rd[2] = {
		{ .addr = (uintptr_t)&op, .len = 1, .type = ARG_UINT8 },
		{ .addr = (uintptr_t)rbuf, .len = rlen },
	};
	struct virtio_accel_ioc_arg wr = { .addr = (uintptr_t)wbuf, .len = wlen };
	struct virtio_accel_ioc_req r = {
		.code = VIRTIO_ACCEL_C_GENOP,
		.nr_read = 2,
		.nr_write = wbuf ? 1 : 0,
		.session_id = sess,
		.read_args = (uintptr_t)rd,
		.write_args = (uintptr_t)&wr,
	};
	int ret = request(fd, &r);

	return ret ? ret : r.status == VIRTIO_ACCEL_S_OK ? 0 : -1000 - r.status;
}

/*
 * @n consecutive virtual pages that all map one physical page: pinned, no
 * two of them are contiguous, so each is a descriptor of its own.
 */
static uint8_t *aliased_pages(size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = memfd_create("accel-smoke", MFD_CLOEXEC);
	uint8_t *base;
	size_t i;

	if (fd < 0 || ftruncate(fd, pg))
		return NULL;
	base = mmap(NULL, n * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; base != MAP_FAILED && i < n; i++) {
		if (mmap(base + i * pg, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
			 0) == MAP_FAILED) {
			munmap(base, n * pg);
			base = MAP_FAILED;
		}
	}
	close(fd);
	if (base == MAP_FAILED)
		return NULL;
	memset(base, 0x6b, pg);
	return base;
}

struct chain_worker {
	int fd;
	uint64_t sess;
	const uint8_t *buf;
	size_t len;
	int rounds;
	int errors;
};

static void *chain_worker(void *p)
{
	struct chain_worker *w = p;
	int i;

	for (i = 0; i < w->rounds; i++)
		if (noop_args(w->fd, w->sess, w->buf, w->len, NULL, 0))
			w->errors++;
	return NULL;
}

/*
 * Chains longer than the ring: a chain of exactly max_segments descriptors,
 * ones four times too long (read and write side), which the driver shortens
 * by copying, and 8 threads sending ring-long chains at once (without
 * indirect descriptors each fills the ring: ring-full waits).
 */
static void test_long_chains(int fd, uint64_t sess, const struct virtio_accel_ioc_info *info)
{
	enum { THREADS = 8 };
	size_t segs =
		info->max_segments < DRIVER_MAX_SEGMENTS ? info->max_segments : DRIVER_MAX_SEGMENTS;
	size_t pg = sysconf(_SC_PAGESIZE), fit = segs - 2, many = 4 * segs;
	uint8_t *al = aliased_pages(many), *out;
	struct chain_worker w[THREADS];
	pthread_t t[THREADS];
	int i, ret, errors = 0;

	if (!al) {
		CHECK(0, "aliased mapping: %s", strerror(errno));
		return;
	}
	/* Header, one descriptor per page, response: max_segments exactly. */
	ret = noop_args(fd, sess, al, fit * pg, NULL, 0);
	CHECK(ret == 0, "chain of max_segments (%zu pages): %d", fit, ret);
	ret = noop_args(fd, sess, al, many * pg, NULL, 0);
	CHECK(ret == 0, "read arg of %zu unmergeable pages (4 x max_segments): %d", many, ret);
	/* A write arg the same: copied in, written, copied back. */
	out = aliased_pages(many);
	ret = out ? noop_args(fd, sess, al, pg, out, many * pg) : -errno;
	CHECK(ret == 0, "write arg of %zu unmergeable pages: %d", many, ret);
	CHECK(out && out[0] == 0x6b && out[many * pg - 1] == 0x6b,
	      "bounced write buffer keeps what the device left in it");
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct chain_worker){
			.fd = fd, .sess = sess, .buf = al, .len = fit * pg, .rounds = 8
		};
		if (pthread_create(&t[i], NULL, chain_worker, &w[i])) {
			CHECK(0, "thread %d: cannot start", i);
			break;
		}
	}
	while (i--) {
		pthread_join(t[i], NULL);
		errors += w[i].errors;
	}
	CHECK(errors == 0, "%d threads x 8 ring-long chains: %d errors", THREADS, errors);
	munmap(al, many * pg);
	if (out)
		munmap(out, many * pg);
}

/*
 * Pinned pages are charged to the user against RLIMIT_MEMLOCK: a process
 * without CAP_IPC_LOCK and a 1 MiB limit cannot pin 4 MiB, and the charge
 * of a finished request is returned.
 */
static void test_memlock(void)
{
	const size_t limit = 1u << 20, big = 4u << 20, small = limit / 2;
	pid_t pid;
	int st;

	if (geteuid()) {
		printf("skip memlock: needs root to drop to another user\n");
		return;
	}
	pid = fork();
	if (!pid) {
		struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
		uint8_t *buf =
			mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int cfd = open_dev(), ret;
		uint64_t sess;

		if (buf == MAP_FAILED || setrlimit(RLIMIT_MEMLOCK, &rl) || setgroups(0, NULL) ||
		    setgid(65534) || setuid(65534))
			_exit(100);
		memset(buf, 4, big);
		sess = create_session(cfd);
		ret = noop_args(cfd, sess, buf, big, NULL, 0);
		CHECK(ret == -ENOMEM, "4 MiB with a 1 MiB RLIMIT_MEMLOCK -> %d (ENOMEM)", ret);
		ret = noop_args(cfd, sess, buf, small, NULL, 0);
		CHECK(ret == 0, "512 KiB within the limit: %d", ret);
		ret = noop_args(cfd, sess, buf, small, NULL, 0);
		CHECK(ret == 0, "again (the first charge was returned): %d", ret);
		_exit(failures);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 100, "memlock child ran (status %#x)", st);
	if (WIFEXITED(st) && WEXITSTATUS(st) != 100)
		failures += WEXITSTATUS(st);
}

#ifdef __aarch64__
/* Tagged user pointers (arm64 TBI): the driver checks and pins the untagged address. */
static void test_tagged(int fd, uint64_t sess)
{
	const size_t len = 64u << 10;
	uint8_t *buf = malloc(len);
	int ret;

	if (!buf || prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 0, 0, 0)) {
		printf("skip tagged pointers: %s\n", strerror(errno));
		free(buf);
		return;
	}
	memset(buf, 5, len);
	ret = noop_args(fd, sess, (uint8_t *)((uintptr_t)buf | (0x5aull << 56)), len, NULL, 0);
	CHECK(ret == 0, "64 KiB read arg at a tagged address: %d", ret);
	free(buf);
}
#else
static void test_tagged(int fd, uint64_t sess)
{
	(void)fd;
	(void)sess;
	printf("skip tagged pointers: arm64 only here\n");
}
#endif

static int destroy_session(int fd, uint64_t sess)
{
	struct virtio_accel_ioc_req r = {
		.code = VIRTIO_ACCEL_C_DESTROY_SESSION,
		.session_id = sess,
	};

	return request(fd, &r);
}

/* Suspend to RAM; rtc0 wakes the guest after 3 s. */
static int suspend_to_ram(void)
{
	if (write_file("/sys/class/rtc/rtc0/wakealarm", "0") ||
	    write_file("/sys/class/rtc/rtc0/wakealarm", "+3"))
		return -1;
	return write_file("/sys/power/state", "mem");
}

/*
 * Suspend resets the device: the driver destroys every open file's sessions
 * first and empties the files' tables, so an id from before names nothing
 * afterwards (EPERM), and the file goes on with new sessions.
 */
static void test_suspend(void)
{
	int fd = open_dev(), ret;
	uint64_t sess = create_session(fd), fresh;
	struct virtio_accel_ioc_req r;

	CHECK(noop(fd, sess, &r) == 0, "noop before suspend");
	ret = suspend_to_ram();
	CHECK(ret == 0, "suspend to RAM and resume: %d", ret);
	ret = noop(fd, sess, &r);
	CHECK(ret == -EPERM, "session from before the suspend -> %d (EPERM)", ret);
	ret = destroy_session(fd, sess);
	CHECK(ret == -EPERM, "destroy it -> %d (EPERM)", ret);
	fresh = create_session(fd);
	ret = noop(fd, fresh, &r);
	CHECK(ret == 0 && r.status == VIRTIO_ACCEL_S_OK,
	      "same file, new session after resume: ret %d status %u", ret, r.status);
	close(fd);
	check_still_works("suspend");
}

/* GENOP EXEC of LIB's mytestfunc_sleep for @ms. */
static int exec_sleep(int fd, uint64_t sess, const char *lib, int32_t ms)
{
	static const uint8_t op = OP_EXEC;
	static const char sym[] = "mytestfunc_sleep";
	int32_t res = 0;
	struct virtio_accel_ioc_arg rd[4] = {
		{ .addr = (uintptr_t)&op, .len = 1, .type = ARG_UINT8 },
		{ .addr = (uintptr_t)lib, .len = strlen(lib) + 1, .type = ARG_STRING },
		{ .addr = (uintptr_t)sym, .len = sizeof(sym), .type = ARG_STRING },
		{ .addr = (uintptr_t)&ms, .len = sizeof(ms), .type = ARG_INT32 },
	};
	struct virtio_accel_ioc_arg wr = { .addr = (uintptr_t)&res,
					   .len = sizeof(res),
					   .type = ARG_INT32 };
	struct virtio_accel_ioc_req r = {
		.code = VIRTIO_ACCEL_C_GENOP,
		.nr_read = 4,
		.nr_write = 1,
		.session_id = sess,
		.read_args = (uintptr_t)rd,
		.write_args = (uintptr_t)&wr,
	};
	int ret = request(fd, &r);

	if (ret)
		return ret;
	return r.status == VIRTIO_ACCEL_S_OK && !r.vaccel_ret && res == 2 * ms ? 0 : -EPROTO;
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sleeper {
	int fd;
	uint64_t sess;
	const char *lib;
	int cpu;
	int32_t ms;
	int ret;
};

static void *sleeper(void *p)
{
	struct sleeper *s = p;

	pin_to_cpu(s->cpu);
	s->ret = exec_sleep(s->fd, s->sess, s->lib, s->ms);
	return NULL;
}

struct filler {
	int fd;
	uint64_t sess;
	const uint8_t *buf; /* NULL: a plain NOOP (2 descriptors) */
	size_t len;
	int ok;
};

static void *filler(void *p)
{
	struct filler *f = p;
	struct virtio_accel_ioc_req r;

	if (f->buf ? !noop_args(f->fd, f->sess, f->buf, f->len, NULL, 0)
		   : !noop(f->fd, f->sess, &r) && r.status == VIRTIO_ACCEL_S_OK)
		__atomic_fetch_add(&f->ok, 1, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * A process on @cpu whose threads each send one NOOP in @sess: first @nlong
 * with @len bytes of @buf (max_segments descriptors each, so that a few fill
 * a ring without indirect descriptors), then @nshort plain ones for the
 * slots left. Exits 0 if all succeeded.
 */
static pid_t spawn_fillers(int fd, uint64_t sess, int cpu, const uint8_t *buf, size_t len,
			   int nlong, int nshort)
{
	pid_t pid = fork();
	struct filler lf = { .fd = fd, .sess = sess, .buf = buf, .len = len };
	struct filler sf = { .fd = fd, .sess = sess };
	pthread_attr_t attr;
	pthread_t *t;
	int i, n = nlong + nshort;

	if (pid)
		return pid;
	/* Only the parent may hold its other files: their release is under test. */
	for (i = 3; i < 1024; i++)
		if (i != fd)
			close(i);
	pin_to_cpu(cpu);
	t = calloc(n, sizeof(*t));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	for (i = 0; i < n; i++) {
		if (i == nlong)
			usleep(300000); /* the long chains take the ring first */
		if (pthread_create(&t[i], &attr, filler, i < nlong ? &lf : &sf))
			_exit(2);
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	_exit(lf.ok == nlong && sf.ok == nshort ? 0 : 1);
}

/* Threads of @pid sleeping in @fn (from /proc/PID/task/TID/wchan). */
static int threads_in(pid_t pid, const char *fn)
{
	char path[320], wchan[64];
	struct dirent *e;
	DIR *d;
	int n = 0, f;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", (int)pid, e->d_name);
		f = open(path, O_RDONLY);
		len = f < 0 ? -1 : read(f, wchan, sizeof(wchan) - 1);
		if (f >= 0)
			close(f);
		if (len > 0) {
			wchan[len] = 0;
			n += !strcmp(wchan, fn);
		}
	}
	if (d)
		closedir(d);
	return n;
}

/*
 * Freeze @n processes with the cgroup v1 freezer (the same freezer as
 * suspend): FROZEN only if no task sleeps in a non-freezable wait.
 * Returns 1 frozen, 0 still freezing after 3 s, -1 no freezer here.
 */
static int freeze_processes(const pid_t *pids, int n)
{
	const char *root = "/tmp/accel-smoke-freezer", *cg = "/tmp/accel-smoke-freezer/smoke";
	char path[128], pid[16], state[32] = "";
	int i, frozen = 0, f;
	ssize_t len;

	mkdir(root, 0755);
	if (mount("freezer", root, "cgroup", 0, "freezer") && errno != EBUSY)
		return -1;
	mkdir(cg, 0755);
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	for (i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%d", (int)pids[i]);
		if (write_file(path, pid))
			return -1;
	}
	snprintf(path, sizeof(path), "%s/freezer.state", cg);
	write_file(path, "FROZEN");
	for (i = 0; i < 30 && !frozen; i++) {
		usleep(100000);
		f = open(path, O_RDONLY);
		len = f < 0 ? -1 : read(f, state, sizeof(state) - 1);
		if (f >= 0)
			close(f);
		state[len > 0 ? len : 0] = 0;
		frozen = !strncmp(state, "FROZEN", 6);
	}
	printf("info freezer: %s", state);
	write_file(path, "THAWED");
	return frozen;
}

/*
 * The slow device (-S): every worker of every reachable queue runs a long
 * sleep, so requests stay on the rings and the rings fill up.
 */
static void test_slow_device(const char *lib, int workers, const struct virtio_accel_ioc_info *info)
{
	enum { SLEEP_MS = 9000, MAX_SLEEPERS = 64, FILL_LONG = 8, FILL_SHORT = 200 };
	size_t pg = sysconf(_SC_PAGESIZE), segs = info->max_segments;
	uint8_t *al = aliased_pages(segs - 2);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int queues = (long)info->num_queues < ncpu ? (int)info->num_queues : (int)ncpu;
	int nsleep = queues * workers, i, ret, st, ok;
	struct sleeper sl[MAX_SLEEPERS];
	pthread_t st_t[MAX_SLEEPERS];
	pid_t fill[MAX_SLEEPERS], child;
	int fa = open_dev(), fb = open_dev(), fc = open_dev(), ff = open_dev();
	uint64_t sa = create_session(fa), sb = create_session(fb), sf = create_session(ff);
	double t0;

	if (geteuid() || nsleep > MAX_SLEEPERS || !al) {
		printf("skip slow device: needs root, at most %d sleepers, an aliased mapping\n",
		       MAX_SLEEPERS);
		return;
	}
	/* A few chains fill a ring only when they are in it (indirect_desc=0). */
	CHECK(!(info->features & (1ull << VIRTIO_RING_F_INDIRECT_DESC)),
	      "the driver uses no indirect descriptors (indirect_desc=0)");
	create_session(fc);
	/* Every queue's workers asleep on the host: from now on nothing is popped. */
	for (i = 0; i < nsleep; i++) {
		sl[i] = (struct sleeper){
			.fd = open_dev(), .lib = lib, .cpu = i % queues, .ms = SLEEP_MS
		};
		sl[i].sess = create_session(sl[i].fd);
	}
	for (i = 0; i < nsleep; i++)
		pthread_create(&st_t[i], NULL, sleeper, &sl[i]);
	usleep(1000000);
	t0 = now_s();
	pin_to_cpu(0);

	/* A DESTROY whose waiter is killed forgets the id of the file it shares. */
	child = fork();
	if (!child) {
		destroy_session(fb, sb);
		_exit(0);
	}
	usleep(300000);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	set_timeout("300");
	ret = noop(fb, sb, NULL);
	CHECK(WIFSIGNALED(st) && ret == -EPERM,
	      "session whose DESTROY was killed in flight -> %d (EPERM)", ret);
	/* So does one that times out. */
	ret = destroy_session(fa, sa);
	CHECK(ret == -ETIMEDOUT, "DESTROY on a busy device times out: %d", ret);
	ret = noop(fa, sa, NULL);
	CHECK(ret == -EPERM, "session whose DESTROY timed out -> %d (EPERM)", ret);
	set_timeout("0");

	/*
	 * Fill every reachable ring: chains of max_segments descriptors (8 are
	 * 2048, twice QEMU's largest ring), then short requests for the slots
	 * left; some of each wait for ring space.
	 */
	for (i = 0; i < queues; i++)
		fill[i] = spawn_fillers(ff, sf, i, al, (segs - 2) * pg, FILL_LONG, FILL_SHORT);
	/*
	 * Until every filler is in the driver and some wait for ring space on
	 * every queue: the short ones then left fewer free descriptors than a
	 * DESTROY needs (thread start-up is slow in TCG).
	 */
	for (int tries = 0; tries < 40; tries++) {
		usleep(250000);
		for (i = 0, ok = 0; i < queues; i++) {
			int waiting = threads_in(fill[i], "virtaccel_submit");

			ok += waiting > 0 && waiting + threads_in(fill[i], "virtaccel_req_wait") ==
						     FILL_LONG + FILL_SHORT;
		}
		if (ok == queues)
			break;
	}
	printf("info slow device: rings filled after %.1f s\n", now_s() - t0);
	for (i = 0; i < queues; i++)
		printf("info queue %d: %d wait for ring space, %d for the device\n", i,
		       threads_in(fill[i], "virtaccel_submit"),
		       threads_in(fill[i], "virtaccel_req_wait"));
	CHECK(ok == queues, "%d of %d rings full, requests wait for ring space", ok, queues);

	ret = freeze_processes(fill, queues);
	if (ret < 0)
		printf("skip freezer: no cgroup v1 freezer\n");
	else
		CHECK(ret == 1, "processes waiting in the driver can be frozen");
	for (i = 0, ok = 0; i < queues; i++)
		ok += waitpid(fill[i], &st, WNOHANG) == 0;
	CHECK(ok == queues, "%d of %d waiting processes still waiting after the freeze", ok,
	      queues);
	/* close() of a file with a session: its DESTROY cannot get on a ring now. */
	{
		double t = now_s();

		close(fc);
		t = now_s() - t;
		CHECK(t < 1.0, "close() with full rings returns at once: %.3f s", t);
	}
	CHECK(now_s() - t0 < SLEEP_MS / 1000.0 - 1.5,
	      "the checks ran while the sleeps held the rings (%.1f s)", now_s() - t0);

	for (i = 0, ok = 0; i < nsleep; i++) {
		pthread_join(st_t[i], NULL);
		ok += sl[i].ret == 0;
		close(sl[i].fd);
	}
	CHECK(ok == nsleep, "%d of %d sleeps completed", ok, nsleep);
	for (i = 0, ok = 0; i < queues; i++) {
		waitpid(fill[i], &st, 0);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	CHECK(ok == queues, "every waiting request completed (%d of %d processes)", ok, queues);
	close(fa);
	close(fb);
	close(ff);
	{
		cpu_set_t all;

		CPU_ZERO(&all);
		for (i = 0; i < ncpu; i++)
			CPU_SET(i, &all);
		sched_setaffinity(0, sizeof(all), &all);
	}
	check_still_works("a slow device");
}

int main(int argc, char **argv)
{
	struct virtio_accel_ioc_info info;
	int do_kill = 0, do_timeout = 0, do_unbind = 0, do_suspend = 0, do_hold = 0, workers = 2;
	const char *slow_lib = NULL;
	uint64_t sess;
	int fd, opt;

	while ((opt = getopt(argc, argv, "ktuPHS:W:")) != -1) {
		if (opt == 'k')
			do_kill = 1;
		else if (opt == 't')
			do_timeout = 1;
		else if (opt == 'u')
			do_unbind = 1;
		else if (opt == 'P')
			do_suspend = 1;
		else if (opt == 'H')
			do_hold = 1;
		else if (opt == 'S')
			slow_lib = optarg;
		else if (opt == 'W')
			workers = atoi(optarg);
		else
			return 2;
	}
	if (optind < argc)
		dev = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_dev();
	if (do_hold) {
		printf("holding session %llu\n", (unsigned long long)create_session(fd));
		for (;;)
			pause();
	}
	test_info(fd, &info);
	sess = create_session(fd);
	if (slow_lib) {
		/* Only the slow device: the host runs the exec plugin, not NOOP. */
		close(fd);
		test_slow_device(slow_lib, workers, &info);
		goto out;
	}
	test_validation(fd, &info, sess);
	test_ownership(fd, sess);
	test_resources(fd, sess);
	test_large(fd, sess, &info);
	test_long_chains(fd, sess, &info);
	test_tagged(fd, sess);
	test_concurrency();
	close(fd);
	test_memlock();
	if (do_kill)
		test_kill();
	if (do_timeout)
		test_timeout();
	if (do_suspend)
		test_suspend();
	if (do_unbind)
		test_unbind();
out:
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
