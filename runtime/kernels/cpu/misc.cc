// misc.cc - CPU kernels of the smaller ops the NDArray frontend reaches:
// sequences (_arange, _linspace, _eye), slice assignment (a[...] = b),
// slice_like, shape_array/size_array, diag, depth_to_space/space_to_depth,
// moments, smooth_l1, the sequence ops (SequenceMask/Last/Reverse), the
// regression outputs' forward, and the AMP casts.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels/layout_plans.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mxrt::kernels::cpu {
namespace {

/// out[i] = f(i) for every element, in out's dtype.
template <class F> void generate(const TBlob &out, F f) {
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    T *y = out.ptr<T>();
    parallel(out.numel(), kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        y[i] = store<T>(f(i));
    });
  });
}

/// Writes src (dense over plan.shape) into dst through plan operand 0.
template <class W> void scatterT(const W *src, const StridedPlan &p, W *dst) {
  const int64_t n = p.numel();
  if (p.ndim == 0) {
    dst[p.offset[0]] = src[0];
    return;
  }
  NdCounter it(p, p.ndim, 0);
  for (int64_t i = 0; i < n; ++i, it.next())
    dst[it.offset[0]] = src[i];
}

/// _arange's start or step in T (integers truncate, through int64 so that
/// negative values wrap for unsigned types, as MXNet's index_t cast).
template <class T, class C> C startOrStep(double v) {
  if constexpr (std::is_integral_v<T>)
    return C(T(int64_t(v)));
  else
    return load<C>(store<T>(v));
}

} // namespace

void sliceAssign(const TBlob &lhs, const TBlob *rhs, double scalar,
                 std::span<const SliceRange> ranges, const TBlob &out) {
  const char *op = rhs ? "_slice_assign" : "_slice_assign_scalar";
  checkDType(out, lhs.dtype, op, "out");
  checkShape(out, lhs.shape, op, "out");
  cast(lhs, out); // a no-op when out is lhs (a[...] = b in place)
  TShape region;
  StridedPlan p = slicePlan(out.shape, ranges, &region);
  if (region.numel() == 0)
    return;
  // Collapsing keeps row-major order, so the plan walks the region in the
  // order of rhs's dense elements.
  const StridedPlan &walk = p;
  if (rhs) {
    checkDType(*rhs, lhs.dtype, op, "rhs");
    MXRT_CHECK(rhs->numel() == region.numel(), "operator _slice_assign: rhs has shape ",
               rhs->shape.str(), ", expected ", region.str(), " (the slice of lhs ",
               lhs.shape.str(), ")");
    MXRT_DTYPE_SWITCH(lhs.dtype, T, {
      using W = word_t<T>;
      scatterT(static_cast<const W *>(rhs->dptr), walk, static_cast<W *>(out.dptr));
    });
  } else {
    MXRT_DTYPE_SWITCH(lhs.dtype, T, {
      using W = word_t<T>;
      std::vector<W> v(static_cast<size_t>(region.numel()), std::bit_cast<W>(store<T>(scalar)));
      scatterT(v.data(), walk, static_cast<W *>(out.dptr));
    });
  }
}

void arange(double start, double step, int64_t repeat, const TBlob &out) {
  MXRT_CHECK(repeat >= 1, "operator _arange: repeat must be >= 1, got ", repeat);
  // As MXNet's range_fwd: start and step in the output's dtype, then
  // start + (i / repeat) * step in it (integers truncate start and step).
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    using C = compute_t<T>;
    const C s0 = startOrStep<T, C>(start), d = startOrStep<T, C>(step);
    T *y = out.ptr<T>();
    parallel(out.numel(), kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        y[i] = store<T>(s0 + C(i / repeat) * d);
    });
  });
}

void linspace(double start, double stop, int64_t num, bool endpoint, const TBlob &out) {
  const double step = num > 1 ? (stop - start) / double(endpoint ? num - 1 : num) : 0;
  generate(out, [=](int64_t i) { return start + double(i) * step; });
}

void eye(int64_t k, const TBlob &out) {
  const int64_t M = out.shape.ndim() == 2 ? out.shape[1] : 1;
  generate(out, [=](int64_t i) { return double(i % M - i / M == k); });
}

