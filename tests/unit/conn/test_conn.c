/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's per-connection tables (backend/conn.c) under races: requests
 * pin a session and a resource (conn_get) and unpin them (conn_put, which
 * takes no lock) while DESTROY_SESSION, the release of the resource it
 * orphans, or a disconnect (conn_release_all) runs. Whatever the order, an
 * entry a request holds stays valid until its conn_put, is released exactly
 * once (the quotas come back to zero, never below), and a dying entry is
 * never found again. Run under ASan too (a use after free or a double free
 * shows there). The noop plugin backs the sessions.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <vaccel.h>

#include "daemon.h"
#include "vt_main.h"

#define THREADS 4
#define ROUNDS 100

static const struct conn_charge none;
static struct conn_limits lim = {.sessions = 16,
				 .resources = 16,
				 .upload_bytes = 1 << 20,
				 .mappings = 16,
				 .bounce_bytes = 1 << 20,
				 .inflight = 8};

/* What CREATE_SESSION does (handle.c), without a journal. */
static uint64_t new_sess(struct conn *c)
{
	struct vaccel_session *s;
	uint64_t id;

	assert_int_equal(conn_reserve(c, CONN_SESS, &none), 0);
	assert_int_equal(hostrt_session_new(&s, 0), VACCEL_OK);
	assert_int_equal(conn_add(c, CONN_SESS, s, &none, &id), 0);
	return id;
}

/* What REGISTER_RESOURCE of one new file does: the resource, registered to sid. */
static uint64_t new_res(struct conn *c, uint64_t sid)
{
	static const char data[] = "weights";
	struct vaccel_blob blob = {.type = VACCEL_BLOB_MAPPED,
				   .name = (char *)"model.bin",
				   .data = (uint8_t *)data,
				   .size = sizeof(data) - 1};
	const struct vaccel_blob *bp = &blob;
	struct conn_charge ch = {blob.size, 1};
	struct conn_entry *s = conn_get(c, CONN_SESS, sid);
	struct vaccel_resource *res;
	uint64_t id;

	assert_non_null(s);
	assert_int_equal(conn_reserve(c, CONN_RES, &ch), 0);
	assert_int_equal(hostrt_resource_new(&res, &bp, 1, VACCEL_RESOURCE_DATA), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(res, s->sess), VACCEL_OK);
	assert_int_equal(conn_add(c, CONN_RES, res, &ch, &id), 0);
	conn_put(c, s);
	return id;
}

/* Nothing listed, nothing held: every entry went exactly once. */
static void assert_empty(struct conn *c)
{
	struct conn_usage u;

	conn_usage(c, &u);
	assert_int_equal(u.count[CONN_SESS], 0);
	assert_int_equal(u.count[CONN_RES], 0);
	assert_int_equal(u.up.bytes, 0);
	assert_int_equal(u.up.files, 0);
}

/* Lookups in tables of every size up to the quota, ids listed in any order, some gone. */
static void lookup_sizes(void **state)
{
	uint64_t ids[16];
	struct conn c;

	(void)state;
	assert_int_equal(conn_init(&c, &lim), 0);
	for (unsigned n = 0; n < 16; n++) {
		struct vaccel_session *s;

		/* Ids 2, 4, ..., listed from both ends towards the middle (creates on other
		 * queues). */
		ids[n] = n % 2 ? 2 * (16 - n / 2) : 2 * (n / 2 + 1);
		assert_int_equal(conn_reserve(&c, CONN_SESS, &none), 0);
		assert_int_equal(hostrt_session_new(&s, 0), VACCEL_OK);
		assert_int_equal(conn_add_as(&c, CONN_SESS, s, &none, ids[n]), 0);
		for (uint64_t id = 0; id <= 34; id++) {
			struct conn_entry *e = conn_get(&c, CONN_SESS, id);
			bool listed = false;

			for (unsigned i = 0; i <= n; i++)
				listed = listed || ids[i] == id;
			assert_true(!e == !listed);
			if (e) {
				assert_int_equal(e->id, id);
				conn_put(&c, e);
			}
		}
	}
	/* Gone from any position: first, last, middle. */
	assert_true(conn_destroy_sess(&c, 2));
	assert_true(conn_destroy_sess(&c, 32));
	assert_true(conn_destroy_sess(&c, 16));
	for (uint64_t id = 0; id <= 34; id++) {
		struct conn_entry *e = conn_get(&c, CONN_SESS, id);
		bool live = id % 2 == 0 && id >= 4 && id <= 30 && id != 16;

		assert_true(!e == !live);
		if (e)
			conn_put(&c, e);
	}
	conn_destroy(&c);
}

/* A request pins the session: DESTROY_SESSION hides it at once, the unpin releases it. */
static void destroy_waits_for_pin(void **state)
{
	uint64_t last[CONN_KINDS];
	struct conn_entry *e;
	struct conn_usage u;
	struct conn c;
	uint64_t sid;

	(void)state;
	assert_int_equal(conn_init(&c, &lim), 0);
	sid = new_sess(&c);
	e = conn_get(&c, CONN_SESS, sid);
	assert_non_null(e);
	assert_true(conn_destroy_sess(&c, sid));
	assert_null(conn_get(&c, CONN_SESS, sid));
	assert_false(conn_destroy_sess(&c, sid));
	conn_usage(&c, &u);
	assert_int_equal(u.count[CONN_SESS], 1); /* still listed, dying, until the unpin */
	assert_int_equal(conn_export(&c, NULL, 0, last), -EBUSY);
	assert_non_null(e->sess); /* still ours to use */
	conn_put(&c, e);
	assert_empty(&c);
	conn_destroy(&c);
}

