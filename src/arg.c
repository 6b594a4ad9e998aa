/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed operation arguments and argument arrays.
 *
 * Rules: each family of typed helpers (add/get/set of a scalar or an array of one of
 * vaccel/arg.h's numeric types) is one generic function here; the public functions are
 * shims, generated from VACCEL_ARG_NUMERIC_TYPES, that only pass their arg type and
 * element count through. What a numeric type is (element size, alignment) comes from
 * the arg-type facts of lib/optable, through elem_of().
 */
#include "optab.h"
#include "rt.h"
#include "vaccel/arg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_DEFAULT_CAPACITY 8

static bool valid_arg_type(vaccel_arg_type_t type)
{
	return optab_type((uint32_t)type) != NULL;
}

/* ---- single args ---- */

int vaccel_arg_init(struct vaccel_arg *arg, const void *buf, size_t size, vaccel_arg_type_t type,
		    uint32_t custom_id)
{
	void *data = NULL;

	if (!arg || !valid_arg_type(type) || (buf && !size))
		return VACCEL_EINVAL;
	if (size) {
		data = buf ? malloc(size) : calloc(1, size);
		if (!data)
			return VACCEL_ENOMEM;
		if (buf)
			memcpy(data, buf, size);
	}
	*arg = (struct vaccel_arg){.buf = data,
				   .size = size,
				   .type = type,
				   .custom_type_id = custom_id,
				   .owned = data != NULL};
	return VACCEL_OK;
}

int vaccel_arg_init_from_buf(struct vaccel_arg *arg, void *buf, size_t size, vaccel_arg_type_t type,
			     uint32_t custom_id)
{
	if (!arg || !valid_arg_type(type) || (!buf != !size))
		return VACCEL_EINVAL;
	*arg = (struct vaccel_arg){
	    .buf = buf, .size = size, .type = type, .custom_type_id = custom_id, .owned = false};
	return VACCEL_OK;
}

int vaccel_arg_release(struct vaccel_arg *arg)
{
	if (!arg)
		return VACCEL_EINVAL;
	if (arg->owned)
		free(arg->buf);
	arg->buf = NULL;
	arg->size = 0;
	arg->type = VACCEL_ARG_MAX;
	arg->custom_type_id = 0;
	arg->owned = false;
	return VACCEL_OK;
}

int vaccel_arg_new(struct vaccel_arg **arg, const void *buf, size_t size, vaccel_arg_type_t type,
		   uint32_t custom_id)
{
	RT_NEW_BODY(arg, a, vaccel_arg_init(a, buf, size, type, custom_id));
}

int vaccel_arg_from_buf(struct vaccel_arg **arg, void *buf, size_t size, vaccel_arg_type_t type,
			uint32_t custom_id)
{
	RT_NEW_BODY(arg, a, vaccel_arg_init_from_buf(a, buf, size, type, custom_id));
}

int vaccel_arg_delete(struct vaccel_arg *arg)
{
	return rt_free_released(arg, vaccel_arg_release(arg));
}

/* ---- array lifecycle ---- */

int vaccel_arg_array_init(struct vaccel_arg_array *array, size_t initial_capacity)
{
	size_t cap = initial_capacity ? initial_capacity : ARRAY_DEFAULT_CAPACITY;

	if (!array || cap > SIZE_MAX / sizeof(struct vaccel_arg))
		return VACCEL_EINVAL;
	array->args = calloc(cap, sizeof(*array->args));
	if (!array->args)
		return VACCEL_ENOMEM;
	array->count = 0;
	array->capacity = cap;
	array->position = 0;
	array->owned = true;
	return VACCEL_OK;
}

int vaccel_arg_array_release(struct vaccel_arg_array *array)
{
	if (!array || !array->args)
		return VACCEL_EINVAL;
	if (array->owned) {
		for (size_t i = 0; i < array->count; i++)
			vaccel_arg_release(&array->args[i]);
		free(array->args);
	}
	memset(array, 0, sizeof(*array));
	return VACCEL_OK;
}

int vaccel_arg_array_new(struct vaccel_arg_array **array, size_t initial_capacity)
{
	RT_NEW_BODY(array, a, vaccel_arg_array_init(a, initial_capacity));
}

int vaccel_arg_array_delete(struct vaccel_arg_array *array)
{
	return rt_free_released(array, vaccel_arg_array_release(array));
}

int vaccel_arg_array_wrap(struct vaccel_arg_array *array, struct vaccel_arg *args, size_t count)
{
	if (!array || (!args && count))
		return VACCEL_EINVAL;
	array->args = args;
	array->count = count;
	array->capacity = count;
	array->position = 0;
	array->owned = false;
	return VACCEL_OK;
}

void vaccel_arg_array_clear(struct vaccel_arg_array *array)
{
	if (!array)
		return;
	for (size_t i = 0; array->args && i < array->count; i++)
		vaccel_arg_release(&array->args[i]);
	array->count = 0;
	array->position = 0;
}

/* ---- adding ---- */

/* Room for `extra` more args: owned arrays grow (doubling), wrapped ones cannot. */
static int reserve(struct vaccel_arg_array *a, size_t extra)
{
	size_t need, cap;
	struct vaccel_arg *args;

	if (a->count > SIZE_MAX - extra)
		return VACCEL_ERANGE;
	need = a->count + extra;
	if (need <= a->capacity)
		return VACCEL_OK;
	if (!a->owned)
		return VACCEL_ERANGE;
	cap = a->capacity ? a->capacity : ARRAY_DEFAULT_CAPACITY;
	while (cap < need) {
		if (cap > SIZE_MAX / 2 / sizeof(*args))
			return VACCEL_ENOMEM;
		cap *= 2;
	}
	args = realloc(a->args, cap * sizeof(*args));
	if (!args)
		return VACCEL_ENOMEM;
	a->args = args;
	a->capacity = cap;
	return VACCEL_OK;
}

static int push(struct vaccel_arg_array *a, void *buf, size_t size, vaccel_arg_type_t type,
		uint32_t custom_id, bool owned)
{
	int ret;

	if (!a)
		return VACCEL_EINVAL;
	ret = reserve(a, 1);
	if (ret)
		return ret;
	a->args[a->count++] = (struct vaccel_arg){
	    .buf = buf, .size = size, .type = type, .custom_type_id = custom_id, .owned = owned};
	return VACCEL_OK;
}

/* What the typed helpers need to know of a numeric arg type (scalar or array). */
struct arg_elem {
	size_t size;  /* bytes per element */
	size_t align; /* alignment of an element */
	bool is_bool; /* elements must be 0 or 1 */
};

static struct arg_elem elem_of(vaccel_arg_type_t type)
{
	const struct optab_type *t = optab_type(type);

	return (struct arg_elem){t->size, t->align,
				 type == VACCEL_ARG_BOOL || type == VACCEL_ARG_BOOL_ARRAY};
}

/* Every element of a bool arg is 0 or 1; anything passes for other types. */
static bool values_valid(const void *buf, size_t count, const struct arg_elem *e)
{
	const unsigned char *b = buf;

	for (size_t i = 0; e->is_bool && i < count; i++) {
		if (b[i * e->size] > 1)
			return false;
	}
	return true;
}

int vaccel_arg_array_add_raw(struct vaccel_arg_array *array, void *buf, size_t size)
{
	return push(array, buf, size, VACCEL_ARG_RAW, 0, false);
}

/* add_<T> (count 1, the scalar type) and add_<T>_array (the array type). */
static int add_numeric(struct vaccel_arg_array *array, void *values, size_t count,
		       vaccel_arg_type_t type)
{
	struct arg_elem e = elem_of(type);

	if (!array || !values || !count || count > SIZE_MAX / e.size)
		return VACCEL_EINVAL;
	if (!values_valid(values, count, &e))
		return VACCEL_EINVAL;
	return push(array, values, count * e.size, type, 0, false);
}

#define DEFINE_ADD(NAME, CTYPE, TYPE, ARRAY_TYPE)                                                  \
	int vaccel_arg_array_add_##NAME(struct vaccel_arg_array *array, CTYPE *value)              \
	{                                                                                          \
		return add_numeric(array, value, 1, TYPE);                                         \
	}                                                                                          \
	int vaccel_arg_array_add_##NAME##_array(struct vaccel_arg_array *array, CTYPE *values,     \
						size_t count)                                      \
	{                                                                                          \
		return add_numeric(array, values, count, ARRAY_TYPE);                              \
	}
