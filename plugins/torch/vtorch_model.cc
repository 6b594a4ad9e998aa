// SPDX-License-Identifier: Apache-2.0
/* Loading and caching TorchScript models per resource (vtorch_model.hh). */
#include "vtorch_model.hh"

#include <cinttypes>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include <ATen/Parallel.h>
#include <torch/version.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/api/function_impl.h>

#include "vtorch.h"

namespace
{

/* Label files: at most this many labels of this many bytes, in a file of this size. */
constexpr size_t LABELS_MAX = 65536;
constexpr size_t LABEL_LEN_MAX = 255;
constexpr size_t LABELS_FILE_MAX = 4u << 20;

/* What plugin_priv points to; the tag tells our cache from anything else. */
constexpr uint32_t CACHE_TAG = 0x76746f72; /* "vtor" */
struct cache_entry {
	uint32_t tag = CACHE_TAG;
	std::shared_ptr<const vtorch_model> model;
};

/* Guards every resource's plugin_priv. Loading runs outside it. */
std::mutex cache_lock;

/* res's cache entry if plugin_priv holds one of ours, else nullptr. Call under cache_lock. */
cache_entry *our_entry(const struct vaccel_resource *res)
{
	auto *e = static_cast<cache_entry *>(res->plugin_priv);

	return e && e->tag == CACHE_TAG ? e : nullptr;
}

/* A model held in memory (a buffer blob) read in place by libtorch's archive reader. */
class mem_reader : public caffe2::serialize::ReadAdapterInterface
{
      public:
	mem_reader(const uint8_t *data, size_t size) : data_(data), size_(size)
	{
	}
	size_t size() const override
	{
		return size_;
	}
	size_t read(uint64_t pos, void *buf, size_t n, const char *what = "") const override
	{
		(void)what;
		if (pos >= size_)
			return 0;
		if (n > size_ - pos)
			n = size_ - pos;
		std::memcpy(buf, data_ + pos, n);
		return n;
	}

      private:
	const uint8_t *data_;
	size_t size_;
};

bool is_label_blob(const struct vaccel_blob *b)
{
	size_t n = b->name ? std::strlen(b->name) : 0;

	return n > 4 && !std::strcmp(b->name + n - 4, ".txt");
}

/* The bytes of a blob: in memory, or read from its file (bounded by `max`). */
bool blob_bytes(const struct vaccel_blob *b, size_t max, std::string &buf, std::string &why)
{
	if (b->data && b->size) {
		if (b->size > max) {
			why = "larger than " + std::to_string(max) + " bytes";
			return false;
		}
		buf.assign(reinterpret_cast<const char *>(b->data), b->size);
		return true;
	}
	if (!b->path) {
		why = "empty";
		return false;
	}
	std::ifstream f(b->path, std::ios::binary);
	if (!f) {
		why = std::string("cannot open ") + b->path;
		return false;
	}
	buf.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
	if (buf.size() > max) {
		why = "larger than " + std::to_string(max) + " bytes";
		return false;
	}
	return true;
}

bool parse_labels(const std::string &text, std::vector<std::string> &labels, std::string &why)
{
	std::istringstream in(text);
	std::string line;

	while (std::getline(in, line)) {
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		if (line.size() > LABEL_LEN_MAX || labels.size() == LABELS_MAX) {
			why = "more than " + std::to_string(LABELS_MAX) +
			      " labels or a label over " + std::to_string(LABEL_LEN_MAX) + " bytes";
			return false;
		}
		/* Labels end up in result text: no control characters. */
		for (char &c : line)
			if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
				c = '?';
		labels.push_back(line);
	}
	return true;
}

/* Ops a TorchScript model may not call: they read or write files on the host. */
constexpr const char *HOST_FILE_OPS[] = {"aten::from_file", "aten::save"};

/* The first host-file op in a graph block (nested blocks included), or nullptr. */
const char *block_file_op(const torch::jit::Block *b)
{
	for (const torch::jit::Node *n : b->nodes()) {
		for (const char *op : HOST_FILE_OPS)
			if (n->kind() == c10::Symbol::fromQualString(op))
				return op;
		for (const torch::jit::Block *sub : n->blocks())
			if (const char *op = block_file_op(sub))
				return op;
	}
	return nullptr;
}

/* Every function of the module's compilation unit: methods, submodules' and helpers. */
const char *module_file_op(const torch::jit::Module &m)
{
	for (torch::jit::Function *f : m._ivalue()->compilation_unit()->get_functions()) {
		if (!f->isGraphFunction())
			continue;
		if (const char *op =
			block_file_op(torch::jit::toGraphFunction(*f).graph()->block()))
			return op;
	}
	return nullptr;
}

/* An int attribute of the module, or 0. */
int64_t int_attr(const torch::jit::Module &m, const char *name)
{
	if (!m.hasattr(name))
		return 0;
	c10::IValue v = m.attr(name);
	return v.isInt() ? v.toInt() : 0;
}

int load(struct vaccel_resource *res, std::shared_ptr<const vtorch_model> &out)
{
	const struct vaccel_blob *model_blob = nullptr, *label_blob = nullptr;
	auto m = std::make_shared<vtorch_model>();
	std::string why;

	for (size_t i = 0; res->blobs && i < res->nr_blobs; i++) {
		const struct vaccel_blob *b = res->blobs[i];

		if (!b)
			continue;
		if (is_label_blob(b)) {
			if (!label_blob)
				label_blob = b;
		} else if (!model_blob) {
			model_blob = b;
		}
	}
	if (!model_blob) {
		vtorch_error("resource %" PRId64 " has no model file", res->id);
		return VACCEL_EINVAL;
	}

	try {
		if (model_blob->data && model_blob->size)
			m->module = torch::jit::load(
			    std::make_shared<mem_reader>(model_blob->data, model_blob->size));
		else if (model_blob->path)
			m->module = torch::jit::load(model_blob->path);
		else
			throw std::runtime_error("empty model file");
		m->module.eval();
	} catch (const std::exception &e) {
		vtorch_error("resource %" PRId64 ": %s is not a TorchScript module: %s", res->id,
			     model_blob->name ? model_blob->name : "(unnamed)",
			     vtorch_reason(e).c_str());
		return VACCEL_EINVAL;
	}
	if (const char *op = module_file_op(m->module)) {
		vtorch_error("resource %" PRId64 ": the model calls %s, which touches host files: "
			     "refused",
			     res->id, op);
		return VACCEL_EPERM;
	}
	m->channels = int_attr(m->module, "input_channels");
	m->height = int_attr(m->module, "input_height");
	m->width = int_attr(m->module, "input_width");

	if (label_blob) {
		std::string text;

		if (!blob_bytes(label_blob, LABELS_FILE_MAX, text, why) ||
		    !parse_labels(text, m->labels, why)) {
			vtorch_error("resource %" PRId64 ": label file %s: %s", res->id,
				     label_blob->name, why.c_str());
			return VACCEL_EINVAL;
		}
	}
	vtorch_debug("resource %" PRId64 ": loaded %s (input %" PRId64 "x%" PRId64 "x%" PRId64
		     ", %zu labels)",
		     res->id, model_blob->name ? model_blob->name : "(unnamed)", m->channels,
		     m->height, m->width, m->labels.size());
	out = std::move(m);
	return VACCEL_OK;
}

} // namespace

