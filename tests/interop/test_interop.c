/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Binary interop with upstream vAccel, against the test plugins of ip_plugin.c (built
 * from upstream's layout facts, without our headers):
 *  - a plugin of upstream main's layout loads; each of its hooks is called for the
 *    event it is meant for (the hook order differs from 0.7.1's);
 *  - its slog_print() lines land in our log format, at the level of their flag,
 *    honouring VACCEL_LOG_LEVEL and VACCEL_LOG_FILE;
 *  - a plugin of upstream 0.7.1's layout is refused with one error line before any
 *    of its code runs (its init() aborts);
 *  - malformed plugins are refused with one error line, never a crash;
 *  - fs_file_read() behaves as upstream's example programs expect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vaccel.h>
#include "vt_main.h"

/* ip_plugin.c's call counters. */
struct ip_calls {
	int init, fini, noop;
	int session_init, session_release, session_update;
	int resource_register, resource_unregister, resource_sync;
};

/* Upstream's internal helper our runtime exports for its example programs. */
int fs_file_read(const char *path, void **data, size_t *size);

static char log_path[] = "/tmp/vaccel-interop-log-XXXXXX";

static const char *plugin_path(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("TEST_PLUGIN_DIR");

	snprintf(buf, sizeof(buf), "%s/lib%s.so", dir ? dir : ".", name);
	return buf;
}

/* Bootstrap from the environment, as a program linking libvaccel would. */
static void boot_env(const char *level, const char *plugins)
{
	assert_int_equal(truncate(log_path, 0), 0);
	setenv("VACCEL_LOG_FILE", log_path, 1);
	setenv("VACCEL_LOG_LEVEL", level, 1);
	if (plugins)
		setenv("VACCEL_PLUGINS", plugins, 1);
	else
		unsetenv("VACCEL_PLUGINS");
	assert_int_equal(vaccel_bootstrap(), VACCEL_OK);
}

static char *read_log(void)
{
	void *data = NULL;
	size_t size = 0;
	char *text;

	if (fs_file_read(log_path, &data, &size) != VACCEL_OK)
		return calloc(1, 1); /* empty log */
	text = realloc(data, size + 1);
	assert_non_null(text);
	text[size] = '\0';
	return text;
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Every line has our format: `YYYY.MM.DD-hh:mm:ss.CC - <level> message`. */
static void assert_our_format(const char *text)
{
	regex_t re;
	char *copy = strdup(text), *save = NULL;

	assert_non_null(copy);
	assert_int_equal(
	    regcomp(&re,
		    "^[0-9]{4}\\.[0-9]{2}\\.[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{2}"
		    " - <(error|warn|info|debug)> [^\n]*$",
		    REG_EXTENDED | REG_NOSUB),
	    0);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re, l, 0, NULL, 0) != 0)
			fail_msg("log line not in our format: '%s'", l);
	}
	regfree(&re);
	free(copy);
}

/* The plugin's lines (`ip ...`, `[ip_plugin.c:N] ip ...`), tags kept, '\n'-joined. */
static void plugin_lines(const char *text, char *out, size_t size)
{
	const char *p = text;

	out[0] = '\0';
	while ((p = strstr(p, " - <"))) {
		const char *tag = p + 3, *end = strchr(tag, '\n');
		size_t len = end ? (size_t)(end - tag) : strlen(tag);
		const char *msg = memchr(tag, '>', len);

		if (msg && (!strncmp(msg, "> ip ", 5) || !strncmp(msg, "> [ip_plugin.c:", 15))) {
			assert_true(strlen(out) + len + 2 < size);
			strncat(out, tag, len);
			strcat(out, "\n");
		}
		p = tag;
	}
}

static void *plugin_handle(const char *name)
{
	return dlopen(plugin_path(name), RTLD_LAZY | RTLD_NOLOAD);
}

