// layout.cc - ops that move data without arithmetic: transpose/swapaxes,
// slice/slice_axis, flip, tile, repeat, concat, stack, split, pad, and the
// copies behind Reshape/Flatten/expand_dims/squeeze.
//
// Most are a strided view of the input copied densely (copyStrided); only
// the 2-D-like transposes get cache tiles, and concat/split/pad move rows.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"

#include <cstring>

namespace mxrt::kernels::cpu {
namespace {

/// The plan of `in` read through per-output-dim strides `s` from `offset`.
StridedPlan viewPlan(const TShape &outShape, const int64_t *s, int64_t offset) {
  StridedPlan p;
  MXRT_CHECK(outShape.ndim() <= kMaxPlanDims, "rank ", outShape.ndim(), " exceeds ", kMaxPlanDims);
  p.ndim = outShape.ndim();
  p.nops = 1;
  p.offset[0] = offset;
  for (int d = 0; d < p.ndim; ++d) {
    p.shape[d] = outShape[d];
    p.stride[0][d] = s[d];
  }
  p.collapse();
  return p;
}

/// Transposes the last two collapsed dims in 32x32 tiles (src stride 1 on
/// the second-to-last dim): reads and writes stay within cache lines.
template <class W> void transposeTiled(const W *src, const StridedPlan &p, W *dst) {
  const int nd = p.ndim;
  const int64_t A = p.shape[nd - 2], B = p.shape[nd - 1], sB = p.stride[0][nd - 1];
  const int64_t outer = p.numel() / (A * B);
  constexpr int64_t T = 32;
  const int64_t ta = (A + T - 1) / T, tb = (B + T - 1) / T;
  parallel(outer * ta * tb, std::max<int64_t>(1, kGrain / (T * T)), [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t o = t / (ta * tb), a0 = (t / tb) % ta * T, b0 = t % tb * T;
      NdCounter it(p, nd - 2, o);
      const W *s = src + it.offset[0];
      W *d = dst + o * A * B;
      const int64_t a1 = std::min(A, a0 + T), b1 = std::min(B, b0 + T);
      for (int64_t b = b0; b < b1; ++b)
        for (int64_t a = a0; a < a1; ++a)
          d[a * B + b] = s[a + b * sB];
    }
  });
}

void copyView(const TBlob &in, const StridedPlan &p, const TBlob &out) {
  const size_t es = dtypeSize(in.dtype);
  const int nd = p.ndim;
  if (nd >= 2 && p.stride[0][nd - 2] == 1 && p.stride[0][nd - 1] != 1 && p.shape[nd - 1] >= 8 &&
      p.shape[nd - 2] >= 8) {
    switch (es) {
    case 1:
      return transposeTiled(in.ptr<uint8_t>(), p, out.ptr<uint8_t>());
    case 2:
      return transposeTiled(in.ptr<uint16_t>(), p, out.ptr<uint16_t>());
    case 4:
      return transposeTiled(in.ptr<uint32_t>(), p, out.ptr<uint32_t>());
    case 8:
      return transposeTiled(in.ptr<uint64_t>(), p, out.ptr<uint64_t>());
    }
  }
  copyStrided(in.dptr, p, out.dptr, es);
}

void checkLayout(const TBlob &in, const TBlob &out, const char *op) {
  checkDType(out, in.dtype, op, "out");
}

} // namespace

