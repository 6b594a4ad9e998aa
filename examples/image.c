// SPDX-License-Identifier: Apache-2.0
/*
 * detect / segment / pose / depth: `<prog> <image_file> [iterations] [model_path]`.
 * Built once per operation with EX_IMAGE_KIND = 1 (detect), 2 (segment), 3 (pose), 4 (depth).
 */
#include "ex_image.h"
#include <stdio.h>

#if EX_IMAGE_KIND == 1
#define EX_IMAGE_OP vaccel_image_detection
#define EX_IMAGE_LABEL "detection imagename"
#elif EX_IMAGE_KIND == 2
#define EX_IMAGE_OP vaccel_image_segmentation
#define EX_IMAGE_LABEL "segmentation imagename"
#elif EX_IMAGE_KIND == 3
#define EX_IMAGE_OP vaccel_image_pose
#define EX_IMAGE_LABEL "pose estimation imagename"
#elif EX_IMAGE_KIND == 4
#define EX_IMAGE_OP vaccel_image_depth
#define EX_IMAGE_LABEL "depth estimation imagename"
#else
#error "EX_IMAGE_KIND must be 1..4"
#endif

static int image_once(struct vaccel_session *sess, const void *img, size_t len_img)
{
	unsigned char imgname[EX_IMAGE_OUT_LEN] = {0};
	int ret;

	ret = EX_IMAGE_OP(sess, img, imgname, len_img, sizeof(imgname));
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
