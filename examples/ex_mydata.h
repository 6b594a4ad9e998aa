/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The custom argument type shared by exec_serialized and libmytestlib's
 * mytestfunc_nonser: an array of uint32 values, serialized as [count, e0, ..., e(count-1)]
 * (native-endian uint32s) and passed as a VACCEL_ARG_CUSTOM arg with this type ID.
 */
#ifndef EX_MYDATA_H
#define EX_MYDATA_H

#include <stddef.h>
#include <stdint.h>

#define EX_MYDATA_TYPE_ID 100
/* Largest element count accepted from a serialized buffer. */
#define EX_MYDATA_MAX_COUNT 4096

/* Bytes of the serialized form of `count` elements. */
static inline size_t ex_mydata_size(uint32_t count)
{
	return ((size_t)count + 1) * sizeof(uint32_t);
}

#endif /* EX_MYDATA_H */
