// SPDX-License-Identifier: Apache-2.0
/* Torch helper types: buffers and tensors, shims over tensor_core.c (rules there). */

#include "tensor_core.h"
#include "vaccel/error.h"
#include "vaccel/ops/torch.h"

OPS_DEFINE_BUFFER_API(torch, char)

OPS_DEFINE_TENSOR_API(torch, int64_t, int64_t)
