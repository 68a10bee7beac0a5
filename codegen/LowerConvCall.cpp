//===- LowerConvCall.cpp - 1-/2-D convolutions as library-call generics ---===//
//
// A float32/float64 convolution or transposed convolution (Deconvolution,
// the data gradient of a convolution) over one or two spatial dims becomes
// one linalg.generic that computes it directly, marked with library_call
// "mxrt_kernel_conv2d" / "mxrt_kernel_deconv2d" and its window in
// kConvWindowAttr. The CPU target's library-calls pass turns it into the
// libmxrt routine (im2col/col2im + GEMM per image, parallel over the
// images: a per-image GEMM is too small to split over the cores); any
// other target, or an operand that is not a dense buffer, runs the generic
// itself (a plain loop nest: correct, slow).
//
// Loops: (n, f, o.., c, k..) with c over a group's input channels and k over
// the window. The data (and for the transposed convolution the weight) are
// read with tensor.extract at computed positions; they are also inputs with
// a constant map (reading element 0) so the call finds their buffers.
//
//===----------------------------------------------------------------------===//
#include "codegen/LibraryCallNames.h"
#include "codegen/Lowering.h"
#include "codegen/LoweringUtils.h"

using namespace mlir;
using namespace mxc::codegen;

bool mxc::codegen::convIsLibraryCall(RankedTensorType data, const ConvWindow &w) {
  Type elem = data.getElementType();
  return (elem.isF32() || elem.isF64()) && (w.kernel.size() == 1 || w.kernel.size() == 2);
}

