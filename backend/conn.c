/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-connection state: the sessions and resources this frontend created.
 *
 * Ids on the wire are the host runtime's ids, but a request may only name
 * entries of these tables, so a driver never reaches another's objects.
 * Entries are pinned while a request uses them; DESTROY_SESSION (and the
 * release of an unregistered resource) marks the entry dying, which hides
 * it from lookups, and the last unpin performs the release. Runtime calls
 * that change registrations run under c->lock so the "is it still held"
 * decision and the registration itself cannot interleave.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "daemon.h"

int conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	return pthread_mutex_init(&c->lock, NULL) ? -ENOMEM : 0;
}

void conn_destroy(struct conn *c)
{
	unsigned ns, nr;

	conn_release_all(c, &ns, &nr);
	free(c->sess);
	free(c->res);
	pthread_mutex_destroy(&c->lock);
}

static int grow(void ***arr, unsigned *cap, unsigned need)
{
	void **n;
	unsigned ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	n = realloc(*arr, (size_t)ncap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

int conn_add_sess(struct conn *c, struct vaccel_session *s)
{
	struct conn_sess *e = calloc(1, sizeof(*e));
	int ret;

	if (!e)
		return -ENOMEM;
	e->id = s->id;
	e->sess = s;
	pthread_mutex_lock(&c->lock);
	ret = grow((void ***)&c->sess, &c->cap_sess, c->nr_sess + 1);
	if (!ret)
		c->sess[c->nr_sess++] = e;
	pthread_mutex_unlock(&c->lock);
	if (ret)
		free(e);
	return ret;
}

int conn_add_res(struct conn *c, struct vaccel_resource *r)
{
	struct conn_res *e = calloc(1, sizeof(*e));
	int ret;

	if (!e)
		return -ENOMEM;
	e->id = r->id;
	e->res = r;
	pthread_mutex_lock(&c->lock);
	ret = grow((void ***)&c->res, &c->cap_res, c->nr_res + 1);
	if (!ret)
		c->res[c->nr_res++] = e;
	pthread_mutex_unlock(&c->lock);
	if (ret)
		free(e);
	return ret;
}

/* Locked helpers: remove an entry from its table (order does not matter). */
static void drop_sess_locked(struct conn *c, struct conn_sess *s)
{
	for (unsigned i = 0; i < c->nr_sess; i++) {
		if (c->sess[i] == s) {
			c->sess[i] = c->sess[--c->nr_sess];
			return;
		}
	}
}

static void drop_res_locked(struct conn *c, struct conn_res *r)
{
	for (unsigned i = 0; i < c->nr_res; i++) {
		if (c->res[i] == r) {
			c->res[i] = c->res[--c->nr_res];
			return;
		}
	}
}

static void free_res(struct conn_res *r)
{
	int ret = hostrt_resource_delete(r->res);

	if (ret)
		vaccel_warn("Could not release resource %" PRId64 ": %d", r->id, ret);
	free(r);
}

/*
 * A resource no session holds any more goes away now, or when its last
 * user finishes. Returns the entry to free now (outside the lock), or NULL.
 */
static struct conn_res *res_orphaned_locked(struct conn *c, struct conn_res *r)
{
	if (vaccel_resource_refcount(r->res) > 0)
		return NULL;
	r->dying = true;
	if (r->inflight)
		return NULL;
	drop_res_locked(c, r);
	return r;
}

/*
 * Release a session no request uses: unregister this connection's
 * resources from it (releasing those left unheld), then the session.
 */
static void release_sess(struct conn *c, struct conn_sess *s)
{
	struct conn_res **dead = NULL;
	unsigned nr_dead = 0;
	int ret;

	pthread_mutex_lock(&c->lock);
	if (c->nr_res)
		dead = calloc(c->nr_res, sizeof(*dead));
	for (unsigned i = 0; i < c->nr_res;) {
		struct conn_res *r = c->res[i], *d;

		if (!vaccel_session_has_resource(s->sess, r->res)) {
			i++;
			continue;
		}
		ret = vaccel_resource_unregister(r->res, s->sess);
		if (ret)
			vaccel_warn("session %" PRId64 ": could not unregister resource %" PRId64
				    ": %d",
				    s->id, r->id, ret);
		d = res_orphaned_locked(c, r);
		if (!d) {
			i++;
			continue;
		}
		/* d was dropped: index i now holds another entry. */
		if (dead)
			dead[nr_dead++] = d;
		else
			free_res(d); /* no memory for the list: free under the lock */
	}
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < nr_dead; i++)
		free_res(dead[i]);
	free(dead);
	ret = hostrt_session_delete(s->sess);
	if (ret)
		vaccel_warn("Could not release session %" PRId64 ": %d", s->id, ret);
	free(s);
}

struct conn_sess *conn_get_sess(struct conn *c, int64_t id)
{
	struct conn_sess *found = NULL;

	if (id <= 0)
		return NULL;
	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < c->nr_sess; i++) {
		if (c->sess[i]->id == id && !c->sess[i]->dying) {
			found = c->sess[i];
			found->inflight++;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

struct conn_res *conn_get_res(struct conn *c, int64_t id)
{
	struct conn_res *found = NULL;

	if (id <= 0)
		return NULL;
	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < c->nr_res; i++) {
		if (c->res[i]->id == id && !c->res[i]->dying) {
			found = c->res[i];
			found->inflight++;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

void conn_put_sess(struct conn *c, struct conn_sess *s)
{
	bool release;

	pthread_mutex_lock(&c->lock);
	release = --s->inflight == 0 && s->dying;
	if (release)
		drop_sess_locked(c, s);
	pthread_mutex_unlock(&c->lock);
	if (release)
		release_sess(c, s);
}

void conn_put_res(struct conn *c, struct conn_res *r)
{
	bool release;

	pthread_mutex_lock(&c->lock);
	release = --r->inflight == 0 && r->dying;
	if (release)
		drop_res_locked(c, r);
	pthread_mutex_unlock(&c->lock);
	if (release)
		free_res(r);
}

bool conn_destroy_sess(struct conn *c, int64_t id)
{
	struct conn_sess *s = conn_get_sess(c, id);

	if (!s)
		return false;
	pthread_mutex_lock(&c->lock);
	s->dying = true;
	pthread_mutex_unlock(&c->lock);
	/* Our own pin is the last one unless an op runs: then that op releases it. */
	conn_put_sess(c, s);
	return true;
}

int conn_unregister(struct conn *c, struct conn_sess *s, struct conn_res *r)
{
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = vaccel_resource_unregister(r->res, s->sess);
	if (ret == VACCEL_OK && vaccel_resource_refcount(r->res) == 0)
		r->dying = true; /* the caller's pin is released by conn_put_res */
	pthread_mutex_unlock(&c->lock);
	return ret;
}

void conn_release_all(struct conn *c, unsigned *nr_sess, unsigned *nr_res)
{
	*nr_sess = 0;
	*nr_res = 0;
	/* Queues are stopped: nothing is pinned any more. */
	for (;;) {
		struct conn_sess *s = NULL;

		pthread_mutex_lock(&c->lock);
		if (c->nr_sess) {
			s = c->sess[c->nr_sess - 1];
			c->nr_sess--;
		}
		if (s && s->inflight)
			vaccel_warn("session %" PRId64 " still in use at release", s->id);
		pthread_mutex_unlock(&c->lock);
		if (!s)
			break;
		/* Resources released with the session count too. */
		pthread_mutex_lock(&c->lock);
		unsigned before = c->nr_res;
		pthread_mutex_unlock(&c->lock);
		release_sess(c, s);
		pthread_mutex_lock(&c->lock);
		*nr_res += before - c->nr_res;
		pthread_mutex_unlock(&c->lock);
		(*nr_sess)++;
	}
	for (;;) {
		struct conn_res *r = NULL;

		pthread_mutex_lock(&c->lock);
		if (c->nr_res)
			r = c->res[--c->nr_res];
		pthread_mutex_unlock(&c->lock);
		if (!r)
			break;
		free_res(r);
		(*nr_res)++;
	}
}

void conn_report(struct conn *c, unsigned conn_id, unsigned *nr_sess, unsigned *nr_res)
{
	char buf[512];
	size_t len = 0;

	pthread_mutex_lock(&c->lock);
	vaccel_info("connection %u: live sessions: %u, live resources: %u", conn_id, c->nr_sess,
		    c->nr_res);
	*nr_sess += c->nr_sess;
	*nr_res += c->nr_res;
	for (unsigned i = 0; i < c->nr_sess && len < sizeof(buf) - 32; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %" PRId64 "%s",
					c->sess[i]->id, c->sess[i]->dying ? "(dying)" : "");
	if (c->nr_sess)
		vaccel_info("  sessions:%s", buf);
	len = 0;
	for (unsigned i = 0; i < c->nr_res && len < sizeof(buf) - 32; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %" PRId64 "%s",
					c->res[i]->id, c->res[i]->dying ? "(dying)" : "");
	if (c->nr_res)
		vaccel_info("  resources:%s", buf);
	pthread_mutex_unlock(&c->lock);
}
