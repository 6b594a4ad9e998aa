/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operation arguments. A `struct vaccel_arg` is a typed buffer; a `struct vaccel_arg_array`
 * is a growable list of them with typed add/get/set helpers. Adders store the caller's
 * pointer (nothing is copied) unless stated; getters read sequentially from `position`.
 */
#ifndef VACCEL_ARG_H
#define VACCEL_ARG_H

#include "utils/enum.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VACCEL_ARG_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM)                                                \
	VACCEL_ENUM_ITEM(RAW, 0, VACCEL_ARG)                                                       \
	VACCEL_ENUM_ITEM(INT8, VACCEL_ARG)                                                         \
	VACCEL_ENUM_ITEM(INT8_ARRAY, VACCEL_ARG)                                                   \
	VACCEL_ENUM_ITEM(INT16, VACCEL_ARG)                                                        \
	VACCEL_ENUM_ITEM(INT16_ARRAY, VACCEL_ARG)                                                  \
	VACCEL_ENUM_ITEM(INT32, VACCEL_ARG)                                                        \
	VACCEL_ENUM_ITEM(INT32_ARRAY, VACCEL_ARG)                                                  \
	VACCEL_ENUM_ITEM(INT64, VACCEL_ARG)                                                        \
	VACCEL_ENUM_ITEM(INT64_ARRAY, VACCEL_ARG)                                                  \
	VACCEL_ENUM_ITEM(UINT8, VACCEL_ARG)                                                        \
	VACCEL_ENUM_ITEM(UINT8_ARRAY, VACCEL_ARG)                                                  \
	VACCEL_ENUM_ITEM(UINT16, VACCEL_ARG)                                                       \
	VACCEL_ENUM_ITEM(UINT16_ARRAY, VACCEL_ARG)                                                 \
	VACCEL_ENUM_ITEM(UINT32, VACCEL_ARG)                                                       \
	VACCEL_ENUM_ITEM(UINT32_ARRAY, VACCEL_ARG)                                                 \
	VACCEL_ENUM_ITEM(UINT64, VACCEL_ARG)                                                       \
	VACCEL_ENUM_ITEM(UINT64_ARRAY, VACCEL_ARG)                                                 \
	VACCEL_ENUM_ITEM(FLOAT32, VACCEL_ARG)                                                      \
	VACCEL_ENUM_ITEM(FLOAT32_ARRAY, VACCEL_ARG)                                                \
	VACCEL_ENUM_ITEM(FLOAT64, VACCEL_ARG)                                                      \
	VACCEL_ENUM_ITEM(FLOAT64_ARRAY, VACCEL_ARG)                                                \
	VACCEL_ENUM_ITEM(BOOL, VACCEL_ARG)                                                         \
	VACCEL_ENUM_ITEM(BOOL_ARRAY, VACCEL_ARG)                                                   \
	VACCEL_ENUM_ITEM(CHAR, VACCEL_ARG)                                                         \
	VACCEL_ENUM_ITEM(CHAR_ARRAY, VACCEL_ARG)                                                   \
	VACCEL_ENUM_ITEM(UCHAR, VACCEL_ARG)                                                        \
	VACCEL_ENUM_ITEM(UCHAR_ARRAY, VACCEL_ARG)                                                  \
	VACCEL_ENUM_ITEM(STRING, VACCEL_ARG)                                                       \
	VACCEL_ENUM_ITEM(BUFFER, VACCEL_ARG)                                                       \
	VACCEL_ENUM_ITEM(CUSTOM, VACCEL_ARG)

/* vaccel_arg_type_t: RAW=0 ... CUSTOM=29, MAX=30 */
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_arg_type, VACCEL_ARG, VACCEL_ARG_TYPE_ENUM_LIST)

