// SPDX-License-Identifier: Apache-2.0
/*
 * bench-real: real operations through whatever plugin VACCEL_PLUGINS selects (a real plugin
 * in this process, or libvaccel-virtio.so over the transport, in a guest too), using only
 * the public API. Each result is checked once against its reference (tests/real/
 * real_check.c): a fast wrong answer is no figure.
 *
 *   bench-real LABEL sgemm N ITERATIONS
 *       vaccel_sgemm() of N x N matrices (C = 1.5 A B - 0.5 C), session hint CPU;
 *   bench-real LABEL classify MODEL LABELS IMAGE EXPECTED ITERATIONS
 *       vaccel_image_classification() of IMAGE with the MODEL resource, hint TORCH.
 *
 * Prints one JSON line (bench_stats.h) named "LABEL_sgemm_N" or "LABEL_classify". LABEL
 * "pair" measures local and transport calls alternately (see open_sessions) and prints
 * "local_*", "socket_*" and "pair_*" (medians of the per-call ratio and difference).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "bench_stats.h"
#include "real_check.h"

/*
 * Sessions to measure: "pair" runs the op through the local plugin and through the transport
 * alternately in one process (VACCEL_PLUGINS=<plugin>:libvaccel-virtio.so; the REMOTE hint
 * picks the transport), so both see the same machine at the same moment; any other label
 * runs one session, REMOTE added when only the transport plugin is loaded (a guest).
 */
struct bench_sessions {
	int n;
	struct vaccel_session s[2]; /* pair: [0] local, [1] transport */
};

static int open_sessions(struct bench_sessions *b, const char *label, uint32_t hint)
{
	int ret;

	b->n = strcmp(label, "pair") ? 1 : 2;
	ret = vaccel_session_init(&b->s[0], hint);
	if (b->n == 1 && ret == VACCEL_ENOTSUP)
		ret = vaccel_session_init(&b->s[0], hint | VACCEL_PLUGIN_REMOTE);
	if (!ret && b->n == 2) {
		ret = vaccel_session_init(&b->s[1], hint | VACCEL_PLUGIN_REMOTE);
		if (!ret && (b->s[0].is_virtio || !b->s[1].is_virtio)) {
			fprintf(stderr,
				"bench-real: pair needs the plugin first, then the transport\n");
			ret = VACCEL_EINVAL;
		}
	}
	if (ret)
		fprintf(stderr, "bench-real: no session for type 0x%x: %d\n", hint, ret);
	return ret;
}

