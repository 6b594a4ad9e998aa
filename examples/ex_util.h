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

/*
 * Check a program's command line and parse its iteration count: it takes min_args to
 * max_args arguments (else "Usage: <prog> <usage>" on stderr) and argv[iterations_arg],
 * when given, is the count (0..1000000; 1 when not given).
 */
int ex_parse_args(int argc, char **argv, int min_args, int max_args, const char *usage,
		  int iterations_arg, unsigned long *iterations);

/* One iteration of an example: runs its operation and prints the result. */
typedef int (*ex_once_fn)(struct vaccel_session *sess, void *ctx);

/* Call `once` `iterations` times; the first failure ("Could not run op: N") ends the loop. */
int ex_repeat(struct vaccel_session *sess, unsigned long iterations, ex_once_fn once, void *ctx);

/* ex_repeat in a session of its own, opened with `flags` before and released after. */
int ex_session_repeat(uint32_t flags, unsigned long iterations, ex_once_fn once, void *ctx);

/*
 * Open a session with `flags` (printing "Initialized session with id: N") and, when
 * `path` is set, create a `type` resource from it in `res` and register it. ex_session_close
 * undoes both (`res` NULL: no resource was attached), reporting but ignoring failures.
 */
int ex_session_open(struct vaccel_session *sess, uint32_t flags, struct vaccel_resource *res,
		    const char *path, vaccel_resource_type_t type);
void ex_session_close(struct vaccel_session *sess, struct vaccel_resource *res);

/* Create a resource from a buffer (saved as `filename`) and register it with `sess`. */
int ex_resource_attach_buf(struct vaccel_resource *res, const void *buf, size_t size,
			   vaccel_resource_type_t type, const char *filename,
			   struct vaccel_session *sess);

/* Unregister `res` from `sess` and release it. */
void ex_resource_detach(struct vaccel_resource *res, struct vaccel_session *sess);

#endif /* EX_UTIL_H */
