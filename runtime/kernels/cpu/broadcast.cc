// broadcast.cc - binary ops with NumPy broadcasting (elemwise_*, broadcast_*,
// the comparison and logical ops) and broadcast_to/like/axis.
//
// Shapes are first collapsed: dims of extent 1 in the output drop out and
// neighbouring dims merge when both inputs broadcast (or not) along both,
// so (N, C, H, W) + (1, C, 1, 1) becomes (N, C, H*W) + (1, C, 1). The
// innermost collapsed dim then runs one of four vectorized loops (array or
// scalar on each side), rows of it split over the CPU workers.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels/kernel_props.h"
#include "kernels/shape_util.h"

namespace mxrt::kernels::cpu {
namespace {

/// Inner loops over one row: the four stride patterns of the two inputs.
template <class T, class F>
void binaryRow(const T *a, int64_t sa, const T *b, int64_t sb, T *o, int64_t n, F f) {
  using C = compute_t<T>;
  auto loop = [&](int64_t lo, int64_t hi) MXRT_INLINE {
    if (sa && sb) {
      for (int64_t i = lo; i < hi; ++i)
        o[i] = store<T>(f(load<C>(a[i]), load<C>(b[i])));
    } else if (sa) {
      C y = load<C>(b[0]);
      for (int64_t i = lo; i < hi; ++i)
        o[i] = store<T>(f(load<C>(a[i]), y));
    } else if (sb) {
      C x = load<C>(a[0]);
      for (int64_t i = lo; i < hi; ++i)
        o[i] = store<T>(f(x, load<C>(b[i])));
    } else {
      T v = store<T>(f(load<C>(a[0]), load<C>(b[0])));
      for (int64_t i = lo; i < hi; ++i)
        o[i] = v;
    }
  };
  isaDispatch(loop, int64_t(0), n);
}

template <class T, class F>
void binaryT(const BroadcastPlan &p, const T *a, const T *b, T *o, F f) {
  const int nd = p.ndim;
  if (nd == 0) {
    o[0] = store<T>(f(load<compute_t<T>>(a[0]), load<compute_t<T>>(b[0])));
    return;
  }
  const int64_t inner = p.shape[nd - 1];
  const int64_t sa = p.stride[0][nd - 1], sb = p.stride[1][nd - 1];
  const int64_t rows = p.numel() / inner;
  if (rows == 1) {
    // One long row: split the row itself.
    parallel(inner, kGrain, [&](int64_t lo, int64_t hi) {
      binaryRow(a + lo * sa, sa, b + lo * sb, sb, o + lo, hi - lo, f);
    });
    return;
  }
  parallel(rows, std::max<int64_t>(1, kGrain / inner), [&](int64_t lo, int64_t hi) {
    NdCounter it(p, nd - 1, lo);
    for (int64_t r = lo; r < hi; ++r, it.next())
      binaryRow(a + it.offset[0], sa, b + it.offset[1], sb, o + r * inner, inner, f);
  });
}

} // namespace

void binary(BinaryOp op, const TBlob &lhs, const TBlob &rhs, const TBlob &out) {
  checkDType(rhs, lhs.dtype, "binary op", "rhs");
  checkDType(out, lhs.dtype, "binary op", "out");
  if (out.numel() == 0)
    return;
  BroadcastPlan p = planBroadcast(out.shape, {&lhs.shape, &rhs.shape}, "binary op");
  MXRT_DTYPE_SWITCH(lhs.dtype, T, withBinary(op, [&](auto f) {
                      binaryT(p, lhs.ptr<T>(), rhs.ptr<T>(), out.ptr<T>(), f);
                    }));
}

void broadcastTo(const TBlob &in, const TBlob &out) {
  checkDType(out, in.dtype, "broadcast_to", "out");
  if (out.numel() == 0)
    return;
  BroadcastPlan p = planBroadcast(out.shape, {&in.shape}, "broadcast_to");
  copyStrided(in.dptr, p, out.dptr, dtypeSize(in.dtype));
}

// ---- op registration -----------------------------------------------------------

namespace {

template <BinaryOp Op>
void binaryKernel(const OpContext &, const Attrs &, std::span<const TBlob> in,
                  std::span<const TBlob> out) {
  binary(Op, in[0], in[1], out[0]);
}

void broadcastKernel(const OpContext &, const Attrs &, std::span<const TBlob> in,
                     std::span<const TBlob> out) {
  broadcastTo(in[0], out[0]);
}

const KernelRegistrar registrations([] {
  using B = BinaryOp;
  const std::pair<const char *, KernelFn> ops[] = {
      {"elemwise_add", binaryKernel<B::Add>},
      {"elemwise_sub", binaryKernel<B::Sub>},
      {"elemwise_mul", binaryKernel<B::Mul>},
      {"elemwise_div", binaryKernel<B::Div>},
      {"_mod", binaryKernel<B::Mod>},
      {"_power", binaryKernel<B::Power>},
      {"_maximum", binaryKernel<B::Maximum>},
      {"_minimum", binaryKernel<B::Minimum>},
      {"_hypot", binaryKernel<B::Hypot>},
      {"_equal", binaryKernel<B::Equal>},
      {"_not_equal", binaryKernel<B::NotEqual>},
      {"_greater", binaryKernel<B::Greater>},
      {"_greater_equal", binaryKernel<B::GreaterEqual>},
      {"_lesser", binaryKernel<B::Lesser>},
      {"_lesser_equal", binaryKernel<B::LesserEqual>},
      {"_logical_and", binaryKernel<B::LogicalAnd>},
      {"_logical_or", binaryKernel<B::LogicalOr>},
      {"_logical_xor", binaryKernel<B::LogicalXor>},
      {"broadcast_add", binaryKernel<B::Add>},
      {"broadcast_sub", binaryKernel<B::Sub>},
      {"broadcast_mul", binaryKernel<B::Mul>},
      {"broadcast_div", binaryKernel<B::Div>},
      {"broadcast_mod", binaryKernel<B::Mod>},
      {"broadcast_power", binaryKernel<B::Power>},
      {"broadcast_maximum", binaryKernel<B::Maximum>},
      {"broadcast_minimum", binaryKernel<B::Minimum>},
      {"broadcast_hypot", binaryKernel<B::Hypot>},
      {"broadcast_equal", binaryKernel<B::Equal>},
      {"broadcast_not_equal", binaryKernel<B::NotEqual>},
      {"broadcast_greater", binaryKernel<B::Greater>},
      {"broadcast_greater_equal", binaryKernel<B::GreaterEqual>},
      {"broadcast_lesser", binaryKernel<B::Lesser>},
      {"broadcast_lesser_equal", binaryKernel<B::LesserEqual>},
      {"broadcast_logical_and", binaryKernel<B::LogicalAnd>},
      {"broadcast_logical_or", binaryKernel<B::LogicalOr>},
      {"broadcast_logical_xor", binaryKernel<B::LogicalXor>},
      {"broadcast_to", broadcastKernel},
      {"broadcast_like", broadcastKernel},
      {"broadcast_axis", broadcastKernel},
  };
  for (const auto &[name, k] : ops) {
    registerKernel(name, DeviceType::CPU, k);
    if (k != broadcastKernel) // broadcast_to's output is larger than its input
      markAliasSafe(name);
  }
});

} // namespace
} // namespace mxrt::kernels::cpu
