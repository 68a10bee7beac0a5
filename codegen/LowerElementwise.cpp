//===- LowerElementwise.cpp - elementwise mx ops -> linalg.generic --------===//
//
// Every elementwise family is one template and one line per op:
//
//   using ExpLowering = UnaryLowering<mx::ExpOp, Exp>;
//
// The functors (Exp, Add, ...) hold each op's math once, for every family
// that uses it (elemwise_add, broadcast_add and _plus_scalar share Add),
// with the runtime kernels' semantics (runtime/kernels/functors.h):
// Python-style modulo, NaN-propagating maximum, comparisons giving 1 or 0
// in the input's dtype, transcendental functions on integers computed in
// floating point. A functor gets its arguments in the compute type and
// returns the result in that type; the families cast around it.
//
//===----------------------------------------------------------------------===//
#include "codegen/Lowering.h"
#include "codegen/LoweringUtils.h"
#include "mx/MxOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mxc::codegen;
namespace mx = mlir::mx;

namespace {

//===--- Functors ----------------------------------------------------------===//

/// Functors computing in floating point only (integers go through a float).
template <class MathOp> struct MathFn {
  static constexpr bool kFloatOnly = true;
  static Value apply(OpBuilder &b, Location loc, ValueRange x) {
    return b.create<MathOp>(loc, x[0]);
  }
};
#define MXC_FLOAT_FN(Name, expr)                                                                   \
  struct Name {                                                                                    \
    static constexpr bool kFloatOnly = true;                                                       \
    static Value apply(OpBuilder &b, Location loc, ValueRange x) {                                 \
      Type t = x[0].getType();                                                                     \
      (void)t;                                                                                     \
      return expr;                                                                                 \
    }                                                                                              \
  };
#define C(v) constant(b, loc, t, v)
#define ADD(a, c) b.create<arith::AddFOp>(loc, a, c)
#define SUB(a, c) b.create<arith::SubFOp>(loc, a, c)
#define MUL(a, c) b.create<arith::MulFOp>(loc, a, c)
#define DIV(a, c) b.create<arith::DivFOp>(loc, a, c)
#define SEL(c, a, d) b.create<arith::SelectOp>(loc, c, a, d)
#define OGT(a, c) b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, a, c)
#define EXP(a) b.create<math::ExpOp>(loc, a)
#define LOG1P(a) b.create<math::Log1pOp>(loc, a)

using Exp = MathFn<math::ExpOp>;
using Expm1 = MathFn<math::ExpM1Op>;
using Log = MathFn<math::LogOp>;
using Log10 = MathFn<math::Log10Op>;
using Log2 = MathFn<math::Log2Op>;
using Log1p = MathFn<math::Log1pOp>;
using Sqrt = MathFn<math::SqrtOp>;
using Rsqrt = MathFn<math::RsqrtOp>;
using Cbrt = MathFn<math::CbrtOp>;
using Sin = MathFn<math::SinOp>;
using Cos = MathFn<math::CosOp>;
using Tan = MathFn<math::TanOp>;
using Arcsin = MathFn<math::AsinOp>;
using Arccos = MathFn<math::AcosOp>;
using Arctan = MathFn<math::AtanOp>;
using Sinh = MathFn<math::SinhOp>;
using Cosh = MathFn<math::CoshOp>;
using Tanh = MathFn<math::TanhOp>;
using Arcsinh = MathFn<math::AsinhOp>;
using Arccosh = MathFn<math::AcoshOp>;
using Arctanh = MathFn<math::AtanhOp>;
using Erf = MathFn<math::ErfOp>;
MXC_FLOAT_FN(Rcbrt, DIV(C(1), b.create<math::CbrtOp>(loc, x[0])))
MXC_FLOAT_FN(Degrees, MUL(x[0], C(57.29577951308232)))
MXC_FLOAT_FN(Radians, MUL(x[0], C(0.017453292519943295)))
MXC_FLOAT_FN(Sigmoid, DIV(C(1), ADD(C(1), EXP(b.create<arith::NegFOp>(loc, x[0])))))
MXC_FLOAT_FN(Softsign, DIV(x[0], ADD(C(1), b.create<math::AbsFOp>(loc, x[0]))))
MXC_FLOAT_FN(Softrelu, SEL(OGT(x[0], C(20)), x[0], LOG1P(EXP(x[0]))))
MXC_FLOAT_FN(Reciprocal, DIV(C(1), x[0]))
MXC_FLOAT_FN(Hypot, b.create<math::SqrtOp>(loc, ADD(MUL(x[0], x[0]), MUL(x[1], x[1]))))
MXC_FLOAT_FN(Power, b.create<math::PowFOp>(loc, x[0], x[1]))
MXC_FLOAT_FN(LogSigmoid,
             SEL(OGT(x[0], C(0)),
                 b.create<arith::NegFOp>(loc, LOG1P(EXP(b.create<arith::NegFOp>(loc, x[0])))),
                 SUB(x[0], LOG1P(EXP(x[0])))))
MXC_FLOAT_FN(Mish,
             MUL(x[0], b.create<math::TanhOp>(loc, SEL(OGT(x[0], C(20)), x[0], LOG1P(EXP(x[0]))))))

/// Functors with float and integer forms.
#define MXC_FN(Name, floatExpr, intExpr)                                                           \
  struct Name {                                                                                    \
    static constexpr bool kFloatOnly = false;                                                      \
    static Value apply(OpBuilder &b, Location loc, ValueRange x) {                                 \
      Type t = x[0].getType();                                                                     \
      if (isa<FloatType>(t))                                                                       \
        return floatExpr;                                                                          \
      return intExpr;                                                                              \
    }                                                                                              \
  };
#define ICMP(p, a, c) b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::p, a, c)
#define FCMP(p, a, c) b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::p, a, c)
/// A condition as 1 or 0 in type t.
#define AS_T(cond) castScalar(b, loc, cond, t, /*srcUnsigned=*/true)
#define NZ(a) (isa<FloatType>(t) ? Value(FCMP(UNE, a, C(0))) : Value(ICMP(ne, a, C(0))))

MXC_FN(Copy, x[0], x[0])
MXC_FN(Negative, b.create<arith::NegFOp>(loc, x[0]), b.create<arith::SubIOp>(loc, C(0), x[0]))
MXC_FN(Abs, b.create<math::AbsFOp>(loc, x[0]), b.create<math::AbsIOp>(loc, x[0]))
MXC_FN(Square, MUL(x[0], x[0]), b.create<arith::MulIOp>(loc, x[0], x[0]))
MXC_FN(Relu, SEL(OGT(x[0], C(0)), x[0], C(0)), SEL(ICMP(sgt, x[0], C(0)), x[0], C(0)))
MXC_FN(Sign, SUB(AS_T(FCMP(OGT, x[0], C(0))), AS_T(FCMP(OLT, x[0], C(0)))),
       b.create<arith::SubIOp>(loc, AS_T(ICMP(sgt, x[0], C(0))), AS_T(ICMP(slt, x[0], C(0)))))
MXC_FN(Round, b.create<math::RoundOp>(loc, x[0]), x[0])
MXC_FN(Rint, b.create<math::RoundEvenOp>(loc, x[0]), x[0])
MXC_FN(Ceil, b.create<math::CeilOp>(loc, x[0]), x[0])
MXC_FN(Floor, b.create<math::FloorOp>(loc, x[0]), x[0])
MXC_FN(Trunc, b.create<math::TruncOp>(loc, x[0]), x[0])
MXC_FN(LogicalNot, AS_T(FCMP(OEQ, x[0], C(0))), AS_T(ICMP(eq, x[0], C(0))))
MXC_FN(Add, ADD(x[0], x[1]), b.create<arith::AddIOp>(loc, x[0], x[1]))
MXC_FN(Sub, SUB(x[0], x[1]), b.create<arith::SubIOp>(loc, x[0], x[1]))
MXC_FN(Mul, MUL(x[0], x[1]), b.create<arith::MulIOp>(loc, x[0], x[1]))
// Integer division by 0 gives 0 and by -1 negates (no overflow trap), as
// the runtime's kernels.
MXC_FN(Div, DIV(x[0], x[1]),
       SEL(ICMP(eq, x[1], C(0)), C(0),
           SEL(ICMP(eq, x[1], C(-1)), b.create<arith::SubIOp>(loc, C(0), x[0]),
               b.create<arith::DivSIOp>(loc, x[0], SEL(ICMP(eq, x[1], C(0)), C(1), x[1])))))
// NaN-propagating in a: (isnan(a) || a > b) ? a : b.
MXC_FN(Maximum,
       SEL(b.create<arith::OrIOp>(loc, FCMP(UNO, x[0], x[0]), FCMP(OGT, x[0], x[1])), x[0], x[1]),
       b.create<arith::MaxSIOp>(loc, x[0], x[1]))
MXC_FN(Minimum,
       SEL(b.create<arith::OrIOp>(loc, FCMP(UNO, x[0], x[0]), FCMP(OLT, x[0], x[1])), x[0], x[1]),
       b.create<arith::MinSIOp>(loc, x[0], x[1]))
MXC_FN(Equal, AS_T(FCMP(OEQ, x[0], x[1])), AS_T(ICMP(eq, x[0], x[1])))
MXC_FN(NotEqual, AS_T(FCMP(UNE, x[0], x[1])), AS_T(ICMP(ne, x[0], x[1])))
MXC_FN(Greater, AS_T(FCMP(OGT, x[0], x[1])), AS_T(ICMP(sgt, x[0], x[1])))
MXC_FN(GreaterEqual, AS_T(FCMP(OGE, x[0], x[1])), AS_T(ICMP(sge, x[0], x[1])))
MXC_FN(Lesser, AS_T(FCMP(OLT, x[0], x[1])), AS_T(ICMP(slt, x[0], x[1])))
MXC_FN(LesserEqual, AS_T(FCMP(OLE, x[0], x[1])), AS_T(ICMP(sle, x[0], x[1])))
MXC_FN(LogicalAnd, AS_T(b.create<arith::AndIOp>(loc, NZ(x[0]), NZ(x[1]))),
       AS_T(b.create<arith::AndIOp>(loc, NZ(x[0]), NZ(x[1]))))
MXC_FN(LogicalOr, AS_T(b.create<arith::OrIOp>(loc, NZ(x[0]), NZ(x[1]))),
       AS_T(b.create<arith::OrIOp>(loc, NZ(x[0]), NZ(x[1]))))
MXC_FN(LogicalXor, AS_T(b.create<arith::XOrIOp>(loc, NZ(x[0]), NZ(x[1]))),
       AS_T(b.create<arith::XOrIOp>(loc, NZ(x[0]), NZ(x[1]))))

/// Python's modulo: the result takes the divisor's sign; x % 0 = 0.
struct Mod {
  static constexpr bool kFloatOnly = false;
  static Value apply(OpBuilder &b, Location loc, ValueRange x) {
    Type t = x[0].getType();
    Value a = x[0], d = x[1];
    bool fp = isa<FloatType>(t);
    Value zero = C(0);
    Value isZero = fp ? Value(FCMP(OEQ, d, zero)) : Value(ICMP(eq, d, zero));
    // Keep the remainder away from division by zero (and INT_MIN % -1).
    Value safe = fp ? d : SEL(b.create<arith::OrIOp>(loc, isZero, ICMP(eq, d, C(-1))), C(1), d);
    Value r = fp ? Value(b.create<arith::RemFOp>(loc, a, safe))
                 : Value(b.create<arith::RemSIOp>(loc, a, safe));
    Value rNeg = fp ? Value(FCMP(OLT, r, zero)) : Value(ICMP(slt, r, zero));
    Value dNeg = fp ? Value(FCMP(OLT, d, zero)) : Value(ICMP(slt, d, zero));
    Value rNonZero = fp ? Value(FCMP(UNE, r, zero)) : Value(ICMP(ne, r, zero));
    Value fix = b.create<arith::AndIOp>(loc, rNonZero, b.create<arith::XOrIOp>(loc, rNeg, dNeg));
    Value adjusted = fp ? Value(ADD(r, d)) : Value(b.create<arith::AddIOp>(loc, r, d));
    return SEL(isZero, zero, SEL(fix, adjusted, r));
  }
};

/// Applies functor F to scalars of element type `elem`, going through the
/// compute float type for float-only functors on integers.
template <class F> Value applyFn(OpBuilder &b, Location loc, ValueRange xs, Type elem) {
  if (!F::kFloatOnly || isa<FloatType>(elem))
    return F::apply(b, loc, xs);
  Type ft = computeFloatType(elem);
  SmallVector<Value> fx;
  for (Value x : xs)
    fx.push_back(castScalar(b, loc, x, ft));
  return castScalar(b, loc, F::apply(b, loc, fx), elem);
}

/// Element types the lowerings handle: floats and signless/signed
/// integers; unsigned ones have no signless arith semantics here.
LogicalResult checkElementTypes(Operation *op, std::string &why) {
  auto isUnsigned = [](Type t) { return cast<ShapedType>(t).getElementType().isUnsignedInteger(); };
  if (llvm::any_of(op->getOperandTypes(), isUnsigned) ||
      llvm::any_of(op->getResultTypes(), isUnsigned)) {
    why = "unsigned element types are not supported yet by the elementwise lowerings";
    return failure();
  }
  return success();
}

//===--- Families ----------------------------------------------------------===//

/// out = F(operands...), broadcasting (NumPy rules) when shapes differ:
/// one template for unary ops, elemwise_* and broadcast_*.
template <class MxOp, class F> struct ElementwiseLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &, PatternRewriter &rewriter) const override {
    std::string why;
    if (failed(checkElementTypes(op, why)))
      return this->unsupported(op, why);
    RankedTensorType out = tensorType(op->getResult(0));
    Type elem = out.getElementType();
    Value r = buildElementwise(
        rewriter, op.getLoc(), out.getShape(), elem, op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange xs) { return applyFn<F>(b, loc, xs, elem); });
    rewriter.replaceOp(op, r);
    return success();
  }
};
template <class MxOp, class F> using UnaryLowering = ElementwiseLowering<MxOp, F>;
template <class MxOp, class F> using BinaryLowering = ElementwiseLowering<MxOp, F>;

