// unary.cu - CUDA kernels mapping one element to one: unary math, cast,
// fill and clip. One template per loop, instantiated per functor
// (functors.h) and dtype. (Binary ops are in binary.cu: two files so CI's
// two cores compile them side by side.)
#include "kernels/cuda/device_util.cuh"

namespace mxrt::kernels::cuda {
namespace {

template <class T, class C, class F>
__global__ void unaryKernel(const T *in, T *out, int64_t n, F f) {
  MXRT_CUDA_LOOP(i, n) { out[i] = dstore<T>(f(dload<C>(in[i]))); }
}

template <class TI, class TO> __global__ void castKernel(const TI *in, TO *out, int64_t n) {
  using C = std::conditional_t<kIsFloat<TO> || kIsFloat<TI>, double, int64_t>;
  MXRT_CUDA_LOOP(i, n) {
    if constexpr (std::is_same_v<TO, bool>)
      out[i] = dload<double>(in[i]) != 0;
    else if constexpr (std::is_same_v<TI, TO>)
      out[i] = in[i];
    else
      out[i] = dstore<TO>(dload<C>(in[i]));
  }
}

template <class T> __global__ void fillKernel(T *out, int64_t n, T v) {
  MXRT_CUDA_LOOP(i, n) { out[i] = v; }
}

template <class T>
__global__ void clipKernel(const T *in, T *out, int64_t n, dcompute_t<T> lo, dcompute_t<T> hi) {
  MXRT_CUDA_LOOP(i, n) {
    dcompute_t<T> v = dload<dcompute_t<T>>(in[i]);
    out[i] = dstore<T>(v < lo ? lo : v > hi ? hi : v);
  }
}

} // namespace

void launchUnary(UnaryOp op, int dtype, const void *in, void *out, int64_t n, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(dtype, T, withUnary(op, [&](auto f) {
    constexpr UnaryOp kOp = decltype(f)::kOp;
    // Float math on integers is left to the CPU (MXNet computes it in float
    // and truncates; the GPU kernels keep to the integer-safe ops).
    if constexpr (kIsFloat<T> || !unaryNeedsFloat(kOp)) {
      using C = dcompute_t<T>;
      unaryKernel<T, C><<<blocksFor(n), kThreads, 0, stream(s)>>>(
          static_cast<const T *>(in), static_cast<T *>(out), n, f);
      checkLaunch("unary");
    } else {
      ::mxrt::fail("GPU unary op ", int(kOp), " does not take integer dtype code ", dtype);
    }
  }));
}

void launchCast(int from, int to, const void *in, void *out, int64_t n, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(from, TI, {
    MXRT_CUDA_DTYPE_SWITCH(to, TO, {
      castKernel<TI, TO><<<blocksFor(n), kThreads, 0, stream(s)>>>(static_cast<const TI *>(in),
                                                                   static_cast<TO *>(out), n);
      checkLaunch("cast");
    });
  });
}

void launchFill(int dtype, void *out, int64_t n, double value, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(dtype, T, {
    fillKernel<T><<<blocksFor(n), kThreads, 0, stream(s)>>>(static_cast<T *>(out), n,
                                                           dstore<T>(value));
    checkLaunch("fill");
  });
}

void launchClip(int dtype, const void *in, void *out, int64_t n, double lo, double hi, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(dtype, T, {
    using C = dcompute_t<T>;
    clipKernel<T><<<blocksFor(n), kThreads, 0, stream(s)>>>(
        static_cast<const T *>(in), static_cast<T *>(out), n, dload<C>(dstore<T>(lo)),
        dload<C>(dstore<T>(hi)));
    checkLaunch("clip");
  });
}

} // namespace mxrt::kernels::cuda
