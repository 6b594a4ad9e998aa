/* SPDX-License-Identifier: Apache-2.0 */
/*
 * img_probe: what an encoded image claims to be, read from its header alone, before any
 * decoder allocates for it. The real plugins (torch, vision) decode only what passes:
 * PNG or JPEG, each side 1..IMG_MAX_SIDE, at most IMG_MAX_PIXELS pixels. So a small
 * request cannot make the host allocate gigabytes (a "decompression bomb"): a PNG of
 * 60000 x 60000 zero pixels compresses to a few hundred kB.
 */
#ifndef IMG_PROBE_H
#define IMG_PROBE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IMG_MAX_SIDE 8192u
#define IMG_MAX_PIXELS (16u * 1024u * 1024u)

enum img_format {
	IMG_PNG = 1,
	IMG_JPEG = 2,
};

struct img_info {
	enum img_format format;
	uint32_t width, height;
};

/*
 * Fill `info` from the header of `data` (len bytes). Returns 0, or -1 with a one-line reason
 * in `why` (not a PNG/JPEG, truncated header, sides or pixel count out of bounds).
 */
int img_probe(const void *data, size_t len, struct img_info *info, char *why, size_t why_len);

#ifdef __cplusplus
}
#endif

#endif /* IMG_PROBE_H */
