/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile cases: host code a guest names (EXEC). Only libraries the
 * operator allowed, only functions those libraries define themselves; an
 * op that never returns costs one worker, not its queue or its connection;
 * operators may allow bare library names as well as paths.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "hc.h"

/* EXEC of `symbol` in `lib` with hf_slow's args (ms, one int32 out). */
static int exec_call(struct hf *h, uint64_t sid, const char *lib, const char *symbol, int32_t ms,
		     struct hf_resp *r)
{
	uint8_t op = VACCEL_OP_EXEC;
	struct hf_arg rd[] = {{&op, 1, VACCEL_ARG_UINT8},
			      {lib, strlen(lib) + 1, VACCEL_ARG_STRING},
			      {symbol, strlen(symbol) + 1, VACCEL_ARG_STRING},
			      {&ms, sizeof(ms), VACCEL_ARG_INT32}};
	struct hf_arg wr[] = {{NULL, sizeof(int32_t), VACCEL_ARG_INT32}};

	return hf_request(h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, ARRAY_SIZE(rd), wr,
			  ARRAY_SIZE(wr), 0, r);
}

/* The same, posted without waiting (several may be in flight). */
static void exec_post(struct hf *h, uint64_t sid, const char *symbol, int32_t ms,
		      struct hf_pending *p)
{
	static int32_t arg;
	uint8_t op = VACCEL_OP_EXEC;
	struct hf_arg rd[] = {{&op, 1, VACCEL_ARG_UINT8},
			      {HF_SLOWLIB, sizeof(HF_SLOWLIB), VACCEL_ARG_STRING},
			      {symbol, strlen(symbol) + 1, VACCEL_ARG_STRING},
			      {&arg, sizeof(arg), VACCEL_ARG_INT32}};
	struct hf_arg wr[] = {{NULL, sizeof(int32_t), VACCEL_ARG_INT32}};

	arg = ms;
	assert_int_equal(
	    hf_post(h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, ARRAY_SIZE(rd), wr, ARRAY_SIZE(wr), p),
	    0);
}

/* Post a NOOP on h's current queue. */
static void noop_post(struct hf *h, uint64_t sid, struct hf_pending *p)
{
	assert_int_equal(hf_post(h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &hf_noop_arg, 1, NULL, 0, p),
			 0);
}

void hcase_exec_policy(void **state)
{
	uint64_t sid = hc_session(&C->h);
	struct hf_resp r;

	(void)state;
	/* No --exec-allow: loading any host library is refused. */
	assert_true(exec_call(&C->h, sid, "/bin/true", "main", 5, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_EPERM);
	assert_int_equal(r.out_len[0], 0);
	assert_true(td_log_wait(&C->d, "is not allowed", 1, 2000));
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
	assert_true(hf_healthy(&C->h));
}

/*
 * Defect 2: the allowed library is the one searched, not its dependency
 * tree: dlsym() on its handle found libc's abort/exit (the daemon died,
 * every VM with it) and pause (a worker wedged); a data symbol of the
 * library itself was called as code. All are refused with EPERM.
 */
void hcase_exec_symbol_outside_library(void **state)
{
	const char *const outside[] = {"abort", "exit",	       "_exit",
				       "pause", "vaccel_noop", "hf_counter"};
	uint64_t sid = hc_session(&C->h);
	struct hf_resp r;
	int32_t v;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(outside); i++) {
		print_message("symbol %s\n", outside[i]);
		if (exec_call(&C->h, sid, HF_SLOWLIB, outside[i], 0, &r) < 0 || !td_alive(&C->d)) {
			td_log_dump(&C->d);
			fail_msg("EXEC of %s: the daemon %s", outside[i],
				 td_alive(&C->d) ? "did not answer" : "died");
		}
		assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
		assert_int_equal(r.vret, VACCEL_EPERM);
	}
	/* The library's own function still runs. */
	assert_true(exec_call(&C->h, sid, HF_SLOWLIB, "hf_slow", 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_OK);
	memcpy(&v, r.out[0], sizeof(v));
	assert_int_equal(v, 1);
	assert_true(td_log_wait(&C->d, "not a function of", 1, 1000));
}

/*
 * Defect 2 in the exec plugin itself: code the guest uploaded (allowed by
 * --allow-exec-upload) is not checked by the daemon's policy, so the
 * plugin must apply the same rule: the library's own functions only. The
 * upload here is the hf library; abort from its dependencies killed the
 * daemon.
 */
void hcase_exec_upload_symbol_outside_library(void **state)
{
	uint64_t sid = hc_session(&C->h), rid;
	uint8_t op = VACCEL_OP_EXEC_WITH_RESOURCE;
	int32_t ms = 0, v;
	struct hf_arg rd[] = {{&op, 1, VACCEL_ARG_UINT8},
			      {&rid, sizeof(rid), VACCEL_ARG_INT64},
			      {NULL, 0, VACCEL_ARG_STRING},
			      {&ms, sizeof(ms), VACCEL_ARG_INT32}};
	struct hf_arg wr[] = {{NULL, sizeof(int32_t), VACCEL_ARG_INT32}};
	struct hf_arg up[2];
	struct hf_resp r;
	FILE *f = fopen(HF_SLOWLIB, "rb");
	static char lib[256 * 1024];
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(lib, 1, sizeof(lib), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(lib));
	up[0] = (struct hf_arg){"libhfslow.so", 13, VACCEL_ARG_STRING};
	up[1] = (struct hf_arg){lib, n, VACCEL_ARG_BUFFER};
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_REGISTER_RESOURCE, VACCEL_RESOURCE_LIB, sid, 0,
			       up, 2, NULL, 0, 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_OK);
	rid = r.id;
	rd[2] = (struct hf_arg){"abort", 6, VACCEL_ARG_STRING};
	if (hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, ARRAY_SIZE(rd), wr,
		       ARRAY_SIZE(wr), 0, &r) < 0 ||
	    !td_alive(&C->d)) {
		td_log_dump(&C->d);
		fail_msg("EXEC_WITH_RESOURCE of abort: the daemon %s",
			 td_alive(&C->d) ? "did not answer" : "died");
	}
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_ENOSYS);
	rd[2] = (struct hf_arg){"hf_slow", 8, VACCEL_ARG_STRING};
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, rd, ARRAY_SIZE(rd), wr,
			       ARRAY_SIZE(wr), 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_OK);
	memcpy(&v, r.out[0], sizeof(v));
	assert_int_equal(v, 1);
}

