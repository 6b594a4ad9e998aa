// SPDX-License-Identifier: Apache-2.0
/*
 * vm-guest-tool: helper for the VM tests, run inside the guest.
 *   vm-guest-tool bigarg <host_lib> <MiB>   round trip of one MiB-sized argument
 *                                           through vmtest_xor; checks every byte
 *   vm-guest-tool sleep <host_lib> <ms>     mytestfunc_sleep for ms milliseconds
 *   vm-guest-tool noops - <n>               n noops on one session, every one must
 *                                           succeed; "noops: K done" every 500
 *                                           (the daemon-upgrade check waits for it)
 * Exit status 0 on success; the first difference is reported.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	char *end;
	long n;
	int ret;

	if (argc != 4) {
		fprintf(stderr,
			"Usage: %s bigarg <host_lib> <MiB> | sleep <host_lib> <ms> | noops - <n>\n",
			argv[0]);
		return 2;
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
