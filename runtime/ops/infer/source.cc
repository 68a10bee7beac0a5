// source.cc - shape and type inference of ops that create arrays.
//
// The init ops (_zeros, _ones, _full, _arange, _linspace, _eye) and the
// random samplers take their shape and dtype from attributes; the _sample_*
// ops draw `shape` samples per element of their parameter arrays, which
// share one shape. Random dtypes default to float32 (randint: int32).
#include "ops/infer/common.h"

#include <cmath>

namespace mxrt::infer {
namespace {

bool shapeAttr(const Attrs &attrs, Shapes &, Shapes &out) {
  if (!attrs.isNone("shape")) {
    // MXNet 1.x (legacy shapes): a 0 extent in the attribute means unknown,
    // e.g. an RNN's begin state zeros((0, 512)) whose batch comes from data.
    TShape s = shapeOf(attrs.getShape("shape"));
    for (int i = 0; i < s.ndim(); ++i)
      if (s[i] == 0)
        s[i] = -1;
    assignOut(out, 0, s);
  }
  return out[0].known();
}

// The init ops: `dtype` decides.
bool dtypeAttr(const Attrs &attrs, Types &, Types &out) {
  assignOut(out, 0, *parseDType(attrs.getStr("dtype")));
  return true;
}

// _zeros_without_dtype: a type code, -1 leaving the dtype to inference.
bool dtypeCode(const Attrs &attrs, Types &, Types &out) {
  int64_t code = attrs.getInt("dtype");
  if (code >= 0)
    assignOut(out, 0, DType(code));
  return out[0] != DType::Unknown;
}

bool arangeShape(const Attrs &attrs, Shapes &, Shapes &out) {
  double start = attrs.getFloat("start"), step = attrs.getFloat("step");
  int64_t repeat = attrs.getInt("repeat");
  if (step == 0)
    throw ShapeError("_arange with step = 0 is invalid.");
  if (repeat <= 0)
    throw ShapeError(str("invalid repeat value ", repeat, ", must be positive."));
  std::optional<double> stop = attrs.getOptFloat("stop");
  if (attrs.getBool("infer_range") && !stop)
    return false;
  if (!stop) { // one bound: [0, start)
    stop = start;
    start = 0;
  }
  int64_t n = int64_t(std::ceil((*stop - start) / step) * double(repeat));
  if (n < 0)
    throw ShapeError(str("shape dim size must be >= -1, while received ", n));
  assignOut(out, 0, TShape{n});
  return true;
}

bool linspaceShape(const Attrs &attrs, Shapes &, Shapes &out) {
  int64_t num = attrs.getInt("num");
  if (num < 0)
    throw ShapeError(str("Number of sequence should be non-negative, received ", num));
  assignOut(out, 0, TShape{num});
  return true;
}

bool eyeShape(const Attrs &attrs, Shapes &, Shapes &out) {
  int64_t n = attrs.getInt("N"), m = attrs.getInt("M");
  assignOut(out, 0, TShape{n, m > 0 ? m : n});
  return true;
}

// Random draws: `dtype`, else the dtype inference gives the output, else
// float32 (int32 for randint); only the distribution's dtypes are valid.
bool randomType(const Attrs &attrs, Types &, Types &out) {
  bool integer = attrs.op().name == "_random_randint";
  DType want = attrs.isNone("dtype") ? DType::Unknown : *parseDType(attrs.getStr("dtype"));
  DType t = out[0];
  if (t != DType::Unknown) {
    if (want != DType::Unknown && want != t)
      throw ShapeError(
          str("Output type does not match requested type: ", dtypeName(t), " vs ", dtypeName(want)),
          0, true);
  } else {
    t = want != DType::Unknown ? want : integer ? DType::Int32 : DType::Float32;
  }
  bool ok = integer ? t == DType::Int32 || t == DType::Int64
                    : t == DType::Float16 || t == DType::Float32 || t == DType::Float64;
  if (!ok)
    throw ShapeError(str("Output type must be ",
                         integer ? "int32, int64" : "float16, float32, float64", ": dtype is ",
                         dtypeName(t)),
                     0, true);
  out[0] = t;
  return true;
}

bool sampleShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const std::vector<int64_t> &draws = attrs.getShape("shape");
  for (int64_t d : draws)
    if (d <= 0)
      throw ShapeError("shape parameter must be non-zero within each dimension");
  // The parameters' shape: the inputs', or the output's without the draws.
  TShape params = out[0];
  if (params.ndim() > int(draws.size()))
    params = TShape(std::span<const int64_t>(params.begin(), params.end() - draws.size()));
  for (const TShape &s : in)
    if (!merge(params, s))
      return false;
  for (size_t i = 0; i < in.size(); ++i)
    assignIn(in, int(i), params);
  if (params.ndim() > 0) {
    std::vector<int64_t> d(params.begin(), params.end());
    d.insert(d.end(), draws.begin(), draws.end());
    assignOut(out, 0, shapeOf(d));
  }
  return allKnown(in, out);
}

// _sample_*: the parameters share a dtype (a mismatch leaves the node
// undecided); once it is known the draws come in `dtype`, else float32.
bool sampleType(const Attrs &attrs, Types &in, Types &out) {
  DType t = DType::Unknown;
  for (DType d : in)
    if (!merge(t, d))
      return false;
  if (t == DType::Unknown)
    return false;
  for (DType &d : in)
    d = t;
  assignOut(out, 0, attrs.isNone("dtype") ? DType::Float32 : *parseDType(attrs.getStr("dtype")));
  return true;
}

bool multinomialShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  const std::vector<int64_t> &draws = attrs.getShape("shape");
  TShape result;
  if (data.ndim() == 1) {
    result = draws.empty() ? TShape{1} : shapeOf(draws);
  } else {
    std::vector<int64_t> d(data.begin(), data.end() - 1);
    d.insert(d.end(), draws.begin(), draws.end());
    result = shapeOf(d);
  }
  for (size_t i = 0; i < out.size(); ++i)
    assignOut(out, int(i), result);
  return allKnown(in, out);
}

// _sample_multinomial: indices in `dtype`; the log-probabilities in the
// data's dtype.
bool multinomialType(const Attrs &attrs, Types &in, Types &out) {
  if (in[0] == DType::Unknown)
    return false;
  assignOut(out, 0, *parseDType(attrs.getStr("dtype")));
  if (out.size() > 1)
    assignOut(out, 1, in[0]);
  return in[0] != DType::Unknown;
}

constexpr std::string_view kRandom[] = {
    "_random_uniform",
    "_random_normal",
    "_random_randint",
    "_random_exponential",
    "_random_gamma",
    "_random_poisson",
    "_random_negative_binomial",
    "_random_generalized_negative_binomial",
};

constexpr std::string_view kSample[] = {
    "_sample_uniform",
    "_sample_normal",
    "_sample_gamma",
    "_sample_exponential",
    "_sample_poisson",
    "_sample_negative_binomial",
    "_sample_generalized_negative_binomial",
};

const struct Registrations {
  Registrations() {
    for (std::string_view op : {"_zeros", "_ones", "_full"})
      Register(op, shapeAttr, dtypeAttr);
    Register("_zeros_without_dtype", shapeAttr, dtypeCode);
    Register("_arange", arangeShape, dtypeAttr);
    Register("_linspace", linspaceShape, dtypeAttr);
    Register("_eye", eyeShape, dtypeAttr);
    for (std::string_view op : kRandom)
      Register(op, shapeAttr, randomType);
    for (std::string_view op : kSample)
      Register(op, sampleShape, sampleType);
    Register("_sample_multinomial", multinomialShape, multinomialType);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
