// SPDX-License-Identifier: Apache-2.0
/* noop image operations: log the arguments, write fixed dummy strings. */
#include "noop.h"
#include <inttypes.h>
#include <stdio.h>

#define NOOP_DUMMY_TAG "This is a dummy classification tag!"
#define NOOP_DUMMY_IMGNAME "This is a dummy imgname!"

/* Path of the first blob of the session's first MODEL resource, or NULL if there is none. */
static const char *noop_model_path(struct vaccel_session *sess)
{
	struct vaccel_resource *model = NULL;

	if (vaccel_session_resource_by_type(sess, &model, VACCEL_RESOURCE_MODEL) != VACCEL_OK)
		return NULL;
	if (!model || model->nr_blobs < 1 || !model->blobs || !model->blobs[0])
		return NULL;
	return model->blobs[0]->path;
}

/* snprintf truncates to the caller's length, so nothing is written past `len`. */
static void noop_dummy_result(unsigned char *out, size_t len, const char *text)
{
	noop_debug("will return a dummy result");
	if (out && len > 0)
		snprintf((char *)out, len, "%s", text);
}

int noop_image_classify(struct vaccel_session *sess, const void *img, unsigned char *out_text,
			unsigned char *out_imgname, size_t len_img, size_t len_out_text,
			size_t len_out_imgname)
{
	if (!sess || !img)
		return VACCEL_EINVAL;

	noop_debug("Calling Image classification for session %" PRId64, sess->id);
	noop_debug("Dumping arguments for Image classification:");
	noop_debug("model: %s", noop_str(noop_model_path(sess)));
	noop_debug("len_img: %zu", len_img);
	noop_debug("len_out_text: %zu", len_out_text);
	noop_debug("len_out_imgname: %zu", len_out_imgname);

	noop_dummy_result(out_text, len_out_text, NOOP_DUMMY_TAG);
	noop_dummy_result(out_imgname, len_out_imgname, NOOP_DUMMY_IMGNAME);
	return VACCEL_OK;
}

/* Detection, segmentation, pose and depth share one shape; only the name differs. */
static int noop_image_generic(const char *what, struct vaccel_session *sess, const void *img,
			      unsigned char *out_imgname, size_t len_img, size_t len_out_imgname)
{
	if (!sess || !img)
		return VACCEL_EINVAL;

	noop_debug("Calling Image %s for session %" PRId64, what, sess->id);
	noop_debug("Dumping arguments for Image %s:", what);
	noop_debug("model: %s", noop_str(noop_model_path(sess)));
	noop_debug("len_img: %zu", len_img);
	noop_debug("len_out_imgname: %zu", len_out_imgname);

	noop_dummy_result(out_imgname, len_out_imgname, NOOP_DUMMY_IMGNAME);
	return VACCEL_OK;
}

/* The four single-output image ops differ only in the name they log. */
#define NOOP_IMAGE_OP(fn, what)                                                                    \
	int fn(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,           \
	       size_t len_img, size_t len_out_imgname)                                             \
	{                                                                                          \
		return noop_image_generic(what, sess, img, out_imgname, len_img, len_out_imgname); \
	}
NOOP_IMAGE_OP(noop_image_detect, "detection")
NOOP_IMAGE_OP(noop_image_segment, "segmentation")
NOOP_IMAGE_OP(noop_image_pose, "pose")
NOOP_IMAGE_OP(noop_image_depth, "depth")
