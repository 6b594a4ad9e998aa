/* SPDX-License-Identifier: Apache-2.0 */
/* Profiling regions: timed samples, printed as `[prof] <name>: total_time: ...`. */
#include "rt.h"
#include "vaccel/prof.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLES_INITIAL 1024
#define NAME_PLACEHOLDER_SIZE 256

bool vaccel_prof_enabled(void)
{
	return rt_config()->profiling_enabled;
}

int vaccel_prof_region_start(struct vaccel_prof_region *region)
{
	if (!vaccel_prof_enabled())
		return VACCEL_OK;
	if (!region)
		return VACCEL_EINVAL;
	if (region->nr_entries == region->size) {
		size_t cap = region->size ? region->size * 2 : SAMPLES_INITIAL;
		struct vaccel_prof_sample *s;

		if (cap > SIZE_MAX / sizeof(*s))
			return VACCEL_ENOMEM;
		s = realloc(region->samples, cap * sizeof(*s));
		if (!s)
			return VACCEL_ENOMEM;
		region->samples = s;
		region->size = cap;
	}
	region->samples[region->nr_entries].start = rt_now_ns();
	region->samples[region->nr_entries].time = 0;
	region->nr_entries++;
	return VACCEL_OK;
}

int vaccel_prof_region_stop(const struct vaccel_prof_region *region)
{
	struct vaccel_prof_sample *s;

	if (!vaccel_prof_enabled())
		return VACCEL_OK;
	if (!region)
		return VACCEL_EINVAL;
	if (!region->nr_entries || !region->samples)
		return VACCEL_ENOENT;
	s = &region->samples[region->nr_entries - 1];
	s->time = rt_now_ns() - s->start;
	return VACCEL_OK;
}

static uint64_t total_time(const struct vaccel_prof_region *region)
{
	uint64_t t = 0;

	for (size_t i = 0; i < region->nr_entries; i++)
		t += region->samples[i].time;
	return t;
}

static int format_line(char *buf, size_t size, const struct vaccel_prof_region *region)
{
	return snprintf(buf, size, "[prof] %s: total_time: %llu nsec nr_entries: %zu",
			region->name ? region->name : "(null)",
			(unsigned long long)total_time(region), region->nr_entries);
}

int vaccel_prof_region_print(const struct vaccel_prof_region *region)
{
	if (!vaccel_prof_enabled())
		return VACCEL_OK;
	if (!region)
		return VACCEL_EINVAL;
	if (region->nr_entries > 0)
		vaccel_info("[prof] %s: total_time: %llu nsec nr_entries: %zu",
			    region->name ? region->name : "(null)",
			    (unsigned long long)total_time(region), region->nr_entries);
	return VACCEL_OK;
}

int vaccel_prof_region_init(struct vaccel_prof_region *region, const char *name)
{
	char *n;

	if (!vaccel_prof_enabled())
		return VACCEL_OK;
	if (!region)
		return VACCEL_EINVAL;
	n = name ? strdup(name) : calloc(1, NAME_PLACEHOLDER_SIZE);
	if (!n)
		return VACCEL_ENOMEM;
	region->name = n;
	region->name_owned = true;
	region->nr_entries = 0;
	region->samples = NULL;
	region->size = 0;
	return VACCEL_OK;
}

int vaccel_prof_region_release(struct vaccel_prof_region *region)
{
	if (!vaccel_prof_enabled())
		return VACCEL_OK;
	if (!region)
		return VACCEL_EINVAL;
	if (region->name_owned)
		free((char *)region->name);
	free(region->samples);
	memset(region, 0, sizeof(*region));
	return VACCEL_OK;
}

/*
 * Whether a regions_* call has work to do: not when profiling is off (every call is a
 * no-op then, *ret = VACCEL_OK), nor for a bad array (*ret = VACCEL_EINVAL).
 */
static bool regions_usable(const struct vaccel_prof_region *regions, int nr_regions, int *ret)
{
	*ret = VACCEL_OK;
	if (!vaccel_prof_enabled())
		return false;
	if (!regions || nr_regions <= 0) {
		*ret = VACCEL_EINVAL;
		return false;
	}
	return true;
}

