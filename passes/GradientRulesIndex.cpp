//===- GradientRulesIndex.cpp - gradients of gathering ops ----------------===//
//
// A gather's gradient scatters and adds. Forward ops express that as a
// product with a one-hot matrix: for take along axis 0 with flat indices
// i (I,) into a (A, R), da = one_hot(i, A)^T . dy(I, R). That costs I * A
// one-hot elements, fine for the ops' usual sizes; a scatter-add internal
// op would serve large embedding tables better (docs/passes.md). Indices
// themselves get no gradient. pick, batch_take, topk and sort multiply the
// one-hot mask with the broadcast gradient instead.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

using namespace mlir;
using namespace mlir::mx;

namespace {

using S = GradBuilder;

Dims dimsOf(ArrayRef<int64_t> a) { return Dims(a.begin(), a.end()); }

/// d table (A, R) = one_hot(indices, A)^T dy (I, R), indices flattened to I.
Value scatterAddRows(GradBuilder &g, Value indices, Value dy, int64_t rowsA, Value like) {
  int64_t count = S::numel(indices);
  Value hot = g.create("one_hot", {g.reshape(indices, {count})},
                       {{"depth", rowsA}, {"dtype", S::dtypeName(like)}});
  Value flat = g.reshape(dy, {count, S::numel(dy) / count});
  return g.create("dot", {hot, flat}, {{"transpose_a", true}});
}

void embedding(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(1))
    return;
  Value w = g.in(1);
  dIn[1] = g.reshape(scatterAddRows(g, g.in(0), dOut[0], S::shape(w)[0], w), S::shape(w));
}

void take(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  Value a = g.in(0), idx = g.in(1);
  ArrayRef<int64_t> as = S::shape(a);
  int64_t rank = int64_t(as.size()), axis = g.attrs().getInt("axis");
  axis = axis < 0 ? axis + rank : axis;
  int64_t extent = as[size_t(axis)];
  // Out-of-range indices: 'wrap' takes them modulo the extent, else clipped.
  if (g.attrs().getStr("mode") == "wrap")
    idx = g.scalar("_mod_scalar", idx, double(extent));
  else
    idx = g.create("clip", {idx}, {{"a_min", 0.0}, {"a_max", double(extent - 1)}});
  // dy is pre + idx + post; move the index dims first: (I, pre, post).
  int64_t pre = 1, post = 1;
  for (int64_t i = 0; i < axis; ++i)
    pre *= as[size_t(i)];
  for (int64_t i = axis + 1; i < rank; ++i)
    post *= as[size_t(i)];
  int64_t count = S::numel(g.in(1));
  Value dy = g.reshape(dOut[0], {pre, count, post});
  dy = g.transpose(dy, {1, 0, 2});
  Value rows = scatterAddRows(g, idx, dy, extent, a); // (extent, pre * post)
  rows = g.transpose(g.reshape(rows, {extent, pre, post}), {1, 0, 2});
  dIn[0] = g.reshape(rows, as);
}

/// one_hot(index, extent) with the class axis moved to `axis` of a rank-
/// `rank` result (one_hot appends it last).
Value hotAlong(GradBuilder &g, Value index, int64_t extent, int64_t axis, int64_t rank,
               Value like) {
  Value hot = g.create("one_hot", {index}, {{"depth", extent}, {"dtype", S::dtypeName(like)}});
  Dims perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i < axis ? i : i == axis ? rank - 1 : i - 1);
  return g.transpose(hot, perm);
}

void pick(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  Value x = g.in(0);
  ArrayRef<int64_t> xs = S::shape(x);
  int64_t rank = int64_t(xs.size());
  std::optional<int64_t> axisAttr = g.attrs().getOptInt("axis");
  if (!axisAttr) {
    g.error() << "the gradient of pick needs an axis";
    return;
  }
  int64_t axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr, extent = xs[size_t(axis)];
  Dims reduced = dimsOf(xs), kept = dimsOf(xs);
  reduced.erase(reduced.begin() + axis);
  kept[size_t(axis)] = 1;
  Value index = g.reshape(g.in(1), reduced);
  if (g.attrs().getStr("mode") == "wrap")
    index = g.scalar("_mod_scalar", index, double(extent));
  else
    index = g.create("clip", {index}, {{"a_min", 0.0}, {"a_max", double(extent - 1)}});
  Value hot = hotAlong(g, index, extent, axis, rank, x);
  dIn[0] = g.bcast("mul", hot, g.reshape(dOut[0], kept));
}

