//===- LowerNNGrad.cpp - the layer ops gradients produce -> linalg/scf -----===//
//
// The gradient rules (passes/GradientRulesNN.cpp) express a convolution's
// data gradient as Deconvolution and a pooling's as _backward_Pooling:
//   - Deconvolution (the transposed convolution) is a convolution of the
//     output gradient spread out by the stride (zeros in between), padded by
//     dilate * (kernel - 1) - pad (and adj at the end), with the weight's
//     windows flipped and its two channel axes exchanged per group; it
//     reuses Convolution's im2col + matmul (buildConvolution);
//   - _backward_Pooling scatters each output gradient over its window as
//     MXNet's unpool kernels do (max: to the first element equal to the
//     forward output; avg: divided by the forward divisor; sum: as is): a
//     loop nest (scf.for) over the outputs and their windows, accumulating
//     into the data gradient.
//
//===----------------------------------------------------------------------===//
#include "codegen/Lowering.h"
#include "codegen/LoweringUtils.h"
#include "mx/MxOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mxc::codegen;
namespace mx = mlir::mx;

namespace {

/// Deconvolution: data (N, C, *I), weight (C, F/G, *k), output (N, F, *O)
/// with out[x] = sum over c, k of data[o] w[c, f, k] where x = o * stride -
/// pad + k * dilate. As a convolution (stride 1, dilation d) of
/// V[j] = up[j - L], up = data spread by the stride, L = d (k - 1) - pad,
/// with w'[g F/G + f, c, k'] = w[g C/G + c, f, k - 1 - k'].
struct DeconvolutionLowering : MxLowering<mx::DeconvolutionOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::DeconvolutionOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorType(op.getData());
    if (!isa<FloatType>(xt.getElementType()))
      return unsupported(op, "a non-float dtype");
    if (!channelFirstLayout(attrs))
      return unsupported(op, "layout '" + attrs.getStr("layout") + "' (only NCW/NCHW/NCDHW)");
    const std::vector<int64_t> &target = attrs.getShape("target_shape");
    if (llvm::any_of(target, [](int64_t t) { return t != 0; }))
      return unsupported(op, "target_shape");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType out = tensorType(op.getOutput());
    Type elem = out.getElementType();
    const std::vector<int64_t> &kernel = attrs.getShape("kernel");
    size_t d = kernel.size();
    SmallVector<int64_t> stride = spatialAttr(attrs, "stride", d, 1);
    SmallVector<int64_t> dilate = spatialAttr(attrs, "dilate", d, 1);
    SmallVector<int64_t> pad = spatialAttr(attrs, "pad", d, 0);
    int64_t G = attrs.getInt("num_group");
    int64_t N = xt.getDimSize(0), C = xt.getDimSize(1), F = out.getDimSize(1);
    int64_t Cg = C / G, Fg = F / G;

