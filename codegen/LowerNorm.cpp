//===- LowerNorm.cpp - normalization, softmax and dropout -> linalg -------===//
//
// BatchNorm: in inference a per-channel scale and shift; while training
// (mx.train, unless use_global_stats) two-pass batch statistics, the
// normalized output, and the moving statistics updated in place
// (moving = moving * momentum + batch * (1 - momentum), the biased batch
// variance). As MXNet's, the mean and var outputs hold the mean and
// 1 / sqrt(var + eps), of the batch while training (what the gradient
// reads), of the moving statistics in inference. LayerNorm normalizes along one axis. Softmax and
// its relatives reduce max and sum along an axis. Dropout is the identity
// in inference; while training it draws a counter-based hash of (seed,
// counter + index) per element from the kernel's random state.
//
//===----------------------------------------------------------------------===//
#include "codegen/Lowering.h"
#include "codegen/LoweringUtils.h"
#include "mx/MxOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mxc::codegen;
namespace mx = mlir::mx;

namespace {

/// A map from a rank-`rank` iteration space to one of its dims.
AffineMap dimMap(MLIRContext *ctx, unsigned rank, unsigned dim) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(dim, ctx)}, ctx);
}

/// A map dropping dim `axis` (for per-row statistics of a reduction).
AffineMap dropDimMap(MLIRContext *ctx, unsigned rank, unsigned axis) {
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0; i < rank; ++i)
    if (i != axis)
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Writes `value` into the kernel argument `buffer` (a memref).
void writeBack(OpBuilder &b, Location loc, Value value, Value buffer) {
  auto m = b.create<bufferization::MaterializeInDestinationOp>(loc, TypeRange{}, value, buffer);
  m.setRestrict(true);
  m.setWritable(true);
}

/// softmax(x / t) along `axis` (log: log_softmax; negate: softmin).
Value softmaxAlong(OpBuilder &b, Location loc, Value x, unsigned axis, double temperature, bool log,
                   bool negate) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = tensorType(x);
  Type elem = type.getElementType();
  unsigned rank = unsigned(type.getRank());
  SmallVector<bool> reduced(rank, false);
  reduced[axis] = true;
  double scale = (negate ? -1.0 : 1.0) / temperature;
  auto scaled = [&](OpBuilder &nb, Location l, Value v) -> Value {
    if (scale == 1.0)
      return v;
    return nb.create<arith::MulFOp>(l, v, constant(nb, l, elem, scale));
  };
  Value maxv = buildReduction(b, loc, x, reduced, elem, lowestValue(b, loc, elem),
                              [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                                return nb.create<arith::MaximumFOp>(l, scaled(nb, l, a[0]), a[1]);
                              });
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap row = dropDimMap(ctx, rank, axis);
  // e = exp(s x - max); sum over the axis.
  Value e = buildMapped(b, loc, type.getShape(), elem, ValueRange{x, maxv}, {id, row},
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return nb.create<math::ExpOp>(
                              l, nb.create<arith::SubFOp>(l, scaled(nb, l, a[0]), a[1]));
                        });
  Value sum = buildReduction(b, loc, e, reduced, elem, constant(b, loc, elem, 0),
                             [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                               return nb.create<arith::AddFOp>(l, a[0], a[1]);
                             });
  if (!log)
    return buildMapped(b, loc, type.getShape(), elem, ValueRange{e, sum}, {id, row},
                       [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                         return nb.create<arith::DivFOp>(l, a[0], a[1]);
                       });
  // log_softmax = s x - max - log(sum)
  return buildMapped(b, loc, type.getShape(), elem, ValueRange{x, maxv, sum}, {id, row, row},
                     [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                       Value d = nb.create<arith::SubFOp>(l, scaled(nb, l, a[0]), a[1]);
                       return nb.create<arith::SubFOp>(l, d, nb.create<math::LogOp>(l, a[2]));
                     });
}

