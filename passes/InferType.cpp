//===- InferType.cpp - the mx-infer-type pass -----------------------------===//
//
// Policy only: seed argument dtypes from `dtypes`, run the generic driver
// over InferElementTypeOpInterface, then give arguments that are still
// unknown `default-dtype` (simple_bind's float32) and run it again.
//
//===----------------------------------------------------------------------===//
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"
#include "passes/InferenceDriver.h"
#include "passes/Passes.h"

namespace mlir::mx {
#define GEN_PASS_DEF_MXINFERTYPE
#include "passes/Passes.h.inc"
} // namespace mlir::mx

using namespace mlir;
using namespace mlir::mx;

namespace {
struct InferTypePass : mx::impl::MxInferTypeBase<InferTypePass> {
  using Base::Base;

  static void setElementType(BlockArgument arg, Type elementType) {
    arg.setType(cast<TensorType>(arg.getType()).clone(elementType));
  }

  LogicalResult seedArguments(func::FuncOp func) {
    FailureOr<SmallVector<std::pair<std::string, std::string>>> entries =
        parseNamedValues(func, "dtypes", dtypes);
    if (failed(entries))
      return failure();
    for (auto &[name, text] : *entries) {
      FailureOr<unsigned> index = findArgument(func, "dtypes", name);
      if (failed(index))
        return failure();
      std::optional<mxrt::DType> dtype = mxrt::parseDType(text);
      if (!dtype)
        return func.emitError() << "option dtypes: unknown dtype '" << text << "' for argument "
                                << name;
      setElementType(func.getArgument(*index), getElementType(&getContext(), *dtype));
    }
    return success();
  }

  LogicalResult infer(func::FuncOp func) {
    return inferToFixedPoint(
        func, [](Operation *op) { return isa<InferElementTypeOpInterface>(op); },
        [](Operation *op, SmallVectorImpl<Type> &operands, SmallVectorImpl<Type> &results) {
          return cast<InferElementTypeOpInterface>(op).inferElementTypes(operands, results);
        });
  }

  /// Gives still-unknown arguments (not auxiliary states) the default dtype;
  /// true if any changed.
  FailureOr<bool> applyDefault(func::FuncOp func) {
    if (defaultDType.empty())
      return false;
    std::optional<mxrt::DType> dtype = mxrt::parseDType(defaultDType);
    if (!dtype)
      return func.emitError() << "option default-dtype: unknown dtype '" << defaultDType << "'";
    bool changed = false;
    for (BlockArgument arg : func.getArguments()) {
      if (!isa<UnknownType>(cast<TensorType>(arg.getType()).getElementType()) || isAuxState(arg))
        continue;
      setElementType(arg, getElementType(&getContext(), *dtype));
      changed = true;
    }
    return changed;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (failed(seedArguments(func)) || failed(infer(func)))
      return signalPassFailure();
    FailureOr<bool> defaulted = applyDefault(func);
    if (failed(defaulted) || (*defaulted && failed(infer(func))))
      return signalPassFailure();
    updateFunctionType(func);
  }
};
} // namespace