VACCEL_ARG_NUMERIC_TYPES(DEFINE_ADD)

int vaccel_arg_array_add_string(struct vaccel_arg_array *array, char *str)
{
	if (!array || !str)
		return VACCEL_EINVAL;
	return push(array, str, strlen(str) + 1, VACCEL_ARG_STRING, 0, false);
}

int vaccel_arg_array_add_buffer(struct vaccel_arg_array *array, void *buf, size_t size)
{
	if (!array || !buf || !size)
		return VACCEL_EINVAL;
	return push(array, buf, size, VACCEL_ARG_BUFFER, 0, false);
}

int vaccel_arg_array_add_custom(struct vaccel_arg_array *array, uint32_t custom_id, void *buf,
				size_t size, vaccel_arg_type_validator_fn validator)
{
	if (!array || !buf || !size)
		return VACCEL_EINVAL;
	if (validator && !validator(buf, size, custom_id))
		return VACCEL_EINVAL;
	return push(array, buf, size, VACCEL_ARG_CUSTOM, custom_id, false);
}

int vaccel_arg_array_add_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t type,
				    uint32_t custom_id, const void *data, size_t data_size,
				    vaccel_arg_serializer_fn serializer)
{
	void *buf = NULL;
	size_t size = 0;
	int ret;

	if (!array || !serializer || !valid_arg_type(type))
		return VACCEL_EINVAL;
	ret = serializer(data, data_size, custom_id, &buf, &size);
	if (ret) {
		free(buf);
		return ret;
	}
	if (!buf || !size) {
		free(buf);
		return VACCEL_EINVAL;
	}
	ret = push(array, buf, size, type, custom_id, true);
	if (ret)
		free(buf);
	return ret;
}

