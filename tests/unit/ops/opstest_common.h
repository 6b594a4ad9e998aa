/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixtures shared by the ops tests: a session on the opstest plugin (loaded
 * through VACCEL_PLUGINS, set by meson), access to the plugin's recorded
 * state, and file-backed resources.
 */
#ifndef OPSTEST_COMMON_H
#define OPSTEST_COMMON_H

#include "opstest_plugin.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

struct opstest_fixture {
	struct vaccel_session sess;
	struct opstest_state *st; /* the plugin's state, reset per test */
	char path[64];		  /* a temp file backing the resources */
	struct vaccel_resource res[3];
	bool res_inited[3];
};

/* cmocka group setup/teardown: bootstrap and find the plugin. */
int opstest_group_setup(void **state);
int opstest_group_teardown(void **state);

/* cmocka per-test setup/teardown: fresh session and plugin state. */
int opstest_setup(void **state);
int opstest_teardown(void **state);

/* Init resource slot `slot` of `type` from the fixture's file; register it if asked. */
struct vaccel_resource *opstest_resource(struct opstest_fixture *f, int slot,
					 vaccel_resource_type_t type, bool do_register);

/*
 * The last call reached the plugin as image op `op` (detect, segment, pose, depth) with
 * exactly img/name and their lengths, and the plugin wrote its image name into name.
 */
void opstest_assert_image_op(const struct opstest_fixture *f, vaccel_op_type_t op, const void *img,
			     size_t len_img, const unsigned char *name, size_t len_name);

/*
 * The last call reached the plugin as the one image classification with exactly img, text,
 * name and their lengths, and the plugin wrote its tags into text and its name into name.
 */
void opstest_assert_classify(const struct opstest_fixture *f, const void *img, size_t len_img,
			     const unsigned char *text, size_t len_text, const unsigned char *name,
			     size_t len_name);

/*
 * Call every typed op once on sess (the image ops: all five), with `lib` and `model` as
 * their resources; expect `want` from each.
 */
void opstest_call_all_ops(struct vaccel_session *sess, struct vaccel_resource *lib,
			  struct vaccel_resource *model, int want);

/* The plugin's last call was `op`, with these integer args first in state.num (signature order). */
#define OPSTEST_ASSERT_CALL(f, op, ...)                                                            \
	do {                                                                                       \
		const int64_t want_[] = {__VA_ARGS__};                                             \
                                                                                                   \
		assert_int_equal((f)->st->last_op, (op));                                          \
		for (size_t i_ = 0; i_ < sizeof(want_) / sizeof(want_[0]); i_++)                   \
			assert_int_equal((f)->st->num[i_], want_[i_]);                             \
	} while (0)

/* A plugin stand-in with no ops (for the ENOTSUP paths). */
extern struct vaccel_plugin opstest_empty_plugin;

#endif /* OPSTEST_COMMON_H */
