// layout.cc - ops that move data (and little else): transpose/swapaxes,
// slice/slice_axis, Crop, flip, tile, repeat, concat, stack, split, pad,
// UpSampling (nearest; bilinear is a Deconvolution), and the copies behind
// Reshape/Flatten/expand_dims/squeeze.
//
// Most are a strided view of the input copied densely (copyStrided); only
// the 2-D-like transposes get cache tiles, and concat/split/pad move rows.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels/layout_plans.h"

#include <cstring>

namespace mxrt::kernels::cpu {
namespace {

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
  TShape os;
  StridedPlan p = transposePlan(in.shape, axes, &os);
  checkShape(out, os, "transpose", "out");
  if (out.numel())
    copyView(in, p, out);
}

void slice(const TBlob &in, std::span<const SliceRange> ranges, const TBlob &out) {
  checkLayout(in, out, "slice");
  TShape os;
  StridedPlan p = slicePlan(in.shape, ranges, &os);
  checkShape(out, os, "slice", "out");
  if (out.numel())
    copyView(in, p, out);
}

void sliceAxis(const TBlob &in, int64_t axis, int64_t begin, std::optional<int64_t> end,
               const TBlob &out) {
  slice(in, sliceAxisRanges(in.shape, axis, begin, end), out);
}

void flip(const TBlob &in, std::span<const int64_t> axes, const TBlob &out) {
  checkLayout(in, out, "reverse");
  checkShape(out, in.shape, "reverse", "out");
  StridedPlan p = flipPlan(in.shape, axes);
  if (out.numel())
    copyView(in, p, out);
}

void tile(const TBlob &in, std::span<const int64_t> reps, const TBlob &out) {
  checkLayout(in, out, "tile");
  TShape os;
  StridedPlan p = tilePlan(in.shape, reps, &os);
  checkShape(out, os, "tile", "out");
  if (out.numel())
    copyView(in, p, out);
}

void repeat(const TBlob &in, int64_t repeats, std::optional<int64_t> axis, const TBlob &out) {
  checkLayout(in, out, "repeat");
  StridedPlan p = repeatPlan(in.shape, repeats, axis);
  MXRT_CHECK(out.numel() == in.numel() * repeats, "operator repeat: output has ", out.numel(),
             " elements, expected ", in.numel() * repeats);
  if (out.numel())
    copyView(in, p, out);
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

void splitAt(const TBlob &in, int64_t axis, std::span<const int64_t> starts,
             std::span<const TBlob> out, const char *op) {
  MXRT_CHECK(!out.empty() && starts.size() == out.size(), "operator ", op, ": ", out.size(),
             " outputs for ", starts.size(), " parts");
  const int nd = in.shape.ndim();
  const int a = normalizeAxis(axis, nd, op);
  const int64_t outer = in.shape.prod(0, a), inner = in.shape.prod(a + 1, nd), len = in.shape[a];
  const int64_t es = int64_t(dtypeSize(in.dtype));
  // Part k is [starts[k], starts[k + 1]) of the axis, the last one up to its end.
  std::vector<int64_t> begin(out.size()), bytes(out.size());
  for (size_t k = 0; k < out.size(); ++k) {
    const int64_t b = starts[k], e = k + 1 < out.size() ? starts[k + 1] : len;
    MXRT_CHECK(0 <= b && b <= e && e <= len, "operator ", op, ": part ", k, " [", b, ", ", e,
               ") is outside axis ", a, " of data ", in.shape.str());
    checkDType(out[k], in.dtype, op, "out");
    MXRT_CHECK(out[k].numel() == outer * (e - b) * inner, "operator ", op, ": output ", k,
               " has shape ", out[k].shape.str(), ", expected ", outer * (e - b) * inner,
               " elements");
    begin[k] = b * inner * es;
    bytes[k] = (e - b) * inner * es;
  }
  if (in.numel() == 0)
    return;
  const int64_t rowBytes = len * inner * es;
  parallel(outer, std::max<int64_t>(1, kGrain * 4 / std::max<int64_t>(1, rowBytes)),
           [&](int64_t lo, int64_t hi) {
             for (int64_t o = lo; o < hi; ++o)
               for (size_t k = 0; k < out.size(); ++k)
                 std::memcpy(static_cast<char *>(out[k].dptr) + o * bytes[k],
                             static_cast<const char *>(in.dptr) + o * rowBytes + begin[k],
                             size_t(bytes[k]));
           });
}

void split(const TBlob &in, int64_t axis, std::span<const TBlob> out) {
  MXRT_CHECK(!out.empty(), "operator split: needs at least one output");
  const int a = normalizeAxis(axis, in.shape.ndim(), "split");
  const int64_t each = in.shape[a] / int64_t(out.size());
  MXRT_CHECK(each * int64_t(out.size()) == in.shape[a], "operator split: axis ", a, " of data ",
             in.shape.str(), " does not split into ", out.size(), " equal parts");
  std::vector<int64_t> starts(out.size());
  for (size_t k = 0; k < out.size(); ++k)
    starts[k] = int64_t(k) * each;
  splitAt(in, a, starts, out, "split");
}

/// _split_v2's part starts: `indices`, or numpy.array_split's `sections`
/// equal parts (the first extent % sections one longer), as its shape function.
std::vector<int64_t> splitV2Starts(const TShape &data, int64_t axis, int64_t sections,
                                   std::span<const int64_t> indices) {
  if (sections <= 0)
    return {indices.begin(), indices.end()};
  const int64_t len = data[normalizeAxis(axis, data.ndim(), "_split_v2")];
  std::vector<int64_t> starts{0};
  for (int64_t i = 1; i < sections; ++i)
    starts.push_back(starts.back() + len / sections + (i - 1 < len % sections ? 1 : 0));
  return starts;
}

void crop(const TBlob &data, std::span<const int64_t> offset, bool center, const TBlob &out) {
  const TShape &s = data.shape, &o = out.shape;
  MXRT_CHECK(s.ndim() == 4 && o.ndim() == 4 && o[0] == s[0] && o[1] == s[1] && o[2] <= s[2] &&
                 o[3] <= s[3],
             "operator Crop: output ", o.str(), " is not a spatial crop of data ", s.str());
  int64_t y = 0, x = 0;
  if (center) { // MXNet: the centre, rounded down
    y = (s[2] - o[2]) / 2;
    x = (s[3] - o[3]) / 2;
  } else if (offset.size() == 2) {
    y = offset[0];
    x = offset[1];
  }
  MXRT_CHECK(y >= 0 && x >= 0 && y + o[2] <= s[2] && x + o[3] <= s[3], "operator Crop: offset (", y,
             ", ", x, ") and size (", o[2], ", ", o[3], ") exceed data ", s.str());
  const SliceRange r[] = {{0, 1, s[0]}, {0, 1, s[1]}, {y, 1, o[2]}, {x, 1, o[3]}};
  slice(data, r, out);
}

void upsampleNearest(std::span<const TBlob> in, bool sum, const TBlob &out) {
  const char *op = "UpSampling";
  MXRT_CHECK(!in.empty() && out.shape.ndim() == 4,
             "operator UpSampling: needs inputs and a 4-D "
             "output, got ",
             out.shape.str());
  const int64_t N = out.shape[0], C = out.shape[1], H = out.shape[2], W = out.shape[3];
  int64_t channels = 0;
  for (const TBlob &b : in) {
    checkDType(b, out.dtype, op, "input");
    MXRT_CHECK(b.shape.ndim() == 4 && b.shape[0] == N && b.shape[2] > 0 && b.shape[3] > 0 &&
                   H % b.shape[2] == 0 && W % b.shape[3] == 0 && (!sum || b.shape[1] == C),
               "operator UpSampling: input ", b.shape.str(), " does not scale to output ",
               out.shape.str());
    channels += b.shape[1];
  }
  MXRT_CHECK(sum || channels == C, "operator UpSampling: inputs have ", channels,
             " channels in all, output ", out.shape.str());
  if (sum)
    fill(out, 0);
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    using A = compute_t<T>;
    T *y = out.ptr<T>();
    int64_t c0 = 0; // concat: the input's first output channel
    for (const TBlob &b : in) {
      const int64_t Ci = b.shape[1], h = b.shape[2], w = b.shape[3], sy = H / h, sx = W / w;
      const T *x = b.ptr<T>();
      parallel(N * Ci, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, H * W)),
               [&](int64_t lo, int64_t hi) {
                 for (int64_t p = lo; p < hi; ++p) {
                   const int64_t n = p / Ci, c = p % Ci;
                   const T *xp = x + p * h * w;
                   T *yp = y + (n * C + (sum ? c : c0 + c)) * H * W;
                   for (int64_t i = 0; i < H; ++i)
                     for (int64_t j = 0; j < W; ++j) {
                       const T v = xp[(i / sy) * w + j / sx];
                       yp[i * W + j] = sum ? store<T>(load<A>(yp[i * W + j]) + load<A>(v)) : v;
                     }
                 }
               });
      c0 += Ci;
    }
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
  registerKernel("_split_v2", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   splitAt(in[0], a.getInt("axis"),
                           splitV2Starts(in[0].shape, a.getInt("axis"), a.getInt("sections"),
                                         a.getShape("indices")),
                           out, "_split_v2");
                 });
  registerKernel("Crop", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    crop(in[0], a.getShape("offset"), a.getBool("center_crop"), out[0]);
  });
  registerKernel("UpSampling", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   const int64_t scale = a.getInt("scale");
                   if (a.getStr("sample_type") == "nearest")
                     return upsampleNearest(in, a.getStr("multi_input_mode") == "sum", out[0]);
                   // bilinear: MXNet's depthwise Deconvolution with the given weight
                   // (kernel 2 scale - scale % 2, stride scale, pad ceil((scale - 1) / 2)).
                   const int64_t k = 2 * scale - scale % 2, p = scale / 2;
                   const std::vector<int64_t> kernel{k, k}, stride{scale, scale}, pad{p, p};
                   deconvolution(in[0], in[1], nullptr, kernel, stride, {}, pad,
                                 in[0].shape.ndim() > 1 ? in[0].shape[1] : 1, out[0]);
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