int vaccel_arg_array_add_range(struct vaccel_arg_array *dest, const struct vaccel_arg_array *src,
			       size_t start_idx, size_t count, bool copy)
{
	size_t first;
	int ret;

	if (!dest || !src || (count && !src->args))
		return VACCEL_EINVAL;
	if (start_idx > src->count || count > src->count - start_idx)
		return VACCEL_ERANGE;
	if (!count)
		return VACCEL_OK;
	ret = reserve(dest, count);
	if (ret)
		return ret;
	first = dest->count;
	for (size_t i = 0; i < count; i++) {
		const struct vaccel_arg *s = &src->args[start_idx + i];
		struct vaccel_arg *d = &dest->args[dest->count];

		if (copy) {
			ret = vaccel_arg_init(d, s->buf, s->buf ? s->size : 0, s->type,
					      s->custom_type_id);
			if (ret) {
				/* Undo the partial copy: dest is as before. */
				while (dest->count > first)
					vaccel_arg_release(&dest->args[--dest->count]);
				return ret;
			}
		} else {
			*d = *s;
			d->owned = false;
		}
		dest->count++;
	}
	return VACCEL_OK;
}

int vaccel_arg_array_add_remaining(struct vaccel_arg_array *dest,
				   const struct vaccel_arg_array *src, bool copy)
{
	if (!src)
		return VACCEL_EINVAL;
	if (src->position > src->count)
		return VACCEL_ERANGE;
	return vaccel_arg_array_add_range(dest, src, src->position, src->count - src->position,
					  copy);
}

