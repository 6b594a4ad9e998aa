// SPDX-License-Identifier: Apache-2.0
/*
 * The torch plugin's ops (C++, libtorch). Tensors from the caller are checked against their
 * own description (type, dims, byte size) before libtorch sees them, and copied: a model may
 * change its inputs in place. Outputs are new vaccel_torch_tensors the caller deletes.
 */
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "img_decode.h"
#include "vtorch.h"
#include "vtorch_model.hh"

namespace
{

/* Tensors crossing the API: at most this many dims. Image models: sides up to this. */
constexpr int64_t DIMS_MAX = 8;
constexpr int64_t INPUT_SIDE_MAX = 4096;

/* vAccel's torch data types and libtorch's, one row each. */
struct type_row {
	enum vaccel_torch_data_type vaccel;
	c10::ScalarType torch;
};
constexpr type_row TYPES[] = {
    {VACCEL_TORCH_BYTE, c10::ScalarType::Byte},	  {VACCEL_TORCH_CHAR, c10::ScalarType::Char},
    {VACCEL_TORCH_SHORT, c10::ScalarType::Short}, {VACCEL_TORCH_INT, c10::ScalarType::Int},
    {VACCEL_TORCH_LONG, c10::ScalarType::Long},	  {VACCEL_TORCH_HALF, c10::ScalarType::Half},
    {VACCEL_TORCH_FLOAT, c10::ScalarType::Float},
};

bool to_torch_type(enum vaccel_torch_data_type t, c10::ScalarType &out)
{
	for (const auto &r : TYPES)
		if (r.vaccel == t) {
			out = r.torch;
			return true;
		}
	return false;
}

bool to_vaccel_type(c10::ScalarType t, enum vaccel_torch_data_type &out)
{
	for (const auto &r : TYPES)
		if (r.torch == t) {
			out = r.vaccel;
			return true;
		}
	return false;
}

/* A copy of a caller's tensor, after checking that its size matches its dims and type. */
bool tensor_in(const struct vaccel_torch_tensor *t, const char *what, torch::Tensor &out)
{
	c10::ScalarType st;
	uint64_t numel = 1, bytes;

	if (!t) {
		vtorch_error("%s: missing tensor", what);
		return false;
	}
	if (!to_torch_type(t->data_type, st)) {
		vtorch_error("%s: unknown data type %d", what, static_cast<int>(t->data_type));
		return false;
	}
	if (t->nr_dims < 1 || t->nr_dims > DIMS_MAX || !t->dims) {
		vtorch_error("%s: %" PRId64 " dims (1..%" PRId64 ")", what, t->nr_dims, DIMS_MAX);
		return false;
	}
	for (int64_t i = 0; i < t->nr_dims; i++) {
		if (t->dims[i] < 0 ||
		    __builtin_mul_overflow(numel, static_cast<uint64_t>(t->dims[i]), &numel)) {
			vtorch_error("%s: bad dim %" PRId64 " = %" PRId64, what, i, t->dims[i]);
			return false;
		}
	}
	if (__builtin_mul_overflow(numel, c10::elementSize(st), &bytes) || bytes != t->size ||
	    (bytes && !t->data)) {
		vtorch_error("%s: %zu bytes of data, its dims and type need %" PRIu64, what,
			     t->size, bytes);
		return false;
	}
	std::vector<int64_t> dims(t->dims, t->dims + t->nr_dims);
	out = torch::from_blob(t->data, dims, torch::TensorOptions().dtype(st)).clone();
	return true;
}

/* A new vaccel tensor holding `t` (a scalar becomes one element of dims [1]). */
int tensor_out(const torch::Tensor &t, const char *what, struct vaccel_torch_tensor **out)
{
	enum vaccel_torch_data_type vt;
	torch::Tensor c = t.contiguous();
	std::vector<int64_t> dims(c.sizes().begin(), c.sizes().end());
	size_t bytes = c.numel() * c.element_size();
	int ret;

	if (!to_vaccel_type(c.scalar_type(), vt)) {
		vtorch_error("%s: the model returned %s, which vAccel's torch types cannot carry",
			     what, c10::toString(c.scalar_type()));
		return VACCEL_EINVAL;
	}
	if (dims.empty())
		dims.push_back(1);
	ret = vaccel_torch_tensor_allocate(out, static_cast<int64_t>(dims.size()), dims.data(), vt,
					   bytes);
	if (ret)
		return ret;
	if (bytes)
		std::memcpy((*out)->data, c.data_ptr(), bytes);
	return VACCEL_OK;
}

void free_outputs(struct vaccel_torch_tensor **outputs, int n)
{
	for (int i = 0; i < n; i++) {
		if (outputs[i])
			vaccel_torch_tensor_delete(outputs[i]);
		outputs[i] = nullptr;
	}
}

/* The tensors a forward() returned: one tensor, or a tuple or list of them. */
bool flatten_outputs(const c10::IValue &v, std::vector<torch::Tensor> &out)
{
	if (v.isTensor()) {
		out.push_back(v.toTensor());
		return true;
	}
	if (v.isTuple()) {
		for (const auto &e : v.toTupleRef().elements())
			if (!flatten_outputs(e, out))
				return false;
		return true;
	}
	if (v.isTensorList()) {
		for (const auto &t : v.toTensorVector())
			out.push_back(t);
		return true;
	}
	return false;
}

/* The classifier input: the decoded image resized to the model's input, 0..1, NCHW. */
bool image_input(const vtorch_model &m, const void *img, size_t len, torch::Tensor &out)
{
	std::string why;
	cv::Mat pic, sized, f;

	if ((m.channels != 1 && m.channels != 3) || m.height < 1 || m.height > INPUT_SIDE_MAX ||
	    m.width < 1 || m.width > INPUT_SIDE_MAX) {
		vtorch_error("the model is not an image classifier: its input_channels (1 or 3), "
			     "input_height, input_width (1..%" PRId64 ") are %" PRId64 ", %" PRId64
			     ", %" PRId64,
			     INPUT_SIDE_MAX, m.channels, m.height, m.width);
		return false;
	}
	if (!img_decode(img, len, m.channels == 1 ? IMG_GRAY : IMG_BGR, pic, why)) {
		vtorch_error("image_classify: %s", why.c_str());
		return false;
	}
	cv::resize(pic, sized, cv::Size(static_cast<int>(m.width), static_cast<int>(m.height)), 0,
		   0, cv::INTER_AREA);
	if (m.channels == 3)
		cv::cvtColor(sized, sized, cv::COLOR_BGR2RGB);
	sized.convertTo(f, CV_32F, 1.0 / 255.0);
	/* clone: the tensor must own its data, f goes away on return (a permuted view of a
	 * one-channel image is already contiguous, so contiguous() would not copy). */
	out = torch::from_blob(f.data, {1, m.height, m.width, m.channels}, torch::kFloat)
		  .permute({0, 3, 1, 2})
		  .clone(at::MemoryFormat::Contiguous);
	return true;
}

/* Runs `body`, turning anything libtorch or OpenCV throws into one error line. */
template <typename F> int guarded(const char *op, F body)
{
	try {
		return body();
	} catch (const std::bad_alloc &) {
		vtorch_error("%s: out of memory", op);
		return VACCEL_ENOMEM;
	} catch (const std::exception &e) {
		vtorch_error("%s: %s", op, vtorch_reason(e).c_str());
		return VACCEL_EINVAL;
	}
}

} // namespace

