/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/minmax.h: the (deprecated) min/max demo kernel over ndata
 * doubles; outdata must hold ndata doubles.
 */
#ifndef VACCEL_OPS_MINMAX_H
#define VACCEL_OPS_MINMAX_H

#include "../session.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;

int vaccel_minmax(struct vaccel_session *sess, const double *indata, int ndata, int low_threshold,
		  int high_threshold, double *outdata, double *min, double *max);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_MINMAX_H */
