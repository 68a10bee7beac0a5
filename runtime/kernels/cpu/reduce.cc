// reduce.cc - reductions over axes (sum, mean, prod, max, min, nansum,
// nanprod, norm) and argmax/argmin.
//
// The input is viewed as (outer, reduced, inner) after collapsing: dims of
// extent 1 drop out and neighbours with the same reduce status merge.
//  - inner == 1 (rows): each row is cut into fixed blocks; a block is summed
//    in 16 independent lanes (vectorized), block results combine in order.
//    Long rows spread their blocks over the workers. Because the blocking
//    never depends on the thread count, results are bitwise the same on
//    one thread or many.
//  - inner > 1 (columns): each output accumulates its column in order,
//    vectorized across the inner extent.
//  - anything else (reduced dims not adjacent): per output, a strided walk.
// Accumulation is in float for 16/32-bit floats, double for float64 and
// int64 for integers (wrapping exactly as the integer type would).
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels/reducers.h"

#include <cmath>
#include <limits>
#include <vector>

namespace mxrt::kernels::cpu {
namespace {

constexpr int64_t kBlock = 2048;
constexpr int kLanes = 16;

/// Accumulator type: max/min compare in the element's own compute type.
template <ReduceOp Op, class T>
using acc_t =
    std::conditional_t<Op == ReduceOp::Max || Op == ReduceOp::Min, compute_t<T>,
                       std::conditional_t<std::is_same_v<T, double>, double,
                                          std::conditional_t<isFloatLike<T>, float, int64_t>>>;

/// Reduces n elements at x (stride 1) in kLanes lanes, lanes merged in a
/// fixed tree.
template <class R, class A, class T> MXRT_INLINE A reduceBlock(const T *x, int64_t n) {
  A lane[kLanes];
  for (int l = 0; l < kLanes; ++l)
    lane[l] = R::init();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l)
      lane[l] = R::step(lane[l], load<A>(x[i + l]));
  for (int l = 0; i < n; ++i, ++l)
    lane[l] = R::step(lane[l], load<A>(x[i]));
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int l = 0; l < w; ++l)
      lane[l] = R::merge(lane[l], lane[l + w]);
  return lane[0];
}

/// One row of n contiguous elements: blocks reduced (in parallel when the
/// row is long), then merged in order.
template <class R, class A, class T> A reduceRow(const T *x, int64_t n, bool mayParallel) {
  const int64_t nb = (n + kBlock - 1) / kBlock;
  auto block = [&](int64_t b) {
    A r;
    isaDispatch([&](int64_t lo)
                    MXRT_INLINE { r = reduceBlock<R, A>(x + lo, std::min(kBlock, n - lo)); },
                b * kBlock);
    return r;
  };
  if (nb == 1)
    return block(0);
  std::vector<A> part(static_cast<size_t>(nb));
  auto run = [&](int64_t lo, int64_t hi) {
    for (int64_t b = lo; b < hi; ++b)
      part[size_t(b)] = block(b);
  };
  if (mayParallel)
    parallel(nb, std::max<int64_t>(1, kGrain / kBlock), run);
  else
    run(0, nb);
  A acc = part[0];
  for (int64_t b = 1; b < nb; ++b)
    acc = R::merge(acc, part[size_t(b)]);
  return acc;
}

template <ReduceOp Op, class TO, class A> TO finalize(A acc, int64_t n) {
  if constexpr (Op == ReduceOp::Mean) {
    if constexpr (std::is_integral_v<A>)
      return store<TO>(n ? int64_t(TO(acc)) / n : 0); // MXNet: integer mean truncates
    else
      return store<TO>(acc / A(n));
  } else if constexpr (Op == ReduceOp::Norm2) {
    return store<TO>(std::sqrt(double(acc)));
  } else {
    return store<TO>(acc);
  }
}

/// The (outer, reduced, inner) view; `general` when reduced dims are split.
struct ReduceView {
  int64_t outer = 1, reduced = 1, inner = 1;
  bool general = false;
  std::vector<int64_t> shape; ///< collapsed dims and their status
  std::vector<bool> isReduced;
};

