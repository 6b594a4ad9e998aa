/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's state journal (backend/state.c) on its own: records written
 * as handle.c writes them, a "crash" (the journal left as it is), and a
 * restore into a fresh connection, on the host runtime with the noop
 * plugin. Then every way a record can be bad: corrupt, truncated,
 * oversized, misnamed, a file name that climbs out, junk in the directory,
 * no counters, over quota. Each is logged, removed and skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "daemon.h"

#define NAME "vm-0000000000000000"

static char root[64];
static char sub[128];
static const struct conn_charge none;

/* The connection's limits (the quotas apply to restores too). */
static struct conn_limits lim;

static void default_limits(void)
{
	lim = (struct conn_limits){.sessions = 16,
				   .resources = 16,
				   .upload_bytes = 1 << 20,
				   .mappings = 16,
				   .bounce_bytes = 1 << 20,
				   .inflight = 8};
}

static int setup(void **state)
{
	(void)state;
	default_limits();
	snprintf(root, sizeof(root), "/tmp/test-state.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(sub, sizeof(sub), "%s/%s", root, NAME);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* A connection with its journal claimed (not restored). */
static void attach(struct conn *c)
{
	assert_int_equal(conn_init(c, &lim), 0);
	assert_int_equal(state_open(&c->st, root, NAME, &lim), 0);
}

/* The daemon dies: its memory goes, the journal stays as it is. */
static void crash(struct conn *c)
{
	struct state *st = c->st;

	state_close(st, true);
	conn_destroy(c);
	state_free(st);
}

/* A new daemon: claim and restore; returns what state_restore returned. */
static int restore(struct conn *c)
{
	attach(c);
	return state_restore(c->st, c);
}

/* What CREATE_SESSION does (handle.c): the record goes before the id is listed. */
static uint64_t new_sess(struct conn *c, uint32_t flags)
{
	struct vaccel_session *s;
	uint64_t id;

	assert_int_equal(conn_reserve(c, CONN_SESS, &none), 0);
	assert_int_equal(hostrt_session_new(&s, flags), VACCEL_OK);
	id = conn_new_id(c, CONN_SESS);
	assert_int_equal(state_note_session(c->st, id, flags), 0);
	assert_int_equal(conn_add_as(c, CONN_SESS, s, &none, id), 0);
	return id;
}

/* What REGISTER_RESOURCE of new files does: resource, its record, its link. */
static uint64_t new_res(struct conn *c, uint64_t sid, const char *const *names,
			const char *const *data, unsigned n)
{
	struct vaccel_blob blobs[4];
	const struct vaccel_blob *bp[4];
	struct conn_charge ch = {0, n};
	struct vaccel_resource *res;
	struct conn_entry *s = conn_get(c, CONN_SESS, sid);
	uint64_t id;

	assert_non_null(s);
	for (unsigned i = 0; i < n; i++) {
		blobs[i] = (struct vaccel_blob){.type = VACCEL_BLOB_MAPPED,
						.name = (char *)names[i],
						.data = (uint8_t *)data[i],
						.size = strlen(data[i])};
		bp[i] = &blobs[i];
		ch.bytes += blobs[i].size;
	}
	assert_int_equal(conn_reserve(c, CONN_RES, &ch), 0);
	assert_int_equal(hostrt_resource_new(&res, bp, n, VACCEL_RESOURCE_DATA), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(res, s->sess), VACCEL_OK);
	id = conn_new_id(c, CONN_RES);
	assert_int_equal(state_note_resource(c->st, id, VACCEL_RESOURCE_DATA, blobs, n), 0);
	assert_int_equal(state_note_link(c->st, sid, id), 0);
	assert_int_equal(conn_add_as(c, CONN_RES, res, &ch, id), 0);
	conn_put(c, s);
	return id;
}

static bool exists(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", sub, name);
	return access(p, F_OK) == 0;
}

static void write_file(const char *name, const void *data, size_t len)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", sub, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A record's bytes (at most cap), for tampering. */
static size_t read_file(const char *name, void *buf, size_t cap)
{
	char p[256];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", sub, name);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, cap);
	close(fd);
	assert_true(n > 0);
	return (size_t)n;
}

static unsigned count(struct conn *c, enum conn_kind k)
{
	struct conn_usage u;

	conn_usage(c, &u);
	return u.count[k];
}

/* Sessions, a resource of two files registered with both: all back, same ids, same bytes. */
static void good_records(void **state)
{
	static const char *const names[] = {"model.bin", "labels.txt"};
	static const char *const data[] = {"weights weights weights", "cat\ndog\n"};
	struct conn c, c2;
	struct conn_entry *s1, *s2, *r;
	uint64_t sid1, sid2, rid;

	(void)state;
	attach(&c);
	sid1 = new_sess(&c, 0);
	sid2 = new_sess(&c, 0);
	rid = new_res(&c, sid1, names, data, 2);
	s2 = conn_get(&c, CONN_SESS, sid2);
	r = conn_get(&c, CONN_RES, rid);
	assert_int_equal(conn_register(&c, s2, r), VACCEL_OK);
	assert_int_equal(state_note_link(c.st, sid2, rid), 0);
	conn_put(&c, r);
	conn_put(&c, s2);
	crash(&c);

	assert_int_equal(restore(&c2), 1);
	assert_true(state_restored(c2.st));
	assert_int_equal(count(&c2, CONN_SESS), 2);
	assert_int_equal(count(&c2, CONN_RES), 1);
	s1 = conn_get(&c2, CONN_SESS, sid1);
	s2 = conn_get(&c2, CONN_SESS, sid2);
	r = conn_get(&c2, CONN_RES, rid);
	assert_non_null(s1);
	assert_non_null(s2);
	assert_non_null(r);
	assert_true(vaccel_session_has_resource(s1->sess, r->res));
	assert_true(vaccel_session_has_resource(s2->sess, r->res));
	/* The files, in order, with their names and contents (never sent again). */
	assert_int_equal(r->res->nr_paths, 2);
	for (unsigned i = 0; i < 2; i++) {
		char buf[64] = {0};
		const char *base = strrchr(r->res->paths[i], '/');
		FILE *f = fopen(r->res->paths[i], "r");

		assert_non_null(f);
		assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), strlen(data[i]));
		fclose(f);
		assert_string_equal(buf, data[i]);
		assert_non_null(base);
		assert_string_equal(base + 1, names[i]);
	}
	assert_int_equal(r->charge.bytes, strlen(data[0]) + strlen(data[1]));
	conn_put(&c2, r);
	conn_put(&c2, s2);
	conn_put(&c2, s1);

	/* Destroying a session removes its record and its link; the resource stays with s2. */
	assert_true(conn_destroy_sess(&c2, sid1));
	assert_false(exists("s-1"));
	assert_false(exists("l-1-1"));
	assert_true(exists("l-2-1"));
	assert_true(conn_destroy_sess(&c2, sid2));
	assert_false(exists("r-1"));
	assert_false(exists("l-2-1"));
	assert_true(exists("ids"));
	/* The frontend leaves: the directory goes. */
	state_close(c2.st, false);
	assert_int_equal(access(sub, F_OK), -1);
	conn_destroy(&c2);
	state_free(c2.st);
}

