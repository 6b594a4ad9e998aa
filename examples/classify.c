// SPDX-License-Identifier: Apache-2.0
/* Image classification: `classify <image_file> [iterations] [model_path]`. */
#include "ex_image.h"
#include <stdio.h>

static int classify_once(struct vaccel_session *sess, const void *img, size_t len_img)
{
	unsigned char text[EX_IMAGE_OUT_LEN] = {0};
	unsigned char imgname[EX_IMAGE_OUT_LEN] = {0};
	int ret;

	ret = vaccel_image_classification(sess, img, text, imgname, len_img, sizeof(text),
					  sizeof(imgname));
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
