// SPDX-License-Identifier: Apache-2.0
/*
 * A program written the way upstream vAccel users write them, against the
 * public API only: it must compile unchanged against our installed headers
 * (`pkg-config --cflags --libs vaccel`) and run with the noop plugin.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vaccel.h>

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		int ret_ = (expr);                                                                 \
		if (ret_ != VACCEL_OK) {                                                           \
			fprintf(stderr, "%s:%d: %s = %d\n", __FILE__, __LINE__, #expr, ret_);      \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	struct vaccel_resource model;
	unsigned char text[256] = {0}, imgname[256] = {0}, gen_text[256] = {0}, gen_name[256] = {0};
	char img[64] = "not really an image";
	float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0};
	struct vaccel_arg_array read, write;
	uint8_t op = VACCEL_OP_IMAGE_CLASSIFY;

	if (argc < 2) {
		fprintf(stderr, "usage: %s <model file>\n", argv[0]);
		return 2;
	}
	vaccel_info("upstream-style app using vAccel %s", VACCEL_VERSION);

	CHECK(vaccel_session_init(&sess, VACCEL_PLUGIN_DEBUG));
	printf("Initialized session with id: %" PRId64 "\n", sess.id);

	CHECK(vaccel_resource_init(&model, argv[1], VACCEL_RESOURCE_MODEL));
	CHECK(vaccel_resource_register(&model, &sess));

	CHECK(vaccel_noop(&sess));
	CHECK(vaccel_image_classification(&sess, img, text, imgname, sizeof(img), sizeof(text),
					  sizeof(imgname)));
	printf("classification tags: %s\n", text);

	/* The same op through the generic interface, with the arg array API. */
	CHECK(vaccel_arg_array_init(&read, 2));
	CHECK(vaccel_arg_array_init(&write, 2));
	CHECK(vaccel_arg_array_add_uint8(&read, &op));
	CHECK(vaccel_arg_array_add_buffer(&read, img, sizeof(img)));
	CHECK(vaccel_arg_array_add_uchar_array(&write, gen_name, sizeof(gen_name)));
	CHECK(vaccel_arg_array_add_uchar_array(&write, gen_text, sizeof(gen_text)));
	CHECK(vaccel_genop(&sess, read.args, (int)read.count, write.args, (int)write.count));
	printf("generic classification tags: %s\n", gen_text);
	CHECK(vaccel_arg_array_release(&read));
	CHECK(vaccel_arg_array_release(&write));

	CHECK(vaccel_fpga_vadd(&sess, a, b, c, 4, 4));
	printf("vadd: %.1f %.1f %.1f %.1f\n", c[0], c[1], c[2], c[3]);

	CHECK(vaccel_resource_unregister(&model, &sess));
	CHECK(vaccel_resource_release(&model));
	CHECK(vaccel_session_release(&sess));
	return strcmp((char *)text, (char *)gen_text) == 0 ? 0 : 1;
}
