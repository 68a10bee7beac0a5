//===- GradientRulesNN.cpp - gradients of neural-network layers -----------===//
//
// Layers decompose into forward ops wherever MXNet's backward is itself a
// forward computation:
// - FullyConnected: dx = dy W, dW = dy^T x, db = sum(dy) (dot and sum);
// - Convolution: dx is a Deconvolution of dy with the same weight; dW is a
//   convolution of the data (batch and channels swapped) with dy as the
//   kernel, stride and dilation exchanged; Deconvolution the converse;
// - normalization layers: the textbook formulas over batch, layer, group
//   or instance statistics (BatchNorm reads the batch mean and 1/sqrt(var +
//   eps) that its forward saved in its hidden outputs, as MXNet does);
// - LRN: its window sum over channels is a sum Pooling;
// - Dropout: dy times the mask the forward drew.
// Pooling is the exception: _backward_Pooling (MxGradOps.td).
// Layouts other than NC... (channels first) are not supported yet.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

#include <cmath>

using namespace mlir;
using namespace mlir::mx;

namespace {

using S = GradBuilder;

Dims dimsOf(ArrayRef<int64_t> a) { return Dims(a.begin(), a.end()); }
Dims iota(int64_t begin, int64_t end) {
  Dims d;
  for (int64_t i = begin; i < end; ++i)
    d.push_back(i);
  return d;
}
/// Every axis of a rank-`rank` tensor but `axis`.
Dims allBut(int64_t rank, int64_t axis) {
  Dims d;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      d.push_back(i);
  return d;
}
/// Ones with `extent` at `axis`: the broadcast shape of a per-channel vector.
Dims along(int64_t rank, int64_t axis, int64_t extent) {
  Dims d(size_t(rank), 1);
  d[size_t(axis)] = extent;
  return d;
}

/// The op's `axis` attribute in [0, rank of input 0).
int64_t axisAttr(GradBuilder &g) {
  int64_t rank = S::rank(g.in(0)), axis = g.attrs().getInt("axis");
  return axis < 0 ? axis + rank : axis;
}

bool channelsFirst(GradBuilder &g) {
  if (!g.attrs().op().findAttr("layout") || g.attrs().isNone("layout") ||
      g.attrs().getStr("layout").substr(0, 2) == "NC")
    return true;
  g.error() << "the gradient supports channels-first layouts (NC...) only, got '"
            << g.attrs().getStr("layout") << "'";
  return false;
}

//===--- FullyConnected ------------------------------------------------------===//

void fullyConnected(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value x = g.in(0), w = g.in(1);
  int64_t hidden = S::shape(w)[0], k = S::shape(w)[1];
  int64_t rows = S::numel(x) / k;
  Value dy = g.reshape(dOut[0], {rows, hidden});
  if (g.wants(0))
    dIn[0] = g.reshape(g.create("dot", {dy, w}), S::shape(x));
  if (g.wants(1))
    dIn[1] = g.create("dot", {dy, g.reshape(x, {rows, k})}, {{"transpose_a", true}});
  if (!g.attrs().getBool("no_bias") && g.wants(2))
    dIn[2] = g.reshape(g.reduceSum(dy, {0}, false), S::shape(g.in(2)));
}

//===--- Convolution and Deconvolution ---------------------------------------===//

struct Window {
  Dims kernel, stride, dilate, pad;
  int64_t groups;
};

Window windowOf(GradBuilder &g) {
  Window w;
  w.kernel = g.attrs().getShape("kernel");
  size_t nd = w.kernel.size();
  auto orDefault = [&](std::string_view name, int64_t d) {
    Dims v = g.attrs().getShape(name);
    return v.empty() ? Dims(nd, d) : v;
  };
  w.stride = orDefault("stride", 1);
  w.dilate = orDefault("dilate", 1);
  w.pad = orDefault("pad", 0);
  w.groups = g.attrs().getInt("num_group");
  return w;
}

/// The weight gradient of a convolution of `x` (N, C, *S) giving `dy`
/// (N, F, *O), weight shape (F, C/G, *k): a grouped convolution whose batch
/// is the data's channels and whose kernel is dy, with stride and dilation
/// exchanged; its output (C/G, F, *k') is transposed and cut to *k.
Value convWeightGrad(GradBuilder &g, Value x, Value dy, const Window &w,
                     ArrayRef<int64_t> weightShape) {
  ArrayRef<int64_t> xs = S::shape(x), ys = S::shape(dy);
  int64_t n = xs[0], c = xs[1], groups = w.groups, cg = c / groups;
  int64_t nd = int64_t(xs.size()) - 2;
  Dims swap = iota(0, nd + 2);
  std::swap(swap[0], swap[1]);
  Value xt;
  if (groups == 1) {
    xt = g.transpose(x, swap); // (C, N, *S)
  } else {
    Dims split{n, groups, cg};
    split.insert(split.end(), xs.begin() + 2, xs.end());
    Dims perm{2, 1, 0};
    for (int64_t i = 0; i < nd; ++i)
      perm.push_back(3 + i);
    Dims merged{cg, groups * n};
    merged.insert(merged.end(), xs.begin() + 2, xs.end());
    xt = g.reshape(g.transpose(g.reshape(x, split), perm), merged); // (C/G, G*N, *S)
  }
  Value kernel = g.transpose(dy, swap); // (F, N, *O)
  Dims outSpatial(ys.begin() + 2, ys.end());
  Value conv = g.create("Convolution", {xt, kernel},
                        {{"kernel", outSpatial},
                         {"stride", w.dilate},
                         {"dilate", w.stride},
                         {"pad", w.pad},
                         {"num_filter", ys[1]},
                         {"num_group", groups},
                         {"no_bias", true}});
  Value dw = g.transpose(conv, swap); // (F, C/G, *k')
  if (dw && S::shape(dw) != weightShape)
    dw = g.create("slice", {dw},
                  {{"begin", Dims(weightShape.size(), 0)}, {"end", dimsOf(weightShape)}});
  return dw;
}

Value channelSum(GradBuilder &g, Value dy, Value like) {
  return g.reshape(g.reduceSum(dy, allBut(S::rank(dy), 1), false), S::shape(like));
}

void convolution(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!channelsFirst(g))
    return;
  Value x = g.in(0), w = g.in(1), dy = dOut[0];
  Window win = windowOf(g);
  ArrayRef<int64_t> xs = S::shape(x), ys = S::shape(dy);
  if (g.wants(0)) {
    // Deconvolution of dy gives s (O - 1) + d (k - 1) + 1 - 2 p + adj.
    Dims adj;
    for (size_t i = 0; i < win.kernel.size(); ++i)
      adj.push_back(xs[i + 2] - (win.stride[i] * (ys[i + 2] - 1) +
                                 win.dilate[i] * (win.kernel[i] - 1) + 1 - 2 * win.pad[i]));
    dIn[0] = g.create("Deconvolution", {dy, w},
                      {{"kernel", win.kernel},
                       {"stride", win.stride},
                       {"dilate", win.dilate},
                       {"pad", win.pad},
                       {"adj", adj},
                       {"num_filter", xs[1]},
                       {"num_group", win.groups},
                       {"no_bias", true}});
  }
  if (g.wants(1))
    dIn[1] = convWeightGrad(g, x, dy, win, S::shape(w));
  if (!g.attrs().getBool("no_bias") && g.wants(2))
    dIn[2] = channelSum(g, dy, g.in(2));
}

