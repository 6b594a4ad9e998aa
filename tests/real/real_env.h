/* SPDX-License-Identifier: Apache-2.0 */
/*
 * real_env: where a real-plugin test runs its ops, chosen by argv[1]:
 *   local      the plugin in this process (VACCEL_PLUGINS = its path);
 *   transport  a vhost-user-accel daemon (tests/transport/tr_common) serving every real
 *              plugin that was built, reached through libvaccel-virtio.so's userspace
 *              driver; sessions carry the plugin's type as their hint, which the guest
 *              plugin and the daemon forward, so the host picks that plugin.
 * The same test body runs in both modes: results must agree with the same references.
 * Tests run with VACCEL_BOOTSTRAP_ENABLED=0 so the environment is set before bootstrap.
 */
#ifndef REAL_ENV_H
#define REAL_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include <vaccel.h>

/* Exit status of a skipped test (meson) and the line that says why. */
#define REAL_SKIP 77

/* True when running over the transport. */
bool real_remote(void);

/*
 * Parse argv, skip (exit 77 with "SKIP: ...") when `plugin` was not built, then bootstrap
 * the runtime for the mode. Returns 0 or exits.
 */
void real_start(int argc, char **argv, const char *plugin, const char *what);

/* Open a session for the plugin of type `hint` (VACCEL_PLUGIN_CPU, _TORCH, _GENERIC). */
int real_session(struct vaccel_session *sess, uint32_t hint);

/* Transport mode: is the daemon still running and serving? (always true locally) */
bool real_daemon_alive(void);

/* Print the daemon's log (transport mode) after a failure. */
void real_dump(void);

/* Release the runtime and stop the daemon. */
void real_stop(void);

#endif /* REAL_ENV_H */
