//===- LoweringUtils.h - building blocks of the mx -> linalg lowerings -*- C++ -*-===//
//
// What the lowering patterns share: static-shape tensor helpers, typed
// constants and casts, elementwise linalg.generic with NumPy broadcasting,
// reductions, reshapes, and the base class that lets a pattern say why it
// cannot lower a configuration (the pass reports it naming op and node).
//
// Kernels are compiled for static shapes: every tensor here is a ranked,
// static tensor of a builtin element type (the outliner checks that).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/Lowering.h"
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <string>

namespace mxc::codegen {

using mlir::Location;
using mlir::OpBuilder;
using mlir::RankedTensorType;
using mlir::Type;
using mlir::Value;
using mlir::ValueRange;

/// Base of every mx lowering: `lower` gets the op's runtime attributes
/// (defaults filled in, as the runtime's kernels see them) and may decline
/// with a reason.
template <class OpTy> struct MxLowering : mlir::OpRewritePattern<OpTy> {
  MxLowering(mlir::MLIRContext *ctx, std::shared_ptr<UnsupportedReasons> reasons)
      : mlir::OpRewritePattern<OpTy>(ctx), reasons(std::move(reasons)) {}

  mlir::LogicalResult matchAndRewrite(OpTy op, mlir::PatternRewriter &rewriter) const final {
    mlir::FailureOr<mxrt::Attrs> attrs = mlir::mx::getRuntimeAttrs(op);
    if (mlir::failed(attrs))
      return mlir::failure();
    return lower(op, *attrs, rewriter);
  }

  /// Rewrites `op` (attributes in `attrs`), or declines.
  virtual mlir::LogicalResult lower(OpTy op, const mxrt::Attrs &attrs,
                                    mlir::PatternRewriter &rewriter) const = 0;

  /// Records why `op` stays as it is; the pass turns it into an error.
  mlir::LogicalResult unsupported(mlir::Operation *op, const llvm::Twine &why) const {
    if (reasons)
      (*reasons)[op] = why.str();
    return mlir::failure();
  }

  std::shared_ptr<UnsupportedReasons> reasons;
};

//===--- Types and constants ---------------------------------------------===//

RankedTensorType tensorType(Value v);
bool isFloatType(Type t);
/// A constant of element type `t` (float or integer; i1 is v != 0).
Value constant(OpBuilder &b, Location loc, Type t, double v);
/// The float type computations on `t` use: t itself for floats, f32 for
/// 8/16-bit integers, f64 for wider ones (as MXNet's math on integers).
Type computeFloatType(Type t);
/// Converts a scalar between element types (float, signed integers, i1).
Value castScalar(OpBuilder &b, Location loc, Value v, Type to, bool srcUnsigned = false);
/// -inf (floats) or the smallest integer.
Value lowestValue(OpBuilder &b, Location loc, Type t);

//===--- Tensors ---------------------------------------------------------===//

Value emptyTensor(OpBuilder &b, Location loc, llvm::ArrayRef<int64_t> shape, Type elementType);
Value filledTensor(OpBuilder &b, Location loc, llvm::ArrayRef<int64_t> shape, Type elementType,
                   double value);
/// The same elements under another static shape of equal size (collapse to
/// 1-D, then expand: tensor reshapes that bufferize to views).
Value reshapeTo(OpBuilder &b, Location loc, Value v, llvm::ArrayRef<int64_t> shape);

/// The indexing map of an operand of shape `in` broadcast to `out` (NumPy:
/// aligned on the right; extents of 1 against larger ones are broadcast).
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> in,
                             llvm::ArrayRef<int64_t> out);

using BodyFn = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// out[i] = body(inputs[..][i]) over outShape, inputs broadcast to it.
Value buildElementwise(OpBuilder &b, Location loc, llvm::ArrayRef<int64_t> outShape,
                       Type outElementType, ValueRange inputs, BodyFn body);
/// The same, with explicit indexing maps for the inputs (the output's map
/// is the identity) and every loop parallel.
Value buildMapped(OpBuilder &b, Location loc, llvm::ArrayRef<int64_t> outShape, Type outElementType,
                  ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> inputMaps, BodyFn body);

