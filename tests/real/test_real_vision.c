// SPDX-License-Identifier: Apache-2.0
/*
 * libvaccel-vision.so against the ground truth of the test photo made at build time
 * (plugins/vision/data/: five LFW faces pasted at known boxes on LFW backgrounds), in this
 * process (`test_real_vision local`) and over the socket transport (`... transport`):
 *   image_detect  exactly the five faces, each matched one to one with IoU >= 0.5, none on
 *                 the background alone; an annotated copy when VACCEL_VISION_OUTPUT_DIR is
 *                 set (the test sets it, for the daemon too);
 *   image_pose    the five faces (dlib's boxes are tighter than the crops: IoU >= 0.4),
 *                 68 landmarks each, inside the face and in face order (eyes above nose
 *                 above mouth, right eye left of left eye);
 *   bad input     undecodable or oversized images, short result buffers, and the ops this
 *                 plugin lacks (segment, depth): clear errors, the daemon keeps serving.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <vaccel.h>

#include "real_check.h"
#include "real_env.h"
#include "vt_main.h"

#define PHOTO REAL_VISION_DATA "/faces.png"
#define TRUTH REAL_VISION_DATA "/faces-truth.txt"
#define DETECT_MIN_IOU 0.5
#define POSE_MIN_IOU 0.4
#define TEXT_LEN 16384

static struct vaccel_session sess;
static char outdir[] = "/tmp/vaccel-real-vision-XXXXXX";

static int group_setup(void **state)
{
	(void)state;
	return real_session(&sess, VACCEL_PLUGIN_GENERIC);
}

static int group_teardown(void **state)
{
	(void)state;
	return vaccel_session_release(&sess);
}

typedef int (*image_op)(struct vaccel_session *, const void *, unsigned char *, size_t, size_t);

static int run_file(image_op op, const char *path, char *text, size_t len)
{
	size_t size;
	void *img = rc_read_file(path, &size);
	int ret;

	assert_non_null(img);
	memset(text, 0, len);
	ret = op(&sess, img, (unsigned char *)text, size, len);
	free(img);
	return ret;
}

static int truth(struct rc_box *boxes)
{
	int n = rc_read_truth(TRUTH, boxes, 16);

	assert_int_equal(n, 5);
	return n;
}

/* The annotated copy named in the text: a PNG of the photo's size. */
static void expect_annotated(const char *text)
{
	const char *p = strstr(text, "image: ");
	char path[256];
	unsigned char head[24];
	FILE *f;

	assert_non_null(p);
	assert_int_equal(sscanf(p, "image: %255s", path), 1);
	assert_true(!strncmp(path, outdir, strlen(outdir)));
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);
	assert_memory_equal(head + 1, "PNG", 3);
	/* IHDR width and height, big-endian. */
	assert_int_equal(head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19], 640);
	assert_int_equal(head[20] << 24 | head[21] << 16 | head[22] << 8 | head[23], 480);
}

/*
 * Run `op` on the photo and match its faces to the truth with IoU >= min_iou; returns the
 * number of faces, the text in `text`, the smallest IoU in `worst`.
 */
static int faces_vs_truth(image_op op, const char *what, double min_iou, char *text, size_t len,
			  struct rc_box *want, struct rc_box *got, double *worst)
{
	char why[RC_WHY_LEN] = "";
	int nt = truth(want), nf;
	int ret = run_file(op, PHOTO, text, len);

	if (ret)
		real_dump();
	assert_int_equal(ret, VACCEL_OK);
	nf = rc_parse_faces(text, got, 64);
	if (nf < 0)
		fail_msg("%s: unparsable result:\n%s", what, text);
	if (!rc_match_faces(want, nt, got, nf, min_iou, worst, why))
		fail_msg("%s: %s\n%s", what, why, text);
	printf("%s: %d/%d faces, smallest IoU %.2f\n", what, nf, nt, *worst);
	return nf;
}

