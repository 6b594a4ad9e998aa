/* SPDX-License-Identifier: Apache-2.0 */
/* Plugin loading, version checks, op registration and plugin selection. */
#include "th.h"
#include "rt.h"
#include "rt_plugin.h"
#include <vaccel.h>

static struct vaccel_plugin *loaded(const char *name)
{
	void *h = dlopen(th_plugin(name), RTLD_LAZY | RTLD_NOLOAD);
	struct vaccel_plugin **p;

	if (!h)
		return NULL;
	p = dlsym(h, "vaccel_plugin");
	dlclose(h);
	return p ? *p : NULL;
}

static void test_load_before_bootstrap(void **state)
{
	(void)state;
	assert_false(vaccel_is_initialized());
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-local")), VACCEL_EPERM);
	assert_int_equal(vaccel_plugin_load(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_plugin_register_ops(NULL, 1), VACCEL_EINVAL);
}

static void test_load_errors(void **state)
{
	char dir[256], path[512];

	(void)state;
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_int_equal(vaccel_plugin_load(""), VACCEL_EINVAL);
	assert_int_equal(vaccel_plugin_load("/nonexistent/libnothing.so"), VACCEL_ENOENT);
	assert_int_equal(vaccel_plugin_load("libvaccel-definitely-missing.so"), VACCEL_ENOENT);
	/* an existing file that is not a shared object */
	assert_non_null(th_tmpdir(dir, sizeof(dir)));
	assert_int_equal(th_write_file(dir, "junk.so", "not an ELF", 10, path, sizeof(path)), 0);
	assert_int_equal(vaccel_plugin_load(path), VACCEL_ELIBBAD);
	unlink(path);
	rmdir(dir);
	/* a shared object without the vaccel_plugin symbol */
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-nosym")), VACCEL_ELIBBAD);
	assert_int_equal(rt_plugins_count(), 0);
}

static void test_load_ok_and_duplicate(void **state)
{
	struct tp_state *st;
	struct vaccel_plugin *p;

	(void)state;
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-local")), VACCEL_OK);
	st = th_state("tp-local");
	assert_non_null(st);
	assert_int_equal(st->inits, 1);
	p = loaded("tp-local");
	assert_non_null(p);
	assert_non_null(p->ops[VACCEL_OP_NOOP]);
	assert_null(p->ops[VACCEL_OP_EXEC]);
	assert_ptr_equal(p->ops[VACCEL_OP_NOOP]->owner, p);
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-local")), VACCEL_EEXIST);
	assert_int_equal(st->inits, 1);
	assert_int_equal(rt_plugins_count(), 1);

	/* unregister runs fini once; a second unregister finds nothing (keep the object
	 * mapped meanwhile: unregister dlcloses the runtime's handle) */
	void *h = dlopen(th_plugin("tp-local"), RTLD_LAZY | RTLD_NOLOAD);
	assert_non_null(h);
	assert_int_equal(rt_plugin_unregister(p), VACCEL_OK);
	assert_int_equal(st->finis, 1);
	assert_null(p->dl_handle);
	assert_int_equal(rt_plugins_count(), 0);
	assert_int_equal(rt_plugin_unregister(p), VACCEL_ENOENT);
	dlclose(h);
}

static void test_fini_called_at_cleanup(void **state)
{
	struct tp_state *st;

	(void)state;
	assert_int_equal(th_boot(th_plugin("tp-local")), VACCEL_OK);
	st = th_state("tp-local");
	assert_non_null(st);
	/* keep the object mapped across cleanup to look at its counters */
	void *h = dlopen(th_plugin("tp-local"), RTLD_LAZY | RTLD_NOLOAD);
	assert_non_null(h);
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
	assert_int_equal(st->finis, 1);
	dlclose(h);
}

static void test_versions(void **state)
{
	struct vaccel_config c;

	(void)state;
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-badver")), VACCEL_EINVAL);
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-garbagever")), VACCEL_EINVAL);
	/* same major, other minor/patch/extra: a warning only */
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-minorver")), VACCEL_OK);
	assert_int_equal(rt_plugins_count(), 1);
	vaccel_cleanup();

	assert_int_equal(vaccel_config_init(&c, NULL, VACCEL_LOG_DEBUG, NULL, false, true),
			 VACCEL_OK);
	assert_int_equal(vaccel_bootstrap_with_config(&c), VACCEL_OK);
	vaccel_config_release(&c);
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-badver")), VACCEL_OK);
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-garbagever")), VACCEL_OK);
	assert_int_equal(rt_plugins_count(), 2);
}

static void test_parse_version(void **state)
{
	int a, b, c;
	const char *extra;

	(void)state;
	assert_int_equal(rt_plugin_parse_version("v1.2.3-45-abc", &a, &b, &c, &extra), VACCEL_OK);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);
	assert_string_equal(extra, "-45-abc");
	assert_int_equal(rt_plugin_parse_version("0.7.1", &a, &b, &c, NULL), VACCEL_OK);
	assert_int_equal(rt_plugin_parse_version("1.2", &a, &b, &c, NULL), VACCEL_EINVAL);
	assert_int_equal(rt_plugin_parse_version("a.b.c", &a, &b, &c, NULL), VACCEL_EINVAL);
	assert_int_equal(rt_plugin_parse_version("", &a, &b, &c, NULL), VACCEL_EINVAL);
	assert_int_equal(rt_plugin_parse_version(NULL, &a, &b, &c, NULL), VACCEL_EINVAL);
	assert_int_equal(rt_plugin_parse_version("99999999.1.1", &a, &b, &c, NULL), VACCEL_EINVAL);
}

