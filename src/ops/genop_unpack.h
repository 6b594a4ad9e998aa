/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The typed call of each genop-capable op. vaccel_genop() has checked the
 * request against the op's row in the op table (lib/optable) before a call
 * runs, so a call only maps the checked values onto its typed wrapper, and
 * dispatch still goes through the session's plugin.
 */
#ifndef VACCEL_SRC_OPS_GENOP_UNPACK_H
#define VACCEL_SRC_OPS_GENOP_UNPACK_H

#include "optab.h"
#include "vaccel/arg.h"
#include "vaccel/op.h"
#include "vaccel/session.h"
#include <stddef.h>

/* A checked request. */
struct ops_genop_call {
	vaccel_op_type_t op;
	struct vaccel_session *sess;
	const struct optab_op *row;
	const struct optab_val *v; /* each descriptor's value: read descriptors, then write */
	struct vaccel_arg *read;   /* after the op type */
	size_t nr_read;
	struct vaccel_arg *write;
	size_t nr_write;
};

typedef int (*ops_genop_call_fn)(const struct ops_genop_call *c);

/* The typed call of op, or NULL if op has none (or is out of range). */
ops_genop_call_fn ops_genop_caller(vaccel_op_type_t op);

#endif /* VACCEL_SRC_OPS_GENOP_UNPACK_H */
