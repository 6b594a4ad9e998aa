// SPDX-License-Identifier: Apache-2.0
/* The image inference ops: classify, detect, segment, pose, depth. */

#include "ops.h"
#include "vaccel/ops/image.h"

typedef int (*image_classify_fn)(struct vaccel_session *sess, const void *img,
				 unsigned char *out_text, unsigned char *out_imgname,
				 size_t len_img, size_t len_out_text, size_t len_out_imgname);
typedef int (*image_fn)(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
			size_t len_img, size_t len_out_imgname);

/* One region for all five image ops, as upstream. */
static struct vaccel_prof_region image_prof[] = {
    VACCEL_PROF_REGION_INIT("vaccel_image_op"),
};

int vaccel_image_classification(struct vaccel_session *sess, const void *img,
				unsigned char *out_text, unsigned char *out_imgname, size_t len_img,
				size_t len_out_text, size_t len_out_imgname)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, VACCEL_OP_IMAGE_CLASSIFY);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_IMAGE_CLASSIFY, &func);
	if (ret)
		goto out;

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

	ret = ((image_classify_fn)func)(sess, img, out_text, out_imgname, len_img, len_out_text,
					len_out_imgname);
out:
	ops_prof_end(&image_prof[0], t0);
	return ret;
}

/* Detect/segment/pose/depth share one plugin signature. */
static int image_op(vaccel_op_type_t type, struct vaccel_session *sess, const void *img,
		    unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	ops_log_lookup(sess, type);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, type, &func);
	if (ret)
		goto out;

	ret = ((image_fn)func)(sess, img, out_imgname, len_img, len_out_imgname);
out:
	ops_prof_end(&image_prof[0], t0);
	return ret;
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

__attribute__((destructor)) static void image_prof_fini(void)
{
	ops_prof_regions_flush(image_prof, 1);
}
