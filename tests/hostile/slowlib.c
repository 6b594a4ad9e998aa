/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A host library for the exec plugin, as an operator might allow it:
 *   hf_slow     sleeps read[0] (int32) milliseconds, writes 1 into write[0];
 *   hf_forever  never returns (an op that hangs);
 *   hf_counter  a data symbol: not a function, never to be called.
 * It links libc (and libvaccel) like any library: their functions (abort,
 * exit, pause, ...) are in its dependency tree but are not its own.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vaccel.h>

int hf_slow(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write);
int hf_forever(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write);
extern int hf_counter;

int hf_counter = 42;

int hf_slow(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	int32_t ms = 0, one = 1;
	struct timespec ts;

	if (nr_read < 1 || read[0].size != sizeof(ms))
		return 1;
	memcpy(&ms, read[0].buf, sizeof(ms));
	if (ms < 0 || ms > 10000)
		return 1;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	if (nr_write >= 1 && write[0].size >= sizeof(one))
		memcpy(write[0].buf, &one, sizeof(one));
	return 0;
}

int hf_forever(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	(void)read;
	(void)nr_read;
	(void)write;
	(void)nr_write;
	for (;;)
		pause();
	return 0;
}
