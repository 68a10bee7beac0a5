// binary.cu - CUDA binary ops: array-array with broadcasting (through a
// collapsed plan), array-scalar in both orders, and where.
#include "kernels/cuda/device_util.cuh"

namespace mxrt::kernels::cuda {
namespace {

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

/// where moves elements: the data only matters by its size (a word).
template <class TC, class W>
__global__ void whereKernel(const TC *c, const W *x, const W *y, W *out, int64_t n, int64_t inner) {
  MXRT_CUDA_LOOP(i, n) { out[i] = dload<double>(c[i / inner]) != 0 ? x[i] : y[i]; }
}

} // namespace

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

void launchWhere(int condType, int dtype, const void *cond, const void *x, const void *y,
                 void *out, int64_t n, int64_t inner, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(condType, TC, withWord(dtypeBytes(dtype), [&](auto w) {
    using W = decltype(w);
    whereKernel<TC, W><<<blocksFor(n), kThreads, 0, stream(s)>>>(
        static_cast<const TC *>(cond), static_cast<const W *>(x), static_cast<const W *>(y),
        static_cast<W *>(out), n, inner);
    checkLaunch("where");
  }));
}

} // namespace mxrt::kernels::cuda
