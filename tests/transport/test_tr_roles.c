/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write-arg roles (the op table's in/out and out) over the real transport:
 * the userspace driver against a daemon running the noop plugin.
 *
 *  - in/out (sgemm's c, which the noop plugin leaves as it is): the caller's
 *    contents reach the op and come back unchanged;
 *  - out (classify's outputs): nothing travels in, and the op gets a zeroed
 *    buffer, so what comes back is the op's text and then zeros: neither the
 *    caller's old bytes nor bytes an earlier request left in shared memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <vaccel.h>

#include "tr_common.h"

static struct tr_daemon daemon_;
static struct vaccel_session rs; /* remote (virtio) */
static struct vaccel_session ls; /* local (noop in this process) */

static int group_setup(void **state)
{
	(void)state;
	if (tr_daemon_start(&daemon_, TR_NOOP_PLUGIN, NULL))
		return -1;
	if (tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN ":" TR_NOOP_PLUGIN))
		return -1;
	if (vaccel_session_init(&rs, VACCEL_PLUGIN_REMOTE))
		return -1;
	if (vaccel_session_init(&ls, VACCEL_PLUGIN_DEBUG))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_session_release(&ls);
	vaccel_session_release(&rs);
	vaccel_cleanup();
	tr_daemon_stop(&daemon_);
	return 0;
}

static void inout_travels_both_ways(void **state)
{
	float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
	float c[4] = {1.5f, -2.0f, 3.25f, 7.0f};
	const float want[4] = {1.5f, -2.0f, 3.25f, 7.0f};

	(void)state;
	assert_int_equal(vaccel_sgemm(&rs, 2, 2, 2, 1.0f, a, 2, b, 2, 1.0f, c, 2), VACCEL_OK);
	assert_memory_equal(c, want, sizeof(want));
}

/* Bytes of buf[from, len) that are not zero. */
static size_t nonzero_after(const unsigned char *buf, size_t from, size_t len)
{
	size_t n = 0;

	for (size_t i = from; i < len; i++)
		n += buf[i] != 0;
	return n;
}

static void out_starts_zeroed(void **state)
{
	static unsigned char big[8192], img[4] = "img";
	static unsigned char text[512], name[64], ltext[512], lname[64];
	size_t tl, nl;

	(void)state;
	/* An earlier request leaves its bytes where the next one's outputs will lie. */
	memset(big, 'S', sizeof(big));
	assert_int_equal(vaccel_image_classification(&rs, big, text, name, sizeof(big), 16, 16),
			 VACCEL_OK);

	memset(text, 'X', sizeof(text));
	memset(name, 'X', sizeof(name));
	assert_int_equal(vaccel_image_classification(&rs, img, text, name, sizeof(img),
						     sizeof(text), sizeof(name)),
			 VACCEL_OK);
	/* The op's own output, as the same op run locally writes it. */
	assert_int_equal(vaccel_image_classification(&ls, img, ltext, lname, sizeof(img),
						     sizeof(ltext), sizeof(lname)),
			 VACCEL_OK);
	tl = strnlen((char *)ltext, sizeof(ltext));
	nl = strnlen((char *)lname, sizeof(lname));
	assert_true(tl > 0 && tl < sizeof(text) && nl > 0 && nl < sizeof(name));
	assert_memory_equal(text, ltext, tl + 1);
	assert_memory_equal(name, lname, nl + 1);
	/* After it, zeros: no 'X' from the caller, no 'S' from the earlier request. */
	assert_int_equal(nonzero_after(text, tl + 1, sizeof(text)), 0);
	assert_int_equal(nonzero_after(name, nl + 1, sizeof(name)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(inout_travels_both_ways),
	    cmocka_unit_test(out_starts_zeroed),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
