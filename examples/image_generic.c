// SPDX-License-Identifier: Apache-2.0
/*
 * detect / segment / pose / depth through vaccel_genop:
 * `<prog>_generic <image_file> [iterations] [model_path]`.
 * Layout: read = [UINT8 op, BUFFER image]; write = [UCHAR_ARRAY imgname].
 * Built once per operation with EX_IMAGE_KIND = 1 (detect), 2 (segment), 3 (pose), 4 (depth).
 */
#include "ex_image.h"
#include <stdio.h>

#if EX_IMAGE_KIND == 1
#define EX_IMAGE_OP VACCEL_OP_IMAGE_DETECT
#define EX_IMAGE_LABEL "detection imagename"
#elif EX_IMAGE_KIND == 2
#define EX_IMAGE_OP VACCEL_OP_IMAGE_SEGMENT
#define EX_IMAGE_LABEL "segmentation imagename"
#elif EX_IMAGE_KIND == 3
#define EX_IMAGE_OP VACCEL_OP_IMAGE_POSE
#define EX_IMAGE_LABEL "pose estimation imagename"
#elif EX_IMAGE_KIND == 4
#define EX_IMAGE_OP VACCEL_OP_IMAGE_DEPTH
#define EX_IMAGE_LABEL "depth estimation imagename"
#else
#error "EX_IMAGE_KIND must be 1..4"
#endif

static int image_once(struct vaccel_session *sess, const void *img, size_t len_img)
{
	unsigned char imgname[EX_IMAGE_OUT_LEN] = {0};
	uint8_t op = EX_IMAGE_OP;
	struct vaccel_arg read[] = {
	    {.buf = &op, .size = sizeof(op), .type = VACCEL_ARG_UINT8},
	    {.buf = (void *)img, .size = len_img, .type = VACCEL_ARG_BUFFER},
	};
	struct vaccel_arg write[] = {
	    {.buf = imgname, .size = sizeof(imgname), .type = VACCEL_ARG_UCHAR_ARRAY},
	};
	int ret;

	ret = vaccel_genop(sess, read, 2, write, 1);
	if (ret) {
		fprintf(stderr, "Could not run op: %d\n", ret);
		return ret;
	}
	ex_image_print(EX_IMAGE_LABEL, imgname, sizeof(imgname));
	return 0;
}

int main(int argc, char **argv)
{
	return ex_image_main(argc, argv, image_once);
}