/* Ids given and destroyed before the crash are never given again. */
static void ids_continue(void **state)
{
	static const char *const names[] = {"f"};
	static const char *const data[] = {"x"};
	struct conn c, c2;
	uint64_t sid, last, rid, next;

	(void)state;
	attach(&c);
	sid = new_sess(&c, 0);
	rid = new_res(&c, sid, names, data, 1);
	for (int i = 0; i < 5; i++)
		assert_true(conn_destroy_sess(&c, new_sess(&c, 0)));
	last = conn_new_id(&c, CONN_SESS); /* given out, never journalled */
	crash(&c);

	assert_int_equal(restore(&c2), 1);
	assert_int_equal(count(&c2, CONN_SESS), 1);
	next = conn_new_id(&c2, CONN_SESS);
	print_message("session ids up to %llu before, next %llu after\n", (unsigned long long)last,
		      (unsigned long long)next);
	assert_true(next > last);
	assert_true(conn_new_id(&c2, CONN_RES) > rid);
	crash(&c2);
}

/* Flip one byte of a session record, cut a resource record short: both go, the rest stays. */
static void corrupt_and_truncated(void **state)
{
	static const char *const names[] = {"f"};
	static const char *const data[] = {"0123456789abcdef"};
	uint8_t buf[4096];
	struct conn c, c2;
	uint64_t sid1, sid2;
	size_t n;

	(void)state;
	attach(&c);
	sid1 = new_sess(&c, 0);
	sid2 = new_sess(&c, 0);
	new_res(&c, sid2, names, data, 1);
	crash(&c);
	n = read_file("s-1", buf, sizeof(buf));
	buf[12] ^= 0x40; /* the flags field */
	write_file("s-1", buf, n);
	n = read_file("r-1", buf, sizeof(buf));
	write_file("r-1", buf, n - 5);

	assert_int_equal(restore(&c2), 1);
	assert_null(conn_get(&c2, CONN_SESS, sid1));
	assert_int_equal(count(&c2, CONN_SESS), 1);
	assert_int_equal(count(&c2, CONN_RES), 0);
	assert_false(exists("s-1"));
	assert_false(exists("r-1"));
	assert_false(exists("l-2-1")); /* its resource is gone */
	assert_true(exists("s-2"));
	crash(&c2);
}

