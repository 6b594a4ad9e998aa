/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-connection state: the sessions and resources this frontend created,
 * in one table per kind, and what they hold against its quotas.
 *
 * Ids: the device's own (spec §6), per connection, increasing, never
 * reused; a request may only name entries of its own connection's tables,
 * so a driver never reaches another's objects and a stale id never names a
 * newer one. The host runtime's objects keep their own ids.
 *
 * Lifetime: entries are pinned while a request uses them; DESTROY_SESSION
 * (and the release of an unregistered resource) marks the entry dying,
 * which hides it from lookups, and the last unpin performs the release.
 * Runtime calls that change registrations run under c->lock, so the "is it
 * still held" decision and the registration itself cannot interleave.
 * Pins and the dying mark share one atomic word (e->pins): pins are only
 * taken under the lock and never on a dying entry, the mark is only set
 * under the lock, and conn_put drops its pin without the lock (every
 * request pays it). Whichever of "last pin dropped" and "marked dying"
 * comes second sees the word go to exactly CONN_DYING and releases the
 * entry; an entry left in its table at CONN_DYING is being released by a
 * conn_put on its way to the lock, so everything else leaves it alone.
 *
 * Journal (--state-dir, state.c): when c->st is set, releasing an entry
 * removes its record, and unregistering removes the link's record.
 *
 * Handover (upgrade.c): conn_export lists the sessions for a successor,
 * conn_adopt lists them there under the same ids; entries taken over log
 * their op count (genops) when released, so the two daemons' counts add up.
 *
 * Quotas (--max-*): a new entry is reserved before its object is created,
 * so a guest over quota costs the host nothing; what an entry holds is
 * given back when it is released. Each quota is logged once per
 * connection when first hit (the guest decides how often it hits it).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "daemon.h"

static const char *const kind_name[CONN_KINDS] = {"session", "resource"};

#define CONN_DYING 1u /* e->pins: hidden from lookups */
#define CONN_PIN 2u   /* e->pins: one request using it */

/*
 * Mark e dying. Returns whether the caller releases it: nobody pinned it,
 * and no conn_put is releasing it already. Locked.
 */
static bool mark_dying_locked(struct conn_entry *e)
{
	return __atomic_fetch_or(&e->pins, CONN_DYING, __ATOMIC_ACQ_REL) == 0;
}

/* Pinned, or on its way to release: not to be taken or handed over. Locked. */
static bool busy_locked(const struct conn_entry *e)
{
	return __atomic_load_n(&e->pins, __ATOMIC_ACQUIRE) != 0;
}

/* A request uses it (not merely a conn_put on its way to release it). Locked. */
static bool pinned_locked(const struct conn_entry *e)
{
	return __atomic_load_n(&e->pins, __ATOMIC_ACQUIRE) >= CONN_PIN;
}

static bool dying_locked(const struct conn_entry *e)
{
	return __atomic_load_n(&e->pins, __ATOMIC_RELAXED) & CONN_DYING;
}

int conn_init(struct conn *c, const struct conn_limits *lim)
{
	memset(c, 0, sizeof(*c));
	c->lim = lim;
	vaccel_lock_init(&c->lock);
	return 0;
}

void conn_destroy(struct conn *c)
{
	unsigned ns, nr;

	conn_release_all(c, &ns, &nr);
	for (int k = 0; k < CONN_KINDS; k++)
		free(c->tab[k].v);
}

/* --------------------------------------------------------------- quotas */

static unsigned count_limit(const struct conn *c, enum conn_kind k)
{
	return k == CONN_SESS ? c->lim->sessions : c->lim->resources;
}

/* Log a quota the first time this connection hits it. Locked. */
static void quota_hit(struct conn *c, unsigned bit, const char *what, uint64_t limit,
		      const char *option)
{
	if (c->warned & (1u << bit))
		return;
	c->warned |= 1u << bit;
	vaccel_warn("a frontend reached its %s quota (%" PRIu64 ", %s): its requests get "
		    "NOSPACE",
		    what, limit, option);
}

