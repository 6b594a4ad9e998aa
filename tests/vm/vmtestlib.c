// SPDX-License-Identifier: Apache-2.0
/*
 * libvmtest.so: host functions for the VM tests, with the exec plugin's ABI.
 * vmtest_xor writes read[0] XOR 0xa5 into write[0] (same size), so the guest can
 * check a large argument's content after the round trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <vaccel.h>

#define VMTEST_EXPORT __attribute__((visibility("default")))

VMTEST_EXPORT int vmtest_xor(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
			     size_t nr_write)
{
	const uint8_t *in;
	uint8_t *out;

	if (nr_read < 1 || nr_write < 1 || !read || !write || !read[0].buf || !write[0].buf ||
	    read[0].size != write[0].size)
		return 1;
	in = read[0].buf;
	out = write[0].buf;
	for (size_t i = 0; i < read[0].size; i++)
		out[i] = in[i] ^ 0xa5;
	return 0;
}
