// SPDX-License-Identifier: Apache-2.0
/*
 * libvaccel-torch.so with the digits model made at build time (plugins/torch/model/), in
 * this process (`test_real_torch local`) and over the socket transport (`... transport`):
 * accuracy on every held-out digit (the plugin decodes, preprocesses and runs each PNG),
 * the known digit, and bad inputs (undecodable or oversized images, a model file that is not
 * TorchScript, a model that is not a classifier, no model, a short result buffer) that get a
 * clear error and leave the plugin and the daemon serving; torch_model_load /
 * torch_model_run (the same digit from its pixels as a tensor) and torch_sgemm against a
 * reference, both ways too (the model ops' wire rows, issue #9).
 */
#include <float.h>
#include <math.h>
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

#define MODEL REAL_MODEL_DIR "/digits.pt"
#define LABELS REAL_MODEL_DIR "/digits-labels.txt"
#define MIN_ACCURACY 0.95

static struct vaccel_session sess;
static struct vaccel_resource model;

static int group_setup(void **state)
{
	const char *paths[] = {MODEL, LABELS};

	(void)state;
	if (real_session(&sess, VACCEL_PLUGIN_TORCH))
		return -1;
	if (vaccel_resource_init_multi(&model, paths, 2, VACCEL_RESOURCE_MODEL))
		return -1;
	return vaccel_resource_register(&model, &sess);
}

static int group_teardown(void **state)
{
	(void)state;
	vaccel_resource_unregister(&model, &sess);
	vaccel_resource_release(&model);
	vaccel_session_release(&sess);
	return 0;
}

/* Classify a file's bytes; returns the vAccel code, the text in `text`. */
static int classify_buf(struct vaccel_session *s, const void *img, size_t len, char *text,
			size_t text_len)
{
	unsigned char name[64];

	memset(text, 0, text_len);
	return vaccel_image_classification(s, img, (unsigned char *)text, name, len, text_len,
					   sizeof(name));
}

static int classify_file(struct vaccel_session *s, const char *path, char *text, size_t len)
{
	size_t size;
	void *img = rc_read_file(path, &size);
	int ret;

	assert_non_null(img);
	ret = classify_buf(s, img, size, text, len);
	free(img);
	return ret;
}

static void expect_seven(struct vaccel_session *s)
{
	char text[256], label[64];
	double score;
	int ret = classify_file(s, REAL_MODEL_DIR "/digit-7.png", text, sizeof(text));

	if (ret)
		real_dump();
	assert_int_equal(ret, VACCEL_OK);
	if (!rc_parse_classification(text, label, sizeof(label), &score))
		fail_msg("unparsable result \"%s\"", text);
	assert_string_equal(label, "7");
	assert_true(score > 0.5 && score <= 1.0);
}

static void test_known_digit(void **state)
{
	(void)state;
	expect_seven(&sess);
}

static void test_heldout_accuracy(void **state)
{
	FILE *list = fopen(REAL_MODEL_DIR "/heldout.txt", "r");
	char name[128], path[512], text[256], label[64];
	int want, total = 0, correct = 0;

	(void)state;
	assert_non_null(list);
	while (fscanf(list, "%127s %d", name, &want) == 2) {
		double score;
		int got;

		snprintf(path, sizeof(path), "%s/%s", REAL_MODEL_DIR, name);
		assert_int_equal(classify_file(&sess, path, text, sizeof(text)), VACCEL_OK);
		assert_true(rc_parse_classification(text, label, sizeof(label), &score));
		got = atoi(label);
		correct += got == want;
		total++;
	}
	fclose(list);
	printf("held-out accuracy through the plugin (%s): %d/%d = %.2f%%\n",
	       real_remote() ? "transport" : "local", correct, total, 100.0 * correct / total);
	assert_true(total >= 300);
	if (correct < MIN_ACCURACY * total)
		fail_msg("accuracy %d/%d below %.0f%%", correct, total, 100 * MIN_ACCURACY);
}

static void test_bad_images(void **state)
{
	/* A PNG header claiming 60000 x 60000 pixels: refused before decoding. */
	static const unsigned char bomb[] = {
	    0x89, 'P', 'N', 'G',  '\r', '\n', 0x1a, '\n', 0,	0, 0, 13, 'I', 'H', 'D',
	    'R',  0,   0,   0xea, 0x60, 0,    0,    0xea, 0x60, 8, 0, 0,  0,   0};
	unsigned char junk[1000];
	char text[256];
	size_t size;
	unsigned char *png = rc_read_file(REAL_MODEL_DIR "/digit-7.png", &size);

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	assert_int_equal(classify_buf(&sess, junk, sizeof(junk), text, sizeof(text)),
			 VACCEL_EINVAL);
	assert_int_equal(classify_buf(&sess, bomb, sizeof(bomb), text, sizeof(text)),
			 VACCEL_EINVAL);
	/* A real PNG cut after its header: the decoder finds no picture. */
	assert_non_null(png);
	assert_int_equal(classify_buf(&sess, png, 40, text, sizeof(text)), VACCEL_EINVAL);
	free(png);
	assert_true(real_daemon_alive());
	expect_seven(&sess);
}

