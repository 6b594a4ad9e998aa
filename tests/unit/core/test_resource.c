/* SPDX-License-Identifier: Apache-2.0 */
/* Resources: creation, registration (local and virtio), unregister, sync, lookups. */
#include "th.h"
#include "rt.h"
#include "rt_registry.h"
#include <vaccel.h>
#include "vt_main.h"

static char dir[256], f1[PATH_MAX], f2[PATH_MAX], sub[PATH_MAX], f3[PATH_MAX], f4[PATH_MAX];
static char plugins[2048];
static struct tp_state *ls, *vs;

static int setup(void **state)
{
	char d2[PATH_MAX];

	(void)state;
	if (!th_tmpdir(dir, sizeof(dir)))
		return -1;
	th_write_file(dir, "a.bin", "hello", 5, f1, sizeof(f1));
	th_write_file(dir, "b.bin", "world!", 6, f2, sizeof(f2));
	if (snprintf(sub, sizeof(sub), "%s/d", dir) >= (int)sizeof(sub))
		return -1;
	mkdir(sub, 0700);
	if (snprintf(d2, sizeof(d2), "%.4000s/sub", sub) >= (int)sizeof(d2))
		return -1;
	mkdir(d2, 0700);
	th_write_file(sub, "x.txt", "xx", 2, f3, sizeof(f3));
	th_write_file(d2, "y.txt", "yyy", 3, f4, sizeof(f4));
	snprintf(plugins, sizeof(plugins), "%s:%s:%s", th_plugin("tp-local"),
		 th_plugin("tp-virtio"), th_plugin("tp-virtio-nosync"));
	return 0;
}

static int teardown_all(void **state)
{
	char d2[PATH_MAX];

	(void)state;
	unlink(f1);
	unlink(f2);
	unlink(f3);
	unlink(f4);
	snprintf(d2, sizeof(d2), "%.4000s/sub", sub);
	rmdir(d2);
	rmdir(sub);
	rmdir(dir);
	return 0;
}

static int boot(void **state)
{
	(void)state;
	if (th_boot(plugins))
		return -1;
	ls = th_state("tp-local");
	vs = th_state("tp-virtio");
	memset(ls, 0, sizeof(*ls));
	memset(vs, 0, sizeof(*vs));
	return 0;
}

static void test_not_bootstrapped(void **state)
{
	struct vaccel_resource r, *rp;
	size_t n;

	(void)state;
	assert_int_equal(vaccel_resource_init(&r, f1, VACCEL_RESOURCE_DATA), VACCEL_EPERM);
	assert_int_equal(
	    vaccel_resource_init_from_buf(&r, "x", 1, VACCEL_RESOURCE_DATA, NULL, true),
	    VACCEL_EPERM);
	assert_int_equal(vaccel_resource_get_by_id(&rp, 1), VACCEL_EPERM);
	assert_int_equal(vaccel_resource_get_by_type(&rp, VACCEL_RESOURCE_DATA), VACCEL_EPERM);
	struct vaccel_resource **all;
	assert_int_equal(vaccel_resource_get_all_by_type(&all, &n, VACCEL_RESOURCE_DATA),
			 VACCEL_EPERM);
	assert_int_equal(vaccel_resource_refcount(NULL), -VACCEL_EINVAL);
}

