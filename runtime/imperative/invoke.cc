// invoke.cc - the imperative invocation path (mxrt/imperative.h).
//
// Per call, the hot path does: one hash and compare to find the parsed
// attributes in a per-thread cache, shape/type inference, one NDArray per
// output, one heap record for the pushed op (arrays + attributes), and the
// engine push. Everything that could format a message waits for an error.
#include "mxrt/imperative.h"

#include "kernels/kernel_props.h"
#include "mxrt/base.h"
#include "mxrt/op_registry.h"
#include "mxrt/random.h"

#include <array>
#include <memory>
#include <string>

namespace mxrt {
namespace {

thread_local bool tTraining = false;

// ---- parsed attributes, cached per thread --------------------------------------

struct CacheEntry {
  const OpSpec *op = nullptr;
  uint64_t hash = 0;
  std::vector<std::pair<std::string, std::string>> kv;
  std::shared_ptr<const Attrs> attrs;
  size_t numInputs = 0; ///< expected inputs for these attributes
};

/// Direct-mapped: a miss replaces the slot. Records of pushed ops share the
/// Attrs, so replacing never frees attributes an op still needs.
constexpr size_t kCacheSlots = 128;
thread_local std::array<CacheEntry, kCacheSlots> tCache;

uint64_t hashOf(const OpSpec &op, std::span<const Attrs::KeyValue> kv) {
  uint64_t h = 1469598103934665603ull ^ uint64_t(reinterpret_cast<uintptr_t>(&op));
  auto mixIn = [&h](std::string_view s) {
    for (unsigned char c : s)
      h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull; // separator
  };
  for (const auto &[k, v] : kv) {
    mixIn(k);
    mixIn(v);
  }
  return h;
}

bool sameKV(const CacheEntry &e, std::span<const Attrs::KeyValue> kv) {
  if (e.kv.size() != kv.size())
    return false;
  for (size_t i = 0; i < kv.size(); ++i)
    if (e.kv[i].first != kv[i].first || e.kv[i].second != kv[i].second)
      return false;
  return true;
}

const CacheEntry &cachedAttrs(const OpSpec &op, std::span<const Attrs::KeyValue> kv) {
  const uint64_t h = hashOf(op, kv);
  CacheEntry &e = tCache[h % kCacheSlots];
  if (e.op == &op && e.hash == h && sameKV(e, kv))
    return e;
  auto attrs = std::make_shared<const Attrs>(Attrs::parse(op, kv)); // may throw: slot unchanged
  e.numInputs = listInputNames(*attrs).size();
  e.kv.assign(kv.begin(), kv.end());
  e.attrs = std::move(attrs);
  e.op = &op;
  e.hash = h;
  return e;
}

// ---- the pushed op -------------------------------------------------------------------

/// Everything the kernel needs when it runs; owned by the pushed function.
struct OpRecord {
  std::shared_ptr<const Attrs> attrs;
  KernelFn fn = nullptr;
  std::vector<NDArray> arrays; ///< inputs, then outputs
  size_t numInputs = 0;
  bool isTrain = false;

