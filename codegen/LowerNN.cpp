//===- LowerNN.cpp - layers with weights or windows -> linalg -------------===//
//
// FullyConnected, dot and batch_dot become matrix products (linalg.matmul
// and its transposed forms); Convolution becomes, for float32/float64 over
// one or two spatial dims, a generic the CPU target calls libmxrt's
// convolution for (LowerConvCall.cpp), else pad + im2col (a gather as
// linalg.generic) + one matrix product per image and group, the bias
// broadcast into the accumulator first; Pooling becomes a windowed
// reduction (linalg.generic with a window operand, as linalg's pooling ops)
// plus, for averages, MXNet's divisor per output position; Embedding a
// gather, one_hot a comparison with the index along the last axis. Layouts
// are MXNet's channel-first ones (NCW, NCHW, NCDHW).
//
//===----------------------------------------------------------------------===//
#include "codegen/Lowering.h"
#include "codegen/LoweringUtils.h"
#include "mx/MxOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mxc::codegen;
namespace mx = mlir::mx;

namespace {

/// C (M, N) initialised with bias (N,) broadcast over rows, or zeros.
Value biasInit(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type elem, Value bias,
               int64_t biasDim) {
  if (!bias)
    return filledTensor(b, loc, shape, elem, 0.0);
  MLIRContext *ctx = b.getContext();
  AffineMap map =
      AffineMap::get(unsigned(shape.size()), 0, {getAffineDimExpr(unsigned(biasDim), ctx)}, ctx);
  return buildMapped(b, loc, shape, elem, ValueRange{bias}, {map},
                     [](OpBuilder &, Location, ValueRange xs) { return xs[0]; });
}

bool isFloatTensor(Value v) { return isa<FloatType>(tensorType(v).getElementType()); }

/// FullyConnected: out = data W^T (+ bias), data flattened to 2-D.
struct FullyConnectedLowering : MxLowering<mx::FullyConnectedOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::FullyConnectedOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    if (!isFloatTensor(op.getData()))
      return unsupported(op, "a non-float dtype");
    Location loc = op.getLoc();
    RankedTensorType out = tensorType(op.getOutput());
    RankedTensorType wt = tensorType(op.getWeight());
    int64_t H = wt.getDimSize(0), K = wt.getDimSize(1);
    int64_t M = tensorType(op.getData()).getNumElements() / K;
    Value A = reshapeTo(rewriter, loc, op.getData(), {M, K});
    Value C = biasInit(rewriter, loc, {M, H}, out.getElementType(), op.getBias(), 1);
    Value r = buildMatmul(rewriter, loc, A, op.getWeight(), /*transposeB=*/true, C);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, r, out.getShape()));
    return success();
  }
};

/// dot: lhs flattened to (M, K) (all but the last axis are rows), rhs to
/// (K, N); transpose_a/b swap the roles of the two flattened axes.
struct DotLowering : MxLowering<mx::DotOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::DotOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    if (!isFloatTensor(op.getLhs()))
      return unsupported(op, "a non-float dtype");
    bool ta = attrs.getBool("transpose_a"), tb = attrs.getBool("transpose_b");
    Location loc = op.getLoc();
    RankedTensorType lt = tensorType(op.getLhs()), rt = tensorType(op.getRhs());
    RankedTensorType out = tensorType(op->getResult(0));
    if (lt.getRank() == 0 || rt.getRank() == 0)
      return unsupported(op, "a scalar operand");
    // MXNet: lhs is (prod(shape[:-1]), shape[-1]), or transposed its
    // (shape[0], prod(shape[1:])) read as columns; rhs likewise.
    int64_t lFirst = ta ? lt.getDimSize(0) : lt.getNumElements() / lt.getShape().back();
    int64_t lSecond = lt.getNumElements() / lFirst;
    int64_t rFirst = tb ? rt.getNumElements() / rt.getShape().back() : rt.getDimSize(0);
    int64_t rSecond = rt.getNumElements() / rFirst;
    Value A = reshapeTo(rewriter, loc, op.getLhs(), {lFirst, lSecond});
    Value B = reshapeTo(rewriter, loc, op.getRhs(), {rFirst, rSecond});
    int64_t M = ta ? lSecond : lFirst, N = tb ? rFirst : rSecond;
    Type elem = out.getElementType();
    Value C = filledTensor(rewriter, loc, {M, N}, elem, 0.0);
    Value r;
    if (ta && tb) {
      // (A^T B^T) = (B A)^T: compute B A then transpose.
      Value t = filledTensor(rewriter, loc, {N, M}, elem, 0.0);
      Value ba = rewriter
                     .create<linalg::MatmulOp>(loc, TypeRange{t.getType()}, ValueRange{B, A},
                                               ValueRange{t})
                     .getResult(0);
      r = rewriter.create<linalg::TransposeOp>(loc, ba, C, ArrayRef<int64_t>{1, 0}).getResult()[0];
    } else if (ta) {
      r = rewriter
              .create<linalg::MatmulTransposeAOp>(loc, TypeRange{C.getType()}, ValueRange{A, B},
                                                  ValueRange{C})
              .getResult(0);
    } else {
      r = buildMatmul(rewriter, loc, A, B, tb, C);
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, r, out.getShape()));
    return success();
  }
};

