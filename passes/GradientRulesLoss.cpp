//===- GradientRulesLoss.cpp - gradients of softmax and loss layers -------===//
//
// Loss layers (op table isLoss) take no head gradient: their rule builds
// the loss gradient from the label, with MXNet 1.9.1's scaling
// (spec/mxnet-formats.md §6, checked against MXNet):
// - SoftmaxOutput: (softmax - onehot(label)) (smoothed by smooth_alpha),
//   rows labelled ignore_label zeroed with use_ignore, times grad_scale and
//   1/N ('batch'), 1/max(1, #labels != ignore_label) ('valid'), and for
//   multi_output 1/spatial size unless 'valid'; probability labels (the
//   output's shape) give (softmax - label) * grad_scale;
// - *RegressionOutput: (out - label), or its sign, * grad_scale / (outputs
//   per sample);
// - MakeLoss: grad_scale, / batch size or / #elements > valid_thresh.
// The softmax ops' gradients are y (dy - sum(dy y)) and their variants.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

using namespace mlir;
using namespace mlir::mx;

namespace {

using S = GradBuilder;

Dims dimsOf(ArrayRef<int64_t> a) { return Dims(a.begin(), a.end()); }

/// A constant-filled tensor of v's shape and dtype.
Value filled(GradBuilder &g, Value like, double value) {
  return g.create(
      "_full", {},
      {{"shape", dimsOf(S::shape(like))}, {"value", value}, {"dtype", S::dtypeName(like)}});
}

/// grad / max(1, count), count a (1,)-shaped tensor.
Value divideByCount(GradBuilder &g, Value grad, Value count) {
  Value c = g.scalar("_maximum_scalar", count, 1);
  return g.bcast("div", grad, g.reshape(c, Dims(size_t(S::rank(grad)), 1)));
}

Value countWhere(GradBuilder &g, std::string_view cmp, Value v, double s) {
  return g.create("sum", {g.scalar(cmp, v, s)});
}

void softmaxOutput(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  const mxrt::Attrs &a = g.attrs();
  Value p = g.out(0), label = g.castLike(g.in(1), g.out(0));
  ArrayRef<int64_t> ds = S::shape(p);
  double scale = a.getFloat("grad_scale");
  Value grad;
  if (S::shape(label) == ds) { // probability labels: no normalization, no ignore
    grad = g.mulScalar(g.sub(p, label), scale);
  } else {
    // View data as classes along one axis: (N, K, S) for multi_output,
    // (M, K) for preserve_shape (softmax over the last axis), (N, K) else.
    bool multi = a.getBool("multi_output"), preserve = a.getBool("preserve_shape");
    int64_t n = ds[0], k, rows;
    Dims view, labelView, keepView;
    if (multi) {
      k = ds[1];
      int64_t spatial = S::numel(p) / (n * k);
      view = {n, k, spatial};
      labelView = {n, spatial};
      keepView = {n, 1, spatial};
      rows = n * spatial;
    } else {
      k = preserve ? ds.back() : S::numel(p) / n;
      rows = S::numel(p) / k;
      view = {rows, k};
      labelView = {rows};
      keepView = {rows, 1};
    }
    Value labels = g.reshape(label, {S::numel(label)});
    if (S::numel(label) > rows) // MXNet reads the first N labels only
      labels = g.create("slice_axis", {labels},
                        {{"axis", int64_t(0)}, {"begin", int64_t(0)}, {"end", rows}});
    labels = g.reshape(labels, labelView);
    Value hot = g.create("one_hot", {labels}, {{"depth", k}, {"dtype", S::dtypeName(p)}});
    if (multi)
      hot = g.transpose(hot, {0, 2, 1});
    double alpha = a.getFloat("smooth_alpha");
    if (alpha != 0 && k > 1)
      hot = g.addScalar(g.mulScalar(hot, 1 - alpha - alpha / double(k - 1)), alpha / double(k - 1));
    grad = g.sub(g.reshape(p, view), hot);
    double ignore = a.getFloat("ignore_label");
    if (a.getBool("use_ignore"))
      grad =
          g.bcast("mul", grad, g.reshape(g.scalar("_not_equal_scalar", labels, ignore), keepView));
    const std::string &norm = a.getStr("normalization");
    if (norm == "valid") {
      grad = divideByCount(g, g.mulScalar(grad, scale),
                           countWhere(g, "_not_equal_scalar", label, ignore));
    } else {
      double divisor = norm == "batch" ? double(S::shape(g.in(1))[0]) : 1;
      if (multi)
        divisor *= double(view[2]);
      grad = g.mulScalar(grad, scale / divisor);
    }
    grad = g.reshape(grad, ds);
  }
  if (a.getBool("out_grad") && dOut[0])
    grad = g.mul(grad, dOut[0]);
  dIn[0] = g.castLike(grad, g.in(0));
}

/// LinearRegressionOutput, LogisticRegressionOutput (whose output is the
/// sigmoid already) and MAERegressionOutput.
void regressionOutput(GradBuilder &g, ArrayRef<Value>, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  Value out = g.out(0);
  Value label = g.castLike(g.reshape(g.in(1), S::shape(out)), out);
  Value diff = g.sub(out, label);
  if (g.op()->getName().stripDialect() == "MAERegressionOutput")
    diff = g.unary("sign", diff);
  double perSample = double(S::numel(out) / S::shape(out)[0]);
  dIn[0] = g.mulScalar(diff, g.attrs().getFloat("grad_scale") / perSample);
}

void makeLoss(GradBuilder &g, ArrayRef<Value>, MutableArrayRef<Value> dIn) {
  Value x = g.in(0);
  double scale = g.attrs().getFloat("grad_scale");
  const std::string &norm = g.attrs().getStr("normalization");
  if (norm == "valid") {
    dIn[0] = divideByCount(g, filled(g, x, scale),
                           countWhere(g, "_greater_scalar", x, g.attrs().getFloat("valid_thresh")));
    return;
  }
  dIn[0] = filled(g, x, norm == "batch" ? scale / double(S::shape(x)[0]) : scale);
}

void svmOutput(GradBuilder &g, ArrayRef<Value>, MutableArrayRef<Value> dIn) {
  // MXNet's L1-SVM / L2-SVM gradients, per element of row n, class j with
  // label y: j == y: -(margin > x) (L1) or -2 relu(margin - x) (L2);
  // j != y: (x > -margin) (L1) or 2 relu(margin + x) (L2); times the
  // regularization coefficient.
  Value x = g.in(0);
  double margin = g.attrs().getFloat("margin"),
         coef = g.attrs().getFloat("regularization_coefficient");
  int64_t k = S::shape(x)[1];
  Value hot = g.create("one_hot", {g.reshape(g.in(1), {S::shape(x)[0]})},
                       {{"depth", k}, {"dtype", S::dtypeName(x)}});
  Value other = g.rsubScalar(1, hot);
  Value atLabel, elsewhere;
  if (g.attrs().getBool("use_linear")) {
    atLabel = g.scalar("_lesser_scalar", x, margin);
    elsewhere = g.scalar("_greater_scalar", x, -margin);
  } else {
    atLabel = g.mulScalar(g.unary("relu", g.rsubScalar(margin, x)), 2);
    elsewhere = g.mulScalar(g.unary("relu", g.addScalar(x, margin)), 2);
  }
  dIn[0] = g.mulScalar(g.sub(g.mul(other, elsewhere), g.mul(hot, atLabel)), coef);
}

//===--- The softmax family ----------------------------------------------------===//

int64_t softmaxAxis(GradBuilder &g) {
  int64_t axis = g.attrs().getInt("axis"), rank = S::rank(g.in(0));
  return axis < 0 ? axis + rank : axis;
}

double temperature(GradBuilder &g) {
  std::optional<double> t = g.attrs().getOptFloat("temperature");
  return t ? *t : 1.0;
}

/// y (dy - sum(dy y)) over `axes` (keepdims).
Value softmaxBackward(GradBuilder &g, Value y, Value dy, const Dims &axes) {
  Value dot = g.create("sum", {g.mul(dy, y)}, {{"axis", axes}, {"keepdims", true}});
  return g.mul(y, g.bcast("sub", dy, dot));
}

void softmax(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  Value y = g.out(0);
  Value grad = softmaxBackward(g, y, dOut[0], {softmaxAxis(g)});
  double scale = 1 / temperature(g);
  if (g.op()->getName().stripDialect() == "softmin")
    scale = -scale;
  dIn[0] = g.castLike(g.mulScalar(grad, scale), g.in(0));
}

void logSoftmax(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // (dy - softmax * sum(dy)) / T, softmax = exp(y)
  Value y = g.out(0), dy = dOut[0];
  Value total = g.create("sum", {dy}, {{"axis", Dims{softmaxAxis(g)}}, {"keepdims", true}});
  Value grad = g.sub(dy, g.bcast("mul", g.unary("exp", y), total));
  dIn[0] = g.castLike(g.mulScalar(grad, 1 / temperature(g)), g.in(0));
}

void softmaxActivation(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  int64_t rank = S::rank(g.in(0));
  Dims axes{1};
  if (g.attrs().getStr("mode") == "instance")
    for (int64_t i = 2; i < rank; ++i)
      axes.push_back(i);
  dIn[0] = softmaxBackward(g, g.out(0), dOut[0], axes);
}

void softmaxCrossEntropy(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  Value x = g.in(0);
  Value p = g.create("softmax", {x}, {{"axis", int64_t(-1)}});
  Value hot =
      g.create("one_hot", {g.in(1)}, {{"depth", S::shape(x)[1]}, {"dtype", S::dtypeName(x)}});
  dIn[0] = g.bcast("mul", g.sub(p, hot), g.reshape(dOut[0], {1, 1}));
}

void ctcLoss(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // The forward computed d loss / d data per sequence (its hidden grad
  // output, (T, N, alphabet)); scale it by the loss's head gradient (N,).
  if (!g.wants(0) || !dOut[0])
    return;
  int64_t n = S::shape(g.in(0))[1];
  dIn[0] = g.bcast("mul", g.out(1), g.reshape(dOut[0], {1, n, 1}));
}

const GradRule kRules[] = {
    {"SoftmaxOutput", GradKind::Rule, softmaxOutput},
    {"LinearRegressionOutput", GradKind::Rule, regressionOutput},
    {"LogisticRegressionOutput", GradKind::Rule, regressionOutput},
    {"MAERegressionOutput", GradKind::Rule, regressionOutput},
    {"SVMOutput", GradKind::Rule, svmOutput},
    {"MakeLoss", GradKind::Rule, makeLoss},
    {"make_loss", GradKind::Rule,
     [](GradBuilder &g, ArrayRef<Value>, MutableArrayRef<Value> dIn) {
       dIn[0] = filled(g, g.in(0), 1);
     }},
    {"softmax", GradKind::Rule, softmax},
    {"softmin", GradKind::Rule, softmax},
    {"log_softmax", GradKind::Rule, logSoftmax},
    {"SoftmaxActivation", GradKind::Rule, softmaxActivation},
    {"softmax_cross_entropy", GradKind::Rule, softmaxCrossEntropy},
    {"CTCLoss", GradKind::Rule, ctcLoss},
};

} // namespace

std::span<const GradRule> mlir::mx::lossGradRules() { return kRules; }
