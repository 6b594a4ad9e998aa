/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ID pools: IDs 1..max, handed out lowest-free-first so freed IDs are reused at once
 * and the pool never runs dry while IDs are free.
 */
#include "rt.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

struct rt_id_pool {
	pthread_mutex_t lock;
	size_t max;
	size_t in_use;
	size_t hint;   /* index below which every slot is used */
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
	for (size_t i = pool->hint; i < pool->max; i++) {
		if (!pool->used[i]) {
			pool->used[i] = 1;
			pool->in_use++;
			pool->hint = i + 1;
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
		if (i < pool->hint)
			pool->hint = i;
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
