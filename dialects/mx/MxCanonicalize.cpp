//===- MxCanonicalize.cpp - canonicalization patterns of the mx dialect ---===//
//
// Registered through the dialect (MxDialect::getCanonicalizationPatterns),
// so op defs need no hasCanonicalizer lets and `--canonicalize` picks them
// up. The obvious cases only:
//   _copy / identity                    -> its input
//   _mul_scalar 1, _div_scalar 1,
//   _plus_scalar 0, _minus_scalar 0     -> the input (x + 0 turns -0.0 into
//                                          +0.0 in IEEE; a graph compiler
//                                          may ignore that, as MXNet's own
//                                          graph passes do)
//   Reshape to the input's own shape    -> the input
//   Reshape of Reshape                  -> one Reshape of the first input
//   transpose of transpose              -> one transpose (none if identity)
// An op is only replaced by a value of exactly its type, so no user sees a
// type change; the surviving op keeps the outer node's name (location).
//
//===----------------------------------------------------------------------===//
#include "mx/MxOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::mx;

namespace {

/// Replaces `op` by `value` when the types agree exactly.
LogicalResult replaceWith(PatternRewriter &rewriter, Operation *op, Value value) {
  if (value.getType() != op->getResult(0).getType())
    return rewriter.notifyMatchFailure(op, "replacement would change the result type");
  rewriter.replaceOp(op, value);
  return success();
}

struct ForwardCopy : OpRewritePattern<CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CopyOp op, PatternRewriter &rewriter) const override {
    return replaceWith(rewriter, op, op.getData());
  }
};

/// data (op) scalar where the scalar is the operation's identity element.
template <class ScalarOp> struct DropNeutralScalar : OpRewritePattern<ScalarOp> {
  DropNeutralScalar(MLIRContext *ctx, double neutral)
      : OpRewritePattern<ScalarOp>(ctx), neutral(neutral) {}
  LogicalResult matchAndRewrite(ScalarOp op, PatternRewriter &rewriter) const override {
    if (op.getScalar().convertToDouble() != neutral)
      return rewriter.notifyMatchFailure(op, "scalar is not the identity element");
    return replaceWith(rewriter, op, op.getData());
  }
  double neutral;
};

/// Does `shape` say the same without MXNet's special values (0 copies a dim,
/// -2..-4 rearrange dims)? Positive extents and at most one -1 mean the
/// same whatever the input's shape was.
bool isPlainShape(ArrayRef<int64_t> shape) {
  return llvm::all_of(shape, [](int64_t d) { return d > 0 || d == -1; }) &&
         llvm::count(shape, -1) <= 1;
}

struct FoldReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    // To its own shape: nothing to do.
    if (resultType && resultType.hasStaticShape() && op.getData().getType() == resultType)
      return replaceWith(rewriter, op, op.getData());
    auto inner = op.getData().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a Reshape");
    // The outer reshape's attributes still mean the same on the first input
    // if they use no special values; otherwise spell out a known result.
    NamedAttrList attrs(op->getAttrDictionary());
    if (!op.getTargetShape().empty() || !isPlainShape(op.getShape())) {
      if (!resultType || !resultType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "special shape values and an unknown result");
      attrs.set(op.getShapeAttrName(), rewriter.getDenseI64ArrayAttr(resultType.getShape()));
      attrs.erase(op.getTargetShapeAttrName());
      attrs.erase(op.getReverseAttrName());
      attrs.erase(op.getKeepHighestAttrName());
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), inner.getData(), attrs.getAttrs());
    return success();
  }
};

struct FoldTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  /// The permutation `axes` of a rank-`rank` input; empty axes reverse.
  static SmallVector<int64_t> permutation(ArrayRef<int64_t> axes, int64_t rank) {
    if (!axes.empty())
      return SmallVector<int64_t>(axes);
    SmallVector<int64_t> reversed;
    for (int64_t i = rank - 1; i >= 0; --i)
      reversed.push_back(i);
    return reversed;
  }

  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getData().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    int64_t rank = !op.getAxes().empty()      ? int64_t(op.getAxes().size())
                   : !inner.getAxes().empty() ? int64_t(inner.getAxes().size())
                   : isa<RankedTensorType>(inner.getData().getType())
                       ? cast<RankedTensorType>(inner.getData().getType()).getRank()
                       : -1;
    if (rank < 0)
      return rewriter.notifyMatchFailure(op, "unknown rank");
    SmallVector<int64_t> first = permutation(inner.getAxes(), rank);
    SmallVector<int64_t> second = permutation(op.getAxes(), rank);
    if (int64_t(first.size()) != rank || int64_t(second.size()) != rank)
      return rewriter.notifyMatchFailure(op, "axes do not match the rank");
    // Output axis i of the outer transpose is its input's axis second[i],
    // which is the original axis first[second[i]].
    SmallVector<int64_t> composed;
    for (int64_t axis : second) {
      if (axis < 0 || axis >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      composed.push_back(first[axis]);
    }
    bool identity = llvm::all_of(llvm::enumerate(composed),
                                 [](auto p) { return int64_t(p.index()) == p.value(); });
    if (identity)
      return replaceWith(rewriter, op, inner.getData());
    NamedAttrList attrs(op->getAttrDictionary());
    attrs.set(op.getAxesAttrName(), rewriter.getDenseI64ArrayAttr(composed));
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), inner.getData(), attrs.getAttrs());
    return success();
  }
};

} // namespace

void MxDialect::getCanonicalizationPatterns(RewritePatternSet &results) const {
  MLIRContext *ctx = getContext();
  results.add<ForwardCopy, FoldReshape, FoldTranspose>(ctx);
  results.add<DropNeutralScalar<MulScalarOp>>(ctx, 1.0);
  results.add<DropNeutralScalar<DivScalarOp>>(ctx, 1.0);
  results.add<DropNeutralScalar<PlusScalarOp>>(ctx, 0.0);
  results.add<DropNeutralScalar<MinusScalarOp>>(ctx, 0.0);
}
