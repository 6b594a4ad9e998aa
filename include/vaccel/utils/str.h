/* SPDX-License-Identifier: Apache-2.0 */
/* String helpers. */
#ifndef VACCEL_UTILS_STR_H
#define VACCEL_UTILS_STR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Lowercase `str`. If `alloc_lower` is non-NULL the result is malloc'd into *alloc_lower
 * (caller frees; VACCEL_ENOMEM if that fails); otherwise it is written into `lower`
 * (`size` bytes, truncated to size-1 characters, always NUL-terminated).
 * Returns VACCEL_OK, or VACCEL_EINVAL for a NULL `str` or no usable output.
 */
int vaccel_str_to_lower(const char *str, char *lower, size_t size, char **alloc_lower);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_UTILS_STR_H */
