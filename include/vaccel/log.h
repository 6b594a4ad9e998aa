/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging. Lines look like `YYYY.MM.DD-hh:mm:ss.CC - <level> message` (local time,
 * hundredths of a second) and go to stderr, or are appended to VACCEL_LOG_FILE.
 * Only levels up to the configured one (VACCEL_LOG_LEVEL, default ERROR) are written.
 * Each call writes exactly one whole line, also when several threads log at once.
 *
 * Binary compatibility: the macros below expand to slog_print(), the one log entry
 * point upstream vAccel's libvaccel.so.0 exports (its logger is the slog library).
 * A plugin or program built against these headers therefore runs on upstream's
 * runtime, and one built against upstream's headers runs on ours, where slog_print
 * writes into this logger (format and destination as described above).
 */
#ifndef VACCEL_LOG_H
#define VACCEL_LOG_H

#include "utils/enum.h"
#include <stdint.h>

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

/*
 * The three functions below are this runtime's own (upstream's libvaccel.so.0 does not
 * export them): a binary that calls them directly runs only on this runtime. The log
 * macros further down do not use them.
 */

/* Write one formatted line at `level` (printf format; a trailing newline is added). */
void vaccel_log_print(vaccel_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Same, prefixed with `[file:line] `. */
void vaccel_log_print_loc(vaccel_log_level_t level, const char *file, int line, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));

/* True if a message at `level` would be written. */
int vaccel_log_enabled(vaccel_log_level_t level);

/*
 * slog's message flags, as upstream's log macros pass them to slog_print(). One
 * flag per call; the runtime maps each to a level: NOTAG, NOTE and INFO -> INFO,
 * WARN -> WARN, DEBUG and TRACE -> DEBUG, ERROR and FATAL -> ERROR. A value with
 * several flags is logged at the most severe level among them; one with no known
 * flag is not logged.
 */
typedef enum {
	SLOG_NOTAG = 1 << 0,
	SLOG_NOTE = 1 << 1,
	SLOG_INFO = 1 << 2,
	SLOG_WARN = 1 << 3,
	SLOG_DEBUG = 1 << 4,
	SLOG_TRACE = 1 << 5,
	SLOG_ERROR = 1 << 6,
	SLOG_FATAL = 1 << 7,
} SLOG_FLAGS_E;

/*
 * Write one line (printf format) at the level of `flag`. `new_line` is accepted for
 * upstream's ABI and ignored: every call writes exactly one line.
 */
void slog_print(SLOG_FLAGS_E flag, uint8_t new_line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define VACCEL_LOG_STR_(x) #x
#define VACCEL_LOG_STR(x) VACCEL_LOG_STR_(x)
/* `[file:line] `, glued to the (literal) format of vaccel_trace/vaccel_fatal. */
#define VACCEL_LOG_LOCATION "[" __FILE__ ":" VACCEL_LOG_STR(__LINE__) "] "

#define vaccel_error(...) slog_print(SLOG_ERROR, 1, __VA_ARGS__)
#define vaccel_warn(...) slog_print(SLOG_WARN, 1, __VA_ARGS__)
#define vaccel_info(...) slog_print(SLOG_INFO, 1, __VA_ARGS__)
#define vaccel_debug(...) slog_print(SLOG_DEBUG, 1, __VA_ARGS__)
/*
 * trace: debug level with the source location; fatal: error level with the location.
 * Their format must be a string literal (the location is pasted in front of it).
 */
#define vaccel_trace(...) slog_print(SLOG_TRACE, 1, VACCEL_LOG_LOCATION __VA_ARGS__)
#define vaccel_fatal(...) slog_print(SLOG_FATAL, 1, VACCEL_LOG_LOCATION __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_LOG_H */