extern "C" int vtorch_model_load(struct vaccel_session *sess, struct vaccel_resource *model)
{
	std::shared_ptr<const vtorch_model> m;

	if (!sess || !model)
		return VACCEL_EINVAL;
	vtorch_debug("session:%" PRId64 " model_load resource %" PRId64, sess->id, model->id);
	return guarded("torch_model_load", [&]() -> int { return vtorch_model_get(model, m); });
}

extern "C" int vtorch_model_run(struct vaccel_session *sess, struct vaccel_resource *model,
				const struct vaccel_torch_buffer *run_options,
				struct vaccel_torch_tensor *const *inputs, int nr_inputs,
				struct vaccel_torch_tensor **outputs, int nr_outputs)
{
	if (!sess || !model || nr_inputs < 0 || nr_outputs < 0 || (nr_inputs && !inputs) ||
	    (nr_outputs && !outputs))
		return VACCEL_EINVAL;
	for (int i = 0; i < nr_outputs; i++)
		outputs[i] = nullptr;
	vtorch_debug("session:%" PRId64 " model_run resource %" PRId64 " inputs %d outputs %d "
		     "(run options: %zu bytes, unused)",
		     sess->id, model->id, nr_inputs, nr_outputs,
		     run_options ? run_options->size : static_cast<size_t>(0));

	int ret = guarded("torch_model_run", [&]() -> int {
		std::shared_ptr<const vtorch_model> m;
		std::vector<c10::IValue> args;
		std::vector<torch::Tensor> results;
		int r = vtorch_model_get(model, m);

		if (r)
			return r;
		for (int i = 0; i < nr_inputs; i++) {
			torch::Tensor t;
			char what[32];

			std::snprintf(what, sizeof(what), "input %d", i);
			if (!tensor_in(inputs[i], what, t))
				return VACCEL_EINVAL;
			args.emplace_back(t);
		}
		c10::InferenceMode guard;
		/* forward() is const in use; Module's API is not const-qualified. */
		auto &mod = const_cast<torch::jit::Module &>(m->module);
		if (!flatten_outputs(mod.forward(args), results)) {
			vtorch_error("torch_model_run: the model returned something other than "
				     "tensors");
			return VACCEL_EINVAL;
		}
		if (results.size() < static_cast<size_t>(nr_outputs)) {
			vtorch_error("torch_model_run: %d outputs asked, the model returned %zu",
				     nr_outputs, results.size());
			return VACCEL_EINVAL;
		}
		for (int i = 0; i < nr_outputs; i++) {
			char what[32];

			std::snprintf(what, sizeof(what), "output %d", i);
			r = tensor_out(results[i], what, &outputs[i]);
			if (r)
				return r;
		}
		return VACCEL_OK;
	});
	if (ret)
		free_outputs(outputs, nr_outputs);
	return ret;
}

