/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration objects and the environment reader. */
#include "th.h"
#include "capture.h"
#include "vaccel_common.h"
#include <vaccel.h>

static const char *vars[] = {"VACCEL_PLUGINS",	      "VACCEL_BACKENDS",
			     "VACCEL_LOG_LEVEL",      "VACCEL_DEBUG_LEVEL",
			     "VACCEL_LOG_FILE",	      "VACCEL_PROFILING_ENABLED",
			     "VACCEL_VERSION_IGNORE", "VACCEL_IGNORE_VERSION"};

static int clear_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		unsetenv(vars[i]);
	return 0;
}

/* Read the env config, returning the warnings it printed (caller frees). */
/* No warning may be logged. */
static const char *const QUIET[] = {NULL};

/*
 * Initialize *c from the environment. What it logs on stderr must contain each string of
 * `warns` (NULL-terminated), or be empty when `warns` is QUIET; NULL checks nothing.
 */
static void from_env(struct vaccel_config *c, const char *const *warns)
{
	struct capture cap;
	char *w;

	capture_start(&cap, STDERR_FILENO);
	assert_int_equal(vaccel_config_init_from_env(c), VACCEL_OK);
	w = capture_end(&cap);
	if (warns == QUIET && *w)
		fail_msg("expected no warnings, got:\n%s", w);
	for (size_t i = 0; warns && warns[i]; i++)
		if (!strstr(w, warns[i]))
			fail_msg("expected a warning containing \"%s\", got:\n%s", warns[i], w);
	free(w);
}

/* A string field: NULL, or equal to `want`. */
static void assert_str_or_null(const char *got, const char *want)
{
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
}

/* Every field of *c. */
static void assert_config(const struct vaccel_config *c, const char *plugins, int log_level,
			  const char *log_file, bool profiling_enabled, bool version_ignore)
{
	assert_str_or_null(c->plugins, plugins);
	assert_int_equal(c->log_level, log_level);
	assert_str_or_null(c->log_file, log_file);
	assert_int_equal(c->profiling_enabled, profiling_enabled);
	assert_int_equal(c->version_ignore, version_ignore);
}

