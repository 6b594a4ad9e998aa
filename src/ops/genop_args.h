/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checked readers for genop arguments. genop args may come from an untrusted
 * guest (through the VirtIO host daemon), so nothing here trusts a size, a
 * type or a pointer alignment: every reader validates before it hands out a
 * pointer or a value, logs why it refused, and returns VACCEL_EINVAL.
 *
 * `what` names the argument in log messages (e.g. "image_classify: img").
 */
#ifndef VACCEL_SRC_OPS_GENOP_ARGS_H
#define VACCEL_SRC_OPS_GENOP_ARGS_H

#include "vaccel/arg.h"
#include <stdbool.h>
#include <stddef.h>

/*
 * Well-formedness of one arg, whatever its role (see vaccel/ops/genop.h):
 * known type; non-NULL buf when size > 0; exact size for scalar types and a
 * whole number of naturally aligned elements for array types; for read args
 * (is_read) also a NUL within a STRING and 0/1 in BOOL/BOOL_ARRAY.
 */
int ops_genop_arg_check(const struct vaccel_arg *arg, bool is_read, const char *what);

/* ops_genop_arg_check() on each of nr args, labelled "<what>[<first + i>]" in logs. */
int ops_genop_args_check(const struct vaccel_arg *args, size_t nr, size_t first, bool is_read,
			 const char *what);

/*
 * Read a scalar of `type` (exactly elem_size bytes) into *out. With raw_ok a
 * VACCEL_ARG_RAW arg of exactly elem_size bytes is accepted as well.
 */
int ops_genop_get_scalar(const struct vaccel_arg *arg, vaccel_arg_type_t type, size_t elem_size,
			 bool raw_ok, void *out, const char *what);

/*
 * Point *ptr at an output scalar of `type` (for the plugin to write through):
 * exactly elem_size bytes, aligned for the type. raw_ok as above.
 */
int ops_genop_get_out_scalar(const struct vaccel_arg *arg, vaccel_arg_type_t type, size_t elem_size,
			     bool raw_ok, void **ptr, const char *what);

/*
 * Point *ptr at an array of `type` with elements of elem_size bytes and set
 * *count to its element count. The size must be a whole number of elements
 * and buf aligned for them. An empty arg is refused unless allow_empty, in
 * which case *ptr is NULL and *count 0. raw_ok as above.
 */
int ops_genop_get_array(const struct vaccel_arg *arg, vaccel_arg_type_t type, size_t elem_size,
			bool raw_ok, bool allow_empty, void **ptr, size_t *count, const char *what);

/* A VACCEL_ARG_STRING read arg with a NUL inside its size. */
int ops_genop_get_string(const struct vaccel_arg *arg, const char **str, const char *what);

#endif /* VACCEL_SRC_OPS_GENOP_ARGS_H */
