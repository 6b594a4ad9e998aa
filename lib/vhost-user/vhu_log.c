/* SPDX-License-Identifier: Apache-2.0 */
/* vhu logging: one callback, no dependency on any application logger. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "vhu_priv.h"

static void default_log(int level, const char *msg)
{
	if (level <= LOG_WARNING)
		fprintf(stderr, "vhost-user: %s\n", msg);
}

static void (*log_fn)(int level, const char *msg) = default_log;

void vhu_set_log(void (*fn)(int level, const char *msg))
{
	__atomic_store_n(&log_fn, fn ? fn : default_log, __ATOMIC_RELEASE);
}

void vhu_log(int level, const char *fmt, ...)
{
	void (*fn)(int, const char *) = __atomic_load_n(&log_fn, __ATOMIC_ACQUIRE);
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fn(level, buf);
}