int vaccel_arg_array_add_all(struct vaccel_arg_array *dest, const struct vaccel_arg_array *src,
			     bool copy)
{
	if (!src)
		return VACCEL_EINVAL;
	return vaccel_arg_array_add_range(dest, src, 0, src->count, copy);
}

/* ---- getting and setting ---- */

/*
 * The arg at the current position, for a getter or setter. `usable` false (one of the
 * caller's pointers is NULL, or its own arguments are bad) gives VACCEL_EINVAL, past the
 * end VACCEL_ERANGE. The position is only moved by step() once the call succeeds.
 */
static int current(struct vaccel_arg_array *a, bool usable, struct vaccel_arg **arg)
{
	if (!usable || !a || (!a->args && a->count))
		return VACCEL_EINVAL;
	if (a->position >= a->count)
		return VACCEL_ERANGE;
	*arg = &a->args[a->position];
	return VACCEL_OK;
}

/* current(), and the arg must be of `type` with data; a CUSTOM one must carry `custom_id`. */
static int current_typed(struct vaccel_arg_array *a, bool usable, vaccel_arg_type_t type,
			 uint32_t custom_id, struct vaccel_arg **arg)
{
	int ret = current(a, usable, arg);

	if (ret)
		return ret;
	if ((*arg)->type != type || !(*arg)->buf)
		return VACCEL_EINVAL;
	if (type == VACCEL_ARG_CUSTOM && (*arg)->custom_type_id != custom_id)
		return VACCEL_EINVAL;
	return VACCEL_OK;
}

/* A call on the current arg succeeded: move past it. */
static int step(struct vaccel_arg_array *a)
{
	a->position++;
	return VACCEL_OK;
}

/* A getter that hands out the arg's own data (and size, when asked). */
static int get_in_place(struct vaccel_arg_array *a, const struct vaccel_arg *arg, void **buf,
			size_t *size)
{
	*buf = arg->buf;
	if (size)
		*size = arg->size;
	return step(a);
}

/* A setter: copy `len` bytes (checked to fit by the caller) into the arg. */
static int set_copy(struct vaccel_arg_array *a, struct vaccel_arg *arg, const void *src, size_t len)
{
	memcpy(arg->buf, src, len);
	return step(a);
}

int vaccel_arg_array_get_raw(struct vaccel_arg_array *array, void **buf, size_t *size)
{
	struct vaccel_arg *arg;
	int ret = current(array, buf != NULL, &arg);

	return ret ? ret : get_in_place(array, arg, buf, size);
}

/* get_<T>: copy the scalar out; its size must be exactly one element. */
static int get_scalar(struct vaccel_arg_array *array, vaccel_arg_type_t type, void *value)
{
	struct arg_elem e = elem_of(type);
	struct vaccel_arg *arg;
	int ret;

	ret = current_typed(array, value != NULL, type, 0, &arg);
	if (ret)
		return ret;
	if (arg->size != e.size || !values_valid(arg->buf, 1, &e))
		return VACCEL_EINVAL;
	memcpy(value, arg->buf, e.size);
	return step(array);
}

/* get_<T>_array: point into the arg; whole, aligned elements only. */
static int get_array(struct vaccel_arg_array *array, vaccel_arg_type_t type, void **values,
		     size_t *count)
{
	struct arg_elem e = elem_of(type);
	struct vaccel_arg *arg;
	int ret;

	ret = current_typed(array, true, type, 0, &arg);
	if (ret)
		return ret;
	if (!arg->size || arg->size % e.size || (uintptr_t)arg->buf % e.align ||
	    !values_valid(arg->buf, arg->size / e.size, &e))
		return VACCEL_EINVAL;
	if (count)
		*count = arg->size / e.size;
	return get_in_place(array, arg, values, NULL);
}

