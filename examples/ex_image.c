// SPDX-License-Identifier: Apache-2.0
/* Common driver of the image examples. */
#include "ex_image.h"
#include "ex_util.h"
#include <stdio.h>
#include <stdlib.h>

void ex_image_print(const char *label, const unsigned char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && buf[n])
		n++;
	printf("%s: %.*s\n", label, (int)n, (const char *)buf);
}

int ex_image_main(int argc, char **argv, ex_image_fn run)
{
	struct vaccel_session sess;
	struct vaccel_resource model;
	unsigned long iterations;
	void *img = NULL;
	size_t len_img = 0;
	int ret;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "Usage: %s <image_file> [iterations] [model_path]\n", argv[0]);
		return VACCEL_EINVAL;
	}
	ret = ex_parse_iterations(argc > 2 ? argv[2] : NULL, &iterations);
	if (ret)
		return ret;

	ret = ex_session_init(&sess, 0);
	if (ret)
		return ret;
	if (argc > 3) {
		ret = ex_resource_attach(&model, argv[3], VACCEL_RESOURCE_MODEL, &sess);
		if (ret)
			goto out_session;
	}
	ret = ex_read_file(argv[1], &img, &len_img);
	if (ret)
		goto out_model;

	for (unsigned long i = 0; i < iterations && !ret; i++)
		ret = run(&sess, img, len_img);

	free(img);
out_model:
	if (argc > 3)
		ex_resource_detach(&model, &sess);
out_session:
	ex_session_release(&sess);
	return ret;
}
