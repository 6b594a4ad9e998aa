/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for the core unit tests (cmocka). */
#ifndef TH_H
#define TH_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tp_state.h"
#include "vaccel/config.h"
#include "vaccel/core.h"
#include "vaccel/error.h"

/* Path of test plugin `name` (built next to the tests; TEST_PLUGIN_DIR from meson). */
static inline const char *th_plugin(const char *name)
{
	static char buf[8][4096];
	static int slot;
	const char *dir = getenv("TEST_PLUGIN_DIR");
	char *out = buf[slot++ % 8];

	snprintf(out, sizeof(buf[0]), "%s/lib%s.so", dir ? dir : ".", name);
	return out;
}

/* Bootstrap at debug level with `plugins` (may be NULL). */
static inline int th_boot(const char *plugins)
{
	struct vaccel_config c;
	int ret;

	if (vaccel_config_init(&c, plugins, VACCEL_LOG_DEBUG, NULL, false, false))
		return -1;
	ret = vaccel_bootstrap_with_config(&c);
	vaccel_config_release(&c);
	return ret;
}

/* cmocka teardown: the runtime goes back down (whatever the test left up). */
static inline int th_cleanup(void **state)
{
	(void)state;
	vaccel_cleanup();
	return 0;
}

/* The exported state of a loaded test plugin. */
static inline struct tp_state *th_state(const char *name)
{
	void *h = dlopen(th_plugin(name), RTLD_LAZY | RTLD_NOLOAD);
	struct tp_state *s;

	if (!h)
		return NULL;
	s = dlsym(h, "tp_state");
	dlclose(h);
	return s;
}

/* A fresh temporary directory (caller removes it). */
static inline char *th_tmpdir(char *buf, size_t size)
{
	const char *t = getenv("TMPDIR");

	snprintf(buf, size, "%s/vaccel-core-test-XXXXXX", t ? t : "/tmp");
	return mkdtemp(buf);
}

/* Write `len` bytes of `data` to dir/name into out. */
static inline int th_write_file(const char *dir, const char *name, const void *data, size_t len,
				char *out, size_t size)
{
	FILE *f;

	if (snprintf(out, size, "%s/%s", dir, name) >= (int)size)
		return -1;
	f = fopen(out, "wb");
	if (!f)
		return -1;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static inline int th_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

#endif /* TH_H */
