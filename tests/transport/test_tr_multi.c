/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Several frontends at once: client processes, each with its own guest
 * runtime and its own vhost-user connection to ONE daemon, all connected at
 * the same time and running ops concurrently. Each must see only its own
 * sessions; the daemon must release each connection's state when it leaves.
 * With a daemon serving one connection at a time the second client blocks
 * in its handshake, so "all connected at once" fails within the deadline.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "tr_common.h"
#include "vt_main.h"

#define NR_CLIENTS 3
#define NR_OPS 3000

static struct td daemon_;

static int group_setup(void **state)
{
	(void)state;
	return tr_daemon_start(&daemon_, TR_NOOP_PLUGIN, NULL) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	td_stop(&daemon_);
	return 0;
}

/*
 * One client process: connect (first op), release `index` sessions, report
 * ready with the id of its next one, wait for the go, run NR_OPS noops,
 * then try the other clients' session ids as its own (must fail: on this
 * connection each is an id given and released, or never given), report.
 * Exit status 0 when all went right.
 */
static void client(int ready_fd, int go_fd, int ids_fd, int index)
{
	struct vaccel_session s;
	int64_t ids[NR_CLIENTS];
	char c;
	int bad = 0;

	if (tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN))
		_exit(10);
	for (int i = 0; i < index; i++)
		if (vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE) || vaccel_session_release(&s))
			_exit(18);
	if (vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE) || vaccel_noop(&s))
		_exit(11);
	if (write(ready_fd, &s.remote_id, sizeof(s.remote_id)) != sizeof(s.remote_id))
		_exit(12);
	if (read(go_fd, &c, 1) != 1)
		_exit(13);
	for (int i = 0; i < NR_OPS; i++)
		if (vaccel_noop(&s) != VACCEL_OK)
			bad++;
	if (bad)
		_exit(14);
	/* The others' sessions are not ours: the daemon must refuse them. */
	if (read(ids_fd, ids, sizeof(ids)) != sizeof(ids))
		_exit(15);
	for (int i = 0; i < NR_CLIENTS; i++) {
		int64_t mine = s.remote_id;

		if (ids[i] == mine)
			continue;
		s.remote_id = ids[i];
		if (vaccel_noop(&s) == VACCEL_OK)
			bad++;
		s.remote_id = mine;
	}
	if (bad)
		_exit(16);
	if (vaccel_session_release(&s) || vaccel_cleanup())
		_exit(17);
	_exit(0);
}

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void test_concurrent_clients(void **state)
{
	int ready[2], go[2], ids[NR_CLIENTS][2];
	pid_t pid[NR_CLIENTS];
	int64_t sid[NR_CLIENTS];
	long t0;

	(void)state;
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < NR_CLIENTS; i++) {
		assert_int_equal(pipe(ids[i]), 0);
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			close(ready[0]);
			close(go[1]);
			close(ids[i][1]);
			client(ready[1], go[0], ids[i][0], i);
		}
		close(ids[i][0]);
	}
	close(ready[1]);
	close(go[0]);

	/* All connected and served at the same time, well before the 10 s handshake limit. */
	t0 = ms_now();
	for (int i = 0; i < NR_CLIENTS; i++) {
		struct pollfd p = {.fd = ready[0], .events = POLLIN};

		if (poll(&p, 1, 5000) != 1 || read(ready[0], &sid[i], sizeof(sid[i])) != 8) {
			td_log_dump(&daemon_);
			fail_msg("client %d of %d not served while the others are connected", i + 1,
				 NR_CLIENTS);
		}
	}
	print_message("%d clients connected in %ld ms\n", NR_CLIENTS, ms_now() - t0);
	assert_int_equal(td_log_count(&daemon_, "frontend connected (connection"), NR_CLIENTS);
	/*
	 * Each connection numbers its own sessions (client i's is its i+1st):
	 * all different, so each client's try of the others' is a real one.
	 */
	assert_true(sid[0] != sid[1] && sid[1] != sid[2] && sid[0] != sid[2]);
	/* Go: everyone runs its ops at once. */
	for (int i = 0; i < NR_CLIENTS; i++)
		assert_int_equal(write(go[1], "g", 1), 1);
	for (int i = 0; i < NR_CLIENTS; i++)
		assert_int_equal(write(ids[i][1], sid, sizeof(sid)), (ssize_t)sizeof(sid));
	for (int i = 0; i < NR_CLIENTS; i++) {
		int st = -1;

		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			td_log_dump(&daemon_);
			fail_msg("client %d: status 0x%x", i, st);
		}
		close(ids[i][1]);
	}
	close(ready[0]);
	close(go[1]);
	/* Every connection's state went away with it. */
	assert_true(td_log_wait(&daemon_, "frontend disconnected: released", NR_CLIENTS, 3000));
	assert_true(
	    td_stats_wait(&daemon_, "0 connections; live sessions: 0, live resources: 0", 3000));
}

int main(void)
{
	return td_finish(VT_RUN(group_setup, group_teardown, test_concurrent_clients));
}