/* X-macro over the typed helpers: X(name, C type, scalar arg type, array arg type). */
#define VACCEL_ARG_NUMERIC_TYPES(X)                                                                \
	X(int8, int8_t, VACCEL_ARG_INT8, VACCEL_ARG_INT8_ARRAY)                                    \
	X(int16, int16_t, VACCEL_ARG_INT16, VACCEL_ARG_INT16_ARRAY)                                \
	X(int32, int32_t, VACCEL_ARG_INT32, VACCEL_ARG_INT32_ARRAY)                                \
	X(int64, int64_t, VACCEL_ARG_INT64, VACCEL_ARG_INT64_ARRAY)                                \
	X(uint8, uint8_t, VACCEL_ARG_UINT8, VACCEL_ARG_UINT8_ARRAY)                                \
	X(uint16, uint16_t, VACCEL_ARG_UINT16, VACCEL_ARG_UINT16_ARRAY)                            \
	X(uint32, uint32_t, VACCEL_ARG_UINT32, VACCEL_ARG_UINT32_ARRAY)                            \
	X(uint64, uint64_t, VACCEL_ARG_UINT64, VACCEL_ARG_UINT64_ARRAY)                            \
	X(float, float, VACCEL_ARG_FLOAT32, VACCEL_ARG_FLOAT32_ARRAY)                              \
	X(double, double, VACCEL_ARG_FLOAT64, VACCEL_ARG_FLOAT64_ARRAY)                            \
	X(bool, bool, VACCEL_ARG_BOOL, VACCEL_ARG_BOOL_ARRAY)                                      \
	X(char, char, VACCEL_ARG_CHAR, VACCEL_ARG_CHAR_ARRAY)                                      \
	X(uchar, unsigned char, VACCEL_ARG_UCHAR, VACCEL_ARG_UCHAR_ARRAY)

struct vaccel_arg {
	void *buf;		 /* data */
	size_t size;		 /* bytes at `buf` */
	vaccel_arg_type_t type;	 /* what `buf` holds */
	uint32_t custom_type_id; /* user type ID for VACCEL_ARG_CUSTOM */
	bool owned;		 /* `buf` was allocated by vAccel and is freed at release */
};

/* Copy `size` bytes of `buf` (zero-filled if buf is NULL) into an owned arg. */
int vaccel_arg_init(struct vaccel_arg *arg, const void *buf, size_t size, vaccel_arg_type_t type,
		    uint32_t custom_id);
/* Alias `buf` (the caller keeps ownership). */
int vaccel_arg_init_from_buf(struct vaccel_arg *arg, void *buf, size_t size, vaccel_arg_type_t type,
			     uint32_t custom_id);
int vaccel_arg_release(struct vaccel_arg *arg);
int vaccel_arg_new(struct vaccel_arg **arg, const void *buf, size_t size, vaccel_arg_type_t type,
		   uint32_t custom_id);
int vaccel_arg_from_buf(struct vaccel_arg **arg, void *buf, size_t size, vaccel_arg_type_t type,
			uint32_t custom_id);
int vaccel_arg_delete(struct vaccel_arg *arg);

struct vaccel_arg_array {
	struct vaccel_arg *args; /* storage */
	size_t count;		 /* args in use */
	size_t capacity;	 /* args allocated */
	size_t position;	 /* next arg to get/set */
	bool owned;		 /* storage allocated by vAccel (it grows); false when wrapped */
};

typedef bool (*vaccel_arg_type_validator_fn)(const void *buf, size_t size, uint32_t custom_id);
typedef int (*vaccel_arg_serializer_fn)(const void *data, size_t data_size, uint32_t custom_id,
					void **buf, size_t *size);
typedef int (*vaccel_arg_deserializer_fn)(const void *buf, size_t size, uint32_t custom_id,
					  size_t data_size, void *data);

