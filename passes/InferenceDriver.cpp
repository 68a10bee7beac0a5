//===- InferenceDriver.cpp - fixed-point inference over a graph -----------===//
//
// Algorithm (MXNet's InferAttr, src/executor/infer_graph_attr_pass.cc):
// collect the ops in program order (a topological order of the graph); sweep
// them forward, then backward; each op refines the types of the values it
// touches; repeat until a sweep changes nothing. Types only ever get more
// precise (unknown rank -> rank -> dims), so this terminates; an op whose
// types are all fully known is finished and not asked again.
//
//===----------------------------------------------------------------------===//
#include "passes/InferenceDriver.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::mx;

/// A fully known tensor type: static shape, known element type.
static bool isComplete(Type t) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked && ranked.hasStaticShape() && !isa<UnknownType>(ranked.getElementType());
}

LogicalResult mlir::mx::inferToFixedPoint(func::FuncOp func,
                                          function_ref<bool(Operation *)> applies,
                                          RefineFn refine) {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (applies(op))
      ops.push_back(op);
  });
  llvm::BitVector done(ops.size());
  // Each sweep that changes something makes at least one type more precise;
  // the bound only catches a refine function that does not.
  const int maxSweeps = 2 * int(ops.size()) + 4;
  SmallVector<Type> operands, results;
  auto step = [&](size_t i, bool &changed) -> LogicalResult {
    if (done[i])
      return success();
    Operation *op = ops[i];
    operands.assign(op->getOperandTypes().begin(), op->getOperandTypes().end());
    results.assign(op->getResultTypes().begin(), op->getResultTypes().end());
    if (failed(refine(op, operands, results)))
      return failure();
    bool complete = true;
    for (auto [value, type] : llvm::zip(op->getOperands(), operands)) {
      if (value.getType() != type) {
        value.setType(type);
        changed = true;
      }
      complete &= isComplete(type);
    }
    for (auto [value, type] : llvm::zip(op->getResults(), results)) {
      if (value.getType() != type) {
        value.setType(type);
        changed = true;
      }
      complete &= isComplete(type);
    }
    done[i] = complete;
    return success();
  };
  for (int sweep = 0;; ++sweep) {
    if (sweep == maxSweeps)
      return func.emitError("type inference did not converge after ") << sweep << " sweeps";
    bool changed = false;
    for (size_t i = 0; i < ops.size(); ++i)
      if (failed(step(i, changed)))
        return failure();
    for (size_t i = ops.size(); i-- > 0;)
      if (failed(step(i, changed)))
        return failure();
    if (!changed)
      break;
  }
  updateFunctionType(func);
  return success();
}

void mlir::mx::updateFunctionType(func::FuncOp func) {
  if (func.isExternal())
    return;
  SmallVector<Type> results = llvm::to_vector(func.getResultTypes());
  func.walk([&](func::ReturnOp ret) {
    if (ret->getParentOp() == func.getOperation())
      results.assign(ret.getOperandTypes().begin(), ret.getOperandTypes().end());
  });
  func.setType(FunctionType::get(func.getContext(), func.front().getArgumentTypes(), results));
}

FailureOr<SmallVector<std::pair<std::string, std::string>>>
mlir::mx::parseNamedValues(func::FuncOp func, StringRef option, StringRef text) {
  SmallVector<std::pair<std::string, std::string>> entries;
  SmallVector<StringRef> parts;
  text.split(parts, ';', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    auto [name, value] = part.split(':');
    if (name.empty() || !part.contains(':'))
      return func.emitError() << "option " << option
                              << ": expected 'name:value' entries separated by ';', got '" << part
                              << "'";
    entries.emplace_back(name.trim().str(), value.trim().str());
  }
  return entries;
}

FailureOr<unsigned> mlir::mx::findArgument(func::FuncOp func, StringRef option, StringRef name) {
  auto iface = cast<FunctionOpInterface>(func.getOperation());
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (getArgName(iface, i) == name)
      return i;
  InFlightDiagnostic diag = func.emitError() << "option " << option << ": argument name " << name
                                             << " not found.\nCandidate arguments:";
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    diag << "\n\t[" << i << "]" << getArgName(iface, i);
  return diag;
}
