/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live tables: the live sessions and the live resources, each a list in creation order
 * under its lock plus the pool their IDs come from (contract in rt.h). Sessions and
 * resources differ only in what they are called and how an entry's ID is read.
 */
#include "rt.h"

int rt_table_bootstrap(struct rt_table *t)
{
	if (t->ids)
		return VACCEL_OK;
	return rt_id_pool_new(&t->ids, t->max);
}

vaccel_id_t rt_table_new_id(struct rt_table *t)
{
	vaccel_id_t id = rt_id_pool_get(t->ids);

	if (id < 0)
		vaccel_error("Could not get a %s ID (too many %ss)", t->what, t->what);
	return id;
}

void rt_table_put_id(struct rt_table *t, vaccel_id_t id)
{
	rt_id_pool_put(t->ids, id);
}

void rt_table_add(struct rt_table *t, struct vaccel_list_entry *e)
{
	pthread_mutex_lock(&t->lock);
	vaccel_list_add_tail(&t->list, e);
	pthread_mutex_unlock(&t->lock);
}

void rt_table_remove(struct rt_table *t, struct vaccel_list_entry *e)
{
	pthread_mutex_lock(&t->lock);
	vaccel_list_unlink(e);
	pthread_mutex_unlock(&t->lock);
}

/* `e` itself if it is live (when given), else the live entry with ID `id`; or NULL. */
static struct vaccel_list_entry *find_locked(struct rt_table *t, const struct vaccel_list_entry *e,
					     vaccel_id_t id)
{
	struct vaccel_list_entry *it;

	vaccel_list_for_each(it, &t->list)
	{
		if (e ? it == e : t->id_of(it) == id)
			return it;
	}
	return NULL;
}

bool rt_table_contains(struct rt_table *t, const struct vaccel_list_entry *e)
{
	bool found;

	pthread_mutex_lock(&t->lock);
	found = find_locked(t, e, 0) != NULL;
	pthread_mutex_unlock(&t->lock);
	return found;
}

struct vaccel_list_entry *rt_table_find_id(struct rt_table *t, vaccel_id_t id)
{
	struct vaccel_list_entry *found;

	pthread_mutex_lock(&t->lock);
	found = find_locked(t, NULL, id);
	pthread_mutex_unlock(&t->lock);
	return found;
}

void rt_table_cleanup(struct rt_table *t, int (*release)(struct vaccel_list_entry *e))
{
	vaccel_debug("Cleaning up %ss", t->what);
	for (;;) {
		struct vaccel_list_entry *e = NULL;

		pthread_mutex_lock(&t->lock);
		if (!vaccel_list_empty(&t->list))
			e = t->list.next;
		pthread_mutex_unlock(&t->lock);
		if (!e)
			break;
		/* Corrupted entry (e.g. id overwritten by the caller): drop the link. */
		if (release(e) == VACCEL_EINVAL)
			rt_table_remove(t, e);
	}
	rt_id_pool_delete(t->ids);
	t->ids = NULL;
}

size_t rt_table_live(struct rt_table *t)
{
	return rt_id_pool_in_use(t->ids);
}