    // up: the data with stride - 1 zeros between elements.
    Value up = op.getData();
    SmallVector<int64_t> upShape{N, C};
    for (size_t i = 0; i < d; ++i)
      upShape.push_back((xt.getDimSize(2 + i) - 1) * stride[i] + 1);
    if (llvm::any_of(stride, [](int64_t s) { return s != 1; })) {
      Value zeros = filledTensor(rewriter, loc, upShape, elem, 0.0);
      SmallVector<OpFoldResult> offs(2 + d, rewriter.getIndexAttr(0)), sizes, strides;
      for (int64_t e : xt.getShape())
        sizes.push_back(rewriter.getIndexAttr(e));
      strides.assign(2, rewriter.getIndexAttr(1));
      for (int64_t s : stride)
        strides.push_back(rewriter.getIndexAttr(s));
      up = rewriter.create<tensor::InsertSliceOp>(loc, op.getData(), zeros, offs, sizes, strides);
    }
    // V: up shifted by L = d (k - 1) - pad, P = O + d (k - 1) long (padded
    // where L > 0 or at the end, cut where L < 0).
    SmallVector<int64_t> low{0, 0}, high{0, 0}, cut{0, 0}, vShape{N, C};
    bool needCut = false;
    for (size_t i = 0; i < d; ++i) {
      int64_t L = dilate[i] * (kernel[i] - 1) - pad[i];
      int64_t P = out.getDimSize(2 + i) + dilate[i] * (kernel[i] - 1);
      low.push_back(std::max<int64_t>(L, 0));
      high.push_back(std::max<int64_t>(P - L - upShape[2 + i], 0));
      cut.push_back(std::max<int64_t>(-L, 0));
      vShape.push_back(P);
      needCut |= cut.back() != 0 || low.back() + upShape[2 + i] + high.back() != P;
    }
    Value v = padTensor(rewriter, loc, up, low, high, constant(rewriter, loc, elem, 0));
    if (needCut) {
      SmallVector<OpFoldResult> offs, sizes, strides(2 + d, rewriter.getIndexAttr(1));
      for (size_t i = 0; i < 2 + d; ++i) {
        offs.push_back(rewriter.getIndexAttr(cut[i]));
        sizes.push_back(rewriter.getIndexAttr(vShape[i]));
      }
      v = rewriter.create<tensor::ExtractSliceOp>(loc, RankedTensorType::get(vShape, elem), v, offs,
                                                  sizes, strides);
    }
    // w' (G, F/G, C/G, k'..) from w viewed as (G, C/G, F/G, k..).
    SmallVector<int64_t> wView{G, Cg, Fg}, wtShape{G, Fg, Cg};
    wView.append(kernel.begin(), kernel.end());
    wtShape.append(kernel.begin(), kernel.end());
    Value w5 = reshapeTo(rewriter, loc, op.getWeight(), wView);
    unsigned loops = unsigned(3 + d);
    SmallVector<AffineExpr> exprs{getAffineDimExpr(0, ctx), getAffineDimExpr(2, ctx),
                                  getAffineDimExpr(1, ctx)};
    for (size_t i = 0; i < d; ++i)
      exprs.push_back(kernel[i] - 1 - getAffineDimExpr(unsigned(3 + i), ctx));
    Value wt = buildMapped(rewriter, loc, wtShape, elem, ValueRange{w5},
                           {AffineMap::get(loops, 0, exprs, ctx)},
                           [](OpBuilder &, Location, ValueRange xs) { return xs[0]; });
    SmallVector<int64_t> convW{F, Cg};
    convW.append(kernel.begin(), kernel.end());
    wt = reshapeTo(rewriter, loc, wt, convW);

    ConvWindow w;
    w.kernel.assign(kernel.begin(), kernel.end());
    w.stride.assign(d, 1);
    w.dilate = dilate;
    w.pad.assign(d, 0);
    w.groups = G;
    rewriter.replaceOp(op, buildConvolution(rewriter, loc, v, wt, op.getBias(), w, out));
    return success();
  }
};