/*
 * Defect 2: an op that never returns (hf_forever, a function of the
 * allowed library). With one worker per queue it took its queue down and,
 * at disconnect, the teardown waited for it forever. Now, after
 * --stuck-op-ms, another worker serves the queue, and the connection ends
 * promptly, leaving that op (one thread) behind.
 */
void hcase_exec_stuck_op(void **state)
{
	struct hf_pending stuck, fast, *p;
	int closed;
	uint64_t sid;

	(void)state;
	sid = hc_session(&C->h);
	hf_reset_alloc(&C->h);
	C->h.no_reset = true;
	exec_post(&C->h, sid, "hf_forever", 0, &stuck);
	td_sleep_ms(100);
	noop_post(&C->h, sid, &fast);
	p = hf_reap(&C->h, 3000);
	if (p != &fast) {
		td_log_dump(&C->d);
		fail_msg("queue 0 stopped serving behind an op that never returns");
	}
	assert_int_equal(fast.resp.status, VIRTIO_ACCEL_S_OK);
	C->h.no_reset = false;
	C->h.cur = 1;
	assert_true(hf_healthy(&C->h));
	kill(C->d.pid, SIGUSR1);
	assert_true(td_log_wait(&C->d, "in flight 1/64 (1 stuck)", 1, 2000));
	/* DESTROY answers at once; the release waits for the op. */
	assert_int_equal(hc_destroy(&C->h, sid), VIRTIO_ACCEL_S_OK);
	closed = td_log_count(&C->d, "frontend disconnected");
	hf_close(&C->h);
	if (!td_log_wait(&C->d, "frontend disconnected", closed + 1, 3000)) {
		td_log_dump(&C->d);
		fail_msg("the connection's teardown waited for an op that never returns");
	}
	assert_true(td_log_wait(&C->d, "left behind", 1, 1000));
	kill(C->d.pid, SIGUSR1);
	assert_true(td_log_wait(&C->d, "1 ops left behind", 1, 2000));
}

/*
 * B, in flight: --max-inflight=3 bounds the worker threads of a connection,
 * stuck ones included (2 queues x 1 worker + 1 replacement). Two stuck ops
 * on queue 0 leave it without a worker (its third request waits) but queue
 * 1 serves, the thread count grows by one at most, and the connection can
 * still be torn down. Resetting queue 0 does not free the stuck ops'
 * threads, so it does not start again and cannot grow the count either.
 */