void batchTake(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  Value a = g.in(0);
  ArrayRef<int64_t> as = S::shape(a);
  int64_t n = as[0], m = S::numel(a) / n;
  Value hot =
      g.create("one_hot", {g.reshape(g.in(1), {n})}, {{"depth", m}, {"dtype", S::dtypeName(a)}});
  dIn[0] = g.reshape(g.bcast("mul", hot, g.reshape(dOut[0], {n, 1})), as);
}

void gatherNd(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  // indices (M, Y...) address the first M axes of data: ravel them to one
  // index into those axes' product, then scatter-add rows.
  Value x = g.in(0), idx = g.in(1);
  ArrayRef<int64_t> xs = S::shape(x);
  int64_t m = S::shape(idx)[0], lead = 1;
  for (int64_t i = 0; i < m; ++i)
    lead *= xs[size_t(i)];
  Value flat = g.create("_ravel_multi_index", {idx}, {{"shape", Dims(xs.begin(), xs.begin() + m)}});
  dIn[0] = g.reshape(scatterAddRows(g, flat, dOut[0], lead, x), xs);
}

void scatterNd(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (g.wants(0))
    dIn[0] = g.create("gather_nd", {dOut[0], g.in(1)});
}

/// topk (values) and sort: each value's gradient goes back to the position
/// its index names along the axis: sum over the k slots of
/// one_hot(index) * dy.
void sortedGrad(GradBuilder &g, Value indices, Value dy, MutableArrayRef<Value> dIn) {
  Value x = g.in(0);
  ArrayRef<int64_t> xs = S::shape(x);
  int64_t rank = int64_t(xs.size());
  std::optional<int64_t> axisAttr = g.attrs().getOptInt("axis");
  Value flatX = x;
  int64_t axis;
  if (!axisAttr) { // over the flattened data
    axis = 0;
    rank = 1;
  } else {
    axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  }
  Dims shape = axisAttr ? dimsOf(xs) : Dims{S::numel(x)};
  int64_t extent = shape[size_t(axis)];
  int64_t k = S::shape(indices)[axisAttr ? size_t(axis) : 0];
  Dims idxShape = shape;
  idxShape[size_t(axis)] = k;
  // one_hot appends the position axis: (..., k at axis, ..., extent);
  // weight by dy, sum the k axis, and put the position axis at `axis`.
  Value hot = g.create("one_hot", {g.reshape(indices, idxShape)},
                       {{"depth", extent}, {"dtype", S::dtypeName(flatX)}});
  Dims dyShape = idxShape;
  dyShape.push_back(1);
  Value weighted = g.bcast("mul", hot, g.reshape(dy, dyShape));
  Value summed = g.reduceSum(weighted, {axis}, false); // (... without axis ..., extent)
  Dims perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i < axis ? i : i == axis ? rank - 1 : i - 1);
  dIn[0] = g.reshape(g.transpose(summed, perm), xs);
}

void topk(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  const std::string &ret = g.attrs().getStr("ret_typ");
  if (!g.wants(0) || !dOut[0] || (ret != "value" && ret != "both"))
    return; // indices and masks carry no gradient
  Value indices = ret == "both" ? g.out(1) : Value();
  if (!indices) {
    std::vector<GradAttr> attrs{{"k", g.attrs().getInt("k")},
                                {"ret_typ", std::string("indices")},
                                {"is_ascend", g.attrs().getBool("is_ascend")}};
    if (std::optional<int64_t> axis = g.attrs().getOptInt("axis"))
      attrs.push_back({"axis", *axis});
    else
      attrs.push_back({"axis", std::monostate()});
    indices = g.create("topk", {g.in(0)}, attrs);
  }
  sortedGrad(g, indices, dOut[0], dIn);
}

void sort(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!g.wants(0))
    return;
  // The order, from argsort (sort's hidden indices output is not written
  // by every kernel).
  std::vector<GradAttr> attrs{{"is_ascend", g.attrs().getBool("is_ascend")}};
  if (std::optional<int64_t> axis = g.attrs().getOptInt("axis"))
    attrs.push_back({"axis", *axis});
  else
    attrs.push_back({"axis", std::monostate()});
  sortedGrad(g, g.create("argsort", {g.in(0)}, attrs), dOut[0], dIn);
}

const GradRule kRules[] = {
    {"Embedding", GradKind::Rule, embedding},
    {"take", GradKind::Rule, take},
    {"batch_take", GradKind::Rule, batchTake},
    {"pick", GradKind::Rule, pick},
    {"gather_nd", GradKind::Rule, gatherNd},
    {"scatter_nd", GradKind::Rule, scatterNd},
    {"topk", GradKind::Rule, topk},
    {"sort", GradKind::Rule, sort},
};

} // namespace

std::span<const GradRule> mlir::mx::indexGradRules() { return kRules; }
