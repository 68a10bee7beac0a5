//===- MathApprox.cpp - the mxc-math-approx pass --------------------------===//
//
// math.exp, math.tanh, math.erf, ... as polynomial approximations (MLIR's
// f32 approximations, vectorizable, no libm calls); math.tan, sinh, cosh,
// ... expanded into ops that have them. f64 math and whatever has no
// approximation stays for math-to-llvm (intrinsics) and math-to-libm.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mxc::codegen {
#define GEN_PASS_DEF_MXCMATHAPPROX
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;

namespace {
struct MathApproxPass : mxc::codegen::impl::MxcMathApproxBase<MathApproxPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateExpandTanPattern(patterns);
    populateExpandSinhPattern(patterns);
    populateExpandCoshPattern(patterns);
    populateExpandAsinhPattern(patterns);
    populateExpandAcoshPattern(patterns);
    populateExpandAtanhPattern(patterns);
    populateExpandExp2FPattern(patterns);
    populateMathAlgebraicSimplificationPatterns(patterns);
    populateMathPolynomialApproximationPatterns(patterns, {/*enableAvx2=*/false});
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
