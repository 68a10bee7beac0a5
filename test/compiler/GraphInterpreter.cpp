// GraphInterpreter.cpp - a reference evaluator for mx graph functions.
//
// One mxrt::invoke per op, then a wait: planned values alias one arena
// behind the engine's back (each is its own external array), so ops must
// not overlap. That is what a reference is for.
#include "GraphInterpreter.h"

#include "mx/MxBridge.h"
#include "mx/MxDialect.h"

#include "mxrt/base.h"
#include "mxrt/imperative.h"
#include "mxrt/op_registry.h"

#include "llvm/ADT/DenseMap.h"

#include <cstdlib>
#include <memory>
#include <set>

using namespace mlir;

namespace mxc::testing {

std::vector<std::string> missingKernels(func::FuncOp func) {
  std::set<std::string> missing;
  func.walk([&](Operation *op) {
    if (const mxrt::OpSpec *spec = mx::lookupOpSpec(op->getName()))
      if (!mxrt::opImpl(*spec).cpu)
        missing.insert(std::string(spec->name));
  });
  return {missing.begin(), missing.end()};
}

namespace {

template <class T> void castOut(const mxrt::TBlob &b, std::vector<double> &out) {
  const T *p = b.ptr<T>();
  for (int64_t i = 0; i < b.numel(); ++i)
    out.push_back(double(p[i]));
}

template <class T> void castIn(std::span<const double> v, void *dst) {
  T *p = static_cast<T *>(dst);
  for (size_t i = 0; i < v.size(); ++i)
    p[i] = T(v[i]);
}

} // namespace

std::vector<double> toDoubles(const mxrt::NDArray &a) {
  a.waitToRead();
  mxrt::TBlob b = a.data();
  std::vector<double> out;
  out.reserve(size_t(b.numel()));
  using mxrt::DType;
  switch (b.dtype) {
  case DType::Float32:
    castOut<float>(b, out);
    break;
  case DType::Float64:
    castOut<double>(b, out);
    break;
  case DType::Int32:
    castOut<int32_t>(b, out);
    break;
  case DType::Int64:
    castOut<int64_t>(b, out);
    break;
  case DType::Int8:
    castOut<int8_t>(b, out);
    break;
  case DType::UInt8:
    castOut<uint8_t>(b, out);
    break;
  case DType::Bool:
    castOut<bool>(b, out);
    break;
  default:
    throw mxrt::Error("toDoubles: unsupported dtype " + std::string(mxrt::dtypeName(b.dtype)));
  }
  return out;
}

mxrt::NDArray fromDoubles(Type tensorType, std::span<const double> values) {
  auto t = cast<RankedTensorType>(tensorType);
  mxrt::DType dtype = mx::getDType(t.getElementType());
  mxrt::NDArray a(mx::getTShape(t), mxrt::Context::cpu(), dtype);
  MXRT_CHECK(size_t(a.numel()) == values.size(), "fromDoubles: ", values.size(), " values for ",
             a.numel(), " elements");
  std::vector<std::byte> host(a.nbytes());
  using mxrt::DType;
  switch (dtype) {
  case DType::Float32:
    castIn<float>(values, host.data());
    break;
  case DType::Float64:
    castIn<double>(values, host.data());
    break;
  case DType::Int32:
    castIn<int32_t>(values, host.data());
    break;
  case DType::Int64:
    castIn<int64_t>(values, host.data());
    break;
  case DType::Int8:
    castIn<int8_t>(values, host.data());
    break;
  case DType::UInt8:
    castIn<uint8_t>(values, host.data());
    break;
  default:
    throw mxrt::Error("fromDoubles: unsupported dtype " + std::string(mxrt::dtypeName(dtype)));
  }
  a.syncCopyFromCPU(host.data(), host.size());
  return a;
}

std::vector<mxrt::NDArray> evaluate(func::FuncOp func, std::span<const mxrt::NDArray> args,
                                    const mx::MemoryPlan *plan) {
  MXRT_CHECK(args.size() == func.getNumArguments(), "evaluate: ", args.size(), " arrays for ",
             func.getNumArguments(), " arguments");
  llvm::DenseMap<Value, mxrt::NDArray> env;
  for (auto [arg, a] : llvm::zip(func.getArguments(), args))
    env[arg] = a;
  // The arena: one aligned block, slots at the plan's offsets.
  std::shared_ptr<std::byte> arena;
  if (plan) {
    size_t bytes = size_t(std::max<int64_t>(plan->plannedBytes, 1));
    size_t align = size_t(std::max<int64_t>(plan->alignment, 64));
    arena.reset(
        static_cast<std::byte *>(std::aligned_alloc(align, (bytes + align - 1) / align * align)),
        std::free);
  }
  bool trainFunc = func->hasAttr("mx.train");
  for (Operation &op : func.getBody().front().without_terminator()) {
    const mxrt::OpSpec *spec = mx::lookupOpSpec(op.getName());
    MXRT_CHECK(spec, "evaluate: '", op.getName().getStringRef().str(), "' is not an mx op");
    FailureOr<mxrt::Attrs> attrs = mx::getRuntimeAttrs(&op);
    MXRT_CHECK(succeeded(attrs), "evaluate: bad attributes on ", spec->name);
    std::vector<mxrt::NDArray> inputs, outputs;
    for (Value v : op.getOperands())
      inputs.push_back(env.lookup(v));
    if (plan) {
      for (Value r : op.getResults()) {
        auto it = plan->bufferOf.find(r);
        if (it == plan->bufferOf.end()) { // the function's outputs: arrays of their own
          auto t = cast<RankedTensorType>(r.getType());
          outputs.emplace_back(mx::getTShape(t), mxrt::Context::cpu(),
                               mx::getDType(t.getElementType()));
          continue;
        }
        auto t = cast<RankedTensorType>(r.getType());
        std::byte *ptr = arena.get() + plan->addressOf(r);
        outputs.push_back(mxrt::NDArray::fromExternal(ptr, mx::getTShape(t),
                                                      mx::getDType(t.getElementType()),
                                                      mxrt::Context::cpu(), [keep = arena] {}));
      }
    }
    bool prev = mxrt::setTraining(trainFunc || op.hasAttr("mx.train"));
    try {
      mxrt::invoke(*attrs, inputs, outputs);
    } catch (...) {
      mxrt::setTraining(prev);
      throw;
    }
    mxrt::setTraining(prev);
    for (auto [r, a] : llvm::zip(op.getResults(), outputs)) {
      a.waitToRead();
      env[r] = a;
    }
  }
  std::vector<mxrt::NDArray> results;
  for (Value v : func.getBody().front().getTerminator()->getOperands())
    results.push_back(env.lookup(v));
  return results;
}

} // namespace mxc::testing
