//===- GradientRulesShape.cpp - gradients of layout and slicing ops -------===//
//
// Moving data around is its own gradient, reversed: reshapes reshape the
// gradient back, transposes apply the inverse permutation, a slice writes
// its gradient into zeros (_slice_assign), a concatenation slices its
// gradient apart, tiling and repeating sum the copies, broadcasting sums
// down to the input's shape. Shapes are static, so every axis and extent is
// computed here.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

#include <numeric>

using namespace mlir;
using namespace mlir::mx;

namespace {

using S = GradBuilder;

int64_t normAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

Dims dimsOf(ArrayRef<int64_t> a) { return Dims(a.begin(), a.end()); }

/// Gradients that are the output gradient reshaped to the input's shape.
void reshapeBack(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.reshape(dOut[0], S::shape(g.in(0)));
}

void sumToInput(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.sumTo(dOut[0], S::shape(g.in(0)));
}

void transposeGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  int64_t rank = S::rank(g.in(0));
  Dims axes = g.attrs().getShape("axes");
  if (axes.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      axes.push_back(i);
  Dims inverse(size_t(rank), 0);
  for (int64_t i = 0; i < rank; ++i)
    inverse[size_t(normAxis(axes[size_t(i)], rank))] = i;
  dIn[0] = g.transpose(dOut[0], inverse);
}

void swapAxisGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = g.create("SwapAxis", {dOut[0]},
                    {{"dim1", g.attrs().getInt("dim1")}, {"dim2", g.attrs().getInt("dim2")}});
}

/// The gradient of taking the window [begin, end) by step of x: dy written
/// into zeros of x's shape.
Value scatterWindow(GradBuilder &g, Value dy, Value x, const Dims &begin, const Dims &end,
                    const Dims &step) {
  return g.create("_slice_assign", {g.zerosLike(x), dy},
                  {{"begin", begin}, {"end", end}, {"step", step}});
}

void sliceGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  dIn[0] = scatterWindow(g, dOut[0], g.in(0), g.attrs().getShape("begin"),
                         g.attrs().getShape("end"), g.attrs().getShape("step"));
}

void sliceAxisGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  int64_t rank = S::rank(g.in(0));
  int64_t axis = normAxis(g.attrs().getInt("axis"), rank);
  int64_t extent = S::shape(g.in(0))[size_t(axis)];
  int64_t begin = g.attrs().getInt("begin");
  begin = begin < 0 ? begin + extent : begin;
  Dims b(size_t(rank), mxrt::kNoneIndex), e(size_t(rank), mxrt::kNoneIndex);
  b[size_t(axis)] = begin;
  e[size_t(axis)] = begin + S::shape(g.out(0))[size_t(axis)];
  dIn[0] = scatterWindow(g, dOut[0], g.in(0), b, e, {});
}

/// slice_like and Crop: the output is the window of the output's extents
/// starting at `offsets`.
void windowGrad(GradBuilder &g, Value dy, MutableArrayRef<Value> dIn, const Dims &offsets) {
  ArrayRef<int64_t> out = S::shape(g.out(0));
  Dims end;
  for (auto [o, n] : llvm::zip(offsets, out))
    end.push_back(o + n);
  dIn[0] = scatterWindow(g, dy, g.in(0), offsets, end, {});
}

void sliceLikeGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  windowGrad(g, dOut[0], dIn, Dims(size_t(S::rank(g.in(0))), 0));
}

void cropGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  ArrayRef<int64_t> in = S::shape(g.in(0)), out = S::shape(g.out(0));
  Dims offsets{0, 0, 0, 0};
  Dims offset = g.attrs().getShape("offset");
  for (size_t i = 0; i < 2; ++i)
    offsets[i + 2] = g.attrs().getBool("center_crop") ? (in[i + 2] - out[i + 2]) / 2
                                                      : (i < offset.size() ? offset[i] : 0);
  windowGrad(g, dOut[0], dIn, offsets);
}

/// Concat and stack: slice each input's part out of the gradient.
void concatGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  bool stack = g.op()->getName().stripDialect() == "stack";
  int64_t rank = S::rank(g.out(0));
  int64_t axis = normAxis(g.attrs().getInt(stack ? "axis" : "dim"), rank);
  int64_t begin = 0;
  for (unsigned i = 0; i < g.numIn(); ++i) {
    int64_t extent = stack ? 1 : S::shape(g.in(i))[size_t(axis)];
    if (g.wants(i)) {
      Value part = g.create("slice_axis", {dOut[0]},
                            {{"axis", axis}, {"begin", begin}, {"end", begin + extent}});
      dIn[i] = g.reshape(part, S::shape(g.in(i)));
    }
    begin += extent;
  }
}

