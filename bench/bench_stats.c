// SPDX-License-Identifier: Apache-2.0
#include "bench_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static double percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.5);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static double summarize(double *s, size_t n, double *p50, double *p99, double *min)
{
	double sum = 0;

	qsort(s, n, sizeof(*s), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	*p50 = percentile(s, n, 50);
	*p99 = percentile(s, n, 99);
	*min = s[0];
	return sum / (double)n;
}

void bench_report(const char *name, double *s, size_t n)
{
	double p50, p99, min, mean = summarize(s, n, &p50, &p99, &min);

	printf("{\"name\":\"%s\",\"iterations\":%zu,\"p50_us\":%.3f,\"p99_us\":%.3f,"
	       "\"mean_us\":%.3f,\"min_us\":%.3f}\n",
	       name, n, p50, p99, mean, min);
	fflush(stdout);
}

void bench_report_bytes(const char *name, double *s, size_t n, size_t bytes)
{
	double p50, p99, min, mean = summarize(s, n, &p50, &p99, &min);
	double gib_s = (double)bytes / (p50 / 1e6) / (1024.0 * 1024.0 * 1024.0);

	printf("{\"name\":\"%s\",\"iterations\":%zu,\"bytes\":%zu,\"p50_us\":%.3f,"
	       "\"p99_us\":%.3f,\"mean_us\":%.3f,\"min_us\":%.3f,\"gib_per_s\":%.3f}\n",
	       name, n, bytes, p50, p99, mean, min, gib_s);
	fflush(stdout);
}
