// shape_ops.cc - shape inference of the ops that rearrange data.
//
// Reshape (special values resolved by mxrt::inferReshape, one unknown input
// extent recovered from a known output), transpose and expand_dims (both
// directions), squeeze, tiling, padding and the block moves. Joining and
// splitting live in join_split.cc. One dtype throughout unless registered
// otherwise.
#include "ops/infer/common.h"

#include <algorithm>

namespace mxrt::infer {
namespace {

/// MXNet's ReverseReshapeInferShape: with the output known and exactly one
/// input extent unknown, that extent is the quotient of the sizes.
bool reverseReshape(TShape &in, const TShape &out) {
  if (in.known() && out.known())
    return true;
  if (!out.known())
    return false;
  int unknownAt = -1;
  int64_t prod = 1;
  for (int i = 0; i < in.ndim(); ++i) {
    if (known(in[i])) {
      prod *= in[i];
    } else if (unknownAt >= 0) {
      return false;
    } else {
      unknownAt = i;
    }
  }
  if (unknownAt >= 0 && prod != 0)
    in[unknownAt] = out.numel() / prod;
  return true;
}

bool reshapeShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].ndimKnown())
    return false;
  const std::vector<int64_t> &spec = attrs.getShape("shape");
  const std::vector<int64_t> &target = attrs.getShape("target_shape");
  TShape result;
  if (!spec.empty()) {
    try {
      result = inferReshape(in[0], spec, attrs.getBool("reverse"));
    } catch (const ShapeError &) {
      throw;
    } catch (const Error &e) {
      throw ShapeError(e.what(), 0, false);
    }
  } else if (!target.empty()) {
    // The legacy form: 0 marks the one extent to infer; keep_highest keeps
    // the first extent of the input.
    result = shapeOf(target);
    int start = attrs.getBool("keep_highest") ? 1 : 0, inferAt = -1, zeros = 0;
    if (start)
      result[0] = in[0][0];
    for (int i = start; i < result.ndim(); ++i)
      if (result[i] == 0) {
        ++zeros;
        inferAt = i;
      }
    if (zeros == 1) {
      result[inferAt] = 1;
      result[inferAt] = in[0].known() ? in[0].numel() / result.numel() : -1;
    }
  } else {
    return out[0].known() && reverseReshape(in[0], out[0]);
  }
  reverseReshape(in[0], result);
  assignOut(out, 0, result);
  return reverseReshape(in[0], out[0]);
}

bool flattenShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  assignOut(out, 0, TShape{data.ndim() ? data[0] : 1, prodKnown(data, 1, data.ndim())});
  return allKnown(in, out);
}

bool transposeShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0], &result = out[0];
  if (!data.ndimKnown() && !result.ndimKnown())
    return false;
  if (data.ndimKnown() && result.ndimKnown() && data.ndim() != result.ndim())
    throw ShapeError(
        str("transpose: the output has ", result.ndim(), " dims, the input ", data.ndim()));
  int nd = std::max(data.ndim(), result.ndim());
  std::vector<int64_t> axes = attrs.getShape("axes");
  if (axes.empty())
    for (int i = 0; i < nd; ++i)
      axes.push_back(nd - 1 - i);
  if (int(axes.size()) != nd)
    throw ShapeError(str("transpose: axes ", bracket(shapeOf(axes)), " for ", nd, " dims"));
  TShape fromOut(nd, -1), fromIn(nd, -1);
  for (int i = 0; i < nd; ++i) {
    if (axes[size_t(i)] < 0 || axes[size_t(i)] >= nd)
      throw ShapeError(str("transpose: axis ", axes[size_t(i)], " out of range for ", nd, " dims"));
    int a = int(axes[size_t(i)]);
    if (data.ndimKnown())
      fromIn[i] = data[a];
    if (result.ndimKnown())
      fromOut[a] = result[i];
  }
  assignIn(in, 0, fromOut);
  assignOut(out, 0, fromIn);
  return allKnown(in, out);
}

