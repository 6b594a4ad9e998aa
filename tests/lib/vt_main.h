/*
 * vt_main.h: the main() of a cmocka test program, each test named once.
 *
 *     VT_MAIN(group_setup, group_teardown, test_a, test_b, test_c)
 *
 * runs the listed functions as one group, as cmocka_unit_test() entries in a
 * CMUnitTest array would, with the same names in cmocka's output.
 * VT_RUN(...) is the same as an expression returning cmocka's status, for a
 * main() that does more afterwards. VT_MAIN_EACH / VT_RUN_EACH take a
 * fixture run around each test as well (cmocka_unit_test_setup_teardown).
 * Tests whose fixtures differ keep a CMUnitTest array of their own.
 *
 * Include after <cmocka.h>. The names come from the macro's own argument
 * text, so each argument must be a plain function name.
 */
#ifndef VT_MAIN_H
#define VT_MAIN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VT_RUN_EACH(setup, teardown, each_setup, each_teardown, ...)                               \
	vt_run(#__VA_ARGS__, (const CMUnitTestFunction[]){__VA_ARGS__},                            \
	       sizeof((const CMUnitTestFunction[]){__VA_ARGS__}) / sizeof(CMUnitTestFunction),     \
	       setup, teardown, each_setup, each_teardown)

#define VT_RUN(setup, teardown, ...) VT_RUN_EACH(setup, teardown, NULL, NULL, __VA_ARGS__)

#define VT_MAIN_EACH(setup, teardown, each_setup, each_teardown, ...)                              \
	int main(void)                                                                             \
	{                                                                                          \
		return VT_RUN_EACH(setup, teardown, each_setup, each_teardown, __VA_ARGS__);       \
	}

#define VT_MAIN(setup, teardown, ...) VT_MAIN_EACH(setup, teardown, NULL, NULL, __VA_ARGS__)

/*
 * cmocka (1.1) prints a failed group teardown but leaves it out of the count it returns, so
 * a program whose clean-up failed (a daemon not stopped, a file left) would pass. Groups run
 * through vt_run_group*(), which count it.
 */
static CMFixtureFunction vt_teardown_fn;
static int vt_teardown_failed;

__attribute__((unused)) static int vt_teardown(void **state)
{
	int ret = vt_teardown_fn(state);

	if (ret)
		vt_teardown_failed++;
	return ret;
}

/* _cmocka_run_group_tests() with a failed group teardown counted as a failure. */
static inline int vt_run_group_n(const char *name, const struct CMUnitTest *tests, size_t n,
				 CMFixtureFunction setup, CMFixtureFunction teardown)
{
	int ret;

	vt_teardown_fn = teardown;
	vt_teardown_failed = 0;
	ret = _cmocka_run_group_tests(name, tests, n, setup, teardown ? vt_teardown : NULL);
	return ret + vt_teardown_failed;
}

/* cmocka_run_group_tests() and cmocka_run_group_tests_name(), teardown failures counted. */
#define vt_run_group(tests, setup, teardown)                                                       \
	vt_run_group_n(#tests, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)
#define vt_run_group_name(name, tests, setup, teardown)                                            \
	vt_run_group_n(name, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

/* Splits @names ("a, b, c") into @n test names and runs the group, @each_* around each. */
static inline int vt_run(const char *names, const CMUnitTestFunction *fns, size_t n,
			 CMFixtureFunction setup, CMFixtureFunction teardown,
			 CMFixtureFunction each_setup, CMFixtureFunction each_teardown)
{
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	char *text = strdup(names), *next = text;
	size_t i;
	int ret = 1;

	if (!tests || !text) {
		fprintf(stderr, "vt_run: out of memory\n");
		goto free_all;
	}
	for (i = 0; i < n; i++) {
		char *name = next + strspn(next, " \t\n");
		size_t len = strcspn(name, ", \t\n");

		next = name + len + strspn(name + len, ", \t\n");
		name[len] = '\0';
		if (!len) {
			fprintf(stderr, "vt_run: %zu functions but fewer names in \"%s\"\n", n,
				names);
			goto free_all;
		}
		tests[i] = (struct CMUnitTest){.name = name,
					       .test_func = fns[i],
					       .setup_func = each_setup,
					       .teardown_func = each_teardown};
	}
	ret = vt_run_group_n("tests", tests, n, setup, teardown);
free_all:
	free(tests);
	free(text);
	return ret;
}

#endif
