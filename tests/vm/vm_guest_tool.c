// SPDX-License-Identifier: Apache-2.0
/*
 * vm-guest-tool: helper for the VM tests, run inside the guest.
 *   vm-guest-tool bigarg <host_lib> <MiB>   round trip of one MiB-sized argument
 *                                           through vmtest_xor; checks every byte
 *   vm-guest-tool sleep <host_lib> <ms>     mytestfunc_sleep for ms milliseconds
 *   vm-guest-tool noops - <n>               n noops on one session, every one must
 *                                           succeed; "noops: K done" every 500
 *                                           (the daemon-upgrade check waits for it)
 *   vm-guest-tool persist <host_lib> <lib>  one session and one uploaded resource
 *                                           (lib) kept across two daemon restarts
 *                                           (docs/restart.md): round 0 runs every op;
 *                                           after /tmp/persist.go exists, round 1;
 *                                           then a 20 s op that must fail with the
 *                                           restart error; round 2. The ids are
 *                                           printed each round and must not change.
 * Exit status 0 on success; the first difference is reported.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vaccel.h>

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A pattern that differs at every offset, so a misplaced page is caught. */
static uint8_t pattern(size_t i)
{
	uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ull;

	return (uint8_t)(x >> 56) ^ (uint8_t)(i >> 12);
}

static int bigarg(struct vaccel_session *sess, const char *lib, size_t mib)
{
	size_t len = mib << 20;
	uint8_t *in = map(len), *out = map(len);
	int ret = 1;

	if (!in || !out) {
		fprintf(stderr, "bigarg: cannot map 2 x %zu MiB\n", mib);
		goto out;
	}
	for (size_t i = 0; i < len; i++)
		in[i] = pattern(i);
	memset(out, 0, len);
	struct vaccel_arg read[] = {{.buf = in, .size = len, .type = VACCEL_ARG_RAW}};
	struct vaccel_arg write[] = {{.buf = out, .size = len, .type = VACCEL_ARG_RAW}};

	ret = vaccel_exec(sess, lib, "vmtest_xor", read, 1, write, 1);
	if (ret) {
		fprintf(stderr, "bigarg: vaccel_exec: %d\n", ret);
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		if (out[i] != (uint8_t)(pattern(i) ^ 0xa5) || in[i] != pattern(i)) {
			fprintf(stderr, "bigarg: byte %zu differs (out 0x%02x in 0x%02x)\n", i,
				out[i], in[i]);
			ret = 1;
			goto out;
		}
	}
	printf("bigarg %zu MiB: ok\n", mib);
out:
	if (in)
		munmap(in, len);
	if (out)
		munmap(out, len);
	return ret;
}

static int sleeper(struct vaccel_session *sess, const char *lib, int32_t ms)
{
	int32_t res = 0;
	struct vaccel_arg read[] = {{.buf = &ms, .size = sizeof(ms), .type = VACCEL_ARG_INT32}};
	struct vaccel_arg write[] = {{.buf = &res, .size = sizeof(res), .type = VACCEL_ARG_INT32}};
	int ret;

	printf("sleep: calling mytestfunc_sleep(%" PRId32 ")\n", ms);
	fflush(stdout);
	ret = vaccel_exec(sess, lib, "mytestfunc_sleep", read, 1, write, 1);
	printf("sleep: ret %d result %" PRId32 "\n", ret, res);
	return ret || res != 2 * ms;
}

static int noops(struct vaccel_session *sess, long n)
{
	long ok = 0, failed = 0;
	int last = 0;

	for (long i = 0; i < n; i++) {
		int ret = vaccel_noop(sess);

		if (ret) {
			failed++;
			last = ret;
		} else {
			ok++;
		}
		if ((i + 1) % 500 == 0) {
			printf("noops: %ld done\n", i + 1);
			fflush(stdout);
		}
	}
	printf("noops: %ld ok, %ld failed (last error %d) of %ld\n", ok, failed, last, n);
	return ok == n && !failed ? 0 : 1;
}

