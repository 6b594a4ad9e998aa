/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Profiling regions (active only when VACCEL_PROFILING_ENABLED=1; otherwise every function
 * is a no-op returning VACCEL_OK). Times are nanoseconds of CLOCK_MONOTONIC_RAW.
 */
#ifndef VACCEL_PROF_H
#define VACCEL_PROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_prof_sample {
	uint64_t start; /* start timestamp (ns) */
	uint64_t time;	/* duration (ns) */
};

struct vaccel_prof_region {
	const char *name;		    /* region name */
	bool name_owned;		    /* `name` was allocated by vAccel */
	size_t nr_entries;		    /* samples taken */
	struct vaccel_prof_sample *samples; /* sample storage */
	size_t size;			    /* sample capacity */
};

#define VACCEL_PROF_REGION_INIT(name)                                                              \
	{                                                                                          \
		(name), false, 0, NULL, 0                                                          \
	}

bool vaccel_prof_enabled(void);
/* Open a new sample. */
int vaccel_prof_region_start(struct vaccel_prof_region *region);
/* Close the last sample (ENOENT if none). */
int vaccel_prof_region_stop(const struct vaccel_prof_region *region);
/* Log `[prof] <name>: total_time: <ns> nsec nr_entries: <n>` at info level. */
int vaccel_prof_region_print(const struct vaccel_prof_region *region);
/* Initialize with a copy of `name`. */
int vaccel_prof_region_init(struct vaccel_prof_region *region, const char *name);
int vaccel_prof_region_release(struct vaccel_prof_region *region);

int vaccel_prof_regions_start_by_name(struct vaccel_prof_region *regions, int nr_regions,
				      const char *name);
int vaccel_prof_regions_stop_by_name(struct vaccel_prof_region *regions, int nr_regions,
				     const char *name);
/* Reset the samples of every region; names are kept. */
int vaccel_prof_regions_init(struct vaccel_prof_region *regions, int nr_regions);
int vaccel_prof_regions_release(struct vaccel_prof_region *regions, int nr_regions);
int vaccel_prof_regions_print_all(struct vaccel_prof_region *regions, int nr_regions);
/*
 * Print the regions' lines (newline-separated) into a malloc'd `*buf` of `len` bytes
 * (caller frees). With `buf == NULL` returns the bytes needed, including the final NUL;
 * otherwise the bytes written, excluding it. Negative vAccel error on failure.
 */
int vaccel_prof_regions_print_all_to_buf(char **buf, size_t len, struct vaccel_prof_region *regions,
					 int nr_regions);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_PROF_H */
