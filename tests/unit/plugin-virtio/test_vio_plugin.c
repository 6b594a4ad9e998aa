/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin layer against a fake driver that records each request: the
 * GENOP layout of every op, session and resource hooks, and the mapping of
 * response statuses and driver errors to vAccel codes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vaccel_common.h"
#include "vio_plugin.h"

#define MAXA 16

/* Defined by VACCEL_PLUGIN() in vio_plugin.c. */
extern const struct vaccel_plugin *vaccel_plugin;

static struct {
	struct vio_drv drv;
	int calls;
	int drv_ret;	/* returned by submit */
	uint8_t status; /* response status */
	int32_t vret;	/* response vaccel_ret */
	uint64_t id;	/* response id */
	uint64_t gen;	/* generation the driver reports */
	/* last request */
	struct vio_req req;
	struct vio_arg rd[MAXA], wr[MAXA];
	uint8_t rdata[MAXA][64];
} fk;

static int fake_submit(struct vio_drv *drv, struct vio_req *req)
{
	(void)drv;
	fk.calls++;
	fk.req = *req;
	for (unsigned i = 0; i < req->nr_read && i < MAXA; i++) {
		fk.rd[i] = req->read[i];
		memcpy(fk.rdata[i], req->read[i].buf,
		       req->read[i].len < 64 ? req->read[i].len : 64);
	}
	for (unsigned i = 0; i < req->nr_write && i < MAXA; i++)
		fk.wr[i] = req->write[i];
	if (req->gen && req->gen != fk.gen)
		return -ESTALE;
	if (fk.drv_ret)
		return fk.drv_ret;
	req->gen = fk.gen;
	req->status = fk.status;
	req->vaccel_ret = fk.vret;
	req->id = fk.id;
	/* "Device" output: each write arg filled with 'W' up to its length. */
	for (unsigned i = 0; i < req->nr_write; i++)
		if (req->write[i].buf)
			memset(req->write[i].buf, 'W', req->write[i].len);
	return 0;
}

static int fake_info(struct vio_drv *drv, struct vio_limits *lim)
{
	(void)drv;
	(void)lim;
	return -ENOSYS;
}

static void fake_close(struct vio_drv *drv)
{
	(void)drv;
}

static const struct vio_drv_ops fake_ops = {
    .name = "fake", .info = fake_info, .submit = fake_submit, .close = fake_close};

static struct vaccel_session sess;
static struct vio_sess sp;

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.drv.ops = &fake_ops;
	fk.gen = 1;
	vio_set_driver(&fk.drv);
	memset(&sess, 0, sizeof(sess));
	sess.id = 3;
	sess.remote_id = 11;
	sp.gen = 1;
	sess.priv = &sp;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vio_set_driver(NULL);
	return 0;
}

/* The op function registered for `type`. */
static void *op_fn(vaccel_op_type_t type)
{
	for (size_t i = 0; i < vio_nr_ops; i++)
		if (vio_ops[i].type == type)
			return vio_ops[i].func;
	return NULL;
}

static void expect_genop_head(unsigned nr_read, unsigned nr_write, uint8_t op)
{
	assert_int_equal(fk.req.code, VIRTIO_ACCEL_C_GENOP);
	assert_int_equal(fk.req.session_id, 11);
	assert_int_equal(fk.req.nr_read, nr_read);
	assert_int_equal(fk.req.nr_write, nr_write);
	assert_int_equal(fk.rd[0].type, VACCEL_ARG_UINT8);
	assert_int_equal(fk.rd[0].len, 1);
	assert_int_equal(fk.rdata[0][0], op);
}

