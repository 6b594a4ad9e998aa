// SPDX-License-Identifier: Apache-2.0
/*
 * Image classification through vaccel_genop: `classify_generic <image_file> [iterations]
 * [model_path]`. Layout: read = [UINT8 op, BUFFER image]; write = [UCHAR_ARRAY imgname,
 * UCHAR_ARRAY text] (upstream's order: the image name comes first).
 */
#include "ex_image.h"
#include <stdio.h>

static int classify_once(struct vaccel_session *sess, const void *img, size_t len_img)
{
	unsigned char text[EX_IMAGE_OUT_LEN] = {0};
	unsigned char imgname[EX_IMAGE_OUT_LEN] = {0};
	uint8_t op = VACCEL_OP_IMAGE_CLASSIFY;
	struct vaccel_arg read[] = {
	    {.buf = &op, .size = sizeof(op), .type = VACCEL_ARG_UINT8},
	    {.buf = (void *)img, .size = len_img, .type = VACCEL_ARG_BUFFER},
	};
	struct vaccel_arg write[] = {
	    {.buf = imgname, .size = sizeof(imgname), .type = VACCEL_ARG_UCHAR_ARRAY},
	    {.buf = text, .size = sizeof(text), .type = VACCEL_ARG_UCHAR_ARRAY},
	};
	int ret;

	ret = vaccel_genop(sess, read, 2, write, 2);
	if (ret) {
		fprintf(stderr, "Could not run op: %d\n", ret);
		return ret;
	}
	ex_image_print("classification tags", text, sizeof(text));
	ex_image_print("classification imagename", imgname, sizeof(imgname));
	return 0;
}

int main(int argc, char **argv)
{
	return ex_image_main(argc, argv, classify_once);
}
