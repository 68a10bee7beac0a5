// reduce.cc - shape and type inference of reductions.
//
// sum, mean, ... reduce a set of axes (None: all; exclude: all others) and
// keep them as 1s with keepdims; argmax and argmin reduce one axis (None:
// the flattened data). A reduction to nothing is (1,), as in MXNet 1.x.
// Only forward: a reduced extent cannot be recovered from the output.
#include "ops/infer/common.h"

#include <algorithm>

namespace mxrt::infer {

namespace {

/// MXNet's ReduceAxesShapeImpl.
TShape reduceAxes(const TShape &data, const std::optional<std::vector<int64_t>> &axis,
                  bool keepdims, bool exclude) {
  int nd = data.ndim();
  if (!axis || axis->empty())
    return keepdims ? TShape(nd, 1) : TShape{1};
  std::vector<int64_t> axes = *axis;
  for (int64_t &a : axes)
    if (a < 0)
      a += nd;
  std::sort(axes.begin(), axes.end());
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i - 1] >= axes[i])
      throw ShapeError(str("Reduction axes have duplicates ", bracket(shapeOf(axes))));
  if (axes.back() >= nd)
    throw ShapeError(
        str("Reduction axis ", axes.back(), " Exceeds input dimensions ", bracket(data)));
  if (axes.front() < 0)
    throw ShapeError(str("Reduction axis ", bracket(shapeOf(*axis)), " Exceeds input dimensions ",
                         bracket(data)));
  auto reduced = [&](int i) { return std::binary_search(axes.begin(), axes.end(), i); };
  std::vector<int64_t> dims;
  for (int i = 0; i < nd; ++i) {
    if (keepdims)
      dims.push_back(reduced(i) != exclude ? 1 : data[i]);
    else if (reduced(i) == exclude)
      dims.push_back(data[i]);
  }
  if (!keepdims && exclude)
    return shapeOf(dims);
  if (dims.empty())
    dims.push_back(1);
  return shapeOf(dims);
}

std::optional<std::vector<int64_t>> optAxes(const Attrs &attrs, std::string_view name) {
  if (attrs.isNone(name))
    return std::nullopt;
  return attrs.getShape(name);
}

bool reduceTo(const Attrs &attrs, Shapes &in, Shapes &out) {
  assignOut(out, 0,
            reduceAxes(in[0], optAxes(attrs, "axis"), attrs.getBool("keepdims"),
                       attrs.getBool("exclude")));
  return out[0].known();
}

bool reduceShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].ndimKnown())
    return false;
  return reduceTo(attrs, in, out);
}

// max and min need the whole input shape, and a non-empty one.
bool minMaxShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].known())
    return false;
  if (in[0].numel() == 0)
    throw ShapeError(str("Reduction input's size should > 0 ", bracket(in[0])));
  return reduceTo(attrs, in, out);
}

bool normShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].known())
    return false;
  assignOut(out, 0, reduceAxes(in[0], optAxes(attrs, "axis"), attrs.getBool("keepdims"), false));
  return true;
}

// norm: out_dtype, else the input's.
bool normType(const Attrs &attrs, Types &in, Types &out) {
  if (!attrs.isNone("out_dtype")) {
    assignOut(out, 0, *parseDType(attrs.getStr("out_dtype")));
  } else {
    assignOut(out, 0, in[0]);
    assignIn(in, 0, out[0]);
  }
  return out[0] != DType::Unknown;
}

/// MXNet's ReduceAxisShapeImpl (one axis, argmax and friends).
TShape reduceAxis(const TShape &data, std::optional<int64_t> axis, bool keepdims) {
  if (!axis || data.ndim() == 1)
    return keepdims ? TShape(data.ndim(), 1) : TShape{1};
  int a = checkAxis(*axis, data.ndim());
  std::vector<int64_t> dims(data.begin(), data.end());
  if (keepdims)
    dims[size_t(a)] = 1;
  else
    dims.erase(dims.begin() + a);
  return shapeOf(dims);
}

bool argReduceShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].known())
    return false;
  assignOut(out, 0, reduceAxis(in[0], attrs.getOptInt("axis"), attrs.getBool("keepdims")));
  return out[0].known();
}

// argmax_channel reduces axis 1 (the channels of (N, C, ...)).
bool argmaxChannelShape(const Attrs &, Shapes &in, Shapes &out) {
  if (!in[0].known())
    return false;
  assignOut(out, 0, reduceAxis(in[0], 1, false));
  return out[0].known();
}

bool momentsShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (attrs.isNone("axes") || attrs.getShape("axes").empty())
    throw ShapeError("Empty axes is not supported, if you would like to do global moments, "
                     "please pass all axes to axes argument");
  if (!in[0].ndimKnown())
    return false;
  TShape shape = reduceAxes(in[0], optAxes(attrs, "axes"), attrs.getBool("keepdims"), false);
  assignOut(out, 0, shape);
  assignOut(out, 1, shape);
  return allKnown(out);
}

const struct Registrations {
  Registrations() {
    for (std::string_view op : {"sum", "mean", "prod", "nansum", "nanprod"})
      Register(op, reduceShape);
    Register("max", minMaxShape);
    Register("min", minMaxShape);
    Register("norm", normShape, normType);
    Register("argmax", argReduceShape);
    Register("argmin", argReduceShape);
    Register("argmax_channel", argmaxChannelShape);
    Register("moments", momentsShape);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
