// SPDX-License-Identifier: Apache-2.0
/* Header-only reading of PNG and JPEG sizes (img_probe.h). */
#include "img_probe.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* PNG: signature, then the IHDR chunk (length 13) with width and height. */
static int probe_png(const uint8_t *p, size_t len, struct img_info *info, char *why, size_t n)
{
	if (len < 8 + 8 + 13 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4)) {
		snprintf(why, n, "PNG without a complete IHDR header");
		return -1;
	}
	info->format = IMG_PNG;
	info->width = be32(p + 16);
	info->height = be32(p + 20);
	return 0;
}

/* A JPEG start-of-frame marker (baseline, progressive, lossless, arithmetic...). */
static bool jpeg_is_sof(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* JPEG: walk the marker segments up to the first start-of-frame. */
static int probe_jpeg(const uint8_t *p, size_t len, struct img_info *info, char *why, size_t n)
{
	size_t i = 2;

	while (i + 4 <= len) {
		uint8_t m;
		uint32_t seg;

		if (p[i] != 0xff)
			break;
		m = p[i + 1];
		if (m == 0xff) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) { /* markers without a length */
			i += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda) /* end of image, start of scan: no frame seen */
			break;
		seg = be16(p + i + 2);
		if (seg < 2 || i + 2 + seg > len)
			break;
		if (jpeg_is_sof(m)) {
			if (seg < 7)
				break;
			info->format = IMG_JPEG;
			info->height = be16(p + i + 5);
			info->width = be16(p + i + 7);
			return 0;
		}
		i += 2 + seg;
	}
	snprintf(why, n, "JPEG without a readable frame header");
	return -1;
}

int img_probe(const void *data, size_t len, struct img_info *info, char *why, size_t why_len)
{
	static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	const uint8_t *p = data;
	int ret;

	if (!p || len < 4) {
		snprintf(why, why_len, "image of %zu bytes is too short", len);
		return -1;
	}
	if (len >= 8 && !memcmp(p, png_sig, 8))
		ret = probe_png(p, len, info, why, why_len);
	else if (p[0] == 0xff && p[1] == 0xd8)
		ret = probe_jpeg(p, len, info, why, why_len);
	else {
		snprintf(why, why_len, "not a PNG or JPEG image");
		return -1;
	}
	if (ret)
		return ret;
	if (!info->width || !info->height || info->width > IMG_MAX_SIDE ||
	    info->height > IMG_MAX_SIDE || (uint64_t)info->width * info->height > IMG_MAX_PIXELS) {
		snprintf(why, why_len, "image of %ux%u pixels is outside 1..%u per side, %u in all",
			 info->width, info->height, IMG_MAX_SIDE, IMG_MAX_PIXELS);
		return -1;
	}
	return 0;
}
