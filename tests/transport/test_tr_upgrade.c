/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Planned handover (--upgrade, SIGHUP): a running daemon gives its
 * listening socket, its live connection and the connection's sessions to
 * a successor while the guest streams requests; the guest sees no error,
 * every request runs exactly once (the old and the new daemon's counts of
 * the session's ops add up to the guest's), the old daemon exits 0 and
 * the new one serves on. A successor that does not fit (other --queues)
 * is refused and the running daemon serves on. With --state-dir the
 * sessions and resources move with the journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "tr_common.h"
#include "vt_main.h"

#define STREAMERS 2
#define PER_STREAMER 5000 /* 10,000 noops on one session */

extern char **environ;

static struct td daemon_;
static pid_t
    successor; /* started by the old daemon on SIGHUP (not our child), or by start_upgrade */

static int group_setup(void **state)
{
	static const char *const extra[] = {"--queues=2", NULL};
	struct td_opts o = {.plugin = TR_NOOP_PLUGIN, .args = extra, .log_level = 3};

	(void)state;
	if (td_start(&daemon_, TR_DAEMON, &o))
		return -1;
	return tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_cleanup();
	if (successor > 0) {
		/* Gone as a frontend first (its journal with it), then stopped. */
		td_log_wait(&daemon_, "frontend disconnected", 1, 5000);
		kill(successor, SIGTERM);
		/* Our child only under an emulator (start_upgrade): reap it then. */
		for (int i = 0;
		     i < 50 && kill(successor, 0) == 0 && waitpid(successor, NULL, WNOHANG) <= 0;
		     i++)
			td_sleep_ms(100);
		kill(successor, SIGKILL);
	}
	td_stop(&daemon_);
	return 0;
}

/* The number after `needle` in the log, summed over every occurrence. */
static uint64_t log_sum(const char *needle, const char *after)
{
	char *log = td_log_read(&daemon_), *p;
	uint64_t sum = 0;

	for (p = log; p && (p = strstr(p, needle)); p += strlen(needle)) {
		char *a = strstr(p, after);
		uint64_t v;

		if (a && sscanf(a + strlen(after), "%" SCNu64, &v) == 1)
			sum += v;
	}
	free(log);
	return sum;
}

struct streamer {
	struct vaccel_session *s;
	int ok, err, last;
};

static void *stream(void *p)
{
	struct streamer *st = p;

	for (int i = 0; i < PER_STREAMER; i++) {
		int ret = vaccel_noop(st->s);

		if (ret) {
			st->err++;
			st->last = ret;
			continue;
		}
		__atomic_add_fetch(&st->ok, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Start the daemon binary with args (NULL-terminated), serving the noop
 * plugin as the harness's daemon does (under a cross build's emulator,
 * through it), its output appended to the harness daemon's log: its pid, or -1.
 */
static pid_t spawn_daemon(const char *const *args)
{
	static const char *const keep[] = {"LD_LIBRARY_PATH=", "ASAN_OPTIONS=", "UBSAN_OPTIONS="};
	const char *wrapper = getenv("MESON_EXE_WRAPPER");
	const char *argv[TD_MAX_ARGS + 4],
	    *envp[8] = {"VACCEL_PLUGINS=" TR_NOOP_PLUGIN, "VACCEL_LOG_LEVEL=3"};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int n = 0, e = 2, ret;

	if (wrapper && wrapper[0])
		argv[n++] = wrapper;
	argv[n++] = TR_DAEMON;
	for (int i = 0; args[i] && n < TD_MAX_ARGS + 3; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	for (char **v = environ; *v; v++)
		for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]) && e < 7; k++)
			if (!strncmp(*v, keep[k], strlen(keep[k])))
				envp[e++] = *v;
	envp[e] = NULL;
	if (posix_spawn_file_actions_init(&fa))
		return -1;
	ret = posix_spawn_file_actions_addopen(&fa, 1, daemon_.log, O_WRONLY | O_APPEND, 0) ||
	      posix_spawn_file_actions_adddup2(&fa, 1, 2) ||
	      posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, (char *const *)envp);
	posix_spawn_file_actions_destroy(&fa);
	return ret ? -1 : pid;
}

