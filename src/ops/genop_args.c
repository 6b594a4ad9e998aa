// SPDX-License-Identifier: Apache-2.0
/* Checked readers for genop arguments (see genop_args.h). */

#include "genop_args.h"
#include "vaccel/error.h"
#include "vaccel/log.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Element size of typed scalars and arrays; 0 for untyped kinds (RAW, STRING, ...). */
static size_t arg_elem_size(vaccel_arg_type_t type)
{
	switch (type) {
	case VACCEL_ARG_INT8:
	case VACCEL_ARG_INT8_ARRAY:
	case VACCEL_ARG_UINT8:
	case VACCEL_ARG_UINT8_ARRAY:
	case VACCEL_ARG_CHAR:
	case VACCEL_ARG_CHAR_ARRAY:
	case VACCEL_ARG_UCHAR:
	case VACCEL_ARG_UCHAR_ARRAY:
		return 1;
	case VACCEL_ARG_BOOL:
	case VACCEL_ARG_BOOL_ARRAY:
		return sizeof(bool);
	case VACCEL_ARG_INT16:
	case VACCEL_ARG_INT16_ARRAY:
	case VACCEL_ARG_UINT16:
	case VACCEL_ARG_UINT16_ARRAY:
		return 2;
	case VACCEL_ARG_INT32:
	case VACCEL_ARG_INT32_ARRAY:
	case VACCEL_ARG_UINT32:
	case VACCEL_ARG_UINT32_ARRAY:
		return 4;
	case VACCEL_ARG_FLOAT32:
	case VACCEL_ARG_FLOAT32_ARRAY:
		return sizeof(float);
	case VACCEL_ARG_INT64:
	case VACCEL_ARG_INT64_ARRAY:
	case VACCEL_ARG_UINT64:
	case VACCEL_ARG_UINT64_ARRAY:
		return 8;
	case VACCEL_ARG_FLOAT64:
	case VACCEL_ARG_FLOAT64_ARRAY:
		return sizeof(double);
	default:
		return 0;
	}
}

static bool arg_is_scalar(vaccel_arg_type_t type)
{
	switch (type) {
	case VACCEL_ARG_INT8:
	case VACCEL_ARG_INT16:
	case VACCEL_ARG_INT32:
	case VACCEL_ARG_INT64:
	case VACCEL_ARG_UINT8:
	case VACCEL_ARG_UINT16:
	case VACCEL_ARG_UINT32:
	case VACCEL_ARG_UINT64:
	case VACCEL_ARG_FLOAT32:
	case VACCEL_ARG_FLOAT64:
	case VACCEL_ARG_BOOL:
	case VACCEL_ARG_CHAR:
	case VACCEL_ARG_UCHAR:
		return true;
	default:
		return false;
	}
}

/* Natural alignment of the element types used here equals their size (1..8). */
static bool is_aligned(const void *buf, size_t elem_size)
{
	return elem_size <= 1 || ((uintptr_t)buf % elem_size) == 0;
}

static const char *type_str(vaccel_arg_type_t type)
{
	return vaccel_arg_type_to_str(type);
}

int ops_genop_arg_check(const struct vaccel_arg *arg, bool is_read, const char *what)
{
	size_t elem;

	/* The enum may be backed by a signed int: compare as unsigned. */
	if ((unsigned int)arg->type >= (unsigned int)VACCEL_ARG_MAX) {
		vaccel_error("genop: %s: unknown arg type %u", what, (unsigned int)arg->type);
		return VACCEL_EINVAL;
	}

	if (arg->size && !arg->buf) {
		vaccel_error("genop: %s: NULL buffer with size %zu", what, arg->size);
		return VACCEL_EINVAL;
	}

	elem = arg_elem_size(arg->type);
	if (elem) {
		if (arg_is_scalar(arg->type) ? arg->size != elem : arg->size % elem != 0) {
			vaccel_error("genop: %s: size %zu does not fit %s", what, arg->size,
				     type_str(arg->type));
			return VACCEL_EINVAL;
		}
		if (arg->size && !is_aligned(arg->buf, elem)) {
			vaccel_error("genop: %s: %s buffer is misaligned", what,
				     type_str(arg->type));
			return VACCEL_EINVAL;
		}
	}

	if (!is_read)
		return VACCEL_OK;

	if (arg->type == VACCEL_ARG_STRING && (!arg->size || !memchr(arg->buf, '\0', arg->size))) {
		vaccel_error("genop: %s: string is not NUL-terminated within %zu bytes", what,
			     arg->size);
		return VACCEL_EINVAL;
	}

	if (arg->type == VACCEL_ARG_BOOL || arg->type == VACCEL_ARG_BOOL_ARRAY) {
		const unsigned char *b = arg->buf;

		for (size_t i = 0; i < arg->size; i++) {
			if (b[i] > 1) {
				vaccel_error("genop: %s: bool value %u is not 0 or 1", what, b[i]);
				return VACCEL_EINVAL;
			}
		}
	}

	return VACCEL_OK;
}

