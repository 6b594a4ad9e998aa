/* SPDX-License-Identifier: Apache-2.0 */
/* The device-node driver against a fake device (injected open and ioctl). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vio_drv.h"

static struct {
	char path[256];
	int opens;
	int info_calls;
	int fail_errno;	  /* make IOC_REQUEST fail */
	uint32_t version; /* IOC_INFO version */
	uint64_t out_len; /* reported for write arg 0 */
	struct virtio_accel_ioc_req seen;
	struct virtio_accel_ioc_arg seen_args[8];
	const char *refused[2]; /* nodes whose open fails, and with what */
	int refused_errno[2];
} fake;

static int fake_open(const char *path, int flags)
{
	(void)flags;
	for (int i = 0; i < 2; i++) {
		if (fake.refused[i] && !strcmp(path, fake.refused[i])) {
			errno = fake.refused_errno[i];
			return -1;
		}
	}
	snprintf(fake.path, sizeof(fake.path), "%s", path);
	fake.opens++;
	return open("/dev/null", O_RDWR | O_CLOEXEC);
}

static int fake_open_missing(const char *path, int flags)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}

static int fake_ioctl(int fd, unsigned long request, void *arg)
{
	(void)fd;
	if (request == VIRTIO_ACCEL_IOC_INFO) {
		struct virtio_accel_ioc_info *i = arg;

		fake.info_calls++;
		i->version = fake.version;
		i->num_queues = 2;
		i->max_args = 32;
		i->max_segments = 64;
		i->max_request_bytes = 1 << 20;
		i->features = 3;
		return 0;
	}
	if (request != VIRTIO_ACCEL_IOC_REQUEST) {
		errno = ENOTTY;
		return -1;
	}
	if (fake.fail_errno) {
		errno = fake.fail_errno;
		return -1;
	}
	struct virtio_accel_ioc_req *r = arg;
	struct virtio_accel_ioc_arg *rd = (void *)(uintptr_t)r->read_args;
	struct virtio_accel_ioc_arg *wr = (void *)(uintptr_t)r->write_args;

	fake.seen = *r;
	for (unsigned i = 0; i < r->nr_read && i < 8; i++)
		fake.seen_args[i] = rd[i];
	for (unsigned i = 0; i < r->nr_write && r->nr_read + i < 8; i++)
		fake.seen_args[r->nr_read + i] = wr[i];
	/* The device writes in place into the user's buffers. */
	if (r->nr_write) {
		memset((void *)(uintptr_t)wr[0].addr, 'Z', fake.out_len);
		wr[0].len = fake.out_len;
	}
	r->status = VIRTIO_ACCEL_S_OK;
	r->vaccel_ret = 0;
	r->id = 42;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.version = VIRTIO_ACCEL_PROTOCOL_VERSION;
	return 0;
}

