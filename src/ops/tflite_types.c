// SPDX-License-Identifier: Apache-2.0
/* TensorFlow Lite tensors: shims over tensor_core.c (rules there). */

#include "tensor_core.h"
#include "vaccel/error.h"
#include "vaccel/ops/tflite.h"

OPS_DEFINE_TENSOR_API(tflite, int, int32_t)
