/* SPDX-License-Identifier: Apache-2.0 */
/* Timing and percentile reporting shared by the benchmark programs. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>

/* Monotonic time in microseconds. */
double bench_now_us(void);

/* Sort samples (µs) and print {"name","iterations","p50_us","p99_us","mean_us","min_us"}. */
void bench_report(const char *name, double *samples_us, size_t n);

/* As bench_report, plus "bytes" and "gib_per_s" (at the median). */
void bench_report_bytes(const char *name, double *samples_us, size_t n, size_t bytes);

#endif