std::string vtorch_reason(const std::exception &e)
{
	const auto *ce = dynamic_cast<const c10::Error *>(&e);
	std::string s = ce ? ce->what_without_backtrace() : e.what();
	size_t nl = s.find('\n');

	if (nl == std::string::npos)
		return s;
	/* A TorchScript interpreter error ends with the Python-style exception line. */
	if (s.compare(0, 19, "The following opera") == 0) {
		size_t end = s.find_last_not_of("\n ");
		size_t start = s.rfind('\n', end);

		if (end != std::string::npos && start != std::string::npos)
			return s.substr(start + 1, end - start);
	}
	return s.substr(0, nl);
}

int vtorch_model_get(struct vaccel_resource *res, std::shared_ptr<const vtorch_model> &out)
{
	std::shared_ptr<const vtorch_model> loaded;
	int ret;

	if (!res || res->type != VACCEL_RESOURCE_MODEL) {
		vtorch_error("not a MODEL resource");
		return VACCEL_EINVAL;
	}
	{
		std::lock_guard<std::mutex> g(cache_lock);

		if (const cache_entry *cached = our_entry(res)) {
			out = cached->model;
			return VACCEL_OK;
		}
	}
	/* Unlocked: loading takes a while. Two racing loads keep the first. */
	ret = load(res, loaded);
	if (ret)
		return ret;
	std::lock_guard<std::mutex> g(cache_lock);
	if (const cache_entry *cached = our_entry(res)) {
		out = cached->model;
		return VACCEL_OK;
	}
	if (res->plugin_priv) {
		/*
		 * plugin_priv is one slot per resource and another plugin holds it (the
		 * resource is also registered with, say, a transport session in this
		 * process): run uncached, loading per call, rather than share the slot.
		 */
		vtorch_debug("resource %" PRId64 ": plugin_priv taken by another plugin, model "
			     "not cached",
			     res->id);
		out = std::move(loaded);
		return VACCEL_OK;
	}
	cache_entry *e;

	try {
		e = new cache_entry;
	} catch (const std::bad_alloc &) {
		return VACCEL_ENOMEM;
	}
	e->model = loaded;
	res->plugin_priv = e;
	out = std::move(loaded);
	return VACCEL_OK;
}

extern "C" int vtorch_resource_unregister(struct vaccel_resource *res, struct vaccel_session *sess)
{
	cache_entry *e;

	(void)sess;
	if (!res)
		return VACCEL_EINVAL;
	{
		std::lock_guard<std::mutex> g(cache_lock);

		e = our_entry(res);
		/*
		 * Our runtime calls this hook while the pair is still linked, so 1 means the
		 * last session. (Upstream's unlinks first: there this drops the cache one
		 * registration early, which costs a reload, never a model in use: calls
		 * hold their own reference.) Not ours: keep it.
		 */
		if (!e || vaccel_resource_refcount(res) > 1)
			return VACCEL_OK;
		res->plugin_priv = nullptr;
	}
	vtorch_debug("resource %" PRId64 ": model dropped", res->id);
	delete e;
	return VACCEL_OK;
}

extern "C" int vtorch_backend_init(void)
{
	try {
		vtorch_debug("libtorch %s, %d intra-op threads", TORCH_VERSION,
			     at::get_num_threads());
	} catch (const std::exception &e) {
		vtorch_error("libtorch failed to start: %s", vtorch_reason(e).c_str());
		return VACCEL_EBACKEND;
	}
	return VACCEL_OK;
}

extern "C" void vtorch_backend_fini(void)
{
}
