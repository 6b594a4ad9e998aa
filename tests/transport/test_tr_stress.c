/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Concurrency: 4 threads x 10,000 operations, each thread with its own
 * session plus one session shared by all, every result checked. Requests
 * complete out of order across and within queues.
 */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "tr_common.h"
#include "vt_main.h"

#define NTHREADS 4
#define NOPS 10000

static struct td daemon_;
static struct vaccel_session shared;

static int group_setup(void **state)
{
	(void)state;
	if (tr_daemon_start(&daemon_, TR_NOOP_PLUGIN, NULL))
		return -1;
	if (tr_guest_bootstrap(&daemon_, TR_VIRTIO_PLUGIN))
		return -1;
	return vaccel_session_init(&shared, VACCEL_PLUGIN_REMOTE) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_session_release(&shared);
	tr_guest_shutdown(&daemon_);
	return 0;
}

struct worker {
	int idx;
	int failures;
	int done;
	char why[128];
};

static void *work(void *p)
{
	struct worker *w = p;
	struct vaccel_session own;
	unsigned seed = 1234u + (unsigned)w->idx;
	int in[257], out[257];
	unsigned char name[64];
	char img[32];
	int ret;

	ret = vaccel_session_init(&own, VACCEL_PLUGIN_REMOTE);
	if (ret) {
		snprintf(w->why, sizeof(w->why), "session init: %d", ret);
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < NOPS; i++) {
		struct vaccel_session *s = i % 3 == 0 ? &shared : &own;
		/* Varying sizes so completions interleave differently. */
		size_t n = 1 + (size_t)(rand_r(&seed) % 256);

		if (i % 5 == 4) {
			memset(name, 0, sizeof(name));
			snprintf(img, sizeof(img), "img-%d-%d", w->idx, i);
			ret = vaccel_image_detection(s, img, name, sizeof(img), sizeof(name));
			if (ret || strcmp((char *)name, "This is a dummy imgname!")) {
				snprintf(w->why, sizeof(w->why), "detect %d: ret %d", i, ret);
				w->failures++;
			}
		} else {
			for (size_t j = 0; j < n; j++)
				in[j] = (w->idx << 24) ^ (i << 8) ^ (int)j;
			memset(out, 0, sizeof(out));
			ret = vaccel_fpga_arraycopy(s, in, out, n);
			if (ret || memcmp(in, out, n * sizeof(int)) || out[n] != 0) {
				snprintf(w->why, sizeof(w->why), "arraycopy %d: ret %d", i, ret);
				w->failures++;
			}
		}
		w->done++;
	}
	vaccel_session_release(&own);
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[NTHREADS];
	struct worker w[NTHREADS];
	int total = 0;

	(void)state;
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){.idx = i};
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failures)
			fprintf(stderr, "thread %d: %d failures, last: %s\n", i, w[i].failures,
				w[i].why);
		assert_int_equal(w[i].failures, 0);
		total += w[i].done;
	}
	assert_int_equal(total, NTHREADS * NOPS);
}

int main(void)
{
	alarm(600);
	return td_finish(VT_RUN(group_setup, group_teardown, test_threads));
}
