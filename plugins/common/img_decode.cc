// SPDX-License-Identifier: Apache-2.0
/* Image decoding with OpenCV behind img_probe's bounds (img_decode.h). */
#include "img_decode.h"

#include <climits>
#include <exception>

#include <opencv2/imgcodecs.hpp>

#include "img_probe.h"

bool img_decode(const void *data, size_t len, img_color color, cv::Mat &out, std::string &why)
{
	struct img_info info;
	char reason[160];

	if (img_probe(data, len, &info, reason, sizeof(reason))) {
		why = reason;
		return false;
	}
	if (len > INT_MAX) {
		why = "image larger than 2 GiB";
		return false;
	}
	try {
		/* imdecode only reads the buffer; the Mat header just points at it. */
		cv::Mat raw(1, (int)len, CV_8UC1, const_cast<void *>(data));
		int flags = color == IMG_GRAY ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;

		out = cv::imdecode(raw, flags);
	} catch (const std::exception &e) {
		why = std::string("decoder error: ") + e.what();
		return false;
	}
	if (out.empty()) {
		why = info.format == IMG_PNG ? "PNG data could not be decoded"
					     : "JPEG data could not be decoded";
		return false;
	}
	return true;
}