  void run(RunContext rc) const {
    constexpr size_t kInline = 8;
    TBlob inlineBlobs[kInline];
    std::vector<TBlob> heapBlobs;
    TBlob *blobs = inlineBlobs;
    if (arrays.size() > kInline) {
      heapBlobs.resize(arrays.size());
      blobs = heapBlobs.data();
    }
    for (size_t i = 0; i < arrays.size(); ++i)
      blobs[i] = arrays[i].data();
    OpContext ctx;
    ctx.run = rc;
    ctx.isTrain = isTrain;
    fn(ctx, *attrs, std::span<const TBlob>(blobs, numInputs),
       std::span<const TBlob>(blobs + numInputs, arrays.size() - numInputs));
  }
};

/// A short list of variables without heap allocation for small ops.
class VarBuf {
public:
  void push(VarHandle v) {
    if (n_ < kInline)
      inline_[n_] = v;
    else {
      if (heap_.empty())
        heap_.assign(inline_, inline_ + kInline);
      heap_.push_back(v);
    }
    ++n_;
  }
  std::span<const VarHandle> span() const {
    return n_ <= kInline ? std::span<const VarHandle>(inline_, n_)
                         : std::span<const VarHandle>(heap_);
  }

private:
  static constexpr size_t kInline = 8;
  VarHandle inline_[kInline];
  std::vector<VarHandle> heap_;
  size_t n_ = 0;
};

std::string inputName(const Attrs &attrs, size_t i) {
  std::vector<std::string> names = listInputNames(attrs);
  return i < names.size() ? names[i] : str("#", i);
}

/// The device an op's outputs live on: the inputs' (all on one device), or
/// the `ctx` attribute of a source op.
Context deviceOf(const Attrs &attrs, std::span<const NDArray> inputs) {
  const OpSpec &op = attrs.op();
  if (inputs.empty())
    return op.findAttr("ctx") ? parseContext(attrs.getStr("ctx")) : Context::cpu();
  Context ctx = inputs[0].ctx();
  for (size_t i = 1; i < inputs.size(); ++i) {
    Context c = inputs[i].ctx();
    if (c != ctx && !(c.isHost() && ctx.isHost()))
      fail("operator ", op.name, ": input '", inputName(attrs, i), "' is on ", c.str(),
           " but input '", inputName(attrs, 0), "' is on ", ctx.str(),
           "; all inputs must be on one device (copy with as_in_context)");
  }
  return ctx;
}

void invokeParsed(const std::shared_ptr<const Attrs> &attrsP, size_t expectedInputs,
                  std::span<const NDArray> inputs, std::vector<NDArray> &outputs) {
  const Attrs &attrs = *attrsP;
  const OpSpec &op = attrs.op();
  if (inputs.size() != expectedInputs) {
    std::string names;
    for (const std::string &n : listInputNames(attrs))
      names += str(names.empty() ? "" : ", ", n);
    fail("operator ", op.name, ": expected ", expectedInputs, " inputs (", names, "), got ",
         inputs.size());
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    MXRT_CHECK(!inputs[i].isNone(), "operator ", op.name, ": input '", inputName(attrs, i),
               "' is an empty (none) array");
  const Context ctx = deviceOf(attrs, inputs);

  // Inference on per-thread scratch vectors (no allocation once warm).
  thread_local std::vector<TShape> inShapes, outShapes;
  thread_local std::vector<DType> inTypes, outTypes;
  inShapes.resize(inputs.size());
  inTypes.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    inShapes[i] = inputs[i].shape();
    inTypes[i] = inputs[i].dtype();
  }
  inferOutputs(attrs, inShapes, inTypes, outShapes, outTypes);
  const size_t nout = outShapes.size();

  MXRT_CHECK(outputs.size() <= nout, "operator ", op.name, ": ", outputs.size(),
             " output arrays given, the op has ", nout);
  for (size_t i = 0; i < outputs.size(); ++i) {
    const NDArray &o = outputs[i];
    MXRT_CHECK(!o.isNone(), "operator ", op.name, ": output ", i, " is an empty (none) array");
    MXRT_CHECK(o.shape() == outShapes[i], "operator ", op.name, ": output ", i, " has shape ",
               o.shape().str(), ", expected ", outShapes[i].str());
    MXRT_CHECK(o.dtype() == outTypes[i], "operator ", op.name, ": output ", i, " has dtype ",
               dtypeName(o.dtype()), ", expected ", dtypeName(outTypes[i]));
    MXRT_CHECK(o.ctx() == ctx || (o.ctx().isHost() && ctx.isHost()), "operator ", op.name,
               ": output ", i, " is on ", o.ctx().str(), ", expected ", ctx.str());
  }
  for (size_t i = outputs.size(); i < nout; ++i)
    outputs.emplace_back(outShapes[i], ctx, outTypes[i]);

  const OpImpl &impl = opImpl(op);
  KernelFn fn = ctx.isGPU() ? impl.gpu : impl.cpu;
  MXRT_CHECK(fn, "operator ", op.name, " has no ", ctx.isGPU() ? "GPU" : "CPU",
             " kernel (needed for ", ctx.str(), ")");

  // An output that shares memory with an input is written in place only by
  // kernels that allow it, and only when it is exactly that input; else
  // the kernel writes a temporary that is copied over afterwards.
  std::vector<std::pair<size_t, NDArray>> copyBack;
  const bool safe = kernels::aliasSafe(op);
  for (size_t o = 0; o < nout; ++o)
    for (const NDArray &in : inputs)
      if (outputs[o].sharesChunk(in) && !(safe && in.byteOffset() == outputs[o].byteOffset() &&
                                          in.shape() == outputs[o].shape())) {
        copyBack.emplace_back(o, NDArray(outShapes[o], ctx, outTypes[o]));
        break;
      }

  auto rec = std::make_unique<OpRecord>();
  rec->attrs = attrsP;
  rec->fn = fn;
  rec->numInputs = inputs.size();
  rec->isTrain = tTraining;
  rec->arrays.reserve(inputs.size() + nout);
  rec->arrays.assign(inputs.begin(), inputs.end());
  rec->arrays.insert(rec->arrays.end(), outputs.begin(), outputs.end());
  for (auto &[o, tmp] : copyBack)
    rec->arrays[inputs.size() + o] = tmp;

  VarBuf reads, writes;
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool mutated = false;
    for (int m : op.mutateInputs)
      mutated = mutated || size_t(m) == i;
    (mutated ? writes : reads).push(inputs[i].var());
  }
  for (size_t i = inputs.size(); i < rec->arrays.size(); ++i)
    writes.push(rec->arrays[i].var());
  if (impl.usesRandom)
    writes.push(randomVar(ctx));

