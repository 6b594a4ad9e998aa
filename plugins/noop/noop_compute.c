// SPDX-License-Identifier: Apache-2.0
/* noop BLAS, FPGA, minmax and OpenCV operations: fixed, easily checked results. */
#include "noop.h"
#include <inttypes.h>
#include <string.h>

int noop_sgemm(struct vaccel_session *sess, int64_t m, int64_t n, int64_t k, float alpha, float *a,
	       int64_t lda, float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
	if (!sess)
		return VACCEL_EINVAL;

	/* c is left untouched, like upstream's noop. */
	noop_debug("Calling sgemm for session %" PRId64, sess->id);
	noop_debug("Dumping arguments for sgemm:");
	noop_debug("m: %" PRId64 " n: %" PRId64 " k: %" PRId64, m, n, k);
	noop_debug("alpha: %f beta: %f", (double)alpha, (double)beta);
	noop_debug("lda: %" PRId64 " ldb: %" PRId64 " ldc: %" PRId64, lda, ldb, ldc);
	noop_debug("a: %p b: %p c: %p", (void *)a, (void *)b, (void *)c);
	return VACCEL_OK;
}

int noop_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a)
{
	if (!sess || (len_a && (!a || !out_a)))
		return VACCEL_EINVAL;

	noop_debug("Calling fpga_arraycopy for session %" PRId64, sess->id);
	noop_debug("len_a: %zu", len_a);
	if (len_a)
		memmove(out_a, a, len_a * sizeof(*a));
	return VACCEL_OK;
}

int noop_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a)
{
	if (!sess || (len_a && (!a || !b || !c)))
		return VACCEL_EINVAL;

	noop_debug("Calling fpga_mmult for session %" PRId64, sess->id);
	noop_debug("len_a: %zu", len_a);
	for (size_t i = 0; i < len_a; i++)
		c[i] = 9.1f;
	return VACCEL_OK;
}

int noop_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
		       float mult_output[], size_t len_a)
{
	if (!sess || (len_a && (!a || !b || !add_output || !mult_output)))
		return VACCEL_EINVAL;

	noop_debug("Calling fpga_parallel for session %" PRId64, sess->id);
	noop_debug("len_a: %zu", len_a);
	for (size_t i = 0; i < len_a; i++) {
		add_output[i] = a[i] + b[i];
		mult_output[i] = 1.0f;
	}
	return VACCEL_OK;
}

int noop_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
		   size_t len_b)
{
	if (!sess || (len_a && (!a || !c)) || (len_b && !b))
		return VACCEL_EINVAL;

	noop_debug("Calling fpga_vadd for session %" PRId64, sess->id);
	noop_debug("len_a: %zu len_b: %zu", len_a, len_b);
	/* c holds len_a floats; b is only read within its own length. */
	for (size_t i = 0; i < len_a; i++)
		c[i] = a[i] + (i < len_b ? b[i] : 0.0f);
	return VACCEL_OK;
}

int noop_minmax(struct vaccel_session *sess, const double *indata, int ndata, int low_threshold,
		int high_threshold, double *outdata, double *min, double *max)
{
	if (!sess || ndata < 0 || (ndata && (!indata || !outdata)) || !min || !max)
		return VACCEL_EINVAL;

	noop_debug("Calling minmax for session %" PRId64, sess->id);
	noop_debug("Dumping arguments for minmax:");
	noop_debug("ndata: %d low_threshold: %d high_threshold: %d", ndata, low_threshold,
		   high_threshold);
	if (ndata)
		memmove(outdata, indata, (size_t)ndata * sizeof(*indata));
	*min = -1.0;
	*max = 10000.0;
	return VACCEL_OK;
}

int noop_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		struct vaccel_arg *write, int nr_write)
{
	if (!sess || nr_read < 1 || !read || !read[0].buf || read[0].size < 1 || nr_write < 0 ||
	    (nr_write && !write))
		return VACCEL_EINVAL;

	noop_debug("Calling opencv for session %" PRId64, sess->id);
	noop_debug("[OpenCV] function: %u", (unsigned int)*(const uint8_t *)read[0].buf);
	noop_debug("nr_read: %d nr_write: %d", nr_read, nr_write);
	/* Each output gets its own float count, stored only where a size_t fits. */
	for (int i = 0; i < nr_write; i++) {
		size_t count = write[i].size / sizeof(float);

		if (write[i].buf && write[i].size >= sizeof(count))
			memcpy(write[i].buf, &count, sizeof(count));
	}
	return VACCEL_OK;
}