Value mxc::codegen::buildConvolutionCall(OpBuilder &b, Location loc, Value data, Value weight,
                                         Value init, const ConvWindow &w, bool transposed) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType xt = tensorType(data), wt = tensorType(weight), ot = tensorType(init);
  Type elem = ot.getElementType();
  size_t d = w.kernel.size();
  int64_t G = w.groups, C = xt.getDimSize(1), F = ot.getDimSize(1);
  int64_t Cg = C / G, Fg = F / G;
  unsigned loops = unsigned(3 + 2 * d);
  auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  // Loop positions: n 0, f 1, o 2.., c 2 + d, k 3 + d...
  unsigned cLoop = unsigned(2 + d), kLoop = unsigned(3 + d);

  SmallVector<AffineExpr> outExprs{dim(0), dim(1)}, windowExprs{dim(cLoop)};
  for (size_t i = 0; i < d; ++i) {
    outExprs.push_back(dim(unsigned(2 + i)));
    windowExprs.push_back(dim(unsigned(kLoop + i)));
  }
  auto constantMap = [&](int64_t rank) {
    return AffineMap::get(
        loops, 0, SmallVector<AffineExpr>(size_t(rank), getAffineConstantExpr(0, ctx)), ctx);
  };
  // The forward weight (F, Cg, k..) is read through its map; the transposed
  // one (C, Fg, k..) is indexed by the group, so a window operand gives the
  // (c, k..) extents instead.
  SmallVector<Value> inputs{data, weight};
  SmallVector<AffineMap> maps{constantMap(xt.getRank())};
  if (transposed) {
    maps.push_back(constantMap(wt.getRank()));
    SmallVector<int64_t> window{Cg};
    window.append(w.kernel.begin(), w.kernel.end());
    inputs.push_back(emptyTensor(b, loc, window, elem));
    maps.push_back(AffineMap::get(loops, 0, windowExprs, ctx));
  } else {
    SmallVector<AffineExpr> wExprs{dim(1)};
    wExprs.append(windowExprs.begin(), windowExprs.end());
    maps.push_back(AffineMap::get(loops, 0, wExprs, ctx));
  }
  maps.push_back(AffineMap::get(loops, 0, outExprs, ctx));
  SmallVector<utils::IteratorType> iters(2 + d, utils::IteratorType::parallel);
  iters.append(1 + d, utils::IteratorType::reduction);

  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{ot}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto c = [&](int64_t v) { return nb.create<arith::ConstantIndexOp>(l, v); };
        Value f = nb.create<linalg::IndexOp>(l, 1);
        Value group = nb.create<arith::DivUIOp>(l, f, c(Fg));
        Value channel = nb.create<arith::AddIOp>(l, nb.create<arith::MulIOp>(l, group, c(Cg)),
                                                 nb.create<linalg::IndexOp>(l, cLoop));
        Value valid = nb.create<arith::ConstantIntOp>(l, 1, 1);
        SmallVector<Value> at{nb.create<linalg::IndexOp>(l, 0), channel}, taps;
        for (size_t i = 0; i < d; ++i) {
          Value o = nb.create<linalg::IndexOp>(l, unsigned(2 + i));
          Value k = nb.create<linalg::IndexOp>(l, unsigned(kLoop + i));
          taps.push_back(k);
          Value kd = nb.create<arith::MulIOp>(l, k, c(w.dilate[i]));
          int64_t extent = xt.getDimSize(int64_t(2 + i));
          Value pos;
          if (!transposed) {
            // The input under output o and tap k: o * stride - pad + k * dilate.
            pos = nb.create<arith::AddIOp>(
                l,
                nb.create<arith::SubIOp>(l, nb.create<arith::MulIOp>(l, o, c(w.stride[i])),
                                         c(w.pad[i])),
                kd);
            valid = nb.create<arith::AndIOp>(
                l, valid,
                nb.create<arith::AndIOp>(
                    l, nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, pos, c(0)),
                    nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, pos, c(extent))));
          } else {
            // The input i with i * stride - pad + k * dilate = o, if any.
            Value t = nb.create<arith::SubIOp>(l, nb.create<arith::AddIOp>(l, o, c(w.pad[i])), kd);
            Value t0 = nb.create<arith::MaxSIOp>(l, t, c(0));
            pos = nb.create<arith::DivUIOp>(l, t0, c(w.stride[i]));
            Value ok = nb.create<arith::AndIOp>(
                l, nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, t, c(0)),
                nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, pos, c(extent)));
            if (w.stride[i] != 1)
              ok = nb.create<arith::AndIOp>(
                  l, ok,
                  nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                           nb.create<arith::RemUIOp>(l, t0, c(w.stride[i])), c(0)));
            valid = nb.create<arith::AndIOp>(l, valid, ok);
          }
          // Clamped so the read stays inside; `valid` discards it.
          at.push_back(
              nb.create<arith::MinSIOp>(l, nb.create<arith::MaxSIOp>(l, pos, c(0)), c(extent - 1)));
        }
        // Outside the window the reads pick the operands' block arguments
        // (then multiplied by a discarded zero): used, those operands stay
        // on the generic, which the call needs for their buffers.
        Value x = nb.create<arith::SelectOp>(l, valid, nb.create<tensor::ExtractOp>(l, data, at),
                                             args[0]);
        Value wv = args[1];
        if (transposed) {
          SmallVector<Value> wAt{channel, nb.create<arith::RemUIOp>(l, f, c(Fg))};
          wAt.append(taps.begin(), taps.end());
          wv = nb.create<arith::SelectOp>(l, valid, nb.create<tensor::ExtractOp>(l, weight, wAt),
                                          args[1]);
        }
        Value prod = nb.create<arith::MulFOp>(l, x, wv);
        prod = nb.create<arith::SelectOp>(l, valid, prod, constant(nb, l, elem, 0));
        nb.create<linalg::YieldOp>(l, Value(nb.create<arith::AddFOp>(l, args.back(), prod)));
      });
  generic.setLibraryCallAttr(b.getStringAttr(transposed ? kDeconvolutionCall : kConvolutionCall));
  // The window as the routine takes it: groups, then stride, pad and
  // dilation over two dims (a 1-D window is a 2-D one of height 1).
  SmallVector<int64_t> attr{G};
  for (auto [v, unit] : {std::pair{ArrayRef<int64_t>(w.stride), 1},
                         {ArrayRef<int64_t>(w.pad), 0},
                         {ArrayRef<int64_t>(w.dilate), 1}}) {
    if (d == 1)
      attr.push_back(unit);
    attr.append(v.begin(), v.end());
  }
  generic->setAttr(kConvWindowAttr, b.getDenseI64ArrayAttr(attr));
  return generic.getResult(0);
}