static void test_init_failure_no_fini(void **state)
{
	(void)state;
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	/* tp-initfail's fini aborts: reaching the next line proves it was not called */
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-initfail")), VACCEL_EBACKEND);
	assert_int_equal(rt_plugins_count(), 0);
	assert_int_equal(vaccel_plugin_load(th_plugin("tp-badops")), VACCEL_EINVAL);
	assert_int_equal(rt_plugins_count(), 0);
}

static void test_parse_and_load(void **state)
{
	char list[2048];

	(void)state;
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_int_equal(vaccel_plugin_parse_and_load(NULL), VACCEL_EINVAL);
	snprintf(list, sizeof(list), "%s:/nonexistent.so:%s", th_plugin("tp-local"),
		 th_plugin("tp-gpu"));
	assert_int_equal(vaccel_plugin_parse_and_load(list), VACCEL_ENOENT);
	assert_int_equal(rt_plugins_count(), 1); /* stopped at the first error */
	vaccel_cleanup();

	assert_int_equal(th_boot(NULL), VACCEL_OK);
	snprintf(list, sizeof(list), "%s::%s:%s", th_plugin("tp-local"), th_plugin("tp-gpu"),
		 th_plugin("tp-local"));
	assert_int_equal(vaccel_plugin_parse_and_load(list), VACCEL_OK); /* duplicate: once */
	assert_int_equal(rt_plugins_count(), 2);
	assert_int_equal(th_state("tp-local")->inits, 1);
}

static int fake_init(void)
{
	return VACCEL_OK;
}

static int fake_fini(void)
{
	return VACCEL_OK;
}

static int fake_func(void)
{
	return 0;
}

static struct vaccel_plugin_info fake_info = {.name = "fake",
					      .version = "1",
					      .vaccel_version = VACCEL_VERSION,
					      .init = fake_init,
					      .fini = fake_fini,
					      .type = VACCEL_PLUGIN_SOFTWARE};
static struct vaccel_plugin fake = {.info = &fake_info};

