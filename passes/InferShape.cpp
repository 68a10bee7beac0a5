//===- InferShape.cpp - the mx-infer-shape pass ---------------------------===//
//
// Policy only: seed argument shapes from the `shapes` option, then let the
// generic driver (InferenceDriver.cpp) call InferShapeOpInterface on every
// op until nothing changes. What an op deduces is its runtime shape
// function's business (MxInterfaces.cpp).
//
//===----------------------------------------------------------------------===//
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"
#include "passes/InferenceDriver.h"
#include "passes/Passes.h"

namespace mlir::mx {
#define GEN_PASS_DEF_MXINFERSHAPE
#include "passes/Passes.h.inc"
} // namespace mlir::mx

using namespace mlir;
using namespace mlir::mx;

namespace {
struct InferShapePass : mx::impl::MxInferShapeBase<InferShapePass> {
  using Base::Base;

  /// Gives the arguments named in `shapes` their shapes (keyword shapes
  /// override `__shape__`, as in MXNet).
  LogicalResult seedArguments(func::FuncOp func) {
    FailureOr<SmallVector<std::pair<std::string, std::string>>> entries =
        parseNamedValues(func, "shapes", shapes);
    if (failed(entries))
      return failure();
    bool npShape = func->hasAttr(kNpShapeAttr);
    for (auto &[name, text] : *entries) {
      FailureOr<unsigned> index = findArgument(func, "shapes", name);
      if (failed(index))
        return failure();
      FailureOr<SmallVector<int64_t>> dims = parseShapeText(text, npShape);
      if (failed(dims))
        return func.emitError() << "option shapes: bad shape '" << text << "' for argument " << name
                                << " (want e.g. 1,3,224,224 with ? for an unknown dim)";
      BlockArgument arg = func.getArgument(*index);
      arg.setType(RankedTensorType::get(*dims, cast<TensorType>(arg.getType()).getElementType()));
    }
    return success();
  }

  LogicalResult checkComplete(func::FuncOp func) {
    auto iface = cast<FunctionOpInterface>(func.getOperation());
    std::string missing;
    for (BlockArgument arg : func.getArguments()) {
      auto ranked = dyn_cast<RankedTensorType>(arg.getType());
      if (!ranked || !ranked.hasStaticShape())
        missing += "\n" + getArgName(iface, arg.getArgNumber()) + ": " +
                   formatProvidedShape(getTShape(arg.getType()));
    }
    if (missing.empty())
      return success();
    return func.emitError() << "InferShape pass cannot decide shapes for the following arguments "
                               "(-1 means unknown dimensions). Please consider providing them as "
                               "inputs:"
                            << missing;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (failed(seedArguments(func)) ||
        failed(inferToFixedPoint(
            func, [](Operation *op) { return isa<InferShapeOpInterface>(op); },
            [](Operation *op, SmallVectorImpl<Type> &operands, SmallVectorImpl<Type> &results) {
              return cast<InferShapeOpInterface>(op).inferShapes(operands, results);
            })) ||
        (requireComplete && failed(checkComplete(func))))
      signalPassFailure();
  }
};
} // namespace