extern "C" int vtorch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_a,
			    struct vaccel_torch_tensor **in_b, struct vaccel_torch_tensor **in_c,
			    int m, int n, int k, struct vaccel_torch_tensor **out)
{
	if (!sess || !in_a || !in_b || !in_c || !out)
		return VACCEL_EINVAL;
	*out = nullptr;
	if (m < 1 || n < 1 || k < 1) {
		vtorch_error("torch_sgemm: M, N, K must be >= 1 (got %d, %d, %d)", m, n, k);
		return VACCEL_EINVAL;
	}
	vtorch_debug("session:%" PRId64 " sgemm m=%d n=%d k=%d", sess->id, m, n, k);
	return guarded("torch_sgemm", [&]() -> int {
		const struct {
			struct vaccel_torch_tensor *t;
			const char *what;
			int64_t rows, cols;
		} ins[] = {{*in_a, "A", m, k}, {*in_b, "B", k, n}, {*in_c, "C", m, n}};
		torch::Tensor t[3];

		for (int i = 0; i < 3; i++) {
			if (!tensor_in(ins[i].t, ins[i].what, t[i]))
				return VACCEL_EINVAL;
			if (t[i].scalar_type() != torch::kFloat ||
			    t[i].numel() != ins[i].rows * ins[i].cols) {
				vtorch_error("torch_sgemm: %s must be FLOAT with %" PRId64
					     "x%" PRId64 " elements",
					     ins[i].what, ins[i].rows, ins[i].cols);
				return VACCEL_EINVAL;
			}
			t[i] = t[i].reshape({ins[i].rows, ins[i].cols});
		}
		c10::InferenceMode guard;
		return tensor_out(torch::addmm(t[2], t[0], t[1]), "out", out);
	});
}

extern "C" int vtorch_image_classify(struct vaccel_session *sess, const void *img,
				     unsigned char *out_text, unsigned char *out_imgname,
				     size_t len_img, size_t len_out_text, size_t len_out_imgname)
{
	struct vaccel_resource *res = nullptr;

	if (!sess || !img || !len_img)
		return VACCEL_EINVAL;
	if (!out_text || !len_out_text) {
		vtorch_error("image_classify: no buffer for the result text");
		return VACCEL_EINVAL;
	}
	if (vaccel_session_resource_by_type(sess, &res, VACCEL_RESOURCE_MODEL) || !res) {
		vtorch_error("image_classify: session %" PRId64 " has no MODEL resource registered",
			     sess->id);
		return VACCEL_ENOENT;
	}
	vtorch_debug("session:%" PRId64 " image_classify %zu bytes with resource %" PRId64,
		     sess->id, len_img, res->id);
	return guarded("image_classify", [&]() -> int {
		std::shared_ptr<const vtorch_model> m;
		torch::Tensor in, logits;
		int r = vtorch_model_get(res, m);

		if (r)
			return r;
		if (!image_input(*m, img, len_img, in))
			return VACCEL_EINVAL;
		{
			c10::InferenceMode guard;
			auto &mod = const_cast<torch::jit::Module &>(m->module);
			c10::IValue v = mod.forward({in});

			if (!v.isTensor()) {
				vtorch_error("image_classify: the model did not return a tensor");
				return VACCEL_EINVAL;
			}
			logits = v.toTensor();
		}
		if (!logits.is_floating_point() || logits.numel() < 1 ||
		    (logits.dim() == 2 ? logits.size(0) != 1 : logits.dim() != 1)) {
			vtorch_error("image_classify: the model output %s is not [1, classes] "
				     "scores",
				     c10::str(logits.sizes()).c_str());
			return VACCEL_EINVAL;
		}
		torch::Tensor p = torch::softmax(logits.reshape({-1}).to(torch::kFloat), 0);
		int64_t top = p.argmax().item<int64_t>();
		double score = p[top].item<float>();
		std::string label = static_cast<size_t>(top) < m->labels.size()
					? m->labels[top]
					: "class " + std::to_string(top);
		int n = std::snprintf(reinterpret_cast<char *>(out_text), len_out_text,
				      "%s (score %.4f)", label.c_str(), score);

		if (n < 0 || static_cast<size_t>(n) >= len_out_text) {
			vtorch_error("image_classify: the result needs %d bytes, the buffer holds "
				     "%zu",
				     n + 1, len_out_text);
			return VACCEL_ENOSPC;
		}
		if (out_imgname && len_out_imgname)
			out_imgname[0] = '\0';
		return VACCEL_OK;
	});
}