#define DEFINE_GET(NAME, CTYPE, TYPE, ARRAY_TYPE)                                                  \
	int vaccel_arg_array_get_##NAME(struct vaccel_arg_array *array, CTYPE *value)              \
	{                                                                                          \
		return get_scalar(array, TYPE, value);                                             \
	}                                                                                          \
	int vaccel_arg_array_get_##NAME##_array(struct vaccel_arg_array *array, CTYPE **values,    \
						size_t *count)                                     \
	{                                                                                          \
		void *p;                                                                           \
		int ret;                                                                           \
		if (!values)                                                                       \
			return VACCEL_EINVAL;                                                      \
		ret = get_array(array, ARRAY_TYPE, &p, count);                                     \
		if (!ret)                                                                          \
			*values = p;                                                               \
		return ret;                                                                        \
	}
VACCEL_ARG_NUMERIC_TYPES(DEFINE_GET)

int vaccel_arg_array_get_string(struct vaccel_arg_array *array, char **str)
{
	struct vaccel_arg *arg;
	int ret;

	ret = current_typed(array, str != NULL, VACCEL_ARG_STRING, 0, &arg);
	if (ret)
		return ret;
	if (!arg->size || ((char *)arg->buf)[arg->size - 1] != '\0')
		return VACCEL_EINVAL; /* unterminated */
	*str = arg->buf;
	return step(array);
}

int vaccel_arg_array_get_buffer(struct vaccel_arg_array *array, void **buf, size_t *size)
{
	struct vaccel_arg *arg;
	int ret = current_typed(array, buf != NULL, VACCEL_ARG_BUFFER, 0, &arg);

	return ret ? ret : get_in_place(array, arg, buf, size);
}

int vaccel_arg_array_get_custom(struct vaccel_arg_array *array, uint32_t expected_id, void **buf,
				size_t *size, vaccel_arg_type_validator_fn validator)
{
	struct vaccel_arg *arg;
	int ret;

	ret = current_typed(array, buf != NULL, VACCEL_ARG_CUSTOM, expected_id, &arg);
	if (ret)
		return ret;
	if (validator && !validator(arg->buf, arg->size, expected_id))
		return VACCEL_EINVAL;
	return get_in_place(array, arg, buf, size);
}

int vaccel_arg_array_get_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data, size_t expected_size,
				    vaccel_arg_deserializer_fn deserializer)
{
	struct vaccel_arg *arg;
	int ret;

	ret = current_typed(array, data != NULL && deserializer != NULL, expected_type,
			    expected_custom_id, &arg);
	if (ret)
		return ret;
	ret = deserializer(arg->buf, arg->size, expected_custom_id, expected_size, data);
	return ret ? ret : step(array);
}

int vaccel_arg_array_set_raw(struct vaccel_arg_array *array, void *buf, size_t size)
{
	struct vaccel_arg *arg;
	int ret;

	ret = current(array, buf != NULL || !size, &arg);
	if (ret)
		return ret;
	if (size > arg->size || (size && !arg->buf))
		return VACCEL_EINVAL;
	return size ? set_copy(array, arg, buf, size) : step(array);
}

/*
 * set_<T> (count 1, the scalar type: the arg holds exactly one element) and
 * set_<T>_array (the array type: the arg holds at least count elements). A scalar's
 * value is checked before the arg is looked at, an array's after (as upstream).
 */
static int set_numeric(struct vaccel_arg_array *array, const void *values, size_t count,
		       vaccel_arg_type_t type, bool scalar)
{
	struct arg_elem e = elem_of(type);
	struct vaccel_arg *arg;
	int ret;

	if (!values || !count || count > SIZE_MAX / e.size)
		return VACCEL_EINVAL;
	if (scalar && !values_valid(values, count, &e))
		return VACCEL_EINVAL;
	ret = current_typed(array, true, type, 0, &arg);
	if (ret)
		return ret;
	if (scalar ? arg->size != e.size : arg->size < count * e.size)
		return VACCEL_EINVAL;
	if (!scalar && !values_valid(values, count, &e))
		return VACCEL_EINVAL;
	return set_copy(array, arg, values, count * e.size);
}