int ops_genop_args_check(const struct vaccel_arg *args, size_t nr, size_t first, bool is_read,
			 const char *what)
{
	char label[VACCEL_ENUM_STR_MAX + 32];
	int ret;

	for (size_t i = 0; i < nr; i++) {
		snprintf(label, sizeof(label), "%s[%zu]", what, first + i);
		ret = ops_genop_arg_check(&args[i], is_read, label);
		if (ret)
			return ret;
	}

	return VACCEL_OK;
}

/* Accept `type`, or RAW if raw_ok; log otherwise. */
static int check_type(const struct vaccel_arg *arg, vaccel_arg_type_t type, bool raw_ok,
		      const char *what)
{
	if (arg->type == type || (raw_ok && arg->type == VACCEL_ARG_RAW))
		return VACCEL_OK;

	vaccel_error("genop: %s: expected %s%s, got %s", what, type_str(type),
		     raw_ok ? " or VACCEL_ARG_RAW" : "", type_str(arg->type));
	return VACCEL_EINVAL;
}

int ops_genop_get_scalar(const struct vaccel_arg *arg, vaccel_arg_type_t type, size_t elem_size,
			 bool raw_ok, void *out, const char *what)
{
	int ret = check_type(arg, type, raw_ok, what);

	if (ret)
		return ret;

	if (arg->size != elem_size || !arg->buf) {
		vaccel_error("genop: %s: expected %zu bytes, got %zu%s", what, elem_size, arg->size,
			     arg->buf ? "" : " at NULL");
		return VACCEL_EINVAL;
	}

	/* memcpy: the buffer need not be aligned for a by-value read. */
	memcpy(out, arg->buf, elem_size);
	return VACCEL_OK;
}

int ops_genop_get_out_scalar(const struct vaccel_arg *arg, vaccel_arg_type_t type, size_t elem_size,
			     bool raw_ok, void **ptr, const char *what)
{
	int ret = check_type(arg, type, raw_ok, what);

	if (ret)
		return ret;

	if (arg->size != elem_size || !arg->buf) {
		vaccel_error("genop: %s: expected %zu bytes, got %zu%s", what, elem_size, arg->size,
			     arg->buf ? "" : " at NULL");
		return VACCEL_EINVAL;
	}

	/* The plugin writes through a typed pointer. */
	if (!is_aligned(arg->buf, elem_size)) {
		vaccel_error("genop: %s: buffer is misaligned", what);
		return VACCEL_EINVAL;
	}

	*ptr = arg->buf;
	return VACCEL_OK;
}

int ops_genop_get_array(const struct vaccel_arg *arg, vaccel_arg_type_t type, size_t elem_size,
			bool raw_ok, bool allow_empty, void **ptr, size_t *count, const char *what)
{
	int ret = check_type(arg, type, raw_ok, what);

	if (ret)
		return ret;

	if (!arg->size) {
		if (!allow_empty) {
			vaccel_error("genop: %s: empty", what);
			return VACCEL_EINVAL;
		}
		*ptr = NULL;
		*count = 0;
		return VACCEL_OK;
	}

	if (!arg->buf || arg->size % elem_size) {
		vaccel_error("genop: %s: size %zu is not a whole number of %zu-byte elements", what,
			     arg->size, elem_size);
		return VACCEL_EINVAL;
	}

	/* The plugin indexes the array through a typed pointer. */
	if (!is_aligned(arg->buf, elem_size)) {
		vaccel_error("genop: %s: buffer is misaligned", what);
		return VACCEL_EINVAL;
	}

	*ptr = arg->buf;
	*count = arg->size / elem_size;
	return VACCEL_OK;
}

int ops_genop_get_string(const struct vaccel_arg *arg, const char **str, const char *what)
{
	int ret = check_type(arg, VACCEL_ARG_STRING, false, what);

	if (ret)
		return ret;

	if (!arg->size || !arg->buf || !memchr(arg->buf, '\0', arg->size)) {
		vaccel_error("genop: %s: string is not NUL-terminated within %zu bytes", what,
			     arg->size);
		return VACCEL_EINVAL;
	}

	*str = arg->buf;
	return VACCEL_OK;
}
