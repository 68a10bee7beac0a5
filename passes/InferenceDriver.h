//===- InferenceDriver.h - fixed-point inference over a graph ---*- C++ -*-===//
//
// The one driver behind mx-infer-shape and mx-infer-type, as MXNet's
// InferAttr pass: visit every op forward, then backward, letting it refine
// its operand and result types, until a sweep changes nothing. It never
// names an op: what an op can deduce comes from a callback (an interface
// method). Also the parsing of the passes' `name:value;...` options and
// their matching to graph arguments.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>
#include <utility>

namespace mlir::mx {

/// Refines the types of one op's operands and results in place.
using RefineFn = function_ref<LogicalResult(Operation *op, SmallVectorImpl<Type> &operandTypes,
                                            SmallVectorImpl<Type> &resultTypes)>;

/// Runs `refine` on every op of `func` for which `applies` holds until no
/// type changes, writing refined types into the IR (block arguments and op
/// results); then updates the function type. Fails on the first error.
LogicalResult inferToFixedPoint(func::FuncOp func, function_ref<bool(Operation *)> applies,
                                RefineFn refine);

/// Makes `func`'s type match its entry block's argument types and the
/// operand types of its return.
void updateFunctionType(func::FuncOp func);

/// Splits "a:x;b:y" into (name, value) pairs. `option` names the pass option
/// in errors.
FailureOr<SmallVector<std::pair<std::string, std::string>>>
parseNamedValues(func::FuncOp func, StringRef option, StringRef text);

/// The index of the argument called `name`; an error listing the
/// candidates, in MXNet's words, if there is none.
FailureOr<unsigned> findArgument(func::FuncOp func, StringRef option, StringRef name);

} // namespace mlir::mx
