/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer entry: queue start and pop on a sealed memory table, rings from the input. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_vq_start_input(data, size);
	return 0;
}