/// _backward_Pooling(out_grad, data, output): MXNet's unpool_* kernels.
/// For each output position o (loops n, c, o..): the window starts at
/// o * stride - pad, ends at start + kernel (avg: also at most extent +
/// pad, giving the divisor), then is clipped to the data. max adds dy to
/// the first element of the window equal to the output; avg and sum add
/// dy (avg: / divisor) to every element.
struct BackwardPoolingLowering : MxLowering<mx::BackwardPoolingOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::BackwardPoolingOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorType(op.getData());
    std::string why = poolingUnsupported(attrs, xt);
    if (!why.empty())
      return unsupported(op, why);
    const std::string &type = attrs.getStr("pool_type");
    Location loc = op.getLoc();
    RankedTensorType yt = tensorType(op.getOutGrad());
    Type elem = xt.getElementType();
    size_t d = size_t(xt.getRank() - 2);
    auto [kernel, stride, pad] = poolWindow(attrs, xt);
    bool isMax = type == "max", isAvg = type == "avg";
    bool includePad = attrs.isNone("count_include_pad") || attrs.getBool("count_include_pad");
    Value dy = op.getOutGrad(), x = op.getData(), y = op.getOutput();

    auto c = [&](OpBuilder &b, int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); };
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t e : yt.getShape()) {
      lbs.push_back(c(rewriter, 0));
      ubs.push_back(c(rewriter, e));
      steps.push_back(c(rewriter, 1));
    }
    Value init = filledTensor(rewriter, loc, xt.getShape(), elem, 0.0);
    scf::LoopNest outer = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{init},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange iter) -> scf::ValueVector {
          SmallVector<Value> starts, ends;
          Value count = c(b, 1);
          for (size_t i = 0; i < d; ++i) {
            int64_t S = xt.getDimSize(2 + i);
            Value start = b.create<arith::SubIOp>(
                l, b.create<arith::MulIOp>(l, ivs[2 + i], c(b, stride[i])), c(b, pad[i]));
            Value end = b.create<arith::AddIOp>(l, start, c(b, kernel[i]));
            if (isAvg) {
              end = b.create<arith::MinSIOp>(l, end, c(b, S + pad[i]));
              if (includePad)
                count = b.create<arith::MulIOp>(l, count, b.create<arith::SubIOp>(l, end, start));
            }
            start = b.create<arith::MaxSIOp>(l, start, c(b, 0));
            end = b.create<arith::MinSIOp>(l, end, c(b, S));
            if (isAvg && !includePad)
              count = b.create<arith::MulIOp>(l, count, b.create<arith::SubIOp>(l, end, start));
            starts.push_back(start);
            ends.push_back(end);
          }
          Value g = b.create<tensor::ExtractOp>(l, dy, ivs);
          if (isAvg) {
            Value n = b.create<arith::IndexCastOp>(l, b.getI64Type(), count);
            g = b.create<arith::DivFOp>(l, g, b.create<arith::SIToFPOp>(l, elem, n));
          }
          SmallVector<Value> ones(d, c(b, 1));
          auto at = [&](ValueRange window) {
            SmallVector<Value> idx{ivs[0], ivs[1]};
            idx.append(window.begin(), window.end());
            return idx;
          };
          if (!isMax) {
            scf::LoopNest inner =
                scf::buildLoopNest(b, l, starts, ends, ones, iter,
                                   [&](OpBuilder &b2, Location l2, ValueRange win,
                                       ValueRange acc) -> scf::ValueVector {
                                     SmallVector<Value> idx = at(win);
                                     Value old = b2.create<tensor::ExtractOp>(l2, acc[0], idx);
                                     Value sum = b2.create<arith::AddFOp>(l2, old, g);
                                     return {b2.create<tensor::InsertOp>(l2, sum, acc[0], idx)};
                                   });
            return {inner.results[0]};
          }
          // max: the first window element equal to the output (row-major).
          Value yv = b.create<tensor::ExtractOp>(l, y, ivs);
          SmallVector<Value> found{b.create<arith::ConstantIntOp>(l, 0, 1)};
          for (size_t i = 0; i < d; ++i)
            found.push_back(c(b, 0));
          scf::LoopNest search = scf::buildLoopNest(
              b, l, starts, ends, ones, found,
              [&](OpBuilder &b2, Location l2, ValueRange win,
                  ValueRange state) -> scf::ValueVector {
                Value xv = b2.create<tensor::ExtractOp>(l2, x, at(win));
                Value eq = b2.create<arith::CmpFOp>(l2, arith::CmpFPredicate::OEQ, xv, yv);
                Value take = b2.create<arith::AndIOp>(
                    l2, eq,
                    b2.create<arith::XOrIOp>(l2, state[0],
                                             b2.create<arith::ConstantIntOp>(l2, 1, 1)));
                scf::ValueVector next{b2.create<arith::OrIOp>(l2, state[0], eq)};
                for (size_t i = 0; i < d; ++i)
                  next.push_back(b2.create<arith::SelectOp>(l2, take, win[i], state[1 + i]));
                return next;
              });
          auto ifOp = b.create<scf::IfOp>(
              l, search.results[0],
              [&](OpBuilder &b2, Location l2) {
                SmallVector<Value> idx = at(ValueRange(search.results).drop_front());
                Value old = b2.create<tensor::ExtractOp>(l2, iter[0], idx);
                Value sum = b2.create<arith::AddFOp>(l2, old, g);
                b2.create<scf::YieldOp>(
                    l2, ValueRange{b2.create<tensor::InsertOp>(l2, sum, iter[0], idx)});
              },
              [&](OpBuilder &b2, Location l2) { b2.create<scf::YieldOp>(l2, iter[0]); });
          return {ifOp.getResult(0)};
        });
    rewriter.replaceOp(op, outer.results[0]);
    return success();
  }
};

} // namespace

void mxc::codegen::populateNNGradLowerings(RewritePatternSet &patterns,
                                           std::shared_ptr<UnsupportedReasons> reasons) {
  patterns.add<DeconvolutionLowering, BackwardPoolingLowering>(patterns.getContext(), reasons);
}
