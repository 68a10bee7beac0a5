//===- LoweringUtils.cpp - building blocks of the mx -> linalg lowerings --===//
#include "codegen/LoweringUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/AffineMap.h"

#include <limits>

using namespace mlir;
using namespace mxc::codegen;

RankedTensorType mxc::codegen::tensorType(Value v) { return cast<RankedTensorType>(v.getType()); }

bool mxc::codegen::isFloatType(Type t) { return isa<FloatType>(t); }

Value mxc::codegen::constant(OpBuilder &b, Location loc, Type t, double v) {
  if (auto ft = dyn_cast<FloatType>(t))
    return b.create<arith::ConstantOp>(loc, t, b.getFloatAttr(ft, v));
  if (t.isInteger(1))
    return b.create<arith::ConstantOp>(loc, t, b.getIntegerAttr(t, v != 0));
  if (t.isIndex())
    return b.create<arith::ConstantIndexOp>(loc, int64_t(v));
  return b.create<arith::ConstantOp>(loc, t, b.getIntegerAttr(t, int64_t(v)));
}

Type mxc::codegen::computeFloatType(Type t) {
  if (isa<FloatType>(t))
    return t;
  return t.getIntOrFloatBitWidth() > 16 ? Type(Float64Type::get(t.getContext()))
                                        : Type(Float32Type::get(t.getContext()));
}

Value mxc::codegen::castScalar(OpBuilder &b, Location loc, Value v, Type to, bool srcUnsigned) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto ff = dyn_cast<FloatType>(from);
  auto ft = dyn_cast<FloatType>(to);
  if (ff && ft)
    return ff.getWidth() < ft.getWidth() ? Value(b.create<arith::ExtFOp>(loc, to, v))
                                         : Value(b.create<arith::TruncFOp>(loc, to, v));
  if (to.isInteger(1)) {
    Value zero = constant(b, loc, from, 0);
    if (ff)
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, v, zero);
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, v, zero);
  }
  bool fromUnsigned = srcUnsigned || from.isInteger(1);
  if (ft)
    return fromUnsigned ? Value(b.create<arith::UIToFPOp>(loc, to, v))
                        : Value(b.create<arith::SIToFPOp>(loc, to, v));
  if (ff)
    return b.create<arith::FPToSIOp>(loc, to, v);
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return fromUnsigned ? Value(b.create<arith::ExtUIOp>(loc, to, v))
                        : Value(b.create<arith::ExtSIOp>(loc, to, v));
  return b.create<arith::TruncIOp>(loc, to, v);
}

Value mxc::codegen::lowestValue(OpBuilder &b, Location loc, Type t) {
  if (isa<FloatType>(t))
    return constant(b, loc, t, -std::numeric_limits<double>::infinity());
  unsigned w = t.getIntOrFloatBitWidth();
  return b.create<arith::ConstantOp>(loc, t, b.getIntegerAttr(t, APInt::getSignedMinValue(w)));
}

Value mxc::codegen::emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                                Type elementType) {
  return b.create<tensor::EmptyOp>(loc, shape, elementType);
}

Value mxc::codegen::filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                                 Type elementType, double value) {
  Value empty = emptyTensor(b, loc, shape, elementType);
  Value c = constant(b, loc, elementType, value);
  return b.create<linalg::FillOp>(loc, c, empty).getResult(0);
}

Value mxc::codegen::reshapeTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  RankedTensorType type = tensorType(v);
  if (type.getShape() == shape)
    return v;
  Type elem = type.getElementType();
  // To 1-D: one group of every dim (rank 0: expand with no groups).
  Value flat = v;
  int64_t n = type.getNumElements();
  auto flatType = RankedTensorType::get({n}, elem);
  if (type.getRank() == 0) {
    flat = b.create<tensor::ExpandShapeOp>(loc, flatType, v, ArrayRef<ReassociationIndices>{});
  } else if (type.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < type.getRank(); ++i)
      all.push_back(i);
    flat = b.create<tensor::CollapseShapeOp>(loc, flatType, v, ArrayRef<ReassociationIndices>{all});
  }
  auto outType = RankedTensorType::get(shape, elem);
  if (shape.size() == 1)
    return flat;
  if (shape.empty())
    return b.create<tensor::CollapseShapeOp>(loc, outType, flat, ArrayRef<ReassociationIndices>{});
  ReassociationIndices all;
  for (size_t i = 0; i < shape.size(); ++i)
    all.push_back(int64_t(i));
  return b.create<tensor::ExpandShapeOp>(loc, outType, flat, ArrayRef<ReassociationIndices>{all});
}

AffineMap mxc::codegen::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> in,
                                     ArrayRef<int64_t> out) {
  SmallVector<AffineExpr> exprs;
  int64_t lead = int64_t(out.size()) - int64_t(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t d = lead + int64_t(i);
    if (in[i] == 1 && out[d] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(unsigned(d), ctx));
  }
  return AffineMap::get(unsigned(out.size()), 0, exprs, ctx);
}