#define WARNS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_init_release(void **state)
{
	struct vaccel_config c, d;

	(void)state;
	assert_int_equal(vaccel_config_init(&c, "a.so:b.so", VACCEL_LOG_INFO, "/tmp/l", true, true),
			 VACCEL_OK);
	assert_config(&c, "a.so:b.so", VACCEL_LOG_INFO, "/tmp/l", true, true);
	assert_int_equal(vaccel_config_init_from(&d, &c), VACCEL_OK);
	assert_ptr_not_equal(d.plugins, c.plugins);
	assert_string_equal(d.plugins, c.plugins);
	vaccel_config_print_debug(&d);
	vaccel_config_print_debug(NULL);
	assert_int_equal(vaccel_config_release(&c), VACCEL_OK);
	assert_null(c.plugins);
	assert_null(c.log_file);
	assert_int_equal(c.log_level, VACCEL_LOG_ERROR);
	assert_false(c.profiling_enabled);
	assert_false(c.version_ignore);
	assert_int_equal(vaccel_config_release(&d), VACCEL_OK);

	assert_int_equal(vaccel_config_init(&c, NULL, VACCEL_LOG_ERROR, NULL, false, false),
			 VACCEL_OK);
	assert_null(c.plugins);
	vaccel_config_release(&c);

	/* errors leave the struct untouched */
	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(vaccel_config_init(&c, "x", (vaccel_log_level_t)0, NULL, false, false),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_config_init(&c, "x", VACCEL_LOG_MAX, NULL, false, false),
			 VACCEL_EINVAL);
	assert_int_equal(c.log_level, 0x5a5a5a5a);
	assert_int_equal(vaccel_config_init(NULL, "x", VACCEL_LOG_ERROR, NULL, false, false),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_config_init_from(&c, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_config_init_from(NULL, &d), VACCEL_EINVAL);
	assert_int_equal(vaccel_config_release(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_config_init_from_env(NULL), VACCEL_EINVAL);
}

static void test_new_delete(void **state)
{
	struct vaccel_config *c = NULL, *d = NULL, *e = NULL;

	(void)state;
	assert_int_equal(vaccel_config_new(&c, "p", VACCEL_LOG_WARN, NULL, false, true), VACCEL_OK);
	assert_int_equal(vaccel_config_from(&d, c), VACCEL_OK);
	assert_string_equal(d->plugins, "p");
	setenv("VACCEL_LOG_LEVEL", "2", 1);
	assert_int_equal(vaccel_config_from_env(&e), VACCEL_OK);
	assert_int_equal(e->log_level, VACCEL_LOG_WARN);
	assert_int_equal(vaccel_config_delete(c), VACCEL_OK);
	assert_int_equal(vaccel_config_delete(d), VACCEL_OK);
	assert_int_equal(vaccel_config_delete(e), VACCEL_OK);
	assert_int_equal(vaccel_config_delete(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_config_new(NULL, "p", VACCEL_LOG_WARN, NULL, false, true),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_config_new(&c, "p", (vaccel_log_level_t)9, NULL, false, true),
			 VACCEL_EINVAL);
	assert_int_equal(vaccel_config_from(&c, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_config_from_env(NULL), VACCEL_EINVAL);
}

static void test_env_values(void **state)
{
	struct vaccel_config c;

	(void)state;
	from_env(&c, QUIET); /* nothing set, nothing to warn about */
	assert_config(&c, NULL, VACCEL_LOG_ERROR, NULL, false, false);
	vaccel_config_release(&c);

	setenv("VACCEL_PLUGINS", "libvaccel-noop.so:libx.so", 1);
	setenv("VACCEL_LOG_LEVEL", "4", 1);
	setenv("VACCEL_LOG_FILE", "/tmp/v.log", 1);
	setenv("VACCEL_PROFILING_ENABLED", "1", 1);
	setenv("VACCEL_VERSION_IGNORE", "true", 1);
	from_env(&c, QUIET);
	assert_config(&c, "libvaccel-noop.so:libx.so", VACCEL_LOG_DEBUG, "/tmp/v.log", true, true);
	vaccel_config_release(&c);

	setenv("VACCEL_PROFILING_ENABLED", "off", 1);
	setenv("VACCEL_VERSION_IGNORE", "0", 1);
	setenv("VACCEL_PLUGINS", "", 1);
	from_env(&c, NULL);
	assert_null(c.plugins);
	assert_false(c.profiling_enabled);
	assert_false(c.version_ignore);
	vaccel_config_release(&c);
}

static void test_env_invalid(void **state)
{
	static const char *bad_levels[] = {
	    "0", "5", "abc", "-1", "3x", "", "99999999999999999999999"};
	struct vaccel_config c;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_levels); i++) {
		setenv("VACCEL_LOG_LEVEL", bad_levels[i], 1);
		from_env(&c, WARNS("<warn> Invalid value for VACCEL_LOG_LEVEL"));
		assert_int_equal(c.log_level, VACCEL_LOG_ERROR);
		vaccel_config_release(&c);
	}
	unsetenv("VACCEL_LOG_LEVEL");

	setenv("VACCEL_PROFILING_ENABLED", "banana", 1);
	setenv("VACCEL_VERSION_IGNORE", "maybe", 1);
	setenv("VACCEL_LOG_FILE", "", 1);
	from_env(&c, WARNS("VACCEL_PROFILING_ENABLED", "VACCEL_VERSION_IGNORE", "VACCEL_LOG_FILE"));
	assert_false(c.profiling_enabled);
	assert_false(c.version_ignore);
	assert_null(c.log_file);
	vaccel_config_release(&c);

	/* an absurdly long plugin list is refused, loudly */
	char *big = malloc(20000);
	memset(big, 'a', 19999);
	big[19999] = '\0';
	setenv("VACCEL_PLUGINS", big, 1);
	free(big);
	from_env(&c, WARNS("VACCEL_PLUGINS"));
	assert_null(c.plugins);
	vaccel_config_release(&c);
}

static void test_env_deprecated(void **state)
{
	struct vaccel_config c;

	(void)state;
	setenv("VACCEL_BACKENDS", "old.so", 1);
	setenv("VACCEL_DEBUG_LEVEL", "3", 1);
	setenv("VACCEL_IGNORE_VERSION", "1", 1);
	from_env(&c, WARNS("VACCEL_BACKENDS is deprecated", "VACCEL_DEBUG_LEVEL is deprecated",
			   "VACCEL_IGNORE_VERSION is deprecated"));
	assert_string_equal(c.plugins, "old.so");
	assert_int_equal(c.log_level, VACCEL_LOG_INFO);
	assert_true(c.version_ignore);
	vaccel_config_release(&c);

	/* the new names win */
	setenv("VACCEL_PLUGINS", "new.so", 1);
	setenv("VACCEL_LOG_LEVEL", "2", 1);
	setenv("VACCEL_VERSION_IGNORE", "0", 1);
	from_env(&c, WARNS("VACCEL_BACKENDS is deprecated and ignored"));
	assert_string_equal(c.plugins, "new.so");
	assert_int_equal(c.log_level, VACCEL_LOG_WARN);
	assert_false(c.version_ignore);
	vaccel_config_release(&c);

	/* invalid value under the old name: the warning names the old variable */
	unsetenv("VACCEL_LOG_LEVEL");
	setenv("VACCEL_DEBUG_LEVEL", "7", 1);
	from_env(&c, WARNS("Invalid value for VACCEL_DEBUG_LEVEL"));
	vaccel_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_init_release, clear_env),
	    cmocka_unit_test_setup(test_new_delete, clear_env),
	    cmocka_unit_test_setup(test_env_values, clear_env),
	    cmocka_unit_test_setup(test_env_invalid, clear_env),
	    cmocka_unit_test_setup(test_env_deprecated, clear_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