static void test_ops_registered(void **state)
{
	static const vaccel_op_type_t want[] = {
	    VACCEL_OP_NOOP,	      VACCEL_OP_EXEC,	      VACCEL_OP_EXEC_WITH_RESOURCE,
	    VACCEL_OP_IMAGE_CLASSIFY, VACCEL_OP_IMAGE_DETECT, VACCEL_OP_IMAGE_SEGMENT,
	    VACCEL_OP_IMAGE_POSE,     VACCEL_OP_IMAGE_DEPTH,  VACCEL_OP_BLAS_SGEMM,
	    VACCEL_OP_FPGA_ARRAYCOPY, VACCEL_OP_FPGA_MMULT,   VACCEL_OP_FPGA_PARALLEL,
	    VACCEL_OP_FPGA_VECTORADD, VACCEL_OP_MINMAX,	      VACCEL_OP_OPENCV,
	};

	(void)state;
	assert_int_equal(vio_nr_ops, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_non_null(op_fn(want[i]));
	assert_null(op_fn(VACCEL_OP_TF_MODEL_RUN));
}

static void test_noop_layout(void **state)
{
	int (*fn)(struct vaccel_session *) = op_fn(VACCEL_OP_NOOP);

	(void)state;
	assert_int_equal(fn(&sess), VACCEL_OK);
	expect_genop_head(1, 0, VACCEL_OP_NOOP);
}

static void test_classify_layout(void **state)
{
	int (*fn)(struct vaccel_session *, const void *, unsigned char *, unsigned char *, size_t,
		  size_t, size_t) = op_fn(VACCEL_OP_IMAGE_CLASSIFY);
	char img[10] = "image";
	unsigned char text[20], name[30];

	(void)state;
	assert_int_equal(fn(&sess, img, text, name, sizeof(img), sizeof(text), sizeof(name)),
			 VACCEL_OK);
	expect_genop_head(2, 2, VACCEL_OP_IMAGE_CLASSIFY);
	assert_int_equal(fk.rd[1].type, VACCEL_ARG_BUFFER);
	assert_int_equal(fk.rd[1].len, 10);
	/* Generic order: imgname first, then text. */
	assert_ptr_equal(fk.wr[0].buf, name);
	assert_int_equal(fk.wr[0].len, 30);
	assert_int_equal(fk.wr[0].type, VACCEL_ARG_UCHAR_ARRAY);
	assert_ptr_equal(fk.wr[1].buf, text);
	assert_int_equal(fk.wr[1].len, 20);
	/* No text buffer: an empty second output. */
	assert_int_equal(fn(&sess, img, NULL, name, sizeof(img), 99, sizeof(name)), VACCEL_OK);
	assert_int_equal(fk.req.nr_write, 2);
	assert_int_equal(fk.wr[1].len, 0);
	assert_int_equal(fn(&sess, NULL, text, name, 0, sizeof(text), sizeof(name)), VACCEL_EINVAL);
}

static void test_image_ops_layout(void **state)
{
	static const vaccel_op_type_t t[] = {VACCEL_OP_IMAGE_DETECT, VACCEL_OP_IMAGE_SEGMENT,
					     VACCEL_OP_IMAGE_POSE, VACCEL_OP_IMAGE_DEPTH};
	char img[4] = "abc";
	unsigned char name[8];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		int (*fn)(struct vaccel_session *, const void *, unsigned char *, size_t, size_t) =
		    op_fn(t[i]);

		assert_int_equal(fn(&sess, img, name, sizeof(img), sizeof(name)), VACCEL_OK);
		expect_genop_head(2, 1, (uint8_t)t[i]);
		assert_ptr_equal(fk.wr[0].buf, name);
	}
}

static void test_sgemm_layout(void **state)
{
	int (*fn)(struct vaccel_session *, int64_t, int64_t, int64_t, float, float *, int64_t,
		  float *, int64_t, float, float *, int64_t) = op_fn(VACCEL_OP_BLAS_SGEMM);
	float a[2 * 4], b[4 * 3], c[2 * 5];
	static const uint32_t types[] = {
	    VACCEL_ARG_UINT8,	VACCEL_ARG_INT64,	  VACCEL_ARG_INT64,
	    VACCEL_ARG_INT64,	VACCEL_ARG_FLOAT32,	  VACCEL_ARG_FLOAT32_ARRAY,
	    VACCEL_ARG_INT64,	VACCEL_ARG_FLOAT32_ARRAY, VACCEL_ARG_INT64,
	    VACCEL_ARG_FLOAT32, VACCEL_ARG_INT64};
	int64_t v;

	(void)state;
	/* m=2 n=3 k=4, ldc=5 > n: c spans (2-1)*5+3 floats */
	assert_int_equal(fn(&sess, 2, 3, 4, 1.5f, a, 4, b, 3, 0.5f, c, 5), VACCEL_OK);
	expect_genop_head(11, 1, VACCEL_OP_BLAS_SGEMM);
	for (int i = 0; i < 11; i++)
		assert_int_equal(fk.rd[i].type, types[i]);
	memcpy(&v, fk.rdata[1], 8);
	assert_int_equal(v, 2);
	memcpy(&v, fk.rdata[3], 8);
	assert_int_equal(v, 4);
	assert_int_equal(fk.rd[5].len, 8 * sizeof(float));
	assert_int_equal(fk.rd[7].len, 12 * sizeof(float));
	assert_int_equal(fk.wr[0].len, 8 * sizeof(float));
	assert_true(fk.wr[0].inout); /* C is read too */
	assert_int_equal(fn(&sess, 2, 3, 4, 1.5f, a, 3, b, 3, 0.5f, c, 5), VACCEL_EINVAL);
	assert_int_equal(fn(&sess, 0, 3, 4, 1.5f, a, 4, b, 3, 0.5f, c, 5), VACCEL_EINVAL);
}

