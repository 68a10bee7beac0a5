// common.cc - slot merging, unification and axis checks for the shape and
// type functions.
#include "ops/infer/common.h"

#include "mxrt/base.h"

namespace mxrt::infer {

std::string bracket(const TShape &s) {
  if (!s.ndimKnown())
    return "[]";
  std::string out = "[";
  for (int i = 0; i < s.ndim(); ++i)
    out += str(i ? "," : "", s[i]);
  return out + "]";
}

bool merge(TShape &slot, const TShape &value) {
  if (!value.ndimKnown())
    return true;
  if (!slot.ndimKnown()) {
    slot = value;
    return true;
  }
  if (slot.ndim() != value.ndim())
    return false;
  for (int i = 0; i < slot.ndim(); ++i) {
    if (!known(slot[i]))
      slot[i] = value[i];
    else if (known(value[i]) && slot[i] != value[i])
      return false;
  }
  return true;
}

namespace {
void assignSlot(Shapes &v, int i, const TShape &value, bool output) {
  if (!merge(v[size_t(i)], value))
    throw ShapeError(str("Shape inconsistent, Provided = ", bracket(v[size_t(i)]),
                         ", inferred shape=", value.str()),
                     i, output);
}

void assignSlot(Types &v, int i, DType value, bool output) {
  if (!merge(v[size_t(i)], value))
    throw ShapeError(str("Type inconsistent, Provided = ", dtypeName(v[size_t(i)]),
                         ", inferred type=", dtypeName(value)),
                     i, output);
}
} // namespace

void assignIn(Shapes &in, int i, const TShape &value) { assignSlot(in, i, value, false); }
void assignOut(Shapes &out, int i, const TShape &value) { assignSlot(out, i, value, true); }

bool allKnown(const Shapes &s) {
  for (const TShape &x : s)
    if (!x.known())
      return false;
  return true;
}

namespace {
/// MXNet's ElemwiseAttr: deduce one value from every slot, then write it
/// back; both steps name the first slot that disagrees.
template <class T, class Print>
void unify(std::vector<T> &in, std::vector<T> &out, T unknown, Print print) {
  T d = unknown;
  auto deduce = [&](std::vector<T> &v, const char *what, bool output) {
    for (size_t i = 0; i < v.size(); ++i)
      if (!merge(d, v[i]))
        throw ShapeError(str("Incompatible attr at ", i, "-th ", what, ": expected ", print(d),
                             ", got ", print(v[i])),
                         int(i), output);
  };
  deduce(in, "input", false);
  deduce(out, "output", true);
  for (T &x : in)
    merge(x, d);
  for (T &x : out)
    merge(x, d);
}
} // namespace

bool unifyAll(Shapes &in, Shapes &out) {
  unify(in, out, TShape(), [](const TShape &s) { return bracket(s); });
  return allKnown(in, out);
}

bool merge(DType &slot, DType value) {
  if (value == DType::Unknown)
    return true;
  if (slot == DType::Unknown) {
    slot = value;
    return true;
  }
  return slot == value;
}

void assignIn(Types &in, int i, DType value) { assignSlot(in, i, value, false); }
void assignOut(Types &out, int i, DType value) { assignSlot(out, i, value, true); }

bool allKnown(const Types &t) {
  for (DType d : t)
    if (d == DType::Unknown)
      return false;
  return true;
}

bool unifyAll(Types &in, Types &out) {
  unify(in, out, DType::Unknown, [](DType t) { return std::string(dtypeName(t)); });
  return allKnown(in) && allKnown(out);
}

void requireUniform(const Attrs &attrs, Types &in, DType t, size_t first) {
  for (size_t i = first; i < in.size(); ++i)
    if (!merge(in[i], t))
      throw ShapeError(str("This layer requires uniform type. Expected '", dtypeName(t),
                           "' v.s. given '", dtypeName(in[i]), "' at '",
                           listInputNames(attrs).at(i), "'"),
                       int(i), false);
}

bool dataDecidesType(const Attrs &attrs, Types &in, Types &out) {
  DType t = in[0];
  if (t == DType::Unknown)
    return false;
  requireUniform(attrs, in, t);
  for (size_t i = 0; i < out.size(); ++i)
    assignOut(out, int(i), t);
  return true;
}

bool float32Only(const Attrs &, Types &in, Types &out) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != DType::Unknown && in[i] != DType::Float32)
      throw ShapeError(str("Unsupported data type ", dtypeName(in[i]), " (float32 only)"), int(i),
                       false);
    in[i] = DType::Float32;
  }
  for (size_t i = 0; i < out.size(); ++i)
    assignOut(out, int(i), DType::Float32);
  return true;
}

bool likeType(const Attrs &, Types &in, Types &out) {
  if (in[1] == DType::Unknown)
    return false;
  Types lhs{in[0]};
  bool done = unifyAll(lhs, out);
  in[0] = lhs[0];
  return done;
}

int checkAxis(int64_t axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    throw ShapeError(str("axis ", axis, " exceeds the input dimension of ", ndim));
  return int(axis < 0 ? axis + ndim : axis);
}

int64_t prodKnown(const TShape &s, int begin, int end) {
  int64_t p = 1;
  for (int i = begin; i < end; ++i) {
    if (!known(s[i]))
      return -1;
    p *= s[i];
  }
  return p;
}

Register::Register(std::string_view op, ShapeFn shape, TypeFn type) {
  registerShapeFn(op, shape);
  registerTypeFn(
      op, type ? type : [](const Attrs &, Types &in, Types &out) { return unifyAll(in, out); });
}

} // namespace mxrt::infer
