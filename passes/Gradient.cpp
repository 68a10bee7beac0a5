//===- Gradient.cpp - the mx-gradient pass --------------------------------===//
//
// Policy only: turn the pass options into MXNet's grad_req per argument
// (auxiliary states always null), then let buildGradient
// (GradientDriver.cpp) append the backward graph.
//
//===----------------------------------------------------------------------===//
#include "passes/Gradient.h"
#include "passes/InferenceDriver.h"
#include "passes/Passes.h"

#include "mx/MxGraph.h"

namespace mlir::mx {
#define GEN_PASS_DEF_MXGRADIENT
#include "passes/Passes.h.inc"
} // namespace mlir::mx

using namespace mlir;
using namespace mlir::mx;

namespace {
struct GradientPass : mx::impl::MxGradientBase<GradientPass> {
  using Base::Base;

  FailureOr<GradReq> parseReq(func::FuncOp func, StringRef option, StringRef text) {
    if (std::optional<GradReq> req = parseGradReq(text.trim()))
      return *req;
    return func.emitError() << "option " << option << ": grad_req must be 'write', 'add' or "
                            << "'null', got '" << text << "'";
  }

  /// grad_req per argument: the default, then the named entries.
  FailureOr<SmallVector<GradReq>> requests(func::FuncOp func) {
    FailureOr<GradReq> dflt = parseReq(func, "default-grad-req", defaultGradReq);
    if (failed(dflt))
      return failure();
    SmallVector<GradReq> reqs;
    for (BlockArgument arg : func.getArguments())
      reqs.push_back(isAuxState(arg) ? GradReq::Null : *dflt);
    // Entries are separated by ',' (MXNet's dict order does not matter) or
    // ';' as in the other passes' options.
    std::string text = gradReq;
    std::replace(text.begin(), text.end(), ',', ';');
    FailureOr<SmallVector<std::pair<std::string, std::string>>> entries =
        parseNamedValues(func, "grad-req", text);
    if (failed(entries))
      return failure();
    for (auto &[name, value] : *entries) {
      FailureOr<unsigned> index = findArgument(func, "grad-req", name);
      FailureOr<GradReq> req = parseReq(func, "grad-req", value);
      if (failed(index) || failed(req))
        return failure();
      if (*req != GradReq::Null && isAuxState(func.getArgument(*index)))
        return func.emitError() << "option grad-req: '" << name
                                << "' is an auxiliary state, which takes no gradient";
      reqs[*index] = *req;
    }
    return reqs;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    FailureOr<SmallVector<GradReq>> reqs = requests(func);
    if (failed(reqs))
      return signalPassFailure();
    GradientOptions options;
    options.reqs = std::move(*reqs);
    options.training = train;
    if (failed(buildGradient(func, options)))
      signalPassFailure();
  }
};
} // namespace