/// Reduces `input` over the dims in `reduced` (its other dims, in order,
/// make the result's shape): acc = combine(acc, x), starting from `init`.
/// `body` gets (x, acc).
Value buildReduction(OpBuilder &b, Location loc, Value input, llvm::ArrayRef<bool> reduced,
                     Type accType, Value init, BodyFn body);

/// Pads dims of `v` (low/high per dim) with `padValue`.
Value padTensor(OpBuilder &b, Location loc, Value v, llvm::ArrayRef<int64_t> low,
                llvm::ArrayRef<int64_t> high, Value padValue);

/// The matrix product C = A B (A: MxK, B: KxN) or A B^T (B: NxK) into a
/// zero-filled result, as linalg.matmul / linalg.matmul_transpose_b: the
/// target later decides library call or generated code.
/// `init` (MxN) is accumulated into when given (a broadcast bias).
Value buildMatmul(OpBuilder &b, Location loc, Value A, Value B, bool transposeB,
                  Value init = nullptr);

//===--- Windows (convolution, pooling) ----------------------------------===//

/// A spatial attribute (stride, dilate, pad) with MXNet's default for an
/// empty tuple.
llvm::SmallVector<int64_t> spatialAttr(const mxrt::Attrs &attrs, std::string_view name, size_t rank,
                                       int64_t dflt);
/// MXNet's channel-first layouts (NCW, NCHW, NCDHW, or none given).
bool channelFirstLayout(const mxrt::Attrs &attrs);

/// A pooling window of `data` (N, C, *S): `global_pool` covers each whole
/// feature map (stride 1, no padding).
struct PoolWindow {
  llvm::SmallVector<int64_t> kernel, stride, pad;
};
PoolWindow poolWindow(const mxrt::Attrs &attrs, RankedTensorType data);
/// Why Pooling (and its gradient) cannot lower this configuration of data,
/// or "" when it can.
std::string poolingUnsupported(const mxrt::Attrs &attrs, RankedTensorType data);

/// A convolution's window, per spatial dim, and its group count.
struct ConvWindow {
  llvm::SmallVector<int64_t> kernel, stride, dilate, pad;
  int64_t groups = 1;
};

/// Convolution of `data` (N, C, *S, channel-first) with `weight` (F, C/G,
/// *k) into `out`'s shape, plus `bias` (F) if given: pad, an im2col gather
/// (`o * stride + k * dilate`), then one linalg.matmul per image and group
/// (scf.for over tensor slices) accumulating onto the bias. A 1x1 window
/// with unit stride and no padding reads the data as the column matrix.
Value buildConvolution(OpBuilder &b, Location loc, Value data, Value weight, Value bias,
                       const ConvWindow &window, RankedTensorType out);

/// Whether a convolution of `data` with this window lowers through
/// buildConvolutionCall (float32/float64, 1 or 2 spatial dims).
bool convIsLibraryCall(RankedTensorType data, const ConvWindow &window);

/// init + the convolution of `data` (N, C, *S) with `weight` (F, C/G, *k),
/// or with `transposed` the transposed convolution (weight (C, F/G, *k)),
/// into init's shape: a linalg.generic the CPU target turns into a libmxrt
/// call (LowerConvCall.cpp).
Value buildConvolutionCall(OpBuilder &b, Location loc, Value data, Value weight, Value init,
                           const ConvWindow &window, bool transposed);

/// One matrix product per image n and group g on tensor slices (scf.for):
/// acc[n, g] += A[g] B[n, g], or A[g]^T B[n, g] with transposeA. A: (G, M,
/// K) or (G, K, M); B: (N, G, K, O); acc: (N, G, M, O).
Value buildGroupedMatmuls(OpBuilder &b, Location loc, Value A, Value B, Value acc, bool transposeA);

/// Normalizes a possibly negative axis; -1 when out of range.
int64_t normalizeAxis(int64_t axis, int64_t rank);

} // namespace mxc::codegen
