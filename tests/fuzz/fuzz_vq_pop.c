/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer entry: vq_dev_pop on a fuzzed ring and guest memory. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_vq_input(data, size);
	return 0;
}
