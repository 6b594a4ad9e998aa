/* SPDX-License-Identifier: Apache-2.0 */
/* Blobs: files, buffers, persisted and mapped data. */
#include "th.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <vaccel.h>
#include "vt_main.h"

static char dir[256], file[PATH_MAX], empty[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	if (!th_tmpdir(dir, sizeof(dir)))
		return -1;
	th_write_file(dir, "data.bin", "0123456789", 10, file, sizeof(file));
	th_write_file(dir, "empty.bin", "", 0, empty, sizeof(empty));
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	unlink(file);
	unlink(empty);
	return rmdir(dir);
}

/*
 * True if the page holding `addr` is mapped in this process, from /proc/self/maps:
 * msync() would do natively, but qemu-user (the cross builds' tests) keeps unmapped
 * guest pages reserved on the host, so msync() succeeds there; its emulated
 * /proc/self/maps shows the guest's mappings.
 */
static bool mapped(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, lo, hi;
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) == 2 && a >= lo && a < hi;
	fclose(f);
	return found;
}

static void test_file_blob_and_read(void **state)
{
	struct vaccel_blob b;
	size_t size = 0;
	uint8_t *data;

	(void)state;
	assert_int_equal(vaccel_blob_init(&b, file), VACCEL_OK);
	assert_int_equal(b.type, VACCEL_BLOB_FILE);
	assert_string_equal(b.name, "data.bin");
	assert_string_equal(b.path, file);
	assert_null(b.data);
	assert_false(b.path_owned);
	assert_false(b.data_owned);
	assert_true(vaccel_blob_valid(&b));
	assert_string_equal(vaccel_blob_path(&b), file);

	assert_int_equal(vaccel_blob_read(&b), VACCEL_OK);
	assert_int_equal(b.type, VACCEL_BLOB_MAPPED);
	assert_true(b.data_owned);
	assert_int_equal(b.size, 10);
	assert_memory_equal(b.data, "0123456789", 10);
	data = b.data;
	assert_int_equal(vaccel_blob_read(&b), VACCEL_OK); /* already in memory */
	assert_ptr_equal(b.data, data);
	assert_ptr_equal(vaccel_blob_data(&b, &size), data);
	assert_int_equal(size, 10);
	assert_true(mapped(data));

	/* the mapping made by vaccel_blob_read() is unmapped at release */
	assert_int_equal(vaccel_blob_release(&b), VACCEL_OK);
	assert_false(mapped(data));
	assert_int_equal(b.type, VACCEL_BLOB_MAX);
	assert_true(th_exists(file)); /* not ours: kept */
	assert_int_equal(vaccel_blob_release(&b), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_read(&b), VACCEL_EINVAL);
	assert_false(vaccel_blob_valid(&b));
}

