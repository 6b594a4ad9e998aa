// SPDX-License-Identifier: Apache-2.0
/*
 * Min/max of a data set: `minmax [input.csv] [iterations]`. The CSV holds numbers
 * separated by commas or white space; without it, 2048 generated values are used.
 * Prints "min: X max: Y" (-1 and 10000 with the noop plugin).
 */
#include "ex_util.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define EX_GENERATED 2048
#define EX_MAX_VALUES (1 << 24)
#define EX_LOW_THRESHOLD 10
#define EX_HIGH_THRESHOLD 5000

/* Parse a NUL-terminated text of numbers into a malloc'd array. */
static int parse_csv(const char *text, double **values, int *count)
{
	size_t cap = 1024, n = 0;
	double *v = malloc(cap * sizeof(*v));
	const char *p = text;

	if (!v)
		return VACCEL_ENOMEM;
	for (;;) {
		char *end;
		double d;

		while (*p && (isspace((unsigned char)*p) || *p == ','))
			p++;
		if (!*p)
			break;
		errno = 0;
		d = strtod(p, &end);
		if (end == p || errno) {
			fprintf(stderr, "Invalid number near '%.16s'\n", p);
			free(v);
			return VACCEL_EINVAL;
		}
		p = end;
		if (n == cap) {
			double *nv;

			if (cap >= EX_MAX_VALUES) {
				fprintf(stderr, "Too many values\n");
				free(v);
				return VACCEL_EINVAL;
			}
			nv = realloc(v, 2 * cap * sizeof(*v));
			if (!nv) {
				free(v);
				return VACCEL_ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = d;
	}
	if (n == 0) {
		fprintf(stderr, "No values found\n");
		free(v);
		return VACCEL_EINVAL;
	}
	*values = v;
	*count = (int)n;
	return VACCEL_OK;
}

static int load_values(const char *path, double **values, int *count)
{
	size_t size = 0;
	char *text, *buf = NULL;
	int ret;

	if (!path) {
		double *v = malloc(EX_GENERATED * sizeof(*v));

		if (!v)
			return VACCEL_ENOMEM;
		for (int i = 0; i < EX_GENERATED; i++)
			v[i] = (double)((i * 7919) % 10007) / 1.7;
		*values = v;
		*count = EX_GENERATED;
		return VACCEL_OK;
	}
	ret = ex_read_file(path, (void **)&buf, &size);
	if (ret)
		return ret;
	text = malloc(size + 1);
	if (!text) {
		free(buf);
		return VACCEL_ENOMEM;
	}
	for (size_t i = 0; i < size; i++)
		text[i] = buf[i] ? buf[i] : ' ';
	text[size] = '\0';
	free(buf);
	ret = parse_csv(text, values, count);
	free(text);
	return ret;
}

/* The data set and the operation's results. */
struct ex_minmax {
	double *indata, *outdata, min, max;
	int ndata;
};

static int minmax_once(struct vaccel_session *sess, void *ctx)
{
	struct ex_minmax *mm = ctx;
	int ret = vaccel_minmax(sess, mm->indata, mm->ndata, EX_LOW_THRESHOLD, EX_HIGH_THRESHOLD,
				mm->outdata, &mm->min, &mm->max);

	if (!ret)
		printf("min: %f max: %f\n", mm->min, mm->max);
	return ret;
}

int main(int argc, char **argv)
{
	struct ex_minmax mm = {0};
	unsigned long iterations;
	int ret;

	ret = ex_parse_args(argc, argv, 0, 2, "[input.csv] [iterations]", 2, &iterations);
	if (ret)
		return ret;
	ret = load_values(argc > 1 ? argv[1] : NULL, &mm.indata, &mm.ndata);
	if (ret)
		return ret;
	mm.outdata = calloc((size_t)mm.ndata, sizeof(*mm.outdata));
	ret = mm.outdata ? ex_session_repeat(0, iterations, minmax_once, &mm) : VACCEL_ENOMEM;
	free(mm.indata);
	free(mm.outdata);
	return ret;
}