/*
 * The region a *_by_name call works on, or false with *ret its result: VACCEL_OK when
 * profiling is off, VACCEL_EINVAL for bad arguments, VACCEL_ENOENT for an unknown name.
 */
static bool region_named(struct vaccel_prof_region *regions, int nr_regions, const char *name,
			 struct vaccel_prof_region **region, int *ret)
{
	if (!regions_usable(regions, nr_regions, ret))
		return false;
	if (!name) {
		*ret = VACCEL_EINVAL;
		return false;
	}
	for (int i = 0; i < nr_regions; i++) {
		if (regions[i].name && strcmp(regions[i].name, name) == 0) {
			*region = &regions[i];
			return true;
		}
	}
	*ret = VACCEL_ENOENT;
	return false;
}

int vaccel_prof_regions_start_by_name(struct vaccel_prof_region *regions, int nr_regions,
				      const char *name)
{
	struct vaccel_prof_region *r;
	int ret;

	if (!region_named(regions, nr_regions, name, &r, &ret))
		return ret;
	return vaccel_prof_region_start(r);
}

int vaccel_prof_regions_stop_by_name(struct vaccel_prof_region *regions, int nr_regions,
				     const char *name)
{
	struct vaccel_prof_region *r;
	int ret;

	if (!region_named(regions, nr_regions, name, &r, &ret))
		return ret;
	return vaccel_prof_region_stop(r);
}

/* Names (e.g. from VACCEL_PROF_REGION_INIT) are kept; only the samples reset. */
static int reset_samples(struct vaccel_prof_region *region)
{
	region->nr_entries = 0;
	region->samples = NULL;
	region->size = 0;
	return VACCEL_OK;
}

static int print_region(struct vaccel_prof_region *region)
{
	return vaccel_prof_region_print(region);
}

/* The regions_* calls that apply one region call to each region (its result ignored). */
static int each_region(struct vaccel_prof_region *regions, int nr_regions,
		       int (*fn)(struct vaccel_prof_region *region))
{
	int ret;

	if (!regions_usable(regions, nr_regions, &ret))
		return ret;
	for (int i = 0; i < nr_regions; i++)
		fn(&regions[i]);
	return VACCEL_OK;
}

int vaccel_prof_regions_init(struct vaccel_prof_region *regions, int nr_regions)
{
	return each_region(regions, nr_regions, reset_samples);
}

int vaccel_prof_regions_release(struct vaccel_prof_region *regions, int nr_regions)
{
	return each_region(regions, nr_regions, vaccel_prof_region_release);
}

int vaccel_prof_regions_print_all(struct vaccel_prof_region *regions, int nr_regions)
{
	return each_region(regions, nr_regions, print_region);
}

int vaccel_prof_regions_print_all_to_buf(char **buf, size_t len, struct vaccel_prof_region *regions,
					 int nr_regions)
{
	size_t need = 1, used = 0;
	char *out;
	int ret;

	if (!regions_usable(regions, nr_regions, &ret))
		return -ret;
	for (int i = 0; i < nr_regions; i++) {
		if (regions[i].nr_entries > 0)
			need += (size_t)format_line(NULL, 0, &regions[i]) + 1;
	}
	if (need > INT32_MAX)
		return -VACCEL_ERANGE;
	if (!buf)
		return (int)need;
	if (!len)
		return -VACCEL_EINVAL;
	out = malloc(len);
	if (!out)
		return -VACCEL_ENOMEM;
	out[0] = '\0';
	for (int i = 0; i < nr_regions && used + 1 < len; i++) {
		int n;

		if (!regions[i].nr_entries)
			continue;
		n = format_line(out + used, len - used, &regions[i]);
		if (n < 0)
			break;
		used += (size_t)n < len - used ? (size_t)n : len - used - 1;
		if (used + 1 < len) {
			out[used++] = '\n';
			out[used] = '\0';
		}
	}
	*buf = out;
	return (int)used;
}