/* spawn_daemon(args) and wait: its exit status, or -1. */
static int run_daemon(const char *const *args)
{
	pid_t pid = spawn_daemon(args);
	int st;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Ask the running daemon to hand over: SIGHUP, so that it starts its
 * successor itself. Under a cross build's emulator that self-start cannot
 * work (the daemon execs its own binary, which needs binfmt_misc there), so
 * the successor is started here instead, with the same options and
 * --upgrade: the handover itself is the same.
 */
static void start_upgrade(void)
{
	const char *wrapper = getenv("MESON_EXE_WRAPPER");
	const char *const *a = daemon_.argv;
	const char *args[TD_MAX_ARGS + 3];
	int n = 0;

	if (!wrapper || !wrapper[0]) {
		kill(daemon_.pid, SIGHUP);
		return;
	}
	/* The running daemon's socket and options, as the harness started it. */
	while (*a && *a != daemon_.sockarg)
		a++;
	for (; *a && n < TD_MAX_ARGS + 1; a++)
		args[n++] = *a;
	args[n++] = "--upgrade";
	args[n] = NULL;
	successor = spawn_daemon(args);
	assert_true(successor > 0);
}

static void test_refused_successor(void **state)
{
	static struct vaccel_session s;
	const char *args[] = {daemon_.sockarg, "--queues=3", "--upgrade", NULL};
	int rc;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_noop(&s), VACCEL_OK);
	rc = run_daemon(args);
	if (rc != 1)
		fail_msg("a successor with other --queues: exit %d, expected 1", rc);
	assert_true(td_log_wait(&daemon_, "is incompatible", 1, 5000));
	/* The running daemon serves on, its session intact. */
	assert_true(td_alive(&daemon_));
	assert_int_equal(vaccel_noop(&s), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

/* The old daemon leaves by itself once it handed over; note its successor's pid. */
static void wait_old_gone(void)
{
	char *log, *p;
	long t0 = td_now_ms();

	while (td_alive(&daemon_) && td_now_ms() - t0 < 10000)
		td_sleep_ms(20);
	assert_false(td_alive(&daemon_));
	log = td_log_read(&daemon_);
	p = log ? strstr(log, "successor pid ") : NULL;
	if (p)
		successor = (pid_t)atoi(p + strlen("successor pid "));
	free(log);
	assert_true(successor > 0);
}

static void test_upgrade_under_load(void **state)
{
	static struct vaccel_session s, s2;
	struct streamer st[STREAMERS];
	pthread_t t[STREAMERS];
	uint64_t before, after;
	int ok = 0, err = 0, last = 0;
	long t0;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	memset(st, 0, sizeof(st));
	for (int i = 0; i < STREAMERS; i++) {
		st[i].s = &s;
		assert_int_equal(pthread_create(&t[i], NULL, stream, &st[i]), 0);
	}
	/* Mid-stream: a fifth of the way. */
	t0 = td_now_ms();
	while (__atomic_load_n(&st[0].ok, __ATOMIC_RELAXED) < PER_STREAMER / 5 &&
	       td_now_ms() - t0 < 60000)
		td_sleep_ms(5);
	start_upgrade();
	assert_true(td_log_wait(&daemon_, "upgrade: serving 1 connections taken over", 1, 20000));
	for (int i = 0; i < STREAMERS; i++) {
		pthread_join(t[i], NULL);
		ok += st[i].ok;
		err += st[i].err;
		if (st[i].err)
			last = st[i].last;
	}
	wait_old_gone();
	if (err || ok != STREAMERS * PER_STREAMER)
		fail_msg("guest: %d ok, %d failed (last %d), expected %d ok", ok, err, last,
			 STREAMERS * PER_STREAMER);
	/* The session lives on in the successor; a new one works too. */
	assert_int_equal(vaccel_noop(&s), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s2, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_noop(&s2), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s2), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	/* Each request ran exactly once: old + new = the guest's count (+1 after). */
	assert_true(td_log_wait(&daemon_, "(taken over at a handover) released", 1, 5000));
	before = log_sum("handed over: ", "handed over: ");
	after = log_sum("(taken over at a handover) released: ", "released: ");
	if (before + after != (uint64_t)ok + 1 || before == 0 || after == 0)
		fail_msg("ops on the session: %" PRIu64 " by the old daemon + %" PRIu64
			 " by the new one, expected %d in all (both > 0)",
			 before, after, ok + 1);
}

/* ------------------------------------------------ with a state journal */

static char state_dir[] = "/tmp/tr-upgrade-state-XXXXXX";

static int journal_setup(void **state)
{
	static char opt[64];
	static const char *extra[] = {"--queues=2", opt, NULL};
	struct td_opts o = {.plugin = TR_NOOP_PLUGIN, .args = extra, .log_level = 3};

	(void)state;
	successor = 0;
	if (!mkdtemp(state_dir))
		return -1;
	snprintf(opt, sizeof(opt), "--state-dir=%s", state_dir);
	if (td_start(&daemon_, TR_DAEMON, &o))
		return -1;
	return tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN) ? -1 : 0;
}

static int journal_teardown(void **state)
{
	(void)state;
	/*
	 * The frontend leaves: the successor logs that, then drops the journal when the
	 * connection ends. Stopped in between, it would keep the journal for a next daemon,
	 * so wait for the journal to go before group_teardown() stops it.
	 */
	vaccel_cleanup();
	for (int i = 0; i < 200 && rmdir(state_dir) && errno == ENOTEMPTY; i++)
		td_sleep_ms(50);
	group_teardown(state);
	/* The journal's directory went with the frontend; ours is empty (or gone above). */
	if (rmdir(state_dir) && errno != ENOENT) {
		fprintf(stderr, "journal directory %s: %s\n", state_dir, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * With --state-dir the sessions and resources move with the journal: a
 * resource registered before the upgrade is still known after it (its
 * unregistration is accepted) and the session runs on.
 */
static void test_upgrade_with_journal(void **state)
{
	static struct vaccel_session s;
	static struct vaccel_resource res;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&res, TR_MYTESTLIB, VACCEL_RESOURCE_LIB), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&res, &s), VACCEL_OK);
	assert_int_equal(vaccel_noop(&s), VACCEL_OK);
	start_upgrade();
	assert_true(
	    td_log_wait(&daemon_, "restored from the journal after the handover", 1, 20000));
	wait_old_gone();
	assert_int_equal(vaccel_noop(&s), VACCEL_OK);
	assert_int_equal(vaccel_resource_unregister(&res, &s), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&res), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_int_equal(td_log_count(&daemon_, "could not be restored"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refused_successor),
	    cmocka_unit_test(test_upgrade_under_load),
	};
	const struct CMUnitTest journal_tests[] = {
	    cmocka_unit_test(test_upgrade_with_journal),
	};
	int failed;

	alarm(300);
	failed = vt_run_group(tests, group_setup, group_teardown);
	failed += vt_run_group(journal_tests, journal_setup, journal_teardown);
	return td_finish(failed);
}
