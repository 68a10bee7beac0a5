//===- Lowering.h - mx ops -> linalg/tensor/arith/math -----------*- C++ -*-===//
//
// The target-independent half of code generation: every mx op a kernel
// holds is rewritten into linalg, tensor, arith and math ops on static
// tensors. Matrix products come out as linalg.matmul (and its transposed
// forms); the target decides later whether they become library calls.
// High-level ops decompose into primitives that already lower
// (Convolution = pad + im2col + matmul, BatchNorm = scale and shift, ...).
//
// Conventions the outliner (Outline.cpp) sets up and the lowerings rely on:
//   - a kernel is a func.func with `mx.kernel`, taking memrefs: the values
//     it reads, then the values it writes;
//   - `mx.train` on an op asks for its training form (BatchNorm batch
//     statistics, Dropout masks);
//   - an operand the op mutates (BatchNorm's moving stats while training)
//     is written back to the kernel argument carrying `mx.mutates = <index
//     of the argument it reads from>`;
//   - random draws use the kernel argument marked `mx.rng`: a
//     memref<2xi64> holding (seed, counter), the counter advanced by the
//     number of draws.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <optional>
#include <string>

namespace mxc::codegen {

/// Op attribute (unit): lower the op in its training form.
inline constexpr llvm::StringLiteral kTrainAttr = "mx.train";
/// Function attribute (dictionary: op, node): the function is a kernel.
inline constexpr llvm::StringLiteral kKernelAttr = "mx.kernel";
/// Kernel argument attribute (i64): this argument receives the new value of
/// the input read through argument <i>.
inline constexpr llvm::StringLiteral kMutatesAttr = "mx.mutates";
/// Kernel argument attribute (unit): the random state.
inline constexpr llvm::StringLiteral kRngAttr = "mx.rng";

/// Why ops could not be lowered, filled by patterns and read by the pass.
using UnsupportedReasons = llvm::DenseMap<mlir::Operation *, std::string>;

void populateElementwiseLowerings(mlir::RewritePatternSet &patterns,
                                  std::shared_ptr<UnsupportedReasons> reasons);
void populateNNLowerings(mlir::RewritePatternSet &patterns,
                         std::shared_ptr<UnsupportedReasons> reasons);
void populateNNGradLowerings(mlir::RewritePatternSet &patterns,
                             std::shared_ptr<UnsupportedReasons> reasons);
void populateNormLowerings(mlir::RewritePatternSet &patterns,
                           std::shared_ptr<UnsupportedReasons> reasons);
void populateShapeLowerings(mlir::RewritePatternSet &patterns,
                            std::shared_ptr<UnsupportedReasons> reasons);

/// Every mx lowering.
void populateMxToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                std::shared_ptr<UnsupportedReasons> reasons);

/// Does some pattern lower this op (by its name, before trying)?
bool hasLowering(mlir::MLIRContext *ctx, llvm::StringRef opName);

/// Does the op behave differently while training (so that the training
/// entry point needs a kernel of its own)?
bool dependsOnTraining(mlir::Operation *op);

/// The kernel argument receiving the new value of operand `operand` of
/// `op` (see `mx.mutates`), or null.
mlir::Value getMutatedBuffer(mlir::Operation *op, unsigned operand);
/// The kernel's random state argument (`mx.rng`), or null.
mlir::Value getRngBuffer(mlir::Operation *op);

} // namespace mxc::codegen
