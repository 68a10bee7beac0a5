//===- LowerShape.cpp - shape, layout, init and reduction ops -> linalg ---===//
//
// Reshapes of every kind (Reshape, Flatten, expand_dims, squeeze,
// reshape_like) take their target from the inferred result type, so one
// template covers them; transposes are linalg.transpose; joining and
// splitting are tensor slices; init ops are fills; reductions are
// linalg.generic reductions whose result is reshaped for keepdims.
//
//===----------------------------------------------------------------------===//
#include "codegen/Lowering.h"
#include "codegen/LoweringUtils.h"
#include "mx/MxOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <numeric>

using namespace mlir;
using namespace mxc::codegen;
namespace mx = mlir::mx;

namespace {

/// The result has the input's elements in another shape.
template <class MxOp> struct ReshapeLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    RankedTensorType out = tensorType(op->getResult(0));
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), op->getOperand(0), out.getShape()));
    return success();
  }
};

/// Broadcasts of the input to the result's shape (broadcast_to/like/axis).
template <class MxOp> struct BroadcastLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    RankedTensorType out = tensorType(op->getResult(0));
    rewriter.replaceOp(op,
                       buildElementwise(rewriter, op.getLoc(), out.getShape(), out.getElementType(),
                                        ValueRange{op->getOperand(0)},
                                        [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    return success();
  }
};

/// transpose (axes, default reversed) and SwapAxis (dim1, dim2).
template <class MxOp> struct TransposeLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    RankedTensorType in = tensorType(op->getOperand(0)), out = tensorType(op->getResult(0));
    int64_t rank = in.getRank();
    SmallVector<int64_t> perm(rank);
    std::iota(perm.begin(), perm.end(), 0);
    if constexpr (std::is_same_v<MxOp, mx::SwapAxisOp>) {
      int64_t a = normalizeAxis(attrs.getInt("dim1"), rank);
      int64_t b = normalizeAxis(attrs.getInt("dim2"), rank);
      if (a < 0 || b < 0)
        return this->unsupported(op, "an axis out of range");
      std::swap(perm[a], perm[b]);
    } else {
      const std::vector<int64_t> &axes = attrs.getShape("axes");
      if (axes.empty()) {
        std::reverse(perm.begin(), perm.end());
      } else {
        for (int64_t i = 0; i < rank; ++i)
          perm[i] = normalizeAxis(axes[i], rank);
      }
    }
    Value init = emptyTensor(rewriter, op.getLoc(), out.getShape(), out.getElementType());
    rewriter.replaceOp(
        op, rewriter.create<linalg::TransposeOp>(op.getLoc(), op->getOperand(0), init, perm)
                .getResult()[0]);
    return success();
  }
};

/// Inserts `parts` one after another along `axis` of `into`.
Value concatAlong(OpBuilder &b, Location loc, ValueRange parts, int64_t axis, Value into) {
  int64_t offset = 0;
  for (Value part : parts) {
    RankedTensorType t = tensorType(part);
    SmallVector<OpFoldResult> offs, sizes, strides;
    for (int64_t i = 0; i < t.getRank(); ++i) {
      offs.push_back(b.getIndexAttr(i == axis ? offset : 0));
      sizes.push_back(b.getIndexAttr(t.getDimSize(i)));
      strides.push_back(b.getIndexAttr(1));
    }
    into = b.create<tensor::InsertSliceOp>(loc, part, into, offs, sizes, strides);
    offset += t.getDimSize(axis);
  }
  return into;
}

/// Concat along `dim`.
struct ConcatLowering : MxLowering<mx::ConcatOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::ConcatOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    RankedTensorType out = tensorType(op->getResult(0));
    int64_t axis = normalizeAxis(attrs.getInt("dim"), out.getRank());
    if (axis < 0)
      return unsupported(op, "an axis out of range");
    Value init = emptyTensor(rewriter, op.getLoc(), out.getShape(), out.getElementType());
    rewriter.replaceOp(op, concatAlong(rewriter, op.getLoc(), op->getOperands(), axis, init));
    return success();
  }
};

