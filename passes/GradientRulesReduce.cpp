//===- GradientRulesReduce.cpp - gradients of reductions ------------------===//
//
// A reduction's gradient broadcasts the output gradient back over the
// reduced axes (reshaped to keepdims form first), times the derivative of
// the reduction: 1 for sum, 1/n for mean, y/x for prod, the arg-extreme
// mask for max and min (every tied element gets the gradient, as MXNet),
// x/y or sign(x) for the norms.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

using namespace mlir;
using namespace mlir::mx;

namespace {

using S = GradBuilder;

/// The input's shape with reduced axes set to 1 (MXNet: axis None or ()
/// reduces every axis; exclude reduces the others).
Dims keptShape(GradBuilder &g, std::string_view axisAttr, bool exclude) {
  Dims shape(S::shape(g.in(0)).begin(), S::shape(g.in(0)).end());
  int64_t rank = int64_t(shape.size());
  std::vector<bool> reduced(shape.size(), true);
  if (!g.attrs().isNone(axisAttr) && !g.attrs().getShape(axisAttr).empty()) {
    reduced.assign(shape.size(), exclude);
    for (int64_t a : g.attrs().getShape(axisAttr))
      reduced[size_t(a < 0 ? a + rank : a)] = !exclude;
  }
  for (size_t i = 0; i < shape.size(); ++i)
    if (reduced[i])
      shape[i] = 1;
  return shape;
}

Dims keptShape(GradBuilder &g) {
  const mxrt::OpSpec &spec = g.attrs().op();
  bool exclude = spec.findAttr("exclude") && g.attrs().getBool("exclude");
  return keptShape(g, spec.findAttr("axes") ? "axes" : "axis", exclude);
}

/// v (an output or its gradient) broadcast back to the input's shape.
Value spread(GradBuilder &g, Value v) {
  return g.broadcastTo(g.reshape(v, keptShape(g)), S::shape(g.in(0)));
}

void sumGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = spread(g, dOut[0]);
}

void meanGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.mulScalar(spread(g, dOut[0]), double(S::numel(g.out(0))) / double(S::numel(g.in(0))));
}

/// isnan mask: 1 where x == x.
Value notNan(GradBuilder &g) { return g.create("_equal", {g.in(0), g.in(0)}); }

void prodGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value grad = g.mul(spread(g, dOut[0]), g.div(spread(g, g.out(0)), g.in(0)));
  if (g.op()->getName().stripDialect() == "nanprod")
    grad = g.mul(grad, notNan(g));
  dIn[0] = grad;
}

void nansumGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.mul(spread(g, dOut[0]), notNan(g));
}

void extremeGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.mul(spread(g, dOut[0]), g.create("_equal", {g.in(0), spread(g, g.out(0))}));
}

void normGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value dy = g.castLike(spread(g, dOut[0]), g.in(0));
  if (g.attrs().getInt("ord") == 1) {
    dIn[0] = g.mul(dy, g.unary("sign", g.in(0)));
    return;
  }
  dIn[0] = g.mul(dy, g.div(g.in(0), g.castLike(spread(g, g.out(0)), g.in(0))));
}

void momentsGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  double scale = double(S::numel(g.out(0))) / double(S::numel(g.in(0))); // 1/n
  SmallVector<Value> terms;
  if (dOut[0])
    terms.push_back(g.mulScalar(spread(g, dOut[0]), scale));
  if (dOut[1]) { // d var / dx = 2 (x - mean) / n
    Value centered = g.sub(g.in(0), spread(g, g.out(0)));
    terms.push_back(g.mul(spread(g, dOut[1]), g.mulScalar(centered, 2 * scale)));
  }
  dIn[0] = g.sum(terms);
}

const GradRule kRules[] = {
    {"sum", GradKind::Rule, sumGrad},         {"mean", GradKind::Rule, meanGrad},
    {"prod", GradKind::Rule, prodGrad},       {"nansum", GradKind::Rule, nansumGrad},
    {"nanprod", GradKind::Rule, prodGrad},    {"max", GradKind::Rule, extremeGrad},
    {"min", GradKind::Rule, extremeGrad},     {"norm", GradKind::Rule, normGrad},
    {"moments", GradKind::Rule, momentsGrad},
};

} // namespace

std::span<const GradRule> mlir::mx::reduceGradRules() { return kRules; }