ReduceView viewOf(const TShape &s, AxisMask mask) {
  ReduceView v;
  for (int d = 0; d < s.ndim(); ++d) {
    if (s[d] == 1)
      continue;
    bool r = (mask >> d) & 1;
    if (!v.shape.empty() && v.isReduced.back() == r)
      v.shape.back() *= s[d];
    else {
      v.shape.push_back(s[d]);
      v.isReduced.push_back(r);
    }
  }
  size_t n = v.shape.size();
  size_t firstR = 0;
  while (firstR < n && !v.isReduced[firstR])
    ++firstR;
  if (firstR == n) { // nothing reduced: every output reduces one element
    for (int64_t e : v.shape)
      v.outer *= e;
    return v;
  }
  v.general = n > firstR + 2 || (firstR > 1);
  if (!v.general) {
    v.outer = firstR == 1 ? v.shape[0] : 1;
    v.reduced = v.shape[firstR];
    v.inner = firstR + 1 < n ? v.shape[firstR + 1] : 1;
  }
  return v;
}

template <ReduceOp Op, class TI, class TO>
void reduceT(const TBlob &in, AxisMask mask, const TBlob &out) {
  using A = acc_t<Op, TI>;
  using R = Reducer<Op, A>;
  const TI *x = in.ptr<TI>();
  TO *y = out.ptr<TO>();
  const int64_t nOut = out.numel(), nIn = in.numel();
  const int64_t n = nOut ? nIn / nOut : 0; // elements per output
  if (nOut == 0)
    return;
  if ((Op == ReduceOp::Max || Op == ReduceOp::Min) && n == 0)
    fail("operator ", Op == ReduceOp::Max ? "max" : "min",
         ": cannot reduce over a zero-size axis of an array of shape ", in.shape.str());
  ReduceView v = viewOf(in.shape, mask);
  if (n == 0) {
    for (int64_t i = 0; i < nOut; ++i)
      y[i] = finalize<Op, TO>(R::init(), 0);
    return;
  }
  if (v.general) {
    // Reduced dims interleave kept ones: walk each output's subspace.
    StridedPlan kept, red;
    int64_t stride = 1;
    std::vector<int64_t> strides(v.shape.size());
    for (size_t d = v.shape.size(); d-- > 0;) {
      strides[d] = stride;
      stride *= v.shape[d];
    }
    kept.nops = red.nops = 1;
    for (size_t d = 0; d < v.shape.size(); ++d) {
      StridedPlan &p = v.isReduced[d] ? red : kept;
      p.shape[p.ndim] = v.shape[d];
      p.stride[0][p.ndim++] = strides[d];
    }
    parallel(nOut, std::max<int64_t>(1, kGrain / n), [&](int64_t lo, int64_t hi) {
      NdCounter ko(kept, kept.ndim, lo);
      for (int64_t o = lo; o < hi; ++o, ko.next()) {
        A acc = R::init();
        NdCounter ri(red, red.ndim, 0);
        for (int64_t r = 0; r < n; ++r, ri.next())
          acc = R::step(acc, load<A>(x[ko.offset[0] + ri.offset[0]]));
        y[o] = finalize<Op, TO>(acc, n);
      }
    });
    return;
  }
  const int64_t outer = v.outer, red = v.reduced, inner = v.inner;
  if (inner == 1) {
    if (outer == 1) {
      y[0] = finalize<Op, TO>(reduceRow<R, A>(x, red, true), n);
      return;
    }
    parallel(outer, std::max<int64_t>(1, kGrain / red), [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; ++o)
        y[o] = finalize<Op, TO>(reduceRow<R, A>(x + o * red, red, false), n);
    });
    return;
  }
  // Columns: for each outer slice, acc[k] over the reduced rows, in order.
  constexpr int64_t kChunk = 256;
  const int64_t chunks = (inner + kChunk - 1) / kChunk;
  parallel(outer * chunks, std::max<int64_t>(1, kGrain / (red * kChunk)),
           [&](int64_t lo, int64_t hi) {
             A acc[kChunk];
             for (int64_t t = lo; t < hi; ++t) {
               const int64_t o = t / chunks, k0 = (t % chunks) * kChunk;
               const int64_t w = std::min(kChunk, inner - k0);
               const TI *base = x + o * red * inner + k0;
               isaDispatch([&]() MXRT_INLINE {
                 for (int64_t k = 0; k < w; ++k)
                   acc[k] = R::init();
                 for (int64_t r = 0; r < red; ++r)
                   for (int64_t k = 0; k < w; ++k)
                     acc[k] = R::step(acc[k], load<A>(base[r * inner + k]));
               });
               for (int64_t k = 0; k < w; ++k)
                 y[o * inner + k0 + k] = finalize<Op, TO>(acc[k], n);
             }
           });
}

