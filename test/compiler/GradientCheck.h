// GradientCheck.h - numerical checks of mx-gradient's gradient graphs.
//
// A check builds a one-op graph, differentiates it with mx-gradient, runs
// the gradient graph with the reference interpreter (GraphInterpreter.h)
// and compares every input gradient with central finite differences of
// L = sum(head_grad * output) over the forward graph, in float64. It also
// runs the gradient graph under its memory plan and requires the same
// results. Loss layers, which define their own gradient, are checked
// against reference formulas instead (gradient_loss_test.cc).
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace mxc::testing {

/// One input of the op under test: its shape and how its values are drawn.
struct Input {
  enum Kind { Uniform, Index, Distinct, DiagDominant };
  std::vector<int64_t> shape;
  Kind kind = Uniform;
  double lo = -1, hi = 1; ///< Uniform range; Index, Distinct: integers in [lo, hi)
  std::string dtype = "float64";
};

/// Shorthands for case tables.
inline Input U(std::vector<int64_t> shape, double lo = -1, double hi = 1) {
  return {std::move(shape), Input::Uniform, lo, hi};
}
inline Input Idx(std::vector<int64_t> shape, int64_t n, std::string dtype = "float64") {
  return {std::move(shape), Input::Index, 0, double(n), std::move(dtype)};
}
/// Integers in [lo, hi) (sequence lengths start at 1).
inline Input IdxIn(std::vector<int64_t> shape, int64_t lo, int64_t hi) {
  return {std::move(shape), Input::Index, double(lo), double(hi)};
}
/// Distinct integers in [0, n): indices that write each place at most once
/// (scatter_nd's gradient is gather_nd only where no write is overwritten).
inline Input Distinct(std::vector<int64_t> shape, int64_t n, std::string dtype = "float64") {
  return {std::move(shape), Input::Distinct, 0, double(n), std::move(dtype)};
}
/// Square matrices (the last two axes) with a dominant diagonal: well
/// conditioned, positive determinant.
inline Input Dom(std::vector<int64_t> shape) { return {std::move(shape), Input::DiagDominant}; }

using AttrList = std::vector<std::pair<std::string, std::string>>;

/// A fresh context with the mx dialect and func loaded.
std::unique_ptr<mlir::MLIRContext> makeContext();

/// @main(inputs) -> visible outputs of `op` (attributes in MXNet's string
/// form), with shapes and dtypes inferred. Null (after printing the
/// diagnostics) on error.
mlir::OwningOpRef<mlir::ModuleOp> buildOpGraph(mlir::MLIRContext &ctx, const std::string &op,
                                               const std::vector<Input> &inputs,
                                               const AttrList &attrs, bool training = true);

/// Runs a pass pipeline ("mx-gradient{grad-req=...}") on the module's
/// functions; false on failure.
bool runPasses(mlir::ModuleOp module, const std::string &pipeline);

/// Random values for an input (of the graph's argument type).
std::vector<double> drawValues(const Input &in, std::mt19937 &rng);

struct GradientReport {
  /// Non-empty: the check could not run (a missing CPU kernel...): skip.
  std::string skipped;
  /// Failures, one line each; empty when every gradient matched.
  std::vector<std::string> failures;
  int checkedElements = 0;
};

/// The finite-difference check of `op` described above; `rtol`/`atol`
/// bound |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|).
GradientReport checkGradient(const std::string &op, const std::vector<Input> &inputs,
                             const AttrList &attrs, double rtol = 1e-5, double atol = 1e-7);

} // namespace mxc::testing