static void test_fpga_minmax_layout(void **state)
{
	int ia[5], io[5];
	float a[5], b[7], c[5], d[5];
	double in[6], out[6], mn, mx;
	int (*copy)(struct vaccel_session *, int *, int *, size_t) =
	    op_fn(VACCEL_OP_FPGA_ARRAYCOPY);
	int (*par)(struct vaccel_session *, float *, float *, float *, float *, size_t) =
	    op_fn(VACCEL_OP_FPGA_PARALLEL);
	int (*vadd)(struct vaccel_session *, float *, float *, float *, size_t, size_t) =
	    op_fn(VACCEL_OP_FPGA_VECTORADD);
	int (*mm)(struct vaccel_session *, const double *, int, int, int, double *, double *,
		  double *) = op_fn(VACCEL_OP_MINMAX);
	int32_t i32;

	(void)state;
	assert_int_equal(copy(&sess, ia, io, 5), VACCEL_OK);
	expect_genop_head(2, 1, VACCEL_OP_FPGA_ARRAYCOPY);
	assert_int_equal(fk.rd[1].len, 5 * sizeof(int));
	assert_int_equal(fk.wr[0].len, 5 * sizeof(int));
	assert_int_equal(par(&sess, a, a, c, d, 5), VACCEL_OK);
	expect_genop_head(3, 2, VACCEL_OP_FPGA_PARALLEL);
	assert_ptr_equal(fk.wr[0].buf, c);
	assert_ptr_equal(fk.wr[1].buf, d);
	assert_int_equal(vadd(&sess, a, b, c, 5, 7), VACCEL_OK);
	expect_genop_head(3, 1, VACCEL_OP_FPGA_VECTORADD);
	assert_int_equal(fk.rd[2].len, 7 * sizeof(float));
	assert_int_equal(fk.wr[0].len, 5 * sizeof(float));
	assert_int_equal(mm(&sess, in, 6, 1, 9, out, &mn, &mx), VACCEL_OK);
	expect_genop_head(5, 3, VACCEL_OP_MINMAX);
	assert_int_equal(fk.rd[1].type, VACCEL_ARG_FLOAT64_ARRAY);
	assert_int_equal(fk.rd[1].len, 6 * sizeof(double));
	memcpy(&i32, fk.rdata[2], 4);
	assert_int_equal(i32, 6);
	memcpy(&i32, fk.rdata[4], 4);
	assert_int_equal(i32, 9);
	assert_ptr_equal(fk.wr[1].buf, &mn);
	assert_ptr_equal(fk.wr[2].buf, &mx);
	assert_int_equal(mm(&sess, in, 0, 1, 9, out, &mn, &mx), VACCEL_EINVAL);
}

