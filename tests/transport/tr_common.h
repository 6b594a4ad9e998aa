/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tr_common: helpers of the transport tests. Each test file starts a REAL
 * vhost-user-accel daemon (a child process with a temporary socket and its
 * own log file, host plugin from the build tree), then bootstraps the guest
 * runtime in-process with libvaccel-virtio.so pointed at that socket.
 * The tests run with VACCEL_BOOTSTRAP_ENABLED=0 so the environment can be
 * set up before the runtime reads it.
 */
#ifndef TR_COMMON_H
#define TR_COMMON_H

#include <inttypes.h>
#include <stdbool.h>
#include <sys/types.h>

/* The noop plugin's debug lines (printf formats taking the host session id). */
#define TR_NOOP_LINE_NOOP "[noop] Calling no-op for session %" PRId64
#define TR_NOOP_LINE_CLASSIFY "[noop] Calling Image classification for session %" PRId64

struct tr_daemon {
	pid_t pid;
	char dir[64];	/* private temp dir */
	char sock[128]; /* socket path */
	char log[128];	/* daemon stdout+stderr */
	const char *plugin;
	const char *extra[8];
};

/* Start the daemon serving `plugin` (a path); extra args end with NULL. */
int tr_daemon_start(struct tr_daemon *d, const char *plugin, const char *const *extra);
/* Start it again on the same socket and log (after a kill). */
int tr_daemon_restart(struct tr_daemon *d);
/* Send sig and reap the process. */
void tr_daemon_kill(struct tr_daemon *d, int sig);
/* Stop it (SIGTERM, then SIGKILL) and remove its files. */
void tr_daemon_stop(struct tr_daemon *d);

/* Occurrences of needle in the daemon's log. */
int tr_log_count(const struct tr_daemon *d, const char *needle);
/* Wait up to ms for at least n occurrences. */
bool tr_log_wait(const struct tr_daemon *d, const char *needle, int n, int ms);
/* Print the daemon log to stderr (for failures). */
void tr_log_dump(const struct tr_daemon *d);

/*
 * Bootstrap the guest runtime: VACCEL_PLUGINS=plugins (':'-separated paths),
 * VACCEL_VIRTIO_SOCKET=d->sock. Returns the vAccel code.
 */
int tr_guest_bootstrap(const struct tr_daemon *d, const char *plugins);

#endif /* TR_COMMON_H */