void hcase_quota_inflight(void **state)
{
	struct hf_pending stuck[3];
	long threads0, threads1;
	uint64_t sid;
	int closed;

	(void)state;
	sid = hc_session(&C->h);
	threads0 = td_threads(&C->d);
	hf_reset_alloc(&C->h);
	C->h.no_reset = true;
	for (unsigned i = 0; i < ARRAY_SIZE(stuck); i++) {
		exec_post(&C->h, sid, "hf_forever", 0, &stuck[i]);
		td_sleep_ms(400); /* stuck after 200 ms, then replaced if allowed */
	}
	threads1 = td_threads(&C->d);
	print_message("daemon threads: %ld before, %ld with 3 ops that never return\n", threads0,
		      threads1);
	assert_true(threads1 - threads0 <= 1);
	assert_null(hf_reap(&C->h, 300)); /* the third waits: no worker left for queue 0 */
	C->h.no_reset = false;
	C->h.cur = 1;
	assert_true(hf_healthy(&C->h));
	kill(C->d.pid, SIGUSR1);
	assert_true(td_log_wait(&C->d, "in flight 2/3 (2 stuck)", 1, 2000));
	/*
	 * A driver that resets its queue leaves the stuck ops behind; they
	 * still hold their threads, so the queue does not start again and
	 * resets cannot pile up threads.
	 */
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(hf_restart_queue(&C->h, 0), 0);
	assert_true(td_log_wait(&C->d, "not started: all 3 worker threads", 3, 2000));
	threads1 = td_threads(&C->d);
	print_message("daemon threads: %ld after 3 resets of queue 0\n", threads1);
	assert_true(threads1 - threads0 <= 1);
	assert_true(hf_healthy(&C->h)); /* queue 1 still serves */
	closed = td_log_count(&C->d, "frontend disconnected");
	hf_close(&C->h);
	if (!td_log_wait(&C->d, "frontend disconnected", closed + 1, 3000)) {
		td_log_dump(&C->d);
		fail_msg("the connection's teardown waited for ops that never return");
	}
}

/*
 * F: an allowlist entry without a '/' is a bare library name (as
 * upstream's mbench uses): it allows exactly that name, resolved by the
 * host plugin's loader; the file's path is not allowed by it.
 */
void hcase_exec_bare_name(void **state)
{
	const char *const refused[] = {HF_SLOWLIB, "./libhfslow.so", "libhfslow.so.1",
				       "libnothere.so", "hfslow"};
	uint64_t sid = hc_session(&C->h);
	struct hf_resp r;
	int32_t v;

	(void)state;
	assert_true(exec_call(&C->h, sid, "libhfslow.so", "hf_slow", 0, &r) > 0);
	assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(r.vret, VACCEL_OK);
	memcpy(&v, r.out[0], sizeof(v));
	assert_int_equal(v, 1);
	for (unsigned i = 0; i < ARRAY_SIZE(refused); i++) {
		assert_true(exec_call(&C->h, sid, refused[i], "hf_slow", 0, &r) > 0);
		assert_int_equal(r.status, VIRTIO_ACCEL_S_OK);
		assert_int_equal(r.vret, VACCEL_EPERM);
	}
	/* The same symbol rule as for paths. */
	assert_true(exec_call(&C->h, sid, "libhfslow.so", "abort", 0, &r) > 0);
	assert_int_equal(r.vret, VACCEL_EPERM);
	assert_true(hf_healthy(&C->h));
}

/*
 * A slow op (hf_slow for 1 s): a later request on the same queue completes
 * first, another queue is not held up, and a DESTROY_SESSION meanwhile
 * answers at once while the release waits for the op, which still
 * finishes fine.
 */
void hcase_slow_op_concurrency(void **state)
{
	struct hf_pending slow, fast, *p;
	struct hf *h = &C->h;
	uint64_t sid;
	long t0;
	int32_t v;

	(void)state;
	sid = hc_session(h);
	hf_reset_alloc(h);
	h->no_reset = true;
	t0 = td_now_ms();
	exec_post(h, sid, "hf_slow", 1000, &slow);
	td_sleep_ms(50);
	noop_post(h, sid, &fast);
	/* Out of order on queue 0: the noop first. */
	p = hf_reap(h, 600);
	assert_ptr_equal(p, &fast);
	assert_int_equal(fast.resp.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(fast.resp.vret, VACCEL_OK);
	assert_true(td_now_ms() - t0 < 700);
	/* Queue 1 meanwhile: served at once; the session is destroyed under the op. */
	h->cur = 1;
	assert_int_equal(hc_noop(h, sid), VIRTIO_ACCEL_S_OK);
	assert_int_equal(hc_destroy(h, sid), VIRTIO_ACCEL_S_OK);
	assert_true(td_now_ms() - t0 < 800);
	assert_int_equal(hc_noop(h, sid), VIRTIO_ACCEL_S_INVSESS);
	/* The slow op ends normally, in its (now released) session. */
	h->cur = 0;
	p = hf_reap(h, 3000);
	assert_ptr_equal(p, &slow);
	print_message("slow op done after %ld ms\n", td_now_ms() - t0);
	assert_int_equal(slow.resp.status, VIRTIO_ACCEL_S_OK);
	assert_int_equal(slow.resp.vret, VACCEL_OK);
	assert_int_equal(slow.resp.out_len[0], 4);
	memcpy(&v, slow.resp.out[0], 4);
	assert_int_equal(v, 1);
	h->no_reset = false;
	assert_true(td_stats_wait(&C->d, "live sessions: 0, live resources: 0", 3000));
	assert_true(hf_healthy(h));
}