void transpose(const TBlob &in, std::span<const int64_t> axes, const TBlob &out) {
  checkLayout(in, out, "transpose");
  const int nd = in.shape.ndim();
  int64_t perm[kMaxPlanDims];
  MXRT_CHECK(nd <= kMaxPlanDims, "operator transpose: rank ", nd, " is too large");
  MXRT_CHECK(axes.empty() || int(axes.size()) == nd, "operator transpose: axes has ", axes.size(),
             " entries for an array of rank ", nd);
  uint64_t seen = 0;
  for (int d = 0; d < nd; ++d) {
    perm[d] = axes.empty() ? nd - 1 - d : normalizeAxis(axes[size_t(d)], nd, "transpose", "axes");
    MXRT_CHECK(!((seen >> perm[d]) & 1), "operator transpose: axes repeat axis ", perm[d]);
    seen |= uint64_t(1) << perm[d];
  }
  int64_t inStride[kMaxPlanDims], s[kMaxPlanDims];
  denseStrides(in.shape, inStride);
  std::vector<int64_t> od(static_cast<size_t>(nd));
  for (int d = 0; d < nd; ++d) {
    s[d] = inStride[perm[d]];
    od[size_t(d)] = in.shape[int(perm[d])];
  }
  TShape os{std::span<const int64_t>(od)};
  checkShape(out, os, "transpose", "out");
  if (out.numel())
    copyView(in, viewPlan(os, s, 0), out);
}

std::vector<SliceRange> resolveSlice(const TShape &shape,
                                     std::span<const std::optional<int64_t>> begin,
                                     std::span<const std::optional<int64_t>> end,
                                     std::span<const std::optional<int64_t>> step) {
  const int nd = shape.ndim();
  MXRT_CHECK(int(begin.size()) <= nd && end.size() == begin.size() &&
                 (step.empty() || step.size() == begin.size()),
             "operator slice: begin, end and step must have the same length <= rank ", nd,
             " of data ", shape.str(), " (got ", begin.size(), ", ", end.size(), ", ", step.size(),
             ")");
  std::vector<SliceRange> r(static_cast<size_t>(nd));
  for (int i = 0; i < nd; ++i) {
    const int64_t len = shape[i];
    SliceRange &x = r[size_t(i)];
    if (i >= int(begin.size())) {
      x = {0, 1, len};
      continue;
    }
    const int64_t s = !step.empty() && step[size_t(i)] ? *step[size_t(i)] : 1;
    MXRT_CHECK(s != 0, "operator slice: step[", i, "] cannot be 0");
    if (len == 0) {
      x = {0, s, 0};
      continue;
    }
    // MXNet's GetIndexRange: None means the whole axis in the step's direction.
    int64_t b = begin[size_t(i)] ? *begin[size_t(i)] : (s < 0 ? len - 1 : 0);
    int64_t e = end[size_t(i)] ? *end[size_t(i)] : (s < 0 ? -1 : len);
    if (b < 0)
      b += len;
    if (e < 0 && end[size_t(i)])
      e += len;
    b = (b < 0 && s > 0) ? 0 : b;
    b = (b > len - 1 && s < 0) ? len - 1 : b;
    e = std::min(std::max<int64_t>(e, -1), len);
    int64_t n = 0;
    if (b >= 0 && b <= len - 1 && e != b)
      n = s > 0 ? (e > b ? (e - b - 1) / s + 1 : 0) : (e < b ? (b - e - 1) / -s + 1 : 0);
    x = {b < 0 ? 0 : b, s, n};
  }
  return r;
}

void slice(const TBlob &in, std::span<const SliceRange> ranges, const TBlob &out) {
  checkLayout(in, out, "slice");
  const int nd = in.shape.ndim();
  MXRT_CHECK(int(ranges.size()) == nd, "operator slice: ", ranges.size(), " ranges for rank ", nd);
  int64_t inStride[kMaxPlanDims], s[kMaxPlanDims], offset = 0;
  MXRT_CHECK(nd <= kMaxPlanDims, "operator slice: rank ", nd, " is too large");
  denseStrides(in.shape, inStride);
  std::vector<int64_t> od(static_cast<size_t>(nd));
  for (int d = 0; d < nd; ++d) {
    const SliceRange &r = ranges[size_t(d)];
    od[size_t(d)] = r.length;
    s[d] = inStride[d] * r.step;
    if (r.length)
      offset += inStride[d] * r.begin;
  }
  TShape os{std::span<const int64_t>(od)};
  checkShape(out, os, "slice", "out");
  if (out.numel())
    copyView(in, viewPlan(os, s, offset), out);
}