static void test_init_paths(void **state)
{
	struct vaccel_resource r;
	char url[PATH_MAX + 16], out[8], big[PATH_MAX], *alloc = NULL;
	const char *two[2] = {f1, f2};
	const char *mixed[2] = {f1, sub};
	const char *dirfirst[2] = {sub, f1};
	const char *remote_mix[2] = {f1, "http://example.com/x"};

	(void)state;
	assert_int_equal(vaccel_resource_init(&r, f1, VACCEL_RESOURCE_DATA), VACCEL_OK);
	assert_true(r.id > 0);
	assert_int_equal(r.remote_id, 0);
	assert_int_equal(r.type, VACCEL_RESOURCE_DATA);
	assert_int_equal(r.path_type, VACCEL_PATH_LOCAL_FILE);
	assert_int_equal(r.nr_paths, 1);
	assert_string_equal(r.paths[0], f1);
	assert_null(r.blobs);
	assert_int_equal(r.nr_blobs, 0);
	assert_null(r.rundir);
	assert_int_equal(vaccel_resource_refcount(&r), 0);
	assert_int_equal(vaccel_resource_directory(&r, big, sizeof(big), NULL), VACCEL_ENOTSUP);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);
	assert_int_equal(r.id, 0);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_EINVAL);

	snprintf(url, sizeof(url), "file://%s", f2);
	assert_int_equal(vaccel_resource_init(&r, url, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_string_equal(r.paths[0], f2);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);

	assert_int_equal(vaccel_resource_init(&r, sub, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(r.path_type, VACCEL_PATH_LOCAL_DIR);
	assert_int_equal(vaccel_resource_directory(&r, big, sizeof(big), NULL), VACCEL_OK);
	assert_string_equal(big, sub);
	assert_int_equal(vaccel_resource_directory(&r, out, sizeof(out), NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_directory(&r, NULL, 0, &alloc), VACCEL_OK);
	assert_string_equal(alloc, sub);
	free(alloc);
	assert_int_equal(vaccel_resource_directory(&r, NULL, 0, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);

	assert_int_equal(
	    vaccel_resource_init(&r, "https://example.com/model.pt", VACCEL_RESOURCE_MODEL),
	    VACCEL_OK);
	assert_int_equal(r.path_type, VACCEL_PATH_REMOTE_FILE);
	assert_string_equal(r.paths[0], "https://example.com/model.pt");
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);

	assert_int_equal(vaccel_resource_init_multi(&r, two, 2, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(r.nr_paths, 2);
	assert_string_equal(r.paths[1], f2);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);

	/* errors */
	assert_int_equal(vaccel_resource_init_multi(&r, mixed, 2, VACCEL_RESOURCE_LIB),
			 VACCEL_ENOTSUP);
	assert_int_equal(vaccel_resource_init_multi(&r, dirfirst, 2, VACCEL_RESOURCE_LIB),
			 VACCEL_ENOTSUP);
	assert_int_equal(vaccel_resource_init_multi(&r, remote_mix, 2, VACCEL_RESOURCE_LIB),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init(&r, "/nonexistent/file", VACCEL_RESOURCE_LIB),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init(&r, "gopher://x/y", VACCEL_RESOURCE_LIB),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init(&r, "/dev/null", VACCEL_RESOURCE_LIB), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init(&r, f1, VACCEL_RESOURCE_MAX), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init(&r, NULL, VACCEL_RESOURCE_LIB), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init(NULL, f1, VACCEL_RESOURCE_LIB), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init_multi(&r, two, 0, VACCEL_RESOURCE_LIB),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_release(NULL), VACCEL_EINVAL);
	assert_int_equal(rt_resources_live(), 0);
}

static void test_register_local(void **state)
{
	struct vaccel_session s;
	struct vaccel_resource r, d, u;
	const char *two[2] = {f1, f2};

	(void)state;
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_resource_init_multi(&r, two, 2, VACCEL_RESOURCE_DATA), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r, &s), VACCEL_OK);
	assert_int_equal(ls->reg, 1);
	assert_int_equal(ls->reg_refcount_seen, 0); /* hook runs before linking */
	assert_int_equal(vaccel_resource_refcount(&r), 1);
	assert_true(vaccel_session_has_resource(&s, &r));
	assert_int_equal(r.nr_blobs, 2);
	assert_int_equal(r.blobs[0]->type, VACCEL_BLOB_FILE);
	assert_null(r.blobs[0]->data); /* local sessions read lazily */
	assert_string_equal(r.blobs[1]->name, "b.bin");
	assert_string_equal(r.blobs[1]->path, f2);
	assert_null(r.rundir); /* no unused rundir for local files */

	/* registering the same pair again: OK, no second hook call */
	assert_int_equal(vaccel_resource_register(&r, &s), VACCEL_OK);
	assert_int_equal(ls->reg, 1);
	assert_int_equal(vaccel_resource_refcount(&r), 1);

	/* directory: every regular file, recursively */
	assert_int_equal(vaccel_resource_init(&d, sub, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&d, &s), VACCEL_OK);
	assert_int_equal(d.nr_blobs, 2);
	int found = 0;
	for (size_t i = 0; i < d.nr_blobs; i++)
		found +=
		    !strcmp(d.blobs[i]->name, "x.txt") + 2 * !strcmp(d.blobs[i]->name, "y.txt");
	assert_int_equal(found, 3);

	/* URLs need a downloader, which this build does not have */
	assert_int_equal(vaccel_resource_init(&u, "http://example.com/m", VACCEL_RESOURCE_MODEL),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&u, &s), VACCEL_ENOTSUP);
	assert_false(vaccel_session_has_resource(&s, &u));

	/* unregister: the hook sees the registration, then it is gone */
	assert_int_equal(vaccel_resource_unregister(&r, &s), VACCEL_OK);
	assert_int_equal(ls->unreg, 1);
	assert_int_equal(ls->unreg_saw_link, 1);
	assert_false(vaccel_session_has_resource(&s, &r));
	assert_int_equal(vaccel_resource_refcount(&r), 0);
	assert_int_equal(vaccel_resource_unregister(&r, &s), VACCEL_EINVAL);

	/* argument errors */
	assert_int_equal(vaccel_resource_register(NULL, &s), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_register(&r, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_unregister(NULL, &s), VACCEL_EINVAL);

	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r, &s), VACCEL_EINVAL); /* released */
	assert_int_equal(vaccel_resource_release(&d), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&u), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_true(th_exists(f1)); /* user files are never deleted */
}