static int setup(void **state)
{
	int fd = mkstemp(log_path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(log_path);
	return 0;
}

static int cleanup(void **state)
{
	(void)state;
	vaccel_cleanup();
	return 0;
}

static void test_main_layout_hooks(void **state)
{
	struct vaccel_session sess;
	struct vaccel_resource res;
	char buf[] = "model bytes";
	struct ip_calls *calls;
	void *h;

	(void)state;
	boot_env("4", plugin_path("ip-main"));
	h = plugin_handle("ip-main");
	assert_non_null(h);
	calls = dlsym(h, "ip_calls");
	assert_non_null(calls);
	assert_int_equal(calls->init, 1);

	assert_int_equal(vaccel_session_init(&sess, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(calls->session_init, 1);
	assert_int_equal(sess.remote_id, 77);
	assert_int_equal(vaccel_session_update(&sess, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(calls->session_update, 1);
	assert_int_equal(calls->session_release, 0);
	assert_int_equal(vaccel_noop(&sess), VACCEL_OK);
	assert_int_equal(calls->noop, 1);

	assert_int_equal(vaccel_resource_init_from_buf(&res, buf, sizeof(buf),
						       VACCEL_RESOURCE_MODEL, "m.bin", true),
			 VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &sess), VACCEL_OK);
	assert_int_equal(calls->resource_register, 1);
	assert_int_equal(res.remote_id, 5);
	assert_int_equal(vaccel_resource_sync(&res, &sess), VACCEL_OK);
	assert_int_equal(calls->resource_sync, 1);
	assert_int_equal(vaccel_resource_unregister(&res, &sess), VACCEL_OK);
	assert_int_equal(calls->resource_unregister, 1);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);

	assert_int_equal(vaccel_session_release(&sess), VACCEL_OK);
	assert_int_equal(calls->session_release, 1);
	assert_int_equal(calls->session_init, 1);
	assert_int_equal(calls->session_update, 1);
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	assert_int_equal(calls->fini, 1);
	dlclose(h);
}

/* Run the plugin's noop (one line per slog flag) at `level`; return its lines. */
static void noop_lines(const char *level, char *out, size_t size)
{
	struct vaccel_session sess;
	char *text;

	boot_env(level, plugin_path("ip-main"));
	assert_int_equal(vaccel_session_init(&sess, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_noop(&sess), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&sess), VACCEL_OK);
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	text = read_log();
	assert_our_format(text);
	plugin_lines(text, out, size);
	free(text);
}

static void test_slog_levels(void **state)
{
	char got[4096];

	(void)state;
	noop_lines("4", got, sizeof(got));
	assert_string_equal(got, "<info> ip notag 1\n"
				 "<info> ip note 2\n"
				 "<info> ip info 4\n"
				 "<warn> ip warn 8\n"
				 "<debug> ip debug 16\n"
				 "<debug> [ip_plugin.c:1] ip trace 32\n"
				 "<error> ip error 64\n"
				 "<error> [ip_plugin.c:2] ip fatal 128\n"
				 "<error> ip error+warn 72\n"
				 "<info> ip no newline 0\n");
	noop_lines("2", got, sizeof(got));
	assert_string_equal(got, "<warn> ip warn 8\n"
				 "<error> ip error 64\n"
				 "<error> [ip_plugin.c:2] ip fatal 128\n"
				 "<error> ip error+warn 72\n");
	noop_lines("1", got, sizeof(got));
	assert_string_equal(got, "<error> ip error 64\n"
				 "<error> [ip_plugin.c:2] ip fatal 128\n"
				 "<error> ip error+warn 72\n");
}

/* Load `name` into a running runtime; return the code and the log it wrote. */
static int load_logged(const char *name, char **log)
{
	int ret;

	boot_env("4", NULL);
	assert_int_equal(truncate(log_path, 0), 0);
	ret = vaccel_plugin_load(plugin_path(name));
	*log = read_log();
	return ret;
}

static void test_v071_refused(void **state)
{
	struct vaccel_session sess;
	char *log;

	(void)state;
	/* ip-v071's init() aborts: reaching the asserts means it never ran. */
	assert_int_equal(load_logged("ip-v071", &log), VACCEL_EINVAL);
	assert_int_equal(count(log, "<error>"), 1);
	assert_non_null(strstr(log, "Plugin ip-v071 ("));
	assert_non_null(strstr(log, "was built for vAccel 0.7.1"));
	free(log);
	assert_int_equal(vaccel_session_init(&sess, 0), VACCEL_ENOTSUP); /* nothing loaded */
	/* The runtime keeps working: a good plugin loads after it. */
	assert_int_equal(vaccel_plugin_load(plugin_path("ip-main")), VACCEL_OK);
}

static void test_malformed_refused(void **state)
{
	static const char *const bad[] = {
	    "ip-bad-null-symbol", "ip-bad-wild-symbol", "ip-bad-readonly",
	    "ip-bad-wild-info",	  "ip-bad-wild-name",	"ip-bad-init-data",
	    "ip-bad-bool",	  "ip-bad-func-symbol", "ip-bad-short",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *log;
		int ret = load_logged(bad[i], &log);

		if (ret != VACCEL_ELIBBAD || count(log, "<error>") != 1)
			fail_msg("%s: ret %d (want %d), error lines %d (want 1); log:\n%s", bad[i],
				 ret, VACCEL_ELIBBAD, count(log, "<error>"), log);
		free(log);
		assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	}
	/* Still serving: a good plugin loads. */
	boot_env("1", NULL);
	assert_int_equal(vaccel_plugin_load(plugin_path("ip-main")), VACCEL_OK);
}

static void test_fs_file_read(void **state)
{
	char path[] = "/tmp/vaccel-interop-file-XXXXXX";
	const char text[] = "upstream's examples read their input with fs_file_read";
	void *data = NULL;
	size_t size = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text)), (ssize_t)sizeof(text));
	close(fd);
	assert_int_equal(fs_file_read(path, &data, &size), VACCEL_OK);
	assert_int_equal(size, sizeof(text));
	assert_memory_equal(data, text, sizeof(text));
	free(data);
	data = NULL;
	assert_int_equal(fs_file_read(path, &data, NULL), VACCEL_OK); /* size is optional */
	assert_non_null(data);
	free(data);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(fs_file_read(path, &data, &size), VACCEL_EINVAL); /* empty */
	unlink(path);
	assert_int_equal(fs_file_read(path, &data, &size), VACCEL_ENOENT);
	assert_int_equal(fs_file_read(NULL, &data, &size), VACCEL_EINVAL);
	assert_int_equal(fs_file_read("/tmp", &data, &size), VACCEL_EINVAL); /* a directory */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_main_layout_hooks, cleanup),
	    cmocka_unit_test_teardown(test_slog_levels, cleanup),
	    cmocka_unit_test_teardown(test_v071_refused, cleanup),
	    cmocka_unit_test_teardown(test_malformed_refused, cleanup),
	    cmocka_unit_test(test_fs_file_read),
	};
	return vt_run_group(tests, setup, teardown);
}