static void close_sessions(struct bench_sessions *b)
{
	for (int i = 0; i < b->n; i++)
		vaccel_session_release(&b->s[i]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The pair's figures: medians of the per-iteration ratio and difference (transport - local). */
static void report_pair(const char *name, const double *loc, const double *rem, unsigned n)
{
	double *r = malloc(n * sizeof(*r)), *d = malloc(n * sizeof(*d));

	if (!r || !d)
		goto out;
	for (unsigned i = 0; i < n; i++) {
		r[i] = rem[i] / loc[i];
		d[i] = rem[i] - loc[i];
	}
	qsort(r, n, sizeof(*r), cmp_double);
	qsort(d, n, sizeof(*d), cmp_double);
	printf("{\"name\":\"%s\",\"iterations\":%u,\"ratio_p50\":%.4f,\"overhead_p50_us\":%.3f}\n",
	       name, n, r[n / 2], d[n / 2]);
out:
	free(r);
	free(d);
}

/* Warm-up calls (connection, first touch, model load), then `iters` timed ones per session. */
typedef int (*bench_call)(struct vaccel_session *s, void *ctx);

static int measure(const char *label, const char *what, struct bench_sessions *b, bench_call call,
		   void *ctx, unsigned iters)
{
	double *t[2] = {calloc(iters, sizeof(double)), calloc(iters, sizeof(double))};
	unsigned warm = iters < 10 ? 1 : 10;
	char name[96];
	int ret = 1;

	if (!t[0] || !t[1])
		goto out;
	for (unsigned i = 0; i < warm; i++)
		for (int k = 0; k < b->n; k++)
			if (call(&b->s[k], ctx))
				goto out;
	for (unsigned i = 0; i < iters; i++) {
		for (int j = 0; j < b->n; j++) {
			/* Alternate which goes first, so neither always follows the other. */
			int k = (int)(i + (unsigned)j) % b->n;
			double t0 = bench_now_us();

			if (call(&b->s[k], ctx))
				goto out;
			t[k][i] = bench_now_us() - t0;
		}
	}
	if (b->n == 2) {
		snprintf(name, sizeof(name), "pair_%s", what);
		report_pair(name, t[0], t[1], iters);
		snprintf(name, sizeof(name), "local_%s", what);
		bench_report(name, t[0], iters);
		snprintf(name, sizeof(name), "socket_%s", what);
		bench_report(name, t[1], iters);
	} else {
		snprintf(name, sizeof(name), "%s_%s", label, what);
		bench_report(name, t[0], iters);
	}
	fflush(stdout);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "bench-real: %s failed\n", what);
	free(t[0]);
	free(t[1]);
	return ret;
}

struct sgemm_ctx {
	long n;
	float *a, *b, *c, *c0;
};

static int sgemm_call(struct vaccel_session *s, void *p)
{
	struct sgemm_ctx *x = p;

	memcpy(x->c, x->c0, (size_t)(x->n * x->n) * sizeof(float));
	return vaccel_sgemm(s, x->n, x->n, x->n, 1.5f, x->a, x->n, x->b, x->n, -0.5f, x->c, x->n);
}

static int bench_sgemm(const char *label, long n, unsigned iters)
{
	struct sgemm_ctx x = {.n = n};
	struct bench_sessions b;
	size_t len = (size_t)(n * n);
	char what[32], why[RC_WHY_LEN] = "";
	struct rc_rng r;
	int ret = 1;

	x.a = malloc(len * sizeof(float));
	x.b = malloc(len * sizeof(float));
	x.c = malloc(len * sizeof(float));
	x.c0 = malloc(len * sizeof(float));
	if (!x.a || !x.b || !x.c || !x.c0 || open_sessions(&b, label, VACCEL_PLUGIN_CPU))
		goto out;
	rc_rng_seed(&r, (uint64_t)n);
	rc_rng_fill(&r, x.a, len, -1, 1);
	rc_rng_fill(&r, x.b, len, -1, 1);
	rc_rng_fill(&r, x.c0, len, -1, 1);
	snprintf(what, sizeof(what), "sgemm_%ld", n);
	ret = measure(label, what, &b, sgemm_call, &x, iters);
	/* The last call's result (either session's: both must match the reference). */
	if (!ret &&
	    !rc_sgemm_check(n, n, n, 1.5f, x.a, n, x.b, n, -0.5f, x.c0, x.c, n, NULL, why)) {
		fprintf(stderr, "bench-real: %s: wrong result: %s\n", what, why);
		ret = 1;
	}
	close_sessions(&b);
out:
	free(x.a);
	free(x.b);
	free(x.c);
	free(x.c0);
	return ret;
}

struct classify_ctx {
	void *img;
	size_t len;
	char text[256];
};

static int classify_call(struct vaccel_session *s, void *p)
{
	struct classify_ctx *x = p;
	unsigned char name[16];

	return vaccel_image_classification(s, x->img, (unsigned char *)x->text, name, x->len,
					   sizeof(x->text), sizeof(name));
}

static int bench_classify(const char *label, char **argv, unsigned iters)
{
	const char *paths[] = {argv[0], argv[1]};
	struct classify_ctx x = {0};
	struct bench_sessions b;
	struct vaccel_resource model[2];
	char got[64];
	double score;
	int ret = 1, nr = 0;

	x.img = rc_read_file(argv[2], &x.len);
	if (!x.img || open_sessions(&b, label, VACCEL_PLUGIN_TORCH)) {
		free(x.img);
		return 1;
	}
	/* One resource per session: a plugin keeps its model cache in the resource. */
	for (nr = 0; nr < b.n; nr++) {
		if (vaccel_resource_init_multi(&model[nr], paths, 2, VACCEL_RESOURCE_MODEL))
			goto out_model;
		if (vaccel_resource_register(&model[nr], &b.s[nr])) {
			fprintf(stderr, "bench-real: cannot register the model %s\n", argv[0]);
			nr++;
			goto out_model;
		}
	}
	ret = measure(label, "classify", &b, classify_call, &x, iters);
	if (!ret &&
	    (!rc_parse_classification(x.text, got, sizeof(got), &score) || strcmp(got, argv[3]))) {
		fprintf(stderr, "bench-real: classify: wrong result \"%s\"\n", x.text);
		ret = 1;
	}
out_model:
	/* Release unregisters it from its session. */
	for (int i = 0; i < nr; i++)
		vaccel_resource_release(&model[i]);
	close_sessions(&b);
	free(x.img);
	return ret;
}

int main(int argc, char **argv)
{
	long n = argc == 5 ? strtol(argv[3], NULL, 10) : 0;
	unsigned long iters = strtoul(argv[argc - 1], NULL, 10);

	if (iters >= 1 && iters <= 1000000) {
		if (argc == 5 && !strcmp(argv[2], "sgemm") && n >= 1 && n <= 8192)
			return bench_sgemm(argv[1], n, (unsigned)iters);
		if (argc == 8 && !strcmp(argv[2], "classify"))
			return bench_classify(argv[1], argv + 3, (unsigned)iters);
	}
	fprintf(stderr,
		"usage: bench-real LABEL sgemm N ITERATIONS\n"
		"       bench-real LABEL classify MODEL LABELS IMAGE EXPECTED ITERATIONS\n");
	return 2;
}
