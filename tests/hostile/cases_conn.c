/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile cases: what a connection owns. Sessions and resources are named
 * by ids of the connection's own, never reused; each connection has quotas
 * and hitting one is an error for that connection only; a connection that
 * leaves releases everything it had; the operator sees each connection's
 * usage (SIGUSR1). Also the command line, busy polling and SIGTERM.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hc.h"

/* A connection's ids mean nothing on another connection, even a later one. */
void hcase_other_connection_session(void **state)
{
	uint64_t s1, s2;
	struct hf a, x;
	char ids[64], *log, *at, *left;

	(void)state;
	assert_int_equal(hf_open(&a, C->d.sock), 0);
	s1 = hc_session(&a);
	s2 = hc_session(&a);
	hf_close(&a);
	assert_true(td_log_wait(&C->d, "frontend disconnected: released 2 sessions", 1, 2000));
	/* What it left is listed by id first (which guest program leaked, for the VM tests). */
	snprintf(ids, sizeof(ids), "<info>   sessions: %" PRIu64 " %" PRIu64 "\n", s1, s2);
	log = td_log_read(&C->d);
	assert_non_null(log);
	at = strstr(log, "frontend disconnected: released 2 sessions");
	left = strstr(log, ids);
	assert_true(left && at && left < at);
	free(log);
	/* The case's connection never had these ids. */
	assert_int_equal(hc_noop(&C->h, s1), VIRTIO_ACCEL_S_INVSESS);
	assert_int_equal(hc_destroy(&C->h, s2), VIRTIO_ACCEL_S_INVSESS);
	/* Nor does a connection made after a left. */
	assert_int_equal(hf_open(&x, C->d.sock), 0);
	assert_int_equal(hc_noop(&x, s2), VIRTIO_ACCEL_S_INVSESS);
	hf_close(&x);
	assert_true(hf_healthy(&C->h));
}

/*
 * Two more frontends at the same time: each names its own sessions. An id
 * that is live on one connection is unknown on the other (or names that
 * connection's own session of the same number, untouched by the first).
 */
void hcase_concurrent_connections_isolated(void **state)
{
	uint64_t sa, sb[3];
	struct hf a, b;

	(void)state;
	assert_int_equal(hf_open(&a, C->d.sock), 0);
	assert_int_equal(hf_open(&b, C->d.sock), 0);
	sa = hc_session(&a);
	for (unsigned i = 0; i < ARRAY_SIZE(sb); i++)
		sb[i] = hc_session(&b);
	/* Both served while both are open, the case's connection too. */
	assert_int_equal(hc_noop(&a, sa), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_noop(&b, sb[2]), VIRTIO_ACCEL_S_OK);
	assert_true(hf_healthy(&C->h));
	/* A names B's sessions that A does not have. */
	for (unsigned i = 0; i < ARRAY_SIZE(sb); i++) {
		if (sb[i] == sa)
			continue;
		assert_int_equal(hc_noop(&a, sb[i]), VIRTIO_ACCEL_S_INVSESS);
		assert_int_equal(hc_destroy(&a, sb[i]), VIRTIO_ACCEL_S_INVSESS);
		assert_int_equal(hc_noop(&C->h, sb[i]), VIRTIO_ACCEL_S_INVSESS);
	}
	/* A destroying its own session touches none of B's. */
	assert_int_equal(hc_destroy(&a, sa), VIRTIO_ACCEL_S_OK);
	for (unsigned i = 0; i < ARRAY_SIZE(sb); i++)
		assert_int_equal(hc_noop(&b, sb[i]), VIRTIO_ACCEL_S_OK);
	sa = hc_session(&a);
	/* SIGUSR1 reports each connection: bystander, the case's, A and B. */
	kill(C->d.pid, SIGUSR1);
	assert_true(td_log_wait(&C->d, "4 connections; live sessions: 4", 1, 2000));
	/* A leaving releases A's session only. */
	hf_close(&a);
	assert_true(td_log_wait(&C->d, "frontend disconnected: released 1 sessions", 1, 2000));
	for (unsigned i = 0; i < ARRAY_SIZE(sb); i++)
		assert_int_equal(hc_noop(&b, sb[i]), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_destroy(&b, sb[0]), VIRTIO_ACCEL_S_OK);
	hf_close(&b);
	assert_true(hf_healthy(&C->h));
}

