/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vision plugin's C ABI: the plugin definition (vision_plugin.c, C) registers these,
 * written in C++ with OpenCV and dlib (vision_faces.cc). Nothing C++ crosses this header;
 * every function catches what the libraries throw and returns a VACCEL_E* code after one
 * log line that says why. Each op takes exactly its public wrapper's parameters.
 */
#ifndef VISION_H
#define VISION_H

#include <vaccel.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Declared with their public wrappers' types, so the definitions are checked against them. */
__typeof__(vaccel_image_detection) vision_image_detect;
__typeof__(vaccel_image_pose) vision_image_pose;

/* Plugin init/fini: read the environment, load the face cascade. */
int vision_backend_init(void);
void vision_backend_fini(void);

#ifdef __cplusplus
}
#endif

#endif /* VISION_H */
