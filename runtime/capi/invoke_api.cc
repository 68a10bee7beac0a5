// invoke_api.cc - the C API's imperative invocation (mxrt::invoke, see
// mxrt/imperative.h) and random seeding.
//
// Outputs follow MXNet's MXImperativeInvoke: with *outputs null the op's
// visible outputs come back as new handles in a per-thread array; otherwise
// the caller's arrays are written (out=).
#include "capi/op_internal.h"
#include "mxrt/imperative.h"
#include "mxrt/random.h"

#include <array>
#include <span>
#include <string>
#include <vector>

using namespace mxrt;
using namespace mxrt::capi;

namespace {

/// Output handles of the last invocation on this thread.
std::vector<mxrtNDArrayHandle> &outputBuffer() {
  thread_local std::vector<mxrtNDArrayHandle> buf;
  return buf;
}

/// The input arrays, on the stack for the common op of few inputs.
class Inputs {
public:
  Inputs(uint32_t num, const mxrtNDArrayHandle *inputs, const OpSpec &op, const char *fn) {
    MXRT_CHECK(num == 0 || inputs, fn, ": inputs is null");
    if (num > kInline)
      heap_.resize(num);
    NDArray *dst = num > kInline ? heap_.data() : inline_.data();
    for (uint32_t i = 0; i < num; ++i) {
      MXRT_CHECK(inputs[i], fn, ": input ", i, " of operator ", op.name, " is null");
      dst[i] = inputs[i]->array;
    }
    span_ = std::span<const NDArray>(dst, num);
  }
  std::span<const NDArray> span() const { return span_; }

private:
  static constexpr uint32_t kInline = 4;
  std::array<NDArray, kInline> inline_;
  std::vector<NDArray> heap_;
  std::span<const NDArray> span_;
};

/// Runs `run(outputs)` and publishes the outputs as MXNet does.
template <class Run>
void withOutputs(const OpSpec &op, int *numOutputs, mxrtNDArrayHandle **outputs, const char *fn,
                 Run &&run) {
  MXRT_CHECK(numOutputs && outputs, fn, ": num_outputs or outputs is null");
  // A per-thread vector that keeps its capacity: no allocation per call
  // (allocations here are costly: the arrays are freed on engine threads).
  thread_local std::vector<NDArray> scratch;
  struct Clear {
    std::vector<NDArray> &v;
    ~Clear() { v.clear(); }
  } clear{scratch};
  std::vector<NDArray> &out = scratch;
  out.clear();
  if (*outputs) {
    MXRT_CHECK(*numOutputs >= 0, fn, ": negative num_outputs ", *numOutputs);
    out.reserve(size_t(*numOutputs));
    for (int i = 0; i < *numOutputs; ++i) {
      MXRT_CHECK((*outputs)[i], fn, ": output ", i, " of operator ", op.name, " is null");
      out.push_back((*outputs)[i]->array);
    }
    run(out);
    return;
  }
  int visible = run(out);
  auto &buf = outputBuffer();
  buf.clear();
  for (int i = 0; i < visible; ++i)
    buf.push_back(newHandle(std::move(out[size_t(i)])));
  *numOutputs = visible;
  *outputs = buf.data();
}

} // namespace

extern "C" {

int mxrtImperativeInvoke(mxrtOpHandle op, uint32_t num_inputs, const mxrtNDArrayHandle *inputs,
                         uint32_t num_attrs, const char *const *keys, const char *const *vals,
                         int *num_outputs, mxrtNDArrayHandle **outputs) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtImperativeInvoke";
  const OpSpec &spec = opOf(op, fn);
  MXRT_CHECK(num_attrs == 0 || (keys && vals), fn, ": keys or vals is null");
  Inputs in(num_inputs, inputs, spec, fn);
  std::vector<Attrs::KeyValue> kv;
  kv.reserve(num_attrs + 1);
  bool hasNumArgs = spec.numArgsAttr.empty();
  for (uint32_t i = 0; i < num_attrs; ++i) {
    MXRT_CHECK(keys[i] && vals[i], fn, ": attribute ", i, " of operator ", spec.name, " is null");
    kv.emplace_back(keys[i], vals[i]);
    hasNumArgs = hasNumArgs || spec.numArgsAttr == keys[i];
  }
  std::string numArgs; // MXNet's SetNumInputs: a variadic op's count is its input count
  if (!hasNumArgs) {
    numArgs = std::to_string(num_inputs);
    kv.emplace_back(spec.numArgsAttr, numArgs);
  }
  withOutputs(spec, num_outputs, outputs, fn, [&](std::vector<NDArray> &out) {
    invoke(spec, in.span(), kv, out);
    // Most ops show every output; the others say so in the table.
    return spec.visibleOutputs.empty() ? int(out.size())
                                       : numVisibleOutputs(Attrs::parse(spec, kv));
  });
  MXRT_API_END();
}

int mxrtImperativeInvokeAttrs(mxrtOpAttrsHandle attrs, uint32_t num_inputs,
                              const mxrtNDArrayHandle *inputs, int *num_outputs,
                              mxrtNDArrayHandle **outputs) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtImperativeInvokeAttrs";
  MXRT_CHECK(attrs, fn, ": the attrs handle is null");
  const OpSpec &spec = attrs->attrs.op();
  Inputs in(num_inputs, inputs, spec, fn);
  withOutputs(spec, num_outputs, outputs, fn, [&](std::vector<NDArray> &out) {
    invoke(spec, in.span(), attrs->kv, out);
    return attrs->visible;
  });
  MXRT_API_END();
}

int mxrtRandomSeed(uint64_t seed, int dev_type, int dev_id) {
  MXRT_API_BEGIN();
  if (dev_type < 0)
    randomSeed(seed);
  else
    randomSeed(seed, contextOf(dev_type, dev_id, "mxrtRandomSeed"));
  MXRT_API_END();
}

} // extern "C"