/// out = F(data, scalar), or F(scalar, data) when Reverse. Both are
/// converted to the output's dtype first (MXNet's is_int rule).
template <class MxOp, class F, bool Reverse = false> struct ScalarLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    std::string why;
    if (failed(checkElementTypes(op, why)))
      return this->unsupported(op, why);
    double scalar = attrs.getFloat("scalar");
    RankedTensorType out = tensorType(op->getResult(0));
    Type elem = out.getElementType();
    Value r = buildElementwise(
        rewriter, op.getLoc(), out.getShape(), elem, ValueRange{op->getOperand(0)},
        [&](OpBuilder &b, Location loc, ValueRange xs) {
          Value x = castScalar(b, loc, xs[0], elem);
          Value s = constant(b, loc, elem, scalar);
          return Reverse ? applyFn<F>(b, loc, {s, x}, elem) : applyFn<F>(b, loc, {x, s}, elem);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Activation: the act_type picks the functor.
struct ActivationLowering : MxLowering<mx::ActivationOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::ActivationOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    std::string why;
    if (failed(checkElementTypes(op, why)))
      return unsupported(op, why);
    const std::string &act = attrs.getStr("act_type");
    RankedTensorType out = tensorType(op->getResult(0));
    Type elem = out.getElementType();
    auto body = [&](OpBuilder &b, Location loc, ValueRange xs) -> Value {
      if (act == "relu")
        return applyFn<Relu>(b, loc, xs, elem);
      if (act == "sigmoid")
        return applyFn<Sigmoid>(b, loc, xs, elem);
      if (act == "tanh")
        return applyFn<Tanh>(b, loc, xs, elem);
      if (act == "softrelu")
        return applyFn<Softrelu>(b, loc, xs, elem);
      return applyFn<Softsign>(b, loc, xs, elem);
    };
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), out.getShape(), elem,
                                            ValueRange{op.getData()}, body));
    return success();
  }
};

