// reduce.cu - CUDA reductions over axes and argmax/argmin.
//
// One block per output when the reduced elements are contiguous (a row):
// threads stride the row, then a shared-memory tree merges their partials.
// Otherwise one thread per output walks the reduced dims through the plan.
// Accumulation: float for 16/32-bit floats, double for float64, int64 for
// integers (max/min in the element type), as the CPU kernels.
#include "kernels/cuda/device_util.cuh"

namespace mxrt::kernels::cuda {
namespace {

template <ReduceOp Op, class T> using dacc_t = std::conditional_t<
    Op == ReduceOp::Max || Op == ReduceOp::Min, dcompute_t<T>,
    std::conditional_t<std::is_same_v<T, double>, double,
                       std::conditional_t<kIsFloat<T>, float, int64_t>>>;

template <ReduceOp Op, class TO, class A> __device__ TO finalize(A acc, int64_t n) {
  if constexpr (Op == ReduceOp::Mean) {
    if constexpr (std::is_integral_v<A>)
      return dstore<TO>(n ? int64_t(TO(acc)) / n : 0);
    else
      return dstore<TO>(acc / A(n));
  } else if constexpr (Op == ReduceOp::Norm2) {
    return dstore<TO>(sqrt(double(acc)));
  } else {
    return dstore<TO>(acc);
  }
}

template <ReduceOp Op, class TI, class TO>
__global__ void rowKernel(const TI *in, TO *out, StridedPlan kept, int64_t n) {
  using A = dacc_t<Op, TI>;
  using R = Reducer<Op, A>;
  __shared__ A part[kThreads];
  const int64_t o = blockIdx.x;
  const TI *row = in + planOffset(kept, 0, o);
  A acc = R::init();
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x)
    acc = R::step(acc, dload<A>(row[i]));
  part[threadIdx.x] = acc;
  __syncthreads();
  for (int w = blockDim.x / 2; w > 0; w /= 2) {
    if (int(threadIdx.x) < w)
      part[threadIdx.x] = R::merge(part[threadIdx.x], part[threadIdx.x + w]);
    __syncthreads();
  }
  if (threadIdx.x == 0)
    out[o] = finalize<Op, TO>(part[0], n);
}

template <ReduceOp Op, class TI, class TO>
__global__ void walkKernel(const TI *in, TO *out, StridedPlan kept, StridedPlan red, int64_t nOut,
                           int64_t n) {
  using A = dacc_t<Op, TI>;
  using R = Reducer<Op, A>;
  MXRT_CUDA_LOOP(o, nOut) {
    const int64_t base = planOffset(kept, 0, o);
    A acc = R::init();
    for (int64_t r = 0; r < n; ++r)
      acc = R::step(acc, dload<A>(in[base + planOffset(red, 0, r)]));
    out[o] = finalize<Op, TO>(acc, n);
  }
}

template <class TI, class TO>
__global__ void argKernel(const TI *in, TO *out, int64_t outer, int64_t n, int64_t inner,
                          bool isMax) {
  using A = dcompute_t<TI>;
  MXRT_CUDA_LOOP(t, outer * inner) {
    const TI *p = in + (t / inner) * n * inner + t % inner;
    A best = dload<A>(p[0]);
    int64_t bi = 0;
    for (int64_t r = 1; r < n && !fn::isNan(best); ++r) {
      A v = dload<A>(p[r * inner]);
      if (isMax ? (v > best || fn::isNan(v)) : (v < best || fn::isNan(v))) {
        best = v;
        bi = r;
      }
    }
    out[t] = dstore<TO>(double(bi));
  }
}

template <ReduceOp Op>
void reduceOp(int inType, int outType, const void *in, void *out, const StridedPlan &kept,
              const StridedPlan &red, Stream s) {
  const int64_t nOut = kept.numel(), n = red.numel();
  auto go = [&](auto ti, auto to) {
    using TI = decltype(ti);
    using TO = decltype(to);
    const TI *x = static_cast<const TI *>(in);
    TO *y = static_cast<TO *>(out);
    if (red.ndim <= 1 && (red.ndim == 0 || red.stride[0][0] == 1) && n >= 256)
      rowKernel<Op, TI, TO><<<unsigned(nOut), kThreads, 0, stream(s)>>>(x, y, kept, n);
    else
      walkKernel<Op, TI, TO><<<blocksFor(nOut), kThreads, 0, stream(s)>>>(x, y, kept, red, nOut, n);
    checkLaunch("reduce");
  };
  MXRT_CUDA_DTYPE_SWITCH(inType, TI, {
    if (outType == inType) {
      go(TI{}, TI{});
    } else if constexpr (Op == ReduceOp::Norm1 || Op == ReduceOp::Norm2) {
      MXRT_CUDA_DTYPE_SWITCH(outType, TO, go(TI{}, TO{}));
    } else {
      ::mxrt::fail("GPU reduce: output dtype code ", outType, " differs from the input's ", inType);
    }
  });
}

} // namespace

void launchReduce(ReduceOp op, int inType, int outType, const void *in, void *out,
                  const StridedPlan &kept, const StridedPlan &red, Stream s) {
  if (kept.numel() == 0)
    return;
  switch (op) {
  case ReduceOp::Sum: return reduceOp<ReduceOp::Sum>(inType, outType, in, out, kept, red, s);
  case ReduceOp::Mean: return reduceOp<ReduceOp::Mean>(inType, outType, in, out, kept, red, s);
  case ReduceOp::Prod: return reduceOp<ReduceOp::Prod>(inType, outType, in, out, kept, red, s);
  case ReduceOp::Max: return reduceOp<ReduceOp::Max>(inType, outType, in, out, kept, red, s);
  case ReduceOp::Min: return reduceOp<ReduceOp::Min>(inType, outType, in, out, kept, red, s);
  case ReduceOp::NanSum: return reduceOp<ReduceOp::NanSum>(inType, outType, in, out, kept, red, s);
  case ReduceOp::NanProd:
    return reduceOp<ReduceOp::NanProd>(inType, outType, in, out, kept, red, s);
  case ReduceOp::Norm1: return reduceOp<ReduceOp::Norm1>(inType, outType, in, out, kept, red, s);
  case ReduceOp::Norm2: return reduceOp<ReduceOp::Norm2>(inType, outType, in, out, kept, red, s);
  }
}

void launchArgReduce(bool isMax, int inType, int outType, const void *in, void *out,
                     int64_t outer, int64_t n, int64_t inner, Stream s) {
  if (outer * inner == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(inType, TI, {
    MXRT_CUDA_DTYPE_SWITCH(outType, TO, {
      argKernel<TI, TO><<<blocksFor(outer * inner), kThreads, 0, stream(s)>>>(
          static_cast<const TI *>(in), static_cast<TO *>(out), outer, n, inner, isMax);
      checkLaunch("argmax/argmin");
    });
  });
}

} // namespace mxrt::kernels::cuda