/// batch_dot over the leading axes (flattened to one batch axis).
struct BatchDotLowering : MxLowering<mx::BatchDotOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::BatchDotOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    if (!isFloatTensor(op.getLhs()))
      return unsupported(op, "a non-float dtype");
    bool ta = attrs.getBool("transpose_a"), tb = attrs.getBool("transpose_b");
    Location loc = op.getLoc();
    RankedTensorType lt = tensorType(op.getLhs()), rt = tensorType(op.getRhs());
    RankedTensorType out = tensorType(op->getResult(0));
    int64_t r = lt.getRank();
    int64_t batch = lt.getNumElements() / (lt.getDimSize(r - 2) * lt.getDimSize(r - 1));
    Value A =
        reshapeTo(rewriter, loc, op.getLhs(), {batch, lt.getDimSize(r - 2), lt.getDimSize(r - 1)});
    Value B =
        reshapeTo(rewriter, loc, op.getRhs(), {batch, rt.getDimSize(r - 2), rt.getDimSize(r - 1)});
    int64_t M = out.getDimSize(r - 2), N = out.getDimSize(r - 1);
    Value C = filledTensor(rewriter, loc, {batch, M, N}, out.getElementType(), 0.0);
    Value res;
    if (ta && tb)
      return unsupported(op, "transpose_a and transpose_b together");
    if (ta)
      res = rewriter
                .create<linalg::BatchMatmulTransposeAOp>(loc, TypeRange{C.getType()},
                                                         ValueRange{A, B}, ValueRange{C})
                .getResult(0);
    else if (tb)
      res = rewriter
                .create<linalg::BatchMatmulTransposeBOp>(loc, TypeRange{C.getType()},
                                                         ValueRange{A, B}, ValueRange{C})
                .getResult(0);
    else
      res = rewriter
                .create<linalg::BatchMatmulOp>(loc, TypeRange{C.getType()}, ValueRange{A, B},
                                               ValueRange{C})
                .getResult(0);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, res, out.getShape()));
    return success();
  }
};

/// Convolution (1-, 2- or 3-D, channel-first, any group count): see
/// buildConvolutionCall (float32/float64, 1-/2-D) and buildConvolution.
struct ConvolutionLowering : MxLowering<mx::ConvolutionOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::ConvolutionOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    if (!isFloatTensor(op.getData()))
      return unsupported(op, "a non-float dtype");
    if (!channelFirstLayout(attrs))
      return unsupported(op, "layout '" + attrs.getStr("layout") + "' (only NCW/NCHW/NCDHW)");
    const std::vector<int64_t> &kernel = attrs.getShape("kernel");
    size_t d = kernel.size();
    ConvWindow w;
    w.kernel.assign(kernel.begin(), kernel.end());
    w.stride = spatialAttr(attrs, "stride", d, 1);
    w.dilate = spatialAttr(attrs, "dilate", d, 1);
    w.pad = spatialAttr(attrs, "pad", d, 0);
    w.groups = attrs.getInt("num_group");
    RankedTensorType out = tensorType(op.getOutput());
    if (convIsLibraryCall(tensorType(op.getData()), w)) {
      Value init =
          biasInit(rewriter, op.getLoc(), out.getShape(), out.getElementType(), op.getBias(), 1);
      rewriter.replaceOp(op, buildConvolutionCall(rewriter, op.getLoc(), op.getData(),
                                                  op.getWeight(), init, w, /*transposed=*/false));
      return success();
    }
    rewriter.replaceOp(op, buildConvolution(rewriter, op.getLoc(), op.getData(), op.getWeight(),
                                            op.getBias(), w, tensorType(op.getOutput())));
    return success();
  }
};

