// SPDX-License-Identifier: Apache-2.0
/*
 * libmytestlib.so: functions for the exec examples and tests, with the exec plugin's ABI
 *   int fn(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write)
 * Every argument is validated before use; a bad call returns non-zero and writes nothing.
 */
#include "ex_mydata.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <vaccel.h>

#define MYTEST_EXPORT __attribute__((visibility("default")))
/* mytestfunc_sleep refuses to sleep longer than this. */
#define MYTEST_MAX_SLEEP_MS 600000

static int get_int32(const struct vaccel_arg *arg, int32_t *val)
{
	if (!arg->buf || arg->size != sizeof(*val) || arg->type != VACCEL_ARG_INT32)
		return -1;
	memcpy(val, arg->buf, sizeof(*val));
	return 0;
}

static int put_int32(struct vaccel_arg *arg, int32_t val)
{
	if (!arg->buf || arg->size != sizeof(val))
		return -1;
	memcpy(arg->buf, &val, sizeof(val));
	return 0;
}

/* Shared by mytestfunc and mytestfunc_sleep: read an int32, return twice its value. */
static int double_it(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		     size_t nr_write, int32_t *in)
{
	int64_t out;

	if (nr_read < 1 || nr_write < 1 || !read || !write || get_int32(&read[0], in)) {
		fprintf(stderr, "mytestlib: expected one INT32 input and one 4-byte output\n");
		return 1;
	}
	out = 2 * (int64_t)*in;
	if (out > INT32_MAX || out < INT32_MIN) {
		fprintf(stderr, "mytestlib: %d is out of range\n", *in);
		return 1;
	}
	if (put_int32(&write[0], (int32_t)out)) {
		fprintf(stderr, "mytestlib: expected one INT32 input and one 4-byte output\n");
		return 1;
	}
	return 0;
}

MYTEST_EXPORT int mytestfunc(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
			     size_t nr_write)
{
	int32_t in = 0;

	printf("I got nr_in: %zu, nr_out: %zu\n", nr_read, nr_write);
	if (double_it(read, nr_read, write, nr_write, &in))
		return 1;
	printf("I got input: %d\n", in);
	printf("Will return output: %d\n", 2 * in);
	return 0;
}

/* Sleeps read[0] (INT32, 0..600000) milliseconds, then behaves like mytestfunc. */
MYTEST_EXPORT int mytestfunc_sleep(struct vaccel_arg *read, size_t nr_read,
				   struct vaccel_arg *write, size_t nr_write)
{
	struct timespec ts;
	int32_t ms = 0;

	if (nr_read < 1 || !read || get_int32(&read[0], &ms) || ms < 0 ||
	    ms > MYTEST_MAX_SLEEP_MS) {
		fprintf(stderr, "mytestfunc_sleep: expected an INT32 of 0..%d ms\n",
			MYTEST_MAX_SLEEP_MS);
		return 1;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return mytestfunc(read, nr_read, write, nr_write);
}

/* Reverses a serialized mydata array (see ex_mydata.h) from read[0] into write[0]. */
MYTEST_EXPORT int mytestfunc_nonser(struct vaccel_arg *read, size_t nr_read,
				    struct vaccel_arg *write, size_t nr_write)
{
	uint32_t count, tmp[EX_MYDATA_MAX_COUNT];

	if (nr_read < 1 || nr_write < 1 || !read || !write || !read[0].buf || !write[0].buf ||
	    read[0].size < sizeof(count)) {
		fprintf(stderr, "mytestfunc_nonser: bad arguments\n");
		return 1;
	}
	memcpy(&count, read[0].buf, sizeof(count));
	if (count > EX_MYDATA_MAX_COUNT || read[0].size != ex_mydata_size(count) ||
	    write[0].size != read[0].size) {
		fprintf(stderr, "mytestfunc_nonser: size mismatch\n");
		return 1;
	}
	/* Through a copy, so read and write may share a buffer. */
	memcpy(tmp, (const uint8_t *)read[0].buf + sizeof(count), (size_t)count * sizeof(*tmp));
	memcpy(write[0].buf, &count, sizeof(count));
	for (uint32_t i = 0; i < count; i++)
		memcpy((uint8_t *)write[0].buf + (1 + (size_t)i) * sizeof(*tmp),
		       &tmp[count - 1 - i], sizeof(*tmp));
	return 0;
}
