/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/fpga.h: the (deprecated) FPGA demo kernels. Lengths are element
 * counts; every output array must hold len_a elements.
 */
#ifndef VACCEL_OPS_FPGA_H
#define VACCEL_OPS_FPGA_H

#include "../session.h"
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;

/* out_a = a */
int vaccel_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a);

/* c = a x b (a, b and c hold len_a floats) */
int vaccel_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a);

/* add_output = a + b, mult_output = a * b (all hold len_a floats) */
int vaccel_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
			 float mult_output[], size_t len_a);

/* c = a + b */
int vaccel_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		     size_t len_b);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_FPGA_H */
