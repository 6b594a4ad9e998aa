/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal helpers shared by the typed operation wrappers (the .c files in src/ops).
 *
 * Every wrapper follows the same flow: NULL session -> EINVAL; debug
 * "Looking for func"; resource checks; start the family's profiling region;
 * look the function up in the session's plugin (missing -> ENOTSUP); call it
 * with exactly the public arguments; stop the region; return the plugin's
 * result unchanged.
 */
#ifndef VACCEL_SRC_OPS_OPS_H
#define VACCEL_SRC_OPS_OPS_H

#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/op.h"
#include "vaccel/prof.h"
#include "vaccel/resource.h"
#include "vaccel/session.h"
#include <stdint.h>

/* Debug "session:<id> Looking for func implementing op <op>". */
void ops_log_lookup(const struct vaccel_session *sess, vaccel_op_type_t type);

/*
 * Check that `res` is non-NULL, of type `type` (else VACCEL_EINVAL) and
 * registered to `sess` (else VACCEL_EPERM), logging why it is not.
 */
int ops_check_resource(const struct vaccel_session *sess, const struct vaccel_resource *res,
		       vaccel_resource_type_t type);

/*
 * Find the plugin function for `type` in the session's plugin. Returns
 * VACCEL_OK and sets *func, VACCEL_ENOTSUP (logged as an error) if the plugin
 * does not implement the op, or VACCEL_EINVAL if the session has no plugin
 * (never initialized or already released).
 */
int ops_get_func(const struct vaccel_session *sess, vaccel_op_type_t type, void **func);

/*
 * Profiling of one op call: t0 = ops_prof_begin() before the lookup, then
 * ops_prof_end(region, t0) on every path. The sample is appended whole under
 * a lock, so concurrent calls (the host daemon runs ops on several threads)
 * neither corrupt the region nor close each other's samples, which the
 * start/stop pair of the prof API cannot promise. No-ops when profiling is
 * off.
 */
uint64_t ops_prof_begin(void);
void ops_prof_end(struct vaccel_prof_region *region, uint64_t t0);

/* Print and free a family's profiling regions (called from destructors). */
void ops_prof_regions_flush(struct vaccel_prof_region *regions, int nr_regions);

#endif /* VACCEL_SRC_OPS_OPS_H */
