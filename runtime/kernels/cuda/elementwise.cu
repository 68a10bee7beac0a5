// elementwise.cu - CUDA kernels mapping elements one to one: unary math,
// binary ops with broadcasting (through a collapsed plan), scalar ops,
// cast, fill, clip and where. One template per shape of loop, instantiated
// per functor (functors.h) and dtype.
#include "kernels/cuda/device_util.cuh"

namespace mxrt::kernels::cuda {
namespace {

template <class T, class C, class F>
__global__ void unaryKernel(const T *in, T *out, int64_t n, F f) {
  MXRT_CUDA_LOOP(i, n) { out[i] = dstore<T>(f(dload<C>(in[i]))); }
}

/// Both operands through the plan; a 1-dim plan (the common case after
/// collapsing) skips the index arithmetic.
template <class T, class F>
__global__ void binaryKernel(const T *a, const T *b, T *out, StridedPlan p, int64_t n, F f) {
  using C = dcompute_t<T>;
  MXRT_CUDA_LOOP(i, n) {
    int64_t oa, ob;
    if (p.ndim == 1) {
      oa = i * p.stride[0][0];
      ob = i * p.stride[1][0];
    } else {
      oa = planOffset(p, 0, i);
      ob = planOffset(p, 1, i);
    }
    out[i] = dstore<T>(f(dload<C>(a[oa]), dload<C>(b[ob])));
  }
}

template <class T, class F>
__global__ void scalarKernel(const T *in, T *out, int64_t n, dcompute_t<T> s, bool reverse, F f) {
  using C = dcompute_t<T>;
  MXRT_CUDA_LOOP(i, n) {
    C x = dload<C>(in[i]);
    out[i] = dstore<T>(reverse ? f(s, x) : f(x, s));
  }
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

template <class TC, class T>
__global__ void whereKernel(const TC *c, const T *x, const T *y, T *out, int64_t n, int64_t inner) {
  MXRT_CUDA_LOOP(i, n) { out[i] = dload<double>(c[i / inner]) != 0 ? x[i] : y[i]; }
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

void launchBinary(BinaryOp op, int dtype, const void *a, const void *b, void *out,
                  const StridedPlan &plan, Stream s) {
  const int64_t n = plan.numel();
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(dtype, T, withBinary(op, [&](auto f) {
    binaryKernel<T><<<blocksFor(n), kThreads, 0, stream(s)>>>(
        static_cast<const T *>(a), static_cast<const T *>(b), static_cast<T *>(out), plan, n, f);
    checkLaunch("binary");
  }));
}

void launchBinaryScalar(BinaryOp op, int dtype, const void *in, double scalar, bool reverse,
                        void *out, int64_t n, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(dtype, T, withBinary(op, [&](auto f) {
    // As on CPU: the scalar is first converted to the array's dtype.
    dcompute_t<T> sc = dload<dcompute_t<T>>(dstore<T>(scalar));
    scalarKernel<T><<<blocksFor(n), kThreads, 0, stream(s)>>>(
        static_cast<const T *>(in), static_cast<T *>(out), n, sc, reverse, f);
    checkLaunch("scalar");
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

void launchWhere(int condType, int dtype, const void *cond, const void *x, const void *y,
                 void *out, int64_t n, int64_t inner, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(condType, TC, {
    MXRT_CUDA_DTYPE_SWITCH(dtype, T, {
      whereKernel<TC, T><<<blocksFor(n), kThreads, 0, stream(s)>>>(
          static_cast<const TC *>(cond), static_cast<const T *>(x), static_cast<const T *>(y),
          static_cast<T *>(out), n, inner);
      checkLaunch("where");
    });
  });
}

} // namespace mxrt::kernels::cuda