/* A resource record larger than the connection's upload quota allows: not even read. */
static void oversized(void **state)
{
	static const char *const names[] = {"big"};
	char *big = malloc(65536);
	const char *data[1] = {big};
	struct conn c, c2;
	uint64_t sid;

	(void)state;
	assert_non_null(big);
	memset(big, 'b', 65535);
	big[65535] = '\0';
	attach(&c);
	sid = new_sess(&c, 0);
	new_res(&c, sid, names, data, 1);
	crash(&c);
	free(big);
	lim.upload_bytes = 4096; /* the new daemon's limit */
	assert_int_equal(restore(&c2), 1);
	assert_int_equal(count(&c2, CONN_SESS), 1);
	assert_int_equal(count(&c2, CONN_RES), 0);
	assert_false(exists("r-1"));
	crash(&c2);
}

/* File names that would leave the upload directory, or are not names: rejected. */
static void traversal_names(void **state)
{
	static const char *const bad[] = {"../evil", "a/b", "..", "."};
	char evil[256];
	struct conn c, c2;
	uint64_t sid;

	(void)state;
	attach(&c);
	sid = new_sess(&c, 0);
	/* Written as a tampered journal would hold them (handle.c refuses such names). */
	for (unsigned i = 0; i < 4; i++) {
		struct vaccel_blob b = {.type = VACCEL_BLOB_MAPPED,
					.name = (char *)bad[i],
					.data = (uint8_t *)"payload",
					.size = 7};

		assert_int_equal(state_note_resource(c.st, 10 + i, VACCEL_RESOURCE_LIB, &b, 1), 0);
		assert_int_equal(state_note_link(c.st, sid, 10 + i), 0);
	}
	crash(&c);
	assert_int_equal(restore(&c2), 1);
	assert_int_equal(count(&c2, CONN_RES), 0);
	for (unsigned i = 0; i < 4; i++) {
		char name[32];

		snprintf(name, sizeof(name), "r-%u", 10 + i);
		assert_false(exists(name));
	}
	snprintf(evil, sizeof(evil), "%s/evil", vaccel_rundir());
	assert_int_equal(access(evil, F_OK), -1);
	crash(&c2);
}