void diag(const TBlob &in, int64_t k, int64_t axis1, int64_t axis2, const TBlob &out) {
  checkDType(out, in.dtype, "diag", "out");
  const int nd = in.shape.ndim();
  if (nd == 1) { // a vector becomes a square matrix with it on diagonal k
    const int64_t n = out.shape[0];
    fill(out, 0);
    MXRT_DTYPE_SWITCH(in.dtype, T, {
      for (int64_t i = 0; i < in.numel(); ++i)
        out.ptr<T>()[(k >= 0 ? i : i - k) * n + (k >= 0 ? i + k : i)] = in.ptr<T>()[i];
    });
    return;
  }
  const int a1 = normalizeAxis(axis1, nd, "diag", "axis1"),
            a2 = normalizeAxis(axis2, nd, "diag", "axis2");
  MXRT_CHECK(a1 != a2, "operator diag: axis1 and axis2 are the same axis ", a1);
  int64_t dense[kMaxPlanDims], s[kMaxPlanDims];
  denseStrides(in.shape, dense);
  std::vector<int64_t> od;
  int j = 0;
  for (int d = 0; d < nd; ++d)
    if (d != a1 && d != a2) {
      od.push_back(in.shape[d]);
      s[j++] = dense[d];
    }
  const int64_t len = std::max<int64_t>(
      0, std::min(in.shape[a1] - std::max<int64_t>(-k, 0), in.shape[a2] - std::max<int64_t>(k, 0)));
  od.push_back(len);
  s[j] = dense[a1] + dense[a2];
  const int64_t offset = k >= 0 ? k * dense[a2] : -k * dense[a1];
  TShape os{std::span<const int64_t>(od)};
  checkShape(out, os, "diag", "out");
  if (out.numel())
    copyStrided(in.dptr, viewPlan(os, s, offset), out.dptr, dtypeSize(in.dtype));
}

void depthToSpace(const TBlob &in, int64_t b, bool toSpace, const TBlob &out) {
  const char *op = toSpace ? "depth_to_space" : "space_to_depth";
  checkDType(out, in.dtype, op, "out");
  const TShape &s = in.shape;
  MXRT_CHECK(s.ndim() == 4 && b > 0, "operator ", op, ": data must be 4-D (N, C, H, W), got ",
             s.str());
  const int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  TShape view;
  std::vector<int64_t> perm;
  if (toSpace) { // (N, b, b, C/b^2, H, W) -> (N, C/b^2, H, b, W, b)
    MXRT_CHECK(C % (b * b) == 0, "operator depth_to_space: channels ", C,
               " are not divisible by block_size^2 = ", b * b);
    view = TShape{N, b, b, C / (b * b), H, W};
    perm = {0, 3, 4, 1, 5, 2};
  } else { // (N, C, H/b, b, W/b, b) -> (N, b, b, C, H/b, W/b)
    MXRT_CHECK(H % b == 0 && W % b == 0, "operator space_to_depth: height ", H, " and width ", W,
               " must be divisible by block_size ", b);
    view = TShape{N, C, H / b, b, W / b, b};
    perm = {0, 3, 5, 1, 2, 4};
  }
  TShape os;
  StridedPlan p = transposePlan(view, perm, &os);
  MXRT_CHECK(out.numel() == os.numel(), "operator ", op, ": output has ", out.numel(),
             " elements, expected ", os.numel());
  if (out.numel())
    copyStrided(in.dptr, p, out.dptr, dtypeSize(in.dtype));
}

void moments(const TBlob &in, AxisMask axes, const TBlob &mean, const TBlob &var) {
  reduce(ReduceOp::Mean, in, axes, mean);
  // var = mean((x - mean)^2), mean broadcast back over the reduced axes.
  std::vector<int64_t> kd(in.shape.begin(), in.shape.end());
  for (int d = 0; d < in.shape.ndim(); ++d)
    if ((axes >> d) & 1)
      kd[size_t(d)] = 1;
  TBlob m = mean;
  m.shape = TShape(std::span<const int64_t>(kd));
  std::vector<std::byte> buf(in.nbytes());
  TBlob diff{buf.data(), in.shape, in.dtype, in.ctx};
  binary(BinaryOp::Sub, in, m, diff);
  binary(BinaryOp::Mul, diff, diff, diff);
  reduce(ReduceOp::Mean, diff, axes, var);
}

void smoothL1(const TBlob &in, double sigma, const TBlob &out) {
  checkDType(out, in.dtype, "smooth_l1", "out");
  checkSameSize(in, out, "smooth_l1", "data", "out");
  MXRT_FLOAT_SWITCH(in.dtype, T, "smooth_l1", {
    // MXNet's smooth_l1_loss, in float (double for float64) as it computes.
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const A s2 = A(sigma) * A(sigma), inv = A(1) / s2;
    const T *x = in.ptr<T>();
    T *y = out.ptr<T>();
    parallel(in.numel(), kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        const A v = load<A>(x[i]), a = std::abs(v);
        y[i] = store<T>(a > inv ? a - A(0.5) * inv : A(0.5) * v * v * s2);
      }
    });
  });
}