/// Pooling (max, avg, sum; 1-, 2- or 3-D; valid or full convention;
/// global): a windowed reduction over the padded input, then for 'avg'
/// MXNet's divisor: the window clipped to the padded extent, or to the
/// input when count_include_pad is false.
struct PoolingLowering : MxLowering<mx::PoolingOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::PoolingOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorType(op.getData());
    std::string why = poolingUnsupported(attrs, xt);
    if (!why.empty())
      return unsupported(op, why);
    const std::string &type = attrs.getStr("pool_type");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType out = tensorType(op.getOutput());
    Type elem = out.getElementType();
    size_t d = size_t(xt.getRank() - 2);
    auto [kernel, stride, pad] = poolWindow(attrs, xt);
    bool isMax = type == "max";
    SmallVector<int64_t> low{0, 0}, high{0, 0}, O;
    for (size_t i = 0; i < d; ++i) {
      O.push_back(out.getDimSize(2 + i));
      low.push_back(pad[i]);
      int64_t need = (O[i] - 1) * stride[i] + kernel[i];
      high.push_back(std::max<int64_t>(pad[i], need - xt.getDimSize(2 + i) - pad[i]));
    }
    Value padValue = isMax ? lowestValue(rewriter, loc, elem) : constant(rewriter, loc, elem, 0);
    Value padded = padTensor(rewriter, loc, op.getData(), low, high, padValue);

    // Loops (n, c, o.., k..); the window operand gives the k extents.
    unsigned loops = unsigned(2 + 2 * d);
    SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
    SmallVector<AffineExpr> winExprs, outExprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
    for (size_t i = 0; i < d; ++i) {
      AffineExpr o = getAffineDimExpr(unsigned(2 + i), ctx);
      AffineExpr k = getAffineDimExpr(unsigned(2 + d + i), ctx);
      inExprs.push_back(o * stride[i] + k);
      winExprs.push_back(k);
      outExprs.push_back(o);
    }
    SmallVector<AffineMap> maps{AffineMap::get(loops, 0, inExprs, ctx),
                                AffineMap::get(loops, 0, winExprs, ctx),
                                AffineMap::get(loops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iters(2 + d, utils::IteratorType::parallel);
    iters.append(d, utils::IteratorType::reduction);
    Value window = emptyTensor(rewriter, loc, kernel, elem);
    Value init = filledTensor(rewriter, loc, out.getShape(), elem, 0.0);
    if (isMax)
      init = rewriter
                 .create<linalg::FillOp>(loc, lowestValue(rewriter, loc, elem),
                                         emptyTensor(rewriter, loc, out.getShape(), elem))
                 .getResult(0);
    Value pooled = rewriter
                       .create<linalg::GenericOp>(
                           loc, TypeRange{init.getType()}, ValueRange{padded, window},
                           ValueRange{init}, maps, iters,
                           [&](OpBuilder &b, Location l, ValueRange args) {
                             Value r = isMax
                                           ? Value(b.create<arith::MaximumFOp>(l, args[0], args[2]))
                                           : Value(b.create<arith::AddFOp>(l, args[0], args[2]));
                             b.create<linalg::YieldOp>(l, r);
                           })
                       .getResult(0);
    if (type != "avg") {
      rewriter.replaceOp(op, pooled);
      return success();
    }
    bool includePad = attrs.isNone("count_include_pad") || attrs.getBool("count_include_pad");
    SmallVector<int64_t> extent;
    for (size_t i = 0; i < d; ++i)
      extent.push_back(xt.getDimSize(2 + i));
    // out /= prod over i of (min(start + k, S + pad) - start), start = o *
    // stride - pad, clipped to [0, S) unless count_include_pad.
    Value avg = buildElementwise(
        rewriter, loc, out.getShape(), elem, ValueRange{pooled},
        [&](OpBuilder &b, Location l, ValueRange xs) {
          Value count = b.create<arith::ConstantIndexOp>(l, 1);
          for (size_t i = 0; i < d; ++i) {
            auto c = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(l, v); };
            Value o = b.create<linalg::IndexOp>(l, 2 + i);
            Value start =
                b.create<arith::SubIOp>(l, b.create<arith::MulIOp>(l, o, c(stride[i])), c(pad[i]));
            Value end = b.create<arith::MinSIOp>(l, b.create<arith::AddIOp>(l, start, c(kernel[i])),
                                                 c(extent[i] + pad[i]));
            if (!includePad) {
              start = b.create<arith::MaxSIOp>(l, start, c(0));
              end = b.create<arith::MinSIOp>(l, end, c(extent[i]));
            }
            Value size = b.create<arith::MaxSIOp>(l, b.create<arith::SubIOp>(l, end, start), c(1));
            count = b.create<arith::MulIOp>(l, count, size);
          }
          Value n = b.create<arith::IndexCastOp>(l, b.getI64Type(), count);
          Value f = b.create<arith::SIToFPOp>(l, elem, n);
          return b.create<arith::DivFOp>(l, xs[0], f);
        });
    rewriter.replaceOp(op, avg);
    return success();
  }
};

