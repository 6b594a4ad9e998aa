// SPDX-License-Identifier: Apache-2.0
/* Common driver of the model examples (see ex_model.h). */
#include "ex_model.h"
#include "ex_util.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The image's bytes, scaled to [0, 1] and repeated, as EX_MODEL_INPUT_LEN floats. */
static int input_from_image(const char *path, float **out)
{
	uint8_t *bytes;
	size_t len;
	float *in;
	int ret = ex_read_file(path, (void **)&bytes, &len);

	if (ret)
		return ret;
	in = malloc(EX_MODEL_INPUT_LEN * sizeof(*in));
	if (!in) {
		free(bytes);
		return VACCEL_ENOMEM;
	}
	for (size_t i = 0; i < EX_MODEL_INPUT_LEN; i++)
		in[i] = (float)bytes[i % len] / 255.0f;
	free(bytes);
	fprintf(stderr, "Note: no image decoder in this example; the input is the bytes of %s\n",
		path);
	*out = in;
	return VACCEL_OK;
}

/* Split the labels file into lines (the buffer is kept in labels[0]'s allocation). */
static int labels_load(const char *path, char ***labels, size_t *nr)
{
	char *text, **v;
	size_t len, n = 0;
	int ret = ex_read_file(path, (void **)&text, &len);

	if (ret)
		return ret;
	/* One more byte for the NUL of a last line without '\n'. */
	char *t = realloc(text, len + 1);
	if (!t) {
		free(text);
		return VACCEL_ENOMEM;
	}
	text = t;
	text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	n += len && text[len - 1] != '\n';
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		free(text);
		return VACCEL_ENOMEM;
	}
	n = 0;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');

		v[n++] = line;
		if (!nl)
			break;
		*nl = '\0';
		line = nl + 1;
	}
	if (n == 0)
		free(text);
	*labels = v;
	*nr = n;
	return VACCEL_OK;
}

static void labels_free(char **labels, size_t nr)
{
	if (nr)
		free(labels[0]);
	free(labels);
}

int ex_model_report(struct ex_model *m, const struct ex_model_output *out, const char *heading)
{
	const float *score;
	size_t best = 0;

	if (!out) {
		fprintf(stderr, "The model returned no output tensor\n");
		return VACCEL_EINVAL;
	}
	printf("Success!\n");
	if (heading)
		printf("%s\n", heading);
	printf("Output tensor => type:%d nr_dims:%lld size:%zuB\n", out->type, out->nr_dims,
	       out->size);
	if (!out->is_float || !out->data || m->nr_labels == 0 ||
	    out->size != m->nr_labels * sizeof(float))
		return VACCEL_OK;
	score = out->data;
	for (size_t i = 1; i < m->nr_labels; i++)
		if (score[i] > score[best])
			best = i;
	printf("Prediction: %s\n", m->labels[best]);
	return VACCEL_OK;
}

/* Run one of the framework's steps (if it has it), reporting a failure. */
static int model_step(const char *what, int (*step)(struct ex_model *m), struct ex_model *m)
{
	int ret = step ? step(m) : VACCEL_OK;

	if (ret)
		fprintf(stderr, "Could not %s model: %d\n", what, ret);
	return ret;
}

int ex_model_main(int argc, char **argv, const struct ex_model_ops *ops)
{
	struct ex_model m = {0};
	unsigned long iterations;
	int ret, ret2;

	ret = ex_parse_args(argc, argv, 3, 4,
			    "<image_file> <model_path> <labels_file> [iterations]", 4, &iterations);
	if (ret)
		return ret;
	ret = input_from_image(argv[1], &m.input);
	if (ret)
		return ret;
	ret = labels_load(argv[3], &m.labels, &m.nr_labels);
	if (ret)
		goto out_input;

	ret = vaccel_resource_init(&m.model, argv[2], VACCEL_RESOURCE_MODEL);
	if (ret) {
		fprintf(stderr, "Could not create a model resource from %s: %d\n", argv[2], ret);
		goto out_labels;
	}
	printf("Initialized model resource %" PRId64 "\n", m.model.id);
	ret = vaccel_session_init(&m.sess, 0);
	if (ret) {
		fprintf(stderr, "Could not initialize vAccel session: %d\n", ret);
		goto out_model;
	}
	printf("Initialized vAccel session %" PRId64 "\n", m.sess.id);
	ret = vaccel_resource_register(&m.model, &m.sess);
	if (ret) {
		fprintf(stderr, "Could not register model with session: %d\n", ret);
		goto out_session;
	}

	ret = model_step("load", ops->load, &m);
	if (!ret) {
		for (unsigned long i = 0; i < iterations && !ret; i++)
			ret = model_step("run", ops->run, &m);
		/* A loaded model is unloaded, also after a failed run. */
		ret2 = model_step("unload", ops->unload, &m);
		if (!ret)
			ret = ret2;
	}

	ret2 = vaccel_resource_unregister(&m.model, &m.sess);
	if (ret2)
		fprintf(stderr, "Could not unregister model: %d\n", ret2);
out_session:
	ret2 = vaccel_session_release(&m.sess);
	if (ret2)
		fprintf(stderr, "Could not release session: %d\n", ret2);
out_model:
	ret2 = vaccel_resource_release(&m.model);
	if (ret2)
		fprintf(stderr, "Could not release model resource: %d\n", ret2);
out_labels:
	labels_free(m.labels, m.nr_labels);
out_input:
	free(m.input);
	return ret;
}
