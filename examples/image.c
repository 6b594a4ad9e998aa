// SPDX-License-Identifier: Apache-2.0
/*
 * The image operations: `<prog> <image_file> [iterations] [model_path]`, where <prog> is
 * classify, detect, segment, pose or depth, each also as <prog>_generic. Built once per
 * program with EX_IMAGE_KIND = 0 (classify), 1 (detect), 2 (segment), 3 (pose) or
 * 4 (depth) and EX_GENERIC = 0 (the typed call) or 1 (vaccel_genop, with the layout
 * read = [UINT8 op, BUFFER image]; write = [UCHAR_ARRAY imgname], plus UCHAR_ARRAY text
 * for classify: upstream's order puts the image name first).
 *
 * It opens a session, optionally registers a MODEL resource, reads the image and runs the
 * operation once per iteration, printing the result buffers.
 */
#include "ex_util.h"
#include <stdio.h>
#include <stdlib.h>

#if EX_IMAGE_KIND < 0 || EX_IMAGE_KIND > 4
#error "EX_IMAGE_KIND must be 0..4"
#endif
#define EX_CLASSIFY (EX_IMAGE_KIND == 0)

/* Size of the result buffers, as in upstream's examples. */
#define EX_IMAGE_OUT_LEN 512

typedef int (*image_call_fn)(struct vaccel_session *sess, const void *img,
			     unsigned char *out_imgname, size_t len_img, size_t len_out_imgname);

/* Per kind: the genop code, the typed call (classify has its own) and the result's label. */
static const struct image_kind {
	vaccel_op_type_t op;
	image_call_fn call;
	const char *label;
} kinds[] = {
    {VACCEL_OP_IMAGE_CLASSIFY, NULL, "classification imagename"},
    {VACCEL_OP_IMAGE_DETECT, vaccel_image_detection, "detection imagename"},
    {VACCEL_OP_IMAGE_SEGMENT, vaccel_image_segmentation, "segmentation imagename"},
    {VACCEL_OP_IMAGE_POSE, vaccel_image_pose, "pose estimation imagename"},
    {VACCEL_OP_IMAGE_DEPTH, vaccel_image_depth, "depth estimation imagename"},
};

struct ex_image {
	void *data;
	size_t len;
};

/* Print "<label>: <text>" for a result buffer that may lack a terminating NUL. */
static void print_result(const char *label, const unsigned char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && buf[n])
		n++;
	printf("%s: %.*s\n", label, (int)n, (const char *)buf);
}

static int image_once(struct vaccel_session *sess, void *ctx)
{
	const struct image_kind *kind = &kinds[EX_IMAGE_KIND];
	const struct ex_image *img = ctx;
	unsigned char imgname[EX_IMAGE_OUT_LEN] = {0};
	unsigned char text[EX_IMAGE_OUT_LEN] = {0};
	int ret;
#if EX_GENERIC
	uint8_t op = kind->op;
	struct vaccel_arg read[] = {
	    {.buf = &op, .size = sizeof(op), .type = VACCEL_ARG_UINT8},
	    {.buf = img->data, .size = img->len, .type = VACCEL_ARG_BUFFER},
	};
	struct vaccel_arg write[] = {
	    {.buf = imgname, .size = sizeof(imgname), .type = VACCEL_ARG_UCHAR_ARRAY},
	    {.buf = text, .size = sizeof(text), .type = VACCEL_ARG_UCHAR_ARRAY},
	};

	ret = vaccel_genop(sess, read, 2, write, EX_CLASSIFY ? 2 : 1);
#else
	if (EX_CLASSIFY)
		ret = vaccel_image_classification(sess, img->data, text, imgname, img->len,
						  sizeof(text), sizeof(imgname));
	else
		ret = kind->call(sess, img->data, imgname, img->len, sizeof(imgname));
#endif
	if (ret)
		return ret;
	if (EX_CLASSIFY)
		print_result("classification tags", text, sizeof(text));
	print_result(kind->label, imgname, sizeof(imgname));
	return 0;
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	struct vaccel_resource model;
	struct ex_image img = {0};
	unsigned long iterations;
	int ret;

	ret = ex_parse_args(argc, argv, 1, 3, "<image_file> [iterations] [model_path]", 2,
			    &iterations);
	if (ret)
		return ret;
	ret = ex_session_open(&sess, 0, &model, argc > 3 ? argv[3] : NULL, VACCEL_RESOURCE_MODEL);
	if (ret)
		return ret;
	ret = ex_read_file(argv[1], &img.data, &img.len);
	if (!ret) {
		ret = ex_repeat(&sess, iterations, image_once, &img);
		free(img.data);
	}
	ex_session_close(&sess, argc > 3 ? &model : NULL);
	return ret;
}
