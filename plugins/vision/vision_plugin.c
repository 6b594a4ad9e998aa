// SPDX-License-Identifier: Apache-2.0
/*
 * The vision plugin's definition: a C file, because VACCEL_PLUGIN is C only. The ops live
 * in C++ behind vision.h; what they do is in README.md. Segmentation and depth have no
 * model here and are not registered: the runtime fails them with VACCEL_ENOTSUP and an
 * error line naming the plugin and the op.
 */
#include "vision.h"

#include "plugin_init.h"

static struct vaccel_op vision_ops[] = {
    VACCEL_OP_INIT(vision_ops[0], VACCEL_OP_IMAGE_DETECT, vision_image_detect),
    VACCEL_OP_INIT(vision_ops[1], VACCEL_OP_IMAGE_POSE, vision_image_pose),
};

PLUGIN_DEFINE_INIT_FINI(vision, vision_ops)

/* Type GENERIC: a guest session created with VACCEL_PLUGIN_GENERIC lands here, provided no
 * plugin loaded before it has that bit (docs/real-plugins.md). */
VACCEL_PLUGIN(.name = "vision", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_GENERIC, .init = vision_init, .fini = vision_fini)