/// softmax, log_softmax, softmin.
template <class MxOp, bool Log, bool Negate> struct SoftmaxLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    RankedTensorType in = tensorType(op->getOperand(0)), out = tensorType(op->getResult(0));
    if (!isa<FloatType>(in.getElementType()) || in.getElementType() != out.getElementType())
      return this->unsupported(op, "a non-float dtype or a dtype change");
    if (!attrs.isNone("use_length") && attrs.getBool("use_length"))
      return this->unsupported(op, "use_length=True");
    int64_t axis = normalizeAxis(attrs.getInt("axis"), in.getRank());
    if (axis < 0)
      return this->unsupported(op, "an axis out of range");
    double t = attrs.getOptFloat("temperature").value_or(1.0);
    rewriter.replaceOp(
        op, softmaxAlong(rewriter, op.getLoc(), op->getOperand(0), unsigned(axis), t, Log, Negate));
    return success();
  }
};

/// SoftmaxOutput (forward): softmax over axis 1 of (N, rest) — or over
/// axis 1 of the data with multi_output, or the last axis with
/// preserve_shape. The label only matters for the gradient.
struct SoftmaxOutputLowering : MxLowering<mx::SoftmaxOutputOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::SoftmaxOutputOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getData();
    RankedTensorType type = tensorType(x);
    if (!isa<FloatType>(type.getElementType()))
      return unsupported(op, "a non-float dtype");
    Value r;
    if (attrs.getBool("multi_output")) {
      if (type.getRank() < 2)
        return unsupported(op, "multi_output on data of rank < 2");
      r = softmaxAlong(rewriter, loc, x, 1, 1.0, false, false);
    } else if (attrs.getBool("preserve_shape")) {
      r = softmaxAlong(rewriter, loc, x, unsigned(type.getRank() - 1), 1.0, false, false);
    } else {
      int64_t n = type.getRank() == 0 ? 1 : type.getDimSize(0);
      Value x2 = reshapeTo(rewriter, loc, x, {n, type.getNumElements() / n});
      r = reshapeTo(rewriter, loc, softmaxAlong(rewriter, loc, x2, 1, 1.0, false, false),
                    type.getShape());
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// SoftmaxActivation: 'instance' along the last axis, 'channel' along axis 1.
struct SoftmaxActivationLowering : MxLowering<mx::SoftmaxActivationOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::SoftmaxActivationOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op->getOperand(0);
    RankedTensorType type = tensorType(x);
    if (!isa<FloatType>(type.getElementType()) || type.getRank() < 2)
      return unsupported(op, "a non-float dtype or rank < 2");
    // MXNet flattens to 2-D keeping the last axis (mshadow's FlatTo2D), so
    // 'instance' is the softmax along the last axis.
    unsigned axis = attrs.getStr("mode") == "channel" ? 1u : unsigned(type.getRank() - 1);
    rewriter.replaceOp(op, softmaxAlong(rewriter, loc, x, axis, 1.0, false, false));
    return success();
  }
};

