/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deprecated vaccel_arg_list API, kept for source compatibility. Unlike upstream, the
 * ownership table is zero-initialized, so deleting a partly filled list is safe.
 */
#include "rt.h"
#include "vaccel/arg.h"

#include <stdlib.h>
#include <string.h>

struct vaccel_arg_list *vaccel_args_init(uint32_t size)
{
	struct vaccel_arg_list *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	if (size) {
		l->list = calloc(size, sizeof(*l->list));
		l->idcs_allocated_space = calloc(size, sizeof(*l->idcs_allocated_space));
		if (!l->list || !l->idcs_allocated_space) {
			free(l->list);
			free(l->idcs_allocated_space);
			free(l);
			return NULL;
		}
	}
	l->size = size;
	l->curr_idx = 0;
	return l;
}

static int list_push(struct vaccel_arg_list *l, void *buf, size_t size, vaccel_arg_type_t type,
		     uint32_t custom_id, bool owned)
{
	int i;

	if (!l || l->curr_idx < 0 || (uint32_t)l->curr_idx >= l->size)
		return VACCEL_EINVAL;
	i = l->curr_idx++;
	l->list[i] = (struct vaccel_arg){
	    .buf = buf, .size = size, .type = type, .custom_type_id = custom_id, .owned = owned};
	l->idcs_allocated_space[i] = owned;
	return VACCEL_OK;
}

int vaccel_add_serial_arg(struct vaccel_arg_list *args, void *buf, uint32_t size)
{
	return list_push(args, buf, size, VACCEL_ARG_RAW, 0, false);
}

int vaccel_expect_serial_arg(struct vaccel_arg_list *args, void *buf, uint32_t size)
{
	return list_push(args, buf, size, VACCEL_ARG_RAW, 0, false);
}

int vaccel_add_nonserial_arg(struct vaccel_arg_list *args, void *buf, uint32_t type,
			     void *(*serializer)(void *, uint32_t *))
{
	uint32_t size = 0;
	void *data;
	int ret;

	if (!args || !serializer)
		return VACCEL_EINVAL;
	if (args->curr_idx < 0 || (uint32_t)args->curr_idx >= args->size)
		return VACCEL_EINVAL;
	data = serializer(buf, &size);
	if (!data)
		return VACCEL_EINVAL;
	/* The list owns the serializer's (heap) buffer from now on. */
	ret = list_push(args, data, size, VACCEL_ARG_CUSTOM, type, true);
	if (ret)
		free(data);
	return ret;
}

int vaccel_expect_nonserial_arg(struct vaccel_arg_list *args, uint32_t expected_size)
{
	void *data;
	int ret;

	if (!args || !expected_size)
		return VACCEL_EINVAL;
	if (args->curr_idx < 0 || (uint32_t)args->curr_idx >= args->size)
		return VACCEL_EINVAL;
	data = calloc(1, expected_size);
	if (!data)
		return VACCEL_ENOMEM;
	ret = list_push(args, data, expected_size, VACCEL_ARG_RAW, 0, true);
	if (ret)
		free(data);
	return ret;
}

void *vaccel_extract_serial_arg(struct vaccel_arg *args, int idx)
{
	if (!args || idx < 0)
		return NULL;
	return args[idx].buf;
}

void *vaccel_extract_nonserial_arg(struct vaccel_arg *args, int idx,
				   void *(*deserializer)(void *, uint32_t))
{
	if (!args || idx < 0 || !deserializer || args[idx].size > UINT32_MAX)
		return NULL;
	return deserializer(args[idx].buf, (uint32_t)args[idx].size);
}

int vaccel_write_serial_arg(struct vaccel_arg *args, int idx, void *buf)
{
	if (!args || idx < 0 || !buf || !args[idx].buf)
		return VACCEL_EINVAL;
	memcpy(args[idx].buf, buf, args[idx].size);
	return VACCEL_OK;
}

int vaccel_write_nonserial_arg(struct vaccel_arg *args, int idx, void *buf,
			       void *(*serializer)(void *, uint32_t *))
{
	uint32_t size = 0;
	void *data;

	if (!args || idx < 0 || !serializer || !args[idx].buf)
		return VACCEL_EINVAL;
	data = serializer(buf, &size);
	if (!data)
		return VACCEL_EINVAL;
	if (size > args[idx].size) {
		free(data);
		return VACCEL_EINVAL;
	}
	memcpy(args[idx].buf, data, size);
	/* Serializers return heap buffers (the list frees them too, see add_nonserial). */
	free(data);
	return VACCEL_OK;
}

int vaccel_delete_args(struct vaccel_arg_list *args)
{
	if (!args)
		return VACCEL_EINVAL;
	for (int i = 0; i < args->curr_idx && (uint32_t)i < args->size; i++) {
		if (args->idcs_allocated_space[i])
			free(args->list[i].buf);
	}
	free(args->idcs_allocated_space);
	free(args->list);
	free(args);
	return VACCEL_OK;
}