/// Deconvolution's padding: with target_shape, MXNet derives pad (and adj)
/// from the target, else the attribute holds.
Dims deconvPad(GradBuilder &g, const Window &win) {
  Dims target = g.attrs().getShape("target_shape");
  if (target.empty() || llvm::all_of(target, [](int64_t t) { return t == 0; }))
    return win.pad;
  ArrayRef<int64_t> xs = S::shape(g.in(0));
  Dims pad;
  for (size_t i = 0; i < win.kernel.size(); ++i) {
    int64_t total =
        win.stride[i] * (xs[i + 2] - 1) + win.dilate[i] * (win.kernel[i] - 1) + 1 - target[i];
    pad.push_back((total + 1) / 2);
  }
  return pad;
}

void deconvolution(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!channelsFirst(g))
    return;
  Value x = g.in(0), w = g.in(1), dy = dOut[0];
  Window win = windowOf(g);
  win.pad = deconvPad(g, win);
  if (g.wants(0))
    dIn[0] = g.create("Convolution", {dy, w},
                      {{"kernel", win.kernel},
                       {"stride", win.stride},
                       {"dilate", win.dilate},
                       {"pad", win.pad},
                       {"num_filter", S::shape(x)[1]},
                       {"num_group", win.groups},
                       {"no_bias", true}});
  if (g.wants(1)) // the transposed convolution's weight: dy plays the data
    dIn[1] = convWeightGrad(g, dy, x, win, S::shape(w));
  if (!g.attrs().getBool("no_bias") && g.wants(2))
    dIn[2] = channelSum(g, dy, g.in(2));
}