/*
 * The disconnect comes while a conn_put releases a session the guest just
 * destroyed: its pin is dropped (the word is exactly "dying") and it is on
 * its way to the lock. Deterministic: the test makes that conn_put's first
 * step itself, runs the disconnect in the window, then lets the conn_put
 * finish. The disconnect must leave the entry to that conn_put (no double
 * release), count only what it released itself (the VM tests' "released 0
 * sessions" check), and hide nothing else.
 */
static void disconnect_during_release(void **state)
{
	struct conn_entry *e;
	struct conn_usage u;
	struct conn c;
	unsigned ns, nr, pin, dying;
	uint64_t gone, idle;

	(void)state;
	assert_int_equal(conn_init(&c, &lim), 0);
	gone = new_sess(&c);
	idle = new_sess(&c);
	e = conn_get(&c, CONN_SESS, gone); /* the request whose conn_put will release it */
	assert_non_null(e);
	pin = __atomic_load_n(&e->pins, __ATOMIC_RELAXED);
	assert_true(conn_destroy_sess(&c, gone)); /* the guest's DESTROY_SESSION: answered */
	dying = __atomic_load_n(&e->pins, __ATOMIC_RELAXED) - pin;
	assert_true(dying != 0 && (dying & pin) == 0);
	/* conn_put's first step: the last pin goes; it now heads for the lock. */
	__atomic_fetch_sub(&e->pins, pin, __ATOMIC_ACQ_REL);

	conn_release_all(&c, &ns, &nr);
	assert_int_equal(ns, 1); /* the idle session only */
	assert_int_equal(nr, 0);
	assert_null(conn_get(&c, CONN_SESS, gone));
	assert_null(conn_get(&c, CONN_SESS, idle));
	conn_usage(&c, &u);
	assert_int_equal(u.count[CONN_SESS], 1); /* still the conn_put's to release */
	assert_non_null(e->sess);

	/* The rest of that conn_put (the same word it saw: it releases). */
	__atomic_fetch_add(&e->pins, pin, __ATOMIC_ACQ_REL);
	conn_put(&c, e);
	assert_empty(&c);
	/* Nothing left for a second disconnect. */
	conn_release_all(&c, &ns, &nr);
	assert_int_equal(ns, 0);
	assert_int_equal(nr, 0);
	conn_destroy(&c);
}

struct racer {
	struct conn *c;
	uint64_t sid, rid;
	int64_t sess_id, res_id; /* the runtime's ids of what sid and rid name */
	unsigned started;	 /* atomic: threads that held both at least once */
	unsigned long uses;	 /* atomic: pins taken */
};

/* A request loop: pin, use, unpin, until neither id is found any more. */
static void *race(void *arg)
{
	struct racer *r = arg;
	bool first = true;

	for (;;) {
		struct conn_entry *s = conn_get(r->c, CONN_SESS, r->sid);
		struct conn_entry *e = conn_get(r->c, CONN_RES, r->rid);

		if (!s && !e)
			return NULL;
		/* A pinned entry is whole: what it names is still the runtime's live object. */
		if (s && s->sess->id != r->sess_id)
			abort();
		if (e && e->res->id != r->res_id)
			abort();
		if (first && s && e) {
			first = false;
			__atomic_fetch_add(&r->started, 1, __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&r->uses, 1, __ATOMIC_RELAXED);
		if (e)
			conn_put(r->c, e);
		if (s)
			conn_put(r->c, s);
	}
}

/* THREADS request loops on one session and its resource while `end` takes them away. */
static void race_against(void (*end)(struct racer *))
{
	pthread_t t[THREADS];
	struct conn c;
	struct racer r = {.c = &c};

	assert_int_equal(conn_init(&c, &lim), 0);
	for (int round = 0; round < ROUNDS; round++) {
		struct conn_entry *s, *e;

		r.sid = new_sess(&c);
		r.rid = new_res(&c, r.sid);
		s = conn_get(&c, CONN_SESS, r.sid);
		e = conn_get(&c, CONN_RES, r.rid);
		r.sess_id = s->sess->id;
		r.res_id = e->res->id;
		conn_put(&c, e);
		conn_put(&c, s);
		r.started = 0;
		for (int i = 0; i < THREADS; i++)
			assert_int_equal(pthread_create(&t[i], NULL, race, &r), 0);
		/* Every loop in flight first; then vary where in its loop each one is. */
		while (__atomic_load_n(&r.started, __ATOMIC_RELAXED) < THREADS)
			sched_yield();
		for (int spin = 0; spin < round % 50; spin++)
			sched_yield();
		end(&r);
		for (int i = 0; i < THREADS; i++)
			assert_int_equal(pthread_join(t[i], NULL), 0);
		/* The last unpin released both: nothing listed, the quotas back to zero. */
		assert_null(conn_get(&c, CONN_SESS, r.sid));
		assert_null(conn_get(&c, CONN_RES, r.rid));
		assert_empty(&c);
	}
	assert_true(r.uses >= (unsigned long)ROUNDS * THREADS);
	conn_destroy(&c);
}

/* DESTROY_SESSION: the session goes, and with it the resource only it held. */
static void end_destroy(struct racer *r)
{
	assert_true(conn_destroy_sess(r->c, r->sid));
}

/* The frontend disconnects: everything goes, pinned entries with their last user. */
static void end_disconnect(struct racer *r)
{
	unsigned ns, nr;

	conn_release_all(r->c, &ns, &nr);
	assert_true(ns <= 1 && nr <= 1);
}

static void race_destroy(void **state)
{
	(void)state;
	race_against(end_destroy);
}

static void race_disconnect(void **state)
{
	(void)state;
	race_against(end_disconnect);
}

VT_MAIN(NULL, NULL, lookup_sizes, destroy_waits_for_pin, disconnect_during_release, race_destroy,
	race_disconnect)
