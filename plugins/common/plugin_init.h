/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The init and fini of a real plugin whose C++ side starts with <prefix>_backend_init()
 * and stops with <prefix>_backend_fini(): init starts the backend and then registers the
 * plugin's ops table; fini stops the backend. For the plugin definition's C file.
 */
#ifndef PLUGIN_INIT_H
#define PLUGIN_INIT_H

#include <vaccel.h>
#include <vaccel_common.h>

#define PLUGIN_DEFINE_INIT_FINI(prefix, ops)                                                       \
	static int prefix##_init(void)                                                             \
	{                                                                                          \
		int ret = prefix##_backend_init();                                                 \
                                                                                                   \
		if (ret)                                                                           \
			return ret;                                                                \
		return vaccel_plugin_register_ops(ops, ARRAY_SIZE(ops));                           \
	}                                                                                          \
                                                                                                   \
	static int prefix##_fini(void)                                                             \
	{                                                                                          \
		prefix##_backend_fini();                                                           \
		return VACCEL_OK;                                                                  \
	}

#endif /* PLUGIN_INIT_H */
