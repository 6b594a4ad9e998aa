/* SPDX-License-Identifier: Apache-2.0 */
/* Bootstrap, cleanup, failure memory and the run directory. */
#include "th.h"
#include "rt.h"
#include "rt_plugin.h"
#include <vaccel.h>

static int teardown(void **state)
{
	(void)state;
	vaccel_cleanup();
	unsetenv("VACCEL_PLUGINS");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("TMPDIR");
	rt_rundir_set_system_base(NULL);
	return 0;
}

static void test_not_initialized(void **state)
{
	(void)state;
	assert_false(vaccel_is_initialized());
	assert_null(vaccel_rundir());
	assert_non_null(vaccel_config());
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	assert_int_equal(vaccel_bootstrap_with_config(NULL), VACCEL_EINVAL);
	assert_false(vaccel_is_initialized());
}

static void test_bootstrap_env_and_reboot(void **state)
{
	char first[PATH_MAX];

	(void)state;
	setenv("VACCEL_PLUGINS", th_plugin("tp-local"), 1);
	assert_int_equal(vaccel_bootstrap(), VACCEL_OK);
	assert_true(vaccel_is_initialized());
	assert_string_equal(vaccel_config()->plugins, th_plugin("tp-local"));
	assert_int_equal(rt_plugins_count(), 1);
	assert_non_null(strstr(vaccel_rundir(), "vaccel"));
	assert_true(th_exists(vaccel_rundir()));
	strcpy(first, vaccel_rundir());

	/* a second bootstrap tears everything down and starts again */
	unsetenv("VACCEL_PLUGINS");
	assert_int_equal(vaccel_bootstrap(), VACCEL_OK);
	assert_false(th_exists(first));
	assert_string_not_equal(first, vaccel_rundir());
	assert_null(vaccel_config()->plugins);
	assert_int_equal(rt_plugins_count(), 0);
	strcpy(first, vaccel_rundir());

	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	assert_false(vaccel_is_initialized());
	assert_false(th_exists(first));
	assert_null(vaccel_config()->plugins);
	assert_int_equal(vaccel_config()->log_level, VACCEL_LOG_ERROR);
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
}

static void test_bootstrap_failure_is_remembered(void **state)
{
	struct vaccel_session s;
	struct vaccel_resource r;

	(void)state;
	assert_int_equal(th_boot("/nonexistent/libplugin.so"), VACCEL_ENOENT);
	assert_false(vaccel_is_initialized());
	assert_null(vaccel_rundir());
	/* every call that needs the runtime reports the bootstrap error */
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_ENOENT);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_ENOENT);
	assert_int_equal(
	    vaccel_resource_init_from_buf(&r, "x", 1, VACCEL_RESOURCE_DATA, NULL, true),
	    VACCEL_ENOENT);
	/* an explicit cleanup forgets it */
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_EPERM);

	/* a plugin that is not a plugin, then a good one afterwards */
	assert_int_equal(th_boot(th_plugin("tp-nosym")), VACCEL_ELIBBAD);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_ELIBBAD);
	assert_int_equal(th_boot(th_plugin("tp-local")), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

static void test_rundir_xdg(void **state)
{
	char tmp[256], prefix[300];

	(void)state;
	assert_non_null(th_tmpdir(tmp, sizeof(tmp)));
	setenv("XDG_RUNTIME_DIR", tmp, 1);
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	snprintf(prefix, sizeof(prefix), "%s/vaccel/", tmp);
	assert_true(strncmp(vaccel_rundir(), prefix, strlen(prefix)) == 0);
	vaccel_cleanup();
	prefix[strlen(prefix) - 1] = '\0';
	rmdir(prefix);
	assert_int_equal(rmdir(tmp), 0); /* nothing left behind */
}

static void test_rundir_fallbacks(void **state)
{
	char tmp[256], prefix[300];

	(void)state;
	assert_non_null(th_tmpdir(tmp, sizeof(tmp)));
	rt_rundir_set_system_base("/nonexistent-run-user");
	setenv("XDG_RUNTIME_DIR", "/nonexistent-xdg", 1);
	setenv("TMPDIR", tmp, 1);
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	snprintf(prefix, sizeof(prefix), "%s/vaccel-%lu-", tmp, (unsigned long)geteuid());
	assert_true(strncmp(vaccel_rundir(), prefix, strlen(prefix)) == 0);
	vaccel_cleanup();
	assert_int_equal(rmdir(tmp), 0);

	/* relative XDG path and unusable TMPDIR: /tmp is the last resort */
	setenv("XDG_RUNTIME_DIR", "relative/dir", 1);
	setenv("TMPDIR", "/nonexistent-tmp", 1);
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_true(strncmp(vaccel_rundir(), "/tmp/vaccel-", 12) == 0);

	/* the system base is used when usable */
	vaccel_cleanup();
	unsetenv("TMPDIR");
	assert_non_null(th_tmpdir(tmp, sizeof(tmp)));
	snprintf(prefix, sizeof(prefix), "%s/%lu", tmp, (unsigned long)geteuid());
	assert_int_equal(mkdir(prefix, 0700), 0);
	rt_rundir_set_system_base(tmp);
	unsetenv("XDG_RUNTIME_DIR");
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_true(strncmp(vaccel_rundir(), prefix, strlen(prefix)) == 0);
	vaccel_cleanup();
	strcat(prefix, "/vaccel");
	rmdir(prefix);
	prefix[strlen(prefix) - 7] = '\0';
	rmdir(prefix);
	assert_int_equal(rmdir(tmp), 0);
}

static void test_subsystems_twice(void **state)
{
	(void)state;
	/* cleanup/bootstrap cycles leave no IDs or plugins behind */
	for (int i = 0; i < 3; i++) {
		struct vaccel_session s;

		assert_int_equal(th_boot(th_plugin("tp-local")), VACCEL_OK);
		assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
		assert_int_equal(s.id, 1);
		assert_int_equal(vaccel_cleanup(), VACCEL_OK);
		assert_int_equal(s.id, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_not_initialized, teardown),
	    cmocka_unit_test_teardown(test_bootstrap_env_and_reboot, teardown),
	    cmocka_unit_test_teardown(test_bootstrap_failure_is_remembered, teardown),
	    cmocka_unit_test_teardown(test_rundir_xdg, teardown),
	    cmocka_unit_test_teardown(test_rundir_fallbacks, teardown),
	    cmocka_unit_test_teardown(test_subsystems_twice, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
