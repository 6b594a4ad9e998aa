// SPDX-License-Identifier: Apache-2.0
/*
 * bench-ops: vAccel operations through whatever plugin VACCEL_PLUGINS
 * selects (the local noop plugin, or libvaccel-virtio.so over the
 * transport), using only the public API.
 *
 *   bench-ops LABEL noop [ITERATIONS]
 *       latency of vaccel_noop();
 *   bench-ops LABEL arraycopy BYTES [ITERATIONS]
 *       vaccel_fpga_arraycopy() of BYTES (BYTES in, BYTES out), with the
 *       output checked once against the input.
 *
 * Prints one JSON line per measurement (see bench_stats.h), named
 * "LABEL_noop" or "LABEL_arraycopy_BYTES".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "bench_stats.h"

static int bench_noop(struct vaccel_session *sess, const char *label, unsigned iters)
{
	double *t = calloc(iters, sizeof(*t));
	char name[128];
	int ret;

	if (!t)
		return 1;
	/* Warm-up: connection set-up and first-touch costs are not measured. */
	for (unsigned i = 0; i < 100; i++) {
		ret = vaccel_noop(sess);
		if (ret) {
			fprintf(stderr, "bench-ops: vaccel_noop failed: %d\n", ret);
			free(t);
			return 1;
		}
	}
	for (unsigned i = 0; i < iters; i++) {
		double t0 = bench_now_us();

		ret = vaccel_noop(sess);
		t[i] = bench_now_us() - t0;
		if (ret) {
			fprintf(stderr, "bench-ops: vaccel_noop failed: %d\n", ret);
			free(t);
			return 1;
		}
	}
	snprintf(name, sizeof(name), "%s_noop", label);
	bench_report(name, t, iters);
	free(t);
	return 0;
}

static int bench_arraycopy(struct vaccel_session *sess, const char *label, size_t bytes,
			   unsigned iters)
{
	size_t n = bytes / sizeof(int);
	int *in = malloc(n * sizeof(int)), *out = malloc(n * sizeof(int));
	double *t = calloc(iters, sizeof(*t));
	char name[128];
	int ret = 1;

	if (!in || !out || !t || n == 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		in[i] = (int)(i * 2654435761u);
	memset(out, 0, n * sizeof(int));
	/* One checked warm-up run. */
	if (vaccel_fpga_arraycopy(sess, in, out, n) != 0 || memcmp(in, out, n * sizeof(int))) {
		fprintf(stderr, "bench-ops: arraycopy of %zu bytes failed or wrong\n", bytes);
		goto out;
	}
	for (unsigned i = 0; i < iters; i++) {
		double t0 = bench_now_us();

		if (vaccel_fpga_arraycopy(sess, in, out, n) != 0) {
			fprintf(stderr, "bench-ops: arraycopy failed\n");
			goto out;
		}
		t[i] = bench_now_us() - t0;
	}
	snprintf(name, sizeof(name), "%s_arraycopy_%zu", label, bytes);
	bench_report_bytes(name, t, iters, bytes);
	ret = 0;
out:
	free(in);
	free(out);
	free(t);
	return ret;
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	int ret;

	if (argc < 3) {
		fprintf(stderr,
			"usage: bench-ops LABEL noop [ITER] | LABEL arraycopy BYTES [ITER]\n");
		return 2;
	}
	ret = vaccel_session_init(&sess, 0);
	if (ret) {
		fprintf(stderr, "bench-ops: session init failed: %d\n", ret);
		return 1;
	}
	if (strcmp(argv[2], "noop") == 0) {
		unsigned iters = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 20000;

		ret = bench_noop(&sess, argv[1], iters ? iters : 20000);
	} else if (strcmp(argv[2], "arraycopy") == 0 && argc > 3) {
		unsigned iters = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 20;

		ret = bench_arraycopy(&sess, argv[1], strtoull(argv[3], NULL, 10),
				      iters ? iters : 20);
	} else {
		fprintf(stderr, "bench-ops: unknown benchmark %s\n", argv[2]);
		ret = 2;
	}
	vaccel_session_release(&sess);
	return ret;
}