/*
 * --max-connections=3 (the bystander, the case's connection and one more):
 * one frontend more is accepted and closed at once (it fails fast, no
 * hang), the others are unaffected, and a slot that frees up is usable.
 */
void hcase_connection_limit(void **state)
{
	struct hf a, c;
	long t0;
	int ret;

	(void)state;
	assert_int_equal(hf_open(&a, C->d.sock), 0);
	t0 = td_now_ms();
	ret = hf_open(&c, C->d.sock);
	t0 = td_now_ms() - t0;
	print_message("fourth frontend: %d after %ld ms\n", ret, t0);
	assert_true(ret < 0);
	assert_true(t0 < 1000);
	assert_true(td_log_wait(&C->d, "connection refused: 3 frontends connected", 1, 2000));
	assert_true(hf_healthy(&a));
	assert_true(hf_healthy(&C->h));
	hf_close(&a);
	/* Its slot is free once its connection is closed, a little after "disconnected". */
	assert_true(td_log_wait(&C->d, "closed: 2 frontends connected", 1, 2000));
	assert_int_equal(hf_open(&c, C->d.sock), 0);
	assert_true(hf_healthy(&c));
	hf_close(&c);
}

void hcase_disconnect_releases(void **state)
{
	const char data[] = "model bytes";
	struct hf_arg rd[] = {{"m.bin", 6, VACCEL_ARG_STRING},
			      {data, sizeof(data), VACCEL_ARG_RAW}};
	struct hf_resp r;
	uint64_t s1, s2;
	struct hf a;

	(void)state;
	assert_int_equal(hf_open(&a, C->d.sock), 0);
	s1 = hc_session(&a);
	s2 = hc_session(&a);
	assert_true(hf_request(&a, VIRTIO_ACCEL_C_REGISTER_RESOURCE, VACCEL_RESOURCE_MODEL, s1, 0,
			       rd, 2, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_OK);
	/* The same resource registered with the second session too. */
	assert_true(hf_request(&a, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, s2, r.id, NULL, 0, NULL, 0,
			       0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	hf_close(&a);
	assert_true(
	    td_log_wait(&C->d, "frontend disconnected: released 2 sessions, 1 resources", 1, 2000));
	/* No leftovers. */
	assert_true(td_stats_wait(&C->d, "live sessions: 0, live resources: 0", 3000));
	assert_true(hf_healthy(&C->h));
}

/*
 * Spec §6: ids are never reused within a connection. The host runtime's
 * pool hands out 1..65536 and wraps; the device's own ids must not, so a
 * stale id (a driver that lost track of a destroy) can never name a newer
 * session. 66,000 create/destroy rounds cross the host pool's wrap.
 */
void hcase_ids_never_reused(void **state)
{
	uint64_t first = 0, last = 0, rid = 0, sid;

	(void)state;
	for (int i = 0; i < 66000; i++) {
		sid = hc_session(&C->h);
		if (sid <= last)
			fail_msg("round %d: session id %llu after %llu", i, (unsigned long long)sid,
				 (unsigned long long)last);
		if (!first)
			first = sid;
		last = sid;
		assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
	}
	assert_int_equal(hc_noop(&C->h, first), VIRTIO_ACCEL_S_INVSESS);
	/* Resource ids likewise. */
	sid = hc_session(&C->h);
	for (int i = 0; i < 100; i++) {
		struct hf_resp r;
		uint64_t id;

		assert_int_equal(hc_upload(&C->h, sid, 1, 16, &id), VIRTIO_ACCEL_S_OK);
		if (id <= rid)
			fail_msg("round %d: resource id %llu after %llu", i, (unsigned long long)id,
				 (unsigned long long)rid);
		rid = id;
		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid, id, NULL,
				       0, NULL, 0, 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	}
	assert_true(hf_healthy(&C->h));
}

/*
 * Defect 4: one guest could empty the host runtime's session pool
 * (65,535 CREATE_SESSION), failing every other VM. --max-sessions=8 per
 * connection: the ninth is NOSPACE for this connection only.
 */
void hcase_quota_sessions(void **state)
{
	uint64_t sid[8];
	struct hf_resp r;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(sid); i++)
		sid[i] = hc_session(&C->h);
	assert_true(
	    hf_request(&C->h, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0, NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_NOSPACE);
	assert_int_equal(r.id, 0);
	/* Everyone else is unaffected; the quota comes back with a destroy. */
	hc_check();
	assert_int_equal(hc_noop(&C->h, sid[7]), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_destroy(&C->h, sid[3]), VIRTIO_ACCEL_S_OK);
	sid[3] = hc_session(&C->h);
	assert_true(td_log_wait(&C->d, "session quota", 1, 1000));
}

/* Unregister resource id from session sid; asserts it worked. */
static void unregister(uint64_t sid, uint64_t id)
{
	struct hf_resp r;

	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, sid, id, NULL, 0, NULL,
			       0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_OK);
}

/* Defect 4: resources per connection (--max-resources=4). */
void hcase_quota_resources(void **state)
{
	uint64_t sid = hc_session(&C->h), other = hc_session(&C->h), id[4];
	struct hf_resp r;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(id); i++)
		assert_int_equal(hc_upload(&C->h, sid, 1, 16, &id[i]), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_upload(&C->h, sid, 1, 16, NULL), VIRTIO_ACCEL_S_NOSPACE);
	/* Registering one it has with another session is no new resource. */
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, other, id[0], NULL, 0,
			       NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	hc_check();
	/* Released (no session holds it any more): the quota comes back. */
	unregister(sid, id[1]);
	assert_int_equal(hc_upload(&C->h, sid, 1, 16, &id[1]), VIRTIO_ACCEL_S_OK);
	assert_true(td_log_wait(&C->d, "resource quota", 1, 1000));
}

/* Defect 4: uploaded bytes per connection (--max-upload-bytes=65536). */
void hcase_quota_upload_bytes(void **state)
{
	uint64_t sid = hc_session(&C->h), id[2];

	(void)state;
	assert_int_equal(hc_upload(&C->h, sid, 1, 30000, &id[0]), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_upload(&C->h, sid, 1, 30000, &id[1]), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_upload(&C->h, sid, 1, 30000, NULL), VIRTIO_ACCEL_S_NOSPACE);
	assert_int_equal(hc_upload(&C->h, sid, 2, 2000, NULL), VIRTIO_ACCEL_S_OK); /* fits */
	hc_check();
	unregister(sid, id[0]);
	assert_int_equal(hc_upload(&C->h, sid, 1, 30000, NULL), VIRTIO_ACCEL_S_OK);
	assert_true(td_log_wait(&C->d, "upload quota", 1, 1000));
}

/*
 * Defect 4: each uploaded file stays mapped in the daemon; tiny uploads
 * reached vm.max_map_count and then another VM's SET_MEM_TABLE failed.
 * --max-mappings=5 per connection.
 */
void hcase_quota_mappings(void **state)
{
	uint64_t sid = hc_session(&C->h), two;

	(void)state;
	assert_int_equal(hc_upload(&C->h, sid, 3, 16, NULL), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_upload(&C->h, sid, 2, 16, &two), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_upload(&C->h, sid, 1, 16, NULL), VIRTIO_ACCEL_S_NOSPACE);
	hc_check();
	unregister(sid, two);
	assert_int_equal(hc_upload(&C->h, sid, 1, 16, NULL), VIRTIO_ACCEL_S_OK);
	assert_true(td_log_wait(&C->d, "mapping quota", 1, 1000));
}

/* B: SIGUSR1 shows every connection's usage against its limits (defaults here). */
void hcase_stats_per_connection(void **state)
{
	uint64_t s1 = hc_session(&C->h);

	(void)state;
	hc_session(&C->h);
	assert_int_equal(hc_upload(&C->h, s1, 2, 100, NULL), VIRTIO_ACCEL_S_OK);
	kill(C->d.pid, SIGUSR1);
	assert_true(td_log_wait(&C->d,
				"connection 2: sessions 2/256, resources 1/256, uploaded 200/"
				"1073741824 bytes in 2/1024 mappings, bounce 0/1073741824 bytes, "
				"in flight 0/64",
				1, 2000));
	assert_true(td_log_wait(&C->d, "connection 1: sessions 0/256, resources 0/256", 1, 1000));
	assert_true(
	    td_log_wait(&C->d, "2 connections; live sessions: 2, live resources: 1", 1, 1000));
}

/* Busy-polling mode: requests work, and the daemon goes idle after the window. */
void hcase_poll_mode_idle(void **state)
{
	long t0, t1;

	(void)state;
	for (int i = 0; i < 200; i++)
		assert_true(hf_healthy(&C->h));
	td_sleep_ms(200);
	t0 = td_cpu_ticks(&C->d);
	td_sleep_ms(1000);
	t1 = td_cpu_ticks(&C->d);
	print_message("poll mode: %ld CPU ticks in 1 s idle\n", t1 - t0);
	assert_true(t0 >= 0 && t1 - t0 <= 5); /* <= 50 ms of CPU in 1 s */
}

void hcase_sigterm(void **state)
{
	struct stat st;
	int ms;

	(void)state;
	/* With frontends connected, one of them mid-way through nothing. */
	assert_true(hf_healthy(&C->h));
	ms = td_stop(&C->d);
	print_message("daemon exited %d ms after SIGTERM\n", ms);
	assert_true(ms >= 0 && ms < 1000);
	assert_true(stat(C->d.sock, &st) < 0);
}

/* Run the daemon binary with args; capture stdout+stderr; return the exit status. */
static int run_cli(const char *args, char *out, size_t cap)
{
	char cmd[512];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", HF_DAEMON, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void hcase_cli(void **state)
{
	const char *bad[] = {
	    "--bogus",
	    "--queues=0",
	    "--queues=abc",
	    "--max-args=2",
	    "--poll-us=-1",
	    "--socket-path=/tmp/x --fd=3",
	    "",
	    "extra-arg",
	    "--exec-allow=relative/path --socket-path=/tmp/x",
	    "--exec-allow=: --socket-path=/tmp/x",
	    "--max-sessions=0",
	    "--max-resources=-1",
	    "--max-upload-bytes=x",
	    "--max-mappings=0",
	    "--max-bounce-bytes=1",
	    "--max-inflight=3 --queues=2 --workers-per-queue=2 --socket-path=/tmp/x",
	    "--stuck-op-ms=0",
	    "--handshake-timeout-ms=5",
	    "--state-dir= --socket-path=/tmp/x",
	    "--state-dir=/proc/no-such-dir/x --socket-path=/tmp/x",
	    "--state-dir=/dev/null --socket-path=/tmp/x",
	    "--upgrade --fd=3"};
	const char *good[] = {"--exec-allow=mbench --print-capabilities",
			      "--max-inflight=4 --queues=2 --workers-per-queue=2 --help"};
	/* Every limit is documented, and how allowlist names and paths differ. */
	const char *in_help[] = {
	    "--socket-path",	      "--max-sessions", "--max-bounce-bytes", "--max-inflight",
	    "--handshake-timeout-ms", "bare name",	"--state-dir",	      "--upgrade"};
	char out[16384];

	(void)state;
	assert_int_equal(run_cli("--print-capabilities", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"type\": \"accel\""));
	assert_non_null(strstr(out, "\"features\""));
	assert_int_equal(run_cli("--help", out, sizeof(out)), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(in_help); i++)
		if (!strstr(out, in_help[i]))
			fail_msg("--help does not mention '%s': %s", in_help[i], out);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		int st = run_cli(bad[i], out, sizeof(out));

		if (st != 2)
			fail_msg("'%s': exit %d, output: %s", bad[i], st, out);
		/* exactly one line */
		assert_non_null(strchr(out, '\n'));
		assert_null(strchr(strchr(out, '\n') + 1, '\n'));
	}
	for (unsigned i = 0; i < ARRAY_SIZE(good); i++) {
		int st = run_cli(good[i], out, sizeof(out));

		if (st != 0)
			fail_msg("'%s': exit %d, output: %s", good[i], st, out);
	}
}
