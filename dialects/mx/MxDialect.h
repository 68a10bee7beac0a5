//===- MxDialect.h - the mx dialect, its types and interfaces ----*- C++ -*-===//
//
// The dialect, !mx.unknown and the four generic op interfaces. Generic code
// (import, export, inference) needs nothing more; the op classes generated
// from the ODS are in MxOps.h, for code that names ops. The free functions
// below are the interfaces' default implementations
// (MxInterfaces.td); they live in MxBridge.cpp, which connects ops to the
// op table and to the runtime's shape and type functions.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mxrt/op_table.h"

#include <string>
#include <utility>

namespace mlir::mx {

/// The op table entry of an mx op (`mx.<MXNet name>`), or nullptr for any
/// other op.
const mxrt::OpSpec *lookupOpSpec(OperationName name);
/// The op table entry of an mx op; the dialect guarantees one exists.
const mxrt::OpSpec &getOpSpec(Operation *op);
/// The MXNet node name kept in the op's location ("" if none).
std::string getNodeName(Operation *op);
/// The generic verifier of every mx op (see MxOpInterface).
LogicalResult verifyMxOp(Operation *op);
/// Shape inference through the runtime's registered shape function.
LogicalResult inferShapesFromRuntime(Operation *op, SmallVectorImpl<Type> &operandTypes,
                                     SmallVectorImpl<Type> &resultTypes);
/// Element type inference through the runtime's type function (or, for ops
/// without one, "all inputs and outputs share one dtype", as MXNet).
LogicalResult inferElementTypesFromRuntime(Operation *op, SmallVectorImpl<Type> &operandTypes,
                                           SmallVectorImpl<Type> &resultTypes);
/// (operand, result) pairs that may share a buffer, from the op table.
SmallVector<std::pair<unsigned, unsigned>> getInplacePairs(Operation *op);
/// The registered op `mx.<MXNet name>` of a table entry (the dialect checks
/// at load time that every entry has one).
std::optional<RegisteredOperationName> lookupMxOp(MLIRContext *ctx, const mxrt::OpSpec &spec);

} // namespace mlir::mx

#include "mx/MxDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "mx/MxTypes.h.inc"

#include "mx/MxInterfaces.h.inc"
