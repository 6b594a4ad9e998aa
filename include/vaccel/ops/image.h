/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel/ops/image.h: image inference operations. img/len_img is the encoded
 * input image; the plugin writes NUL-terminated text into the out buffers,
 * never more than their lengths.
 */
#ifndef VACCEL_OPS_IMAGE_H
#define VACCEL_OPS_IMAGE_H

#include "../session.h"
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_session;

/*
 * Classify img. out_text receives the tags, out_imgname an image name.
 * out_text may be NULL (or len_out_text 0): the plugin then gets NULL and 0.
 */
int vaccel_image_classification(struct vaccel_session *sess, const void *img,
				unsigned char *out_text, unsigned char *out_imgname, size_t len_img,
				size_t len_out_text, size_t len_out_imgname);

/* Object detection; out_imgname receives the result image name. */
int vaccel_image_detection(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
			   size_t len_img, size_t len_out_imgname);

/* Semantic segmentation; out_imgname receives the result image name. */
int vaccel_image_segmentation(struct vaccel_session *sess, const void *img,
			      unsigned char *out_imgname, size_t len_img, size_t len_out_imgname);

/* Pose estimation; out_imgname receives the result image name. */
int vaccel_image_pose(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		      size_t len_img, size_t len_out_imgname);

/* Monocular depth estimation; out_imgname receives the result image name. */
int vaccel_image_depth(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		       size_t len_img, size_t len_out_imgname);

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_OPS_IMAGE_H */