/// LeakyReLU without randomness: leaky, prelu (gamma per channel, axis 1),
/// elu, selu, gelu (erf form). rrelu while training needs random slopes.
struct LeakyReLULowering : MxLowering<mx::LeakyReLUOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::LeakyReLUOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    const std::string &act = attrs.getStr("act_type");
    double slope = attrs.getFloat("slope");
    RankedTensorType out = tensorType(op->getResult(0));
    Type elem = out.getElementType();
    if (!isa<FloatType>(elem))
      return unsupported(op, "LeakyReLU on a non-float dtype");
    if (act == "rrelu" && (op->hasAttr(kTrainAttr) || op->getNumResults() > 1))
      return unsupported(op, "act_type='rrelu' while training (random slopes)");
    SmallVector<Value> inputs{op.getData()};
    SmallVector<AffineMap> maps{
        AffineMap::getMultiDimIdentityMap(unsigned(out.getRank()), op.getContext())};
    if (act == "prelu") {
      // gamma (C,) along axis 1 (or a single slope).
      Value gamma = op.getGamma();
      inputs.push_back(gamma);
      int64_t c = tensorType(gamma).getNumElements();
      AffineExpr e = c == 1 || out.getRank() < 2 ? getAffineConstantExpr(0, op.getContext())
                                                 : getAffineDimExpr(1, op.getContext());
      maps.push_back(AffineMap::get(unsigned(out.getRank()), 0, {e}, op.getContext()));
      if (tensorType(gamma).getRank() != 1)
        return unsupported(op, "prelu with a gamma of rank != 1");
    }
    double rmean = (attrs.getFloat("lower_bound") + attrs.getFloat("upper_bound")) / 2;
    auto body = [&](OpBuilder &b, Location loc, ValueRange xs) -> Value {
      Type t = elem;
      Value x = xs[0];
      Value pos = OGT(x, C(0));
      if (act == "leaky")
        return SEL(pos, x, MUL(x, C(slope)));
      if (act == "rrelu")
        return SEL(pos, x, MUL(x, C(rmean)));
      if (act == "prelu")
        return SEL(pos, x, MUL(x, xs[1]));
      if (act == "elu")
        return SEL(pos, x, MUL(C(slope), SUB(EXP(x), C(1))));
      if (act == "selu") {
        const double alpha = 1.6732632423543772848170429916717;
        const double lambda = 1.0507009873554804934193349852946;
        return MUL(C(lambda), SEL(pos, x, MUL(C(alpha), SUB(EXP(x), C(1)))));
      }
      // gelu: 0.5 x (1 + erf(x / sqrt(2)))
      Value e = b.create<math::ErfOp>(loc, MUL(x, C(0.7071067811865476)));
      return MUL(MUL(C(0.5), x), ADD(C(1), e));
    };
    Value r = buildMapped(rewriter, op.getLoc(), out.getShape(), elem, inputs, maps, body);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// add_n: the sum of every input.