/// SliceChannel and _split_v2: concatenate the parts' gradients (zeros for
/// parts that got none), restoring squeezed axes.
void splitGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  int64_t rank = S::rank(g.in(0));
  int64_t axis = normAxis(g.attrs().getInt("axis"), rank);
  Dims extents;
  bool split = g.op()->getName().stripDialect() == "_split_v2";
  int64_t total = S::shape(g.in(0))[size_t(axis)];
  unsigned n = g.op()->getNumResults();
  if (split && g.attrs().getInt("sections") == 0) {
    Dims idx = g.attrs().getShape("indices");
    for (size_t i = 0; i < idx.size(); ++i)
      extents.push_back((i + 1 < idx.size() ? idx[i + 1] : total) - idx[i]);
  } else {
    extents.assign(n, total / int64_t(n));
  }
  SmallVector<Value> parts;
  for (unsigned i = 0; i < n; ++i) {
    Dims shape = dimsOf(S::shape(g.in(0)));
    shape[size_t(axis)] = extents[i];
    if (extents[i] == 0)
      continue;
    parts.push_back(dOut[i] ? g.reshape(dOut[i], shape) : g.zeros(shape, S::elementType(g.in(0))));
  }
  dIn[0] = parts.size() == 1
               ? parts.front()
               : g.create("Concat", parts, {{"num_args", int64_t(parts.size())}, {"dim", axis}});
}

void tileGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // Align ranks (either side may be longer; missing dims are 1), view the
  // gradient as (reps0, x0, reps1, x1, ...) and sum the reps axes.
  Dims reps = g.attrs().getShape("reps");
  Dims xs = dimsOf(S::shape(g.in(0)));
  size_t rank = std::max(reps.size(), xs.size());
  reps.insert(reps.begin(), rank - reps.size(), 1);
  xs.insert(xs.begin(), rank - xs.size(), 1);
  Dims view, axes;
  for (size_t i = 0; i < rank; ++i) {
    axes.push_back(int64_t(view.size()));
    view.push_back(reps[i]);
    view.push_back(xs[i]);
  }
  dIn[0] = g.reshape(g.reduceSum(g.reshape(dOut[0], view), axes, false), S::shape(g.in(0)));
}

void repeatGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  int64_t repeats = g.attrs().getInt("repeats");
  std::optional<int64_t> axis = g.attrs().getOptInt("axis");
  Dims view;
  int64_t sumAxis;
  if (!axis) { // flattened
    view = {S::numel(g.in(0)), repeats};
    sumAxis = 1;
  } else {
    view = dimsOf(S::shape(g.in(0)));
    sumAxis = normAxis(*axis, int64_t(view.size())) + 1;
    view.insert(view.begin() + sumAxis, repeats);
  }
  dIn[0] = g.reshape(g.reduceSum(g.reshape(dOut[0], view), {sumAxis}, false), S::shape(g.in(0)));
}

void padGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (g.attrs().getStr("mode") != "constant") {
    g.error() << "the gradient of Pad supports mode 'constant' only, got '"
              << g.attrs().getStr("mode") << "'";
    return;
  }
  Dims width = g.attrs().getShape("pad_width");
  Dims begin, end;
  for (auto [i, n] : llvm::enumerate(S::shape(g.in(0)))) {
    begin.push_back(width[2 * i]);
    end.push_back(width[2 * i] + n);
  }
  dIn[0] = g.create("slice", {dOut[0]}, {{"begin", begin}, {"end", end}});
}

void diagGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  int64_t k = g.attrs().getInt("k");
  ArrayRef<int64_t> xs = S::shape(g.in(0));
  if (xs.size() == 1) { // the output is the matrix: take its diagonal back
    dIn[0] = g.create("diag", {dOut[0]}, {{"k", k}});
    return;
  }
  if (xs.size() != 2 || normAxis(g.attrs().getInt("axis1"), 2) != 0 ||
      normAxis(g.attrs().getInt("axis2"), 2) != 1) {
    g.error() << "the gradient of diag supports 1-D and 2-D data (default axes)";
    return;
  }
  // Element i of the diagonal sits in row i (k >= 0) or column i (k < 0):
  // spread dy along that axis and keep diagonal k of the result.
  int64_t rows = xs[0], cols = xs[1], len = S::shape(g.out(0))[0];
  int64_t along = k >= 0 ? rows : cols;
  Value dy = dOut[0];
  if (along > len)
    dy = g.create("Concat", {dy, g.zeros({along - len}, S::elementType(dy))},
                  {{"num_args", int64_t(2)}, {"dim", int64_t(0)}});
  dy = g.reshape(dy, k >= 0 ? Dims{rows, 1} : Dims{1, cols});
  Value eye =
      g.create("_eye", {}, {{"N", rows}, {"M", cols}, {"k", k}, {"dtype", S::dtypeName(g.in(0))}});
  dIn[0] = g.bcast("mul", eye, dy);
}

void sliceAssignGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  std::vector<GradAttr> window{{"begin", g.attrs().getShape("begin")},
                               {"end", g.attrs().getShape("end")},
                               {"step", g.attrs().getShape("step")}};
  bool scalar = g.op()->getName().stripDialect() == "_slice_assign_scalar";
  if (g.wants(0)) {
    std::vector<GradAttr> attrs = window;
    attrs.push_back({"scalar", 0.0});
    dIn[0] = g.create("_slice_assign_scalar", {dOut[0]}, attrs);
  }
  if (!scalar && g.wants(1))
    dIn[1] = g.create("slice", {dOut[0]}, window);
}

/// SequenceMask and SequenceReverse are their own gradients (mask with 0).
void sequenceSelfGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  bool mask = g.op()->getName().stripDialect() == "SequenceMask";
  bool lengths = g.attrs().getBool("use_sequence_length");
  SmallVector<Value> operands{dOut[0]};
  if (lengths)
    operands.push_back(g.in(1));
  std::vector<GradAttr> attrs{{"use_sequence_length", lengths}, {"axis", g.attrs().getInt("axis")}};
  if (mask)
    attrs.push_back({"value", 0.0});
  dIn[0] = g.create(mask ? "SequenceMask" : "SequenceReverse", operands, attrs);
}

void sequenceLastGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // data (T, N, ...) (axis 0) or (N, T, ...) (axis 1): dy goes to step
  // length - 1 of each sequence, through a one-hot mask over time.
  Value x = g.in(0);
  ArrayRef<int64_t> xs = S::shape(x);
  int64_t axis = g.attrs().getInt("axis");
  int64_t batchAxis = 1 - axis, steps = xs[size_t(axis)], batch = xs[size_t(batchAxis)];
  Value last;
  if (g.attrs().getBool("use_sequence_length"))
    last = g.castLike(g.addScalar(g.in(1), -1), x);
  else
    last = g.create(
        "_full", {},
        {{"shape", Dims{batch}}, {"value", double(steps - 1)}, {"dtype", S::dtypeName(x)}});
  Value hot = g.create("one_hot", {last}, {{"depth", steps}, {"dtype", S::dtypeName(x)}});
  if (axis == 0)
    hot = g.transpose(hot, {1, 0}); // (T, N)
  Dims hotShape(xs.size(), 1);
  hotShape[size_t(axis)] = steps;
  hotShape[size_t(batchAxis)] = batch;
  Dims dyShape = dimsOf(xs);
  dyShape[size_t(axis)] = 1;
  dIn[0] = g.bcast("mul", g.reshape(hot, hotShape), g.reshape(dOut[0], dyShape));
}

void depthSpaceGrad(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  bool toSpace = g.op()->getName().stripDialect() == "depth_to_space";
  dIn[0] = g.create(toSpace ? "space_to_depth" : "depth_to_space", {dOut[0]},
                    {{"block_size", g.attrs().getInt("block_size")}});
}

const GradRule kRules[] = {
    {"Reshape", GradKind::Rule, reshapeBack},
    {"Flatten", GradKind::Rule, reshapeBack},
    {"expand_dims", GradKind::Rule, reshapeBack},
    {"squeeze", GradKind::Rule, reshapeBack},
    {"reshape_like", GradKind::Rule, reshapeBack},
    {"transpose", GradKind::Rule, transposeGrad},
    {"SwapAxis", GradKind::Rule, swapAxisGrad},
    {"broadcast_to", GradKind::Rule, sumToInput},
    {"broadcast_axis", GradKind::Rule, sumToInput},
    {"broadcast_like", GradKind::Rule, sumToInput},
    {"slice", GradKind::Rule, sliceGrad},
    {"slice_axis", GradKind::Rule, sliceAxisGrad},
    {"slice_like", GradKind::Rule, sliceLikeGrad},
    {"Crop", GradKind::Rule, cropGrad},
    {"_slice_assign", GradKind::Rule, sliceAssignGrad},
    {"_slice_assign_scalar", GradKind::Rule, sliceAssignGrad},
    {"Concat", GradKind::Rule, concatGrad},
    {"stack", GradKind::Rule, concatGrad},
    {"SliceChannel", GradKind::Rule, splitGrad},
    {"_split_v2", GradKind::Rule, splitGrad},
    {"tile", GradKind::Rule, tileGrad},
    {"repeat", GradKind::Rule, repeatGrad},
    {"Pad", GradKind::Rule, padGrad, "mode 'constant' only"},
    {"reverse", GradKind::Rule,
     [](GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
       dIn[0] = g.create("reverse", {dOut[0]}, {{"axis", g.attrs().getShape("axis")}});
     }},
    {"depth_to_space", GradKind::Rule, depthSpaceGrad},
    {"space_to_depth", GradKind::Rule, depthSpaceGrad},
    {"diag", GradKind::Rule, diagGrad, "1-D and 2-D data"},
    {"SequenceMask", GradKind::Rule, sequenceSelfGrad},
    {"SequenceReverse", GradKind::Rule, sequenceSelfGrad},
    {"SequenceLast", GradKind::Rule, sequenceLastGrad},
};

} // namespace

std::span<const GradRule> mlir::mx::shapeGradRules() { return kRules; }
