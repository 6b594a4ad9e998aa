/* SPDX-License-Identifier: Apache-2.0 */
/* Logger: line format, levels, destinations, thread safety. */
#include "th.h"
#include "capture.h"
#include <pthread.h>
#include <regex.h>
#include <vaccel.h>
#include "vt_main.h"

#define LINE_RE                                                                                    \
	"^[0-9]{4}\\.[0-9]{2}\\.[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{2} - "                 \
	"<(error|warn|info|debug)> "

static char dir[256];

static int setup(void **state)
{
	(void)state;
	return th_tmpdir(dir, sizeof(dir)) ? 0 : -1;
}

static int teardown_all(void **state)
{
	(void)state;
	return rmdir(dir);
}

static int boot_log(const char *file, vaccel_log_level_t level)
{
	struct vaccel_config c;
	int ret;

	assert_int_equal(vaccel_config_init(&c, NULL, level, file, false, false), VACCEL_OK);
	ret = vaccel_bootstrap_with_config(&c);
	vaccel_config_release(&c);
	return ret;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	if (len && fread(buf, 1, (size_t)len, f) != (size_t)len)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

/* Every line matches the format; returns the line count. */
static int check_lines(char *text)
{
	regex_t re;
	int n = 0;

	assert_int_equal(regcomp(&re, LINE_RE, REG_EXTENDED | REG_NOSUB), 0);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re, l, 0, NULL, 0) != 0)
			fail_msg("bad log line: '%s'", l);
		assert_null(strchr(l, '\033')); /* no colour escapes */
		n++;
	}
	regfree(&re);
	return n;
}

static void test_init_shutdown(void **state)
{
	(void)state;
	assert_int_equal(vaccel_log_init(), VACCEL_OK);
	assert_int_equal(vaccel_log_shutdown(), VACCEL_OK);
}

static void test_format_and_file(void **state)
{
	char path[PATH_MAX], *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.log", dir);
	assert_int_equal(th_write_file(dir, "a.log", "previous\n", 9, path, sizeof(path)), 0);
	assert_int_equal(boot_log(path, VACCEL_LOG_INFO), VACCEL_OK);
	vaccel_info("hello %d", 42);
	vaccel_debug("not shown");
	vaccel_error("an error\n");
	vaccel_cleanup();
	text = slurp(path);
	assert_non_null(text);
	assert_true(strncmp(text, "previous\n", 9) == 0); /* appended */
	assert_non_null(strstr(text, "> hello 42\n"));
	assert_non_null(strstr(text, "<info> vAccel " VACCEL_VERSION "\n"));
	assert_non_null(strstr(text, "<error> an error\n")); /* one newline, not two */
	assert_null(strstr(text, "not shown"));
	int n = check_lines(text + 9);
	assert_true(n >= 3);
	free(text);
	unlink(path);
}

static void test_levels(void **state)
{
	struct capture cap;
	char *text;

	(void)state;
	assert_int_equal(boot_log(NULL, VACCEL_LOG_WARN), VACCEL_OK);
	capture_start(&cap, STDERR_FILENO);
	vaccel_error("E1");
	vaccel_warn("W1");
	vaccel_info("I1");
	vaccel_debug("D1");
	vaccel_trace("T1");
	vaccel_fatal("F1");
	text = capture_end(&cap);
	assert_non_null(strstr(text, "<error> E1\n"));
	assert_non_null(strstr(text, "<warn> W1\n"));
	assert_null(strstr(text, "I1"));
	assert_null(strstr(text, "D1"));
	assert_null(strstr(text, "T1"));
	assert_non_null(strstr(text, "<error> [" __FILE__ ":"));
	assert_non_null(strstr(text, "] F1\n"));
	assert_int_equal(check_lines(text), 3);
	free(text);
	capture_start(&cap, STDERR_FILENO);
	vaccel_log_print_loc(VACCEL_LOG_ERROR, NULL, 7, "loc %d", 1);
	vaccel_log_print(VACCEL_LOG_DEBUG, "hidden");
	vaccel_log_print((vaccel_log_level_t)0, "level zero is never written");
	text = capture_end(&cap);
	assert_non_null(strstr(text, "<error> [?:7] loc 1\n"));
	assert_null(strstr(text, "hidden"));
	assert_null(strstr(text, "level zero"));
	free(text);
	assert_true(vaccel_log_enabled(VACCEL_LOG_WARN));
	assert_false(vaccel_log_enabled(VACCEL_LOG_INFO));

	/* after cleanup: back to errors only, on stderr */
	vaccel_cleanup();
	capture_start(&cap, STDERR_FILENO);
	vaccel_warn("W2");
	vaccel_error("E2");
	text = capture_end(&cap);
	assert_null(strstr(text, "W2"));
	assert_non_null(strstr(text, "<error> E2"));
	free(text);
}

/* log.h's rule for slog flags: the most severe flag present wins; no known flag: none. */
static int slog_ref_level(unsigned int flag)
{
	if (flag & (SLOG_ERROR | SLOG_FATAL))
		return VACCEL_LOG_ERROR;
	if (flag & SLOG_WARN)
		return VACCEL_LOG_WARN;
	if (flag & (SLOG_INFO | SLOG_NOTE | SLOG_NOTAG))
		return VACCEL_LOG_INFO;
	if (flag & (SLOG_DEBUG | SLOG_TRACE))
		return VACCEL_LOG_DEBUG;
	return 0;
}