namespace {

/// Data with time on axis (0 or 1) and batch on the other of the first two
/// axes; each step of a sequence is a row of `inner` elements.
struct SeqView {
  int64_t steps, batch, inner;
  int axis;
  /// Row offset (in elements) of step t of sequence b.
  int64_t row(int64_t t, int64_t b) const {
    return (axis == 0 ? t * batch + b : b * steps + t) * inner;
  }
};

SeqView seqView(const TShape &s, int64_t axis, const char *op) {
  MXRT_CHECK(s.ndim() >= 2 && (axis == 0 || axis == 1), "operator ", op,
             ": data must be (T, B, ...) with axis 0 or (B, T, ...) with axis 1, got ", s.str(),
             " and axis ", axis);
  return {s[int(axis)], s[int(1 - axis)], s.prod(2, s.ndim()), int(axis)};
}

/// Each sequence's length (truncated, as MXNet's casts), or the full
/// length without sequence_length.
std::vector<int64_t> seqLengths(const TBlob *length, const SeqView &v, const char *op) {
  std::vector<int64_t> len(static_cast<size_t>(v.batch), v.steps);
  if (!length)
    return len;
  MXRT_CHECK(length->numel() == v.batch, "operator ", op, ": sequence_length has shape ",
             length->shape.str(), ", expected (", v.batch, ",)");
  MXRT_DTYPE_SWITCH(length->dtype, L, {
    for (int64_t b = 0; b < v.batch; ++b)
      len[size_t(b)] = int64_t(load<double>(length->ptr<L>()[b]));
  });
  return len;
}

} // namespace

void sequenceMask(const TBlob &data, const TBlob *length, double value, int64_t axis,
                  const TBlob &out) {
  checkDType(out, data.dtype, "SequenceMask", "out");
  cast(data, out);
  if (!length)
    return;
  const SeqView v = seqView(data.shape, axis, "SequenceMask");
  const std::vector<int64_t> len = seqLengths(length, v, "SequenceMask");
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    const T fillValue = store<T>(value);
    for (int64_t b = 0; b < v.batch; ++b)
      for (int64_t t = std::max<int64_t>(len[size_t(b)], 0); t < v.steps; ++t)
        std::fill_n(out.ptr<T>() + v.row(t, b), v.inner, fillValue);
  });
}

void sequenceLast(const TBlob &data, const TBlob *length, int64_t axis, const TBlob &out) {
  const char *op = "SequenceLast";
  checkDType(out, data.dtype, op, "out");
  const SeqView v = seqView(data.shape, axis, op);
  MXRT_CHECK(out.numel() == v.batch * v.inner, "operator SequenceLast: output has shape ",
             out.shape.str(), ", expected ", v.batch * v.inner, " elements");
  const std::vector<int64_t> len = seqLengths(length, v, op);
  const size_t es = dtypeSize(data.dtype);
  // A length outside [1, T] reads outside the array in MXNet; here it gives
  // zeros, as its gradient (a one-hot of length - 1) assumes.
  for (int64_t b = 0; b < v.batch; ++b) {
    const int64_t t = len[size_t(b)] - 1;
    char *dst = static_cast<char *>(out.dptr) + size_t(b * v.inner) * es;
    if (t < 0 || t >= v.steps)
      std::memset(dst, 0, size_t(v.inner) * es);
    else
      std::memcpy(dst, static_cast<const char *>(data.dptr) + size_t(v.row(t, b)) * es,
                  size_t(v.inner) * es);
  }
}

void sequenceReverse(const TBlob &data, const TBlob *length, int64_t axis, const TBlob &out) {
  const char *op = "SequenceReverse";
  checkDType(out, data.dtype, op, "out");
  checkShape(out, data.shape, op, "out");
  MXRT_CHECK(out.dptr != data.dptr || data.numel() == 0,
             "operator SequenceReverse: the output may not be the data itself");
  const SeqView v = seqView(data.shape, axis, op);
  const std::vector<int64_t> len = seqLengths(length, v, op);
  const size_t es = dtypeSize(data.dtype);
  // Steps before a sequence's length are reversed; those past it are copied.
  for (int64_t b = 0; b < v.batch; ++b) {
    const int64_t n = std::clamp<int64_t>(len[size_t(b)], 0, v.steps);
    for (int64_t t = 0; t < v.steps; ++t)
      std::memcpy(static_cast<char *>(out.dptr) + size_t(v.row(t, b)) * es,
                  static_cast<const char *>(data.dptr) +
                      size_t(v.row(t < n ? n - 1 - t : t, b)) * es,
                  size_t(v.inner) * es);
  }
}

// ---- op registration -----------------------------------------------------------

