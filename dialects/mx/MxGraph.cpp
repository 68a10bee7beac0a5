//===- MxGraph.cpp - how an MXNet graph is held in MLIR -------------------===//
#include "mx/MxGraph.h"
#include "mx/MxDialect.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::mx;

std::string mlir::mx::getArgName(FunctionOpInterface func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, kArgNameAttr))
    return name.str();
  return "arg" + std::to_string(i);
}

bool mlir::mx::isAuxState(Value value) {
  if (!isa<BlockArgument>(value))
    return false;
  for (OpOperand &use : value.getUses()) {
    const mxrt::OpSpec *spec = lookupOpSpec(use.getOwner()->getName());
    if (spec && llvm::is_contained(spec->mutateInputs, int(use.getOperandNumber())))
      return true;
  }
  return false;
}

mxrt::AttrValue mlir::mx::getDefaultValue(const mxrt::AttrSpec &spec) {
  if (spec.required)
    return std::monostate();
  return mxrt::parseAttrValue(spec, spec.dflt);
}
