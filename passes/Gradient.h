//===- Gradient.h - reverse-mode differentiation of an mx graph -*- C++ -*-===//
//
// The mechanism behind mx-gradient, usable without the pass: given a graph
// function and MXNet's grad_req per argument, append the backward graph and
// return the gradients as extra results. The attributes it leaves on the IR
// are the contract with memory planning and code generation (docs/passes.md,
// docs/codegen.md):
//
//   function:  mx.train                     differentiated for training
//   argument:  mx.head_grad = i             head gradient of result i
//              mx.grad_of = "w"             incoming gradient of w (grad_req add)
//   result:    mx.grad_of = "w"             the gradient of argument w
//              mx.grad_req = "write"|"add"
//   op:        mx.phase = "forward"|"backward"
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string_view>

namespace mlir::mx {

inline constexpr llvm::StringLiteral kTrainAttr = "mx.train";
inline constexpr llvm::StringLiteral kHeadGradAttr = "mx.head_grad";
inline constexpr llvm::StringLiteral kGradOfAttr = "mx.grad_of";
inline constexpr llvm::StringLiteral kGradReqAttr = "mx.grad_req";
inline constexpr llvm::StringLiteral kPhaseAttr = "mx.phase";
inline constexpr llvm::StringLiteral kPhaseForward = "forward";
inline constexpr llvm::StringLiteral kPhaseBackward = "backward";

/// MXNet's grad_req: no gradient, overwrite the gradient array, or add to it.
enum class GradReq { Null, Write, Add };

/// Parses "null", "write", "add" (MXNet also says "inplace" for write).
std::optional<GradReq> parseGradReq(StringRef text);
StringRef gradReqName(GradReq req);

struct GradientOptions {
  /// One entry per function argument. Auxiliary states must be Null.
  SmallVector<GradReq> reqs;
  /// Mark the function for training (mx.train): BatchNorm's gradient then
  /// uses batch statistics, Dropout's its mask.
  bool training = true;
};

/// What buildGradient added.
struct GradientResult {
  /// Per new result: the argument it is the gradient of.
  SmallVector<unsigned> gradOf;
  /// Per head gradient argument added: the result index it belongs to.
  SmallVector<unsigned> headGradOf;
};

/// Appends the backward graph of `func` (one block of mx ops, static shapes,
/// known dtypes: run mx-infer-shape and mx-infer-type first) for the
/// arguments whose request is not Null:
/// - head gradients: one new argument per result whose op takes one (not
///   loss layers, unless SoftmaxOutput's out_grad; not BlockGrad);
/// - the gradient of each use is built by the op's row in the gradient
///   table (GradientRules.h); gradients of several uses are summed;
/// - Write: the sum is a new result; Add: a new argument holds the incoming
///   gradient and the new result is its sum with the computed one (the
///   same array in MXNet: code generation maps both to it);
/// - an argument no gradient reaches gets zeros (MXNet writes zeros).
/// Errors name the node: an op without a gradient that a gradient must
/// cross, types not known.
FailureOr<GradientResult> buildGradient(func::FuncOp func, const GradientOptions &options);

} // namespace mlir::mx