Value mxc::codegen::buildMapped(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape,
                                Type outElementType, ValueRange inputs,
                                ArrayRef<AffineMap> inputMaps, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps(inputMaps.begin(), inputMaps.end());
  maps.push_back(AffineMap::getMultiDimIdentityMap(unsigned(outShape.size()), ctx));
  SmallVector<utils::IteratorType> iterators(outShape.size(), utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, outShape, outElementType);
  auto generic =
      b.create<linalg::GenericOp>(loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
                                  iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
                                    Value r = body(nb, nloc, args.drop_back());
                                    nb.create<linalg::YieldOp>(nloc, r);
                                  });
  return generic.getResult(0);
}

Value mxc::codegen::buildElementwise(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape,
                                     Type outElementType, ValueRange inputs, BodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(b.getContext(), tensorType(in).getShape(), outShape));
  return buildMapped(b, loc, outShape, outElementType, inputs, maps, body);
}

Value mxc::codegen::buildReduction(OpBuilder &b, Location loc, Value input, ArrayRef<bool> reduced,
                                   Type accType, Value init, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = tensorType(input);
  SmallVector<int64_t> outShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    iterators.push_back(reduced[i] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
    if (!reduced[i]) {
      outShape.push_back(type.getDimSize(i));
      outExprs.push_back(getAffineDimExpr(unsigned(i), ctx));
    }
  }
  Value empty = emptyTensor(b, loc, outShape, accType);
  Value acc = b.create<linalg::FillOp>(loc, init, empty).getResult(0);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(unsigned(type.getRank()), ctx),
                              AffineMap::get(unsigned(type.getRank()), 0, outExprs, ctx)};
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{acc.getType()}, ValueRange{input}, ValueRange{acc}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args));
      });
  return generic.getResult(0);
}

Value mxc::codegen::padTensor(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> low,
                              ArrayRef<int64_t> high, Value padValue) {
  if (llvm::all_of(low, [](int64_t x) { return x == 0; }) &&
      llvm::all_of(high, [](int64_t x) { return x == 0; }))
    return v;
  RankedTensorType type = tensorType(v);
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    shape.push_back(type.getDimSize(i) + low[i] + high[i]);
  SmallVector<OpFoldResult> lo, hi;
  for (size_t i = 0; i < low.size(); ++i) {
    lo.push_back(b.getIndexAttr(low[i]));
    hi.push_back(b.getIndexAttr(high[i]));
  }
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return b.create<tensor::PadOp>(loc, padded, v, lo, hi, padValue);
}

Value mxc::codegen::buildMatmul(OpBuilder &b, Location loc, Value A, Value B, bool transposeB,
                                Value init) {
  RankedTensorType at = tensorType(A), bt = tensorType(B);
  int64_t M = at.getDimSize(0);
  int64_t N = transposeB ? bt.getDimSize(0) : bt.getDimSize(1);
  Value C = init ? init : filledTensor(b, loc, {M, N}, at.getElementType(), 0.0);
  if (transposeB)
    return b
        .create<linalg::MatmulTransposeBOp>(loc, TypeRange{C.getType()}, ValueRange{A, B},
                                            ValueRange{C})
        .getResult(0);
  return b.create<linalg::MatmulOp>(loc, TypeRange{C.getType()}, ValueRange{A, B}, ValueRange{C})
      .getResult(0);
}

int64_t mxc::codegen::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  return axis >= 0 && axis < rank ? axis : -1;
}

SmallVector<int64_t> mxc::codegen::spatialAttr(const mxrt::Attrs &attrs, std::string_view name,
                                               size_t rank, int64_t dflt) {
  const std::vector<int64_t> &v = attrs.getShape(name);
  if (v.empty())
    return SmallVector<int64_t>(rank, dflt);
  return SmallVector<int64_t>(v.begin(), v.end());
}

bool mxc::codegen::channelFirstLayout(const mxrt::Attrs &attrs) {
  if (attrs.isNone("layout"))
    return true;
  const std::string &l = attrs.getStr("layout");
  return l == "NCW" || l == "NCHW" || l == "NCDHW";
}

PoolWindow mxc::codegen::poolWindow(const mxrt::Attrs &attrs, RankedTensorType data) {
  size_t d = size_t(data.getRank() - 2);
  PoolWindow w;
  if (attrs.getBool("global_pool")) {
    for (size_t i = 0; i < d; ++i)
      w.kernel.push_back(data.getDimSize(int64_t(2 + i)));
    w.stride.assign(d, 1);
    w.pad.assign(d, 0);
    return w;
  }
  const std::vector<int64_t> &k = attrs.getShape("kernel");
  w.kernel.assign(k.begin(), k.end());
  w.stride = spatialAttr(attrs, "stride", d, 1);
  w.pad = spatialAttr(attrs, "pad", d, 0);
  return w;
}

std::string mxc::codegen::poolingUnsupported(const mxrt::Attrs &attrs, RankedTensorType data) {
  if (!isa<FloatType>(data.getElementType()))
    return "a non-float dtype";
  if (!channelFirstLayout(attrs))
    return "layout '" + attrs.getStr("layout") + "' (only NCW/NCHW/NCDHW)";
  if (attrs.getStr("pool_type") == "lp")
    return "pool_type 'lp'";
  if (attrs.getStr("pooling_convention") == "same")
    return "pooling_convention 'same'";
  return "";
}
