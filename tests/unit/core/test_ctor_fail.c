/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs with the automatic bootstrap enabled. With TEST_EXPECT_OK unset, VACCEL_PLUGINS
 * names a missing plugin: the process must reach main() and API calls report ENOENT.
 * With TEST_EXPECT_OK=1 the plugin is good and a bad VACCEL_LOG_LEVEL just warns.
 */
#include "th.h"
#include <vaccel.h>
#include "vt_main.h"

static void test_state(void **state)
{
	struct vaccel_session s;

	(void)state;
	if (getenv("TEST_EXPECT_OK")) {
		assert_true(vaccel_is_initialized());
		assert_int_equal(vaccel_config()->log_level, VACCEL_LOG_ERROR);
		assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
		assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
		return;
	}
	assert_false(vaccel_is_initialized());
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_ENOENT);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_ENOENT);
	/* a later explicit bootstrap with a good configuration recovers */
	setenv("VACCEL_PLUGINS", th_plugin("tp-local"), 1);
	assert_int_equal(vaccel_bootstrap(), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, 0), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

VT_MAIN(NULL, NULL, test_state)