bool swapAxisShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  auto axis = [&](const char *name) {
    int64_t a = attrs.getInt(name);
    int64_t r = a < 0 ? a + data.ndim() : a;
    if (r < 0 || r >= data.ndim())
      throw ShapeError(
          str(name, ": axis ", a, " is out of bounds for array of ndim ", data.ndim()));
    return int(r);
  };
  TShape result = data;
  std::swap(result[axis("dim1")], result[axis("dim2")]);
  assignOut(out, 0, result);
  return allKnown(in, out);
}

bool expandDimsShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0], &result = out[0];
  if (!data.ndimKnown() && !result.ndimKnown())
    return false;
  int nd = data.ndimKnown() ? data.ndim() : result.ndim() - 1;
  int64_t axis = attrs.getInt("axis");
  if (axis < 0)
    axis += nd + 1;
  if (axis < 0 || axis > nd)
    throw ShapeError("axis exceeds the dimension of the array");
  int a = int(axis);
  if (data.ndimKnown()) {
    TShape grown(nd + 1, -1);
    for (int i = 0; i < nd; ++i)
      grown[i < a ? i : i + 1] = data[i];
    grown[a] = 1;
    assignOut(out, 0, grown);
  }
  TShape shrunk(nd, -1);
  for (int i = 0; i <= nd; ++i)
    if (i != a)
      shrunk[i < a ? i : i - 1] = out[0][i];
  assignIn(in, 0, shrunk);
  return allKnown(in, out);
}

bool squeezeShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.known())
    return false;
  int nd = data.ndim();
  std::vector<bool> drop(size_t(nd), false);
  if (!attrs.isNone("axis")) {
    for (int64_t a : attrs.getShape("axis")) {
      int64_t r = a < 0 ? a + nd : a;
      if (r < 0 || r >= nd)
        throw ShapeError(str("axis ", a, " is out of bounds for array of dimension ", nd));
      if (data[int(r)] != 1)
        throw ShapeError(str("cannot select an axis to squeeze out which has size=", data[int(r)],
                             " not equal to one"));
      if (drop[size_t(r)])
        throw ShapeError("duplicate value in axis");
      drop[size_t(r)] = true;
    }
  } else {
    for (int i = 0; i < nd; ++i)
      drop[size_t(i)] = data[i] == 1;
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < nd; ++i)
    if (!drop[size_t(i)])
      dims.push_back(data[i]);
  if (dims.empty())
    dims.push_back(1); // squeezing (1, 1) leaves (1,)
  assignOut(out, 0, shapeOf(dims));
  return true;
}

bool tileShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.known())
    return false;
  const std::vector<int64_t> &reps = attrs.getShape("reps");
  if (reps.empty()) {
    assignOut(out, 0, data);
    return true;
  }
  int nd = std::max(data.ndim(), int(reps.size()));
  TShape result(nd, -1);
  for (int i = nd - 1, a = data.ndim() - 1, r = int(reps.size()) - 1; i >= 0; --i, --a, --r)
    result[i] = (a >= 0 ? data[a] : 1) * (r >= 0 ? reps[size_t(r)] : 1);
  assignOut(out, 0, result);
  return result.known();
}

bool repeatShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  int64_t repeats = attrs.getInt("repeats");
  if (repeats < 0)
    throw ShapeError(str("repeats cannot be a negative number, got ", repeats));
  if (repeats == 0) {
    assignOut(out, 0, TShape{0});
    return true;
  }
  if (auto axis = attrs.getOptInt("axis")) {
    int64_t a = *axis < 0 ? *axis + data.ndim() : *axis;
    if (a < 0 || a >= data.ndim())
      throw ShapeError(str("axis = ", *axis, " out of bounds"));
    TShape result = data;
    if (known(result[int(a)]))
      result[int(a)] *= repeats;
    assignOut(out, 0, result);
  } else {
    int64_t n = prodKnown(data, 0, data.ndim());
    assignOut(out, 0, TShape{known(n) ? n * repeats : -1});
  }
  return out[0].known();
}

