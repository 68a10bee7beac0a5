// join_split.cc - shape inference of joining and splitting ops.
//
// Concat sums the joined axis and unifies the rest (and, beyond MXNet,
// recovers the one unknown input extent from the output); stack adds an
// axis; SliceChannel and _split_v2 cut one axis and infer their input back
// from their outputs.
#include "ops/infer/common.h"

namespace mxrt::infer {
namespace {

bool concatShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  int64_t dim = attrs.getInt("dim");
  TShape common;
  int64_t size = 0;
  bool unknownSize = false;
  int axis = -1;
  // Inputs of unknown rank are skipped here, as in MXNet.
  for (const TShape &s : in) {
    if (s.ndim() <= 0)
      continue;
    axis = checkAxis(dim, s.ndim());
    unknownSize = unknownSize || !known(s[axis]);
    size += s[axis];
    TShape t = s;
    t[axis] = -1;
    merge(common, t);
  }
  if (out[0].ndim() > 0) {
    axis = checkAxis(dim, out[0].ndim());
    TShape t = out[0];
    t[axis] = -1;
    merge(common, t);
  }
  if (!common.ndimKnown())
    return false;
  if (common.ndim() == 0)
    throw ShapeError("zero-dimensional arrays cannot be concatenated");
  for (size_t i = 0; i < in.size(); ++i)
    if (!merge(in[i], common))
      throw ShapeError(
          str("Incompatible input shape: expected ", bracket(common), ", got ", bracket(in[i])),
          int(i), false);
  if (!unknownSize)
    common[axis] = size;
  if (!merge(out[0], common))
    throw ShapeError(
        str("Incompatible output shape: expected ", bracket(common), ", got ", bracket(out[0])), 0,
        true);
  // Beyond MXNet 1.9.1: with the output's extent known and exactly one
  // input's unknown, that one is the difference.
  if (known(out[0][axis])) {
    int unknownAt = -1, unknownCount = 0;
    int64_t rest = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      if (known(in[i][axis])) {
        rest += in[i][axis];
      } else {
        unknownAt = int(i);
        ++unknownCount;
      }
    }
    if (unknownCount == 1) {
      if (rest > out[0][axis])
        throw ShapeError(str("Concat: the inputs' extents along axis ", axis, " sum to ", rest,
                             ", more than the output's ", out[0][axis]),
                         unknownAt, false);
      in[size_t(unknownAt)][axis] = out[0][axis] - rest;
    }
  }
  return out[0].known() && allKnown(in);
}

bool stackShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  // MXNet merges the inputs without checking them against each other.
  TShape common;
  for (const TShape &s : in) {
    TShape t = common;
    if (merge(t, s))
      common = t;
  }
  if (!common.known())
    return false;
  int nd = common.ndim() + 1;
  int axis = checkAxis(attrs.getInt("axis"), nd);
  TShape result(nd, -1);
  for (int i = 0; i < nd; ++i)
    result[i] = i < axis ? common[i] : i == axis ? attrs.getInt("num_args") : common[i - 1];
  assignOut(out, 0, result);
  return result.known() && allKnown(in);
}

/// The split axis of data (SliceChannel and _split_v2 share the check).
int splitAxis(const Attrs &attrs, const TShape &data) {
  int64_t axis = attrs.getInt("axis");
  if (axis >= data.ndim() || axis + data.ndim() < 0)
    throw ShapeError(str("axis ", axis, " is out of range for ", bracket(data)));
  return int(axis < 0 ? axis + data.ndim() : axis);
}

bool sliceChannelShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape input = in[0];
  if (!input.ndimKnown())
    return false;
  int64_t n = attrs.getInt("num_outputs");
  bool squeeze = attrs.getBool("squeeze_axis");
  int axis = splitAxis(attrs, input);
  TShape part = input;
  if (input[axis] % n != 0)
    throw ShapeError(str("You are trying to split the ", axis,
                         "-th axis of input tensor with "
                         "shape ",
                         bracket(input), " into num_outputs=", n,
                         " evenly sized chunks, but this is not possible because ", n,
                         " does not evenly divide ", input[axis]),
                     0, false);
  if (squeeze && known(input[axis]) && input[axis] != n)
    throw ShapeError(str("If squeeze axis is True, the size of the sliced axis must be the same "
                         "as num_outputs. Input shape=",
                         bracket(input), ", axis=", axis, ", num_outputs=", n, "."),
                     0, false);
  if (known(part[axis]))
    part[axis] /= n;
  bool dropped = squeeze && (part[axis] == 1 || !known(input[axis]));
  if (dropped) {
    std::vector<int64_t> dims(part.begin(), part.end());
    dims.erase(dims.begin() + axis);
    part = shapeOf(dims);
  }
  for (size_t i = 0; i < out.size(); ++i) {
    assignOut(out, int(i), part);
    // Back from the output: the input is the output with the axis n times.
    TShape back = input;
    const TShape &o = out[i];
    for (int d = 0; d < input.ndim(); ++d) {
      if (dropped)
        back[d] = d < axis ? o[d] : d == axis ? n : o[d - 1];
      else
        back[d] = d == axis && known(o[d]) ? o[d] * n : o[d];
    }
    assignIn(in, 0, back);
  }
  return allKnown(in, out);
}

bool splitV2Shape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape input = in[0];
  if (!input.ndimKnown())
    return false;
  int axis = splitAxis(attrs, input);
  int64_t sections = attrs.getInt("sections");
  bool squeeze = attrs.getBool("squeeze_axis");
  std::vector<int64_t> starts = attrs.getShape("indices");
  if (sections > 0) {
    // numpy.array_split: the first (extent % sections) parts are one longer.
    starts.assign(1, 0);
    int64_t small = input[axis] / sections, longer = input[axis] % sections;
    for (int64_t i = 1; i < sections; ++i)
      starts.push_back(starts.back() + small + (i - 1 < longer ? 1 : 0));
  }
  int n = int(starts.size());
  std::vector<int64_t> squeezed(input.begin(), input.end());
  squeezed.erase(squeezed.begin() + axis);
  for (int i = 0; i < n; ++i) {
    int64_t start = starts[size_t(i)];
    int64_t end = i + 1 < n ? starts[size_t(i) + 1] : input[axis];
    if (input[axis] == 0) {
      end = start;
    } else {
      if (start >= end)
        throw ShapeError(str("start ", start, " is not less than end ", end, "for subarray ", i));
      if (end > input[axis])
        throw ShapeError(str("end ", end, " is no less than the size of the axis ", input[axis]));
    }
    if (squeeze) {
      if (end - start != 1)
        throw ShapeError(str("expected axis size of 1 but got ", end - start));
      assignOut(out, i, shapeOf(squeezed));
    } else {
      TShape part = input;
      part[axis] = end - start;
      assignOut(out, i, part);
    }
  }
  // Back from the outputs.
  TShape back = input;
  back[axis] = squeeze ? n : 0;
  for (int d = 0; d < input.ndim(); ++d) {
    if (d == axis) {
      if (!squeeze)
        for (int i = 0; i < n; ++i)
          back[d] = known(back[d]) && known(out[size_t(i)][d]) ? back[d] + out[size_t(i)][d] : -1;
    } else {
      back[d] = out[0][squeeze && d > axis ? d - 1 : d];
    }
  }
  assignIn(in, 0, back);
  return allKnown(in, out);
}

const struct Registrations {
  Registrations() {
    Register("Concat", concatShape);
    Register("stack", stackShape);
    Register("SliceChannel", sliceChannelShape);
    Register("_split_v2", splitV2Shape, dataDecidesType);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
