/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source compatibility: code written for upstream vAccel (one #include <vaccel.h>, the
 * plugin macros, the log macros) builds and works; public struct layouts match upstream
 * on x86_64.
 */
#include "th.h"
#include <inttypes.h>
#include <stddef.h>
#include <vaccel.h>
#include "vt_main.h"

/* An in-program plugin written the upstream way. */
static int my_noop(struct vaccel_session *sess)
{
	vaccel_debug("my_noop for session %" PRId64, sess->id);
	return VACCEL_OK;
}

static struct vaccel_op my_ops[] = {
    VACCEL_OP_INIT(my_ops[0], VACCEL_OP_NOOP, my_noop),
};

static int my_init(void)
{
	return vaccel_plugin_register_ops(my_ops, sizeof(my_ops) / sizeof(my_ops[0]));
}

static int my_fini(void)
{
	return VACCEL_OK;
}

VACCEL_PLUGIN(.name = "api-test", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_DEBUG, .init = my_init, .fini = my_fini)

static void test_version_macro(void **state)
{
	(void)state;
	assert_true(strlen(VACCEL_VERSION) >= 5);
	assert_non_null(strchr(VACCEL_VERSION, '.'));
}

/* Upstream's layouts as measured on x86_64 (LP64, 40-byte pthread_mutex_t); other ABIs
 * (aarch64's mutex is 48 bytes, armhf is ILP32) have no measured reference. */
static void test_layouts(void **state)
{
	(void)state;
#ifndef __x86_64__
	skip();
#endif
	assert_int_equal(sizeof(struct vaccel_session), 4264);
	assert_int_equal(offsetof(struct vaccel_session, remote_id), 8);
	assert_int_equal(offsetof(struct vaccel_session, hint), 16);
	assert_int_equal(offsetof(struct vaccel_session, is_virtio), 20);
	assert_int_equal(offsetof(struct vaccel_session, rundir), 21);
	assert_int_equal(offsetof(struct vaccel_session, entry), 4120);
	assert_int_equal(offsetof(struct vaccel_session, resources), 4136);
	assert_int_equal(offsetof(struct vaccel_session, resource_counts), 4184);
	assert_int_equal(offsetof(struct vaccel_session, resources_lock), 4208);
	assert_int_equal(offsetof(struct vaccel_session, plugin), 4248);
	assert_int_equal(offsetof(struct vaccel_session, priv), 4256);
	assert_int_equal(sizeof(struct vaccel_resource), 152);
	assert_int_equal(offsetof(struct vaccel_resource, refcount), 136);
	assert_int_equal(sizeof(struct vaccel_blob), 56);
	assert_int_equal(sizeof(struct vaccel_arg), 32);
	assert_int_equal(offsetof(struct vaccel_arg, owned), 24);
	assert_int_equal(sizeof(struct vaccel_config), 32);
	assert_int_equal(sizeof(struct vaccel_plugin_info), 96);
	assert_int_equal(sizeof(struct vaccel_plugin), 224);
	assert_int_equal(sizeof(struct vaccel_op), 24);
	assert_int_equal(sizeof(struct vaccel_prof_region), 40);
}

static void test_upstream_style_program(void **state)
{
	struct vaccel_config cfg;
	struct vaccel_session sess;
	struct vaccel_list_entry e = LIST_ENTRY_INIT(e);
	struct vaccel_prof_region reg = VACCEL_PROF_REGION_INIT("api_region");
	int (*fn)(struct vaccel_session *);

	(void)state;
	assert_false(vaccel_list_linked(&e));
	assert_int_equal(vaccel_config_init(&cfg, NULL, VACCEL_LOG_DEBUG, NULL, true, false),
			 VACCEL_OK);
	assert_int_equal(vaccel_bootstrap_with_config(&cfg), VACCEL_OK);
	vaccel_config_release(&cfg);
	/* register the in-program plugin the way a loaded one is */
	assert_int_equal(vaccel_plugin_register_ops(my_ops, 1), VACCEL_EINVAL); /* not loaded */
	vaccel_info("info %s", "line");
	vaccel_warn("warn %d", 1);
	vaccel_error("error");
	vaccel_trace("trace");
	vaccel_fatal("fatal");
	assert_int_equal(vaccel_prof_region_start(&reg), VACCEL_OK);
	assert_int_equal(vaccel_prof_region_stop(&reg), VACCEL_OK);
	assert_int_equal(vaccel_prof_region_print(&reg), VACCEL_OK);
	free(reg.samples);
	/* no plugin is loaded: sessions are refused with ENOTSUP, as upstream */
	assert_int_equal(vaccel_session_init(&sess, 0), VACCEL_ENOTSUP);
	fn = (int (*)(struct vaccel_session *))my_ops[0].func;
	assert_ptr_equal(my_ops[0].owner, &vaccel_this_plugin);
	assert_ptr_equal(vaccel_plugin, &vaccel_this_plugin);
	assert_non_null(fn);
	assert_int_equal(vaccel_cleanup(), VACCEL_OK);
}

VT_MAIN(NULL, NULL, test_version_macro, test_layouts, test_upstream_style_program)