/// Embedding: out[..., j] = weight[clip(int(data[...]), 0, input_dim - 1), j].
struct EmbeddingLowering : MxLowering<mx::EmbeddingOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::EmbeddingOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType dt = tensorType(op.getData()), wt = tensorType(op.getWeight());
    RankedTensorType out = tensorType(op.getOutput());
    if (dt.getElementType().isUnsignedInteger())
      return unsupported(op, "unsigned indices");
    if (wt.getElementType() != out.getElementType())
      return unsupported(op, "a weight dtype other than the output's");
    unsigned rank = unsigned(out.getRank());
    SmallVector<AffineExpr> dataExprs;
    for (unsigned i = 0; i + 1 < rank; ++i)
      dataExprs.push_back(getAffineDimExpr(i, ctx));
    int64_t rows = wt.getDimSize(0);
    Value weight = op.getWeight();
    Value r = buildMapped(
        rewriter, loc, out.getShape(), out.getElementType(), ValueRange{op.getData()},
        {AffineMap::get(rank, 0, dataExprs, ctx)}, [&](OpBuilder &b, Location l, ValueRange xs) {
          Value i = castScalar(b, l, xs[0], b.getI64Type());
          i = b.create<arith::MaxSIOp>(l, i, constant(b, l, b.getI64Type(), 0));
          i = b.create<arith::MinSIOp>(l, i, constant(b, l, b.getI64Type(), double(rows - 1)));
          Value row = b.create<arith::IndexCastOp>(l, b.getIndexType(), i);
          Value col = b.create<linalg::IndexOp>(l, rank - 1);
          return b.create<tensor::ExtractOp>(l, weight, ValueRange{row, col});
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// one_hot: out[..., j] = int(indices[...]) == j ? on_value : off_value
/// (indices truncated toward zero; out-of-range ones give a row of
/// off_value, as MXNet's kernel).
struct OneHotLowering : MxLowering<mx::OneHotOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::OneHotOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    RankedTensorType it = tensorType(op.getIndices()), out = tensorType(op.getOutput());
    if (it.getElementType().isUnsignedInteger() || out.getElementType().isUnsignedInteger())
      return unsupported(op, "unsigned dtypes");
    MLIRContext *ctx = op.getContext();
    unsigned rank = unsigned(out.getRank());
    SmallVector<AffineExpr> exprs;
    for (unsigned i = 0; i + 1 < rank; ++i)
      exprs.push_back(getAffineDimExpr(i, ctx));
    Type elem = out.getElementType();
    double on = attrs.getFloat("on_value"), off = attrs.getFloat("off_value");
    Value r = buildMapped(rewriter, op.getLoc(), out.getShape(), elem, ValueRange{op.getIndices()},
                          {AffineMap::get(rank, 0, exprs, ctx)},
                          [&](OpBuilder &b, Location l, ValueRange xs) {
                            Value i = castScalar(b, l, xs[0], b.getI64Type());
                            Value j = b.create<arith::IndexCastOp>(
                                l, b.getI64Type(), b.create<linalg::IndexOp>(l, rank - 1));
                            Value eq = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, i, j);
                            return b.create<arith::SelectOp>(l, eq, constant(b, l, elem, on),
                                                             constant(b, l, elem, off));
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

Value mxc::codegen::buildConvolution(OpBuilder &rewriter, Location loc, Value data, Value weight,
                                     Value bias, const ConvWindow &w, RankedTensorType out) {
  MLIRContext *ctx = rewriter.getContext();
  RankedTensorType xt = tensorType(data);
  Type elem = out.getElementType();
  ArrayRef<int64_t> kernel = w.kernel, stride = w.stride, dilate = w.dilate, pad = w.pad;
  size_t d = kernel.size();
  int64_t N = xt.getDimSize(0), C = xt.getDimSize(1), F = out.getDimSize(1);
  int64_t G = w.groups;
  int64_t Cg = C / G, Fg = F / G;
  int64_t Kprod = 1, Oprod = 1;
  SmallVector<int64_t> O;
  for (size_t i = 0; i < d; ++i) {
    Kprod *= kernel[i];
    O.push_back(out.getDimSize(2 + i));
    Oprod *= O.back();
  }

  // The column tensor (N, C, K.., O..).
  Value col;
  bool direct = llvm::all_of(kernel, [](int64_t k) { return k == 1; }) &&
                llvm::all_of(stride, [](int64_t s) { return s == 1; }) &&
                llvm::all_of(pad, [](int64_t p) { return p == 0; });
  if (direct) {
    col = data;
  } else {
    SmallVector<int64_t> low{0, 0}, high{0, 0};
    for (size_t i = 0; i < d; ++i) {
      low.push_back(pad[i]);
      // Enough padding on the high side for the last window.
      int64_t need = (O[i] - 1) * stride[i] + dilate[i] * (kernel[i] - 1) + 1;
      high.push_back(std::max<int64_t>(pad[i], need - xt.getDimSize(2 + i) - pad[i]));
    }
    Value padded = padTensor(rewriter, loc, data, low, high, constant(rewriter, loc, elem, 0));
    // Loops (n, c, k_0.., o_0..): input index o * stride + k * dilate.
    unsigned loops = unsigned(2 + 2 * d);
    SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
    SmallVector<int64_t> colShape{N, C};
    for (size_t i = 0; i < d; ++i)
      colShape.push_back(kernel[i]);
    for (size_t i = 0; i < d; ++i) {
      colShape.push_back(O[i]);
      AffineExpr k = getAffineDimExpr(unsigned(2 + i), ctx);
      AffineExpr o = getAffineDimExpr(unsigned(2 + d + i), ctx);
      inExprs.push_back(o * stride[i] + k * dilate[i]);
    }
    AffineMap inMap = AffineMap::get(loops, 0, inExprs, ctx);
    col = buildMapped(rewriter, loc, colShape, elem, ValueRange{padded}, {inMap},
                      [](OpBuilder &, Location, ValueRange xs) { return xs[0]; });
  }
  Value col4 = reshapeTo(rewriter, loc, col, {N, G, Cg * Kprod, Oprod});
  Value w3 = reshapeTo(rewriter, loc, weight, {G, Fg, Cg * Kprod});

  // The accumulator (N, G, Fg, O) with the bias in it.
  Value acc;
  if (bias) {
    Value bias2 = reshapeTo(rewriter, loc, bias, {G, Fg});
    AffineMap map = AffineMap::get(4, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)}, ctx);
    acc = buildMapped(rewriter, loc, {N, G, Fg, Oprod}, elem, ValueRange{bias2}, {map},
                      [](OpBuilder &, Location, ValueRange xs) { return xs[0]; });
  } else {
    acc = filledTensor(rewriter, loc, {N, G, Fg, Oprod}, elem, 0.0);
  }

  // One matrix product per (image, group), on slices of the tensors.
  Value r = buildGroupedMatmuls(rewriter, loc, w3, col4, acc, /*transposeA=*/false);
  return reshapeTo(rewriter, loc, r, out.getShape());
}

Value mxc::codegen::buildGroupedMatmuls(OpBuilder &rewriter, Location loc, Value A, Value B,
                                        Value acc, bool transposeA) {
  RankedTensorType at = tensorType(A), bt = tensorType(B), ct = tensorType(acc);
  int64_t N = ct.getDimSize(0), G = ct.getDimSize(1), M = ct.getDimSize(2), O = ct.getDimSize(3),
          K = bt.getDimSize(2);
  (void)at;
  auto idx = [&](int64_t v) { return rewriter.create<arith::ConstantIndexOp>(loc, v); };
  Value zero = idx(0), one = idx(1);
  auto slice2d = [&](OpBuilder &b, Value src, ValueRange lead, int64_t rows, int64_t cols) {
    RankedTensorType st = tensorType(src);
    SmallVector<OpFoldResult> offs(lead.begin(), lead.end()), sizes, strides;
    for (size_t i = 0; i < lead.size(); ++i)
      sizes.push_back(b.getIndexAttr(1));
    offs.push_back(b.getIndexAttr(0));
    offs.push_back(b.getIndexAttr(0));
    sizes.push_back(b.getIndexAttr(rows));
    sizes.push_back(b.getIndexAttr(cols));
    strides.assign(st.getRank(), b.getIndexAttr(1));
    auto t = RankedTensorType::get({rows, cols}, st.getElementType());
    return b.create<tensor::ExtractSliceOp>(loc, t, src, offs, sizes, strides).getResult();
  };
  auto nLoop = rewriter.create<scf::ForOp>(
      loc, zero, idx(N), one, ValueRange{acc},
      [&](OpBuilder &b, Location, Value n, ValueRange nIter) {
        auto gLoop = b.create<scf::ForOp>(
            loc, zero, idx(G), one, ValueRange{nIter[0]},
            [&](OpBuilder &b2, Location, Value g, ValueRange gIter) {
              Value a = transposeA ? slice2d(b2, A, {g}, K, M) : slice2d(b2, A, {g}, M, K);
              Value bs = slice2d(b2, B, {n, g}, K, O);
              Value cs = slice2d(b2, gIter[0], {n, g}, M, O);
              Value prod =
                  transposeA
                      ? b2.create<linalg::MatmulTransposeAOp>(loc, TypeRange{cs.getType()},
                                                              ValueRange{a, bs}, ValueRange{cs})
                            .getResult(0)
                      : b2.create<linalg::MatmulOp>(loc, TypeRange{cs.getType()}, ValueRange{a, bs},
                                                    ValueRange{cs})
                            .getResult(0);
              SmallVector<OpFoldResult> offs{n, g, b2.getIndexAttr(0), b2.getIndexAttr(0)};
              SmallVector<OpFoldResult> sizes{b2.getIndexAttr(1), b2.getIndexAttr(1),
                                              b2.getIndexAttr(M), b2.getIndexAttr(O)};
              SmallVector<OpFoldResult> strides(4, b2.getIndexAttr(1));
              Value upd =
                  b2.create<tensor::InsertSliceOp>(loc, prod, gIter[0], offs, sizes, strides);
              b2.create<scf::YieldOp>(loc, upd);
            });
        b.create<scf::YieldOp>(loc, gLoop.getResult(0));
      });
  return nLoop.getResult(0);
}

void mxc::codegen::populateNNLowerings(RewritePatternSet &patterns,
                                       std::shared_ptr<UnsupportedReasons> reasons) {
  patterns.add<FullyConnectedLowering, DotLowering, BatchDotLowering, ConvolutionLowering,
               PoolingLowering, EmbeddingLowering, OneHotLowering>(patterns.getContext(), reasons);
}