void sliceAxis(const TBlob &in, int64_t axis, int64_t begin, std::optional<int64_t> end,
               const TBlob &out) {
  const int nd = in.shape.ndim();
  const int a = normalizeAxis(axis, nd, "slice_axis");
  const int64_t len = in.shape[a];
  int64_t b = begin < 0 ? begin + len : begin;
  int64_t e = end ? (*end < 0 ? *end + len : *end) : len;
  MXRT_CHECK(b >= 0 && b < e && e <= len, "operator slice_axis: invalid begin=", begin,
             ", end=", end ? str(*end) : std::string("None"), " for axis ", axis, " of extent ",
             len, " in data ", in.shape.str());
  std::vector<SliceRange> r(static_cast<size_t>(nd));
  for (int d = 0; d < nd; ++d)
    r[size_t(d)] = d == a ? SliceRange{b, 1, e - b} : SliceRange{0, 1, in.shape[d]};
  slice(in, r, out);
}

void flip(const TBlob &in, std::span<const int64_t> axes, const TBlob &out) {
  checkLayout(in, out, "reverse");
  checkShape(out, in.shape, "reverse", "out");
  const int nd = in.shape.ndim();
  MXRT_CHECK(nd <= kMaxPlanDims, "operator reverse: rank ", nd, " is too large");
  int64_t s[kMaxPlanDims], offset = 0;
  denseStrides(in.shape, s);
  for (int64_t ax : axes) {
    int a = normalizeAxis(ax, nd, "reverse");
    if (in.shape[a] > 0)
      offset += s[a] * (in.shape[a] - 1);
    s[a] = -s[a];
  }
  if (out.numel())
    copyView(in, viewPlan(in.shape, s, offset), out);
}

void tile(const TBlob &in, std::span<const int64_t> reps, const TBlob &out) {
  checkLayout(in, out, "tile");
  const int nd = std::max(in.shape.ndim(), int(reps.size()));
  MXRT_CHECK(2 * nd <= kMaxPlanDims, "operator tile: rank ", nd, " is too large");
  // View as (r0, d0, r1, d1, ...): the rep dims read with stride 0.
  std::vector<int64_t> view, od;
  int64_t s[kMaxPlanDims], dense[kMaxPlanDims];
  denseStrides(in.shape, dense);
  int k = 0;
  for (int d = 0; d < nd; ++d) {
    int di = d - (nd - in.shape.ndim()), ri = d - (nd - int(reps.size()));
    int64_t dim = di >= 0 ? in.shape[di] : 1, rep = ri >= 0 ? reps[size_t(ri)] : 1;
    MXRT_CHECK(rep >= 0, "operator tile: reps must be >= 0, got ", rep);
    view.push_back(rep);
    s[k++] = 0;
    view.push_back(dim);
    s[k++] = di >= 0 ? dense[di] : 0;
    od.push_back(dim * rep);
  }
  checkShape(out, TShape(std::span<const int64_t>(od)), "tile", "out");
  if (out.numel())
    copyView(in, viewPlan(TShape(std::span<const int64_t>(view)), s, 0), out);
}

