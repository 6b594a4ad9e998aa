// SPDX-License-Identifier: Apache-2.0
/*
 * The (deprecated) FPGA operations: `fpga_<op> [iterations]`. Built once per operation with
 * EX_FPGA_OP = 1 (arraycopy), 2 (mmult), 3 (parallel), 4 (vadd). Inputs are fixed small
 * arrays; results are printed one line per output array.
 */
#include "ex_util.h"
#include <stdio.h>

#define EX_LEN 8

__attribute__((unused)) static void print_floats(const char *label, const float *v, size_t n)
{
	printf("%s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %g", (double)v[i]);
	printf("\n");
}

static int fpga_once(struct vaccel_session *sess, void *ctx)
{
	float a[EX_LEN], b[EX_LEN], c[EX_LEN] = {0}, d[EX_LEN] = {0};
	int ia[EX_LEN], iout[EX_LEN] = {0};
	int ret;

	for (int i = 0; i < EX_LEN; i++) {
		a[i] = (float)i;
		b[i] = (float)(2 * i);
		ia[i] = i + 1;
	}
#if EX_FPGA_OP == 1
	ret = vaccel_fpga_arraycopy(sess, ia, iout, EX_LEN);
	if (!ret) {
		printf("output:");
		for (int i = 0; i < EX_LEN; i++)
			printf(" %d", iout[i]);
		printf("\n");
	}
	(void)a;
	(void)b;
	(void)c;
	(void)d;
#elif EX_FPGA_OP == 2
	ret = vaccel_fpga_mmult(sess, a, b, c, EX_LEN);
	if (!ret)
		print_floats("output", c, EX_LEN);
	(void)d;
	(void)iout;
#elif EX_FPGA_OP == 3
	ret = vaccel_fpga_parallel(sess, a, b, c, d, EX_LEN);
	if (!ret) {
		print_floats("add output", c, EX_LEN);
		print_floats("mult output", d, EX_LEN);
	}
	(void)iout;
#elif EX_FPGA_OP == 4
	ret = vaccel_fpga_vadd(sess, a, b, c, EX_LEN, EX_LEN);
	if (!ret)
		print_floats("output", c, EX_LEN);
	(void)d;
	(void)iout;
#else
#error "EX_FPGA_OP must be 1..4"
#endif
	(void)ia;
	(void)ctx;
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long iterations;
	int ret = ex_parse_args(argc, argv, 0, 1, "[iterations]", 1, &iterations);

	return ret ? ret : ex_session_repeat(0, iterations, fpga_once, NULL);
}
