/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Common driver of the image examples: `<prog> <image_file> [iterations] [model_path]`.
 * It opens a session, optionally registers a MODEL resource, reads the image and calls
 * `run` once per iteration; `run` prints the results.
 */
#ifndef EX_IMAGE_H
#define EX_IMAGE_H

#include <stddef.h>
#include <vaccel.h>

/* Size of the result buffers, as in upstream's examples. */
#define EX_IMAGE_OUT_LEN 512

typedef int (*ex_image_fn)(struct vaccel_session *sess, const void *img, size_t len_img);

int ex_image_main(int argc, char **argv, ex_image_fn run);

/* Print "<label>: <text>" for a result buffer that may lack a terminating NUL. */
void ex_image_print(const char *label, const unsigned char *buf, size_t len);

#endif /* EX_IMAGE_H */