template <ReduceOp Op> void reduceOp(const TBlob &in, AxisMask mask, const TBlob &out) {
  MXRT_DTYPE_SWITCH(in.dtype, TI, {
    if (out.dtype == in.dtype) {
      reduceT<Op, TI, TI>(in, mask, out);
    } else {
      MXRT_CHECK(Op == ReduceOp::Norm1 || Op == ReduceOp::Norm2, "reduce: output dtype ",
                 dtypeName(out.dtype), " differs from the input's ", dtypeName(in.dtype));
      MXRT_DTYPE_SWITCH(out.dtype, TO, reduceT<Op, TI, TO>(in, mask, out));
    }
  });
}

} // namespace

AxisMask reduceMask(const std::optional<std::vector<int64_t>> &axes, bool exclude, int ndim,
                    const char *op) {
  MXRT_CHECK(ndim <= 64, "operator ", op, ": rank ", ndim, " is too large");
  AxisMask all = ndim == 64 ? ~AxisMask(0) : (AxisMask(1) << ndim) - 1;
  if (!axes || axes->empty()) // MXNet 1.x: None or () reduces all, exclude or not
    return all;
  AxisMask m = 0;
  for (int64_t a : *axes) {
    int d = normalizeAxis(a, ndim, op);
    MXRT_CHECK(!((m >> d) & 1), "operator ", op, ": axis ", a, " is given twice");
    m |= AxisMask(1) << d;
  }
  return exclude ? all & ~m : m;
}

void reduce(ReduceOp op, const TBlob &in, AxisMask axes, const TBlob &out) {
  switch (op) {
  case ReduceOp::Sum:
    return reduceOp<ReduceOp::Sum>(in, axes, out);
  case ReduceOp::Mean:
    return reduceOp<ReduceOp::Mean>(in, axes, out);
  case ReduceOp::Prod:
    return reduceOp<ReduceOp::Prod>(in, axes, out);
  case ReduceOp::Max:
    return reduceOp<ReduceOp::Max>(in, axes, out);
  case ReduceOp::Min:
    return reduceOp<ReduceOp::Min>(in, axes, out);
  case ReduceOp::NanSum:
    return reduceOp<ReduceOp::NanSum>(in, axes, out);
  case ReduceOp::NanProd:
    return reduceOp<ReduceOp::NanProd>(in, axes, out);
  case ReduceOp::Norm1:
    return reduceOp<ReduceOp::Norm1>(in, axes, out);
  case ReduceOp::Norm2:
    return reduceOp<ReduceOp::Norm2>(in, axes, out);
  }
}