/// BatchNorm along `axis` (see the file comment).
struct BatchNormLowering : MxLowering<mx::BatchNormOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::BatchNormOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType xt = tensorType(op.getData());
    Type elem = xt.getElementType();
    if (!isa<FloatType>(elem) || tensorType(op.getGamma()).getElementType() != elem)
      return unsupported(op, "a non-float dtype, or parameters of another dtype than the data");
    unsigned rank = unsigned(xt.getRank());
    int64_t axis = normalizeAxis(attrs.getInt("axis"), xt.getRank());
    if (axis < 0)
      return unsupported(op, "an axis out of range");
    int64_t C = xt.getDimSize(axis);
    double eps = attrs.getFloat("eps"), momentum = attrs.getFloat("momentum");
    bool fixGamma = attrs.getBool("fix_gamma");
    bool batchStats = op->hasAttr(kTrainAttr) && !attrs.getBool("use_global_stats");
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap chan = dimMap(ctx, rank, unsigned(axis));
    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    auto C_ = [&](OpBuilder &b, Location l, double v) { return constant(b, l, elem, v); };

    Value mean = op.getMovingMean(), var = op.getMovingVar();
    if (batchStats) {
      SmallVector<bool> reduced(rank, true);
      reduced[axis] = false;
      double inv = 1.0 / double(xt.getNumElements() / C);
      Value sum = buildReduction(rewriter, loc, op.getData(), reduced, elem, C_(rewriter, loc, 0),
                                 [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   return b.create<arith::AddFOp>(l, a[0], a[1]);
                                 });
      mean = buildElementwise(rewriter, loc, {C}, elem, ValueRange{sum},
                              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                return b.create<arith::MulFOp>(l, a[0], C_(b, l, inv));
                              });
      // Two-pass variance: sum((x - mean)^2) / m.
      Value centered =
          buildMapped(rewriter, loc, xt.getShape(), elem, ValueRange{op.getData(), mean},
                      {id, chan}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                        Value d = b.create<arith::SubFOp>(l, a[0], a[1]);
                        return b.create<arith::MulFOp>(l, d, d);
                      });
      Value sq = buildReduction(rewriter, loc, centered, reduced, elem, C_(rewriter, loc, 0),
                                [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return b.create<arith::AddFOp>(l, a[0], a[1]);
                                });
      var = buildElementwise(rewriter, loc, {C}, elem, ValueRange{sq},
                             [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                               return b.create<arith::MulFOp>(l, a[0], C_(b, l, inv));
                             });
      // moving = moving * momentum + batch * (1 - momentum), in place.
      for (auto [operand, batch] : {std::pair<unsigned, Value>{3, mean}, {4, var}}) {
        Value buffer = getMutatedBuffer(op, operand);
        if (!buffer)
          return unsupported(op, "training without a buffer for its moving statistics");
        Value moving = op->getOperand(operand);
        Value upd = buildMapped(rewriter, loc, {C}, elem, ValueRange{moving, batch}, {id1, id1},
                                [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  Value m = b.create<arith::MulFOp>(l, a[0], C_(b, l, momentum));
                                  Value n =
                                      b.create<arith::MulFOp>(l, a[1], C_(b, l, 1 - momentum));
                                  return b.create<arith::AddFOp>(l, m, n);
                                });
        writeBack(rewriter, loc, upd, buffer);
      }
    }
    // scale = gamma / sqrt(var + eps); shift = beta - mean * scale.
    Value scale = buildMapped(rewriter, loc, {C}, elem, ValueRange{op.getGamma(), var}, {id1, id1},
                              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                Value g = fixGamma ? C_(b, l, 1) : a[0];
                                Value s = b.create<math::SqrtOp>(
                                    l, b.create<arith::AddFOp>(l, a[1], C_(b, l, eps)));
                                return b.create<arith::DivFOp>(l, g, s);
                              });
    Value shift = buildMapped(
        rewriter, loc, {C}, elem, ValueRange{op.getBeta(), mean, scale}, {id1, id1, id1},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return b.create<arith::SubFOp>(l, a[0], b.create<arith::MulFOp>(l, a[1], a[2]));
        });
    Value y = buildMapped(
        rewriter, loc, xt.getShape(), elem, ValueRange{op.getData(), scale, shift},
        {id, chan, chan}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return b.create<arith::AddFOp>(l, b.create<arith::MulFOp>(l, a[0], a[1]), a[2]);
        });
    // The statistics outputs, as MXNet's: the mean and 1 / sqrt(var + eps)
    // (what the gradient reads), in buffers of their own.
    Value meanOut = buildElementwise(rewriter, loc, {C}, elem, ValueRange{mean},
                                     [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    Value invstd = buildElementwise(
        rewriter, loc, {C}, elem, ValueRange{var}, [&](OpBuilder &b, Location l, ValueRange a) {
          return b.create<arith::DivFOp>(
              l, C_(b, l, 1),
              b.create<math::SqrtOp>(l, b.create<arith::AddFOp>(l, a[0], C_(b, l, eps))));
        });
    rewriter.replaceOp(op, {y, meanOut, invstd});
    return success();
  }
};