int conn_reserve(struct conn *c, enum conn_kind k, const struct conn_charge *ch)
{
	struct conn_table *t = &c->tab[k];
	const struct conn_limits *l = c->lim;
	int ret = -ENOSPC;

	vaccel_lock(&c->lock);
	if (t->nr + t->reserved >= count_limit(c, k))
		quota_hit(c, k, kind_name[k], count_limit(c, k),
			  k == CONN_SESS ? "--max-sessions" : "--max-resources");
	else if (ch->bytes > l->upload_bytes - c->used.bytes)
		quota_hit(c, 2, "upload", l->upload_bytes, "--max-upload-bytes");
	else if (ch->files > l->mappings - c->used.files)
		quota_hit(c, 3, "mapping", l->mappings, "--max-mappings");
	else
		ret = 0;
	if (!ret) {
		t->reserved++;
		c->used.bytes += ch->bytes;
		c->used.files += ch->files;
	}
	vaccel_unlock(&c->lock);
	return ret;
}

/* Give back what an entry held (or was reserved for). Locked. */
static void uncharge_locked(struct conn *c, const struct conn_charge *ch)
{
	c->used.bytes -= ch->bytes;
	c->used.files -= ch->files;
}

void conn_unreserve(struct conn *c, enum conn_kind k, const struct conn_charge *ch)
{
	vaccel_lock(&c->lock);
	c->tab[k].reserved--;
	uncharge_locked(c, ch);
	vaccel_unlock(&c->lock);
}