void repeat(const TBlob &in, int64_t repeats, std::optional<int64_t> axis, const TBlob &out) {
  checkLayout(in, out, "repeat");
  MXRT_CHECK(repeats >= 0, "operator repeat: repeats must be >= 0, got ", repeats);
  TShape src = axis ? in.shape : TShape{in.numel()};
  const int nd = src.ndim();
  const int a = axis ? normalizeAxis(*axis, nd, "repeat") : 0;
  MXRT_CHECK(nd + 1 <= kMaxPlanDims, "operator repeat: rank ", nd, " is too large");
  // View as (..., d_a, repeats, ...) with stride 0 on the repeats dim.
  std::vector<int64_t> view;
  int64_t s[kMaxPlanDims], dense[kMaxPlanDims];
  denseStrides(src, dense);
  int k = 0;
  for (int d = 0; d < nd; ++d) {
    view.push_back(src[d]);
    s[k++] = dense[d];
    if (d == a) {
      view.push_back(repeats);
      s[k++] = 0;
    }
  }
  MXRT_CHECK(out.numel() == in.numel() * repeats, "operator repeat: output has ", out.numel(),
             " elements, expected ", in.numel() * repeats);
  if (out.numel())
    copyView(in, viewPlan(TShape(std::span<const int64_t>(view)), s, 0), out);
}

void concat(std::span<const TBlob> in, int64_t axis, const TBlob &out) {
  MXRT_CHECK(!in.empty(), "operator Concat: needs at least one input");
  const int nd = out.shape.ndim();
  const int a = normalizeAxis(axis, nd, "Concat", "dim");
  const int64_t outer = out.shape.prod(0, a), inner = out.shape.prod(a + 1, nd);
  const size_t es = dtypeSize(out.dtype);
  int64_t total = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    checkDType(in[i], out.dtype, "Concat", "data");
    MXRT_CHECK(in[i].shape.ndim() == nd, "operator Concat: input ", i, " has shape ",
               in[i].shape.str(), ", expected rank ", nd);
    for (int d = 0; d < nd; ++d)
      MXRT_CHECK(d == a || in[i].shape[d] == out.shape[d], "operator Concat: input ", i,
                 " has shape ", in[i].shape.str(), ", incompatible with output ", out.shape.str(),
                 " along dim ", d);
    total += in[i].shape[a];
  }
  MXRT_CHECK(total == out.shape[a], "operator Concat: inputs sum to ", total, " along dim ", a,
             ", output has ", out.shape[a]);
  if (out.numel() == 0)
    return;
  // Each outer row of the output is the inputs' rows one after another.
  const int64_t rowBytes = out.shape[a] * inner * int64_t(es);
  parallel(outer, std::max<int64_t>(1, kGrain * 4 / std::max<int64_t>(1, rowBytes)),
           [&](int64_t lo, int64_t hi) {
             for (int64_t o = lo; o < hi; ++o) {
               char *dst = static_cast<char *>(out.dptr) + o * rowBytes;
               for (const TBlob &b : in) {
                 const size_t n = size_t(b.shape[a] * inner) * es;
                 std::memcpy(dst, static_cast<const char *>(b.dptr) + o * int64_t(n), n);
                 dst += n;
               }
             }
           });
}

void stack(std::span<const TBlob> in, int64_t axis, const TBlob &out) {
  MXRT_CHECK(!in.empty(), "operator stack: needs at least one input");
  const int nd = in[0].shape.ndim();
  int64_t a = axis < 0 ? axis + nd + 1 : axis;
  MXRT_CHECK(a >= 0 && a <= nd, "operator stack: axis=", axis,
             " is out of range for inputs of rank ", nd);
  // Stacking is concatenating inputs reshaped to (..., 1, ...).
  std::vector<TBlob> views(in.begin(), in.end());
  for (size_t i = 0; i < views.size(); ++i) {
    checkShape(in[i], in[0].shape, "stack", "data");
    std::vector<int64_t> d(in[i].shape.begin(), in[i].shape.end());
    d.insert(d.begin() + a, 1);
    views[i].shape = TShape(std::span<const int64_t>(d));
  }
  concat(views, a, out);
}

