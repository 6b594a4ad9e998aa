/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/opencv.h: OpenCV functions behind one op. The argument layout
 * belongs to the plugin (by convention read[0] selects the function); the
 * runtime passes the arrays through unchanged.
 */
#ifndef VACCEL_OPS_OPENCV_H
#define VACCEL_OPS_OPENCV_H

#include "../arg.h"
#include "../session.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;
struct vaccel_arg;

/*
 * Run VACCEL_OP_OPENCV. Negative counts, or a positive count with a NULL
 * array, give VACCEL_EINVAL.
 */
int vaccel_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		  struct vaccel_arg *write, int nr_write);

/* Same as vaccel_opencv(); kept for source compatibility with upstream. */
int vaccel_opencv_unpack(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
			 struct vaccel_arg *write, int nr_write);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_OPENCV_H */
