// SPDX-License-Identifier: Apache-2.0
/* Dependency library for the multi-blob exec_with_resource test (see extmain.c). */
__attribute__((visibility("default"))) int extdep_factor(void)
{
	return 3;
}