/*
 * With the plugin hook failing (*fail set), `change` (register or unregister) reports
 * VACCEL_EBACKEND and the registration stays as it was (`registered`); once the hook
 * works again, the change succeeds.
 */
static void retry_after_hook_failure(int (*change)(struct vaccel_resource *,
						   struct vaccel_session *),
				     int *fail, struct vaccel_resource *r, struct vaccel_session *s,
				     bool registered)
{
	*fail = 1;
	assert_int_equal(change(r, s), VACCEL_EBACKEND);
	assert_int_equal(vaccel_session_has_resource(s, r), registered);
	assert_int_equal(vaccel_resource_refcount(r), registered ? 1 : 0);
	*fail = 0;
	assert_int_equal(change(r, s), VACCEL_OK);
}

static void test_hook_failures(void **state)
{
	struct vaccel_session s;
	struct vaccel_resource r;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&r, f1, VACCEL_RESOURCE_DATA), VACCEL_OK);
	retry_after_hook_failure(vaccel_resource_register, &ls->fail_reg, &r, &s, false);

	/* a failing unregister hook keeps the registration */
	retry_after_hook_failure(vaccel_resource_unregister, &ls->fail_unreg, &r, &s, true);
	assert_int_equal(vaccel_resource_refcount(&r), 0);

	/* release drops registrations even when the hook fails, and reports it */
	assert_int_equal(vaccel_resource_register(&r, &s), VACCEL_OK);
	ls->fail_unreg = 1;
	assert_int_equal(vaccel_resource_release(&r), VACCEL_EBACKEND);
	assert_int_equal(r.id, 0);
	assert_int_equal(s.resource_counts[VACCEL_RESOURCE_DATA], 0);
	ls->fail_unreg = 0;
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

