// SPDX-License-Identifier: Apache-2.0
/*
 * The image inference ops: classify, detect, segment, pose, depth. Flow and rules:
 * ops.h. Detect, segment, pose and depth share one plugin signature.
 */

#include "ops.h"
#include "vaccel/ops/image.h"

int vaccel_image_classification(struct vaccel_session *sess, const void *img,
				unsigned char *out_text, unsigned char *out_imgname, size_t len_img,
				size_t len_out_text, size_t len_out_imgname)
{
	/*
	 * Always the full 7-argument call (upstream switches to a 5-argument
	 * prototype when there is no text buffer): a missing text buffer is
	 * passed as NULL with length 0, so the plugin sees one consistent
	 * signature and never a stale length.
	 */
	if (!out_text || !len_out_text) {
		out_text = NULL;
		len_out_text = 0;
	}

	OPS_RETURN_CALL(sess, VACCEL_OP_IMAGE_CLASSIFY, NULL, vaccel_image_classification, sess,
			img, out_text, out_imgname, len_img, len_out_text, len_out_imgname);
}

static int image_op(vaccel_op_type_t op, struct vaccel_session *sess, const void *img,
		    unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	OPS_RETURN_CALL(sess, op, NULL, vaccel_image_detection, sess, img, out_imgname, len_img,
			len_out_imgname);
}

int vaccel_image_detection(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
			   size_t len_img, size_t len_out_imgname)
{
	return image_op(VACCEL_OP_IMAGE_DETECT, sess, img, out_imgname, len_img, len_out_imgname);
}

int vaccel_image_segmentation(struct vaccel_session *sess, const void *img,
			      unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	return image_op(VACCEL_OP_IMAGE_SEGMENT, sess, img, out_imgname, len_img, len_out_imgname);
}

int vaccel_image_pose(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		      size_t len_img, size_t len_out_imgname)
{
	return image_op(VACCEL_OP_IMAGE_POSE, sess, img, out_imgname, len_img, len_out_imgname);
}

int vaccel_image_depth(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
		       size_t len_img, size_t len_out_imgname)
{
	return image_op(VACCEL_OP_IMAGE_DEPTH, sess, img, out_imgname, len_img, len_out_imgname);
}