static void test_exec_layout(void **state)
{
	int (*ex)(struct vaccel_session *, const char *, const char *, struct vaccel_arg *, size_t,
		  struct vaccel_arg *, size_t) = op_fn(VACCEL_OP_EXEC);
	int (*exr)(struct vaccel_session *, struct vaccel_resource *, const char *,
		   struct vaccel_arg *, size_t, struct vaccel_arg *, size_t) =
	    op_fn(VACCEL_OP_EXEC_WITH_RESOURCE);
	int32_t in = 5, out;
	struct vaccel_arg rd = {
	    .buf = &in, .size = 4, .type = VACCEL_ARG_CUSTOM, .custom_type_id = 100};
	struct vaccel_arg wr = {.buf = &out, .size = 4, .type = VACCEL_ARG_INT32};
	struct vaccel_resource res = {.id = 4, .remote_id = 77, .type = VACCEL_RESOURCE_LIB};
	int64_t rid;

	(void)state;
	assert_int_equal(ex(&sess, "/lib/x.so", "fn", &rd, 1, &wr, 1), VACCEL_OK);
	expect_genop_head(4, 1, VACCEL_OP_EXEC);
	assert_int_equal(fk.rd[1].type, VACCEL_ARG_STRING);
	assert_string_equal((char *)fk.rdata[1], "/lib/x.so");
	assert_int_equal(fk.rd[1].len, sizeof("/lib/x.so"));
	assert_string_equal((char *)fk.rdata[2], "fn");
	/* User args verbatim, custom type id included. */
	assert_ptr_equal(fk.rd[3].buf, &in);
	assert_int_equal(fk.rd[3].type, VACCEL_ARG_CUSTOM);
	assert_int_equal(fk.rd[3].custom_id, 100);
	assert_ptr_equal(fk.wr[0].buf, &out);

	assert_int_equal(exr(&sess, &res, "fn", &rd, 1, &wr, 1), VACCEL_OK);
	expect_genop_head(4, 1, VACCEL_OP_EXEC_WITH_RESOURCE);
	assert_int_equal(fk.rd[1].type, VACCEL_ARG_INT64);
	memcpy(&rid, fk.rdata[1], 8);
	assert_int_equal(rid, 77); /* the host's id, not the local one */
	/* No remote copy: refused locally. */
	res.remote_id = 0;
	fk.calls = 0;
	assert_int_equal(exr(&sess, &res, "fn", &rd, 1, &wr, 1), VACCEL_ENOENT);
	assert_int_equal(fk.calls, 0);
}

static void test_status_mapping(void **state)
{
	int (*fn)(struct vaccel_session *) = op_fn(VACCEL_OP_NOOP);
	static const struct {
		uint8_t status;
		int32_t vret;
		int want;
	} st[] = {
	    {VIRTIO_ACCEL_S_OK, 0, VACCEL_OK},
	    {VIRTIO_ACCEL_S_OK, VACCEL_EPERM, VACCEL_EPERM},
	    {VIRTIO_ACCEL_S_OK, -3, VACCEL_EBACKEND},
	    {VIRTIO_ACCEL_S_BADMSG, 0, VACCEL_EINVAL},
	    {VIRTIO_ACCEL_S_NOTSUPP, 0, VACCEL_ENOTSUP},
	    {VIRTIO_ACCEL_S_INVSESS, 0, VACCEL_ESESS},
	    {VIRTIO_ACCEL_S_INVRES, 0, VACCEL_ENOENT},
	    {VIRTIO_ACCEL_S_NOSPACE, 0, VACCEL_ENOSPC},
	    {VIRTIO_ACCEL_S_ERR, 0, VACCEL_EREMOTEIO},
	    {99, 0, VACCEL_EIO},
	};
	static const struct {
		int drv;
		int want;
	} de[] = {
	    {-E2BIG, VACCEL_ENOSPC}, {-ESTALE, VACCEL_ESESS},  {-ENODEV, VACCEL_ENODEV},
	    {-EIO, VACCEL_EIO},	     {-ENOMEM, VACCEL_ENOMEM}, {-EPERM, VACCEL_ESESS},
	    {-EPROTO, VACCEL_EIO},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(st); i++) {
		fk.status = st[i].status;
		fk.vret = st[i].vret;
		assert_int_equal(fn(&sess), st[i].want);
	}
	fk.status = 0;
	for (size_t i = 0; i < ARRAY_SIZE(de); i++) {
		fk.drv_ret = de[i].drv;
		assert_int_equal(fn(&sess), de[i].want);
	}
	/* A session of an older connection. */
	fk.drv_ret = 0;
	fk.gen = 2;
	assert_int_equal(fn(&sess), VACCEL_ESESS);
	/* Not a remote session at all. */
	sess.priv = NULL;
	assert_int_equal(fn(&sess), VACCEL_ESESS);
}

