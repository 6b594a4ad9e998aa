/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers shared by the example programs. They use only the public vAccel API and
 * report problems on stderr; every function returns 0 or a VACCEL_E* code, which the
 * examples use as their exit status.
 */
#ifndef EX_UTIL_H
#define EX_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <vaccel.h>

/* Read a whole regular file into a malloc'd buffer (free() it). Empty files are errors. */
int ex_read_file(const char *path, void **buf, size_t *size);

/* Parse an optional iteration count (NULL -> 1). Accepts 0..1000000. */
int ex_parse_iterations(const char *arg, unsigned long *iterations);

/* Initialize a session with `flags` and print "Initialized session with id: N". */
int ex_session_init(struct vaccel_session *sess, uint32_t flags);

/* Release a session, reporting (but otherwise ignoring) failures. */
void ex_session_release(struct vaccel_session *sess);

/* Create a resource from `path` and register it with `sess`. */
int ex_resource_attach(struct vaccel_resource *res, const char *path, vaccel_resource_type_t type,
		       struct vaccel_session *sess);

/* Unregister `res` from `sess` and release it. */
void ex_resource_detach(struct vaccel_resource *res, struct vaccel_session *sess);

#endif /* EX_UTIL_H */
