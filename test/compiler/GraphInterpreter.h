// GraphInterpreter.h - a reference evaluator for mx graph functions.
//
// Runs a func.func of mx ops op by op with the runtime's imperative kernels
// (mxrt::invoke), so gradient graphs can be checked numerically before, and
// independently of, code generation. With a memory plan (passes/PlanMemory.h)
// every planned value lives in its slot of one arena, in-place pairs
// included, exactly as the plan says: evaluating planned and unplanned must
// agree. Ops run in training mode where the function or the op carries
// mx.train.
#pragma once

#include "passes/PlanMemory.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mxrt/ndarray.h"

#include <span>
#include <string>
#include <vector>

namespace mxc::testing {

/// The mx ops of `func` whose op has no CPU kernel (sorted, unique).
std::vector<std::string> missingKernels(mlir::func::FuncOp func);

/// Evaluates `func` on `args` (one array per argument) and returns its
/// results. With `plan`, op results the plan covers are written into an
/// arena laid out by the plan (MemoryPlan::addressOf) instead of arrays of their
/// own. Throws mxrt::Error on a kernel error, naming the op.
std::vector<mxrt::NDArray> evaluate(mlir::func::FuncOp func, std::span<const mxrt::NDArray> args,
                                    const mlir::mx::MemoryPlan *plan = nullptr);

/// A host copy of an array's values as doubles (any dtype).
std::vector<double> toDoubles(const mxrt::NDArray &a);
/// An array of this tensor type filled from `values` (converted).
mxrt::NDArray fromDoubles(mlir::Type tensorType, std::span<const double> values);

} // namespace mxc::testing