void split(const TBlob &in, int64_t axis, std::span<const TBlob> out) {
  MXRT_CHECK(!out.empty(), "operator split: needs at least one output");
  const int nd = in.shape.ndim();
  const int a = normalizeAxis(axis, nd, "split");
  const int64_t outer = in.shape.prod(0, a), inner = in.shape.prod(a + 1, nd);
  const size_t es = dtypeSize(in.dtype);
  const int64_t each = in.shape[a] / int64_t(out.size());
  MXRT_CHECK(each * int64_t(out.size()) == in.shape[a], "operator split: axis ", a, " of data ",
             in.shape.str(), " does not split into ", out.size(), " equal parts");
  for (const TBlob &b : out) {
    checkDType(b, in.dtype, "split", "out");
    MXRT_CHECK(b.numel() == outer * each * inner, "operator split: output has shape ",
               b.shape.str(), ", expected ", outer * each * inner, " elements");
  }
  if (in.numel() == 0)
    return;
  const int64_t rowBytes = in.shape[a] * inner * int64_t(es), n = each * inner * int64_t(es);
  parallel(outer, std::max<int64_t>(1, kGrain * 4 / std::max<int64_t>(1, rowBytes)),
           [&](int64_t lo, int64_t hi) {
             for (int64_t o = lo; o < hi; ++o)
               for (size_t k = 0; k < out.size(); ++k)
                 std::memcpy(static_cast<char *>(out[k].dptr) + o * n,
                             static_cast<const char *>(in.dptr) + o * rowBytes + int64_t(k) * n,
                             size_t(n));
           });
}

namespace {

/// Source index of output index i along an axis padded by `before`, or -1
/// where constant padding applies.
int64_t padSource(PadMode mode, int64_t i, int64_t before, int64_t len) {
  int64_t j = i - before;
  if (j >= 0 && j < len)
    return j;
  if (mode == PadMode::Constant || len == 0)
    return -1;
  if (mode == PadMode::Edge)
    return j < 0 ? 0 : len - 1;
  if (len == 1)
    return 0;
  const int64_t period = 2 * (len - 1); // reflect without repeating the edge
  j = ((j % period) + period) % period;
  return j < len ? j : period - j;
}

template <class W>
void padT(const TBlob &in, PadMode mode, std::span<const int64_t> width, W fillValue,
          const TBlob &out) {
  const int nd = in.shape.ndim();
  const int64_t inner = out.shape[nd - 1], rows = out.numel() / std::max<int64_t>(1, inner);
  const int64_t before = width[size_t(2 * (nd - 1))], len = in.shape[nd - 1];
  int64_t inStride[kMaxPlanDims];
  denseStrides(in.shape, inStride);
  const W *src = in.ptr<W>();
  W *dst = out.ptr<W>();
  parallel(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inner)),
           [&](int64_t lo, int64_t hi) {
             for (int64_t r = lo; r < hi; ++r) {
               W *o = dst + r * inner;
               int64_t off = 0, rem = r;
               bool constRow = false;
               for (int d = nd - 2; d >= 0; --d) {
                 int64_t i = rem % out.shape[d];
                 rem /= out.shape[d];
                 int64_t j = padSource(mode, i, width[size_t(2 * d)], in.shape[d]);
                 constRow = constRow || j < 0;
                 off += j * inStride[d];
               }
               for (int64_t i = 0; i < inner; ++i) {
                 int64_t j = constRow ? -1 : padSource(mode, i, before, len);
                 o[i] = j < 0 ? fillValue : src[off + j];
               }
             }
           });
}

} // namespace

