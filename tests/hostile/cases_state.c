/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state journal (--state-dir) against a live daemon that is killed and
 * started again (docs/restart.md): the frontend's sessions and resources come
 * back with the same ids, ids continue past every one given, RESUME says
 * whether they did; and without a journal RESUME says no. The journal's
 * record checks are unit-tested (tests/unit/state).
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc.h"

/* RESUME on h: asserts the status and returns the response id. */
static uint64_t resume(struct hf *h)
{
	struct hf_resp r;

	assert_true(hf_request(h, VIRTIO_ACCEL_C_RESUME, 0, 0, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	return r.id;
}

static int unregister(struct hf *h, uint64_t sid, uint64_t rid)
{
	struct hf_resp r;

	assert_true(hf_request(h, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid, rid, NULL, 0, NULL, 0,
			       0, &r) > 0);
	return r.status;
}

static int link_res(struct hf *h, uint64_t sid, uint64_t rid)
{
	struct hf_resp r;

	assert_true(hf_request(h, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, sid, rid, NULL, 0, NULL, 0,
			       0, &r) > 0);
	return r.status;
}

/* Entries of dir other than . and .., recursively one level (the frontend's subdir). */
static int entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* A new daemon on the same socket and state directory, reconnected, having restored `what`. */
static void restart_restored(struct td *d, struct hf *h, const char *what)
{
	assert_int_equal(td_restart(d), 0);
	assert_int_equal(hf_open(h, d->sock), 0);
	assert_true(td_log_wait(d, what, 1, 2000));
}

/* The frontend goes away: so does its journal; then the daemon and @dir go. */
static void close_and_check_gone(struct hf *h, struct td *d, const char *dir)
{
	hf_close(h);
	for (int i = 0; i < 150 && entries(dir); i++)
		td_sleep_ms(20);
	assert_int_equal(entries(dir), 0);
	assert_true(td_stop(d) >= 0);
	assert_int_equal(rmdir(dir), 0);
}

void hcase_state_restart_keeps_ids(void **state)
{
	char dir[] = "/tmp/hc-state.XXXXXX", opt[64];
	const char *args[] = {opt, NULL};
	struct hf h, other;
	struct td d;
	uint64_t sid, sid2, sid3, rid, next;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(opt, sizeof(opt), "--state-dir=%s", dir);
	assert_int_equal(hc_daemon(&d, "libvaccel-noop.so", args), 0);
	assert_int_equal(hf_open(&h, d.sock), 0);
	assert_int_equal(resume(&h), 0); /* a fresh daemon restored nothing */
	sid = hc_session(&h);
	assert_int_equal(hc_noop(&h, sid), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_upload(&h, sid, 2, 3000, &rid), VIRTIO_ACCEL_S_OK);
	sid2 = hc_session(&h);
	assert_int_equal(link_res(&h, sid2, rid), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_destroy(&h, sid2), VIRTIO_ACCEL_S_OK);
	sid3 = hc_session(&h);
	assert_int_equal(hc_destroy(&h, sid3), VIRTIO_ACCEL_S_OK);
	assert_int_equal(entries(dir), 1); /* this socket's subdirectory */

	/* The daemon dies; a new one on the same socket and state directory. */
	td_kill(&d, SIGKILL);
	hf_close(&h);
	restart_restored(&d, &h, "restored 1 sessions, 1 resources");
	assert_int_equal(resume(&h), 1);
	assert_int_equal(hc_noop(&h, sid), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_noop(&h, sid2), VIRTIO_ACCEL_S_INVSESS); /* destroyed before */
	assert_int_equal(hc_noop(&h, sid3), VIRTIO_ACCEL_S_INVSESS);
	next = hc_session(&h);
	print_message("ids before: %llu %llu %llu, after the restart: %llu\n",
		      (unsigned long long)sid, (unsigned long long)sid2, (unsigned long long)sid3,
		      (unsigned long long)next);
	assert_true(next > sid3); /* never given twice */
	/* Another frontend on the socket meanwhile has no journal: nothing restored for it. */
	assert_int_equal(hf_open(&other, d.sock), 0);
	assert_int_equal(resume(&other), 0);
	assert_int_equal(hc_noop(&other, sid), VIRTIO_ACCEL_S_INVSESS);
	hf_close(&other);

	/* Stopped with SIGTERM (an upgrade): the state is kept as well. */
	assert_true(td_stop(&d) >= 0);
	hf_close(&h);
	restart_restored(&d, &h, "restored 2 sessions, 1 resources");
	assert_int_equal(resume(&h), 1);
	assert_int_equal(hc_noop(&h, sid), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_noop(&h, next), VIRTIO_ACCEL_S_OK);
	/* The resource came back registered with sid: unregistering releases it. */
	assert_int_equal(unregister(&h, sid, rid), VIRTIO_ACCEL_S_OK);
	assert_int_equal(unregister(&h, sid, rid), VIRTIO_ACCEL_S_INVRES);

	/* What journalling costs a session (two files written and synced per create). */
	{
		long t0 = td_now_ms();

		for (int i = 0; i < 100; i++)
			assert_int_equal(hc_destroy(&h, hc_session(&h)), VIRTIO_ACCEL_S_OK);
		print_message("100 sessions created and destroyed with the journal: %ld ms\n",
			      td_now_ms() - t0);
	}

	close_and_check_gone(&h, &d, dir);
}

/*
 * A new VM on the socket of one that is gone (its journal left by a daemon
 * that died with it): its driver never asks for the state, so the first
 * request that is not RESUME or DESTROY releases it. Nothing of the old VM's
 * can be named, and what the new one creates stays.
 */
void hcase_state_unclaimed_released(void **state)
{
	char dir[] = "/tmp/hc-state.XXXXXX", opt[64];
	const char *args[] = {opt, NULL};
	struct hf h;
	struct td d;
	uint64_t sid, rid, mine;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(opt, sizeof(opt), "--state-dir=%s", dir);
	assert_int_equal(hc_daemon(&d, "libvaccel-noop.so", args), 0);
	assert_int_equal(hf_open(&h, d.sock), 0);
	sid = hc_session(&h);
	assert_int_equal(hc_upload(&h, sid, 1, 100, &rid), VIRTIO_ACCEL_S_OK);
	td_kill(&d, SIGKILL);
	hf_close(&h);

	restart_restored(&d, &h, "restored 1 sessions, 1 resources");
	mine = hc_session(&h); /* not RESUME: this driver did not come through a restart */
	assert_true(td_log_wait(&d, "released 1 restored sessions", 1, 2000));
	assert_int_equal(hc_noop(&h, sid), VIRTIO_ACCEL_S_INVSESS);
	assert_int_equal(unregister(&h, mine, rid), VIRTIO_ACCEL_S_INVRES);
	assert_int_equal(hc_noop(&h, mine), VIRTIO_ACCEL_S_OK);
	assert_int_equal(resume(&h), 0); /* too late to claim it */
	print_message("old session %llu released, new session %llu kept\n", (unsigned long long)sid,
		      (unsigned long long)mine);
	assert_int_equal(hc_destroy(&h, mine), VIRTIO_ACCEL_S_OK);
	close_and_check_gone(&h, &d, dir);
}

void hcase_resume_without_state(void **state)
{
	struct hf_resp r;

	(void)state;
	assert_int_equal(resume(&C->h), 0);
	/* RESUME carries no args. */
	assert_true(
	    hf_request(&C->h, VIRTIO_ACCEL_C_RESUME, 0, 0, 0, &hf_noop_arg, 1, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_BADMSG);
	hc_check();
}
