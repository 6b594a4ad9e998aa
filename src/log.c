/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logger: `YYYY.MM.DD-hh:mm:ss.CC - <level> message` lines to stderr or a file.
 * A line is formatted completely first and written with one write() under a mutex, so
 * concurrent threads never interleave inside a line.
 *
 * Entry points: slog_print() (what the public log macros expand to, and the symbol
 * upstream vAccel's plugins and programs import), vaccel_log_print[_loc]() (our own
 * API) and rt_log_force() (configuration warnings, whatever the level).
 */
#include "rt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 8192

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
_Atomic int rt_log_level = VACCEL_LOG_ERROR;
/*
 * The slog flags slog_print() writes at rt_log_level (set_level()): one test of the
 * caller's flag, before anything else, for the lines filtered out (debug lines of
 * upstream's plugins and ours). At ERROR: ERROR and FATAL.
 */
static _Atomic unsigned int log_slog_mask = SLOG_ERROR | SLOG_FATAL;
static int log_fd = STDERR_FILENO;
static bool log_fd_owned;

int vaccel_log_init(void)
{
	return VACCEL_OK;
}

int vaccel_log_shutdown(void)
{
	return VACCEL_OK;
}

int vaccel_log_enabled(vaccel_log_level_t level)
{
	return rt_log_on(level);
}

static const char *level_tag(vaccel_log_level_t level)
{
	switch (level) {
	case VACCEL_LOG_ERROR:
		return "error";
	case VACCEL_LOG_WARN:
		return "warn";
	case VACCEL_LOG_INFO:
		return "info";
	case VACCEL_LOG_DEBUG:
		return "debug";
	default:
		return "log";
	}
}

static void log_vprint(vaccel_log_level_t level, const char *loc_file, int loc_line,
		       const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	size_t len;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d.%02d.%02d-%02d:%02d:%02d.%02ld - <%s> ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     ts.tv_nsec / 10000000L, level_tag(level));
	if (n < 0)
		return;
	len = (size_t)n;
	if (loc_file) {
		n = snprintf(line + len, sizeof(line) - len, "[%s:%d] ", loc_file, loc_line);
		if (n > 0)
			len += (size_t)n < sizeof(line) - len ? (size_t)n : sizeof(line) - len - 1;
	}
	n = vsnprintf(line + len, sizeof(line) - len, fmt ? fmt : "(null)", ap);
	if (n > 0)
		len += (size_t)n < sizeof(line) - len ? (size_t)n : sizeof(line) - len - 1;
	/* Long messages are truncated; the line always ends with exactly one newline. */
	if (len > 0 && line[len - 1] == '\n')
		len--;
	line[len++] = '\n';

	pthread_mutex_lock(&log_lock);
	(void)rt_write_all(log_fd, line, len); /* nowhere left to report a logging failure */
	pthread_mutex_unlock(&log_lock);
}

void vaccel_log_print(vaccel_log_level_t level, const char *fmt, ...)
{
	va_list ap;

	if (!rt_log_on(level))
		return;
	va_start(ap, fmt);
	log_vprint(level, NULL, 0, fmt, ap);
	va_end(ap);
}

void vaccel_log_print_loc(vaccel_log_level_t level, const char *file, int line, const char *fmt,
			  ...)
{
	va_list ap;

	if (!rt_log_on(level))
		return;
	va_start(ap, fmt);
	log_vprint(level, file ? file : "?", line, fmt, ap);
	va_end(ap);
}

/*
 * The level of an slog flag value: the most severe flag present wins (a message
 * slog would print if any of its flags were enabled), no known flag -> 0 (dropped).
 */
static vaccel_log_level_t slog_level(unsigned int flag)
{
	if (flag & (SLOG_ERROR | SLOG_FATAL))
		return VACCEL_LOG_ERROR;
	if (flag & SLOG_WARN)
		return VACCEL_LOG_WARN;
	if (flag & (SLOG_INFO | SLOG_NOTE | SLOG_NOTAG))
		return VACCEL_LOG_INFO;
	if (flag & (SLOG_DEBUG | SLOG_TRACE))
		return VACCEL_LOG_DEBUG;
	return (vaccel_log_level_t)0;
}

/*
 * Set the level, and with it the slog flags written at it: those whose own level is
 * on. A flag value is written iff its most severe flag is on, iff any of its flags is
 * (every level above an enabled one is enabled too), so one mask test decides.
 */
static void set_level(vaccel_log_level_t level)
{
	unsigned int mask = 0;

	atomic_store(&rt_log_level, (int)level);
	for (unsigned int bit = 0; bit < 8; bit++)
		if (rt_log_on(slog_level(1u << bit)))
			mask |= 1u << bit;
	atomic_store(&log_slog_mask, mask);
}

void slog_print(SLOG_FLAGS_E flag, uint8_t new_line, const char *fmt, ...)
{
	va_list ap;

	(void)new_line; /* every message is one whole line */
	if (!((unsigned int)flag & atomic_load_explicit(&log_slog_mask, memory_order_relaxed)))
		return;
	va_start(ap, fmt);
	log_vprint(slog_level((unsigned int)flag), NULL, 0, fmt, ap);
	va_end(ap);
}

void rt_log_force(vaccel_log_level_t level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(level, NULL, 0, fmt, ap);
	va_end(ap);
}

/* Swap the destination; the caller holds log_lock. */
static void set_fd_locked(int fd, bool owned)
{
	if (log_fd_owned)
		close(log_fd);
	log_fd = fd;
	log_fd_owned = owned;
}

int rt_log_configure(vaccel_log_level_t level, const char *log_file)
{
	int fd = STDERR_FILENO;
	bool owned = false;
	int err = 0;

	if (level < VACCEL_LOG_ERROR || level >= VACCEL_LOG_MAX)
		level = VACCEL_LOG_ERROR;

	if (log_file && log_file[0]) {
		if (strcmp(log_file, "/dev/stderr") == 0) {
			fd = STDERR_FILENO;
		} else if (strcmp(log_file, "/dev/stdout") == 0) {
			fd = STDOUT_FILENO;
		} else {
			/* Absolute paths as given, relative ones relative to the cwd. */
			fd = open(log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0) {
				err = errno;
				fd = STDERR_FILENO;
			} else {
				owned = true;
			}
		}
	}

	pthread_mutex_lock(&log_lock);
	set_fd_locked(fd, owned);
	pthread_mutex_unlock(&log_lock);
	set_level(level);

	if (err) {
		rt_log_force(VACCEL_LOG_WARN, "Could not open log file %s: %s; logging to stderr",
			     log_file, strerror(err));
		return rt_errno_to_vaccel(err);
	}
	return VACCEL_OK;
}

void rt_log_reset(void)
{
	pthread_mutex_lock(&log_lock);
	set_fd_locked(STDERR_FILENO, false);
	pthread_mutex_unlock(&log_lock);
	set_level(VACCEL_LOG_ERROR);
}
