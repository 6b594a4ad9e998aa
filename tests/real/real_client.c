// SPDX-License-Identifier: Apache-2.0
/*
 * real-client: the real plugins' ops from the command line, each answer checked against
 * its independent reference (real_check.c). Used in the VM (tests/real/guest/), by
 * `make demo-real` and by hand:
 *
 *   real-client classify MODEL LABELS IMAGE [EXPECTED_LABEL]
 *   real-client accuracy MODEL LABELS LIST MIN_PERCENT   LIST: "file label" lines
 *   real-client detect IMAGE [TRUTH]                     TRUTH: "X Y W H" lines
 *   real-client pose IMAGE [TRUTH]
 *   real-client sgemm N [ITERATIONS]                     random N x N, checked
 *
 * Each op opens a session whose hint names the plugin type serving it (classify:
 * VACCEL_PLUGIN_TORCH, detect/pose: VACCEL_PLUGIN_GENERIC, sgemm: VACCEL_PLUGIN_CPU). In a
 * guest that hint also needs VACCEL_PLUGIN_REMOTE, so the runtime picks the transport
 * plugin, which forwards the other bits to the host: the client adds it when the hint
 * alone finds no plugin, so the same command works in-process and in a guest.
 * Prints the answer; exit status 0 only when the check passed, else 1 (2: usage).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vaccel.h>

#include "real_check.h"

#define DETECT_MIN_IOU 0.5
#define POSE_MIN_IOU 0.4
#define TEXT_LEN 16384

static int session(struct vaccel_session *s, uint32_t hint)
{
	int ret = vaccel_session_init(s, hint);

	if (ret == VACCEL_ENOTSUP)
		ret = vaccel_session_init(s, hint | VACCEL_PLUGIN_REMOTE);
	if (ret)
		fprintf(stderr, "real-client: no session for plugin type 0x%x: %d\n", hint, ret);
	return ret;
}

static void *read_or_die(const char *path, size_t *size)
{
	void *buf = rc_read_file(path, size);

	if (!buf) {
		fprintf(stderr, "real-client: cannot read %s\n", path);
		exit(1);
	}
	return buf;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A session with MODEL (model file + labels) registered; classify files through it. */
struct classifier {
	struct vaccel_session sess;
	struct vaccel_resource model;
};

static int classifier_open(struct classifier *c, const char *model, const char *labels)
{
	const char *paths[] = {model, labels};
	int ret = session(&c->sess, VACCEL_PLUGIN_TORCH);

	if (ret)
		return ret;
	ret = vaccel_resource_init_multi(&c->model, paths, 2, VACCEL_RESOURCE_MODEL);
	if (!ret)
		ret = vaccel_resource_register(&c->model, &c->sess);
	if (ret)
		fprintf(stderr, "real-client: cannot register the model %s: %d\n", model, ret);
	return ret;
}

static void classifier_close(struct classifier *c)
{
	vaccel_resource_unregister(&c->model, &c->sess);
	vaccel_resource_release(&c->model);
	vaccel_session_release(&c->sess);
}

static int classify_file(struct classifier *c, const char *path, char *label, size_t label_len,
			 double *score)
{
	char text[256] = "";
	unsigned char name[64];
	size_t size;
	void *img = read_or_die(path, &size);
	int ret = vaccel_image_classification(&c->sess, img, (unsigned char *)text, name, size,
					      sizeof(text), sizeof(name));

	free(img);
	if (ret) {
		fprintf(stderr, "real-client: classify %s: %d\n", path, ret);
		return ret;
	}
	if (!rc_parse_classification(text, label, label_len, score)) {
		fprintf(stderr, "real-client: unparsable result \"%s\"\n", text);
		return VACCEL_EINVAL;
	}
	return VACCEL_OK;
}

static int cmd_classify(int argc, char **argv)
{
	struct classifier c;
	char label[128];
	double score;
	int ret;

	if (argc < 5)
		return 2;
	if (classifier_open(&c, argv[2], argv[3]))
		return 1;
	ret = classify_file(&c, argv[4], label, sizeof(label), &score);
	classifier_close(&c);
	if (ret)
		return 1;
	printf("classify %s: %s (score %.4f)\n", argv[4], label, score);
	if (argc > 5 && strcmp(label, argv[5])) {
		printf("FAIL: expected %s\n", argv[5]);
		return 1;
	}
	return 0;
}

static int cmd_accuracy(int argc, char **argv)
{
	struct classifier c;
	char name[256], path[1024], label[128], dir[512];
	const char *slash;
	int want, total = 0, correct = 0, ret = 0;
	FILE *list;

	if (argc < 6)
		return 2;
	slash = strrchr(argv[4], '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - argv[4]) : 1,
		 slash ? argv[4] : ".");
	list = fopen(argv[4], "r");
	if (!list || classifier_open(&c, argv[2], argv[3])) {
		fprintf(stderr, "real-client: cannot start (%s)\n", argv[4]);
		return 1;
	}
	while (!ret && fscanf(list, "%255s %d", name, &want) == 2) {
		double score;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		ret = classify_file(&c, path, label, sizeof(label), &score);
		correct += !ret && atoi(label) == want;
		total++;
	}
	fclose(list);
	classifier_close(&c);
	if (ret || !total)
		return 1;
	printf("accuracy: %d/%d = %.2f%%\n", correct, total, 100.0 * correct / total);
	return 100.0 * correct < atof(argv[5]) * total;
}

