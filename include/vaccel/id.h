/* SPDX-License-Identifier: Apache-2.0 */
/* Object identifiers: sessions and resources get IDs >= 1; 0 means "not initialized". */
#ifndef VACCEL_ID_H
#define VACCEL_ID_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t vaccel_id_t;

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_ID_H */