/// LayerNorm along `axis`: (x - mean) / sqrt(var + eps) * gamma + beta.
struct LayerNormLowering : MxLowering<mx::LayerNormOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::LayerNormOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType xt = tensorType(op.getData());
    Type elem = xt.getElementType();
    if (!isa<FloatType>(elem))
      return unsupported(op, "a non-float dtype");
    unsigned rank = unsigned(xt.getRank());
    int64_t axis = normalizeAxis(attrs.getInt("axis"), xt.getRank());
    if (axis < 0)
      return unsupported(op, "an axis out of range");
    double eps = attrs.getFloat("eps");
    double inv = 1.0 / double(xt.getDimSize(axis));
    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = dropDimMap(ctx, rank, unsigned(axis));
    AffineMap chan = dimMap(ctx, rank, unsigned(axis));
    auto add = [](OpBuilder &b, Location l, ValueRange a) -> Value {
      return b.create<arith::AddFOp>(l, a[0], a[1]);
    };
    Value zero = constant(rewriter, loc, elem, 0);
    Value sum = buildReduction(rewriter, loc, op.getData(), reduced, elem, zero, add);
    SmallVector<int64_t> rowShape;
    for (unsigned i = 0; i < rank; ++i)
      if (i != axis)
        rowShape.push_back(xt.getDimSize(i));
    Value mean =
        buildElementwise(rewriter, loc, rowShape, elem, ValueRange{sum},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return b.create<arith::MulFOp>(l, a[0], constant(b, l, elem, inv));
                         });
    Value sq = buildMapped(rewriter, loc, xt.getShape(), elem, ValueRange{op.getData(), mean},
                           {id, row}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             Value d = b.create<arith::SubFOp>(l, a[0], a[1]);
                             return b.create<arith::MulFOp>(l, d, d);
                           });
    Value sqsum = buildReduction(rewriter, loc, sq, reduced, elem, zero, add);
    Value rstd =
        buildElementwise(rewriter, loc, rowShape, elem, ValueRange{sqsum},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           Value v = b.create<arith::MulFOp>(l, a[0], constant(b, l, elem, inv));
                           return b.create<math::RsqrtOp>(
                               l, b.create<arith::AddFOp>(l, v, constant(b, l, elem, eps)));
                         });
    Value y = buildMapped(
        rewriter, loc, xt.getShape(), elem,
        ValueRange{op.getData(), mean, rstd, op.getGamma(), op.getBeta()},
        {id, row, row, chan, chan}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value n = b.create<arith::MulFOp>(l, b.create<arith::SubFOp>(l, a[0], a[1]), a[2]);
          return b.create<arith::AddFOp>(l, b.create<arith::MulFOp>(l, n, a[3]), a[4]);
        });
    SmallVector<Value> results{y};
    if (op->getNumResults() == 3) {
      // mean and std with the axis kept as 1.
      SmallVector<int64_t> kept(xt.getShape());
      kept[axis] = 1;
      Value stdv =
          buildElementwise(rewriter, loc, rowShape, elem, ValueRange{rstd},
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return b.create<arith::DivFOp>(l, constant(b, l, elem, 1), a[0]);
                           });
      results.push_back(reshapeTo(rewriter, loc, mean, kept));
      results.push_back(reshapeTo(rewriter, loc, stdv, kept));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// A uniform float in [0, 1) from splitmix64(seed + counter + index).
Value uniformDraw(OpBuilder &b, Location loc, Value base, Value index, Type elem) {
  Type i64 = b.getI64Type();
  auto c = [&](uint64_t v) {
    return b.create<arith::ConstantOp>(loc, i64, b.getIntegerAttr(i64, int64_t(v)));
  };
  Value z = b.create<arith::AddIOp>(loc, base, index);
  z = b.create<arith::AddIOp>(loc, z, c(0x9e3779b97f4a7c15ull));
  z = b.create<arith::MulIOp>(
      loc, b.create<arith::XOrIOp>(loc, z, b.create<arith::ShRUIOp>(loc, z, c(30))),
      c(0xbf58476d1ce4e5b9ull));
  z = b.create<arith::MulIOp>(
      loc, b.create<arith::XOrIOp>(loc, z, b.create<arith::ShRUIOp>(loc, z, c(27))),
      c(0x94d049bb133111ebull));
  z = b.create<arith::XOrIOp>(loc, z, b.create<arith::ShRUIOp>(loc, z, c(31)));
  // The top 24 bits as a float in [0, 1).
  Value bits = b.create<arith::ShRUIOp>(loc, z, c(40));
  Value f = b.create<arith::UIToFPOp>(loc, b.getF32Type(), bits);
  f = b.create<arith::MulFOp>(loc, f, constant(b, loc, b.getF32Type(), 1.0 / 16777216.0));
  return castScalar(b, loc, f, elem);
}

