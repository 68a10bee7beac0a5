//===- GradientRulesElemwise.cpp - gradients of element-wise ops ----------===//
//
// The chain rule, one row per op: dx = dy * f'(x), with f' written with
// forward ops, from the input x or, where cheaper, the output y (as MXNet's
// backward kernels do: sigmoid's y (1 - y), exp's y). Binary ops give each
// input its partial derivative; the broadcast_* forms then sum it down to
// the input's shape. At ties, maximum/minimum send the gradient to lhs and
// clip passes it at the bounds, as MXNet 1.9.1 does.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

#include <cmath>
#include <numbers>

using namespace mlir;
using namespace mlir::mx;

namespace {

using Deriv = Value (*)(GradBuilder &);

/// dx = dy * f'(x) for a unary op, f' given by D.
template <Deriv D> void chain(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.mul(dOut[0], D(g));
}

/// dx = dy * s for a constant s.
template <double S> void scaled(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.mulScalar(dOut[0], S);
}

void identity(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.castLike(dOut[0], g.in(0));
}

Value x(GradBuilder &g) { return g.in(0); }
Value y(GradBuilder &g) { return g.out(0); }
Value sq(GradBuilder &g, Value v) { return g.unary("square", v); }
double scalarAttr(GradBuilder &g) { return g.attrs().getFloat("scalar"); }

/// 1 where `cmp`(v, s) holds, else 0 (comparisons keep the dtype).
Value mask(GradBuilder &g, std::string_view cmp, Value v, double s) { return g.scalar(cmp, v, s); }

/// digamma(x), the derivative of log|gamma(x)|, with forward ops (no op
/// computes it): the asymptotic series at y = x + 6 >= 6, brought back by
/// psi(x) = psi(x + 6) - sum_k 1 / (x + k); below 1/2 the reflection
/// psi(x) = psi(1 - x) - pi / tan(pi x). About 1e-12 relative for x > 0.
Value digamma(GradBuilder &g, Value v) {
  Value low = mask(g, "_lesser_scalar", v, 0.5);
  Value xr = g.create("where", {low, g.rsubScalar(1, v), v});
  SmallVector<Value> terms;
  for (int k = 0; k < 6; ++k)
    terms.push_back(g.unary("reciprocal", g.addScalar(xr, double(k))));
  Value y = g.addScalar(xr, 6);
  Value inv = g.unary("reciprocal", y), inv2 = sq(g, inv);
  // ln y - 1/(2y) - 1/(12y^2) + 1/(120y^4) - 1/(252y^6) + 1/(240y^8) - 1/(132y^10)
  Value poly = g.rsubScalar(1.0 / 240, g.mulScalar(inv2, 1.0 / 132));
  poly = g.rsubScalar(1.0 / 252, g.mul(inv2, poly));
  poly = g.rsubScalar(1.0 / 120, g.mul(inv2, poly));
  poly = g.rsubScalar(1.0 / 12, g.mul(inv2, poly));
  Value series = g.sub(g.sub(g.unary("log", y), g.mulScalar(inv, 0.5)), g.mul(inv2, poly));
  Value psi = g.sub(series, g.sum(terms));
  Value reflection =
      g.div(g.create("_full", {},
                     {{"shape", Dims(GradBuilder::shape(v).begin(), GradBuilder::shape(v).end())},
                      {"value", std::numbers::pi},
                      {"dtype", GradBuilder::dtypeName(v)}}),
            g.unary("tan", g.mulScalar(v, std::numbers::pi)));
  return g.create("where", {low, g.sub(psi, reflection), psi});
}

//===--- Activation and LeakyReLU ------------------------------------------===//

/// f'(x) of an activation function, from x and y.
Value activationDeriv(GradBuilder &g, std::string_view act) {
  if (act == "relu")
    return mask(g, "_greater_scalar", y(g), 0);
  if (act == "sigmoid")
    return g.mul(y(g), g.rsubScalar(1, y(g)));
  if (act == "tanh")
    return g.rsubScalar(1, sq(g, y(g)));
  if (act == "softrelu")
    return g.unary("sigmoid", x(g));
  // softsign: 1 / (1 + |x|)^2
  return sq(g, g.unary("reciprocal", g.addScalar(g.unary("abs", x(g)), 1)));
}

void activation(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.mul(dOut[0], activationDeriv(g, g.attrs().getStr("act_type")));
}

void leakyRelu(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  const std::string &act = g.attrs().getStr("act_type");
  double slope = g.attrs().getFloat("slope");
  Value pos = mask(g, "_greater_scalar", x(g), 0);
  Value neg = g.rsubScalar(1, pos);
  Value dy = dOut[0];
  if (act == "prelu") {
    // y = x > 0 ? x : gamma * x, gamma per channel (axis 1) or shared.
    Value gamma = g.in(1);
    ArrayRef<int64_t> xs = GradBuilder::shape(x(g));
    Dims bshape(xs.size(), 1);
    if (GradBuilder::numel(gamma) != 1)
      bshape[1] = GradBuilder::numel(gamma);
    Value gammaB = g.reshape(gamma, bshape);
    if (g.wants(0))
      dIn[0] = g.mul(dy, g.add(pos, g.bcast("mul", neg, gammaB)));
    if (g.wants(1))
      dIn[1] = g.reshape(g.sumTo(g.mul(dy, g.mul(neg, x(g))), bshape), GradBuilder::shape(gamma));
    return;
  }
  Value deriv;
  if (act == "leaky") {
    deriv = g.addScalar(g.mulScalar(pos, 1 - slope), slope);
  } else if (act == "elu") {
    // x > 0 ? 1 : y + slope
    deriv = g.add(pos, g.mul(neg, g.addScalar(y(g), slope)));
  } else if (act == "selu") {
    constexpr double lambda = 1.0507009873554804934193349852946;
    constexpr double alpha = 1.6732632423543772848170429916717;
    deriv = g.add(g.mulScalar(pos, lambda), g.mul(neg, g.addScalar(y(g), lambda * alpha)));
  } else if (act == "gelu") {
    // 0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi)
    Value cdf = g.mulScalar(
        g.addScalar(g.unary("erf", g.mulScalar(x(g), std::numbers::sqrt2 / 2)), 1), 0.5);
    Value pdf = g.mulScalar(g.unary("exp", g.mulScalar(sq(g, x(g)), -0.5)),
                            1 / std::sqrt(2 * std::numbers::pi));
    deriv = g.add(cdf, g.mul(x(g), pdf));
  } else if (g.training()) { // rrelu: the slopes it sampled (its mask output)
    deriv = g.add(pos, g.mul(neg, g.out(1)));
  } else { // rrelu in inference: the mean slope
    double mean = (g.attrs().getFloat("lower_bound") + g.attrs().getFloat("upper_bound")) / 2;
    deriv = g.addScalar(g.mulScalar(pos, 1 - mean), mean);
  }
  dIn[0] = g.mul(dy, deriv);
}

//===--- Binary ops ----------------------------------------------------------===//

/// Partial derivatives of a binary op as (d lhs, d rhs) for head gradient
/// dy, built with `op` ("elemwise" or "broadcast" forms of each arithmetic op).
struct Partials {
  Value lhs, rhs;
};

/// dy * f for same-shape operands or broadcast ones.
Value times(GradBuilder &g, bool bc, Value dy, Value f) {
  return bc ? g.bcast("mul", dy, f) : g.mul(dy, f);
}

Partials binaryPartials(GradBuilder &g, std::string_view op, bool bc, Value dy) {
  Value l = g.in(0), r = g.in(1), out = g.out(0);
  auto cmp = [&](std::string_view name) {
    return bc ? g.bcast(name, l, r) : g.create("_" + std::string(name), {l, r});
  };
  auto div = [&](Value a, Value b) { return bc ? g.bcast("div", a, b) : g.div(a, b); };
  if (op == "add")
    return {dy, dy};
  if (op == "sub")
    return {dy, g.neg(dy)};
  if (op == "mul")
    return {g.wants(0) ? times(g, bc, dy, r) : Value(), g.wants(1) ? times(g, bc, dy, l) : Value()};
  if (op == "div") // d/dr (l / r) = -out / r
    return {g.wants(0) ? div(dy, r) : Value(),
            g.wants(1) ? g.neg(g.mul(dy, div(out, r))) : Value()};
  if (op == "power") { // d/dl = r l^(r-1), d/dr = out ln l
    Value dl, dr;
    if (g.wants(0)) {
      Value rm1 = g.addScalar(r, -1);
      Value p = bc ? g.bcast("power", l, rm1) : g.create("_power", {l, rm1});
      dl = g.mul(dy, times(g, bc, p, r));
    }
    if (g.wants(1))
      dr = g.mul(dy, times(g, bc, out, g.unary("log", l)));
    return {dl, dr};
  }
  if (op == "maximum" || op == "minimum") {
    Value lhsWins = cmp(op == "maximum" ? "greater_equal" : "lesser_equal");
    Value toLhs = g.mul(dy, lhsWins);
    return {toLhs, g.sub(dy, toLhs)};
  }
  if (op == "hypot") // d/dl = l / out (broadcast_div broadcasts l to out's shape)
    return {g.wants(0) ? g.mul(dy, div(l, out)) : Value(),
            g.wants(1) ? g.mul(dy, div(r, out)) : Value()};
  // mod: d/dl = 1, d/dr = -floor(l / r)
  return {dy, g.wants(1) ? g.neg(g.mul(dy, g.unary("floor", div(l, r)))) : Value()};
}

template <const char *Op>
void elemwiseBinary(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Partials p = binaryPartials(g, Op, /*bc=*/false, dOut[0]);
  dIn[0] = p.lhs;
  dIn[1] = p.rhs;
}

template <const char *Op>
void broadcastBinary(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Partials p = binaryPartials(g, Op, /*bc=*/true, dOut[0]);
  if (g.wants(0))
    dIn[0] = g.sumTo(p.lhs, GradBuilder::shape(g.in(0)));
  if (g.wants(1))
    dIn[1] = g.sumTo(p.rhs, GradBuilder::shape(g.in(1)));
}

constexpr char kAdd[] = "add", kSub[] = "sub", kMul[] = "mul", kDiv[] = "div", kPower[] = "power",
               kMaximum[] = "maximum", kMinimum[] = "minimum", kHypot[] = "hypot", kMod[] = "mod";

//===--- Other multi-input ops ---------------------------------------------===//

void addN(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  for (unsigned i = 0; i < g.numIn(); ++i)
    if (g.wants(i))
      dIn[i] = dOut[0];
}

void where(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value zero = g.zerosLike(dOut[0]);
  if (g.wants(1))
    dIn[1] = g.create("where", {g.in(0), dOut[0], zero});
  if (g.wants(2))
    dIn[2] = g.create("where", {g.in(0), zero, dOut[0]});
}

void ampMulticast(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  for (unsigned i = 0; i < g.numIn(); ++i)
    if (g.wants(i) && dOut[i])
      dIn[i] = g.castLike(dOut[i], g.in(i));
}

void clip(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value inside = g.mul(mask(g, "_greater_equal_scalar", x(g), g.attrs().getFloat("a_min")),
                       mask(g, "_lesser_equal_scalar", x(g), g.attrs().getFloat("a_max")));
  dIn[0] = g.mul(dOut[0], inside);
}

const GradRule kRules[] = {
    // Unary math: f'(x) from x or y.
    {"abs", GradKind::Rule, chain<[](GradBuilder &g) { return g.unary("sign", x(g)); }>},
    {"arccos", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.neg(g.unary("rsqrt", g.rsubScalar(1, sq(g, x(g))))); }>},
    {"arccosh", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.unary("rsqrt", g.addScalar(sq(g, x(g)), -1)); }>},
    {"arcsin", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.unary("rsqrt", g.rsubScalar(1, sq(g, x(g)))); }>},
    {"arcsinh", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.unary("rsqrt", g.addScalar(sq(g, x(g)), 1)); }>},
    {"arctan", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.unary("reciprocal", g.addScalar(sq(g, x(g)), 1)); }>},
    {"arctanh", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.unary("reciprocal", g.rsubScalar(1, sq(g, x(g)))); }>},
    {"cbrt", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.unary("reciprocal", g.mulScalar(sq(g, y(g)), 3)); }>},
    {"cos", GradKind::Rule, chain<[](GradBuilder &g) { return g.neg(g.unary("sin", x(g))); }>},
    {"cosh", GradKind::Rule, chain<[](GradBuilder &g) { return g.unary("sinh", x(g)); }>},
    {"degrees", GradKind::Rule, scaled<180 / std::numbers::pi>},
    {"erf", GradKind::Rule, chain<[](GradBuilder &g) {
       return g.mulScalar(g.unary("exp", g.neg(sq(g, x(g)))), 2 / std::sqrt(std::numbers::pi));
     }>},
    {"erfinv", GradKind::Rule, chain<[](GradBuilder &g) {
       return g.mulScalar(g.unary("exp", sq(g, y(g))), std::sqrt(std::numbers::pi) / 2);
     }>},
    {"exp", GradKind::Rule, chain<y>},
    {"expm1", GradKind::Rule, chain<[](GradBuilder &g) { return g.addScalar(y(g), 1); }>},
    {"gamma", GradKind::Rule, chain<[](GradBuilder &g) { return g.mul(y(g), digamma(g, x(g))); }>},
    {"gammaln", GradKind::Rule, chain<[](GradBuilder &g) { return digamma(g, x(g)); }>},
    {"hard_sigmoid", GradKind::Rule, chain<[](GradBuilder &g) {
       Value inside =
           g.mul(mask(g, "_greater_scalar", y(g), 0), mask(g, "_lesser_scalar", y(g), 1));
       return g.mulScalar(inside, g.attrs().getFloat("alpha"));
     }>},
    {"log", GradKind::Rule, chain<[](GradBuilder &g) { return g.unary("reciprocal", x(g)); }>},
    {"log10", GradKind::Rule, chain<[](GradBuilder &g) {
       return g.unary("reciprocal", g.mulScalar(x(g), std::numbers::ln10));
     }>},
    {"log1p", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.unary("reciprocal", g.addScalar(x(g), 1)); }>},
    {"log2", GradKind::Rule, chain<[](GradBuilder &g) {
       return g.unary("reciprocal", g.mulScalar(x(g), std::numbers::ln2));
     }>},
    {"negative", GradKind::Rule, scaled<-1.0>},
    {"radians", GradKind::Rule, scaled<std::numbers::pi / 180>},
    {"rcbrt", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.mulScalar(g.div(y(g), x(g)), -1.0 / 3); }>},
    {"reciprocal", GradKind::Rule, chain<[](GradBuilder &g) { return g.neg(sq(g, y(g))); }>},
    {"relu", GradKind::Rule,
     chain<[](GradBuilder &g) { return mask(g, "_greater_scalar", y(g), 0); }>},
    {"rsqrt", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.mulScalar(g.powScalar(y(g), 3), -0.5); }>},
    {"sigmoid", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.mul(y(g), g.rsubScalar(1, y(g))); }>},
    {"sin", GradKind::Rule, chain<[](GradBuilder &g) { return g.unary("cos", x(g)); }>},
    {"sinh", GradKind::Rule, chain<[](GradBuilder &g) { return g.unary("cosh", x(g)); }>},
    {"smooth_l1", GradKind::Rule, chain<[](GradBuilder &g) {
       // sigma^2 x inside |x| < 1 / sigma^2, sign(x) outside: a clipped line.
       double s2 = std::pow(scalarAttr(g), 2);
       return g.create("clip", {g.mulScalar(x(g), s2)}, {{"a_min", -1.0}, {"a_max", 1.0}});
     }>},
    {"softsign", GradKind::Rule, chain<[](GradBuilder &g) {
       return sq(g, g.unary("reciprocal", g.addScalar(g.unary("abs", x(g)), 1)));
     }>},
    {"sqrt", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.mulScalar(g.unary("reciprocal", y(g)), 0.5); }>},
    {"square", GradKind::Rule, chain<[](GradBuilder &g) { return g.mulScalar(x(g), 2); }>},
    {"tan", GradKind::Rule, chain<[](GradBuilder &g) { return g.addScalar(sq(g, y(g)), 1); }>},
    {"tanh", GradKind::Rule, chain<[](GradBuilder &g) { return g.rsubScalar(1, sq(g, y(g))); }>},

    // Copies and casts.
    {"_copy", GradKind::Rule, identity},
    {"Cast", GradKind::Rule, identity},
    {"amp_cast", GradKind::Rule, identity},
    {"amp_multicast", GradKind::Rule, ampMulticast},
    {"clip", GradKind::Rule, clip},

    // Layers.
    {"Activation", GradKind::Rule, activation},
    {"LeakyReLU", GradKind::Rule, leakyRelu},

    // Scalar arithmetic.
    {"_plus_scalar", GradKind::Rule, identity},
    {"_minus_scalar", GradKind::Rule, identity},
    {"_rminus_scalar", GradKind::Rule, scaled<-1.0>},
    {"_mul_scalar", GradKind::Rule,
     [](GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
       dIn[0] = g.mulScalar(dOut[0], scalarAttr(g));
     }},
    {"_div_scalar", GradKind::Rule,
     [](GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
       dIn[0] = g.mulScalar(dOut[0], 1 / scalarAttr(g));
     }},
    {"_rdiv_scalar", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.neg(g.div(y(g), x(g))); }>},
    {"_power_scalar", GradKind::Rule, chain<[](GradBuilder &g) {
       double s = scalarAttr(g);
       return g.mulScalar(g.powScalar(x(g), s - 1), s);
     }>},
    {"_rpower_scalar", GradKind::Rule,
     chain<[](GradBuilder &g) { return g.mulScalar(y(g), std::log(scalarAttr(g))); }>},
    {"_maximum_scalar", GradKind::Rule,
     chain<[](GradBuilder &g) { return mask(g, "_greater_equal_scalar", x(g), scalarAttr(g)); }>},
    {"_minimum_scalar", GradKind::Rule,
     chain<[](GradBuilder &g) { return mask(g, "_lesser_equal_scalar", x(g), scalarAttr(g)); }>},
    {"_hypot_scalar", GradKind::Rule, chain<[](GradBuilder &g) { return g.div(x(g), y(g)); }>},
    {"_mod_scalar", GradKind::Rule, identity},
    {"_rmod_scalar", GradKind::Rule, chain<[](GradBuilder &g) {
       // d/dx (s mod x) = -floor(s / x)
       return g.neg(g.unary("floor", g.scalar("_rdiv_scalar", x(g), scalarAttr(g))));
     }>},

    // Same-shape binary ops.
    {"elemwise_add", GradKind::Rule, elemwiseBinary<kAdd>},
    {"_grad_add", GradKind::Rule, elemwiseBinary<kAdd>},
    {"elemwise_sub", GradKind::Rule, elemwiseBinary<kSub>},
    {"elemwise_mul", GradKind::Rule, elemwiseBinary<kMul>},
    {"elemwise_div", GradKind::Rule, elemwiseBinary<kDiv>},
    {"_power", GradKind::Rule, elemwiseBinary<kPower>},
    {"_maximum", GradKind::Rule, elemwiseBinary<kMaximum>},
    {"_minimum", GradKind::Rule, elemwiseBinary<kMinimum>},
    {"_hypot", GradKind::Rule, elemwiseBinary<kHypot>},
    {"_mod", GradKind::Rule, elemwiseBinary<kMod>},
    {"add_n", GradKind::Rule, addN},
    {"where", GradKind::Rule, where},

    // Broadcasting binary ops.
    {"broadcast_add", GradKind::Rule, broadcastBinary<kAdd>},
    {"broadcast_sub", GradKind::Rule, broadcastBinary<kSub>},
    {"broadcast_mul", GradKind::Rule, broadcastBinary<kMul>},
    {"broadcast_div", GradKind::Rule, broadcastBinary<kDiv>},
    {"broadcast_power", GradKind::Rule, broadcastBinary<kPower>},
    {"broadcast_maximum", GradKind::Rule, broadcastBinary<kMaximum>},
    {"broadcast_minimum", GradKind::Rule, broadcastBinary<kMinimum>},
    {"broadcast_hypot", GradKind::Rule, broadcastBinary<kHypot>},
    {"broadcast_mod", GradKind::Rule, broadcastBinary<kMod>},
};

} // namespace

std::span<const GradRule> mlir::mx::elemwiseGradRules() { return kRules; }