static void test_request_struct(void **state)
{
	struct vio_drv *d;
	uint8_t op = 3;
	char img[16] = "image", out[32];
	struct vio_arg rd[] = {{.buf = &op, .len = 1, .type = 9},
			       {.buf = img, .len = 16, .type = 28, .custom_id = 7}};
	struct vio_arg wr[] = {{.buf = out, .len = 32, .type = 26}};
	struct vio_req req = {.code = VIRTIO_ACCEL_C_GENOP,
			      .session_id = 5,
			      .object_id = 6,
			      .flags = 0x80,
			      .read = rd,
			      .nr_read = 2,
			      .write = wr,
			      .nr_write = 1};
	struct vio_limits lim;

	(void)state;
	fake.out_len = 10;
	assert_int_equal(vio_drv_dev_new(&d, "/dev/fake-accel", fake_open, fake_ioctl), 0);
	assert_int_equal(fake.opens, 0); /* lazy */
	assert_int_equal(d->ops->submit(d, &req), 0);
	assert_string_equal(fake.path, "/dev/fake-accel");
	assert_int_equal(fake.opens, 1);
	assert_int_equal(fake.seen.code, VIRTIO_ACCEL_C_GENOP);
	assert_int_equal(fake.seen.nr_read, 2);
	assert_int_equal(fake.seen.nr_write, 1);
	assert_int_equal(fake.seen.flags, 0x80);
	assert_int_equal(fake.seen.session_id, 5);
	assert_int_equal(fake.seen.object_id, 6);
	assert_int_equal(fake.seen.reserved0, 0);
	assert_int_equal(fake.seen.reserved1, 0);
	assert_true(fake.seen_args[0].addr == (uintptr_t)&op);
	assert_int_equal(fake.seen_args[0].len, 1);
	assert_int_equal(fake.seen_args[0].type, 9);
	assert_true(fake.seen_args[1].addr == (uintptr_t)img);
	assert_int_equal(fake.seen_args[1].custom_type_id, 7);
	assert_true(fake.seen_args[2].addr == (uintptr_t)out);
	assert_int_equal(fake.seen_args[2].len, 32);
	/* Response and actual output length come back. */
	assert_int_equal(req.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(req.id, 42);
	assert_int_equal(wr[0].len, 10);
	assert_memory_equal(out, "ZZZZZZZZZZ", 10);
	assert_int_not_equal(req.gen, 0);
	/* Limits come from IOC_INFO, read once. */
	assert_int_equal(d->ops->info(d, &lim), 0);
	assert_int_equal(lim.max_args, 32);
	assert_int_equal(lim.num_queues, 2);
	assert_int_equal(lim.features, 3);
	assert_int_equal(fake.info_calls, 1);
	assert_int_equal(fake.opens, 1);
	d->ops->close(d);
}

static void test_limits_checked_before_ioctl(void **state)
{
	struct vio_drv *d;
	struct vio_arg rd[40];
	char b[8];
	struct vio_req req = {.code = VIRTIO_ACCEL_C_GENOP, .read = rd, .nr_read = 40};

	(void)state;
	for (int i = 0; i < 40; i++)
		rd[i] = (struct vio_arg){.buf = b, .len = 8};
	assert_int_equal(vio_drv_dev_new(&d, "/dev/x", fake_open, fake_ioctl), 0);
	assert_int_equal(d->ops->submit(d, &req), -E2BIG);
	assert_int_equal(fake.seen.code, 0); /* never reached the device */
	req.nr_read = 1;
	rd[0].len = 2 << 20;
	assert_int_equal(d->ops->submit(d, &req), -E2BIG);
	d->ops->close(d);
}

static void test_errors(void **state)
{
	struct vio_drv *d;
	struct vio_req req = {.code = VIRTIO_ACCEL_C_CREATE_SESSION};
	char out[4];
	struct vio_arg wr[] = {{.buf = out, .len = 4}};

	(void)state;
	assert_int_equal(vio_drv_dev_new(&d, "/dev/none", fake_open_missing, fake_ioctl), 0);
	assert_int_equal(d->ops->submit(d, &req), -ENODEV);
	d->ops->close(d);

	assert_int_equal(vio_drv_dev_new(&d, "/dev/x", fake_open, fake_ioctl), 0);
	fake.fail_errno = EPERM;
	assert_int_equal(d->ops->submit(d, &req), -EPERM);
	fake.fail_errno = EINTR;
	assert_int_equal(d->ops->submit(d, &req), -EIO);
	fake.fail_errno = 0;
	/* A device reporting more output than the buffer holds is refused. */
	fake.out_len = 2;
	req = (struct vio_req){.code = VIRTIO_ACCEL_C_GENOP, .write = wr, .nr_write = 1};
	assert_int_equal(d->ops->submit(d, &req), 0);
	assert_int_equal(wr[0].len, 2);
	/* An id from another generation (never for /dev/accel) is refused. */
	req.gen = 99;
	assert_int_equal(d->ops->submit(d, &req), -ESTALE);
	d->ops->close(d);

	/* A device speaking another protocol version is not driven. */
	fake.version = 7;
	assert_int_equal(vio_drv_dev_new(&d, "/dev/x", fake_open, fake_ioctl), 0);
	req = (struct vio_req){.code = VIRTIO_ACCEL_C_CREATE_SESSION};
	assert_int_equal(d->ops->submit(d, &req), -EPROTONOSUPPORT);
	d->ops->close(d);
}

static void test_env_path(void **state)
{
	struct vio_drv *d;
	struct vio_req req = {.code = VIRTIO_ACCEL_C_CREATE_SESSION};

	(void)state;
	setenv("VACCEL_VIRTIO_DEVICE", "/dev/from-env", 1);
	assert_int_equal(vio_drv_dev_new(&d, NULL, fake_open, fake_ioctl), 0);
	assert_int_equal(d->ops->submit(d, &req), 0);
	assert_string_equal(fake.path, "/dev/from-env");
	d->ops->close(d);
	/* Set but empty: the default nodes. */
	setenv("VACCEL_VIRTIO_DEVICE", "", 1);
	assert_int_equal(vio_drv_dev_new(&d, NULL, fake_open, fake_ioctl), 0);
	assert_int_equal(d->ops->submit(d, &req), 0);
	assert_string_equal(fake.path, "/dev/vaccel");
	d->ops->close(d);
	unsetenv("VACCEL_VIRTIO_DEVICE");
}

/* Open the default nodes with @vaccel_errno / @accel_errno (0: present); submit's result. */
static int submit_with_nodes(int vaccel_errno, int accel_errno)
{
	struct vio_req req = {.code = VIRTIO_ACCEL_C_CREATE_SESSION};
	struct vio_drv *d;
	int ret;

	fake.path[0] = 0;
	fake.refused[0] = vaccel_errno ? "/dev/vaccel" : NULL;
	fake.refused_errno[0] = vaccel_errno;
	fake.refused[1] = accel_errno ? "/dev/accel" : NULL;
	fake.refused_errno[1] = accel_errno;
	assert_int_equal(vio_drv_dev_new(&d, NULL, fake_open, fake_ioctl), 0);
	ret = d->ops->submit(d, &req);
	d->ops->close(d);
	return ret;
}

static void test_default_nodes(void **state)
{
	(void)state;
	unsetenv("VACCEL_VIRTIO_DEVICE");
	/* The driver's name comes first. */
	assert_int_equal(submit_with_nodes(0, 0), 0);
	assert_string_equal(fake.path, "/dev/vaccel");
	/* An older driver: /dev/accel. */
	assert_int_equal(submit_with_nodes(ENOENT, 0), 0);
	assert_string_equal(fake.path, "/dev/accel");
	/* DRM's accel class owns /dev/accel/ as a directory: /dev/vaccel, or no device. */
	assert_int_equal(submit_with_nodes(0, EISDIR), 0);
	assert_string_equal(fake.path, "/dev/vaccel");
	assert_int_equal(submit_with_nodes(ENOENT, EISDIR), -ENODEV);
	assert_int_equal(submit_with_nodes(ENOENT, ENOENT), -ENODEV);
	/* A node that exists but is not ours to open is the answer, not a reason to look on. */
	assert_int_equal(submit_with_nodes(EACCES, 0), -EACCES);
	assert_string_equal(fake.path, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_request_struct, setup),
	    cmocka_unit_test_setup(test_limits_checked_before_ioctl, setup),
	    cmocka_unit_test_setup(test_errors, setup),
	    cmocka_unit_test_setup(test_env_path, setup),
	    cmocka_unit_test_setup(test_default_nodes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
