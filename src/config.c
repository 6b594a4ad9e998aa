/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Configuration: public config object functions and the environment reader.
 * Environment values are untrusted: each is bounded and validated; an invalid value
 * produces a warning and the default (never silence, never a failure).
 */
#include "rt.h"
#include "vaccel/config.h"

#include <linux/limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_LOG_LEVEL VACCEL_LOG_ERROR

static void set_defaults(struct vaccel_config *c)
{
	c->plugins = NULL;
	c->log_level = DEFAULT_LOG_LEVEL;
	c->log_file = NULL;
	c->profiling_enabled = false;
	c->version_ignore = false;
}

int vaccel_config_init(struct vaccel_config *config, const char *plugins,
		       vaccel_log_level_t log_level, const char *log_file, bool profiling_enabled,
		       bool version_ignore)
{
	char *p = NULL, *f = NULL;

	if (!config)
		return VACCEL_EINVAL;
	if (log_level < VACCEL_LOG_ERROR || log_level >= VACCEL_LOG_MAX) {
		vaccel_error("Invalid log level %d (valid: 1..4)", (int)log_level);
		return VACCEL_EINVAL;
	}
	if (plugins) {
		p = strdup(plugins);
		if (!p)
			return VACCEL_ENOMEM;
	}
	if (log_file) {
		f = strdup(log_file);
		if (!f) {
			free(p);
			return VACCEL_ENOMEM;
		}
	}
	*config = (struct vaccel_config){.plugins = p,
					 .log_level = log_level,
					 .log_file = f,
					 .profiling_enabled = profiling_enabled,
					 .version_ignore = version_ignore};
	return VACCEL_OK;
}

int vaccel_config_init_from(struct vaccel_config *config, struct vaccel_config *src)
{
	if (!config || !src)
		return VACCEL_EINVAL;
	return vaccel_config_init(config, src->plugins, src->log_level, src->log_file,
				  src->profiling_enabled, src->version_ignore);
}

int vaccel_config_release(struct vaccel_config *config)
{
	if (!config)
		return VACCEL_EINVAL;
	free(config->plugins);
	free(config->log_file);
	set_defaults(config);
	return VACCEL_OK;
}

