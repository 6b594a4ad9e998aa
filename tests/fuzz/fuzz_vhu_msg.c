/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer entry: vhost-user message stream into the backend's handler. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_vhu_input(data, size);
	return 0;
}