/* noop, exec of a host library, exec of the uploaded resource: each must work. */
static int round_all(struct vaccel_session *sess, struct vaccel_resource *res, const char *lib,
		     int round)
{
	int32_t in = 10, out = 0;
	struct vaccel_arg read[] = {{.buf = &in, .size = sizeof(in), .type = VACCEL_ARG_INT32}};
	struct vaccel_arg write[] = {{.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32}};
	int ret;

	printf("round %d: session %" PRIu64 " (remote %" PRIu64 "), resource remote %" PRIu64 "\n",
	       round, (uint64_t)sess->id, (uint64_t)sess->remote_id, (uint64_t)res->remote_id);
	ret = vaccel_noop(sess);
	if (ret) {
		printf("round %d: noop: %d\n", round, ret);
		return 1;
	}
	ret = vaccel_exec(sess, lib, "mytestfunc", read, 1, write, 1);
	if (ret || out != 20) {
		printf("round %d: exec: %d (output %d, expected 20)\n", round, ret, out);
		return 1;
	}
	out = 0;
	ret = vaccel_exec_with_resource(sess, res, "mytestfunc", read, 1, write, 1);
	if (ret || out != 20) {
		printf("round %d: exec_with_resource: %d (output %d, expected 20)\n", round, ret,
		       out);
		return 1;
	}
	printf("round %d: ok\n", round);
	fflush(stdout);
	return 0;
}

static int persist(struct vaccel_session *sess, const char *hostlib, const char *lib)
{
	struct vaccel_resource res;
	uint64_t sid, rid;
	int32_t ms = 20000, out = 0;
	struct vaccel_arg read[] = {{.buf = &ms, .size = sizeof(ms), .type = VACCEL_ARG_INT32}};
	struct vaccel_arg write[] = {{.buf = &out, .size = sizeof(out), .type = VACCEL_ARG_INT32}};
	int ret = 1, i;

	if (vaccel_resource_init(&res, lib, VACCEL_RESOURCE_LIB) ||
	    vaccel_resource_register(&res, sess)) {
		fprintf(stderr, "persist: cannot register %s\n", lib);
		return 1;
	}
	sid = sess->remote_id;
	rid = res.remote_id;
	if (round_all(sess, &res, hostlib, 0))
		goto out;
	/* The host kills the daemon and starts a new one (idle), then says go. */
	for (i = 0; i < 3000 && access("/tmp/persist.go", F_OK); i++)
		usleep(100000);
	if (round_all(sess, &res, hostlib, 1))
		goto out;
	/* The daemon dies under this one: it fails, and is not run again. */
	printf("persist: calling mytestfunc_sleep(%d)\n", ms);
	fflush(stdout);
	ret = vaccel_exec(sess, hostlib, "mytestfunc_sleep", read, 1, write, 1);
	printf("persist: long op: ret %d (VACCEL_EAGAIN is %d)\n", ret, VACCEL_EAGAIN);
	if (ret != VACCEL_EAGAIN) {
		ret = 1;
		goto out;
	}
	ret = round_all(sess, &res, hostlib, 2);
	if (!ret && ((uint64_t)sess->remote_id != sid || (uint64_t)res.remote_id != rid)) {
		printf("persist: ids changed: session %" PRIu64 " -> %" PRIu64 ", resource %" PRIu64
		       " -> %" PRIu64 "\n",
		       sid, (uint64_t)sess->remote_id, rid, (uint64_t)res.remote_id);
		ret = 1;
	}
out:
	vaccel_resource_unregister(&res, sess);
	vaccel_resource_release(&res);
	if (!ret)
		printf("persist: same session and resource through both restarts: ok\n");
	return ret;
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	char *end;
	long n;
	int ret;

	if (argc != 4) {
		fprintf(stderr,
			"Usage: %s bigarg <host_lib> <MiB> | sleep <host_lib> <ms> | noops - <n> | "
			"persist <host_lib> <lib>\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "persist")) {
		if (vaccel_session_init(&sess, 0))
			return 1;
		ret = persist(&sess, argv[2], argv[3]);
		vaccel_session_release(&sess);
		return ret;
	}
	/* MiB for bigarg, milliseconds for sleep (mytestfunc_sleep takes up to 600 s), a count. */
	n = strtol(argv[3], &end, 10);
	if (*end || n < 0 ||
	    n > (!strcmp(argv[1], "sleep") || !strcmp(argv[1], "noops") ? 600000 : 1024)) {
		fprintf(stderr, "%s: bad number '%s'\n", argv[0], argv[3]);
		return 2;
	}
	if (vaccel_session_init(&sess, 0)) {
		fprintf(stderr, "%s: cannot initialize a session\n", argv[0]);
		return 1;
	}
	if (!strcmp(argv[1], "bigarg"))
		ret = bigarg(&sess, argv[2], (size_t)n);
	else if (!strcmp(argv[1], "sleep"))
		ret = sleeper(&sess, argv[2], (int32_t)n);
	else if (!strcmp(argv[1], "noops"))
		ret = noops(&sess, n);
	else
		ret = 2;
	vaccel_session_release(&sess);
	return ret;
}