//===--- Pooling and UpSampling ----------------------------------------------===//

/// The forward op's explicitly given attributes, to pass on.
std::vector<GradAttr> givenAttrs(GradBuilder &g) {
  std::vector<GradAttr> attrs;
  for (const mxrt::AttrSpec &a : g.attrs().op().attrs)
    if (g.attrs().isSet(a.name))
      attrs.emplace_back(a.name, g.attrs().get(a.name));
  return attrs;
}

void pooling(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!channelsFirst(g))
    return;
  SmallVector<Value> r = g.createAll("_backward_Pooling", {dOut[0], g.in(0), g.out(0)},
                                     givenAttrs(g), {g.in(0).getType()});
  if (!r.empty())
    dIn[0] = r.front();
}

void upSampling(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  int64_t scale = g.attrs().getInt("scale");
  Value dy = dOut[0];
  if (g.attrs().getStr("sample_type") == "bilinear") {
    // MXNet runs a grouped Deconvolution with the (C, 1, k, k) weight.
    int64_t c = S::shape(g.in(0))[1], k = 2 * scale - scale % 2;
    int64_t p = (scale - 1 + 1) / 2; // ceil((scale - 1) / 2)
    Window win{{k, k}, {scale, scale}, {1, 1}, {p, p}, c};
    if (g.wants(0))
      dIn[0] = g.create("Convolution", {dy, g.in(1)},
                        {{"kernel", win.kernel},
                         {"stride", win.stride},
                         {"pad", win.pad},
                         {"num_filter", c},
                         {"num_group", c},
                         {"no_bias", true}});
    if (g.wants(1))
      dIn[1] = convWeightGrad(g, dy, g.in(0), win, S::shape(g.in(1)));
    return;
  }
  // nearest: each input was repeated s_i times along H and W; sum the blocks.
  bool concat = g.attrs().getStr("multi_input_mode") == "concat" && g.numIn() > 1;
  ArrayRef<int64_t> ys = S::shape(dy);
  int64_t channel = 0;
  for (unsigned i = 0; i < g.numIn(); ++i) {
    ArrayRef<int64_t> xs = S::shape(g.in(i));
    Value part = dy;
    if (concat)
      part = g.create("slice_axis", {dy},
                      {{"axis", int64_t(1)}, {"begin", channel}, {"end", channel + xs[1]}});
    channel += xs[1];
    if (!g.wants(i))
      continue;
    int64_t s = ys[2] / xs[2];
    Value blocks = g.reshape(part, {xs[0], xs[1], xs[2], s, xs[3], s});
    dIn[i] = g.reduceSum(blocks, {3, 5}, false);
  }
}

//===--- Normalization -------------------------------------------------------===//

void batchNorm(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value x = g.in(0), dy = dOut[0];
  if (!dy)
    return;
  int64_t rank = S::rank(x), axis = axisAttr(g);
  int64_t c = S::shape(x)[size_t(axis)];
  double count = double(S::numel(x) / c);
  Dims red = allBut(rank, axis), bshape = along(rank, axis, c);
  bool batchStats = g.training() && !g.attrs().getBool("use_global_stats");
  bool fixGamma = g.attrs().getBool("fix_gamma");
  Value mean, invstd;
  if (batchStats) { // saved by the forward: batch mean and 1/sqrt(var + eps)
    mean = g.castLike(g.out(1), x);
    invstd = g.castLike(g.out(2), x);
  } else {
    mean = g.castLike(g.in(3), x);
    invstd = g.unary("rsqrt", g.addScalar(g.castLike(g.in(4), x), g.attrs().getFloat("eps")));
  }
  auto bc = [&](Value v) { return g.reshape(v, bshape); };
  bool needStats = batchStats && g.wants(0);
  Value xhat, dgamma, dbeta;
  if (needStats || (g.wants(1) && !fixGamma)) {
    xhat = g.bcast("mul", g.bcast("sub", x, bc(mean)), bc(invstd));
    dgamma = g.reduceSum(g.mul(dy, xhat), red, false);
  }
  if (needStats || g.wants(2))
    dbeta = g.reduceSum(dy, red, false);
  if (g.wants(0)) {
    Value scale = fixGamma ? invstd : g.mul(g.castLike(g.in(1), x), invstd);
    Value t = dy;
    if (batchStats)
      t = g.sub(dy, g.bcast("add", g.bcast("mul", xhat, bc(g.mulScalar(dgamma, 1 / count))),
                            bc(g.mulScalar(dbeta, 1 / count))));
    dIn[0] = g.bcast("mul", t, bc(scale));
  }
  if (g.wants(1) && !fixGamma) // fix_gamma: MXNet's gamma gradient is 0
    dIn[1] = g.castLike(dgamma, g.in(1));
  if (g.wants(2))
    dIn[2] = g.castLike(dbeta, g.in(2));
}

