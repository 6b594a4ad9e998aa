/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cmocka fixture the plugin tests share: each test gets a fresh session in *state
 * (setup_session) and deletes it after (teardown_session). Include after <cmocka.h>.
 */
#ifndef TESTS_EXAMPLES_SESSION_FIXTURE_H
#define TESTS_EXAMPLES_SESSION_FIXTURE_H

#include <vaccel.h>

static inline int setup_session(void **state)
{
	struct vaccel_session *sess = NULL;

	if (vaccel_session_new(&sess, 0) != VACCEL_OK)
		return -1;
	*state = sess;
	return 0;
}

static inline int teardown_session(void **state)
{
	return vaccel_session_delete(*state) == VACCEL_OK ? 0 : -1;
}

#endif /* TESTS_EXAMPLES_SESSION_FIXTURE_H */
