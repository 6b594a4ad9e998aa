/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runtime lifecycle: bootstrap, cleanup, and the load-time constructor/destructor.
 * A failed bootstrap never ends the process: the error is logged, the runtime stays down,
 * and API calls that need it return the remembered error (see rt_require_up()).
 */
#include "rt.h"
#include "vaccel/core.h"
#include "vaccel/plugin.h"
#include "vaccel_version.h"

#include <linux/limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t boot_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int phase = RT_DOWN;
static atomic_int boot_error;
static atomic_bool boot_error_reported;
static struct vaccel_config config = {NULL, VACCEL_LOG_ERROR, NULL, false, false};
static char rundir[PATH_MAX];

enum rt_phase rt_phase(void)
{
	return (enum rt_phase)atomic_load(&phase);
}

const struct vaccel_config *rt_config(void)
{
	return &config;
}

static int require(enum rt_phase min, const char *what)
{
	int err;

	if (atomic_load(&phase) >= (int)min)
		return VACCEL_OK;
	err = atomic_load(&boot_error);
	if (err) {
		/* Report the cause once in full; later calls just return it. */
		if (!atomic_exchange(&boot_error_reported, true))
			vaccel_error("%s: vAccel is not available: bootstrap failed with error %d",
				     what ? what : "vAccel", err);
		return err;
	}
	vaccel_error("%s: vAccel is not initialized (call vaccel_bootstrap() first)",
		     what ? what : "vAccel");
	return VACCEL_EPERM;
}

int rt_require_up(const char *what)
{
	return require(RT_UP, what);
}

int rt_require_booting(const char *what)
{
	return require(RT_BOOTING, what);
}

bool vaccel_is_initialized(void)
{
	return atomic_load(&phase) == RT_UP;
}

const char *vaccel_rundir(void)
{
	return atomic_load(&phase) == RT_UP ? rundir : NULL;
}

const struct vaccel_config *vaccel_config(void)
{
	return &config;
}

static void teardown_locked(void)
{
	rt_sessions_cleanup();
	rt_resources_cleanup();
	rt_plugins_cleanup();
	if (rundir[0])
		rt_rundir_remove(rundir);
	rundir[0] = '\0';
}

static int cleanup_locked(void)
{
	if (atomic_load(&phase) == RT_DOWN)
		return VACCEL_OK;
	vaccel_debug("Cleaning up vAccel");
	teardown_locked();
	atomic_store(&phase, RT_DOWN);
	vaccel_config_release(&config);
	rt_log_reset();
	return VACCEL_OK;
}

/* Takes ownership of `cfg`'s strings. */
static int bootstrap_locked(struct vaccel_config *cfg, const struct rt_config_warnings *w)
{
	int ret;

	cleanup_locked();
	atomic_store(&boot_error, 0);
	atomic_store(&boot_error_reported, false);
	vaccel_config_release(&config);
	config = *cfg;

	/* The log configuration is re-applied on every bootstrap. */
	rt_log_configure(config.log_level, config.log_file);
	rt_config_warnings_flush(w);

	vaccel_debug("Initializing vAccel");
	vaccel_info("vAccel %s", VACCEL_VERSION);
	vaccel_config_print_debug(&config);

	ret = rt_rundir_create(rundir, sizeof(rundir));
	if (ret)
		goto fail;
	vaccel_debug("Created top-level rundir: %s", rundir);

	ret = rt_sessions_bootstrap();
	if (ret)
		goto fail;
	ret = rt_resources_bootstrap();
	if (ret)
		goto fail;
	ret = rt_plugins_bootstrap();
	if (ret)
		goto fail;

	atomic_store(&phase, RT_BOOTING);
	if (config.plugins) {
		ret = vaccel_plugin_parse_and_load(config.plugins);
		if (ret)
			goto fail;
	}
	atomic_store(&phase, RT_UP);
	return VACCEL_OK;

fail:
	teardown_locked();
	atomic_store(&phase, RT_DOWN);
	atomic_store(&boot_error, ret);
	vaccel_error("vAccel bootstrap failed (error %d); the runtime is not available", ret);
	return ret;
}

int vaccel_bootstrap(void)
{
	struct rt_config_warnings w = {0};
	struct vaccel_config cfg;
	int ret;

	ret = rt_config_from_env(&cfg, &w);
	if (ret) {
		rt_config_warnings_flush(&w);
		vaccel_error("Could not read the configuration from the environment");
		atomic_store(&boot_error, ret);
		return ret;
	}
	pthread_mutex_lock(&boot_lock);
	ret = bootstrap_locked(&cfg, &w);
	pthread_mutex_unlock(&boot_lock);
	return ret;
}

int vaccel_bootstrap_with_config(struct vaccel_config *cfg)
{
	struct vaccel_config copy;
	int ret;

	if (!cfg)
		return VACCEL_EINVAL;
	ret = vaccel_config_init_from(&copy, cfg);
	if (ret)
		return ret;
	pthread_mutex_lock(&boot_lock);
	ret = bootstrap_locked(&copy, NULL);
	pthread_mutex_unlock(&boot_lock);
	return ret;
}

int vaccel_cleanup(void)
{
	int ret;

	pthread_mutex_lock(&boot_lock);
	ret = cleanup_locked();
	atomic_store(&boot_error, 0);
	pthread_mutex_unlock(&boot_lock);
	return ret;
}

static bool env_is_zero(const char *name)
{
	const char *v = getenv(name);

	return v && strcmp(v, "0") == 0;
}

/*
 * Priority 101: bootstrap before, and clean up after, any other constructor/destructor of
 * the library (the op wrappers print their profiling regions from destructors).
 */
__attribute__((constructor(101))) static void rt_ctor(void)
{
	if (env_is_zero("VACCEL_BOOTSTRAP_ENABLED"))
		return;
	/* Failure is logged and remembered by the bootstrap; the process goes on. */
	(void)vaccel_bootstrap();
}

__attribute__((destructor(101))) static void rt_dtor(void)
{
	if (env_is_zero("VACCEL_CLEANUP_ENABLED"))
		return;
	(void)vaccel_cleanup();
}