  Engine::get()->push([r = std::move(rec)](RunContext rc) { r->run(rc); }, ctx, reads.span(),
                      writes.span(), FnProperty::Normal, 0, op.name);
  for (auto &[o, tmp] : copyBack)
    tmp.copyTo(outputs[o]);
}

} // namespace

bool setTraining(bool isTrain) {
  bool prev = tTraining;
  tTraining = isTrain;
  return prev;
}

bool isTraining() { return tTraining; }

Context parseContext(std::string_view text) {
  if (text.empty())
    return Context::cpu();
  struct Kind {
    std::string_view name;
    DeviceType type;
  };
  static constexpr Kind kinds[] = {{"cpu_pinned", DeviceType::CPUPinned},
                                   {"cpu_shared", DeviceType::CPUShared},
                                   {"cpu", DeviceType::CPU},
                                   {"gpu", DeviceType::GPU}};
  for (const Kind &k : kinds) {
    if (!text.starts_with(k.name) || text.size() < k.name.size() + 3 ||
        text[k.name.size()] != '(' || text.back() != ')')
      continue;
    std::string_view num = text.substr(k.name.size() + 1, text.size() - k.name.size() - 2);
    int32_t id = 0;
    bool ok = !num.empty();
    for (char c : num) {
      ok = ok && c >= '0' && c <= '9' && id < 100000;
      id = id * 10 + (c - '0');
    }
    if (ok)
      return Context{k.type, id};
  }
  fail("invalid context '", text, "': expected cpu(N), gpu(N), cpu_pinned(N) or cpu_shared(N)");
}

void invoke(const OpSpec &op, std::span<const NDArray> inputs,
            std::span<const Attrs::KeyValue> attrs, std::vector<NDArray> &outputs) {
  const CacheEntry &e = cachedAttrs(op, attrs);
  // Hold the attributes: a nested invoke could replace the cache slot.
  std::shared_ptr<const Attrs> held = e.attrs;
  invokeParsed(held, e.numInputs, inputs, outputs);
}

void invoke(const Attrs &attrs, std::span<const NDArray> inputs, std::vector<NDArray> &outputs) {
  auto held = std::make_shared<const Attrs>(attrs);
  invokeParsed(held, listInputNames(attrs).size(), inputs, outputs);
}

std::vector<NDArray> invoke(std::string_view op, std::span<const NDArray> inputs,
                            std::span<const Attrs::KeyValue> attrs) {
  const OpSpec *spec = findOp(op);
  MXRT_CHECK(spec, "operator '", op, "' does not exist");
  std::vector<NDArray> out;
  invoke(*spec, inputs, attrs, out);
  return out;
}

} // namespace mxrt
