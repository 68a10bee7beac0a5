// broadcast.cc - shape and type inference of broadcasting operators.
//
// NumPy broadcasting aligns shapes on the right; extents must be equal or
// one of them 1. MXNet infers these only forward: the output from both
// inputs, never an input from the output (a 1 could have been any extent).
#include "ops/infer/common.h"

#include <algorithm>

namespace mxrt::infer {
namespace {

bool binaryBroadcastShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &lhs = in[0], &rhs = in[1];
  if (!lhs.ndimKnown() || !rhs.ndimKnown())
    return false;
  if (lhs == rhs) {
    assignOut(out, 0, lhs);
    return lhs.known();
  }
  int nd = std::max(lhs.ndim(), rhs.ndim());
  TShape shape(nd, -1);
  int bl = nd - lhs.ndim(), br = nd - rhs.ndim();
  for (int i = 0; i < nd; ++i) {
    int64_t l = i >= bl ? lhs[i - bl] : 1, r = i >= br ? rhs[i - br] : 1;
    if (!known(l) || !known(r))
      continue;
    if (l != r && l != 1 && r != 1)
      throw ShapeError(str("operands could not be broadcast together with shapes ", bracket(lhs),
                           " ", bracket(rhs)));
    shape[i] = l == 1 ? r : l;
  }
  assignOut(out, 0, shape);
  return lhs.known() && rhs.known() && shape.known();
}

bool broadcastToShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  const std::vector<int64_t> &target = attrs.getShape("shape");
  if (size_t(data.ndim()) != target.size())
    throw ShapeError(str("Operand of shape ", bracket(data), " cannot be broadcasted to ",
                         bracket(shapeOf(target))));
  TShape shape = shapeOf(target);
  for (int i = 0; i < data.ndim(); ++i) {
    if (shape[i] != 0) {
      if (data[i] != shape[i] && data[i] != 1)
        throw ShapeError(str("Array cannot be broadcasted from ", bracket(data), " to ",
                             bracket(shapeOf(target))));
    } else {
      shape[i] = data[i];
    }
  }
  assignOut(out, 0, shape);
  return out[0].known();
}

bool broadcastAxisShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.known())
    return false;
  const std::vector<int64_t> &axes = attrs.getShape("axis"), &sizes = attrs.getShape("size");
  if (axes.size() != sizes.size())
    throw ShapeError(str("broadcast_axis: axis and size must have the same length, got ",
                         axes.size(), " and ", sizes.size()));
  TShape shape = data;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + data.ndim() : axes[i];
    if (a < 0 || a >= data.ndim())
      throw ShapeError(str("Broadcast axis ", axes[i], " out of range of ", bracket(data)));
    if (shape[int(a)] != 1)
      throw ShapeError(str("Broadcasting axis must have size 1, received input shape ",
                           bracket(data), " and axis ", a));
    shape[int(a)] = sizes[i];
  }
  assignOut(out, 0, shape);
  return out[0].known();
}

bool broadcastLikeShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &lhs = in[0], &rhs = in[1];
  if (!lhs.ndimKnown() || !rhs.ndimKnown())
    return false;
  TShape shape;
  if (attrs.isNone("lhs_axes") || attrs.isNone("rhs_axes")) {
    if (lhs.ndim() != rhs.ndim())
      throw ShapeError(
          str("Operand of shape ", bracket(lhs), " cannot be broadcasted to ", bracket(rhs)));
    shape = rhs;
    for (int i = 0; i < lhs.ndim(); ++i) {
      if (known(rhs[i])) {
        if (lhs[i] != rhs[i] && lhs[i] != 1)
          throw ShapeError(
              str("Array cannot be broadcasted from ", bracket(lhs), " to ", bracket(rhs)));
      } else {
        shape[i] = lhs[i];
      }
    }
  } else {
    const std::vector<int64_t> &la = attrs.getShape("lhs_axes"), &ra = attrs.getShape("rhs_axes");
    if (la.size() != ra.size())
      throw ShapeError(str("Input_axis and other_axis size does not match"));
    shape = lhs;
    for (size_t i = 0; i < la.size(); ++i) {
      int64_t from = la[i] < 0 ? la[i] + lhs.ndim() : la[i];
      int64_t to = ra[i] < 0 ? ra[i] + rhs.ndim() : ra[i];
      if (from < 0 || from >= lhs.ndim())
        throw ShapeError(str("Invalid lhs axis ", la[i], " for ", bracket(lhs)));
      if (to < 0 || to >= rhs.ndim())
        throw ShapeError(str("Invalid rhs axis ", ra[i], " for ", bracket(rhs)));
      if (lhs[int(from)] != 1)
        throw ShapeError(str("Input axis ", la[i], " at dimension ", i,
                             " cannot be broadcasted to ", rhs[int(to)]));
      shape[int(from)] = rhs[int(to)];
    }
  }
  assignOut(out, 0, shape);
  return out[0].known();
}

constexpr std::string_view kBinaryBroadcast[] = {
    "broadcast_add",           "broadcast_sub",        "broadcast_mul",
    "broadcast_div",           "broadcast_mod",        "broadcast_power",
    "broadcast_maximum",       "broadcast_minimum",    "broadcast_hypot",
    "broadcast_equal",         "broadcast_not_equal",  "broadcast_greater",
    "broadcast_greater_equal", "broadcast_lesser",     "broadcast_lesser_equal",
    "broadcast_logical_and",   "broadcast_logical_or", "broadcast_logical_xor",
};

const struct Registrations {
  Registrations() {
    for (std::string_view op : kBinaryBroadcast)
      Register(op, binaryBroadcastShape);
    Register("broadcast_to", broadcastToShape);
    Register("broadcast_axis", broadcastAxisShape);
    Register("broadcast_like", broadcastLikeShape, likeType);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
