/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hc: the hostile suite's per-case fixture and the helpers the case files
 * share. Every case (cases.h) runs alone in its process:
 *
 *   setup     start the case's daemon (its profile and options), open a
 *             bystander connection and check it is served, open the case's
 *             own connection C->h;
 *   the case  attacks through C->h (or connections of its own);
 *   teardown  the daemon still runs, the bystander (connected before the
 *             attack) and a fresh connection are both served, and the
 *             daemon stops promptly on SIGTERM.
 *
 * Assertions print both values (cmocka's assert_int_equal); a failed case
 * keeps the daemon's log (tests/lib/td.h).
 */
#ifndef HC_H
#define HC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <linux/virtio_ring.h>
#include <vaccel.h>

#include "hf.h"
#include "td.h"
#include "vaccel_common.h"

struct hc {
	struct td d;  /* the case's daemon (pid 0 for profile NONE) */
	struct hf h;  /* the case's own connection */
	struct hf by; /* bystander: connected before the case ran */
};

/* The NOOP profile's limits (hc.c hands them to the daemon). */
#define HC_MAX_SEGS 32
#define HC_MAX_ARGS 32
#define HC_MAX_BYTES 1048576

/* The running case's fixture. */
extern struct hc *C;

/*
 * Mid-case check: the daemon runs and serves the bystander and a fresh
 * connection (the case's own connection is not touched).
 */
void hc_check(void);
/* Leave the case as skipped (exit status 77), printing "SKIP: why". */
void hc_skip(const char *why) __attribute__((noreturn));
/*
 * Restart the case's daemon with RLIMIT_NOFILE max_fds, then reconnect the
 * bystander (checked served) and C->h.
 */
void hc_restart_with_fds(unsigned max_fds);
/* Start another daemon like the case's own profile would, with these options. */
int hc_daemon(struct td *d, const char *plugin, const char *const *args);

/* CREATE_SESSION on h; asserts success and returns the id. */
uint64_t hc_session(struct hf *h);
/* DESTROY_SESSION on h; returns the status. */
int hc_destroy(struct hf *h, uint64_t sid);
/* GENOP NOOP in sid on h; returns the status (vret asserted 0 when OK). */
int hc_noop(struct hf *h, uint64_t sid);
/* REGISTER_RESOURCE of nfiles files of `size` bytes each (names f0, f1...): status, *id. */
int hc_upload(struct hf *h, uint64_t sid, unsigned nfiles, size_t size, uint64_t *id);
/* The same as a resource of type rtype (vaccel_resource_type_t: LIB, DATA, MODEL). */
int hc_upload_as(struct hf *h, uint64_t sid, uint32_t rtype, unsigned nfiles, size_t size,
		 uint64_t *id);

/* A descriptor, for cases that write rings by hand. */
static inline struct vring_desc hc_desc(uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	return (struct vring_desc){addr, len, flags, next};
}

/* The connection ends: EOF (or reset) within 2 s. */
void hc_expect_closed(struct vhu_front *f);
/* A plain connect() to the daemon's socket, no vhost-user message (fd or -errno). */
int hc_connect_raw(const char *sock, bool nonblock);
/* Open fds of the daemon whose target contains `target` (NULL: all), or -1. */
int hc_daemon_fds(const char *target);

#endif /* HC_H */
