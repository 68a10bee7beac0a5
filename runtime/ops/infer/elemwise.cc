// elemwise.cc - shape and type inference of element-wise operators.
//
// Unary math, binary arithmetic and comparisons on equal shapes, scalar
// ops, add_n and the activations: every input and output shares one shape
// (partial shapes are merged dim by dim, forward and backward) and, unless
// an op says otherwise, one dtype. Casts and the shape queries are the
// exceptions with their own functions.
#include "ops/infer/common.h"

namespace mxrt::infer {
namespace {

bool sameShape(const Attrs &, Shapes &in, Shapes &out) { return unifyAll(in, out); }

/// Ops whose inputs and outputs all share one shape and one dtype.
constexpr std::string_view kSameShape[] = {
    // unary math
    "abs",
    "sign",
    "round",
    "rint",
    "ceil",
    "floor",
    "trunc",
    "fix",
    "square",
    "sqrt",
    "rsqrt",
    "cbrt",
    "rcbrt",
    "exp",
    "expm1",
    "log",
    "log10",
    "log2",
    "log1p",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "degrees",
    "radians",
    "sigmoid",
    "relu",
    "softsign",
    "erf",
    "erfinv",
    "gamma",
    "gammaln",
    "reciprocal",
    "negative",
    "logical_not",
    "_copy",
    "zeros_like",
    "ones_like",
    "hard_sigmoid",
    "smooth_l1",
    "clip",
    "BlockGrad",
    "make_loss",
    "MakeLoss",
    "Activation",
    "SoftmaxActivation",
    // binary on equal shapes
    "elemwise_add",
    "elemwise_sub",
    "elemwise_mul",
    "elemwise_div",
    "_power",
    "_maximum",
    "_minimum",
    "_mod",
    "_hypot",
    "_equal",
    "_not_equal",
    "_greater",
    "_greater_equal",
    "_lesser",
    "_lesser_equal",
    "_logical_and",
    "_logical_or",
    "_logical_xor",
    "_grad_add",
    "add_n",
    // scalar operand
    "_plus_scalar",
    "_minus_scalar",
    "_rminus_scalar",
    "_mul_scalar",
    "_div_scalar",
    "_rdiv_scalar",
    "_power_scalar",
    "_rpower_scalar",
    "_mod_scalar",
    "_rmod_scalar",
    "_maximum_scalar",
    "_minimum_scalar",
    "_hypot_scalar",
    "_equal_scalar",
    "_not_equal_scalar",
    "_greater_scalar",
    "_greater_equal_scalar",
    "_lesser_scalar",
    "_lesser_equal_scalar",
    "_logical_and_scalar",
    "_logical_or_scalar",
    "_logical_xor_scalar",
    // draws with the shape of their input
    "_random_uniform_like",
    "_random_normal_like",
    "_random_exponential_like",
    "_random_gamma_like",
    "_random_poisson_like",
    "_random_negative_binomial_like",
    "_random_generalized_negative_binomial_like",
    "_shuffle",
};

// Cast: the output has the input's shape and the `dtype` attribute.
bool castType(const Attrs &attrs, Types &in, Types &out) {
  assignOut(out, 0, *parseDType(attrs.getStr("dtype")));
  return in[0] != DType::Unknown;
}

// amp_cast converts float16/float32/bfloat16 data only; other dtypes
// (float64 included) pass through.
bool ampCastType(const Attrs &attrs, Types &in, Types &out) {
  bool half = in[0] == DType::Float32 || in[0] == DType::Float16 || in[0] == DType::BFloat16;
  assignOut(out, 0, half ? *parseDType(attrs.getStr("dtype")) : in[0]);
  return in[0] != DType::Unknown;
}

bool ampMulticastShape(const Attrs &, Shapes &in, Shapes &out) {
  for (size_t i = 0; i < in.size(); ++i) {
    assignOut(out, int(i), in[i]);
    assignIn(in, int(i), out[i]);
  }
  return allKnown(in, out);
}

// amp_multicast: float16/float32 inputs go to the widest of them (float32
// if any is, else float16) or, with cast_narrow, to the narrowest; other
// dtypes pass through. Known outputs count (MXNet widens them again on the
// next pass, overwriting what it set before).
bool ampMulticastType(const Attrs &attrs, Types &in, Types &out) {
  bool narrow = attrs.getBool("cast_narrow");
  DType target = narrow ? DType::Float32 : DType::Float16;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!narrow && (in[i] == DType::Float32 || out[i] == DType::Float32))
      target = DType::Float32;
    else if (narrow && (in[i] == DType::Float16 || out[i] == DType::Float16))
      target = DType::Float16;
  }
  bool done = true;
  for (size_t i = 0; i < in.size(); ++i) {
    bool half = in[i] == DType::Float32 || in[i] == DType::Float16;
    if (half)
      out[i] = target;
    else
      assignOut(out, int(i), in[i]);
    done = done && in[i] != DType::Unknown;
  }
  return done;
}

// shape_array is 1-D even before the input's rank is known.
bool shapeArrayShape(const Attrs &, Shapes &in, Shapes &out) {
  assignOut(out, 0, TShape{in[0].ndimKnown() ? int64_t(in[0].ndim()) : -1});
  return in[0].known() && out[0].known();
}

bool sizeArrayShape(const Attrs &, Shapes &in, Shapes &out) {
  assignOut(out, 0, TShape{1});
  return in[0].known();
}

bool int64Output(const Attrs &, Types &in, Types &out) {
  assignOut(out, 0, DType::Int64);
  return in[0] != DType::Unknown;
}

const struct Registrations {
  Registrations() {
    for (std::string_view op : kSameShape)
      Register(op, sameShape);
    Register("Cast", sameShape, castType);
    Register("amp_cast", sameShape, ampCastType);
    Register("amp_multicast", ampMulticastShape, ampMulticastType);
    Register("shape_array", shapeArrayShape, int64Output);
    Register("size_array", sizeArrayShape, int64Output);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