static void test_session_hooks(void **state)
{
	struct vaccel_session s = {.id = 9};
	const struct vaccel_plugin_info *info = vaccel_plugin->info;

	(void)state;
	assert_true(info->is_virtio);
	assert_string_equal(info->name, "virtio");
	assert_true(info->type & VACCEL_PLUGIN_REMOTE);
	fk.id = 555;
	assert_int_equal(info->session_init(&s, 0x88), VACCEL_OK);
	assert_int_equal(fk.req.code, VIRTIO_ACCEL_C_CREATE_SESSION);
	assert_int_equal(fk.req.flags, 0x88);
	assert_int_equal(s.remote_id, 555);
	assert_non_null(s.priv);
	assert_int_equal(info->session_update(&s, 0), VACCEL_ENOTSUP);
	assert_int_equal(info->session_release(&s), VACCEL_OK);
	assert_int_equal(fk.req.code, VIRTIO_ACCEL_C_DESTROY_SESSION);
	assert_int_equal(fk.req.session_id, 555);
	assert_int_equal(s.remote_id, 0);
	assert_null(s.priv);
	/* A device that returns id 0 is not believed. */
	fk.id = 0;
	assert_int_equal(info->session_init(&s, 0), VACCEL_EIO);
	assert_null(s.priv);
	/* Unreachable device. */
	fk.drv_ret = -ENODEV;
	assert_int_equal(info->session_init(&s, 0), VACCEL_ENODEV);
	/* Releasing when the device is gone succeeds: the host state is gone too. */
	fk.drv_ret = 0;
	fk.id = 8;
	assert_int_equal(info->session_init(&s, 0), VACCEL_OK);
	fk.drv_ret = -EIO;
	assert_int_equal(info->session_release(&s), VACCEL_OK);
}

static void test_resource_hooks(void **state)
{
	const struct vaccel_plugin_info *info = vaccel_plugin->info;
	struct vaccel_session s2 = {.id = 4, .remote_id = 12};
	struct vio_sess sp2 = {.gen = 1};
	char d1[] = "first file", d2[] = "second";
	struct vaccel_blob b1 = {.type = VACCEL_BLOB_BUFFER,
				 .name = "dep.so",
				 .data = (uint8_t *)d1,
				 .size = sizeof(d1)};
	struct vaccel_blob b2 = {.type = VACCEL_BLOB_BUFFER,
				 .name = "lib.so",
				 .data = (uint8_t *)d2,
				 .size = sizeof(d2)};
	struct vaccel_blob *blobs[] = {&b1, &b2};
	struct vaccel_resource res = {
	    .id = 6, .type = VACCEL_RESOURCE_LIB, .blobs = blobs, .nr_blobs = 2};

	(void)state;
	s2.priv = &sp2;
	fk.id = 900;
	/* First registration uploads name/contents pairs. */
	assert_int_equal(info->resource_register(&res, &sess), VACCEL_OK);
	assert_int_equal(fk.req.code, VIRTIO_ACCEL_C_REGISTER_RESOURCE);
	assert_int_equal(fk.req.object_id, 0);
	assert_int_equal(fk.req.session_id, 11);
	assert_int_equal(fk.req.flags, VACCEL_RESOURCE_LIB);
	assert_int_equal(fk.req.nr_read, 4);
	assert_int_equal(fk.rd[0].type, VACCEL_ARG_STRING);
	assert_string_equal((char *)fk.rdata[0], "dep.so");
	assert_int_equal(fk.rd[1].type, VACCEL_ARG_BUFFER);
	assert_int_equal(fk.rd[1].len, sizeof(d1));
	assert_string_equal((char *)fk.rdata[2], "lib.so");
	assert_memory_equal(fk.rdata[3], d2, sizeof(d2));
	assert_int_equal(res.remote_id, 900);
	/* Second session: the existing id, nothing uploaded. */
	fk.id = 0;
	assert_int_equal(info->resource_register(&res, &s2), VACCEL_OK);
	assert_int_equal(fk.req.object_id, 900);
	assert_int_equal(fk.req.session_id, 12);
	assert_int_equal(fk.req.nr_read, 0);
	assert_int_equal(res.remote_id, 900);
	/* Unregister: the id stays until the last session lets go. */
	assert_int_equal(info->resource_unregister(&res, &sess), VACCEL_OK);
	assert_int_equal(fk.req.code, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE);
	assert_int_equal(fk.req.object_id, 900);
	assert_int_equal(res.remote_id, 900);
	/* A device error keeps the registration. */
	fk.status = VIRTIO_ACCEL_S_INVRES;
	assert_int_equal(info->resource_unregister(&res, &s2), VACCEL_ENOENT);
	assert_int_equal(res.remote_id, 900);
	fk.status = 0;
	assert_int_equal(info->resource_unregister(&res, &s2), VACCEL_OK);
	assert_int_equal(res.remote_id, 0);
	assert_null(res.plugin_priv);
	assert_int_equal(info->resource_sync(&res, &sess), VACCEL_ENOTSUP);

	/* Bad file names never leave the guest. */
	b1.name = "../evil";
	fk.calls = 0;
	assert_int_equal(info->resource_register(&res, &sess), VACCEL_EINVAL);
	assert_int_equal(fk.calls, 0);
	assert_int_equal(res.remote_id, 0);
	/* No files (a URL resource): not supported. */
	res.nr_blobs = 0;
	assert_int_equal(info->resource_register(&res, &sess), VACCEL_ENOTSUP);
}