static void warn(struct rt_config_warnings *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(struct rt_config_warnings *w, const char *fmt, ...)
{
	char msg[RT_CONFIG_WARNING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!w) {
		rt_log_force(VACCEL_LOG_WARN, "%s", msg);
		return;
	}
	if (w->count < RT_CONFIG_MAX_WARNINGS)
		memcpy(w->msg[w->count++], msg, sizeof(msg));
}

void rt_config_warnings_flush(const struct rt_config_warnings *w)
{
	for (size_t i = 0; w && i < w->count; i++)
		rt_log_force(VACCEL_LOG_WARN, "%s", w->msg[i]);
}

/* Value of `name`, falling back to the deprecated `old` name (with a warning). */
static const char *env_get(const char *name, const char *old, struct rt_config_warnings *w)
{
	const char *v = getenv(name);
	const char *ov = old ? getenv(old) : NULL;

	if (ov) {
		if (v)
			warn(w, "%s is deprecated and ignored because %s is set", old, name);
		else
			warn(w, "%s is deprecated. Use %s instead", old, name);
	}
	return v ? v : ov;
}

static const char *env_name(const char *name, const char *old)
{
	return (!getenv(name) && old && getenv(old)) ? old : name;
}

/* Booleans: 0/1 (any decimal integer, non-zero = true), true/false, yes/no, on/off. */
static bool parse_bool(const char *var, const char *v, bool def, struct rt_config_warnings *w)
{
	unsigned long n;

	if (rt_parse_ulong(v, &n))
		return n != 0;
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		return true;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off"))
		return false;
	warn(w, "Invalid value for %s: '%.64s' (expected 0/1/true/false); using %s", var, v,
	     def ? "true" : "false");
	return def;
}

int rt_config_from_env(struct vaccel_config *config, struct rt_config_warnings *w)
{
	const char *plugins = NULL, *log_file = NULL, *v;
	vaccel_log_level_t level = DEFAULT_LOG_LEVEL;
	bool prof = false, vign = false;
	unsigned long n;

	if (!config)
		return VACCEL_EINVAL;

	v = env_get("VACCEL_PLUGINS", "VACCEL_BACKENDS", w);
	if (v && v[0]) {
		if (strlen(v) > RT_CONFIG_PLUGINS_MAX)
			warn(w, "%s is longer than %d bytes; ignoring it (no plugins)",
			     env_name("VACCEL_PLUGINS", "VACCEL_BACKENDS"), RT_CONFIG_PLUGINS_MAX);
		else
			plugins = v;
	}

	v = env_get("VACCEL_LOG_LEVEL", "VACCEL_DEBUG_LEVEL", w);
	if (v) {
		if (rt_parse_ulong(v, &n) && n >= VACCEL_LOG_ERROR && n < VACCEL_LOG_MAX)
			level = (vaccel_log_level_t)n;
		else
			warn(w, "Invalid value for %s: '%.64s' (expected 1-4); using %d",
			     env_name("VACCEL_LOG_LEVEL", "VACCEL_DEBUG_LEVEL"), v,
			     DEFAULT_LOG_LEVEL);
	}

	v = getenv("VACCEL_LOG_FILE");
	if (v) {
		if (!v[0])
			warn(w, "VACCEL_LOG_FILE is empty; logging to stderr");
		else if (strlen(v) >= PATH_MAX)
			warn(w, "VACCEL_LOG_FILE is too long; logging to stderr");
		else
			log_file = v;
	}

	v = getenv("VACCEL_PROFILING_ENABLED");
	if (v)
		prof = parse_bool("VACCEL_PROFILING_ENABLED", v, false, w);

	v = env_get("VACCEL_VERSION_IGNORE", "VACCEL_IGNORE_VERSION", w);
	if (v)
		vign = parse_bool(env_name("VACCEL_VERSION_IGNORE", "VACCEL_IGNORE_VERSION"), v,
				  false, w);

	return vaccel_config_init(config, plugins, level, log_file, prof, vign);
}

int vaccel_config_init_from_env(struct vaccel_config *config)
{
	return rt_config_from_env(config, NULL);
}

int vaccel_config_new(struct vaccel_config **config, const char *plugins,
		      vaccel_log_level_t log_level, const char *log_file, bool profiling_enabled,
		      bool version_ignore)
{
	RT_NEW_BODY(
	    config, c,
	    vaccel_config_init(c, plugins, log_level, log_file, profiling_enabled, version_ignore));
}

int vaccel_config_from_env(struct vaccel_config **config)
{
	RT_NEW_BODY(config, c, vaccel_config_init_from_env(c));
}

int vaccel_config_from(struct vaccel_config **config, struct vaccel_config *src)
{
	RT_NEW_BODY(config, c, vaccel_config_init_from(c, src));
}

int vaccel_config_delete(struct vaccel_config *config)
{
	return rt_free_released(config, vaccel_config_release(config));
}

void vaccel_config_print_debug(struct vaccel_config *config)
{
	char level[VACCEL_ENUM_STR_MAX];

	if (!config)
		return;
	vaccel_debug("Config:");
	vaccel_debug("  plugins = %s", config->plugins ? config->plugins : "(null)");
	vaccel_debug("  log_level = %s",
		     vaccel_log_level_name(config->log_level, level, sizeof(level)));
	vaccel_debug("  log_file = %s", config->log_file ? config->log_file : "(null)");
	vaccel_debug("  profiling_enabled = %s", config->profiling_enabled ? "true" : "false");
	vaccel_debug("  version_ignore = %s", config->version_ignore ? "true" : "false");
}
