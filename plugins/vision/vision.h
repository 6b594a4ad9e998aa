/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vision plugin's C ABI: the plugin definition (vision_plugin.c, C) registers these,
 * written in C++ with OpenCV and dlib (vision_faces.cc). Nothing C++ crosses this header;
 * every function catches what the libraries throw and returns a VACCEL_E* code after one
 * log line that says why. Each op takes exactly its public wrapper's parameters.
 */
#ifndef VISION_H
#define VISION_H

#include <vaccel.h>

#ifdef __cplusplus
extern "C" {
#endif

int vision_image_detect(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
			size_t len_img, size_t len_out_imgname);
int vision_image_pose(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		      size_t len_img, size_t len_out_imgname);

/* Plugin init/fini: read the environment, load the face cascade. */
int vision_backend_init(void);
void vision_backend_fini(void);

#ifdef __cplusplus
}
#endif

#endif /* VISION_H */
