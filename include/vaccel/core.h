/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runtime lifecycle. The library bootstraps itself when loaded (unless
 * VACCEL_BOOTSTRAP_ENABLED=0) and cleans up at unload (unless VACCEL_CLEANUP_ENABLED=0).
 * A failed automatic bootstrap never ends the process: it is logged, remembered, and
 * returned by the API calls that need the runtime.
 */
#ifndef VACCEL_CORE_H
#define VACCEL_CORE_H

#include "config.h"
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* (Re)read the configuration from the environment and (re)initialize the runtime. */
int vaccel_bootstrap(void);
/* Same with a copy of `config` (NULL -> EINVAL). */
int vaccel_bootstrap_with_config(struct vaccel_config *config);
/* Release every session, resource and plugin. OK if not initialized. */
int vaccel_cleanup(void);

bool vaccel_is_initialized(void);
/* Top-level run directory of this process, or NULL if not initialized. */
const char *vaccel_rundir(void);
/* The live configuration. */
const struct vaccel_config *vaccel_config(void);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_CORE_H */