void *conn_bounce_alloc(struct conn *c, uint64_t n, bool zeroed)
{
	uint64_t cur = __atomic_load_n(&c->bounce, __ATOMIC_RELAXED);
	void *p;

	do {
		if (n > c->lim->bounce_bytes - cur) {
			errno = ENOSPC;
			return NULL;
		}
	} while (!__atomic_compare_exchange_n(&c->bounce, &cur, cur + n, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	p = zeroed ? calloc(1, (size_t)n) : malloc((size_t)n);
	if (!p) {
		__atomic_fetch_sub(&c->bounce, n, __ATOMIC_RELAXED);
		errno = ENOMEM;
	}
	return p;
}

void conn_bounce_free(struct conn *c, void *p, uint64_t n)
{
	if (!p)
		return;
	free(p);
	__atomic_fetch_sub(&c->bounce, n, __ATOMIC_RELAXED);
}

/* -------------------------------------------------------------- tables */

/*
 * Index of the last entry of t whose id is <= id; 0 when there is none (or t
 * is empty). Locked. That entry lies in [lo, lo + n); each step halves n
 * without a branch on the data (a table of one, every request's case, costs
 * no comparison).
 */
static inline unsigned last_upto_locked(const struct conn_table *t, uint64_t id)
{
	unsigned lo = 0, n = t->nr;

	while (n > 1) {
		unsigned half = n / 2;

		if (t->v[lo + half]->id <= id)
			lo += half;
		n -= half;
	}
	return lo;
}

/* Index of id in t, or of where it would go. Locked. */
static unsigned find_locked(const struct conn_table *t, uint64_t id)
{
	unsigned i = last_upto_locked(t, id);

	return i + (i < t->nr && t->v[i]->id < id);
}

/* Take e out of its table and give back its quota. Locked. */
static void drop_locked(struct conn *c, struct conn_entry *e)
{
	struct conn_table *t = &c->tab[e->kind];
	unsigned i = find_locked(t, e->id);

	if (i < t->nr && t->v[i] == e) {
		memmove(&t->v[i], &t->v[i + 1], (t->nr - i - 1) * sizeof(*t->v));
		t->nr--;
	}
	uncharge_locked(c, &e->charge);
}

int conn_add(struct conn *c, enum conn_kind k, void *obj, const struct conn_charge *ch,
	     uint64_t *id)
{
	*id = conn_new_id(c, k);
	return conn_add_as(c, k, obj, ch, *id);
}

uint64_t conn_new_id(struct conn *c, enum conn_kind k)
{
	uint64_t id;

	vaccel_lock(&c->lock);
	id = ++c->tab[k].last_id;
	vaccel_unlock(&c->lock);
	return id;
}

int conn_add_as(struct conn *c, enum conn_kind k, void *obj, const struct conn_charge *ch,
		uint64_t id)
{
	struct conn_entry *e = calloc(1, sizeof(*e));
	struct conn_table *t = &c->tab[k];
	unsigned i;
	int ret = 0;

	vaccel_lock(&c->lock);
	if (e && t->nr == t->cap) {
		unsigned cap = t->cap ? 2 * t->cap : 16;
		struct conn_entry **v = realloc(t->v, cap * sizeof(*v));

		if (v) {
			t->v = v;
			t->cap = cap;
		}
	}
	t->reserved--;
	i = find_locked(t, id);
	if (!e || t->nr == t->cap || !id || (i < t->nr && t->v[i]->id == id)) {
		uncharge_locked(c, ch);
		ret = e && t->nr < t->cap && id ? -EEXIST : -ENOMEM;
	} else {
		e->id = id;
		e->kind = k;
		if (k == CONN_SESS)
			e->sess = obj;
		else
			e->res = obj;
		e->charge = *ch;
		/* Creates on other queues may have listed larger ids first: keep the order. */
		memmove(&t->v[i + 1], &t->v[i], (t->nr - i) * sizeof(*t->v));
		t->v[i] = e;
		t->nr++;
		if (id > t->last_id)
			t->last_id = id;
	}
	vaccel_unlock(&c->lock);
	if (ret)
		free(e);
	return ret;
}

void conn_set_last_ids(struct conn *c, uint64_t sess, uint64_t res)
{
	vaccel_lock(&c->lock);
	if (sess > c->tab[CONN_SESS].last_id)
		c->tab[CONN_SESS].last_id = sess;
	if (res > c->tab[CONN_RES].last_id)
		c->tab[CONN_RES].last_id = res;
	vaccel_unlock(&c->lock);
}

/* The live entry id names in t, pinned; NULL if none. Locked. */
static inline struct conn_entry *get_locked(const struct conn_table *t, uint64_t id)
{
	struct conn_entry *e;

	if (!t->nr)
		return NULL;
	e = t->v[last_upto_locked(t, id)];
	if (e->id != id || dying_locked(e))
		return NULL;
	__atomic_fetch_add(&e->pins, CONN_PIN, __ATOMIC_RELAXED);
	return e;
}

/* conn_get when the lock is held elsewhere: wait for it. */
__attribute__((noinline)) static struct conn_entry *get_waiting(struct conn *c, enum conn_kind k,
								uint64_t id)
{
	struct conn_entry *e;

	vaccel_lock(&c->lock);
	e = get_locked(&c->tab[k], id);
	vaccel_unlock(&c->lock);
	return e;
}

struct conn_entry *conn_get(struct conn *c, enum conn_kind k, uint64_t id)
{
	struct conn_entry *e;

	/* Every request: the uncontended case needs no registers kept across a call. */
	if (__builtin_expect(!vaccel_trylock(&c->lock), 0))
		return get_waiting(c, k, id);
	e = get_locked(&c->tab[k], id);
	vaccel_unlock(&c->lock);
	return e;
}

/* ------------------------------------------------------------- release */

static void free_entry(struct conn *c, struct conn_entry *e)
{
	int ret;

	if (e->adopted)
		vaccel_info("%s %" PRIu64 " (taken over at a handover) released: %" PRIu64
			    " ops served by this daemon",
			    kind_name[e->kind], e->id,
			    __atomic_load_n(&e->genops, __ATOMIC_RELAXED));
	state_forget(c->st, e->kind, e->id);
	ret =
	    e->kind == CONN_SESS ? hostrt_session_delete(e->sess) : hostrt_resource_delete(e->res);

	if (ret)
		vaccel_warn("could not release %s %" PRIu64 ": %d", kind_name[e->kind], e->id, ret);
	free(e);
}

/*
 * r (a resource of this connection) lost a session: once no session holds
 * it, it goes away now, or when its last user finishes. Returns whether
 * the caller must free it (it was dropped). Locked.
 */
static bool orphaned_locked(struct conn *c, struct conn_entry *r)
{
	if (vaccel_resource_refcount(r->res) > 0 || !mark_dying_locked(r))
		return false;
	drop_locked(c, r);
	return true;
}

/* Unregister s from every resource of this connection it holds. Locked. */
static void unregister_all_locked(struct conn *c, struct conn_entry *s)
{
	struct conn_table *t = &c->tab[CONN_RES];

	for (unsigned i = 0; i < t->nr; i++) {
		struct conn_entry *r = t->v[i];
		int ret;

		if (!vaccel_session_has_resource(s->sess, r->res))
			continue;
		ret = vaccel_resource_unregister(r->res, s->sess);
		if (ret)
			vaccel_warn("session %" PRIu64 ": could not unregister resource %" PRIu64
				    ": %d",
				    s->id, r->id, ret);
	}
}

/*
 * Move the resources no session holds any more (and nobody pins) from the
 * table into out[] (room for the whole table). Locked.
 */
static unsigned collect_orphans_locked(struct conn *c, struct conn_entry **out)
{
	struct conn_table *t = &c->tab[CONN_RES];
	unsigned n = 0;

	for (unsigned i = 0; i < t->nr;) {
		struct conn_entry *r = t->v[i];

		if (orphaned_locked(c, r))
			out[n++] = r; /* dropped: index i now holds the next entry */
		else
			i++;
	}
	return n;
}

/*
 * Unregister session @s's resources (when @s), then free every resource that
 * no session holds any more: one lock round. Returns how many it freed.
 */
static unsigned drop_orphans(struct conn *c, struct conn_entry *s)
{
	struct conn_entry **dead;
	unsigned n = 0;

	vaccel_lock(&c->lock);
	dead = calloc(c->tab[CONN_RES].nr + 1, sizeof(*dead));
	if (s)
		unregister_all_locked(c, s);
	if (dead)
		n = collect_orphans_locked(c, dead);
	vaccel_unlock(&c->lock);
	for (unsigned i = 0; i < n; i++)
		free_entry(c, dead[i]);
	free(dead);
	return n;
}

/* Release a session no request uses (already out of its table), and what it orphans. */
static void release_sess(struct conn *c, struct conn_entry *s)
{
	drop_orphans(c, s);
	free_entry(c, s);
}

void conn_put(struct conn *c, struct conn_entry *e)
{
	/* Release: this request's use of e comes before whoever frees it (acquire). */
	if (__atomic_fetch_sub(&e->pins, CONN_PIN, __ATOMIC_ACQ_REL) != (CONN_PIN | CONN_DYING))
		return;
	vaccel_lock(&c->lock);
	drop_locked(c, e);
	vaccel_unlock(&c->lock);
	if (e->kind == CONN_SESS)
		release_sess(c, e);
	else
		free_entry(c, e);
}

bool conn_destroy_sess(struct conn *c, uint64_t id)
{
	struct conn_entry *s = conn_get(c, CONN_SESS, id);

	if (!s)
		return false;
	vaccel_lock(&c->lock);
	mark_dying_locked(s); /* never the releaser: we hold a pin */
	vaccel_unlock(&c->lock);
	/* Our own pin is the last one unless an op runs: then that op releases it. */
	conn_put(c, s);
	return true;
}

unsigned conn_destroy_sessions_upto(struct conn *c, uint64_t max_id)
{
	struct conn_table *t = &c->tab[CONN_SESS];
	uint64_t *ids;
	unsigned n = 0, done = 0;

	vaccel_lock(&c->lock);
	ids = calloc(t->nr + 1, sizeof(*ids));
	for (unsigned i = 0; ids && i < t->nr && t->v[i]->id <= max_id; i++)
		ids[n++] = t->v[i]->id;
	vaccel_unlock(&c->lock);
	for (unsigned i = 0; i < n; i++)
		done += conn_destroy_sess(c, ids[i]);
	free(ids);
	return done;
}

int conn_register(struct conn *c, struct conn_entry *s, struct conn_entry *r)
{
	int ret;

	vaccel_lock(&c->lock);
	ret = vaccel_resource_register(r->res, s->sess);
	vaccel_unlock(&c->lock);
	return ret;
}

int conn_unregister(struct conn *c, struct conn_entry *s, struct conn_entry *r)
{
	int ret;

	vaccel_lock(&c->lock);
	ret = vaccel_resource_unregister(r->res, s->sess);
	if (ret == VACCEL_OK && vaccel_resource_refcount(r->res) == 0)
		mark_dying_locked(r); /* the caller's pin is released by conn_put */
	vaccel_unlock(&c->lock);
	if (ret == VACCEL_OK)
		state_forget_link(c->st, s->id, r->id);
	return ret;
}

/* Take the whole table of kind k (when nothing in it is pinned). Locked. */
static struct conn_entry **take_all_locked(struct conn *c, enum conn_kind k, unsigned *n)
{
	struct conn_table *t = &c->tab[k];
	struct conn_entry **v = t->v;

	*n = t->nr;
	for (unsigned i = 0; i < t->nr; i++)
		uncharge_locked(c, &v[i]->charge);
	t->v = NULL;
	t->nr = t->cap = 0;
	return v;
}

/*
 * Some entry is pinned (a request that did not return): release only the
 * sessions nobody uses, unregistered from this connection's resources
 * first, and the resources that leaves unheld; the rest is marked dying
 * and goes with its last user. Locked; *sv and *rv get what to free.
 */
static void take_unpinned_locked(struct conn *c, struct conn_entry **sv, unsigned *ns,
				 struct conn_entry **rv, unsigned *nr)
{
	struct conn_table *t = &c->tab[CONN_SESS];

	*ns = 0;
	for (unsigned i = 0; i < t->nr;) {
		struct conn_entry *s = t->v[i];

		if (!mark_dying_locked(s)) {
			i++;
			continue;
		}
		unregister_all_locked(c, s);
		drop_locked(c, s); /* index i now holds the next entry */
		sv[(*ns)++] = s;
	}
	*nr = collect_orphans_locked(c, rv);
}

void conn_release_all(struct conn *c, unsigned *nr_sess, unsigned *nr_res)
{
	struct conn_entry **sv = NULL, **rv = NULL;
	bool busy = false, pinned = false;
	unsigned ns = 0, nr = 0;

	vaccel_lock(&c->lock);
	for (int k = 0; k < CONN_KINDS; k++) {
		for (unsigned i = 0; i < c->tab[k].nr; i++) {
			busy = busy || busy_locked(c->tab[k].v[i]);
			pinned = pinned || pinned_locked(c->tab[k].v[i]);
		}
	}
	if (!busy) {
		sv = take_all_locked(c, CONN_SESS, &ns);
		rv = take_all_locked(c, CONN_RES, &nr);
	} else {
		sv = calloc(c->tab[CONN_SESS].nr + 1, sizeof(*sv));
		rv = calloc(c->tab[CONN_RES].nr + 1, sizeof(*rv));
		if (sv && rv)
			take_unpinned_locked(c, sv, &ns, rv, &nr);
	}
	/* An entry a conn_put is releasing right now is left to it, and is no op left running. */
	if (pinned)
		vaccel_warn("connection state still in use by an op that did not return: "
			    "released when it does");
	vaccel_unlock(&c->lock);
	/* Out of every table now: nobody else can reach these. */
	for (unsigned i = 0; i < ns; i++) {
		for (unsigned j = 0; !busy && j < nr; j++)
			if (vaccel_session_has_resource(sv[i]->sess, rv[j]->res))
				vaccel_resource_unregister(rv[j]->res, sv[i]->sess);
		free_entry(c, sv[i]);
	}
	for (unsigned j = 0; j < nr; j++)
		free_entry(c, rv[j]);
	free(sv);
	free(rv);
	*nr_sess = ns;
	*nr_res = nr;
}

unsigned conn_drop_orphans(struct conn *c)
{
	return drop_orphans(c, NULL);
}

/* ------------------------------------------------------------ handover */

int conn_export(struct conn *c, struct conn_sess_rec *out, unsigned max, uint64_t *last_id)
{
	const struct conn_table *t = &c->tab[CONN_SESS];
	int ret;

	vaccel_lock(&c->lock);
	ret = (int)t->nr;
	if (c->tab[CONN_RES].nr || c->tab[CONN_RES].reserved || t->reserved)
		ret = -EBUSY;
	for (unsigned i = 0; ret >= 0 && i < t->nr; i++) {
		const struct conn_entry *e = t->v[i];

		if (busy_locked(e)) {
			ret = -EBUSY;
			break;
		}
		if (out && i < max) {
			out[i].id = e->id;
			out[i].flags = e->sess->hint;
			out[i].pad = 0;
			out[i].genops = __atomic_load_n(&e->genops, __ATOMIC_RELAXED);
		}
	}
	for (int k = 0; k < CONN_KINDS; k++)
		last_id[k] = c->tab[k].last_id;
	vaccel_unlock(&c->lock);
	return ret;
}

int conn_adopt(struct conn *c, uint64_t id, struct vaccel_session *sess)
{
	static const struct conn_charge none;
	int ret;

	if (!id || id >= UINT64_MAX / 2)
		return -EINVAL;
	ret = conn_reserve(c, CONN_SESS, &none);
	if (!ret)
		ret = conn_add_as(c, CONN_SESS, sess, &none, id);
	if (!ret)
		conn_mark_adopted(c);
	return ret;
}

void conn_mark_adopted(struct conn *c)
{
	vaccel_lock(&c->lock);
	for (int k = 0; k < CONN_KINDS; k++)
		for (unsigned i = 0; i < c->tab[k].nr; i++)
			c->tab[k].v[i]->adopted = true;
	vaccel_unlock(&c->lock);
}

/* "  sessions: 1 2 5(dying)", for SIGUSR1. Locked. */
static void list_locked(const struct conn *c, enum conn_kind k)
{
	const struct conn_table *t = &c->tab[k];
	char buf[512];
	size_t len = 0;

	if (!t->nr)
		return;
	for (unsigned i = 0; i < t->nr && len < sizeof(buf) - 48; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %" PRIu64 "%s", t->v[i]->id,
					dying_locked(t->v[i]) ? "(dying)" : "");
	vaccel_info("  %ss:%s%s", kind_name[k], buf, len >= sizeof(buf) - 48 ? " ..." : "");
}

void conn_usage(struct conn *c, struct conn_usage *u)
{
	vaccel_lock(&c->lock);
	for (int k = 0; k < CONN_KINDS; k++)
		u->count[k] = c->tab[k].nr;
	u->up = c->used;
	vaccel_unlock(&c->lock);
	u->bounce = __atomic_load_n(&c->bounce, __ATOMIC_RELAXED);
}

void conn_list(struct conn *c)
{
	vaccel_lock(&c->lock);
	for (int k = 0; k < CONN_KINDS; k++)
		list_locked(c, (enum conn_kind)k);
	vaccel_unlock(&c->lock);
}
