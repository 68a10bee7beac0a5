//===- LowerNNGrad.cpp - the layer ops gradients produce -> linalg/scf -----===//
//
// The gradient rules (passes/GradientRulesNN.cpp) express a convolution's
// data gradient as Deconvolution and a pooling's as _backward_Pooling:
//   - Deconvolution (the transposed convolution), for float32/float64 over
//     one or two spatial dims, a generic the CPU target calls libmxrt's
//     transposed convolution for (LowerConvCall.cpp); otherwise one matrix
//     product per image and group (weight^T times the data: the columns,
//     as Convolution's matmuls, buildGroupedMatmuls) and col2im written as a
//     gather: each output sums the columns whose window covers it (no
//     scatter, no zeros multiplied: the columns are as small as the data
//     times the window);
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
/// with out[x] = sum over c, k of data[i] w[c, f, k] where x = i * stride -
/// pad + k * dilate. One matrix product per image and group gives the
/// columns col[n, g, (f, k), i] = sum_c w[g, c, (f, k)] data[n, g, c, i]
/// (library GEMM); then each output gathers its columns (col2im):
/// out[n, f, x] = bias[f] + sum over k of col[n, f, k, (x + pad - k *
/// dilate) / stride] where that divides and lies inside *I.
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
    int64_t Cg = C / G, Fg = F / G, Kprod = 1, Iprod = 1;
    for (size_t i = 0; i < d; ++i) {
      Kprod *= kernel[i];
      Iprod *= xt.getDimSize(int64_t(2 + i));
    }

    Value init;
    if (Value bias = op.getBias())
      init = buildMapped(rewriter, loc, out.getShape(), elem, ValueRange{bias},
                         {AffineMap::get(unsigned(2 + d), 0, {getAffineDimExpr(1, ctx)}, ctx)},
                         [](OpBuilder &, Location, ValueRange xs) { return xs[0]; });
    else
      init = filledTensor(rewriter, loc, out.getShape(), elem, 0.0);
    ConvWindow win{SmallVector<int64_t>(kernel.begin(), kernel.end()), stride, dilate, pad, G};
    if (convIsLibraryCall(xt, win)) {
      rewriter.replaceOp(op, buildConvolutionCall(rewriter, loc, op.getData(), op.getWeight(), init,
                                                  win, /*transposed=*/true));
      return success();
    }

    // The columns (N, G, Fg * K, I): w[g]^T (Fg*K x Cg) data[n, g] (Cg x I).
    Value x4 = reshapeTo(rewriter, loc, op.getData(), {N, G, Cg, Iprod});
    Value w3 = reshapeTo(rewriter, loc, op.getWeight(), {G, Cg, Fg * Kprod});
    Value col = filledTensor(rewriter, loc, {N, G, Fg * Kprod, Iprod}, elem, 0.0);
    col = buildGroupedMatmuls(rewriter, loc, w3, x4, col, /*transposeA=*/true);
    SmallVector<int64_t> colShape{N, F};
    colShape.append(kernel.begin(), kernel.end());
    for (size_t i = 0; i < d; ++i)
      colShape.push_back(xt.getDimSize(int64_t(2 + i)));
    col = reshapeTo(rewriter, loc, col, colShape);

    // col2im as a gather: loops (n, f, x.., k..), the k loops reducing over
    // a window operand.
    unsigned loops = unsigned(2 + 2 * d);
    SmallVector<AffineExpr> winExprs, outExprs;
    for (unsigned i = 0; i < 2 + d; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    for (size_t i = 0; i < d; ++i)
      winExprs.push_back(getAffineDimExpr(unsigned(2 + d + i), ctx));
    SmallVector<AffineMap> maps{AffineMap::get(loops, 0, winExprs, ctx),
                                AffineMap::get(loops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iters(2 + d, utils::IteratorType::parallel);
    iters.append(d, utils::IteratorType::reduction);
    Value window =
        emptyTensor(rewriter, loc, SmallVector<int64_t>(kernel.begin(), kernel.end()), elem);
    Value r =
        rewriter
            .create<linalg::GenericOp>(
                loc, TypeRange{init.getType()}, ValueRange{window}, ValueRange{init}, maps, iters,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  auto c = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(l, v); };
                  Value valid = b.create<arith::ConstantIntOp>(l, 1, 1);
                  SmallVector<Value> at{b.create<linalg::IndexOp>(l, 0),
                                        b.create<linalg::IndexOp>(l, 1)};
                  SmallVector<Value> in;
                  for (size_t i = 0; i < d; ++i) {
                    Value x = b.create<linalg::IndexOp>(l, 2 + i);
                    Value k = b.create<linalg::IndexOp>(l, 2 + d + i);
                    at.push_back(k);
                    int64_t extent = xt.getDimSize(int64_t(2 + i));
                    // t = x + pad - k * dilate; i = t / stride.
                    Value t = b.create<arith::SubIOp>(l, b.create<arith::AddIOp>(l, x, c(pad[i])),
                                                      b.create<arith::MulIOp>(l, k, c(dilate[i])));
                    Value t0 = b.create<arith::MaxSIOp>(l, t, c(0));
                    Value q = b.create<arith::DivUIOp>(l, t0, c(stride[i]));
                    Value ok = b.create<arith::AndIOp>(
                        l, b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, t, c(0)),
                        b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, q, c(extent)));
                    if (stride[i] != 1)
                      ok = b.create<arith::AndIOp>(
                          l, ok,
                          b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                                  b.create<arith::RemUIOp>(l, t0, c(stride[i])),
                                                  c(0)));
                    valid = b.create<arith::AndIOp>(l, valid, ok);
                    in.push_back(b.create<arith::MinSIOp>(l, q, c(extent - 1)));
                  }
                  at.append(in.begin(), in.end());
                  Value v = b.create<tensor::ExtractOp>(l, col, at);
                  v = b.create<arith::SelectOp>(l, valid, v, constant(b, l, elem, 0));
                  b.create<linalg::YieldOp>(l, Value(b.create<arith::AddFOp>(l, args[1], v)));
                })
            .getResult(0);
    rewriter.replaceOp(op, r);
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
