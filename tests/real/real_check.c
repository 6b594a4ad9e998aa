// SPDX-License-Identifier: Apache-2.0
/* The references of real_check.h. */
#include "real_check.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rc_rng_seed(struct rc_rng *r, uint64_t seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static uint64_t rc_rng_next(struct rc_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

float rc_rng_float(struct rc_rng *r, float lo, float hi)
{
	/* 24 random bits: every value is exactly representable. */
	double u = (double)(rc_rng_next(r) >> 40) / (double)(1u << 24);

	return (float)(lo + (hi - lo) * u);
}

void rc_rng_fill(struct rc_rng *r, float *v, size_t n, float lo, float hi)
{
	for (size_t i = 0; i < n; i++)
		v[i] = rc_rng_float(r, lo, hi);
}

/* Compare one element with its reference and bound; NaN anywhere fails. */
static bool rc_close(double got, double ref, double bound, double *worst)
{
	double err = fabs(got - ref);

	if (isnan(got) || isnan(ref) || err > bound)
		return false;
	if (worst && bound > 0 && err / bound > *worst)
		*worst = err / bound;
	return true;
}

bool rc_sgemm_check(int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
		    const float *b, int64_t ldb, float beta, const float *c0, const float *c,
		    int64_t ldc, double *worst, char why[RC_WHY_LEN])
{
	const double gamma = (double)(k + 2) * FLT_EPSILON;

	if (worst)
		*worst = 0;
	for (int64_t i = 0; i < m; i++) {
		for (int64_t j = 0; j < ldc; j++) {
			double ref = 0, mag = 0;
			float got = c[i * ldc + j];

			if (j >= n) {
				/* Padding between rows: never written. */
				if (memcmp(&got, &c0[i * ldc + j], sizeof(got))) {
					snprintf(why, RC_WHY_LEN,
						 "padding c[%" PRId64 "][%" PRId64
						 "] changed: %g -> %g",
						 i, j, (double)c0[i * ldc + j], (double)got);
					return false;
				}
				continue;
			}
			if (alpha != 0.0f) {
				for (int64_t p = 0; p < k; p++) {
					double t = (double)a[i * lda + p] * b[p * ldb + j];

					ref += t;
					mag += fabs(t);
				}
				ref *= alpha;
				mag *= fabs(alpha);
			}
			if (beta != 0.0f) {
				ref += (double)beta * c0[i * ldc + j];
				mag += fabs((double)beta * c0[i * ldc + j]);
			}
			if (!rc_close(got, ref, gamma * mag, worst)) {
				snprintf(why, RC_WHY_LEN,
					 "c[%" PRId64 "][%" PRId64
					 "] = %.9g, reference %.9g (bound %.3g)",
					 i, j, (double)got, ref, gamma * mag);
				return false;
			}
		}
	}
	return true;
}

bool rc_square_mmult_check(size_t n, const float *a, const float *b, const float *c,
			   char why[RC_WHY_LEN])
{
	float zero = 0;

	/* beta = 0: C0 is not read, so any pointer serves. */
	return rc_sgemm_check((int64_t)n, (int64_t)n, (int64_t)n, 1.0f, a, (int64_t)n, b,
			      (int64_t)n, 0.0f, n ? c : &zero, c, (int64_t)n, NULL, why);
}

bool rc_vadd_check(size_t len_a, const float *a, size_t len_b, const float *b, const float *c,
		   char why[RC_WHY_LEN])
{
	for (size_t i = 0; i < len_a; i++) {
		float ref = i < len_b ? a[i] + b[i] : a[i];

		if (memcmp(&ref, &c[i], sizeof(ref))) {
			snprintf(why, RC_WHY_LEN, "c[%zu] = %.9g, reference %.9g", i, (double)c[i],
				 (double)ref);
			return false;
		}
	}
	return true;
}

bool rc_minmax_check(const double *in, int n, int low, int high, const double *out, double min,
		     double max, char why[RC_WHY_LEN])
{
	double lo = INFINITY, hi = -INFINITY;
	bool any = false;

	for (int i = 0; i < n; i++) {
		double ref = in[i];

		if (!isnan(ref)) {
			any = true;
			lo = ref < lo ? ref : lo;
			hi = ref > hi ? ref : hi;
			ref = ref < low ? low : ref > high ? high : ref;
		}
		if (isnan(ref) ? !isnan(out[i]) : out[i] != ref) {
			snprintf(why, RC_WHY_LEN, "outdata[%d] = %.17g, reference %.17g", i, out[i],
				 ref);
			return false;
		}
	}
	if (!any ? !(isnan(min) && isnan(max)) : (min != lo || max != hi)) {
		snprintf(why, RC_WHY_LEN, "min/max = %.17g/%.17g, reference %.17g/%.17g", min, max,
			 any ? lo : NAN, any ? hi : NAN);
		return false;
	}
	return true;
}

double rc_iou(struct rc_box a, struct rc_box b)
{
	long x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	long x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
	long y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
	double inter = x1 > x0 && y1 > y0 ? (double)(x1 - x0) * (double)(y1 - y0) : 0;
	double uni = (double)a.w * a.h + (double)b.w * b.h - inter;

	return uni > 0 ? inter / uni : 0;
}