/// dx of a normalization over `axes` (keepdims statistics), given xhat and
/// dxhat = dy * gamma: (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) / std.
Value normalizedGrad(GradBuilder &g, Value xhat, Value dxhat, Value stdB, const Dims &axes) {
  auto meanOver = [&](Value v) {
    return g.create("mean", {v}, {{"axis", axes}, {"keepdims", true}});
  };
  Value t = g.bcast("sub", dxhat, meanOver(dxhat));
  t = g.sub(t, g.bcast("mul", xhat, meanOver(g.mul(dxhat, xhat))));
  return g.bcast("div", t, stdB);
}

void layerNorm(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value x = g.in(0), dy = dOut[0];
  if (!dy)
    return;
  int64_t rank = S::rank(x), axis = axisAttr(g);
  Dims gshape = along(rank, axis, S::shape(x)[size_t(axis)]);
  Value stdB = g.out(2); // mean and std keep the dims, axis reduced to 1
  Value xhat = g.bcast("div", g.bcast("sub", x, g.out(1)), stdB);
  if (g.wants(0))
    dIn[0] = normalizedGrad(g, xhat, g.bcast("mul", dy, g.reshape(g.in(1), gshape)), stdB, {axis});
  if (g.wants(1))
    dIn[1] = g.reduceSum(g.mul(dy, xhat), allBut(rank, axis), false);
  if (g.wants(2))
    dIn[2] = g.reduceSum(dy, allBut(rank, axis), false);
}

/// GroupNorm (groups from num_groups, gamma per group, saved mean and std)
/// and InstanceNorm (a group per channel, gamma per channel, statistics
/// recomputed): both normalize (N, G, D) views over D.
void groupNorm(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value x = g.in(0), dy = dOut[0];
  if (!dy)
    return;
  bool instance = g.op()->getName().stripDialect() == "InstanceNorm";
  ArrayRef<int64_t> xs = S::shape(x);
  int64_t n = xs[0], c = xs[1], groups = instance ? c : g.attrs().getInt("num_groups");
  int64_t d = S::numel(x) / (n * groups);
  Dims grouped{n, groups, d}, statShape{n, groups, 1};
  Value xg = g.reshape(x, grouped);
  Value mean, stdB;
  if (instance) {
    mean = g.create("mean", {xg}, {{"axis", Dims{2}}, {"keepdims", true}});
    Value var = g.create("mean", {g.unary("square", g.bcast("sub", xg, mean))},
                         {{"axis", Dims{2}}, {"keepdims", true}});
    stdB = g.unary("sqrt", g.addScalar(var, g.attrs().getFloat("eps")));
  } else {
    mean = g.reshape(g.out(1), statShape);
    stdB = g.reshape(g.out(2), statShape);
  }
  Value xhatG = g.bcast("div", g.bcast("sub", xg, mean), stdB);
  // gamma and beta: per channel (InstanceNorm) or per group (GroupNorm).
  Dims paramView = instance ? along(int64_t(xs.size()), 1, c) : Dims{1, groups, 1};
  auto inView = [&](Value v) { return instance ? g.reshape(v, xs) : v; };
  Value dyView = instance ? dy : g.reshape(dy, grouped);
  Value xhatView = inView(xhatG);
  Dims paramAxes = instance ? allBut(int64_t(xs.size()), 1) : Dims{0, 2};
  if (g.wants(0)) {
    Value dxhat = g.reshape(g.bcast("mul", dyView, g.reshape(g.in(1), paramView)), grouped);
    dIn[0] = g.reshape(normalizedGrad(g, xhatG, dxhat, stdB, {2}), xs);
  }
  if (g.wants(1))
    dIn[1] = g.reduceSum(g.mul(dyView, xhatView), paramAxes, false);
  if (g.wants(2))
    dIn[2] = g.reduceSum(dyView, paramAxes, false);
}