static void test_short_text_buffer(void **state)
{
	char text[4];

	(void)state;
	assert_int_equal(classify_file(&sess, REAL_MODEL_DIR "/digit-7.png", text, sizeof(text)),
			 VACCEL_ENOSPC);
}

/*
 * A fresh session with `path` as its only MODEL resource: classify must fail with `want`,
 * torch_model_load (locally) return `want_load`.
 */
static void classify_with_model(const char *path, int want, int want_load)
{
	static struct vaccel_session s;
	static struct vaccel_resource r;
	char text[256];

	assert_int_equal(real_session(&s, VACCEL_PLUGIN_TORCH), VACCEL_OK);
	assert_int_equal(vaccel_resource_init(&r, path, VACCEL_RESOURCE_MODEL), VACCEL_OK);
	assert_int_equal(vaccel_resource_register(&r, &s), VACCEL_OK);
	assert_int_equal(classify_file(&s, REAL_MODEL_DIR "/digit-7.png", text, sizeof(text)),
			 want);
	if (!real_remote())
		assert_int_equal(vaccel_torch_model_load(&s, &r), want_load);
	assert_int_equal(vaccel_resource_unregister(&r, &s), VACCEL_OK);
	assert_int_equal(vaccel_resource_release(&r), VACCEL_OK);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

static void test_not_torchscript(void **state)
{
	char path[] = "/tmp/vaccel-real-notts-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "this is not a TorchScript archive\n", 34), 34);
	close(fd);
	classify_with_model(path, VACCEL_EINVAL, VACCEL_EINVAL);
	unlink(path);
	/* A file named .txt is a label file: such a resource has no model at all. */
	classify_with_model(LABELS, VACCEL_EINVAL, VACCEL_EINVAL);
	assert_true(real_daemon_alive());
	expect_seven(&sess);
}

static void test_not_a_classifier(void **state)
{
	(void)state;
	/* Valid TorchScript whose output is a scalar, not class scores. */
	classify_with_model(REAL_MODEL_DIR "/not-a-classifier.pt", VACCEL_EINVAL, VACCEL_OK);
	assert_true(real_daemon_alive());
	expect_seven(&sess);
}

static void test_reads_host_files(void **state)
{
	(void)state;
	/* A classifier that calls aten::from_file on a host path: never run. */
	classify_with_model(REAL_MODEL_DIR "/reads-files.pt", VACCEL_EPERM, VACCEL_EPERM);
	assert_true(real_daemon_alive());
	expect_seven(&sess);
}

static void test_no_model(void **state)
{
	static struct vaccel_session s;
	char text[256];

	(void)state;
	assert_int_equal(real_session(&s, VACCEL_PLUGIN_TORCH), VACCEL_OK);
	assert_int_equal(classify_file(&s, REAL_MODEL_DIR "/digit-7.png", text, sizeof(text)),
			 VACCEL_ENOENT);
	assert_int_equal(vaccel_session_release(&s), VACCEL_OK);
}

/* The known digit's 8x8 pixels as the model takes them: [1, 1, 8, 8] floats in 0..1. */
static void seven_pixels(float px[64])
{
	size_t size;
	void *raw = rc_read_file(REAL_MODEL_DIR "/digit-7.f32", &size);

	assert_non_null(raw);
	assert_int_equal(size, 64 * sizeof(float));
	memcpy(px, raw, 64 * sizeof(float));
	free(raw);
}

static void test_model_load_run(void **state)
{
	int64_t dims[] = {1, 1, 8, 8}, bad_dims[] = {1, 1, 5, 5};
	float px[64], small[25] = {0};
	struct vaccel_torch_tensor in = {0}, *inp = &in, *out[2] = {NULL, NULL};

	(void)state;
	seven_pixels(px);
	assert_int_equal(vaccel_torch_model_load(&sess, &model), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_init(&in, 4, dims, VACCEL_TORCH_FLOAT), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_set_data(&in, px, sizeof(px)), VACCEL_OK);
	assert_int_equal(vaccel_torch_model_run(&sess, &model, NULL, &inp, 1, out, 1), VACCEL_OK);
	assert_non_null(out[0]);
	assert_int_equal(out[0]->data_type, VACCEL_TORCH_FLOAT);
	assert_int_equal(out[0]->nr_dims, 2);
	assert_int_equal(out[0]->dims[0], 1);
	assert_int_equal(out[0]->dims[1], 10);
	assert_int_equal(out[0]->size, 10 * sizeof(float));
	/* The same answer as image_classify on the PNG of these pixels. */
	{
		const float *logits = out[0]->data;
		int top = 0;

		for (int i = 1; i < 10; i++)
			top = logits[i] > logits[top] ? i : top;
		assert_int_equal(top, 7);
	}
	vaccel_torch_tensor_delete(out[0]);
	out[0] = NULL;
	/* More outputs than the model gives. */
	assert_int_equal(vaccel_torch_model_run(&sess, &model, NULL, &inp, 1, out, 2),
			 VACCEL_EINVAL);
	assert_null(out[0]);
	/* Data that disagrees with its dims, then dims the model cannot take. */
	in.size = sizeof(px) - 4;
	assert_int_equal(vaccel_torch_model_run(&sess, &model, NULL, &inp, 1, out, 1),
			 VACCEL_EINVAL);
	vaccel_torch_tensor_release(&in);
	assert_int_equal(vaccel_torch_tensor_init(&in, 4, bad_dims, VACCEL_TORCH_FLOAT), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_set_data(&in, small, sizeof(small)), VACCEL_OK);
	assert_int_equal(vaccel_torch_model_run(&sess, &model, NULL, &inp, 1, out, 1),
			 VACCEL_EINVAL);
	assert_null(out[0]);
	vaccel_torch_tensor_release(&in);
	expect_seven(&sess);
}

static void test_torch_sgemm(void **state)
{
	enum { M = 13, N = 7, K = 29 };
	float a[M * K], b[K * N], c[M * N], res[M * N];
	int64_t da[] = {M, K}, db[] = {K, N}, dc[] = {M, N};
	struct vaccel_torch_tensor ta, tb, tc, *pa = &ta, *pb = &tb, *pc = &tc, *out = NULL;
	char why[RC_WHY_LEN] = "";
	struct rc_rng r;

	(void)state;
	rc_rng_seed(&r, 11000);
	rc_rng_fill(&r, a, M * K, -1, 1);
	rc_rng_fill(&r, b, K * N, -1, 1);
	rc_rng_fill(&r, c, M * N, -1, 1);
	assert_int_equal(vaccel_torch_tensor_init(&ta, 2, da, VACCEL_TORCH_FLOAT), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_init(&tb, 2, db, VACCEL_TORCH_FLOAT), VACCEL_OK);
	assert_int_equal(vaccel_torch_tensor_init(&tc, 2, dc, VACCEL_TORCH_FLOAT), VACCEL_OK);
	vaccel_torch_tensor_set_data(&ta, a, sizeof(a));
	vaccel_torch_tensor_set_data(&tb, b, sizeof(b));
	vaccel_torch_tensor_set_data(&tc, c, sizeof(c));
	assert_int_equal(vaccel_torch_sgemm(&sess, &pa, &pb, &pc, M, N, K, &out), VACCEL_OK);
	assert_non_null(out);
	assert_int_equal(out->size, sizeof(res));
	memcpy(res, out->data, sizeof(res));
	vaccel_torch_tensor_delete(out);
	out = NULL;
	/* out = A x B + C: sgemm with alpha = beta = 1. */
	if (!rc_sgemm_check(M, N, K, 1.0f, a, K, b, N, 1.0f, c, res, N, NULL, why))
		fail_msg("torch_sgemm: %s", why);
	/* Mismatched dims: B is not K x N. */
	assert_int_equal(vaccel_torch_sgemm(&sess, &pa, &pb, &pc, M, N + 1, K, &out),
			 VACCEL_EINVAL);
	assert_null(out);
	vaccel_torch_tensor_release(&ta);
	vaccel_torch_tensor_release(&tb);
	vaccel_torch_tensor_release(&tc);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_digit),	     cmocka_unit_test(test_heldout_accuracy),
	    cmocka_unit_test(test_bad_images),	     cmocka_unit_test(test_short_text_buffer),
	    cmocka_unit_test(test_not_torchscript),  cmocka_unit_test(test_not_a_classifier),
	    cmocka_unit_test(test_reads_host_files), cmocka_unit_test(test_no_model),
	    cmocka_unit_test(test_model_load_run),   cmocka_unit_test(test_torch_sgemm),
	};
	int ret;

	real_start(argc, argv, REAL_TORCH_PLUGIN, "libvaccel-torch.so");
	if (access(MODEL, R_OK)) {
		printf("SKIP: the digits model %s was not made (python3-torch missing?)\n", MODEL);
		real_stop();
		return REAL_SKIP;
	}
	ret = vt_run_group_name(real_remote() ? "torch-transport" : "torch-local", tests,
				group_setup, group_teardown);
	real_stop();
	return ret;
}