#define DEFINE_SET(NAME, CTYPE, TYPE, ARRAY_TYPE)                                                  \
	int vaccel_arg_array_set_##NAME(struct vaccel_arg_array *array, CTYPE *value)              \
	{                                                                                          \
		return set_numeric(array, value, 1, TYPE, true);                                   \
	}                                                                                          \
	int vaccel_arg_array_set_##NAME##_array(struct vaccel_arg_array *array, CTYPE *values,     \
						size_t count)                                      \
	{                                                                                          \
		return set_numeric(array, values, count, ARRAY_TYPE, false);                       \
	}
VACCEL_ARG_NUMERIC_TYPES(DEFINE_SET)

int vaccel_arg_array_set_string(struct vaccel_arg_array *array, char *str)
{
	struct vaccel_arg *arg;
	size_t len;
	int ret;

	ret = current_typed(array, str != NULL, VACCEL_ARG_STRING, 0, &arg);
	if (ret)
		return ret;
	len = strlen(str) + 1;
	if (arg->size < len)
		return VACCEL_EINVAL;
	return set_copy(array, arg, str, len);
}

int vaccel_arg_array_set_buffer(struct vaccel_arg_array *array, void *buf, size_t size)
{
	struct vaccel_arg *arg;
	int ret;

	ret = current_typed(array, buf != NULL && size, VACCEL_ARG_BUFFER, 0, &arg);
	if (ret)
		return ret;
	if (arg->size < size)
		return VACCEL_EINVAL;
	return set_copy(array, arg, buf, size);
}

int vaccel_arg_array_set_custom(struct vaccel_arg_array *array, uint32_t expected_id, void *buf,
				size_t size, vaccel_arg_type_validator_fn validator)
{
	struct vaccel_arg *arg;
	int ret;

	ret = current_typed(array, buf != NULL && size, VACCEL_ARG_CUSTOM, expected_id, &arg);
	if (ret)
		return ret;
	if (arg->size != size || (validator && !validator(buf, size, expected_id)))
		return VACCEL_EINVAL;
	return set_copy(array, arg, buf, size);
}

int vaccel_arg_array_set_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data, size_t data_size,
				    vaccel_arg_serializer_fn serializer)
{
	struct vaccel_arg *arg;
	void *buf = NULL;
	size_t size = 0;
	int ret;

	ret = current_typed(array, serializer != NULL, expected_type, expected_custom_id, &arg);
	if (ret)
		return ret;
	ret = serializer(data, data_size, expected_custom_id, &buf, &size);
	if (!ret && (!buf || size != arg->size))
		ret = VACCEL_EINVAL;
	if (!ret)
		set_copy(array, arg, buf, size);
	free(buf);
	return ret;
}

/* ---- position helpers ---- */

int vaccel_arg_array_get_remaining(struct vaccel_arg_array *array, struct vaccel_arg **args,
				   size_t *count)
{
	if (!array || !args || !count)
		return VACCEL_EINVAL;
	if (array->position >= array->count) {
		*args = NULL;
		*count = 0;
		return VACCEL_OK;
	}
	*args = &array->args[array->position];
	*count = array->count - array->position;
	array->position = array->count;
	return VACCEL_OK;
}

size_t vaccel_arg_array_remaining_count(const struct vaccel_arg_array *array)
{
	if (!array || array->position >= array->count)
		return 0;
	return array->count - array->position;
}

size_t vaccel_arg_array_position(const struct vaccel_arg_array *array)
{
	return array ? array->position : 0;
}

void vaccel_arg_array_set_position(struct vaccel_arg_array *array, size_t position)
{
	if (array)
		array->position = position > array->count ? array->count : position;
}

void vaccel_arg_array_reset_position(struct vaccel_arg_array *array)
{
	if (array)
		array->position = 0;
}

size_t vaccel_arg_array_count(const struct vaccel_arg_array *array)
{
	return array ? array->count : 0;
}

struct vaccel_arg *vaccel_arg_array_raw(struct vaccel_arg_array *array)
{
	return array ? array->args : NULL;
}
