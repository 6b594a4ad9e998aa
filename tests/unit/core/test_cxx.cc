// SPDX-License-Identifier: Apache-2.0
// C++ programs can include <vaccel.h> (upstream's own tests are C++).
#include <vaccel.h>

int main()
{
	struct vaccel_arg_array a;
	int32_t v = 3, out = 0;

	if (vaccel_arg_array_init(&a, 0) != VACCEL_OK)
		return 1;
	if (vaccel_arg_array_add_int32(&a, &v) != VACCEL_OK)
		return 2;
	if (vaccel_arg_array_get_int32(&a, &out) != VACCEL_OK || out != 3)
		return 3;
	vaccel_arg_array_release(&a);
	if (vaccel_op_type_to_str(VACCEL_OP_NOOP)[10] != 'N')
		return 4;
	return vaccel_is_initialized() ? 5 : 0; // bootstrap disabled by the test env
}
