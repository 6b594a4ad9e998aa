// SPDX-License-Identifier: Apache-2.0
/*
 * optab: the arg-type facts, generated from vaccel/arg.h. The numeric types
 * come from VACCEL_ARG_NUMERIC_TYPES (C type -> size, alignment, scalar/array
 * pair); the four others (RAW, STRING, BUFFER, CUSTOM) are the only types it
 * does not list, which the assertion below keeps true.
 */
#include "optab.h"

#include "vaccel_common.h"

/* Bulk (RAW, BUFFER, CUSTOM) may hold any element type: the largest alignment of them. */
#define ELEM_MEMBER(name, ctype, scalar, array) ctype name##_v;
union any_elem {
	VACCEL_ARG_NUMERIC_TYPES(ELEM_MEMBER)
};
#define OPTAB_BULK_ALIGN _Alignof(union any_elem)

/* Signed: -1 is not above 0 (bool and unsigned types wrap it). Float: 1.5 stays above 1. */
#define IS_SIGNED(ctype) (!((ctype)-1 > (ctype)0))
#define IS_FLOAT(ctype) ((ctype)1.5 > (ctype)1)
#define FACTS(kind, ctype, twin)                                                                   \
	{                                                                                          \
		kind, sizeof(ctype), _Alignof(ctype), twin, IS_SIGNED(ctype), IS_FLOAT(ctype)      \
	}
#define NUMERIC_FACTS(name, ctype, scalar, array)                                                  \
	[scalar] = FACTS(OPTAB_KIND_SCALAR, ctype, array),                                         \
	[array] = FACTS(OPTAB_KIND_ARRAY, ctype, scalar),

static const struct optab_type types[] = {
    VACCEL_ARG_NUMERIC_TYPES(NUMERIC_FACTS)[VACCEL_ARG_RAW] = {OPTAB_KIND_BULK, 1, OPTAB_BULK_ALIGN,
							       VACCEL_ARG_RAW, false, false},
    [VACCEL_ARG_STRING] = {OPTAB_KIND_STRING, 1, 1, VACCEL_ARG_STRING, false, false},
    [VACCEL_ARG_BUFFER] = {OPTAB_KIND_BULK, 1, OPTAB_BULK_ALIGN, VACCEL_ARG_BUFFER, false, false},
    [VACCEL_ARG_CUSTOM] = {OPTAB_KIND_BULK, 1, OPTAB_BULK_ALIGN, VACCEL_ARG_CUSTOM, false, false},
};

#define COUNT_ONE(...) +1
_Static_assert(2 * (0 VACCEL_ARG_NUMERIC_TYPES(COUNT_ONE)) + 4 == VACCEL_ARG_MAX,
	       "every vaccel_arg_type_t has its facts");
_Static_assert(ARRAY_SIZE(types) == VACCEL_ARG_MAX, "one entry per type");

const struct optab_type *optab_type(uint32_t type)
{
	return type < ARRAY_SIZE(types) ? &types[type] : NULL;
}