void argReduce(bool isMax, const TBlob &in, std::optional<int> axis, const TBlob &out) {
  const char *op = isMax ? "argmax" : "argmin";
  int64_t outer = 1, red = in.numel(), inner = 1;
  if (axis) {
    int a = normalizeAxis(*axis, in.shape.ndim(), op);
    outer = in.shape.prod(0, a);
    red = in.shape[a];
    inner = in.shape.prod(a + 1, in.shape.ndim());
  }
  MXRT_CHECK(out.numel() == outer * inner, "operator ", op, ": output has ", out.numel(),
             " elements, expected ", outer * inner);
  if (out.numel() == 0)
    return;
  MXRT_CHECK(red > 0, "operator ", op, ": cannot reduce over a zero-size axis of shape ",
             in.shape.str());
  MXRT_DTYPE_SWITCH(in.dtype, TI, {
    MXRT_DTYPE_SWITCH(out.dtype, TO, {
      using A = compute_t<TI>;
      const TI *x = in.ptr<TI>();
      TO *y = out.ptr<TO>();
      parallel(outer * inner, std::max<int64_t>(1, kGrain / red), [&](int64_t lo, int64_t hi) {
        for (int64_t t = lo; t < hi; ++t) {
          const TI *p = x + (t / inner) * red * inner + t % inner;
          A best = load<A>(p[0]);
          int64_t bi = 0;
          for (int64_t r = 1; r < red && !fn::isNan(best); ++r) {
            A v = load<A>(p[r * inner]);
            if (isMax ? (v > best || fn::isNan(v)) : (v < best || fn::isNan(v))) {
              best = v;
              bi = r;
            }
          }
          y[t] = store<TO>(double(bi));
        }
      });
    });
  });
}

// ---- op registration -----------------------------------------------------------

namespace {

std::optional<std::vector<int64_t>> axesAttr(const Attrs &a) {
  if (a.isNone("axis"))
    return std::nullopt;
  return a.getShape("axis");
}

template <ReduceOp Op>
void reduceKernel(const OpContext &, const Attrs &a, std::span<const TBlob> in,
                  std::span<const TBlob> out) {
  bool exclude = a.op().findAttr("exclude") && a.getBool("exclude");
  reduce(Op, in[0], reduceMask(axesAttr(a), exclude, in[0].shape.ndim(), a.op().name.data()),
         out[0]);
}

void normKernel(const OpContext &, const Attrs &a, std::span<const TBlob> in,
                std::span<const TBlob> out) {
  int64_t ord = a.getInt("ord");
  MXRT_CHECK(ord == 1 || ord == 2, "operator norm: ord=", ord, " is not supported (1 or 2)");
  reduce(ord == 1 ? ReduceOp::Norm1 : ReduceOp::Norm2, in[0],
         reduceMask(axesAttr(a), false, in[0].shape.ndim(), "norm"), out[0]);
}

template <bool IsMax>
void argKernel(const OpContext &, const Attrs &a, std::span<const TBlob> in,
               std::span<const TBlob> out) {
  std::optional<int64_t> axis = a.getOptInt("axis");
  argReduce(IsMax, in[0], axis ? std::optional<int>(int(*axis)) : std::nullopt, out[0]);
}

void argmaxChannelKernel(const OpContext &, const Attrs &, std::span<const TBlob> in,
                         std::span<const TBlob> out) {
  argReduce(true, in[0], in[0].shape.ndim() - 1, out[0]);
}

const KernelRegistrar registrations([] {
  registerKernel("sum", DeviceType::CPU, reduceKernel<ReduceOp::Sum>);
  registerKernel("mean", DeviceType::CPU, reduceKernel<ReduceOp::Mean>);
  registerKernel("prod", DeviceType::CPU, reduceKernel<ReduceOp::Prod>);
  registerKernel("max", DeviceType::CPU, reduceKernel<ReduceOp::Max>);
  registerKernel("min", DeviceType::CPU, reduceKernel<ReduceOp::Min>);
  registerKernel("nansum", DeviceType::CPU, reduceKernel<ReduceOp::NanSum>);
  registerKernel("nanprod", DeviceType::CPU, reduceKernel<ReduceOp::NanProd>);
  registerKernel("norm", DeviceType::CPU, normKernel);
  registerKernel("argmax", DeviceType::CPU, argKernel<true>);
  registerKernel("argmin", DeviceType::CPU, argKernel<false>);
  registerKernel("argmax_channel", DeviceType::CPU, argmaxChannelKernel);
});

} // namespace
} // namespace mxrt::kernels::cpu