static void test_detect_truth(void **state)
{
	static char text[TEXT_LEN];
	struct rc_box want[16], got[64];
	double worst;

	(void)state;
	faces_vs_truth(vaccel_image_detection, "image_detect", DETECT_MIN_IOU, text, sizeof(text),
		       want, got, &worst);
	expect_annotated(text);
}

static void test_detect_no_faces(void **state)
{
	static char text[TEXT_LEN];
	struct rc_box got[64];

	(void)state;
	assert_int_equal(
	    run_file(vaccel_image_detection, REAL_VISION_DATA "/no-faces.png", text, sizeof(text)),
	    VACCEL_OK);
	assert_int_equal(rc_parse_faces(text, got, 64), 0);
}

static void test_pose_landmarks(void **state)
{
	static char text[TEXT_LEN];
	static int pts[68][2];
	struct rc_box want[16], got[64];
	char why[RC_WHY_LEN] = "";
	double worst;
	int nf = faces_vs_truth(vaccel_image_pose, "image_pose", POSE_MIN_IOU, text, sizeof(text),
				want, got, &worst);

	(void)state;
	for (int i = 0; i < nf; i++) {
		int n = rc_parse_landmarks(text, i, pts, 68);
		/* Checked against the truth box of this face (matching made nf == truth's). */
		struct rc_box box = want[rc_closest_box(want, nf, got[i])];

		if (!rc_landmarks_plausible((const int(*)[2])pts, n, box, why))
			fail_msg("image_pose face %d: %s", i, why);
	}
	expect_annotated(text);
}

static void test_bad_input(void **state)
{
	static const unsigned char bomb[] = {0xff, 0xd8, 0xff, 0xc0, 0,	   11, 8,    0xff, 0xff,
					     0xff, 0xff, 1,    1,    0x11, 0,  0xff, 0xd9};
	unsigned char junk[512], small[16];
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 1);
	assert_int_equal(
	    vaccel_image_detection(&sess, junk, (unsigned char *)text, sizeof(junk), sizeof(text)),
	    VACCEL_EINVAL);
	/* A JPEG frame header claiming 65535 x 65535 pixels: refused before decoding. */
	assert_int_equal(
	    vaccel_image_pose(&sess, bomb, (unsigned char *)text, sizeof(bomb), sizeof(text)),
	    VACCEL_EINVAL);
	/* Five faces do not fit in 16 bytes, nor 68 landmarks in 256. */
	assert_int_equal(run_file(vaccel_image_detection, PHOTO, (char *)small, sizeof(small)),
			 VACCEL_ENOSPC);
	assert_int_equal(run_file(vaccel_image_pose, PHOTO, text, sizeof(text)), VACCEL_ENOSPC);
	assert_true(real_daemon_alive());
}

static void test_unimplemented(void **state)
{
	unsigned char text[64];
	size_t size;
	void *img = rc_read_file(PHOTO, &size);

	(void)state;
	assert_non_null(img);
	assert_int_equal(vaccel_image_segmentation(&sess, img, text, size, sizeof(text)),
			 VACCEL_ENOTSUP);
	assert_int_equal(vaccel_image_depth(&sess, img, text, size, sizeof(text)), VACCEL_ENOTSUP);
	free(img);
	assert_true(real_daemon_alive());
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect_truth),   cmocka_unit_test(test_detect_no_faces),
	    cmocka_unit_test(test_pose_landmarks), cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_unimplemented),
	};
	char cmd[128];
	int ret;

	/* Annotated copies go to a fresh directory (read by the daemon too: it inherits it). */
	if (!mkdtemp(outdir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("VACCEL_VISION_OUTPUT_DIR", outdir, 1);
	real_start(argc, argv, REAL_VISION_PLUGIN, "libvaccel-vision.so");
	if (access(PHOTO, R_OK)) {
		printf("SKIP: the test photo %s was not made (python3-numpy missing?)\n", PHOTO);
		real_stop();
		rmdir(outdir);
		return REAL_SKIP;
	}
	ret = vt_run_group_name(real_remote() ? "vision-transport" : "vision-local", tests,
				group_setup, group_teardown);
	real_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", outdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", outdir);
	return ret;
}