/* Junk in the directory: names that are no records, a directory, a symlink, a leftover. */
static void junk_entries(void **state)
{
	static const char *const junk[] = {
	    "s-01", "s-0", "x", ".tmp-s-9", "s-99999999999999999999999", "l-1-", "r--1"};
	char p[256], rec[64];
	struct conn c, c2;
	size_t n;

	(void)state;
	attach(&c);
	new_sess(&c, 0);
	crash(&c);
	n = read_file("s-1", rec, sizeof(rec));
	for (unsigned i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		write_file(junk[i], rec, n);
	snprintf(p, sizeof(p), "%s/s-5", sub);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/s-6", sub);
	assert_int_equal(symlink("s-1", p), 0);

	assert_int_equal(restore(&c2), 1);
	assert_int_equal(count(&c2, CONN_SESS), 1);
	for (unsigned i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_false(exists(junk[i]));
	assert_false(exists("s-6")); /* never followed */
	crash(&c2);
}

/* A valid record under another record's name, or past the counters: rejected. */
static void misnamed_and_past_counters(void **state)
{
	char rec[64], other[256];
	struct conn c, c2;
	struct state *x;
	size_t n;

	(void)state;
	attach(&c);
	new_sess(&c, 0);
	/* Another frontend's journal hands us a record with an id we never counted to. */
	assert_int_equal(state_open(&x, root, "other", &lim), 0);
	assert_int_equal(state_note_session(x, 5000, 0), 0);
	crash(&c);
	snprintf(other, sizeof(other), "%s/other/s-5000", root);
	n = read_file("s-1", rec, sizeof(rec));
	write_file("s-2", rec, n); /* says id 1 */
	{
		char buf[64];
		FILE *f = fopen(other, "r");

		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		write_file("s-5000", buf, n);
	}
	state_close(x, false);
	state_free(x);

	assert_int_equal(restore(&c2), 1);
	assert_int_equal(count(&c2, CONN_SESS), 1);
	assert_false(exists("s-2"));
	assert_false(exists("s-5000"));
	assert_true(exists("s-1"));
	crash(&c2);
}

/* Without the counters nothing is restored (an id could be given twice) and the records go. */
static void no_counters(void **state)
{
	char p[256];
	struct conn c, c2;

	(void)state;
	attach(&c);
	new_sess(&c, 0);
	crash(&c);
	snprintf(p, sizeof(p), "%s/ids", sub);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(restore(&c2), 0);
	assert_false(state_restored(c2.st));
	assert_int_equal(count(&c2, CONN_SESS), 0);
	assert_false(exists("s-1"));
	crash(&c2);
}

/* The quotas bound what is restored as they bound what the guest creates. */
static void over_quota(void **state)
{
	struct conn c, c2;

	(void)state;
	attach(&c);
	for (int i = 0; i < 5; i++)
		new_sess(&c, 0);
	crash(&c);
	lim.sessions = 2;
	assert_int_equal(restore(&c2), 1);
	assert_int_equal(count(&c2, CONN_SESS), 2);
	crash(&c2);
}

/* One connection (and one process) at a time holds a journal. */
static void one_holder(void **state)
{
	struct state *a, *b;

	(void)state;
	assert_int_equal(state_open(&a, root, NAME, &lim), 0);
	assert_int_equal(state_open(&b, root, NAME, &lim), -EBUSY);
	state_close(a, true);
	assert_int_equal(state_open(&b, root, NAME, &lim), 0);
	state_free(a);
	state_close(b, false);
	state_free(b);
}

/* The subdirectory's name: readable, no path, unique per socket path. */
static void subdir_names(void **state)
{
	char a[STATE_SUBDIR_MAX], b[STATE_SUBDIR_MAX], c[STATE_SUBDIR_MAX];

	(void)state;
	assert_int_equal(state_subdir_name(a, sizeof(a), "/run/vaccel/vm1.sock"), 0);
	assert_int_equal(state_subdir_name(b, sizeof(b), "/other/vm1.sock"), 0);
	assert_int_equal(state_subdir_name(c, sizeof(c), "/x/../.."), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strncmp(a, "vm1.sock-", 9), 0);
	assert_null(strchr(c, '/'));
	assert_true(c[0] != '.');
	assert_int_equal(state_subdir_name(a, sizeof(a), NULL), 0);
	assert_string_equal(a, "fd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(good_records, setup, teardown),
	    cmocka_unit_test_setup_teardown(ids_continue, setup, teardown),
	    cmocka_unit_test_setup_teardown(corrupt_and_truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(oversized, setup, teardown),
	    cmocka_unit_test_setup_teardown(traversal_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(junk_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(misnamed_and_past_counters, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_counters, setup, teardown),
	    cmocka_unit_test_setup_teardown(over_quota, setup, teardown),
	    cmocka_unit_test_setup_teardown(one_holder, setup, teardown),
	    cmocka_unit_test_setup_teardown(subdir_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