/* Owned storage for `initial_capacity` args (0 -> 8). */
int vaccel_arg_array_init(struct vaccel_arg_array *array, size_t initial_capacity);
int vaccel_arg_array_release(struct vaccel_arg_array *array);
int vaccel_arg_array_new(struct vaccel_arg_array **array, size_t initial_capacity);
int vaccel_arg_array_delete(struct vaccel_arg_array *array);
/* Use `args[0..count)` as fixed-capacity storage (not owned). */
int vaccel_arg_array_wrap(struct vaccel_arg_array *array, struct vaccel_arg *args, size_t count);
/* Release the contained args' data and reset count/position (storage kept). */
void vaccel_arg_array_clear(struct vaccel_arg_array *array);

/* Adders (ERANGE when a wrapped array is full). */
int vaccel_arg_array_add_raw(struct vaccel_arg_array *array, void *buf, size_t size);

#define VACCEL_ARG_ARRAY_DECLARE_ADD_FUNCS(TYPE_NAME, C_TYPE, ARG_TYPE, ARRAY_TYPE)                \
	int vaccel_arg_array_add_##TYPE_NAME(struct vaccel_arg_array *array, C_TYPE *value);       \
	int vaccel_arg_array_add_##TYPE_NAME##_array(struct vaccel_arg_array *array,               \
						     C_TYPE *values, size_t count);
VACCEL_ARG_NUMERIC_TYPES(VACCEL_ARG_ARRAY_DECLARE_ADD_FUNCS)

int vaccel_arg_array_add_string(struct vaccel_arg_array *array, char *str);
int vaccel_arg_array_add_buffer(struct vaccel_arg_array *array, void *buf, size_t size);
int vaccel_arg_array_add_custom(struct vaccel_arg_array *array, uint32_t custom_id, void *buf,
				size_t size, vaccel_arg_type_validator_fn validator);
/* Serialize `data` with `serializer` into a new owned arg. */
int vaccel_arg_array_add_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t type,
				    uint32_t custom_id, const void *data, size_t data_size,
				    vaccel_arg_serializer_fn serializer);
/* Append `src` args [start_idx, start_idx+count); `copy` makes owned copies. */
int vaccel_arg_array_add_range(struct vaccel_arg_array *dest, const struct vaccel_arg_array *src,
			       size_t start_idx, size_t count, bool copy);
int vaccel_arg_array_add_remaining(struct vaccel_arg_array *dest,
				   const struct vaccel_arg_array *src, bool copy);
int vaccel_arg_array_add_all(struct vaccel_arg_array *dest, const struct vaccel_arg_array *src,
			     bool copy);

/* Getters (ERANGE at the end; EINVAL for a type/size mismatch, position unchanged). */
int vaccel_arg_array_get_raw(struct vaccel_arg_array *array, void **buf, size_t *size);

#define VACCEL_ARG_ARRAY_DECLARE_GET_FUNCS(TYPE_NAME, C_TYPE, ARG_TYPE, ARRAY_TYPE)                \
	int vaccel_arg_array_get_##TYPE_NAME(struct vaccel_arg_array *array, C_TYPE *value);       \
	int vaccel_arg_array_get_##TYPE_NAME##_array(struct vaccel_arg_array *array,               \
						     C_TYPE **values, size_t *count);
VACCEL_ARG_NUMERIC_TYPES(VACCEL_ARG_ARRAY_DECLARE_GET_FUNCS)

int vaccel_arg_array_get_string(struct vaccel_arg_array *array, char **str);
int vaccel_arg_array_get_buffer(struct vaccel_arg_array *array, void **buf, size_t *size);
int vaccel_arg_array_get_custom(struct vaccel_arg_array *array, uint32_t expected_id, void **buf,
				size_t *size, vaccel_arg_type_validator_fn validator);
int vaccel_arg_array_get_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data, size_t expected_size,
				    vaccel_arg_deserializer_fn deserializer);

/* Setters: copy into the existing arg at `position` (its type must match; it must fit). */
int vaccel_arg_array_set_raw(struct vaccel_arg_array *array, void *buf, size_t size);

