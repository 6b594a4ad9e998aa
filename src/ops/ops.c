// SPDX-License-Identifier: Apache-2.0
/* Lookup, resource checks and profiling helpers shared by the op wrappers. */

#include "ops.h"
#include "vaccel/plugin.h"
#include "vaccel_common.h"
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* Serializes appends to (and the final dump of) every op profiling region. */
static pthread_mutex_t ops_prof_lock = PTHREAD_MUTEX_INITIALIZER;

void ops_log_lookup(const struct vaccel_session *sess, vaccel_op_type_t type)
{
	char name[VACCEL_ENUM_STR_MAX];

	vaccel_debug("session:%" PRId64 " Looking for func implementing op %s", sess->id,
		     vaccel_op_type_to_lower(type, name, sizeof(name)));
}

int ops_check_resource(const struct vaccel_session *sess, const struct vaccel_resource *res,
		       vaccel_resource_type_t type)
{
	if (!res) {
		vaccel_error("session:%" PRId64 " Invalid resource: NULL", sess->id);
		return VACCEL_EINVAL;
	}

	if (res->type != type) {
		vaccel_error("Invalid resource type: expected %s",
			     vaccel_resource_type_to_str(type));
		return VACCEL_EINVAL;
	}

	if (!vaccel_session_has_resource(sess, res)) {
		vaccel_error("Resource %" PRId64 " is not registered to session %" PRId64, res->id,
			     sess->id);
		return VACCEL_EPERM;
	}

	return VACCEL_OK;
}

int ops_get_func(const struct vaccel_session *sess, vaccel_op_type_t type, void **func)
{
	char name[VACCEL_ENUM_STR_MAX];
	const struct vaccel_plugin *plugin = sess->plugin;
	const char *plugin_name;

	vaccel_op_type_to_lower(type, name, sizeof(name));

	/* A session that was never initialized, or was released, has no plugin. */
	if (!plugin) {
		vaccel_error("session:%" PRId64 " Session has no plugin; cannot run %s", sess->id,
			     name);
		return VACCEL_EINVAL;
	}

	plugin_name = (plugin->info && plugin->info->name) ? plugin->info->name : "(unnamed)";

	if ((unsigned int)type >= VACCEL_OP_MAX || !plugin->ops[type] || !plugin->ops[type]->func) {
		vaccel_error("Could not return func, plugin %s does not implement %s", plugin_name,
			     name);
		return VACCEL_ENOTSUP;
	}

	vaccel_debug("Returning func for op %s from plugin %s", name, plugin_name);
	*func = plugin->ops[type]->func;

	return VACCEL_OK;
}

/* Same clock as the prof API (CLOCK_MONOTONIC_RAW, ns). */
static uint64_t ops_now_ns(void)
{
	return vaccel_clock_ns(CLOCK_MONOTONIC_RAW);
}

uint64_t ops_prof_begin(void)
{
	return vaccel_prof_enabled() ? ops_now_ns() : 0;
}

void ops_prof_end(struct vaccel_prof_region *region, uint64_t t0)
{
	struct vaccel_prof_sample *s;
	uint64_t end;

	/* t0 == 0: profiling was off when the call began. */
	if (!t0 || !vaccel_prof_enabled())
		return;

	end = ops_now_ns();

	pthread_mutex_lock(&ops_prof_lock);
	/* start() appends a sample; overwrite it with this call's own times. */
	if (vaccel_prof_region_start(region) == VACCEL_OK && region->nr_entries) {
		s = &region->samples[region->nr_entries - 1];
		s->start = t0;
		s->time = end - t0;
	}
	pthread_mutex_unlock(&ops_prof_lock);
}

void ops_prof_regions_flush(struct vaccel_prof_region *regions, int nr_regions)
{
	pthread_mutex_lock(&ops_prof_lock);
	vaccel_prof_regions_print_all(regions, nr_regions);
	/*
	 * Free the samples directly: the prof API's release is a no-op once
	 * profiling is off, and would also wipe the static names.
	 */
	for (int i = 0; i < nr_regions; i++) {
		free(regions[i].samples);
		regions[i].samples = NULL;
		regions[i].nr_entries = 0;
		regions[i].size = 0;
	}
	pthread_mutex_unlock(&ops_prof_lock);
}
