/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/genop.h: the generic operation. Any genop-capable op can be
 * called as an array of typed arguments, which is how ops travel to a VirtIO
 * host without per-op transport code.
 *
 * read[0] is the op type, a VACCEL_ARG_UINT8 of size 1 holding a
 * vaccel_op_type_t value. The remaining read args and all write args follow
 * the per-op layout below (positions count from read[1] and write[0]).
 * Counts are exact unless a row says otherwise; every size is checked against
 * the counts it implies, and any mismatch, missing, extra or mistyped arg gives
 * VACCEL_EINVAL before the plugin is called.
 *
 * "f32[]" means VACCEL_ARG_FLOAT32_ARRAY or VACCEL_ARG_RAW, "i32[]"
 * VACCEL_ARG_INT32_ARRAY or RAW, "f64[]" VACCEL_ARG_FLOAT64_ARRAY or RAW,
 * "i32" VACCEL_ARG_INT32 or RAW of size 4, "f64" VACCEL_ARG_FLOAT64 or RAW of
 * size 8 (RAW is accepted where upstream used untyped args). Output buffers
 * are capacities: "holds n" means size >= n elements.
 *
 *  op                 read args                    write args
 *  NOOP               none                         none
 *  EXEC               STRING library,              any number, passed through
 *                     STRING fn_symbol, then any
 *                     number passed through
 *  EXEC_WITH_RESOURCE INT64 resource id (a local   any number, passed through
 *                     id), STRING fn_symbol, then
 *                     any number passed through
 *  IMAGE_CLASSIFY     BUFFER img (non-empty)       UCHAR_ARRAY out_imgname,
 *                                                  UCHAR_ARRAY out_text (upstream's
 *                                                  order; either may be empty)
 *  IMAGE_DETECT,      BUFFER img (non-empty)       UCHAR_ARRAY out_imgname
 *  _SEGMENT, _POSE,                                (may be empty)
 *  _DEPTH
 *  BLAS_SGEMM         INT64 m, INT64 n, INT64 k,   FLOAT32_ARRAY c holding
 *                     FLOAT32 alpha, FLOAT32_ARRAY (m-1)*ldc+n
 *                     a holding (m-1)*lda+k,
 *                     INT64 lda, FLOAT32_ARRAY b
 *                     holding (k-1)*ldb+n, INT64
 *                     ldb, FLOAT32 beta, INT64 ldc
 *                     (m,n,k >= 1, lda >= k,
 *                     ldb >= n, ldc >= n)
 *  MINMAX             f64[] indata, i32 ndata      f64[] outdata holding ndata,
 *                     (>= 1, indata is exactly     f64 min, f64 max
 *                     ndata doubles), i32 low,
 *                     i32 high
 *  FPGA_ARRAYCOPY     i32[] a (len_a from size)    i32[] out_a holding len_a
 *  FPGA_MMULT         f32[] a (len_a), f32[] b     f32[] c holding len_a
 *                     holding len_a
 *  FPGA_PARALLEL      f32[] a (len_a), f32[] b     f32[] add_output, f32[]
 *                     holding len_a                mult_output, each holding len_a
 *  FPGA_VECTORADD     f32[] a (len_a), f32[] b     f32[] c holding len_a
 *                     (len_b, must equal len_a)
 *  OPENCV             at least 1 (read[1] selects  any number, passed through
 *                     the function, non-empty),
 *                     passed through
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
 * and arrays, and RAW args used as f32[]/i32[]/f64[] or as the f64 outputs,
 * must be aligned to their element size (plugins access them through typed
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