/// stack: each input gets a new unit axis, then they are concatenated.
struct StackLowering : MxLowering<mx::StackOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::StackOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    RankedTensorType out = tensorType(op->getResult(0));
    int64_t axis = normalizeAxis(attrs.getInt("axis"), out.getRank());
    if (axis < 0)
      return unsupported(op, "an axis out of range");
    SmallVector<Value> parts;
    for (Value in : op->getOperands()) {
      SmallVector<int64_t> shape(tensorType(in).getShape());
      shape.insert(shape.begin() + axis, 1);
      parts.push_back(reshapeTo(rewriter, op.getLoc(), in, shape));
    }
    Value init = emptyTensor(rewriter, op.getLoc(), out.getShape(), out.getElementType());
    rewriter.replaceOp(op, concatAlong(rewriter, op.getLoc(), parts, axis, init));
    return success();
  }
};

/// A static slice [begin, begin + step * size) by `step` along each axis.
Value sliceOf(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> begin, ArrayRef<int64_t> sizes,
              ArrayRef<int64_t> steps) {
  RankedTensorType t = tensorType(v);
  SmallVector<OpFoldResult> o, s, st;
  for (int64_t i = 0; i < t.getRank(); ++i) {
    o.push_back(b.getIndexAttr(begin[i]));
    s.push_back(b.getIndexAttr(sizes[i]));
    st.push_back(b.getIndexAttr(steps[i]));
  }
  auto type = RankedTensorType::get(sizes, t.getElementType());
  return b.create<tensor::ExtractSliceOp>(loc, type, v, o, s, st);
}

/// SliceChannel / split: equal parts along `axis`, squeezed if asked.
struct SliceChannelLowering : MxLowering<mx::SliceChannelOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::SliceChannelOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Value in = op->getOperand(0);
    RankedTensorType t = tensorType(in);
    int64_t axis = normalizeAxis(attrs.getInt("axis"), t.getRank());
    if (axis < 0)
      return unsupported(op, "an axis out of range");
    int64_t parts = int64_t(op->getNumResults());
    int64_t step = t.getDimSize(axis) / parts;
    SmallVector<Value> results;
    for (int64_t p = 0; p < parts; ++p) {
      SmallVector<int64_t> begin(t.getRank(), 0), sizes(t.getShape()), steps(t.getRank(), 1);
      begin[axis] = p * step;
      sizes[axis] = step;
      Value s = sliceOf(rewriter, op.getLoc(), in, begin, sizes, steps);
      results.push_back(
          reshapeTo(rewriter, op.getLoc(), s, tensorType(op->getResult(p)).getShape()));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// slice_axis: [begin, end) of one axis.
struct SliceAxisLowering : MxLowering<mx::SliceAxisOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::SliceAxisOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Value in = op->getOperand(0);
    RankedTensorType t = tensorType(in), out = tensorType(op->getResult(0));
    int64_t axis = normalizeAxis(attrs.getInt("axis"), t.getRank());
    if (axis < 0)
      return unsupported(op, "an axis out of range");
    int64_t begin = attrs.getInt("begin");
    if (begin < 0)
      begin += t.getDimSize(axis);
    SmallVector<int64_t> b(t.getRank(), 0), steps(t.getRank(), 1);
    b[axis] = begin;
    rewriter.replaceOp(op, sliceOf(rewriter, op.getLoc(), in, b, out.getShape(), steps));
    return success();
  }
};

/// The first element and the step along each axis of `t` that slice's
/// begin/step attributes select (None entries: MXNet's defaults); failure
/// for a negative step.
LogicalResult sliceStarts(RankedTensorType t, const mxrt::Attrs &attrs, SmallVector<int64_t> &b,
                          SmallVector<int64_t> &steps) {
  const std::vector<int64_t> &begin = attrs.getShape("begin");
  const std::vector<int64_t> &step = attrs.getShape("step");
  b.assign(t.getRank(), 0);
  steps.assign(t.getRank(), 1);
  for (int64_t i = 0; i < t.getRank(); ++i) {
    int64_t s = i < int64_t(step.size()) && step[i] != mxrt::kNoneIndex ? step[i] : 1;
    if (s < 0)
      return failure();
    steps[i] = s;
    if (i < int64_t(begin.size()) && begin[i] != mxrt::kNoneIndex)
      b[i] = begin[i] < 0 ? begin[i] + t.getDimSize(i) : begin[i];
  }
  return success();
}