void l2Normalization(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value x = g.in(0), y = g.out(0), dy = dOut[0];
  int64_t rank = S::rank(x);
  const std::string &mode = g.attrs().getStr("mode");
  Dims axes = mode == "instance" ? iota(1, rank) : mode == "channel" ? Dims{1} : iota(2, rank);
  auto sumOver = [&](Value v) {
    return g.create("sum", {v}, {{"axis", axes}, {"keepdims", true}});
  };
  Value norm =
      g.unary("sqrt", g.addScalar(sumOver(g.unary("square", x)), g.attrs().getFloat("eps")));
  // dx = (dy - y sum(dy y)) / norm
  Value t = g.sub(dy, g.bcast("mul", y, sumOver(g.mul(dy, y))));
  dIn[0] = g.bcast("div", t, norm);
}

void lrn(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // y = x S^-beta, S = k + alpha/n sum_window(x^2) over channels;
  // dx = dy S^-beta - 2 alpha beta / n * x * sum_window(dy y / S).
  Value x = g.in(0), y = g.out(0), dy = dOut[0];
  ArrayRef<int64_t> xs = S::shape(x);
  int64_t nsize = g.attrs().getInt("nsize");
  double alpha = g.attrs().getFloat("alpha"), beta = g.attrs().getFloat("beta");
  int64_t spatial = S::numel(x) / (xs[0] * xs[1]);
  auto window = [&](Value v) { // sum over channels c - n/2 .. c + n/2 (a sum Pooling)
    Value pooled = g.create("Pooling", {g.reshape(v, {xs[0], 1, xs[1], spatial})},
                            {{"kernel", Dims{nsize, 1}},
                             {"stride", Dims{1, 1}},
                             {"pad", Dims{nsize / 2, 0}},
                             {"pool_type", std::string("sum")}});
    return g.reshape(pooled, xs);
  };
  Value s = g.addScalar(g.mulScalar(window(g.unary("square", x)), alpha / double(nsize)),
                        g.attrs().getFloat("knorm"));
  Value direct = g.mul(dy, g.powScalar(s, -beta));
  Value cross = g.mul(x, window(g.div(g.mul(dy, y), s)));
  dIn[0] = g.sub(direct, g.mulScalar(cross, 2 * alpha * beta / double(nsize)));
}

void dropout(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  bool active = g.training() || g.attrs().getStr("mode") == "always";
  if (!active) {
    dIn[0] = dOut[0];
    return;
  }
  Value mask = g.out(1); // the scaled keep mask (0 or 1 / (1 - p)) the forward drew
  dIn[0] =
      S::shape(mask) == S::shape(dOut[0]) ? g.mul(dOut[0], mask) : g.bcast("mul", dOut[0], mask);
}

const GradRule kRules[] = {
    {"FullyConnected", GradKind::Rule, fullyConnected},
    {"Convolution", GradKind::Rule, convolution, "channels-first layouts"},
    {"Deconvolution", GradKind::Rule, deconvolution, "channels-first layouts"},
    {"Pooling", GradKind::Rule, pooling, "channels-first layouts"},
    {"UpSampling", GradKind::Rule, upSampling},
    {"BatchNorm", GradKind::Rule, batchNorm},
    {"LayerNorm", GradKind::Rule, layerNorm},
    {"GroupNorm", GradKind::Rule, groupNorm},
    {"InstanceNorm", GradKind::Rule, groupNorm},
    {"L2Normalization", GradKind::Rule, l2Normalization},
    {"LRN", GradKind::Rule, lrn},
    {"Dropout", GradKind::Rule, dropout},
    {"RNN", GradKind::Undefined, nullptr, "the fused RNN layer's gradient is not implemented yet"},
    {"ROIPooling", GradKind::Undefined, nullptr, "ROIPooling's gradient is not implemented yet"},
};

} // namespace

std::span<const GradRule> mlir::mx::nnGradRules() { return kRules; }
