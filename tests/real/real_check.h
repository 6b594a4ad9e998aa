/* SPDX-License-Identifier: Apache-2.0 */
/*
 * real_check: the independent references the real plugins are checked against, shared by
 * the cmocka tests (tests/real/test_real_*.c), the guest client real-client (VM suite,
 * make demo-real) and the benchmark. Nothing here calls a plugin: each reference is plain
 * C written from the op's definition (include/vaccel/ops/, plugins/NAME/README.md).
 *
 * Every check returns true or false and, on false, says why in `why` (both values).
 */
#ifndef REAL_CHECK_H
#define REAL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RC_WHY_LEN 256

/* Deterministic pseudo-random numbers (xorshift64*), so a failure can be replayed. */
struct rc_rng {
	uint64_t s;
};
void rc_rng_seed(struct rc_rng *r, uint64_t seed);
float rc_rng_float(struct rc_rng *r, float lo, float hi);
void rc_rng_fill(struct rc_rng *r, float *v, size_t n, float lo, float hi);

/*
 * sgemm, row-major: C = alpha * A * B + beta * C with BLAS semantics (A and B are not read
 * when alpha == 0 or k == 0, C is not read when beta == 0). `c0` is C before the call, `c`
 * after. Each element is compared with a double-precision reference within the classic
 * bound (k + 2) * FLT_EPSILON * (|alpha| * sum |a_ip b_pj| + |beta c0_ij|), which is 0,
 * hence exact, in the corner cases; the padding columns of C (n..ldc-1) must be unchanged.
 * `worst` (optional) gets the largest error / bound seen.
 */
bool rc_sgemm_check(int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
		    const float *b, int64_t ldb, float beta, const float *c0, const float *c,
		    int64_t ldc, double *worst, char why[RC_WHY_LEN]);

/* c = a x b for n x n matrices (fpga_mmult, fpga_parallel), same bound as sgemm. */
bool rc_square_mmult_check(size_t n, const float *a, const float *b, const float *c,
			   char why[RC_WHY_LEN]);

/* c = a + b element-wise, exactly as float addition rounds; b past len_b counts as 0. */
bool rc_vadd_check(size_t len_a, const float *a, size_t len_b, const float *b, const float *c,
		   char why[RC_WHY_LEN]);

/* minmax: min/max of the non-NaN inputs, outdata = indata clamped to [low, high]. */
bool rc_minmax_check(const double *in, int n, int low, int high, const double *out, double min,
		     double max, char why[RC_WHY_LEN]);

/* A face box in pixels. */
struct rc_box {
	int x, y, w, h;
};

double rc_iou(struct rc_box a, struct rc_box b);

/*
 * Parse the plugin's detection text ("faces: N" then "face I: X Y W H" lines, see
 * plugins/vision/README.md). Returns the number of faces stored (at most max), or -1 if
 * the text is malformed or disagrees with its own count.
 */
int rc_parse_faces(const char *text, struct rc_box *boxes, int max);

/*
 * Parse a ground-truth file: one "X Y W H" line per face ('#' lines are comments).
 * Returns the count, or -1.
 */
int rc_read_truth(const char *path, struct rc_box *boxes, int max);

/*
 * Match detections to the truth one to one: true when the counts agree and every truth
 * box has its own detection with IoU >= min_iou. `worst` gets the smallest IoU matched.
 */
bool rc_match_faces(const struct rc_box *truth, int nt, const struct rc_box *found, int nf,
		    double min_iou, double *worst, char why[RC_WHY_LEN]);

/* Index of the box of `boxes` (n >= 1) that overlaps `b` most. */
int rc_closest_box(const struct rc_box *boxes, int n, struct rc_box b);

/*
 * Parse one face's landmarks from the pose text ("landmarks I: X,Y X,Y ..." with 68
 * points). Returns the number of points read, or -1.
 */
int rc_parse_landmarks(const char *text, int face, int (*pts)[2], int max);

/*
 * Landmarks that describe a face inside `box` (iBUG 68-point order): every point within
 * the box grown by a quarter on each side, the eyes (36-47) above the nose tip (30) above
 * the mouth (48-67), the right eye (36-41) left of the left eye (42-47).
 */
bool rc_landmarks_plausible(const int (*pts)[2], int n, struct rc_box box, char why[RC_WHY_LEN]);

/* Split classification text "<label> (score S)": label copied out, score returned. */
bool rc_parse_classification(const char *text, char *label, size_t label_len, double *score);

/* Read a whole file (malloc'd, NUL-terminated; free()). NULL on error. */
void *rc_read_file(const char *path, size_t *size);

#endif /* REAL_CHECK_H */
