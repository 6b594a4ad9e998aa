/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hostile suite's driver: the case table (from cases.h), the per-case
 * fixture and main(). `test_hostile NAME` runs one case, `--list` prints
 * them all, no argument runs every case in turn (each with its own daemon).
 */
#include "hc.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum hc_profile { NOOP, EXEC, PLAIN, EXEC_PLAIN, NONE };

struct hc_case {
	const char *name;
	void (*fn)(void **state);
	enum hc_profile profile;
	const char *extra; /* space-separated daemon options */
};

#define HCASE(name, profile, extra) void hcase_##name(void **state);
#include "cases.h"
#undef HCASE

static const struct hc_case cases[] = {
#define HCASE(name, profile, extra) {#name, hcase_##name, profile, extra},
#include "cases.h"
#undef HCASE
};

/* The options every NOOP / EXEC daemon gets before the case's own. */
#define STR_(x) #x
#define STR(x) STR_(x)
static const char *const noop_base[] = {
    "--max-segments=" STR(HC_MAX_SEGS), "--max-args=" STR(HC_MAX_ARGS),
    "--max-request-bytes=" STR(HC_MAX_BYTES), "--queues=2", "--allow-exec-upload"};
static const char *const exec_base[] = {"--exec-allow=" HF_SLOWLIB, "--queues=2"};

static struct hc fixture;
struct hc *C = &fixture;
static const struct hc_case *current;

int hc_daemon(struct td *d, const char *plugin, const char *const *args)
{
	/*
	 * The host runtime's run directory on tmpfs: cases create and destroy
	 * tens of thousands of sessions, each a directory.
	 */
	static const char *const env[] = {"XDG_RUNTIME_DIR=/dev/shm", NULL};
	struct td_opts o = {.plugin = plugin, .args = args, .ld_library_path = HF_LIB_PATH};

	if (access("/dev/shm", W_OK) == 0)
		o.env = env;

	return td_start(d, HF_DAEMON, &o);
}

/* Start the case's daemon: profile options, then the case's (split at spaces). */
static int start_daemon(const struct hc_case *k)
{
	static char extra[512];
	const char *args[TD_MAX_ARGS];
	const char *plugin =
	    k->profile == EXEC || k->profile == EXEC_PLAIN ? HF_EXEC_PLUGIN : "libvaccel-noop.so";
	unsigned n = 0;
	char *save = NULL;

	if (k->profile == NOOP)
		for (unsigned i = 0; i < ARRAY_SIZE(noop_base); i++)
			args[n++] = noop_base[i];
	if (k->profile == EXEC)
		for (unsigned i = 0; i < ARRAY_SIZE(exec_base); i++)
			args[n++] = exec_base[i];
	snprintf(extra, sizeof(extra), "%s", k->extra);
	for (char *t = strtok_r(extra, " ", &save); t && n < TD_MAX_ARGS - 1;
	     t = strtok_r(NULL, " ", &save))
		args[n++] = t;
	args[n] = NULL;
	return hc_daemon(&C->d, plugin, args);
}

static int setup(void **state)
{
	(void)state;
	memset(C, 0, sizeof(*C));
	C->h.memfd = C->by.memfd = -1;
	if (current->profile == NONE)
		return 0;
	if (start_daemon(current))
		return -1;
	if (hf_open(&C->by, C->d.sock) || !hf_healthy(&C->by)) {
		fprintf(stderr, "bystander connection not served before the case\n");
		return -1;
	}
	return hf_open(&C->h, C->d.sock) ? -1 : 0;
}

static bool fresh_ok(void)
{
	for (int i = 0; i < 50; i++) {
		/* A slot the case's connections held may take a moment to free. */
		if (hf_healthy_fresh(C->d.sock))
			return true;
		td_sleep_ms(20);
	}
	return false;
}

void hc_check(void)
{
	if (!td_alive(&C->d)) {
		td_log_dump(&C->d);
		fail_msg("the daemon died");
	}
	if (!hf_healthy(&C->by)) {
		td_log_dump(&C->d);
		fail_msg("the bystander connection is no longer served");
	}
	if (!fresh_ok()) {
		td_log_dump(&C->d);
		fail_msg("a fresh connection is not served");
	}
}

static int teardown(void **state)
{
	int ms, ret = 0;

	(void)state;
	if (C->d.pid > 0) {
		/* The case's failure (if any) is reported already: count ours. */
		if (!td_alive(&C->d) || !hf_healthy(&C->by) || !fresh_ok()) {
			fprintf(stderr,
				"after the case: daemon %s, bystander or fresh connection "
				"not served\n",
				td_alive(&C->d) ? "alive" : "DEAD");
			td_log_dump(&C->d);
			ret = -1;
		}
	}
	hf_close(&C->h);
	hf_close(&C->by);
	if (C->d.pid > 0) {
		ms = td_stop(&C->d);
		if (ms < 0 || ms > 2000) {
			fprintf(stderr, "daemon took %d ms to stop on SIGTERM\n", ms);
			ret = -1;
		}
	}
	return ret;
}

