/* SPDX-License-Identifier: Apache-2.0 */
/* Profiling regions. */
#include "th.h"
#include "capture.h"
#include <vaccel.h>

static int boot_prof(bool enabled)
{
	struct vaccel_config c;
	int ret;

	vaccel_config_init(&c, NULL, VACCEL_LOG_INFO, NULL, enabled, false);
	ret = vaccel_bootstrap_with_config(&c);
	vaccel_config_release(&c);
	return ret;
}

static int teardown(void **state)
{
	(void)state;
	vaccel_cleanup();
	return 0;
}

static void test_disabled_noop(void **state)
{
	struct vaccel_prof_region r = VACCEL_PROF_REGION_INIT("x");

	(void)state;
	assert_int_equal(boot_prof(false), VACCEL_OK);
	assert_false(vaccel_prof_enabled());
	assert_int_equal(vaccel_prof_region_start(NULL), VACCEL_OK);
	assert_int_equal(vaccel_prof_region_stop(NULL), VACCEL_OK);
	assert_int_equal(vaccel_prof_region_print(NULL), VACCEL_OK);
	assert_int_equal(vaccel_prof_region_init(NULL, "x"), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_init(NULL, 3), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_print_all_to_buf(NULL, 0, NULL, 0), VACCEL_OK);
	assert_int_equal(vaccel_prof_region_start(&r), VACCEL_OK);
	assert_int_equal(r.nr_entries, 0);
}

static void test_regions(void **state)
{
	struct vaccel_prof_region r;
	struct capture cap;
	char *text;

	(void)state;
	assert_int_equal(boot_prof(true), VACCEL_OK);
	assert_true(vaccel_prof_enabled());
	assert_int_equal(vaccel_prof_region_init(&r, "my_region"), VACCEL_OK);
	assert_string_equal(r.name, "my_region");
	assert_true(r.name_owned);
	assert_int_equal(vaccel_prof_region_stop(&r), VACCEL_ENOENT);
	for (int i = 0; i < 1500; i++) { /* grows past the first 1024 samples */
		assert_int_equal(vaccel_prof_region_start(&r), VACCEL_OK);
		assert_int_equal(vaccel_prof_region_stop(&r), VACCEL_OK);
	}
	assert_int_equal(r.nr_entries, 1500);
	assert_true(r.size >= 1500);

	capture_start(&cap, STDERR_FILENO);
	assert_int_equal(vaccel_prof_region_print(&r), VACCEL_OK);
	text = capture_end(&cap);
	assert_non_null(strstr(text, "<info> [prof] my_region: total_time: "));
	assert_non_null(strstr(text, " nsec nr_entries: 1500\n"));
	free(text);
	assert_int_equal(vaccel_prof_region_release(&r), VACCEL_OK);
	assert_null(r.name);
	assert_int_equal(vaccel_prof_region_start(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_prof_region_init(&r, NULL), VACCEL_OK);
	assert_non_null(r.name);
	vaccel_prof_region_release(&r);
}

static void test_region_arrays(void **state)
{
	struct vaccel_prof_region rs[3] = {VACCEL_PROF_REGION_INIT("a"),
					   VACCEL_PROF_REGION_INIT("b"),
					   VACCEL_PROF_REGION_INIT("c")};
	char *buf = NULL;
	int need, used;

	(void)state;
	assert_int_equal(boot_prof(true), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_init(rs, 3), VACCEL_OK);
	assert_string_equal(rs[1].name, "b"); /* names survive */
	assert_int_equal(vaccel_prof_regions_start_by_name(rs, 3, "b"), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_stop_by_name(rs, 3, "b"), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_start_by_name(rs, 3, "c"), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_stop_by_name(rs, 3, "c"), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_start_by_name(rs, 3, "zz"), VACCEL_ENOENT);
	assert_int_equal(vaccel_prof_regions_start_by_name(rs, 3, NULL), VACCEL_EINVAL);
	assert_int_equal(rs[1].nr_entries, 1);
	assert_int_equal(rs[0].nr_entries, 0);
	assert_int_equal(vaccel_prof_regions_print_all(rs, 3), VACCEL_OK);

	need = vaccel_prof_regions_print_all_to_buf(NULL, 0, rs, 3);
	assert_true(need > 0);
	used = vaccel_prof_regions_print_all_to_buf(&buf, (size_t)need, rs, 3);
	assert_int_equal(used, need - 1); /* bytes, not the region count */
	assert_int_equal((int)strlen(buf), used);
	assert_true(strncmp(buf, "[prof] b: total_time: ", 22) == 0);
	assert_non_null(strstr(buf, "\n[prof] c: total_time: "));
	assert_null(strstr(buf, "[prof] a:"));
	free(buf);
	/* a short buffer is filled and terminated */
	used = vaccel_prof_regions_print_all_to_buf(&buf, 10, rs, 3);
	assert_int_equal(used, 9);
	assert_int_equal(strlen(buf), 9);
	free(buf);
	assert_int_equal(vaccel_prof_regions_print_all_to_buf(&buf, 10, NULL, 3), -VACCEL_EINVAL);
	assert_int_equal(vaccel_prof_regions_release(rs, 3), VACCEL_OK);
	assert_int_equal(vaccel_prof_regions_release(NULL, 3), VACCEL_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_disabled_noop, teardown),
	    cmocka_unit_test_teardown(test_regions, teardown),
	    cmocka_unit_test_teardown(test_region_arrays, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