static void test_register_virtio(void **state)
{
	struct vaccel_session v, l;
	struct vaccel_resource r, u;

	(void)state;
	assert_int_equal(vaccel_session_init(&v, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_true(v.is_virtio);
	assert_int_equal(vaccel_session_init(&l, 0), VACCEL_OK);

	assert_int_equal(vaccel_resource_init(&r, f2, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r, &l), VACCEL_OK);
	assert_null(r.blobs[0]->data);
	assert_int_equal(vaccel_resource_register(&r, &v), VACCEL_OK);
	assert_int_equal(vs->reg, 1);
	assert_int_equal(vs->reg_blobs_in_memory, 1); /* read before the hook */
	assert_int_equal(r.blobs[0]->type, VACCEL_BLOB_MAPPED);
	assert_true(r.blobs[0]->data_owned); /* our mapping: unmapped at release */
	assert_int_equal(r.blobs[0]->size, 6);
	assert_memory_equal(r.blobs[0]->data, "world!", 6);
	assert_int_equal(r.remote_id, 1000 + r.id);
	assert_int_equal(vaccel_resource_refcount(&r), 2);

	/* URL resources: no download, the remote side fetches them */
	assert_int_equal(
	    vaccel_resource_init(&u, "https://example.com/m.pt", VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&u, &v), VACCEL_OK);
	assert_int_equal(u.nr_blobs, 0);
	assert_true(u.remote_id > 0);
	/* sync of a resource without blobs is an error, not a crash */
	assert_int_equal(vaccel_resource_sync(&u, &v), VACCEL_EINVAL);

	assert_int_equal(vaccel_resource_unregister(&r, &v), VACCEL_OK);
	assert_int_equal(vs->unreg, 1);
	assert_int_equal(vs->unreg_saw_link, 1);
	assert_int_equal(r.remote_id, 0);
	assert_int_equal(vaccel_resource_refcount(&r), 1);

	/* hook success with an invalid remote id is an error */
	vs->zero_remote_id = 1;
	assert_int_equal(vaccel_resource_register(&r, &v), VACCEL_EBACKEND);
	assert_false(vaccel_session_has_resource(&v, &r));
	vs->zero_remote_id = 0;

	assert_int_equal(vaccel_resource_release(&u), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&v), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&l), VACCEL_OK);
}

static void test_from_buf(void **state)
{
	struct vaccel_resource m, p, q;
	struct vaccel_session l, v, vn;
	static const char data[] = "buffer-data";
	char path[PATH_MAX], rundir[PATH_MAX];

	(void)state;
	assert_int_equal(vaccel_resource_init_from_buf(&m, data, sizeof(data), VACCEL_RESOURCE_DATA,
						       "in.bin", true),
			 VACCEL_OK);
	assert_int_equal(m.nr_blobs, 1);
	assert_int_equal(m.blobs[0]->type, VACCEL_BLOB_BUFFER);
	assert_ptr_equal(m.blobs[0]->data, data); /* aliased */
	assert_false(m.blobs[0]->data_owned);
	assert_string_equal(m.blobs[0]->name, "in.bin");
	assert_null(m.rundir);
	assert_int_equal(m.path_type, VACCEL_PATH_LOCAL_FILE);

	assert_int_equal(vaccel_resource_init_from_buf(&p, data, sizeof(data), VACCEL_RESOURCE_DATA,
						       "out.bin", false),
			 VACCEL_OK);
	assert_non_null(p.rundir);
	assert_true(th_exists(p.rundir));
	assert_int_equal(p.blobs[0]->type, VACCEL_BLOB_MAPPED);
	assert_ptr_not_equal(p.blobs[0]->data, data);
	assert_memory_equal(p.blobs[0]->data, data, sizeof(data));
	assert_true(p.blobs[0]->path_owned);
	snprintf(path, sizeof(path), "%s/out.bin", p.rundir);
	assert_string_equal(p.blobs[0]->path, path);
	assert_true(th_exists(path));
	strcpy(rundir, p.rundir);

	assert_int_equal(vaccel_resource_init_from_buf(&q, data, sizeof(data), VACCEL_RESOURCE_DATA,
						       NULL, false),
			 VACCEL_OK);
	assert_true(strncmp(q.blobs[0]->name, "file_", 5) == 0);

	/* sync */
	assert_int_equal(vaccel_session_init(&l, 0), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&v, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_resource_sync(&m, &l), VACCEL_EPERM); /* not registered */
	assert_int_equal(vaccel_resource_register(&m, &l), VACCEL_OK);
	assert_int_equal(vaccel_resource_sync(&m, &l), VACCEL_OK);
	assert_int_equal(ls->sync, 1);
	assert_int_equal(vaccel_resource_register(&m, &v), VACCEL_OK);
	assert_int_equal(vaccel_resource_sync(&m, &v), VACCEL_OK);
	assert_int_equal(vs->sync, 1);
	assert_int_equal(vaccel_resource_register(&p, &v), VACCEL_OK);
	assert_int_equal(vaccel_resource_sync(&p, &v), VACCEL_EINVAL); /* not a buffer */
	assert_int_equal(vaccel_resource_sync(NULL, &v), VACCEL_EINVAL);

	/* the only other virtio plugin has no sync hook */
	vaccel_cleanup();
	assert_int_equal(th_boot(th_plugin("tp-virtio-nosync")), VACCEL_OK);
	assert_false(th_exists(path)); /* cleanup released p: its file and rundir are gone */
	assert_false(th_exists(rundir));
	assert_int_equal(m.id, 0);
	assert_int_equal(vaccel_session_init(&vn, 0), VACCEL_OK);
	assert_int_equal(vaccel_resource_init_from_buf(&m, data, sizeof(data), VACCEL_RESOURCE_DATA,
						       "in.bin", true),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&m, &vn), VACCEL_OK);
	assert_int_equal(vaccel_resource_sync(&m, &vn), VACCEL_ENOTSUP);
	assert_int_equal(vaccel_resource_release(&m), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&vn), VACCEL_OK);
	assert_int_equal(
	    vaccel_resource_init_from_buf(&m, NULL, 1, VACCEL_RESOURCE_DATA, NULL, true),
	    VACCEL_EINVAL);
}

