/* SPDX-License-Identifier: Apache-2.0 */
/* Session/resource registration internals (session.c, resource.c). */
#ifndef RT_REGISTRY_H
#define RT_REGISTRY_H

#include "vaccel/resource.h"
#include "vaccel/session.h"
#include <stdbool.h>

/* One resource registered with one session; linked into both. */
struct rt_reg {
	struct vaccel_list_entry sess_entry; /* in sess->resources[res->type] */
	struct vaccel_list_entry res_entry;  /* in res->sessions */
	struct vaccel_session *sess;
	struct vaccel_resource *res;
};

/* Registration of `res` with `sess`, or NULL. Caller holds sess->resources_lock. */
struct rt_reg *rt_reg_find(const struct vaccel_session *sess, const struct vaccel_resource *res);

/*
 * Unregister with sess->resources_lock held. With `force` the link is removed even if the
 * plugin hook fails (release paths); the hook's error is still returned.
 */
int rt_resource_unregister_locked(struct vaccel_resource *res, struct vaccel_session *sess,
				  bool force);

/* Initialize a recursive mutex (the locks may be re-entered from plugin hooks). */
void rt_mutex_init_recursive(pthread_mutex_t *m);

/* Tests: IDs currently handed out. */
size_t rt_sessions_live(void);
size_t rt_resources_live(void);

#endif /* RT_REGISTRY_H */
