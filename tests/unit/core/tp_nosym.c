/* SPDX-License-Identifier: Apache-2.0 */
/* A shared object that is not a vAccel plugin: it has no `vaccel_plugin` symbol. */
int tp_not_a_plugin(void);

int tp_not_a_plugin(void)
{
	return 42;
}