int rc_parse_faces(const char *text, struct rc_box *boxes, int max)
{
	const char *p = text;
	int count, idx = 0;

	if (sscanf(p, "faces: %d", &count) != 1 || count < 0)
		return -1;
	while ((p = strchr(p, '\n'))) {
		struct rc_box b;
		int i;

		p++;
		if (strncmp(p, "face ", 5))
			continue;
		if (sscanf(p, "face %d: %d %d %d %d", &i, &b.x, &b.y, &b.w, &b.h) != 5 ||
		    i != idx || b.w <= 0 || b.h <= 0)
			return -1;
		if (idx < max)
			boxes[idx] = b;
		idx++;
	}
	return idx == count ? (idx < max ? idx : max) : -1;
}

int rc_read_truth(const char *path, struct rc_box *boxes, int max)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct rc_box b;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%d %d %d %d", &b.x, &b.y, &b.w, &b.h) != 4 || n >= max) {
			fclose(f);
			return -1;
		}
		boxes[n++] = b;
	}
	fclose(f);
	return n;
}

bool rc_match_faces(const struct rc_box *truth, int nt, const struct rc_box *found, int nf,
		    double min_iou, double *worst, char why[RC_WHY_LEN])
{
	bool used[64] = {false};

	*worst = 1.0;
	if (nt != nf || nf > 64) {
		snprintf(why, RC_WHY_LEN, "%d faces found, the ground truth has %d", nf, nt);
		return false;
	}
	/* Greedy by best IoU per truth box: boxes in a test photo are well apart. */
	for (int t = 0; t < nt; t++) {
		int best = -1;
		double best_iou = 0;

		for (int f = 0; f < nf; f++) {
			double iou = rc_iou(truth[t], found[f]);

			if (!used[f] && iou > best_iou) {
				best = f;
				best_iou = iou;
			}
		}
		if (best < 0 || best_iou < min_iou) {
			snprintf(why, RC_WHY_LEN,
				 "truth face %d (%d %d %d %d): best IoU %.3f < %.2f", t, truth[t].x,
				 truth[t].y, truth[t].w, truth[t].h, best_iou, min_iou);
			return false;
		}
		used[best] = true;
		if (best_iou < *worst)
			*worst = best_iou;
	}
	return true;
}

int rc_closest_box(const struct rc_box *boxes, int n, struct rc_box b)
{
	int best = 0;

	for (int i = 1; i < n; i++)
		if (rc_iou(boxes[i], b) > rc_iou(boxes[best], b))
			best = i;
	return best;
}

int rc_parse_landmarks(const char *text, int face, int (*pts)[2], int max)
{
	char head[32];
	const char *p;
	int n = 0;

	snprintf(head, sizeof(head), "landmarks %d:", face);
	p = strstr(text, head);
	if (!p)
		return -1;
	p += strlen(head);
	while (*p == ' ') {
		int x, y, used;

		if (sscanf(p, " %d,%d%n", &x, &y, &used) != 2)
			return -1;
		if (n < max) {
			pts[n][0] = x;
			pts[n][1] = y;
		}
		n++;
		p += used;
	}
	return *p == '\n' || *p == '\0' ? n : -1;
}

static void rc_mean(const int (*pts)[2], int from, int to, double *x, double *y)
{
	*x = *y = 0;
	for (int i = from; i <= to; i++) {
		*x += pts[i][0];
		*y += pts[i][1];
	}
	*x /= to - from + 1;
	*y /= to - from + 1;
}

bool rc_landmarks_plausible(const int (*pts)[2], int n, struct rc_box box, char why[RC_WHY_LEN])
{
	double rx, ry, lx, ly, mx, my;
	int gx = box.w / 4, gy = box.h / 4;

	if (n != 68) {
		snprintf(why, RC_WHY_LEN, "%d landmarks, expected 68", n);
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (pts[i][0] < box.x - gx || pts[i][0] > box.x + box.w + gx ||
		    pts[i][1] < box.y - gy || pts[i][1] > box.y + box.h + gy) {
			snprintf(why, RC_WHY_LEN, "landmark %d (%d,%d) outside box %d %d %d %d", i,
				 pts[i][0], pts[i][1], box.x, box.y, box.w, box.h);
			return false;
		}
	}
	rc_mean(pts, 36, 41, &rx, &ry);
	rc_mean(pts, 42, 47, &lx, &ly);
	rc_mean(pts, 48, 67, &mx, &my);
	if (!(rx < lx && ry < pts[30][1] && ly < pts[30][1] && pts[30][1] < my)) {
		snprintf(why, RC_WHY_LEN,
			 "eyes (%.0f,%.0f) (%.0f,%.0f), nose tip (%d,%d), mouth (%.0f,%.0f) "
			 "are not in face order",
			 rx, ry, lx, ly, pts[30][0], pts[30][1], mx, my);
		return false;
	}
	return true;
}

bool rc_parse_classification(const char *text, char *label, size_t label_len, double *score)
{
	const char *p = strstr(text, " (score ");
	size_t n;

	if (!p || sscanf(p, " (score %lf)", score) != 1)
		return false;
	n = (size_t)(p - text);
	if (n == 0 || n >= label_len)
		return false;
	memcpy(label, text, n);
	label[n] = '\0';
	return true;
}

void *rc_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len + 1);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[len] = '\0';
			*size = (size_t)len;
		}
	}
	fclose(f);
	return buf;
}