bool padShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  const std::vector<int64_t> &width = attrs.getShape("pad_width");
  int nd = data.ndim();
  if (nd != 4 && nd != 5)
    throw ShapeError("Current implementation only supports 4-D or 5-D input.", 0, false);
  if (int(width.size()) != 2 * nd)
    throw ShapeError(str("Input shape vs. pad_width mismatch: pad_width ", bracket(shapeOf(width)),
                         " for ", nd, " dims"));
  if (width[0] || width[1] || width[2] || width[3])
    throw ShapeError("Current implementation expects padding on the first two axes to be zero.");
  TShape result = data;
  for (int i = 0; i < nd; ++i)
    if (known(data[i]))
      result[i] = data[i] + width[size_t(2 * i)] + width[size_t(2 * i + 1)];
  assignOut(out, 0, result);
  return allKnown(in, out);
}

bool depthToSpaceShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (data.ndim() != 4)
    throw ShapeError("Operation Depth To Space requires exactly 4D tensor", 0, false);
  int64_t b = attrs.getInt("block_size");
  if (b <= 0)
    throw ShapeError("block_size must be a positive integer value");
  if (data[1] % (b * b) != 0)
    throw ShapeError("Cannot perform Depth To Space operation on the specified tensor. "
                     "Dimension:1(depth dimension) should be a multiple of 'block^2'",
                     0, false);
  // MXNet scales unknown extents too and rejects the result.
  for (int i : {2, 3})
    if (!known(data[i]) && b > 1)
      throw ShapeError(str("shape dim size must be >= -1, while received ", data[i] * b), 0, false);
  TShape result{data[0], known(data[1]) ? data[1] / (b * b) : -1, known(data[2]) ? data[2] * b : -1,
                known(data[3]) ? data[3] * b : -1};
  assignOut(out, 0, result);
  return allKnown(in, out);
}

bool spaceToDepthShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (data.ndim() != 4)
    throw ShapeError("Operation Space To Depth requires exactly 4D tensor", 0, false);
  int64_t b = attrs.getInt("block_size");
  if (b <= 0)
    throw ShapeError("block_size must be a positive integer value");
  if (data[2] % b != 0 || data[3] % b != 0)
    throw ShapeError("Cannot perform Space To Depth operation on the specified tensor. "
                     "Dimensions:2 and 3 should be multiples of 'block'",
                     0, false);
  // MXNet scales an unknown channel extent too and rejects the result.
  if (!known(data[1]) && b > 1)
    throw ShapeError(str("shape dim size must be >= -1, while received ", data[1] * b * b), 0,
                     false);
  TShape result{data[0], known(data[1]) ? data[1] * b * b : -1, known(data[2]) ? data[2] / b : -1,
                known(data[3]) ? data[3] / b : -1};
  assignOut(out, 0, result);
  return allKnown(in, out);
}

/// reshape_like's [begin, end) over n dims (MXNet's ReshapeLikeRangeCanonicalize).
std::pair<int, int> likeRange(const Attrs &attrs, const char *side, int n) {
  std::optional<int64_t> b = attrs.getOptInt(str(side, "_begin"));
  std::optional<int64_t> e = attrs.getOptInt(str(side, "_end"));
  int64_t begin = b ? *b : 0, end = e ? *e : n;
  if (begin < 0)
    begin += n;
  if (end < 0)
    end += n;
  if (end > n)
    throw ShapeError(str("Invalid end for ", side, "_end=", e ? std::to_string(*e) : "None",
                         " as dimension number is ", n));
  if (begin < 0 || begin > end)
    throw ShapeError(str("Invalid begin for ", side, "_begin=(", b ? std::to_string(*b) : "None",
                         ") and ", side, "_end=", e ? std::to_string(*e) : "None"));
  return {int(begin), int(end)};
}

