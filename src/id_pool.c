/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ID pools: IDs 1..max, handed out in order after the last one given, wrapping
 * around and skipping IDs in use, so the pool never runs dry while IDs are
 * free and a freed ID comes back only after the rest of the pool has been
 * handed out. Immediate reuse would turn a stale ID (a late destroy from a
 * killed process, an old handle kept by a guest) into a hit on whatever
 * object took the ID next.
 */
#include "rt.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

struct rt_id_pool {
	pthread_mutex_t lock;
	size_t max;
	size_t in_use;
	size_t next;   /* index to try first: the one after the last ID given */
	uint8_t *used; /* used[i] for ID i+1 */
};

int rt_id_pool_new(struct rt_id_pool **pool, size_t max)
{
	struct rt_id_pool *p;

	if (!pool || !max)
		return VACCEL_EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return VACCEL_ENOMEM;
	p->used = calloc(max, 1);
	if (!p->used) {
		free(p);
		return VACCEL_ENOMEM;
	}
	p->max = max;
	pthread_mutex_init(&p->lock, NULL);
	*pool = p;
	return VACCEL_OK;
}

void rt_id_pool_delete(struct rt_id_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_destroy(&pool->lock);
	free(pool->used);
	free(pool);
}

vaccel_id_t rt_id_pool_get(struct rt_id_pool *pool)
{
	vaccel_id_t id = -VACCEL_EUSERS;

	if (!pool)
		return -VACCEL_EINVAL;
	pthread_mutex_lock(&pool->lock);
	for (size_t n = 0; n < pool->max && pool->in_use < pool->max; n++) {
		size_t i = (pool->next + n) % pool->max;

		if (!pool->used[i]) {
			pool->used[i] = 1;
			pool->in_use++;
			pool->next = (i + 1) % pool->max;
			id = (vaccel_id_t)i + 1;
			break;
		}
	}
	pthread_mutex_unlock(&pool->lock);
	return id;
}

int rt_id_pool_put(struct rt_id_pool *pool, vaccel_id_t id)
{
	int ret = VACCEL_OK;
	size_t i;

	if (!pool || id <= 0 || (uint64_t)id > pool->max)
		return VACCEL_EINVAL;
	i = (size_t)id - 1;
	pthread_mutex_lock(&pool->lock);
	if (!pool->used[i]) {
		ret = VACCEL_EPERM;
	} else {
		pool->used[i] = 0;
		pool->in_use--;
	}
	pthread_mutex_unlock(&pool->lock);
	return ret;
}

size_t rt_id_pool_in_use(struct rt_id_pool *pool)
{
	size_t n;

	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->lock);
	n = pool->in_use;
	pthread_mutex_unlock(&pool->lock);
	return n;
}
