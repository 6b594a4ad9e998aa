/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runtime configuration. The runtime reads it from the environment at bootstrap:
 *   VACCEL_PLUGINS            ':'-separated plugin sonames/paths (old name VACCEL_BACKENDS)
 *   VACCEL_LOG_LEVEL          1=error 2=warn 3=info 4=debug (old name VACCEL_DEBUG_LEVEL)
 *   VACCEL_LOG_FILE           log destination (absolute, or relative to the cwd)
 *   VACCEL_PROFILING_ENABLED  0/1 (also false/true)
 *   VACCEL_VERSION_IGNORE     0/1 (also false/true; old name VACCEL_IGNORE_VERSION)
 * An invalid value gives a warning and the default.
 */
#ifndef VACCEL_CONFIG_H
#define VACCEL_CONFIG_H

#include "log.h"
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_config {
	char *plugins;		      /* ':'-separated plugin list, or NULL */
	vaccel_log_level_t log_level; /* highest level written */
	char *log_file;		      /* log destination, or NULL for stderr */
	bool profiling_enabled;	      /* enable vaccel_prof_* regions */
	bool version_ignore;	      /* skip the plugin version check */
};

/* Fill `config` (strings are copied; NULL allowed). Bad level or NULL config -> EINVAL. */
int vaccel_config_init(struct vaccel_config *config, const char *plugins,
		       vaccel_log_level_t log_level, const char *log_file, bool profiling_enabled,
		       bool version_ignore);
/* Fill `config` from the environment (invalid values warn and keep the default). */
int vaccel_config_init_from_env(struct vaccel_config *config);
/* Deep-copy `src` into `config`. */
int vaccel_config_init_from(struct vaccel_config *config, struct vaccel_config *src);
/* Free the strings and reset to the defaults. */
int vaccel_config_release(struct vaccel_config *config);

int vaccel_config_new(struct vaccel_config **config, const char *plugins,
		      vaccel_log_level_t log_level, const char *log_file, bool profiling_enabled,
		      bool version_ignore);
int vaccel_config_from_env(struct vaccel_config **config);
int vaccel_config_from(struct vaccel_config **config, struct vaccel_config *src);
int vaccel_config_delete(struct vaccel_config *config);

/* Log the configuration at debug level. */
void vaccel_config_print_debug(struct vaccel_config *config);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_CONFIG_H */
