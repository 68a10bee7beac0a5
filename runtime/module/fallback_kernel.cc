// fallback_kernel.cc - mxrt_kernel_fallback: compiled kernels that run a registered CPU kernel.
//
// An op the compiler cannot lower but the runtime has a CPU kernel for
// becomes a compiled kernel that calls mxrt_kernel_fallback with a constant
// descriptor (module_abi.h gives its format) and its argument pointers.
// The descriptor is parsed, checked (the op, its attributes, shape and type
// inference reproducing the compiled shapes) and cached once per distinct
// text; every later call is a lookup under a shared lock, TBlobs over the
// pointers, and the kernel call on this thread. Nothing may unwind into
// generated code, so errors are kept per thread for takeKernelError().
#include "mxrt/base.h"
#include "mxrt/module.h"
#include "mxrt/op_registry.h"
#include "mxrt/random.h"

#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <unordered_map>

namespace mxrt {
namespace {

struct Fallback {
  const OpSpec *op = nullptr;
  std::string node;
  Attrs attrs;
  KernelFn fn = nullptr;
  bool isTrain = false;
  bool rng = false;
  std::vector<TShape> inShapes, outShapes;
  std::vector<DType> inTypes, outTypes;
  std::vector<int> mutate; ///< input indices, in the order of their args
};

int64_t parseInt(std::string_view s, std::string_view what) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    fail("bad ", what, " '", s, "'");
  return v;
}

/// "<dtype> <d0,d1,...>" (no dims: a scalar).
void parseArray(std::string_view s, std::vector<TShape> &shapes, std::vector<DType> &types) {
  size_t space = s.find(' ');
  int64_t code = parseInt(s.substr(0, space), "dtype");
  if (!isValidDTypeCode(int32_t(code)))
    fail("bad dtype code ", code);
  std::vector<int64_t> dims;
  std::string_view rest = space == std::string_view::npos ? "" : s.substr(space + 1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    dims.push_back(parseInt(rest.substr(0, comma), "extent"));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
  }
  shapes.emplace_back(std::span<const int64_t>(dims));
  types.push_back(DType(code));
}

std::string describeArrays(const std::vector<TShape> &shapes, const std::vector<DType> &types) {
  std::string s;
  for (size_t i = 0; i < shapes.size(); ++i)
    s += str(i ? ", " : "", shapes[i].str(), " ", dtypeName(types[i]));
  return s;
}

std::unique_ptr<Fallback> parse(const std::string &text) {
  auto f = std::make_unique<Fallback>();
  std::vector<std::pair<std::string, std::string>> kv;
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != "mxc-fallback 1")
    fail("not a fallback descriptor of version 1 (recompile the module with this mxc)");
  while (std::getline(lines, line)) {
    size_t space = line.find(' ');
    std::string_view key = std::string_view(line).substr(0, space);
    std::string_view value =
        space == std::string::npos ? std::string_view() : std::string_view(line).substr(space + 1);
    if (key == "op") {
      f->op = findOp(value);
      if (!f->op)
        fail("unknown op '", value, "'");
    } else if (key == "node") {
      f->node = value;
    } else if (key == "train") {
      f->isTrain = value == "1";
    } else if (key == "attr") {
      size_t eq = value.find('=');
      if (eq == std::string_view::npos)
        fail("bad attribute line '", line, "'");
      kv.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (key == "in") {
      parseArray(value, f->inShapes, f->inTypes);
    } else if (key == "out") {
      parseArray(value, f->outShapes, f->outTypes);
    } else if (key == "mutate") {
      f->mutate.push_back(int(parseInt(value, "input index")));
    } else if (key == "rng") {
      f->rng = true;
    } else {
      fail("unknown descriptor line '", line, "'");
    }
  }
  if (!f->op)
    fail("the descriptor names no op");
  std::string at =
      str("op '", f->op->name, "'", f->node.empty() ? "" : " (node '" + f->node + "')");
  try {
    std::vector<Attrs::KeyValue> views(kv.begin(), kv.end());
    f->attrs = Attrs::parse(*f->op, views, f->node);
    const OpImpl &impl = opImpl(*f->op);
    f->fn = impl.cpu;
    if (!f->fn)
      fail("this runtime has no CPU kernel for it");
    // Samplers draw in either mode, ops like LeakyReLU rrelu only while
    // training: the compiler gives samplers a random state always, training
    // forms whenever their kernel may draw.
    if (f->rng && !impl.usesRandom)
      fail("the module gives it a random state it does not draw from");
    if (impl.usesRandom && f->isTrain && !f->rng)
      fail("it draws random numbers but the module gives it no random state");
    for (int m : f->mutate)
      if (m < 0 || size_t(m) >= f->inShapes.size())
        fail("it mutates input ", m, " of ", f->inShapes.size());
    // The compiled shapes must be the ones this runtime's inference gives.
    std::vector<TShape> outShapes;
    std::vector<DType> outTypes;
    inferOutputs(f->attrs, f->inShapes, f->inTypes, outShapes, outTypes, f->node);
    bool same = outShapes.size() == f->outShapes.size();
    for (size_t i = 0; same && i < outShapes.size(); ++i)
      same = outShapes[i] == f->outShapes[i] && outTypes[i] == f->outTypes[i];
    if (!same)
      fail("the module was compiled for outputs (", describeArrays(f->outShapes, f->outTypes),
           "), this runtime infers (", describeArrays(outShapes, outTypes), ") from inputs (",
           describeArrays(f->inShapes, f->inTypes), ")");
  } catch (const Error &e) {
    fail("fallback kernel of ", at, ": ", e.what());
  }
  return f;
}

/// Parsed descriptors by their text, never freed (a module's descriptors
/// are few; keying by text, not address, stays right when a module is
/// unloaded and another one loaded at the same address).
const Fallback &lookup(const char *descriptor) {
  static std::shared_mutex mu;
  static auto *cache = new std::unordered_map<std::string, std::unique_ptr<Fallback>>();
  std::string_view text(descriptor);
  {
    std::shared_lock lock(mu);
    // C++20 has no heterogeneous lookup for unordered_map without a
    // transparent hash; descriptors are short, so one string is cheap.
    auto it = cache->find(std::string(text));
    if (it != cache->end())
      return *it->second;
  }
  std::unique_ptr<Fallback> parsed = parse(std::string(text)); // may throw: nothing cached
  std::unique_lock lock(mu);
  auto [it, inserted] = cache->try_emplace(std::string(text), std::move(parsed));
  return *it->second;
}

thread_local std::exception_ptr tError;

void run(const char *descriptor, void *const *args) {
  const Fallback &f = lookup(descriptor);
  const size_t nIn = f.inShapes.size(), nOut = f.outShapes.size();
  std::vector<TBlob> blobs(nIn + nOut);
  for (size_t i = 0; i < nIn; ++i)
    blobs[i] = TBlob{args[i], f.inShapes[i], f.inTypes[i], Context::cpu()};
  for (size_t o = 0; o < nOut; ++o)
    blobs[nIn + o] = TBlob{args[nIn + o], f.outShapes[o], f.outTypes[o], Context::cpu()};
  // The runtime's kernels update mutated inputs in place: give them the
  // array receiving the new value, holding the old one.
  for (size_t j = 0; j < f.mutate.size(); ++j) {
    TBlob &in = blobs[size_t(f.mutate[j])];
    void *dst = args[nIn + nOut + j];
    if (dst != in.dptr)
      std::memmove(dst, in.dptr, in.nbytes());
    in.dptr = dst;
  }
  OpContext ctx;
  ctx.run.ctx = Context::cpu();
  ctx.isTrain = f.isTrain;
  std::span<const TBlob> in(blobs.data(), nIn), out(blobs.data() + nIn, nOut);
  if (f.rng) {
    ScopedRandomState state(static_cast<uint64_t *>(args[nIn + nOut + f.mutate.size()]));
    f.fn(ctx, f.attrs, in, out);
  } else {
    f.fn(ctx, f.attrs, in, out);
  }
}

} // namespace

std::exception_ptr takeKernelError() { return std::exchange(tError, nullptr); }

} // namespace mxrt

extern "C" void mxrt_kernel_fallback(const char *descriptor, void *const *args) {
  try {
    mxrt::run(descriptor, args);
  } catch (...) {
    // The first error of a kernel wins; the Executor takes it after each one.
    if (!mxrt::tError)
      mxrt::tError = std::current_exception();
  }
}
