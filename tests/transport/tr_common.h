/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tr_common: helpers of the transport tests. Each test file starts a REAL
 * vhost-user-accel daemon through the shared harness (tests/lib/td.h: a
 * child process with a private socket and log, host plugin from the build
 * tree), then bootstraps the guest runtime in-process with
 * libvaccel-virtio.so pointed at that socket. The tests run with
 * VACCEL_BOOTSTRAP_ENABLED=0 so the environment can be set up before the
 * runtime reads it.
 */
#ifndef TR_COMMON_H
#define TR_COMMON_H

#include <inttypes.h>

#include "td.h"

/* The noop plugin's debug lines (printf formats taking the host session id). */
#define TR_NOOP_LINE_NOOP "[noop] Calling no-op for session %" PRId64
#define TR_NOOP_LINE_CLASSIFY "[noop] Calling Image classification for session %" PRId64

/* Start the daemon (debug log) serving `plugin` (a path); extra args end with NULL. */
int tr_daemon_start(struct td *d, const char *plugin, const char *const *extra);

/*
 * The host runtime's id of the guest's session `guest_id` (the daemon logs
 * the pair when it creates the session), or -1.
 */
int64_t tr_host_session(const struct td *d, int64_t guest_id);

/*
 * Bootstrap the guest runtime: VACCEL_PLUGINS=plugins (':'-separated paths),
 * VACCEL_VIRTIO_SOCKET=d->sock. Returns the vAccel code.
 */
int tr_guest_bootstrap(const struct td *d, const char *plugins);

/* The end of a group: clean up the guest runtime, then stop the daemon. */
void tr_guest_shutdown(struct td *d);

#endif /* TR_COMMON_H */
