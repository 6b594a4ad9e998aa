/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging. Lines look like `YYYY.MM.DD-hh:mm:ss.CC - <level> message` (local time,
 * hundredths of a second) and go to stderr, or are appended to VACCEL_LOG_FILE.
 * Only levels up to the configured one (VACCEL_LOG_LEVEL, default ERROR) are written.
 * Each call writes exactly one whole line, also when several threads log at once.
 */
#ifndef VACCEL_LOG_H
#define VACCEL_LOG_H

#include "utils/enum.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VACCEL_LOG_LEVEL_ENUM_LIST(VACCEL_ENUM_ITEM)                                               \
	VACCEL_ENUM_ITEM(ERROR, 1, VACCEL_LOG)                                                     \
	VACCEL_ENUM_ITEM(WARN, VACCEL_LOG)                                                         \
	VACCEL_ENUM_ITEM(INFO, VACCEL_LOG)                                                         \
	VACCEL_ENUM_ITEM(DEBUG, VACCEL_LOG)

/* vaccel_log_level_t: ERROR=1, WARN=2, INFO=3, DEBUG=4, MAX=5 */
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_log_level, VACCEL_LOG, VACCEL_LOG_LEVEL_ENUM_LIST)

/* Start/stop the logger. Both return VACCEL_OK; the runtime calls them itself. */
int vaccel_log_init(void);
int vaccel_log_shutdown(void);

/* Write one formatted line at `level` (printf format; a trailing newline is added). */
void vaccel_log_print(vaccel_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Same, prefixed with `[file:line] `. */
void vaccel_log_print_loc(vaccel_log_level_t level, const char *file, int line, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));

/* True if a message at `level` would be written. */
int vaccel_log_enabled(vaccel_log_level_t level);

#define vaccel_error(...) vaccel_log_print(VACCEL_LOG_ERROR, __VA_ARGS__)
#define vaccel_warn(...) vaccel_log_print(VACCEL_LOG_WARN, __VA_ARGS__)
#define vaccel_info(...) vaccel_log_print(VACCEL_LOG_INFO, __VA_ARGS__)
#define vaccel_debug(...) vaccel_log_print(VACCEL_LOG_DEBUG, __VA_ARGS__)
/* trace: debug level with the source location; fatal: error level with the location. */
#define vaccel_trace(...) vaccel_log_print_loc(VACCEL_LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define vaccel_fatal(...) vaccel_log_print_loc(VACCEL_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_LOG_H */