static void test_init_errors(void **state)
{
	struct vaccel_blob b;

	(void)state;
	assert_int_equal(vaccel_blob_init(&b, dir), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init(&b, "/nonexistent/x"), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init(&b, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init(NULL, file), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init(&b, empty), VACCEL_OK);
	assert_int_equal(vaccel_blob_read(&b), VACCEL_EINVAL); /* empty file */
	assert_null(vaccel_blob_data(&b, NULL));
	assert_int_equal(vaccel_blob_release(&b), VACCEL_OK);
	assert_false(vaccel_blob_valid(NULL));
	assert_null(vaccel_blob_path(NULL));
	assert_null(vaccel_blob_data(NULL, NULL));
}

static void test_buffers(void **state)
{
	static const uint8_t buf[] = "abcdef";
	struct vaccel_blob a, o;

	(void)state;
	assert_int_equal(vaccel_blob_init_from_buf(&a, buf, 6, false, "a", NULL, false), VACCEL_OK);
	assert_int_equal(a.type, VACCEL_BLOB_BUFFER);
	assert_ptr_equal(a.data, buf);
	assert_false(a.data_owned);
	assert_null(vaccel_blob_path(&a));
	assert_true(vaccel_blob_valid(&a));
	assert_int_equal(vaccel_blob_init_from_buf(&o, buf, 6, true, "o", NULL, false), VACCEL_OK);
	assert_ptr_not_equal(o.data, buf);
	assert_true(o.data_owned);
	assert_memory_equal(o.data, buf, 6);
	assert_int_equal(vaccel_blob_release(&a), VACCEL_OK);
	assert_int_equal(vaccel_blob_release(&o), VACCEL_OK);

	assert_int_equal(vaccel_blob_init_from_buf(&a, NULL, 6, false, "a", NULL, false),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init_from_buf(&a, buf, 0, false, "a", NULL, false),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init_from_buf(&a, buf, 6, false, NULL, NULL, false),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init_from_buf(&a, buf, 6, false, "../x", NULL, false),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_init_from_buf(&a, buf, 6, false, "a", "/nonexistent", false),
			 VACCEL_ENOENT);
}

static void test_persist(void **state)
{
	static const uint8_t buf[] = "persisted";
	struct vaccel_blob p, q, r;
	char path[PATH_MAX];

	(void)state;
	assert_int_equal(vaccel_blob_init_from_buf(&p, buf, 9, true, "p.bin", dir, false),
			 VACCEL_OK);
	assert_int_equal(p.type, VACCEL_BLOB_MAPPED);
	assert_true(p.path_owned);
	assert_true(p.data_owned);
	assert_string_equal(p.name, "p.bin");
	snprintf(path, sizeof(path), "%s/p.bin", dir);
	assert_string_equal(p.path, path);
	assert_memory_equal(p.data, buf, 9);
	assert_true(th_exists(path));

	/* same name again: a random suffix, extension kept */
	assert_int_equal(vaccel_blob_init_from_buf(&q, buf, 9, false, "p.bin", dir, false),
			 VACCEL_OK);
	assert_string_not_equal(q.name, "p.bin");
	assert_true(strncmp(q.name, "p_", 2) == 0);
	assert_non_null(strstr(q.name, ".bin"));
	/* randomize on request */
	assert_int_equal(vaccel_blob_init_from_buf(&r, buf, 9, false, "file", dir, true),
			 VACCEL_OK);
	assert_true(strncmp(r.name, "file_", 5) == 0);
	assert_int_equal(strlen(r.name), 11);

	/* persisting again: the blob already has a file */
	assert_int_equal(vaccel_blob_persist(&p, dir, "again", false), VACCEL_EEXIST);
	assert_int_equal(vaccel_blob_persist(NULL, dir, "x", false), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_persist(&p, dir, NULL, false), VACCEL_EINVAL);

	struct vaccel_blob nodata = {.type = VACCEL_BLOB_BUFFER, .name = NULL};
	assert_int_equal(vaccel_blob_persist(&nodata, dir, "x", false), VACCEL_EINVAL);

	/* owned files are removed at release */
	char qpath[PATH_MAX];
	strcpy(qpath, q.path);
	assert_int_equal(vaccel_blob_release(&p), VACCEL_OK);
	assert_int_equal(vaccel_blob_release(&q), VACCEL_OK);
	assert_int_equal(vaccel_blob_release(&r), VACCEL_OK);
	assert_false(th_exists(path));
	assert_false(th_exists(qpath));
}

static void test_new_delete(void **state)
{
	struct vaccel_blob *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(vaccel_blob_new(&a, file), VACCEL_OK);
	assert_int_equal(vaccel_blob_from_buf(&b, (const uint8_t *)"xy", 2, true, "b", NULL, false),
			 VACCEL_OK);
	assert_non_null(vaccel_blob_data(a, NULL));
	assert_int_equal(vaccel_blob_delete(a), VACCEL_OK);
	assert_int_equal(vaccel_blob_delete(b), VACCEL_OK);
	assert_int_equal(vaccel_blob_delete(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_new(NULL, file), VACCEL_EINVAL);
	assert_int_equal(vaccel_blob_new(&a, "/nonexistent"), VACCEL_EINVAL);
	assert_int_equal(
	    vaccel_blob_from_buf(NULL, (const uint8_t *)"x", 1, true, "b", NULL, false),
	    VACCEL_EINVAL);
}

VT_MAIN(setup, teardown_all, test_file_blob_and_read, test_init_errors, test_buffers, test_persist,
	test_new_delete)
