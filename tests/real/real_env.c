// SPDX-License-Identifier: Apache-2.0
/* Test modes of the real plugins (real_env.h). */
#include "real_env.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tr_common.h"

static bool remote;
static struct td daemon_;

bool real_remote(void)
{
	return remote;
}

static void real_skip(const char *why, const char *what)
{
	printf("SKIP: %s %s\n", what, why);
	exit(REAL_SKIP);
}

void real_start(int argc, char **argv, const char *plugin, const char *what)
{
	int ret;

	if (argc < 2 || (strcmp(argv[1], "local") && strcmp(argv[1], "transport"))) {
		fprintf(stderr, "usage: %s local|transport\n", argv[0]);
		exit(2);
	}
	if (!plugin[0] || access(plugin, R_OK))
		real_skip("was not built (scripts/install-deps.sh blas torch vision, then "
			  "reconfigure)",
			  what);
	remote = !strcmp(argv[1], "transport");
	if (remote) {
		if (tr_daemon_start(&daemon_, REAL_HOST_PLUGINS, NULL)) {
			fprintf(stderr, "could not start the daemon with %s\n", REAL_HOST_PLUGINS);
			exit(1);
		}
		ret = tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN);
	} else {
		setenv("VACCEL_PLUGINS", plugin, 1);
		ret = vaccel_bootstrap();
	}
	if (ret) {
		fprintf(stderr, "bootstrap failed: %d\n", ret);
		real_dump();
		exit(1);
	}
}

int real_session(struct vaccel_session *sess, uint32_t hint)
{
	return vaccel_session_init(sess, hint | (remote ? VACCEL_PLUGIN_REMOTE : 0));
}

bool real_daemon_alive(void)
{
	struct vaccel_session s;

	if (!remote)
		return true;
	if (daemon_.pid <= 0 || kill(daemon_.pid, 0))
		return false;
	if (real_session(&s, 0))
		return false;
	vaccel_session_release(&s);
	return true;
}

void real_dump(void)
{
	if (remote)
		td_log_dump(&daemon_);
}

void real_stop(void)
{
	vaccel_cleanup();
	if (remote)
		td_stop(&daemon_);
}
