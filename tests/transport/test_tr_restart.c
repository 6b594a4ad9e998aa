/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Failure handling: no daemon, a daemon killed between and during requests
 * (errors, never a hang), a restarted daemon (works again; sessions of the
 * old connection are refused with ESESS), and requests larger than the
 * bounce memory (VACCEL_VIRTIO_SHM_MB=16) or the device's request limit
 * (--max-request-bytes=8 MiB) refused without hanging or being sent.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "tr_common.h"
#include "vt_main.h"

static struct td daemon_;

static int group_setup(void **state)
{
	static const char *const extra[] = {"--max-request-bytes=8388608", NULL};

	(void)state;
	if (tr_daemon_start(&daemon_, TR_NOOP_PLUGIN, extra))
		return -1;
	setenv("VACCEL_VIRTIO_SHM_MB", "16", 1);
	return tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tr_guest_shutdown(&daemon_);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_transport_error(int ret)
{
	return ret == VACCEL_EIO || ret == VACCEL_ENODEV || ret == VACCEL_ESESS;
}

static void test_too_big(void **state)
{
	static struct vaccel_session s;
	const size_t n = (32u << 20) / sizeof(int);
	int *a = calloc(n, sizeof(int)), *b = calloc(n, sizeof(int));
	double t0 = now_s();
	int sent;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	sent = td_log_count(&daemon_, "Calling fpga_arraycopy");
	/* 64 MiB of request, 16 MiB of shared memory: refused at once. */
	assert_int_equal(vaccel_fpga_arraycopy(&s, a, b, n), VACCEL_ENOSPC);
	/* 10 MiB fits our memory but not the device's 8 MiB request limit. */
	assert_int_equal(vaccel_fpga_arraycopy(&s, a, b, (5u << 20) / sizeof(int)), VACCEL_ENOSPC);
	assert_true(now_s() - t0 < 5.0);
	/* Neither reached the device. */
	assert_int_equal(td_log_count(&daemon_, "Calling fpga_arraycopy"), sent);
	/* 6 MiB fits both. */
	a[1000] = 77;
	assert_int_equal(vaccel_fpga_arraycopy(&s, a, b, (3u << 20) / sizeof(int)), VACCEL_OK);
	assert_int_equal(b[1000], 77);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	free(a);
	free(b);
}

struct looper {
	struct vaccel_session *s;
	int ok, err, last;
	volatile bool stop;
};

static void *loop_ops(void *p)
{
	struct looper *l = p;
	int in[64], out[64];

	for (int i = 0; i < 64; i++)
		in[i] = i;
	while (!l->stop) {
		int ret = vaccel_fpga_arraycopy(l->s, in, out, 64);

		if (ret) {
			l->err++;
			l->last = ret;
			break;
		}
		__atomic_add_fetch(&l->ok, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Wait (bounded) until every looper has completed some ops: mid-run, on any load. */
static void wait_all_running(struct looper *l, int n)
{
	double t0 = now_s();
	int running;

	do {
		running = 0;
		for (int i = 0; i < n; i++)
			running += __atomic_load_n(&l[i].ok, __ATOMIC_RELAXED) > 0;
		if (running < n)
			usleep(10000);
	} while (running < n && now_s() - t0 < 10.0);
	usleep(50000);
}

static void test_killed_mid_run_then_restarted(void **state)
{
	static struct vaccel_session s, s2;
	struct looper l[3];
	pthread_t t[3];
	double t0;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	for (int i = 0; i < 3; i++) {
		l[i] = (struct looper){.s = &s};
		pthread_create(&t[i], NULL, loop_ops, &l[i]);
	}
	wait_all_running(l, 3);
	t0 = now_s();
	td_kill(&daemon_, SIGKILL);
	/* Every thread comes back with an error, promptly. */
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		assert_true(l[i].ok > 0);
		assert_int_equal(l[i].err, 1);
		assert_true(is_transport_error(l[i].last));
	}
	assert_true(now_s() - t0 < 10.0);

	/* Nobody listening: a clear error, no hang. */
	t0 = now_s();
	assert_int_equal(vaccel_session_init(&s2, VACCEL_PLUGIN_REMOTE), VACCEL_ENODEV);
	assert_true(now_s() - t0 < 5.0);

	/* Restarted: new sessions work; the old one is gone on the host. */
	assert_int_equal(td_restart(&daemon_), 0);
	assert_int_equal(vaccel_session_init(&s2, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_noop(&s2), VACCEL_OK);
	assert_int_equal(vaccel_noop(&s), VACCEL_ESESS);
	assert_int_equal(vaccel_session_release(&s2), VACCEL_OK);
	/* Releasing a session of the dead connection succeeds locally. */
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

static void test_killed_between_requests(void **state)
{
	static struct vaccel_session s;
	int ret;

	(void)state;
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_noop(&s), VACCEL_OK);
	td_kill(&daemon_, SIGKILL);
	ret = vaccel_noop(&s);
	assert_true(is_transport_error(ret));
	assert_int_equal(td_restart(&daemon_), 0);
	assert_int_equal(vaccel_noop(&s), VACCEL_ESESS);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
	assert_int_equal(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
	assert_int_equal(vaccel_noop(&s), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

int main(void)
{
	alarm(300);
	return td_finish(VT_RUN(group_setup, group_teardown, test_too_big,
				test_killed_mid_run_then_restarted, test_killed_between_requests));
}
