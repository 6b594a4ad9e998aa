/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/genop.h: the generic operation. Any genop-capable op can be
 * called as an array of typed arguments, which is how ops travel to a VirtIO
 * host without per-op transport code.
 *
 * read[0] is the op type, a VACCEL_ARG_UINT8 of size 1 holding a
 * vaccel_op_type_t value. The remaining read args and all write args follow
 * the op's layout in the per-op table of docs/virtio-accel.md §6.2, which is
 * generated from the op table in lib/optable (the one place an op's layout is
 * written). Counts are exact unless the layout says otherwise; every size is
 * checked against the counts it implies, and any mismatch, missing, extra or
 * mistyped arg gives VACCEL_EINVAL before the plugin is called. Where a
 * layout accepts VACCEL_ARG_RAW besides a typed kind, it is because upstream
 * sent those args untyped. Output buffers are capacities: "holds n" means
 * size >= n elements; an empty output reaches the plugin as NULL, 0.
 *
 * TF_*, TFLITE_* and TORCH_* are not genop-capable (VACCEL_ENOTSUP); an op
 * type >= VACCEL_OP_MAX gives VACCEL_EINVAL.
 *
 * EXEC_WITH_RESOURCE looks the id up among this process's resources: an
 * unknown id gives VACCEL_ENOENT, then the typed call's checks apply (not a
 * LIB: VACCEL_EINVAL; not registered to the session: VACCEL_EPERM).
 *
 * Every arg, including pass-through ones, must also be well formed: a known
 * type, a non-NULL buf when size > 0, the exact size for scalar types, a
 * whole number of elements for array types, and for read args a NUL inside
 * the size of a STRING and 0/1 values in BOOL and BOOL_ARRAY. Typed scalars
 * and arrays, and RAW args used as typed arrays or as output scalars, must be
 * aligned to their element type (plugins access them through typed
 * pointers); RAW args read as input scalars need not be.
 */
#ifndef VACCEL_OPS_GENOP_H
#define VACCEL_OPS_GENOP_H

#include "../arg.h"
#include "../session.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;
struct vaccel_arg;

/*
 * Decode read/write as described above and run the typed operation on sess.
 * Returns VACCEL_EINVAL for malformed arguments, VACCEL_ENOTSUP for ops that
 * cannot go through genop, otherwise the typed operation's result.
 */
int vaccel_genop(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		 struct vaccel_arg *write, int nr_write);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_GENOP_H */