/// slice with begin/end/step (None entries: MXNet's defaults).
struct SliceLowering : MxLowering<mx::SliceOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::SliceOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Value in = op->getOperand(0);
    RankedTensorType t = tensorType(in), out = tensorType(op->getResult(0));
    SmallVector<int64_t> b, steps;
    if (failed(sliceStarts(t, attrs, b, steps)))
      return unsupported(op, "a negative step");
    rewriter.replaceOp(op, sliceOf(rewriter, op.getLoc(), in, b, out.getShape(), steps));
    return success();
  }
};

/// _slice_assign (slice's gradient): lhs with the slice that begin/end/step
/// select replaced by rhs, whose shape is the slice's.
struct SliceAssignLowering : MxLowering<mx::SliceAssignOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::SliceAssignOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    RankedTensorType t = tensorType(lhs);
    SmallVector<int64_t> b, steps;
    if (failed(sliceStarts(t, attrs, b, steps)))
      return unsupported(op, "a negative step");
    SmallVector<OpFoldResult> o, s, st;
    for (int64_t i = 0; i < t.getRank(); ++i) {
      o.push_back(rewriter.getIndexAttr(b[i]));
      s.push_back(rewriter.getIndexAttr(tensorType(rhs).getDimSize(i)));
      st.push_back(rewriter.getIndexAttr(steps[i]));
    }
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(op, rhs, lhs, o, s, st);
    return success();
  }
};

/// Fills of the result type: _zeros, _ones, zeros_like, ones_like, and
/// _full (Fill < 0: the `value` attribute).
template <class MxOp, int Fill> struct FillLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    RankedTensorType out = tensorType(op->getResult(0));
    if (out.getElementType().isUnsignedInteger())
      return this->unsupported(op, "an unsigned dtype");
    double value = Fill < 0 ? attrs.getFloat("value") : double(Fill);
    rewriter.replaceOp(
        op, filledTensor(rewriter, op.getLoc(), out.getShape(), out.getElementType(), value));
    return success();
  }
};

/// Pad, constant mode.
struct PadLowering : MxLowering<mx::PadOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::PadOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    if (attrs.getStr("mode") != "constant")
      return unsupported(op, "mode '" + attrs.getStr("mode") + "' (only 'constant')");
    const std::vector<int64_t> &w = attrs.getShape("pad_width");
    SmallVector<int64_t> low, high;
    for (size_t i = 0; i + 1 < w.size(); i += 2) {
      low.push_back(w[i]);
      high.push_back(w[i + 1]);
    }
    Type elem = tensorType(op->getResult(0)).getElementType();
    Value c = constant(rewriter, op.getLoc(), elem, attrs.getFloat("constant_value"));
    rewriter.replaceOp(op, padTensor(rewriter, op.getLoc(), op->getOperand(0), low, high, c));
    return success();
  }
};

enum class Reduce { Sum, Mean, Prod, Max, Min };