struct AddNLowering : MxLowering<mx::AddNOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::AddNOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    std::string why;
    if (failed(checkElementTypes(op, why)))
      return unsupported(op, why);
    RankedTensorType out = tensorType(op.getResult());
    Type elem = out.getElementType();
    Value r = buildElementwise(rewriter, op.getLoc(), out.getShape(), elem, op->getOperands(),
                               [&](OpBuilder &b, Location loc, ValueRange xs) {
                                 Value acc = xs[0];
                                 for (Value x : xs.drop_front())
                                   acc = Add::apply(b, loc, {acc, x});
                                 return acc;
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// clip(x, a_min, a_max) = min(max(x, a_min), a_max).
struct ClipLowering : MxLowering<mx::ClipOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::ClipOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    std::string why;
    if (failed(checkElementTypes(op, why)))
      return unsupported(op, why);
    RankedTensorType out = tensorType(op->getResult(0));
    Type elem = out.getElementType();
    double lo = attrs.getFloat("a_min"), hi = attrs.getFloat("a_max");
    Value r =
        buildElementwise(rewriter, op.getLoc(), out.getShape(), elem, ValueRange{op->getOperand(0)},
                         [&](OpBuilder &b, Location loc, ValueRange xs) {
                           Value x = Maximum::apply(b, loc, {xs[0], constant(b, loc, elem, lo)});
                           return Minimum::apply(b, loc, {x, constant(b, loc, elem, hi)});
                         });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// hard_sigmoid: max(0, min(1, alpha x + beta)).
struct HardSigmoidLowering : MxLowering<mx::HardSigmoidOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::HardSigmoidOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    RankedTensorType out = tensorType(op->getResult(0));
    Type elem = out.getElementType();
    if (!isa<FloatType>(elem))
      return unsupported(op, "hard_sigmoid on a non-float dtype");
    double alpha = attrs.getFloat("alpha"), beta = attrs.getFloat("beta");
    Value r =
        buildElementwise(rewriter, op.getLoc(), out.getShape(), elem, ValueRange{op->getOperand(0)},
                         [&](OpBuilder &b, Location loc, ValueRange xs) {
                           Type t = elem;
                           Value y = ADD(MUL(xs[0], C(alpha)), C(beta));
                           y = Minimum::apply(b, loc, {y, C(1)});
                           return Maximum::apply(b, loc, {y, C(0)});
                         });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Cast / amp_cast: a conversion between any two dtypes.
template <class MxOp> struct CastLowering : MxLowering<MxOp> {
  using MxLowering<MxOp>::MxLowering;
  LogicalResult lower(MxOp op, const mxrt::Attrs &attrs, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value in = op->getOperand(0);
    RankedTensorType inType = tensorType(in), out = tensorType(op->getResult(0));
    bool inUnsigned = inType.getElementType().isUnsignedInteger();
    bool outUnsigned = out.getElementType().isUnsignedInteger();
    // Unsigned integers are carried as signless ones of the same width.
    auto signless = [&](Type t) -> Type {
      if (t.isUnsignedInteger())
        return IntegerType::get(t.getContext(), t.getIntOrFloatBitWidth());
      return t;
    };
    if (inUnsigned)
      in = rewriter.create<tensor::BitcastOp>(
          loc, RankedTensorType::get(inType.getShape(), signless(inType.getElementType())), in);
    Type outElem = signless(out.getElementType());
    if (outUnsigned && isa<FloatType>(inType.getElementType()))
      return this->unsupported(op, "a float to unsigned integer cast");
    Value r = buildElementwise(rewriter, loc, out.getShape(), outElem, ValueRange{in},
                               [&](OpBuilder &b, Location l, ValueRange xs) {
                                 return castScalar(b, l, xs[0], outElem, inUnsigned);
                               });
    if (outUnsigned)
      r = rewriter.create<tensor::BitcastOp>(loc, out, r);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// where(cond, x, y): cond of x's shape, or 1-D selecting rows.
struct WhereLowering : MxLowering<mx::WhereOp> {
  using MxLowering::MxLowering;
  LogicalResult lower(mx::WhereOp op, const mxrt::Attrs &attrs,
                      PatternRewriter &rewriter) const override {
    std::string why;
    if (failed(checkElementTypes(op, why)))
      return unsupported(op, why);
    RankedTensorType out = tensorType(op->getResult(0));
    RankedTensorType ct = tensorType(op.getCondition());
    MLIRContext *ctx = op.getContext();
    unsigned rank = unsigned(out.getRank());
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap condMap = ct.getRank() == out.getRank()
                            ? id
                            : AffineMap::get(rank, 0, {getAffineDimExpr(0, ctx)}, ctx);
    Type ctElem = ct.getElementType();
    Value r =
        buildMapped(rewriter, op.getLoc(), out.getShape(), out.getElementType(), op->getOperands(),
                    {condMap, id, id}, [&](OpBuilder &b, Location loc, ValueRange xs) {
                      Type t = ctElem;
                      return SEL(NZ(xs[0]), xs[1], xs[2]);
                    });
    rewriter.replaceOp(op, r);
    return success();
  }
};

#undef C

} // namespace

void mxc::codegen::populateElementwiseLowerings(RewritePatternSet &patterns,
                                                std::shared_ptr<UnsupportedReasons> reasons) {
  patterns.add<
      // Unary ops.
      UnaryLowering<mx::AbsOp, Abs>, UnaryLowering<mx::SignOp, Sign>,
      UnaryLowering<mx::RoundOp, Round>, UnaryLowering<mx::RintOp, Rint>,
      UnaryLowering<mx::CeilOp, Ceil>, UnaryLowering<mx::FloorOp, Floor>,
      UnaryLowering<mx::TruncOp, Trunc>, UnaryLowering<mx::FixOp, Trunc>,
      UnaryLowering<mx::SquareOp, Square>, UnaryLowering<mx::SqrtOp, Sqrt>,
      UnaryLowering<mx::RsqrtOp, Rsqrt>, UnaryLowering<mx::CbrtOp, Cbrt>,
      UnaryLowering<mx::RcbrtOp, Rcbrt>, UnaryLowering<mx::ExpOp, Exp>,
      UnaryLowering<mx::Expm1Op, Expm1>, UnaryLowering<mx::LogOp, Log>,
      UnaryLowering<mx::Log10Op, Log10>, UnaryLowering<mx::Log2Op, Log2>,
      UnaryLowering<mx::Log1pOp, Log1p>, UnaryLowering<mx::SinOp, Sin>,
      UnaryLowering<mx::CosOp, Cos>, UnaryLowering<mx::TanOp, Tan>,
      UnaryLowering<mx::ArcsinOp, Arcsin>, UnaryLowering<mx::ArccosOp, Arccos>,
      UnaryLowering<mx::ArctanOp, Arctan>, UnaryLowering<mx::SinhOp, Sinh>,
      UnaryLowering<mx::CoshOp, Cosh>, UnaryLowering<mx::TanhOp, Tanh>,
      UnaryLowering<mx::ArcsinhOp, Arcsinh>, UnaryLowering<mx::ArccoshOp, Arccosh>,
      UnaryLowering<mx::ArctanhOp, Arctanh>, UnaryLowering<mx::DegreesOp, Degrees>,
      UnaryLowering<mx::RadiansOp, Radians>, UnaryLowering<mx::SigmoidOp, Sigmoid>,
      UnaryLowering<mx::ReluOp, Relu>, UnaryLowering<mx::SoftsignOp, Softsign>,
      UnaryLowering<mx::ErfOp, Erf>, UnaryLowering<mx::ReciprocalOp, Reciprocal>,
      UnaryLowering<mx::NegativeOp, Negative>, UnaryLowering<mx::LogicalNotOp, LogicalNot>,
      UnaryLowering<mx::CopyOp, Copy>, UnaryLowering<mx::BlockGradOp, Copy>,
      UnaryLowering<mx::MakeLossLowerOp, Copy>, UnaryLowering<mx::MakeLossOp, Copy>,
      // Same-shape binary ops.
      BinaryLowering<mx::ElemwiseAddOp, Add>, BinaryLowering<mx::ElemwiseSubOp, Sub>,
      BinaryLowering<mx::ElemwiseMulOp, Mul>, BinaryLowering<mx::ElemwiseDivOp, Div>,
      BinaryLowering<mx::GradAddOp, Add>, BinaryLowering<mx::PowerOp, Power>,
      BinaryLowering<mx::MaximumOp, Maximum>, BinaryLowering<mx::MinimumOp, Minimum>,
      BinaryLowering<mx::ModOp, Mod>, BinaryLowering<mx::HypotOp, Hypot>,
      BinaryLowering<mx::EqualOp, Equal>, BinaryLowering<mx::NotEqualOp, NotEqual>,
      BinaryLowering<mx::GreaterOp, Greater>, BinaryLowering<mx::GreaterEqualOp, GreaterEqual>,
      BinaryLowering<mx::LesserOp, Lesser>, BinaryLowering<mx::LesserEqualOp, LesserEqual>,
      BinaryLowering<mx::LogicalAndOp, LogicalAnd>, BinaryLowering<mx::LogicalOrOp, LogicalOr>,
      BinaryLowering<mx::LogicalXorOp, LogicalXor>,
      // Broadcasting binary ops.
      BinaryLowering<mx::BroadcastAddOp, Add>, BinaryLowering<mx::BroadcastSubOp, Sub>,
      BinaryLowering<mx::BroadcastMulOp, Mul>, BinaryLowering<mx::BroadcastDivOp, Div>,
      BinaryLowering<mx::BroadcastModOp, Mod>, BinaryLowering<mx::BroadcastPowerOp, Power>,
      BinaryLowering<mx::BroadcastMaximumOp, Maximum>,
      BinaryLowering<mx::BroadcastMinimumOp, Minimum>, BinaryLowering<mx::BroadcastHypotOp, Hypot>,
      BinaryLowering<mx::BroadcastEqualOp, Equal>,
      BinaryLowering<mx::BroadcastNotEqualOp, NotEqual>,
      BinaryLowering<mx::BroadcastGreaterOp, Greater>,
      BinaryLowering<mx::BroadcastGreaterEqualOp, GreaterEqual>,
      BinaryLowering<mx::BroadcastLesserOp, Lesser>,
      BinaryLowering<mx::BroadcastLesserEqualOp, LesserEqual>,
      BinaryLowering<mx::BroadcastLogicalAndOp, LogicalAnd>,
      BinaryLowering<mx::BroadcastLogicalOrOp, LogicalOr>,
      BinaryLowering<mx::BroadcastLogicalXorOp, LogicalXor>,
      // Scalar ops.
      ScalarLowering<mx::PlusScalarOp, Add>, ScalarLowering<mx::MinusScalarOp, Sub>,
      ScalarLowering<mx::RMinusScalarOp, Sub, true>, ScalarLowering<mx::MulScalarOp, Mul>,
      ScalarLowering<mx::DivScalarOp, Div>, ScalarLowering<mx::RDivScalarOp, Div, true>,
      ScalarLowering<mx::PowerScalarOp, Power>, ScalarLowering<mx::RPowerScalarOp, Power, true>,
      ScalarLowering<mx::ModScalarOp, Mod>, ScalarLowering<mx::RModScalarOp, Mod, true>,
      ScalarLowering<mx::MaximumScalarOp, Maximum>, ScalarLowering<mx::MinimumScalarOp, Minimum>,
      ScalarLowering<mx::HypotScalarOp, Hypot>, ScalarLowering<mx::EqualScalarOp, Equal>,
      ScalarLowering<mx::NotEqualScalarOp, NotEqual>, ScalarLowering<mx::GreaterScalarOp, Greater>,
      ScalarLowering<mx::GreaterEqualScalarOp, GreaterEqual>,
      ScalarLowering<mx::LesserScalarOp, Lesser>,
      ScalarLowering<mx::LesserEqualScalarOp, LesserEqual>,
      ScalarLowering<mx::LogicalAndScalarOp, LogicalAnd>,
      ScalarLowering<mx::LogicalOrScalarOp, LogicalOr>,
      ScalarLowering<mx::LogicalXorScalarOp, LogicalXor>,
      // Layers and the rest.
      ActivationLowering, LeakyReLULowering, AddNLowering, ClipLowering, HardSigmoidLowering,
      CastLowering<mx::CastOp>, CastLowering<mx::AmpCastOp>, WhereLowering>(patterns.getContext(),
                                                                            reasons);
}