bool reshapeLikeShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &lhs = in[0], &rhs = in[1];
  if (!lhs.ndimKnown() || !rhs.ndimKnown())
    return false;
  auto [lb, le] = likeRange(attrs, "lhs", lhs.ndim());
  auto [rb, re] = likeRange(attrs, "rhs", rhs.ndim());
  std::vector<int64_t> dims(lhs.begin(), lhs.begin() + lb);
  dims.insert(dims.end(), rhs.begin() + rb, rhs.begin() + re);
  dims.insert(dims.end(), lhs.begin() + le, lhs.end());
  TShape result = shapeOf(dims);
  // MXNet sizes lhs and the result at once and fails on an unknown extent.
  if (!lhs.known() || !result.known())
    throw ShapeError("Shape dim size cannot be a negative value -1", lhs.known() ? 1 : 0, false);
  if (result.numel() != lhs.numel())
    throw ShapeError(str("Cannot reshape lhs with shape ", bracket(lhs), "to new shape ",
                         bracket(result), " because they have different size."));
  assignOut(out, 0, result);
  return true;
}

bool cropShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  TShape data = in[0];
  if (!data.ndimKnown())
    return false;
  if (data.ndim() != 4)
    throw ShapeError("Input data should be 4D in batch-num_filter-y-x", 0, false);
  int64_t h, w;
  if (attrs.getInt("num_args") == 1) {
    const std::vector<int64_t> &hw = attrs.getShape("h_w");
    if (data[2] < hw.at(0))
      throw ShapeError("data_shape[2] should be greater than h_w[0]", 0, false);
    if (data[3] < hw.at(1))
      throw ShapeError("data_shape[3] should be greater than h_w[1]", 0, false);
    h = hw[0];
    w = hw[1];
  } else {
    if (in[1].ndim() < 4)
      throw ShapeError("Input crop_like should be 4D", 1, false);
    h = in[1][2];
    w = in[1][3];
  }
  data[2] = h;
  data[3] = w;
  assignOut(out, 0, data);
  return allKnown(in, out);
}

bool diagShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  int64_t k = attrs.getInt("k");
  // MXNet rejects a diagonal whose shape is not fully known.
  if (!data.known())
    throw ShapeError("Diagonal does not exist.");
  if (data.ndim() == 1) {
    int64_t s = known(data[0]) ? data[0] + (k < 0 ? -k : k) : -1;
    assignOut(out, 0, TShape{s, s});
    return allKnown(in, out);
  }
  int a1 = checkAxis(attrs.getInt("axis1"), data.ndim());
  int a2 = checkAxis(attrs.getInt("axis2"), data.ndim());
  if (a1 == a2)
    throw ShapeError(str("axis1 and axis2 cannot refer to the same axis ", a1));
  int64_t h = data[a1], w = data[a2];
  int64_t s = -1;
  if (known(h) && known(w)) {
    if (k > 0)
      w -= k;
    else
      h += k;
    s = std::max<int64_t>(0, std::min(h, w));
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < data.ndim(); ++i)
    if (i != a1 && i != a2)
      dims.push_back(data[i]);
  dims.push_back(s);
  assignOut(out, 0, shapeOf(dims));
  return allKnown(in, out);
}

const struct Registrations {
  Registrations() {
    Register("Reshape", reshapeShape);
    Register("SwapAxis", swapAxisShape, dataDecidesType);
    Register("Flatten", flattenShape);
    Register("transpose", transposeShape);
    Register("expand_dims", expandDimsShape);
    Register("squeeze", squeezeShape);
    Register("tile", tileShape);
    Register("repeat", repeatShape);
    Register("Pad", padShape);
    Register("reverse", [](const Attrs &, Shapes &in, Shapes &out) { return unifyAll(in, out); });
    Register("depth_to_space", depthToSpaceShape);
    Register("space_to_depth", spaceToDepthShape);
    Register("reshape_like", reshapeLikeShape, likeType);
    Register("Crop", cropShape, float32Only);
    Register("diag", diagShape);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
