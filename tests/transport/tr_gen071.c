// SPDX-License-Identifier: Apache-2.0
/*
 * tr-gen071: generic operations written as upstream vAccel 0.7.1's *_generic
 * programs write them: the op type is the program's own vaccel_op_type_t
 * variable, passed as a 4-byte arg that designated initializers leave untyped
 * (RAW), and the args of the ops that were untyped then (noop, minmax, the
 * FPGA ops) are RAW too. One more request passes the 4-byte op type typed as
 * INT32 with typed args (sgemm). Prints one line per op, the same with the
 * noop plugin locally and over the transport; exits with the first failure.
 *
 *   tr-gen071 [iterations]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <vaccel.h>

#define N 4

static int run(struct vaccel_session *sess, const char *what, struct vaccel_arg *read, int nr_read,
	       struct vaccel_arg *write, int nr_write)
{
	int ret = vaccel_genop(sess, read, nr_read, write, nr_write);

	if (ret)
		fprintf(stderr, "%s: genop failed: %d\n", what, ret);
	return ret;
}

static int noop_generic(struct vaccel_session *sess)
{
	vaccel_op_type_t op_type = VACCEL_OP_NOOP;
	struct vaccel_arg read[] = {{.size = sizeof(vaccel_op_type_t), .buf = &op_type}};
	int ret = run(sess, "noop_generic", read, 1, NULL, 0);

	if (!ret)
		printf("noop_generic: done\n");
	return ret;
}

static int minmax_generic(struct vaccel_session *sess)
{
	vaccel_op_type_t op_type = VACCEL_OP_MINMAX;
	double indata[N] = {3, -7.5, 12, 0.25}, outdata[N] = {0}, min = 0, max = 0;
	int ndata = N, low_threshold = 0, high_threshold = 10;
	struct vaccel_arg read[] = {
	    {.size = sizeof(vaccel_op_type_t), .buf = &op_type},
	    {.size = ndata * sizeof(double), .buf = indata},
	    {.size = sizeof(int), .buf = &ndata},
	    {.size = sizeof(int), .buf = &low_threshold},
	    {.size = sizeof(int), .buf = &high_threshold},
	};
	struct vaccel_arg write[] = {
	    {.size = sizeof(double) * N, .buf = outdata},
	    {.size = sizeof(double), .buf = &min},
	    {.size = sizeof(double), .buf = &max},
	};
	int ret = run(sess, "minmax_generic", read, 5, write, 3);

	if (!ret)
		printf("minmax_generic: min %g max %g out %g %g %g %g\n", min, max, outdata[0],
		       outdata[1], outdata[2], outdata[3]);
	return ret;
}

static int array_copy_generic(struct vaccel_session *sess)
{
	vaccel_op_type_t op_type = VACCEL_OP_FPGA_ARRAYCOPY;
	int a[N] = {11, 22, 33, 44}, b[N] = {0};
	struct vaccel_arg read[] = {
	    {.size = sizeof(vaccel_op_type_t), .buf = &op_type},
	    {.size = sizeof(a), .buf = a},
	};
	struct vaccel_arg write[] = {{.size = sizeof(b), .buf = b}};
	int ret = run(sess, "array_copy_generic", read, 2, write, 1);

	if (!ret)
		printf("array_copy_generic: %d %d %d %d\n", b[0], b[1], b[2], b[3]);
	return ret;
}

static int vector_add_generic(struct vaccel_session *sess)
{
	vaccel_op_type_t op_type = VACCEL_OP_FPGA_VECTORADD;
	float a[N] = {1, 2, 3, 4}, b[N] = {4, 3, 2, 1}, c[N] = {0};
	struct vaccel_arg read[] = {
	    {.size = sizeof(vaccel_op_type_t), .buf = &op_type},
	    {.size = sizeof(a), .buf = a},
	    {.size = sizeof(b), .buf = b},
	};
	struct vaccel_arg write[] = {{.size = sizeof(c), .buf = c}};
	int ret = run(sess, "vector_add_generic", read, 3, write, 1);

	if (!ret)
		printf("vector_add_generic: %g %g %g %g\n", c[0], c[1], c[2], c[3]);
	return ret;
}

/* The 4-byte op type typed, with typed args: c (2 x 2) = a (2 x 1) x b (1 x 2). */
static int sgemm_generic(struct vaccel_session *sess)
{
	int32_t op_type = VACCEL_OP_BLAS_SGEMM;
	int64_t m = 2, n = 2, k = 1, lda = 1, ldb = 2, ldc = 2;
	float alpha = 1, beta = 0, a[2] = {1, 2}, b[2] = {3, 4}, c[4] = {5, 6, 7, 8};
	struct vaccel_arg read[] = {
	    {.size = sizeof(op_type), .buf = &op_type, .type = VACCEL_ARG_INT32},
	    {.size = sizeof(m), .buf = &m, .type = VACCEL_ARG_INT64},
	    {.size = sizeof(n), .buf = &n, .type = VACCEL_ARG_INT64},
	    {.size = sizeof(k), .buf = &k, .type = VACCEL_ARG_INT64},
	    {.size = sizeof(alpha), .buf = &alpha, .type = VACCEL_ARG_FLOAT32},
	    {.size = sizeof(a), .buf = a, .type = VACCEL_ARG_FLOAT32_ARRAY},
	    {.size = sizeof(lda), .buf = &lda, .type = VACCEL_ARG_INT64},
	    {.size = sizeof(b), .buf = b, .type = VACCEL_ARG_FLOAT32_ARRAY},
	    {.size = sizeof(ldb), .buf = &ldb, .type = VACCEL_ARG_INT64},
	    {.size = sizeof(beta), .buf = &beta, .type = VACCEL_ARG_FLOAT32},
	    {.size = sizeof(ldc), .buf = &ldc, .type = VACCEL_ARG_INT64},
	};
	struct vaccel_arg write[] = {
	    {.size = sizeof(c), .buf = c, .type = VACCEL_ARG_FLOAT32_ARRAY}};
	int ret = run(sess, "sgemm_generic", read, 11, write, 1);

	if (!ret)
		printf("sgemm_generic: c %g %g %g %g\n", c[0], c[1], c[2], c[3]);
	return ret;
}

int main(int argc, char **argv)
{
	int (*const ops[])(struct vaccel_session *) = {
	    noop_generic, minmax_generic, array_copy_generic, vector_add_generic, sgemm_generic};
	int iterations = argc > 1 ? atoi(argv[1]) : 1, ret;
	struct vaccel_session sess;

	ret = vaccel_session_init(&sess, 0);
	if (ret) {
		fprintf(stderr, "Could not initialize session: %d\n", ret);
		return ret;
	}
	printf("Initialized session with id: %" PRId64 "\n", sess.id);
	for (int i = 0; i < iterations && !ret; i++)
		for (size_t j = 0; j < sizeof(ops) / sizeof(ops[0]) && !ret; j++)
			ret = ops[j](&sess);
	if (vaccel_session_release(&sess))
		fprintf(stderr, "Could not release session\n");
	return ret;
}
