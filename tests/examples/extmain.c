// SPDX-License-Identifier: Apache-2.0
/*
 * Main library for the multi-blob exec_with_resource test. It is NOT linked against
 * libextdep.so: extdep_factor() must come from the dependency blob, which the exec plugin
 * loads first with RTLD_GLOBAL.
 */
#include <stdint.h>
#include <string.h>
#include <vaccel.h>

int extdep_factor(void);

__attribute__((visibility("default"))) int extmain_triple(struct vaccel_arg *read, size_t nr_read,
							  struct vaccel_arg *write, size_t nr_write)
{
	int32_t in, out;

	if (nr_read < 1 || nr_write < 1 || !read[0].buf || read[0].size != sizeof(in) ||
	    !write[0].buf || write[0].size != sizeof(out))
		return 1;
	memcpy(&in, read[0].buf, sizeof(in));
	out = in * extdep_factor();
	memcpy(write[0].buf, &out, sizeof(out));
	return 0;
}