/* slog_print at every level with every flag value (and unknown bits): written iff the rule says. */
static void test_slog_flags(void **state)
{
	static const char *const tag[] = {"", "error", "warn", "info", "debug"};
	struct capture cap;
	char *text, want[64];

	(void)state;
	for (int level = VACCEL_LOG_ERROR; level <= VACCEL_LOG_DEBUG; level++) {
		assert_int_equal(boot_log(NULL, (vaccel_log_level_t)level), VACCEL_OK);
		capture_start(&cap, STDERR_FILENO);
		for (unsigned int f = 0; f < 1024; f++)
			slog_print((SLOG_FLAGS_E)f, 1, "slog flag %u.", f);
		text = capture_end(&cap);
		for (unsigned int f = 0; f < 1024; f++) {
			int ref = slog_ref_level(f);
			bool shown = ref && ref <= level;

			snprintf(want, sizeof(want), "<%s> slog flag %u.\n", tag[ref], f);
			if (shown != (strstr(text, want) != NULL))
				fail_msg("level %d flag %u: %s", level, f,
					 shown ? "missing" : "written");
			snprintf(want, sizeof(want), " slog flag %u.\n", f);
			if (!shown && strstr(text, want))
				fail_msg("level %d flag %u: written", level, f);
		}
		free(text);
		vaccel_cleanup();
	}
}

/* A log file naming a standard stream (/dev/stdout, /dev/stderr) writes to that stream. */
static void test_std_streams(void **state)
{
	static const struct {
		const char *file;
		int fd;
		const char *line, *expect;
	} streams[] = {
	    {"/dev/stdout", STDOUT_FILENO, "to stdout", "<error> to stdout"},
	    {"/dev/stderr", STDERR_FILENO, "to stderr", "<error> to stderr"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		struct capture cap;
		char *text;

		assert_int_equal(boot_log(streams[i].file, VACCEL_LOG_ERROR), VACCEL_OK);
		capture_start(&cap, streams[i].fd);
		vaccel_error("%s", streams[i].line);
		text = capture_end(&cap);
		assert_non_null(strstr(text, streams[i].expect));
		free(text);
	}
}

static void test_relative_and_bad_file(void **state)
{
	char cwd[PATH_MAX], path[PATH_MAX], *text;
	struct capture cap;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(boot_log("rel.log", VACCEL_LOG_ERROR), VACCEL_OK);
	vaccel_error("relative");
	vaccel_cleanup();
	assert_int_equal(chdir(cwd), 0);
	snprintf(path, sizeof(path), "%s/rel.log", dir);
	text = slurp(path);
	assert_non_null(text);
	assert_non_null(strstr(text, "relative"));
	free(text);
	unlink(path);

	/* an unusable log file: bootstrap still works, the warning and logs go to stderr */
	capture_start(&cap, STDERR_FILENO);
	assert_int_equal(boot_log("/nonexistent-dir/x.log", VACCEL_LOG_ERROR), VACCEL_OK);
	vaccel_error("fallback");
	text = capture_end(&cap);
	assert_non_null(strstr(text, "<warn> Could not open log file /nonexistent-dir/x.log"));
	assert_non_null(strstr(text, "<error> fallback"));
	free(text);
}

static void test_reboot_reapplies(void **state)
{
	char a[PATH_MAX], b[PATH_MAX], *ta, *tb;

	(void)state;
	snprintf(a, sizeof(a), "%s/1.log", dir);
	snprintf(b, sizeof(b), "%s/2.log", dir);
	assert_int_equal(boot_log(a, VACCEL_LOG_ERROR), VACCEL_OK);
	vaccel_error("first");
	assert_int_equal(boot_log(b, VACCEL_LOG_DEBUG), VACCEL_OK);
	vaccel_debug("second");
	vaccel_cleanup();
	ta = slurp(a);
	tb = slurp(b);
	assert_non_null(strstr(ta, "first"));
	assert_null(strstr(ta, "second"));
	assert_non_null(strstr(tb, "<debug> second"));
	free(ta);
	free(tb);
	unlink(a);
	unlink(b);
}

static void *log_thread(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < 200; i++)
		vaccel_error("thread %ld line %d %s", id, i,
			     "padding-padding-padding-padding-padding-padding-padding");
	return NULL;
}

static void test_threads_and_long(void **state)
{
	pthread_t t[8];
	char path[PATH_MAX], *text, *big;

	(void)state;
	snprintf(path, sizeof(path), "%s/t.log", dir);
	assert_int_equal(boot_log(path, VACCEL_LOG_ERROR), VACCEL_OK);
	for (long i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, log_thread, (void *)i), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	/* an over-long message is truncated to one line */
	big = malloc(20000);
	memset(big, 'z', 19999);
	big[19999] = '\0';
	vaccel_error("%s", big);
	free(big);
	vaccel_cleanup();
	text = slurp(path);
	assert_int_equal(check_lines(text), 8 * 200 + 1);
	free(text);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_shutdown),
	    cmocka_unit_test_teardown(test_format_and_file, th_cleanup),
	    cmocka_unit_test_teardown(test_levels, th_cleanup),
	    cmocka_unit_test_teardown(test_slog_flags, th_cleanup),
	    cmocka_unit_test_teardown(test_std_streams, th_cleanup),
	    cmocka_unit_test_teardown(test_relative_and_bad_file, th_cleanup),
	    cmocka_unit_test_teardown(test_reboot_reapplies, th_cleanup),
	    cmocka_unit_test_teardown(test_threads_and_long, th_cleanup),
	};
	return vt_run_group(tests, setup, teardown_all);
}