void pad(const TBlob &in, PadMode mode, std::span<const int64_t> width, double value,
         const TBlob &out) {
  checkLayout(in, out, "Pad");
  const int nd = in.shape.ndim();
  MXRT_CHECK(nd >= 1 && nd <= kMaxPlanDims && int(width.size()) == 2 * nd,
             "operator Pad: pad_width has ", width.size(), " entries, expected 2 * rank = ", 2 * nd,
             " for data ", in.shape.str());
  std::vector<int64_t> od;
  for (int d = 0; d < nd; ++d) {
    int64_t b = width[size_t(2 * d)], a = width[size_t(2 * d + 1)];
    MXRT_CHECK(b >= 0 && a >= 0, "operator Pad: negative pad_width at axis ", d);
    MXRT_CHECK(mode != PadMode::Reflect || (b < in.shape[d] && a < in.shape[d]),
               "operator Pad: reflect padding ", b, ",", a, " of axis ", d,
               " must be smaller than its extent ", in.shape[d]);
    od.push_back(in.shape[d] + b + a);
  }
  checkShape(out, TShape(std::span<const int64_t>(od)), "Pad", "out");
  if (out.numel() == 0)
    return;
  MXRT_CHECK(mode == PadMode::Constant || in.numel() > 0,
             "operator Pad: edge/reflect padding of an empty array");
  MXRT_DTYPE_SWITCH(in.dtype, T, {
    padT<word_t<T>>(in, mode, width, std::bit_cast<word_t<T>>(store<T>(value)), out);
  });
}

// ---- op registration -----------------------------------------------------------

namespace {

/// An IntOrNoneTuple attribute (slice's begin/end/step): kNoneIndex is None.
std::vector<std::optional<int64_t>> optTuple(const Attrs &a, std::string_view name) {
  std::vector<std::optional<int64_t>> r;
  for (int64_t v : a.getShape(name))
    r.push_back(v == kNoneIndex ? std::nullopt : std::optional<int64_t>(v));
  return r;
}

void copyKernel(const OpContext &, const Attrs &, std::span<const TBlob> in,
                std::span<const TBlob> out) {
  cast(in[0], out[0]);
}

PadMode padMode(const std::string &m) {
  if (m == "constant")
    return PadMode::Constant;
  if (m == "edge")
    return PadMode::Edge;
  if (m == "reflect")
    return PadMode::Reflect;
  fail("operator Pad: mode='", m, "' is not supported");
}

const KernelRegistrar registrations([] {
  using In = std::span<const TBlob>;
  registerKernel("transpose", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   transpose(in[0], a.getShape("axes"), out[0]);
                 });
  registerKernel("SwapAxis", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    const int nd = in[0].shape.ndim();
    std::vector<int64_t> perm(static_cast<size_t>(nd));
    for (int d = 0; d < nd; ++d)
      perm[size_t(d)] = d;
    int d1 = normalizeAxis(a.getInt("dim1"), nd, "SwapAxis", "dim1");
    int d2 = normalizeAxis(a.getInt("dim2"), nd, "SwapAxis", "dim2");
    std::swap(perm[size_t(d1)], perm[size_t(d2)]);
    transpose(in[0], perm, out[0]);
  });
  registerKernel("slice", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    auto b = optTuple(a, "begin"), e = optTuple(a, "end"), s = optTuple(a, "step");
    slice(in[0], resolveSlice(in[0].shape, b, e, s), out[0]);
  });
  registerKernel(
      "slice_axis", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
        sliceAxis(in[0], a.getInt("axis"), a.getInt("begin"), a.getOptInt("end"), out[0]);
      });
  registerKernel("reverse", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    flip(in[0], a.getShape("axis"), out[0]);
  });
  registerKernel("tile", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    tile(in[0], a.getShape("reps"), out[0]);
  });
  registerKernel("repeat", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    repeat(in[0], a.getInt("repeats"), a.getOptInt("axis"), out[0]);
  });
  registerKernel("Concat", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    concat(in, a.getInt("dim"), out[0]);
  });
  registerKernel("stack", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    stack(in, a.getInt("axis"), out[0]);
  });
  registerKernel("SliceChannel", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   split(in[0], a.getInt("axis"), out);
                 });
  registerKernel("Pad", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    pad(in[0], padMode(a.getStr("mode")), a.getShape("pad_width"), a.getFloat("constant_value"),
        out[0]);
  });
  for (const char *name : {"Reshape", "Flatten", "expand_dims", "squeeze", "reshape_like"})
    registerKernel(name, DeviceType::CPU, copyKernel);
});

} // namespace
} // namespace mxrt::kernels::cpu