/* detect or pose; with a truth file, check the faces (and landmarks) against it. */
static int cmd_faces(int argc, char **argv, bool pose)
{
	static char text[TEXT_LEN];
	static int pts[68][2];
	struct vaccel_session s;
	struct rc_box want[64], got[64];
	char why[RC_WHY_LEN] = "";
	size_t size;
	void *img;
	double worst;
	int ret, nf, nt;

	if (argc < 3)
		return 2;
	img = read_or_die(argv[2], &size);
	if (session(&s, VACCEL_PLUGIN_GENERIC))
		return 1;
	ret = (pose ? vaccel_image_pose : vaccel_image_detection)(&s, img, (unsigned char *)text,
								  size, sizeof(text));
	vaccel_session_release(&s);
	free(img);
	if (ret) {
		fprintf(stderr, "real-client: %s: %d\n", argv[1], ret);
		return 1;
	}
	nf = rc_parse_faces(text, got, 64);
	printf("%s %s: %d faces\n%s", argv[1], argv[2], nf, text);
	if (argc < 4)
		return nf < 0;
	nt = rc_read_truth(argv[3], want, 64);
	if (nt < 0 || nf < 0 ||
	    !rc_match_faces(want, nt, got, nf, pose ? POSE_MIN_IOU : DETECT_MIN_IOU, &worst, why)) {
		printf("FAIL: %s\n", nt < 0 ? "bad truth file" : nf < 0 ? "bad result" : why);
		return 1;
	}
	for (int i = 0; pose && i < nf; i++) {
		int n = rc_parse_landmarks(text, i, pts, 68);
		struct rc_box box = want[rc_closest_box(want, nt, got[i])];

		if (!rc_landmarks_plausible((const int(*)[2])pts, n, box, why)) {
			printf("FAIL: face %d: %s\n", i, why);
			return 1;
		}
	}
	printf("%s: matches the ground truth (%d faces, smallest IoU %.2f)\n", argv[1], nt, worst);
	return 0;
}

static int cmd_sgemm(int argc, char **argv)
{
	struct vaccel_session s;
	char why[RC_WHY_LEN] = "";
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	long iters = argc > 3 ? strtol(argv[3], NULL, 10) : 1;
	float *a, *b, *c, *c0;
	struct rc_rng r;
	double worst, t0, t;
	int ret = 0;

	if (n < 1 || n > 4096 || iters < 1 || iters > 100000)
		return 2;
	a = malloc(n * n * sizeof(float));
	b = malloc(n * n * sizeof(float));
	c = malloc(n * n * sizeof(float));
	c0 = malloc(n * n * sizeof(float));
	if (!a || !b || !c || !c0 || session(&s, VACCEL_PLUGIN_CPU))
		return 1;
	rc_rng_seed(&r, (uint64_t)n);
	rc_rng_fill(&r, a, n * n, -1, 1);
	rc_rng_fill(&r, b, n * n, -1, 1);
	rc_rng_fill(&r, c0, n * n, -1, 1);
	t0 = now_ms();
	for (long i = 0; i < iters && !ret; i++) {
		memcpy(c, c0, n * n * sizeof(float));
		ret = vaccel_sgemm(&s, n, n, n, 1.5f, a, n, b, n, -0.5f, c, n);
	}
	t = (now_ms() - t0) / iters;
	vaccel_session_release(&s);
	if (ret) {
		fprintf(stderr, "real-client: sgemm: %d\n", ret);
		return 1;
	}
	ret = !rc_sgemm_check(n, n, n, 1.5f, a, n, b, n, -0.5f, c0, c, n, &worst, why);
	if (ret)
		printf("sgemm %ldx%ld: FAIL: %s\n", n, n, why);
	else
		printf("sgemm %ldx%ld: C = 1.5 A B - 0.5 C verified against the reference "
		       "(worst error %.3g of the bound), %.3f ms per call\n",
		       n, n, worst, t);
	free(a);
	free(b);
	free(c);
	free(c0);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc > 1 && !strcmp(argv[1], "classify"))
		ret = cmd_classify(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "accuracy"))
		ret = cmd_accuracy(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "detect"))
		ret = cmd_faces(argc, argv, false);
	else if (argc > 1 && !strcmp(argv[1], "pose"))
		ret = cmd_faces(argc, argv, true);
	else if (argc > 1 && !strcmp(argv[1], "sgemm"))
		ret = cmd_sgemm(argc, argv);
	if (ret == 2)
		fprintf(stderr, "usage: real-client classify MODEL LABELS IMAGE [EXPECTED_LABEL]\n"
				"       real-client accuracy MODEL LABELS LIST MIN_PERCENT\n"
				"       real-client detect|pose IMAGE [TRUTH]\n"
				"       real-client sgemm N [ITERATIONS]\n");
	return ret;
}
