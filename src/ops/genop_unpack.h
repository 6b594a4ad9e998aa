/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-op genop adapters. Each one checks the per-op layout documented in
 * vaccel/ops/genop.h (read excludes the op-type arg) and calls the typed
 * wrapper, so dispatch still goes through the session's plugin. The args have
 * already passed ops_genop_args_check().
 */
#ifndef VACCEL_SRC_OPS_GENOP_UNPACK_H
#define VACCEL_SRC_OPS_GENOP_UNPACK_H

#include "vaccel/arg.h"
#include "vaccel/op.h"
#include "vaccel/session.h"
#include <stddef.h>

typedef int (*ops_genop_unpack_fn)(vaccel_op_type_t op, struct vaccel_session *sess,
				   struct vaccel_arg *read, size_t nr_read,
				   struct vaccel_arg *write, size_t nr_write);

/* The adapter for op, or NULL if op cannot go through genop (or is out of range). */
ops_genop_unpack_fn ops_genop_unpacker(vaccel_op_type_t op);

#endif /* VACCEL_SRC_OPS_GENOP_UNPACK_H */
