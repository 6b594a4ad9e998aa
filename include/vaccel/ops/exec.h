/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/exec.h: run a function from a shared library through the
 * session's plugin. The function has the signature
 *   int fn(struct vaccel_arg *read, size_t nr_read,
 *          struct vaccel_arg *write, size_t nr_write);
 * and receives the argument arrays unchanged.
 */
#ifndef VACCEL_OPS_EXEC_H
#define VACCEL_OPS_EXEC_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;
struct vaccel_resource;
struct vaccel_arg;

/*
 * Call fn_symbol from library (a path or soname resolved by the plugin).
 * Returns the plugin's result, VACCEL_EINVAL for a NULL session or
 * VACCEL_ENOTSUP if the plugin does not implement VACCEL_OP_EXEC.
 */
int vaccel_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write);

/*
 * Call fn_symbol from a VACCEL_RESOURCE_LIB resource registered to sess.
 * A NULL session or resource, or a resource of another type, gives
 * VACCEL_EINVAL; a resource not registered to sess gives VACCEL_EPERM.
 */
int vaccel_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
			      const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
			      struct vaccel_arg *write, size_t nr_write);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_EXEC_H */