static void test_from_blobs(void **state)
{
	struct vaccel_blob file, buf, mapped;
	const struct vaccel_blob *in[3] = {&file, &buf, &mapped};
	struct vaccel_resource r;
	static const uint8_t bytes[] = {1, 2, 3, 4};
	char tmp[256];

	(void)state;
	assert_non_null(th_tmpdir(tmp, sizeof(tmp)));
	assert_int_equal(vaccel_blob_init(&file, f1), VACCEL_OK);
	assert_int_equal(
	    vaccel_blob_init_from_buf(&buf, bytes, sizeof(bytes), true, "buf", NULL, false),
	    VACCEL_OK);
	assert_int_equal(
	    vaccel_blob_init_from_buf(&mapped, bytes, sizeof(bytes), false, "m.bin", tmp, false),
	    VACCEL_OK);
	assert_int_equal(vaccel_resource_init_from_blobs(&r, in, 3, VACCEL_RESOURCE_MODEL),
			 VACCEL_OK);
	assert_int_equal(r.nr_blobs, 3);
	assert_int_equal(r.blobs[0]->type, VACCEL_BLOB_FILE);
	assert_string_equal(r.blobs[0]->path, f1);
	assert_int_equal(r.blobs[1]->type, VACCEL_BLOB_BUFFER);
	assert_ptr_not_equal(r.blobs[1]->data, buf.data); /* owned source: copied */
	assert_true(r.blobs[1]->data_owned);
	assert_int_equal(r.blobs[2]->type, VACCEL_BLOB_MAPPED);
	assert_non_null(r.rundir);
	assert_true(strncmp(r.blobs[2]->path, r.rundir, strlen(r.rundir)) == 0);
	assert_memory_equal(r.blobs[2]->data, bytes, sizeof(bytes));
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);

	struct vaccel_blob bad = {0};
	const struct vaccel_blob *inbad[2] = {&file, &bad};
	bad.type = VACCEL_BLOB_MAX;
	assert_int_equal(vaccel_resource_init_from_blobs(&r, inbad, 2, VACCEL_RESOURCE_MODEL),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_init_from_blobs(&r, in, 0, VACCEL_RESOURCE_MODEL),
			 VACCEL_EINVAL);
	vaccel_blob_release(&file);
	vaccel_blob_release(&buf);
	vaccel_blob_release(&mapped);
	rmdir(tmp);
}

