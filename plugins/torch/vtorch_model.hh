/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Models of the torch plugin (C++ only). A MODEL resource holds a TorchScript archive and,
 * optionally, a label file (a blob whose name ends in ".txt": one label per line, line i
 * names class i). The first use loads both and caches them in res->plugin_priv; the cache
 * goes when the resource leaves its last session (vtorch_resource_unregister). Calls hold
 * a shared_ptr, so a model being dropped stays alive until the calls using it return. When
 * another plugin in the process holds plugin_priv (the resource is also registered with a
 * transport session, say), the model is loaded per call instead of sharing the slot.
 */
#ifndef VTORCH_MODEL_HH
#define VTORCH_MODEL_HH

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>

#include <vaccel.h>

#define vtorch_debug(...) vaccel_debug("[torch] " __VA_ARGS__)
#define vtorch_error(...) vaccel_error("[torch] " __VA_ARGS__)

struct vtorch_model {
	torch::jit::Module module;
	std::vector<std::string> labels; /* empty: no label file */
	/* The image input the classifier expects (attributes input_channels/height/width); 0
	 * when the module does not declare them. */
	int64_t channels = 0, height = 0, width = 0;
};

/*
 * The loaded model of `res` (a MODEL resource), loading it on first use. Returns
 * VACCEL_OK, or VACCEL_EINVAL after logging why (no blobs, not TorchScript, bad labels).
 */
int vtorch_model_get(struct vaccel_resource *res, std::shared_ptr<const vtorch_model> &out);

/* One line from a libtorch exception, without its C++ backtrace. */
std::string vtorch_reason(const std::exception &e);

#endif /* VTORCH_MODEL_HH */
