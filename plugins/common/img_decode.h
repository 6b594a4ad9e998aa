/* SPDX-License-Identifier: Apache-2.0 */
/*
 * img_decode (C++, OpenCV): an encoded image from a request, decoded only after img_probe
 * accepted its header. Shared by the torch and vision plugins; never throws.
 */
#ifndef IMG_DECODE_H
#define IMG_DECODE_H

#include <cstddef>
#include <string>

#include <opencv2/core.hpp>

/* Channels of the decoded picture. */
enum img_color {
	IMG_GRAY = 1, /* 8-bit, one channel */
	IMG_BGR = 3,  /* 8-bit, OpenCV's blue-green-red order */
};

/*
 * Decode `len` bytes into `out`. Returns true, or false with a one-line reason in `why`
 * (refused by img_probe, or the decoder found no picture).
 */
bool img_decode(const void *data, size_t len, img_color color, cv::Mat &out, std::string &why);

#endif /* IMG_DECODE_H */