namespace {

using In = std::span<const TBlob>;

std::vector<std::optional<int64_t>> optTuple(const Attrs &a, std::string_view name) {
  std::vector<std::optional<int64_t>> r;
  for (int64_t v : a.getShape(name))
    r.push_back(v == kNoneIndex ? std::nullopt : std::optional<int64_t>(v));
  return r;
}

std::vector<SliceRange> rangesOf(const Attrs &a, const TShape &s) {
  auto b = optTuple(a, "begin"), e = optTuple(a, "end"), st = optTuple(a, "step");
  return resolveSlice(s, b, e, st);
}

/// The sequence_length input when use_sequence_length is set, else null.
const TBlob *seqLengthInput(const Attrs &a, In in) {
  return a.getBool("use_sequence_length") && in.size() > 1 ? &in[1] : nullptr;
}

const KernelRegistrar registrations([] {
  registerKernel("_slice_assign", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   sliceAssign(in[0], &in[1], 0, rangesOf(a, in[0].shape), out[0]);
                 });
  registerKernel("_slice_assign_scalar", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   sliceAssign(in[0], nullptr, a.getFloat("scalar"), rangesOf(a, in[0].shape),
                               out[0]);
                 });
  registerKernel("slice_like", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   const TShape &s = in[0].shape, &like = in[1].shape;
                   const std::vector<int64_t> &axes = a.getShape("axes");
                   std::vector<SliceRange> r(static_cast<size_t>(s.ndim()));
                   for (int d = 0; d < s.ndim(); ++d) {
                     bool cut = axes.empty() ? d < like.ndim() : false;
                     for (int64_t ax : axes)
                       cut = cut || normalizeAxis(ax, s.ndim(), "slice_like", "axes") == d;
                     r[size_t(d)] = {0, 1, cut ? std::min(like[d], s[d]) : s[d]};
                   }
                   slice(in[0], r, out[0]);
                 });
  registerKernel("shape_array", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, In in, In out) {
                   const TShape &s = in[0].shape;
                   generate(out[0], [&](int64_t i) { return double(s[int(i)]); });
                 });
  registerKernel(
      "size_array", DeviceType::CPU,
      [](const OpContext &, const Attrs &, In in, In out) { fill(out[0], double(in[0].numel())); });
  registerKernel("_arange", DeviceType::CPU, [](const OpContext &, const Attrs &a, In, In out) {
    // One bound (stop None, no infer_range) is [0, start), as MXNet's RangeParamParser.
    const bool oneBound = !a.getBool("infer_range") && !a.getOptFloat("stop");
    arange(oneBound ? 0 : a.getFloat("start"), a.getFloat("step"), a.getInt("repeat"), out[0]);
  });
  registerKernel("_linspace", DeviceType::CPU, [](const OpContext &, const Attrs &a, In, In out) {
    linspace(a.getFloat("start"), a.getFloat("stop"), a.getInt("num"), a.getBool("endpoint"),
             out[0]);
  });
  registerKernel("_eye", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In, In out) { eye(a.getInt("k"), out[0]); });
  registerKernel("_zeros_without_dtype", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, In, In out) { fill(out[0], 0); });
  registerKernel("diag", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    diag(in[0], a.getInt("k"), a.getInt("axis1"), a.getInt("axis2"), out[0]);
  });
  registerKernel("depth_to_space", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   depthToSpace(in[0], a.getInt("block_size"), true, out[0]);
                 });
  registerKernel("space_to_depth", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   depthToSpace(in[0], a.getInt("block_size"), false, out[0]);
                 });
  registerKernel("moments", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    std::optional<std::vector<int64_t>> axes;
    if (!a.isNone("axes"))
      axes = a.getShape("axes");
    moments(in[0], reduceMask(axes, false, in[0].shape.ndim(), "moments"), out[0], out[1]);
  });
  registerKernel("smooth_l1", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   smoothL1(in[0], a.getFloat("scalar"), out[0]);
                 });
  registerKernel(
      "SequenceMask", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
        sequenceMask(in[0], seqLengthInput(a, in), a.getFloat("value"), a.getInt("axis"), out[0]);
      });
  registerKernel("SequenceLast", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   sequenceLast(in[0], seqLengthInput(a, in), a.getInt("axis"), out[0]);
                 });
  registerKernel("SequenceReverse", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   sequenceReverse(in[0], seqLengthInput(a, in), a.getInt("axis"), out[0]);
                 });
  // Loss layers' forward: the prediction itself (the label only shapes the gradient).
  for (const char *n : {"LinearRegressionOutput", "MAERegressionOutput", "SVMOutput"})
    registerKernel(n, DeviceType::CPU,
                   [](const OpContext &, const Attrs &, In in, In out) { cast(in[0], out[0]); });
  registerKernel("LogisticRegressionOutput", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, In in, In out) {
                   unary(UnaryOp::Sigmoid, in[0], out[0]);
                 });
  registerKernel("amp_cast", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, In in, In out) { cast(in[0], out[0]); });
  registerKernel("amp_multicast", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, In in, In out) {
                   for (size_t i = 0; i < in.size(); ++i)
                     cast(in[i], out[i]);
                 });
});

} // namespace
} // namespace mxrt::kernels::cpu
