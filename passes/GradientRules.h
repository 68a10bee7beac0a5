//===- GradientRules.h - the gradient table: one row per mx op --*- C++ -*-===//
//
// Every op of the dialect has exactly one row, saying how gradients cross
// it (a test checks the table against the op table):
// - Rule: a function that builds the input gradients from the output
//   gradients with mx ops (GradientBuilder.h), preferably forward ops;
// - Zero: no gradient flows (BlockGrad, comparisons, rounding, argmax,
//   samplers: MXNet's MakeZeroGradNodes);
// - Undefined: MXNet registers no gradient (optimizer updates, ...); a
//   gradient that must cross the op is an error naming it.
// Loss layers (op table isLoss) have rules that run without a head
// gradient. Rows live in one file per op family (GradientRules*.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/GradientBuilder.h"

#include <span>
#include <string_view>

namespace mlir::mx {

/// Builds dIn (one slot per operand, null = no gradient) from dOut (one
/// slot per result, null where no gradient reached that result). Rules set
/// only slots g.wants(i) asks for; on failure they report through g.error().
using GradFn = void (*)(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn);

enum class GradKind { Rule, Zero, Undefined };

struct GradRule {
  std::string_view op; ///< MXNet name, as in the op table
  GradKind kind;
  GradFn fn = nullptr;
  /// Undefined rows: why (shown in the error); Rule rows: limits, if any.
  std::string_view note = {};
};

/// The row for an op (by MXNet name), or nullptr if the table has none.
const GradRule *findGradRule(std::string_view op);
/// Every row, sorted by op name.
std::span<const GradRule> gradRules();

// The families (GradientRules*.cpp); gradRules() joins them.
std::span<const GradRule> elemwiseGradRules();
std::span<const GradRule> shapeGradRules();
std::span<const GradRule> reduceGradRules();
std::span<const GradRule> nnGradRules();
std::span<const GradRule> lossGradRules();
std::span<const GradRule> indexGradRules();
std::span<const GradRule> linalgGradRules();
std::span<const GradRule> noGradRules();

} // namespace mlir::mx
