/* SPDX-License-Identifier: Apache-2.0 */
#include "tr_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

int tr_daemon_start(struct td *d, const char *plugin, const char *const *extra)
{
	struct td_opts o = {.plugin = plugin, .args = extra, .log_level = 4};

	return td_start(d, TR_DAEMON, &o);
}

int64_t tr_host_session(const struct td *d, int64_t guest_id)
{
	char needle[64], *log = td_log_read(d), *p;
	int64_t host = -1;

	/* backend/handle.c: "created session G (host session H)" */
	snprintf(needle, sizeof(needle), "created session %" PRId64 " (host session ", guest_id);
	if (log && (p = strstr(log, needle)))
		sscanf(p + strlen(needle), "%" SCNd64, &host);
	free(log);
	return host;
}

int tr_guest_bootstrap(const struct td *d, const char *plugins)
{
	setenv("VACCEL_PLUGINS", plugins, 1);
	setenv("VACCEL_VIRTIO_SOCKET", d->sock, 1);
	return vaccel_bootstrap();
}

void tr_guest_shutdown(struct td *d)
{
	vaccel_cleanup();
	td_stop(d);
}