/// Dropout: identity in inference (mode 'training'); otherwise
/// mask = (u >= p) / (1 - p), out = data * mask.
struct DropoutLowering : MxLowering<mx::DropoutOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::DropoutOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType xt = tensorType(op.getData());
    RankedTensorType mt = tensorType(op->getResult(1));
    Type elem = xt.getElementType();
    if (!isa<FloatType>(elem))
      return unsupported(op, "a non-float dtype");
    double p = attrs.getFloat("p");
    bool active = (op->hasAttr(kTrainAttr) || attrs.getStr("mode") == "always") && p > 0;
    if (!active) {
      Value out = buildElementwise(rewriter, loc, xt.getShape(), elem, ValueRange{op.getData()},
                                   [](OpBuilder &, Location, ValueRange a) { return a[0]; });
      Value mask = filledTensor(rewriter, loc, mt.getShape(), mt.getElementType(), 1.0);
      rewriter.replaceOp(op, {out, mask});
      return success();
    }
    if (!attrs.getShape("axes").empty())
      return unsupported(op, "axes (variational dropout) while training");
    Value rng = getRngBuffer(op);
    if (!rng)
      return unsupported(op, "training without a random state");
    Value c0 = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value c1 = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    Value seed = rewriter.create<memref::LoadOp>(loc, rng, ValueRange{c0});
    Value counter = rewriter.create<memref::LoadOp>(loc, rng, ValueRange{c1});
    Value base = rewriter.create<arith::AddIOp>(
        loc,
        rewriter.create<arith::MulIOp>(loc, seed,
                                       constant(rewriter, loc, rewriter.getI64Type(), 1000003.0)),
        counter);
    unsigned rank = unsigned(xt.getRank());
    ArrayRef<int64_t> shape = xt.getShape();
    double keepScale = p >= 1 ? 0.0 : 1.0 / (1.0 - p);
    Value mask = buildElementwise(
        rewriter, loc, mt.getShape(), elem, ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          // The row-major linear index of this element.
          Value lin = b.create<arith::ConstantIndexOp>(l, 0);
          for (unsigned i = 0; i < rank; ++i) {
            lin = b.create<arith::MulIOp>(l, lin, b.create<arith::ConstantIndexOp>(l, shape[i]));
            lin = b.create<arith::AddIOp>(l, lin, b.create<linalg::IndexOp>(l, i));
          }
          Value idx = b.create<arith::IndexCastOp>(l, b.getI64Type(), lin);
          Value u = uniformDraw(b, l, base, idx, elem);
          Value keep =
              b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGE, u, constant(b, l, elem, p));
          return b.create<arith::SelectOp>(l, keep, constant(b, l, elem, keepScale),
                                           constant(b, l, elem, 0));
        });
    Value out = buildElementwise(rewriter, loc, shape, elem, ValueRange{op.getData(), mask},
                                 [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   return b.create<arith::MulFOp>(l, a[0], a[1]);
                                 });
    // The next draw starts after this one's elements.
    Value next = rewriter.create<arith::AddIOp>(
        loc, counter, constant(rewriter, loc, rewriter.getI64Type(), double(xt.getNumElements())));
    rewriter.create<memref::StoreOp>(loc, next, rng, ValueRange{c1});
    rewriter.replaceOp(op, {out, mask});
    return success();
  }
};

} // namespace

void mxc::codegen::populateNormLowerings(RewritePatternSet &patterns,
                                         std::shared_ptr<UnsupportedReasons> reasons) {
  patterns.add<SoftmaxLowering<mx::SoftmaxOp, false, false>,
               SoftmaxLowering<mx::LogSoftmaxOp, true, false>,
               SoftmaxLowering<mx::SoftminOp, false, true>, SoftmaxOutputLowering,
               SoftmaxActivationLowering, BatchNormLowering, LayerNormLowering, DropoutLowering>(
      patterns.getContext(), reasons);
}
