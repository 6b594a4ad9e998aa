/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Blobs: one file or buffer of a resource. FILE blobs name a file (no data yet), BUFFER
 * blobs hold memory, MAPPED blobs are files mapped into memory.
 */
#ifndef VACCEL_BLOB_H
#define VACCEL_BLOB_H

#include "utils/enum.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VACCEL_BLOB_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM)                                               \
	VACCEL_ENUM_ITEM(FILE, 0, VACCEL_BLOB)                                                     \
	VACCEL_ENUM_ITEM(BUFFER, VACCEL_BLOB)                                                      \
	VACCEL_ENUM_ITEM(MAPPED, VACCEL_BLOB)

/* vaccel_blob_type_t: FILE=0, BUFFER=1, MAPPED=2, MAX=3 */
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_blob_type, VACCEL_BLOB, VACCEL_BLOB_TYPE_ENUM_LIST)

struct vaccel_blob {
	vaccel_blob_type_t type; /* kind of blob */
	char *name;		 /* file name (basename) */
	char *path;		 /* file path; NULL for BUFFER blobs */
	bool path_owned;	 /* the file was created by vAccel and is deleted at release */
	uint8_t *data;		 /* contents, if in memory */
	bool data_owned;	 /* `data` is freed/unmapped at release */
	size_t size;		 /* size of `data` */
};

/* Write the blob's data to `dir`/`filename` (random suffix if `randomize`) and map it. */
int vaccel_blob_persist(struct vaccel_blob *blob, const char *dir, const char *filename,
			bool randomize);
/* FILE blob for an existing regular file; nothing is read yet. */
int vaccel_blob_init(struct vaccel_blob *blob, const char *path);
/*
 * Blob from memory. Without `dir`: a BUFFER blob that copies `buf` if `own`, else aliases
 * it. With `dir`: the data is persisted there (see vaccel_blob_persist()).
 */
int vaccel_blob_init_from_buf(struct vaccel_blob *blob, const uint8_t *buf, size_t size, bool own,
			      const char *filename, const char *dir, bool randomize);
/* Free what the blob owns (files it created are deleted). */
int vaccel_blob_release(struct vaccel_blob *blob);
int vaccel_blob_new(struct vaccel_blob **blob, const char *path);
int vaccel_blob_from_buf(struct vaccel_blob **blob, const uint8_t *buf, size_t size, bool own,
			 const char *filename, const char *dir, bool randomize);
int vaccel_blob_delete(struct vaccel_blob *blob);

/* Map a FILE blob's contents (becomes MAPPED; unmapped at release). No-op if in memory. */
int vaccel_blob_read(struct vaccel_blob *blob);
/* Contents (read if needed) and their size; NULL on error. */
uint8_t *vaccel_blob_data(struct vaccel_blob *blob, size_t *size);
/* The file path of FILE/MAPPED blobs, NULL otherwise. */
const char *vaccel_blob_path(struct vaccel_blob *blob);
/* True if `blob` is initialized and consistent. */
bool vaccel_blob_valid(const struct vaccel_blob *blob);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_BLOB_H */