/* The device connection was replaced: resources are uploaded again. */
static void test_resource_across_generations(void **state)
{
	const struct vaccel_plugin_info *info = vaccel_plugin->info;
	struct vaccel_session s2 = {.id = 4, .remote_id = 1};
	struct vio_sess sp2 = {.gen = 2};
	char d1[] = "lib";
	struct vaccel_blob b1 = {.type = VACCEL_BLOB_BUFFER,
				 .name = "lib.so",
				 .data = (uint8_t *)d1,
				 .size = sizeof(d1)};
	struct vaccel_blob *blobs[] = {&b1};
	struct vaccel_resource res = {
	    .id = 6, .type = VACCEL_RESOURCE_LIB, .blobs = blobs, .nr_blobs = 1};
	int calls;

	(void)state;
	s2.priv = &sp2;
	fk.id = 900;
	assert_int_equal(info->resource_register(&res, &sess), VACCEL_OK);
	assert_int_equal(res.remote_id, 900);
	/* New connection (generation 2): the old host copy is gone. */
	fk.gen = 2;
	fk.id = 31;
	assert_int_equal(info->resource_register(&res, &s2), VACCEL_OK);
	assert_int_equal(fk.req.object_id, 0); /* uploaded again */
	assert_int_equal(fk.req.nr_read, 2);
	assert_int_equal(res.remote_id, 31);
	/* The old session's registration died with its connection. */
	calls = fk.calls;
	assert_int_equal(info->resource_unregister(&res, &sess), VACCEL_OK);
	assert_int_equal(fk.calls, calls);
	assert_int_equal(res.remote_id, 31);
	/* A stale session cannot register it either. */
	assert_int_equal(info->resource_register(&res, &sess), VACCEL_ESESS);
	assert_int_equal(res.remote_id, 31);
	assert_int_equal(info->resource_unregister(&res, &s2), VACCEL_OK);
	assert_int_equal(fk.req.code, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE);
	assert_int_equal(fk.req.object_id, 31);
	assert_int_equal(res.remote_id, 0);
	assert_null(res.plugin_priv);
}

/* A test run with the fixture above: setup() before, teardown() after. */
#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FIXTURE_TEST(test_ops_registered),
	    FIXTURE_TEST(test_noop_layout),
	    FIXTURE_TEST(test_classify_layout),
	    FIXTURE_TEST(test_image_ops_layout),
	    FIXTURE_TEST(test_sgemm_layout),
	    FIXTURE_TEST(test_fpga_minmax_layout),
	    FIXTURE_TEST(test_exec_layout),
	    FIXTURE_TEST(test_status_mapping),
	    FIXTURE_TEST(test_session_hooks),
	    FIXTURE_TEST(test_resource_hooks),
	    FIXTURE_TEST(test_resource_across_generations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