void hc_restart_with_fds(unsigned max_fds)
{
	hf_close(&C->h);
	hf_close(&C->by);
	assert_true(td_stop(&C->d) >= 0);
	C->d.opts.max_fds = max_fds;
	assert_int_equal(td_restart(&C->d), 0);
	assert_int_equal(hf_open(&C->by, C->d.sock), 0);
	assert_true(hf_healthy(&C->by));
	assert_int_equal(hf_open(&C->h, C->d.sock), 0);
}

void hc_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	fflush(stdout);
	hf_close(&C->h);
	hf_close(&C->by);
	if (C->d.pid > 0)
		td_stop(&C->d);
	exit(td_finish(0) ? 1 : 77);
}

uint64_t hc_session(struct hf *h)
{
	struct hf_resp r;

	assert_true(hf_request(h, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0, NULL, 0, NULL, 0, 0, &r) >
		    0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_OK);
	assert_true(r.id > 0);
	return r.id;
}

int hc_destroy(struct hf *h, uint64_t sid)
{
	struct hf_resp r;

	assert_true(
	    hf_request(h, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	return r.status;
}

int hc_noop(struct hf *h, uint64_t sid)
{
	struct hf_resp r;

	assert_true(
	    hf_request(h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &hf_noop_arg, 1, NULL, 0, 0, &r) > 0);
	if (r.status == VIRTIO_ACCEL_S_OK)
		assert_int_equal(r.vret, VACCEL_OK);
	return r.status;
}

int hc_upload(struct hf *h, uint64_t sid, unsigned nfiles, size_t size, uint64_t *id)
{
	return hc_upload_as(h, sid, VACCEL_RESOURCE_DATA, nfiles, size, id);
}

int hc_upload_as(struct hf *h, uint64_t sid, uint32_t rtype, unsigned nfiles, size_t size,
		 uint64_t *id)
{
	static char names[8][16];
	struct hf_arg rd[16];
	struct hf_resp r;
	void *data = malloc(size);

	assert_non_null(data);
	assert_true(nfiles <= 8);
	memset(data, 'x', size);
	for (unsigned f = 0; f < nfiles; f++) {
		snprintf(names[f], sizeof(names[f]), "f%u", f);
		rd[2 * f] = (struct hf_arg){names[f], strlen(names[f]) + 1, VACCEL_ARG_STRING};
		rd[2 * f + 1] = (struct hf_arg){data, size, VACCEL_ARG_BUFFER};
	}
	assert_true(hf_request(h, VIRTIO_ACCEL_C_REGISTER_RESOURCE, rtype, sid, 0, rd, 2 * nfiles,
			       NULL, 0, 0, &r) > 0);
	free(data);
	if (id)
		*id = r.status == VIRTIO_ACCEL_S_OK ? r.id : 0;
	if (r.status == VIRTIO_ACCEL_S_OK)
		assert_int_equal(r.vret, VACCEL_OK);
	return r.status;
}

void hc_expect_closed(struct vhu_front *f)
{
	struct pollfd p = {.fd = vhu_front_fd(f), .events = POLLIN};
	char c;

	assert_int_equal(poll(&p, 1, 2000), 1);
	assert_true(recv(vhu_front_fd(f), &c, 1, MSG_DONTWAIT) <= 0);
}

int hc_connect_raw(const char *sock, bool nonblock)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

int hc_daemon_fds(const char *target)
{
	char path[64], link[64 + 256], dest[256];
	struct dirent *e;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)C->d.pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		len = readlink(link, dest, sizeof(dest) - 1);
		dest[len > 0 ? len : 0] = '\0';
		if (!target || strstr(dest, target))
			n++;
	}
	closedir(dir);
	return n;
}

static int run(const struct hc_case *k)
{
	const struct CMUnitTest one[] = {
	    {k->name, k->fn, setup, teardown, NULL},
	};

	current = k;
	return cmocka_run_group_tests_name(k->name, one, NULL, NULL);
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		if (argc < 2 || !strcmp(argv[1], cases[i].name))
			failed += run(&cases[i]);
	if (argc > 1 && !failed && !current) {
		fprintf(stderr, "test_hostile: no case named '%s' (--list)\n", argv[1]);
		return 2;
	}
	return td_finish(failed);
}