static void test_register_ops_errors(void **state)
{
	struct vaccel_plugin other = {.info = &fake_info};
	struct vaccel_op op = {VACCEL_OP_NOOP, (void *)fake_func, &fake};
	struct vaccel_op many[VACCEL_OP_MAX + 1];

	(void)state;
	assert_int_equal(rt_plugin_register(&fake, NULL), VACCEL_EPERM); /* not bootstrapped */
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_int_equal(rt_plugin_register(NULL, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_plugin_register_op(&op), VACCEL_EINVAL); /* owner unknown */
	assert_int_equal(rt_plugin_register(&fake, NULL), VACCEL_OK);
	assert_int_equal(rt_plugin_register(&fake, NULL), VACCEL_EEXIST);

	assert_int_equal(vaccel_plugin_register_ops(&op, 0), VACCEL_EINVAL);
	for (int i = 0; i <= VACCEL_OP_MAX; i++)
		many[i] = op;
	assert_int_equal(vaccel_plugin_register_ops(many, VACCEL_OP_MAX + 1), VACCEL_EINVAL);

	struct vaccel_op bad_type[2] = {
	    op, {(vaccel_op_type_t)VACCEL_OP_MAX, (void *)fake_func, &fake}};
	assert_int_equal(vaccel_plugin_register_ops(bad_type, 2), VACCEL_EINVAL);
	assert_null(fake.ops[VACCEL_OP_NOOP]); /* all-or-nothing */

	struct vaccel_op mixed[2] = {op, {VACCEL_OP_EXEC, (void *)fake_func, &other}};
	assert_int_equal(vaccel_plugin_register_ops(mixed, 2), VACCEL_EINVAL);

	struct vaccel_op nofunc = {VACCEL_OP_NOOP, NULL, &fake};
	assert_int_equal(vaccel_plugin_register_op(&nofunc), VACCEL_EINVAL);

	struct vaccel_op noowner = {VACCEL_OP_NOOP, (void *)fake_func, NULL};
	assert_int_equal(vaccel_plugin_register_op(&noowner), VACCEL_EINVAL);

	assert_int_equal(vaccel_plugin_register_op(&op), VACCEL_OK);
	assert_ptr_equal(fake.ops[VACCEL_OP_NOOP], &op);

	/* missing mandatory fields */
	struct vaccel_plugin_info noname = fake_info;
	noname.name = NULL;
	struct vaccel_plugin p2 = {.info = &noname};
	assert_int_equal(rt_plugin_register(&p2, NULL), VACCEL_EINVAL);
	struct vaccel_plugin_info nofini = fake_info;
	nofini.fini = NULL;
	struct vaccel_plugin p3 = {.info = &nofini};
	assert_int_equal(rt_plugin_register(&p3, NULL), VACCEL_EINVAL);
	struct vaccel_plugin_info nover = fake_info;
	nover.vaccel_version = NULL;
	struct vaccel_plugin p4 = {.info = &nover};
	assert_int_equal(rt_plugin_register(&p4, NULL), VACCEL_EINVAL);

	assert_int_equal(rt_plugin_unregister(&fake), VACCEL_OK);
}

static void test_find(void **state)
{
	char list[2048];
	struct vaccel_plugin *local, *gpu, *virtio;

	(void)state;
	assert_int_equal(th_boot(NULL), VACCEL_OK);
	assert_null(rt_plugin_find(0));
	snprintf(list, sizeof(list), "%s:%s:%s", th_plugin("tp-virtio"), th_plugin("tp-local"),
		 th_plugin("tp-gpu"));
	assert_int_equal(vaccel_plugin_parse_and_load(list), VACCEL_OK);
	local = loaded("tp-local");
	gpu = loaded("tp-gpu");
	virtio = loaded("tp-virtio");
	assert_ptr_equal(rt_plugin_find(0), local);
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_GPU), gpu);
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_FPGA), local); /* no match: first local */
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_REMOTE), virtio);
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_GPU), virtio);
	/* a type hint matching the virtio plugin's type still binds a local plugin */
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_GENERIC), local);
	/* ALL does not imply REMOTE */
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_ALL), local);
	vaccel_cleanup();

	/* only local plugins: REMOTE finds nothing */
	assert_int_equal(th_boot(th_plugin("tp-local")), VACCEL_OK);
	assert_null(rt_plugin_find(VACCEL_PLUGIN_REMOTE));
	vaccel_cleanup();

	/* the only plugin is virtio: it serves local hints too */
	assert_int_equal(th_boot(th_plugin("tp-virtio")), VACCEL_OK);
	assert_ptr_equal(rt_plugin_find(0), loaded("tp-virtio"));
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_GPU), loaded("tp-virtio"));
	vaccel_cleanup();

	/* two virtio plugins and nothing local: a local hint binds none */
	snprintf(list, sizeof(list), "%s:%s", th_plugin("tp-virtio"),
		 th_plugin("tp-virtio-nosync"));
	assert_int_equal(th_boot(list), VACCEL_OK);
	assert_null(rt_plugin_find(0));
	assert_ptr_equal(rt_plugin_find(VACCEL_PLUGIN_REMOTE), loaded("tp-virtio"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_load_before_bootstrap, th_cleanup),
	    cmocka_unit_test_teardown(test_load_errors, th_cleanup),
	    cmocka_unit_test_teardown(test_load_ok_and_duplicate, th_cleanup),
	    cmocka_unit_test_teardown(test_fini_called_at_cleanup, th_cleanup),
	    cmocka_unit_test_teardown(test_versions, th_cleanup),
	    cmocka_unit_test(test_parse_version),
	    cmocka_unit_test_teardown(test_init_failure_no_fini, th_cleanup),
	    cmocka_unit_test_teardown(test_parse_and_load, th_cleanup),
	    cmocka_unit_test_teardown(test_register_ops_errors, th_cleanup),
	    cmocka_unit_test_teardown(test_find, th_cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