#define VACCEL_ARG_ARRAY_DECLARE_SET_FUNCS(TYPE_NAME, C_TYPE, ARG_TYPE, ARRAY_TYPE)                \
	int vaccel_arg_array_set_##TYPE_NAME(struct vaccel_arg_array *array, C_TYPE *value);       \
	int vaccel_arg_array_set_##TYPE_NAME##_array(struct vaccel_arg_array *array,               \
						     C_TYPE *values, size_t count);
VACCEL_ARG_NUMERIC_TYPES(VACCEL_ARG_ARRAY_DECLARE_SET_FUNCS)

int vaccel_arg_array_set_string(struct vaccel_arg_array *array, char *str);
int vaccel_arg_array_set_buffer(struct vaccel_arg_array *array, void *buf, size_t size);
int vaccel_arg_array_set_custom(struct vaccel_arg_array *array, uint32_t expected_id, void *buf,
				size_t size, vaccel_arg_type_validator_fn validator);
int vaccel_arg_array_set_serialized(struct vaccel_arg_array *array, vaccel_arg_type_t expected_type,
				    uint32_t expected_custom_id, void *data, size_t data_size,
				    vaccel_arg_serializer_fn serializer);

/* Position helpers. */
int vaccel_arg_array_get_remaining(struct vaccel_arg_array *array, struct vaccel_arg **args,
				   size_t *count);
size_t vaccel_arg_array_remaining_count(const struct vaccel_arg_array *array);
size_t vaccel_arg_array_position(const struct vaccel_arg_array *array);
void vaccel_arg_array_set_position(struct vaccel_arg_array *array, size_t position);
void vaccel_arg_array_reset_position(struct vaccel_arg_array *array);
size_t vaccel_arg_array_count(const struct vaccel_arg_array *array);
struct vaccel_arg *vaccel_arg_array_raw(struct vaccel_arg_array *array);

/* Deprecated argument list API. */
struct vaccel_arg_list {
	uint32_t size;		   /* capacity */
	struct vaccel_arg *list;   /* entries */
	int curr_idx;		   /* next entry to fill */
	int *idcs_allocated_space; /* 1 where the entry's buffer is owned by the list */
};

#define VACCEL_ARG_DEPRECATED __attribute__((deprecated("Use struct vaccel_arg_array instead")))

VACCEL_ARG_DEPRECATED struct vaccel_arg_list *vaccel_args_init(uint32_t size);
VACCEL_ARG_DEPRECATED int vaccel_add_serial_arg(struct vaccel_arg_list *args, void *buf,
						uint32_t size);
VACCEL_ARG_DEPRECATED int vaccel_add_nonserial_arg(struct vaccel_arg_list *args, void *buf,
						   uint32_t type,
						   void *(*serializer)(void *, uint32_t *));
VACCEL_ARG_DEPRECATED int vaccel_expect_serial_arg(struct vaccel_arg_list *args, void *buf,
						   uint32_t size);
VACCEL_ARG_DEPRECATED int vaccel_expect_nonserial_arg(struct vaccel_arg_list *args,
						      uint32_t expected_size);
VACCEL_ARG_DEPRECATED void *vaccel_extract_serial_arg(struct vaccel_arg *args, int idx);
VACCEL_ARG_DEPRECATED void *vaccel_extract_nonserial_arg(struct vaccel_arg *args, int idx,
							 void *(*deserializer)(void *, uint32_t));
VACCEL_ARG_DEPRECATED int vaccel_write_serial_arg(struct vaccel_arg *args, int idx, void *buf);
VACCEL_ARG_DEPRECATED int vaccel_write_nonserial_arg(struct vaccel_arg *args, int idx, void *buf,
						     void *(*serializer)(void *, uint32_t *));
VACCEL_ARG_DEPRECATED int vaccel_delete_args(struct vaccel_arg_list *args);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_ARG_H */