static void test_lookups_and_new(void **state)
{
	struct vaccel_resource *a = NULL, *b = NULL, *c = NULL, *found, **all;
	const char *two[2] = {f1, f2};
	const struct vaccel_blob *blobs[1];
	struct vaccel_blob blob;
	size_t n;

	(void)state;
	assert_int_equal(vaccel_resource_new(&a, f1, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_multi_new(&b, two, 2, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_from_buf(&c, "zz", 2, VACCEL_RESOURCE_DATA, "z", true),
			 VACCEL_OK);
	assert_int_equal(b->id, a->id + 1); /* consecutive IDs */
	assert_int_equal(vaccel_resource_get_by_id(&found, b->id), VACCEL_OK);
	assert_ptr_equal(found, b);
	assert_int_equal(vaccel_resource_get_by_id(&found, 12345), VACCEL_ENOENT);
	assert_int_equal(vaccel_resource_get_by_id(&found, 0), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_get_by_type(&found, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_ptr_equal(found, a); /* first created */
	assert_int_equal(vaccel_resource_get_by_type(&found, VACCEL_RESOURCE_MODEL), VACCEL_ENOENT);
	assert_int_equal(vaccel_resource_get_by_type(&found, VACCEL_RESOURCE_MAX), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_get_all_by_type(&all, &n, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(n, 2);
	assert_ptr_equal(all[0], a);
	assert_ptr_equal(all[1], b);
	free(all);
	assert_int_equal(vaccel_resource_get_all_by_type(&all, &n, VACCEL_RESOURCE_MODEL),
			 VACCEL_ENOENT);
	assert_int_equal(n, 0);
	assert_int_equal(vaccel_resource_new(NULL, f1, VACCEL_RESOURCE_LIB), VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_new(&found, "/nonexistent", VACCEL_RESOURCE_LIB),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_resource_delete(a), VACCEL_OK);
	assert_int_equal(vaccel_resource_delete(b), VACCEL_OK);
	assert_int_equal(vaccel_resource_delete(c), VACCEL_OK);
	assert_int_equal(vaccel_resource_delete(NULL), VACCEL_EINVAL);

	assert_int_equal(vaccel_blob_init(&blob, f2), VACCEL_OK);
	blobs[0] = &blob;
	assert_int_equal(vaccel_resource_from_blobs(&a, blobs, 1, VACCEL_RESOURCE_DATA), VACCEL_OK);
	assert_int_equal(vaccel_resource_delete(a), VACCEL_OK);
	vaccel_blob_release(&blob);
	assert_int_equal(rt_resources_live(), 0);
}

static void test_release_multi_session(void **state)
{
	struct vaccel_session s1, s2;
	struct vaccel_resource r;

	(void)state;
	assert_int_equal(vaccel_session_init(&s1, 0), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s2, 0), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&r, f1, VACCEL_RESOURCE_DATA), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r, &s1), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r, &s2), VACCEL_OK);
	assert_int_equal(vaccel_resource_refcount(&r), 2);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);
	assert_false(vaccel_session_has_resource(&s1, &r));
	assert_int_equal(s1.resource_counts[VACCEL_RESOURCE_DATA], 0);
	assert_int_equal(s2.resource_counts[VACCEL_RESOURCE_DATA], 0);
	assert_int_equal(ls->unreg, 2);
	assert_int_equal(vaccel_session_release(&s1), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s2), VACCEL_OK);
}

/* A test run with the fixture above: boot() before, th_cleanup() after. */
#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, boot, th_cleanup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_not_bootstrapped),
	    FIXTURE_TEST(test_init_paths),
	    FIXTURE_TEST(test_register_local),
	    FIXTURE_TEST(test_hook_failures),
	    FIXTURE_TEST(test_register_virtio),
	    FIXTURE_TEST(test_from_buf),
	    FIXTURE_TEST(test_from_blobs),
	    FIXTURE_TEST(test_lookups_and_new),
	    FIXTURE_TEST(test_release_multi_session),
	};
	return vt_run_group(tests, setup, teardown_all);
}
