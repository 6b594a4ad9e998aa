/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Enum helpers: one list macro gives an enum type plus its string functions.
 *
 * A list is a function-like macro taking an item macro, e.g.
 *
 *   #define MY_LIST(VACCEL_ENUM_ITEM)            \
 *           VACCEL_ENUM_ITEM(FIRST, 0, MY_PREFIX) \
 *           VACCEL_ENUM_ITEM(SECOND, MY_PREFIX)
 *   VACCEL_ENUM_DEF_WITH_STR_FUNCS(my_enum, MY_PREFIX, MY_LIST)
 *
 * which defines my_enum_t { MY_PREFIX_FIRST = 0, MY_PREFIX_SECOND, MY_PREFIX_MAX } and
 *   const char *my_enum_to_str(my_enum_t)       -> "MY_PREFIX_FIRST"
 *   const char *my_enum_to_base_str(my_enum_t)  -> "FIRST"
 *   char *my_enum_name(my_enum_t, buf, size)    -> "first" written to buf (NULL if !buf/!size)
 * Unknown values map to "<PREFIX>_MAX" / "MAX".
 */
#ifndef VACCEL_UTILS_ENUM_H
#define VACCEL_UTILS_ENUM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VACCEL_ENUM_STR_MAX 128

#define VACCEL_ENUM_CAT_(a, b) a##b
#define VACCEL_ENUM_CAT(a, b) VACCEL_ENUM_CAT_(a, b)
#define VACCEL_ENUM_STR_(x) #x
#define VACCEL_ENUM_STR(x) VACCEL_ENUM_STR_(x)

/* An item is (NAME, PREFIX) or (NAME, VALUE, PREFIX): count what follows NAME. */
#define VACCEL_ENUM_NARG_(_1, _2, n, ...) n
#define VACCEL_ENUM_NARG(...) VACCEL_ENUM_NARG_(__VA_ARGS__, 2, 1, 0)
#define VACCEL_ENUM_PFX_1(p) p
#define VACCEL_ENUM_PFX_2(v, p) p
#define VACCEL_ENUM_PFX(...)                                                                       \
	VACCEL_ENUM_CAT(VACCEL_ENUM_PFX_, VACCEL_ENUM_NARG(__VA_ARGS__))(__VA_ARGS__)

/* Enumerator definitions */
#define VACCEL_ENUM_DEF_ITEM_1(sfx, p) VACCEL_ENUM_CAT(p, sfx),
#define VACCEL_ENUM_DEF_ITEM_2(sfx, v, p) VACCEL_ENUM_CAT(p, sfx) = (v),
#define VACCEL_ENUM_DEF_ITEM(item, ...)                                                            \
	VACCEL_ENUM_CAT(VACCEL_ENUM_DEF_ITEM_, VACCEL_ENUM_NARG(__VA_ARGS__))(_##item, __VA_ARGS__)

#define VACCEL_ENUM_DEF_ITEMS(prefix, VACCEL_ENUM_LIST)                                            \
	VACCEL_ENUM_LIST(VACCEL_ENUM_DEF_ITEM) VACCEL_ENUM_CAT(prefix, _MAX)

/* Switch cases for the string functions */
#define VACCEL_ENUM_STR_ITEM(item, ...)                                                            \
	case VACCEL_ENUM_CAT(VACCEL_ENUM_PFX(__VA_ARGS__), _##item):                               \
		return VACCEL_ENUM_STR(VACCEL_ENUM_CAT(VACCEL_ENUM_PFX(__VA_ARGS__), _##item));
#define VACCEL_ENUM_BASE_STR_ITEM(item, ...)                                                       \
	case VACCEL_ENUM_CAT(VACCEL_ENUM_PFX(__VA_ARGS__), _##item):                               \
		return #item;

#define VACCEL_ENUM_DEF_STR_FUNCS(name, prefix, VACCEL_ENUM_LIST)                                  \
	static inline const char *name##_to_str(name##_t value)                                    \
	{                                                                                          \
		switch ((long)value) {                                                             \
			VACCEL_ENUM_LIST(VACCEL_ENUM_STR_ITEM)                                     \
		default:                                                                           \
			return VACCEL_ENUM_STR(VACCEL_ENUM_CAT(prefix, _MAX));                     \
		}                                                                                  \
	}                                                                                          \
	static inline const char *name##_to_base_str(name##_t value)                               \
	{                                                                                          \
		switch ((long)value) {                                                             \
			VACCEL_ENUM_LIST(VACCEL_ENUM_BASE_STR_ITEM)                                \
		default:                                                                           \
			return "MAX";                                                              \
		}                                                                                  \
	}                                                                                          \
	static inline char *name##_name(name##_t value, char *buf, size_t size)                    \
	{                                                                                          \
		const char *base = name##_to_base_str(value);                                      \
		size_t i;                                                                          \
		if (!buf || !size)                                                                 \
			return NULL;                                                               \
		for (i = 0; i + 1 < size && base[i]; i++)                                          \
			buf[i] = (base[i] >= 'A' && base[i] <= 'Z') ? (char)(base[i] - 'A' + 'a')  \
								    : base[i];                     \
		buf[i] = '\0';                                                                     \
		return buf;                                                                        \
	}

#define VACCEL_ENUM_DEF_WITH_STR_FUNCS(name, prefix, VACCEL_ENUM_LIST)                             \
	typedef enum { VACCEL_ENUM_DEF_ITEMS(prefix, VACCEL_ENUM_LIST) } name##_t;                 \
	VACCEL_ENUM_DEF_STR_FUNCS(name, prefix, VACCEL_ENUM_LIST)

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_UTILS_ENUM_H */