/// sum, mean, prod, max, min over `axis` (none: all; exclude inverts).
template <class MxOp, Reduce R> struct ReduceLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value in = op->getOperand(0);
    RankedTensorType t = tensorType(in), out = tensorType(op->getResult(0));
    Type elem = t.getElementType();
    if (elem != out.getElementType() || elem.isUnsignedInteger())
      return this->unsupported(op, "an unsigned dtype or a dtype change");
    bool fp = isa<FloatType>(elem);
    int64_t rank = t.getRank();
    SmallVector<bool> reduced(rank, !attrs.isNone("axis") ? false : true);
    if (!attrs.isNone("axis")) {
      const std::vector<int64_t> &axes = attrs.getShape("axis");
      for (int64_t a : axes) {
        int64_t n = normalizeAxis(a, rank);
        if (n < 0)
          return this->unsupported(op, "an axis out of range");
        reduced[n] = true;
      }
      if (attrs.getBool("exclude"))
        for (auto &&r : reduced)
          r = !r;
      if (axes.empty() && !attrs.getBool("exclude"))
        reduced.assign(rank, true);
    }
    int64_t count = 1;
    for (int64_t i = 0; i < rank; ++i)
      if (reduced[i])
        count *= t.getDimSize(i);
    Value init;
    switch (R) {
    case Reduce::Sum:
    case Reduce::Mean:
      init = constant(rewriter, loc, elem, 0);
      break;
    case Reduce::Prod:
      init = constant(rewriter, loc, elem, 1);
      break;
    case Reduce::Max:
      init = lowestValue(rewriter, loc, elem);
      break;
    case Reduce::Min:
      if (fp) {
        init = constant(rewriter, loc, elem, std::numeric_limits<double>::infinity());
      } else {
        unsigned w = elem.getIntOrFloatBitWidth();
        init = rewriter.create<arith::ConstantOp>(
            loc, elem, rewriter.getIntegerAttr(elem, APInt::getSignedMaxValue(w)));
      }
      break;
    }
    Value r = buildReduction(rewriter, loc, in, reduced, elem, init,
                             [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                               switch (R) {
                               case Reduce::Sum:
                               case Reduce::Mean:
                                 return fp ? Value(b.create<arith::AddFOp>(l, a[0], a[1]))
                                           : Value(b.create<arith::AddIOp>(l, a[0], a[1]));
                               case Reduce::Prod:
                                 return fp ? Value(b.create<arith::MulFOp>(l, a[0], a[1]))
                                           : Value(b.create<arith::MulIOp>(l, a[0], a[1]));
                               case Reduce::Max:
                                 return fp ? Value(b.create<arith::MaximumFOp>(l, a[0], a[1]))
                                           : Value(b.create<arith::MaxSIOp>(l, a[0], a[1]));
                               case Reduce::Min:
                                 return fp ? Value(b.create<arith::MinimumFOp>(l, a[0], a[1]))
                                           : Value(b.create<arith::MinSIOp>(l, a[0], a[1]));
                               }
                               return a[0];
                             });
    if (R == Reduce::Mean) {
      if (!fp)
        return this->unsupported(op, "mean of an integer dtype");
      r = buildElementwise(rewriter, loc, tensorType(r).getShape(), elem, ValueRange{r},
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return b.create<arith::DivFOp>(l, a[0],
                                                            constant(b, l, elem, double(count)));
                           });
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, r, out.getShape()));
    return success();
  }
};

} // namespace

void mxc::codegen::populateShapeLowerings(RewritePatternSet &patterns,
                                          std::shared_ptr<UnsupportedReasons> reasons) {
  patterns.add<ReshapeLowering<mx::ReshapeOp>, ReshapeLowering<mx::FlattenOp>,
               ReshapeLowering<mx::ExpandDimsOp>, ReshapeLowering<mx::SqueezeOp>,
               ReshapeLowering<mx::ReshapeLikeOp>, BroadcastLowering<mx::BroadcastToOp>,
               BroadcastLowering<mx::BroadcastLikeOp>, BroadcastLowering<mx::BroadcastAxisOp>,
               TransposeLowering<mx::TransposeOp>, TransposeLowering<mx::SwapAxisOp>,
               ConcatLowering, StackLowering, SliceChannelLowering, SliceAxisLowering,
               SliceLowering, SliceAssignLowering, FillLowering<mx::ZerosOp, 0>,
               FillLowering<mx::OnesOp, 1>, FillLowering<mx::FullOp, -1>,
               FillLowering<mx::ZerosWithoutDTypeOp, 0>, FillLowering<mx::ZerosLikeOp, 0>,
               FillLowering<mx::OnesLikeOp, 1>, PadLowering, ReduceLowering<mx::SumOp, Reduce::Sum>,
               ReduceLowering<mx::MeanOp, Reduce::Mean>, ReduceLowering<mx::ProdOp, Reduce::Prod>,
               ReduceLowering<mx::MaxOp, Reduce::Max>, ReduceLowering<mx::MinOp, Reduce::Min>>(
      patterns.getContext(), reasons);
}
