// indexing.cu - CUDA data movement: strided copies (transpose, slice,
// broadcast_to, tile, repeat, flip), take, pick, one_hot.
#include "kernels/cuda/device_util.cuh"

namespace mxrt::kernels::cuda {
namespace {

template <class W> __global__ void stridedKernel(const W *src, W *dst, StridedPlan p, int64_t n) {
  MXRT_CUDA_LOOP(i, n) { dst[i] = src[planOffset(p, 0, i)]; }
}

template <class I> __device__ int64_t resolve(I raw, int64_t n, int mode) {
  int64_t i = int64_t(dload<double>(raw));
  if (i >= 0 && i < n)
    return i;
  return mode == 1 ? ((i % n) + n) % n : (i < 0 ? 0 : n - 1);
}

template <class W, class I>
__global__ void takeKernel(const W *a, const I *idx, W *out, int64_t n, int64_t inner,
                           int64_t nIdx, int64_t total, int mode) {
  MXRT_CUDA_LOOP(t, total) {
    const int64_t k = t % inner, r = t / inner, j = r % nIdx, o = r / nIdx;
    out[t] = a[(o * n + resolve(idx[j], n, mode)) * inner + k];
  }
}

template <class W, class I>
__global__ void pickKernel(const W *x, const I *idx, W *out, int64_t n, int64_t inner,
                           int64_t total, int mode) {
  MXRT_CUDA_LOOP(t, total) {
    out[t] = x[(t / inner * n + resolve(idx[t], n, mode)) * inner + t % inner];
  }
}

template <class T, class I>
__global__ void oneHotKernel(const I *idx, T *out, int64_t depth, int64_t total, T on, T off) {
  MXRT_CUDA_LOOP(t, total) {
    const int64_t i = int64_t(dload<double>(idx[t / depth]));
    out[t] = i == t % depth ? on : off;
  }
}

} // namespace

void launchStridedCopy(const void *src, const StridedPlan &plan, void *dst, int elemSize,
                       Stream s) {
  const int64_t n = plan.numel();
  if (n == 0)
    return;
  withWord(elemSize, [&](auto w) {
    using W = decltype(w);
    stridedKernel<W><<<blocksFor(n), kThreads, 0, stream(s)>>>(static_cast<const W *>(src),
                                                              static_cast<W *>(dst), plan, n);
    checkLaunch("strided copy");
  });
}

void launchTake(int elemSize, const void *a, int idxType, const void *idx, void *out,
                int64_t outer, int64_t n, int64_t inner, int64_t nIdx, int mode, Stream s) {
  const int64_t total = outer * nIdx * inner;
  if (total == 0)
    return;
  withWord(elemSize, [&](auto w) {
    using W = decltype(w);
    MXRT_CUDA_DTYPE_SWITCH(idxType, I, {
      takeKernel<W, I><<<blocksFor(total), kThreads, 0, stream(s)>>>(
          static_cast<const W *>(a), static_cast<const I *>(idx), static_cast<W *>(out), n, inner,
          nIdx, total, mode);
      checkLaunch("take");
    });
  });
}

void launchPick(int dtype, const void *data, int idxType, const void *idx, void *out,
                int64_t outer, int64_t n, int64_t inner, int mode, Stream s) {
  const int64_t total = outer * inner;
  if (total == 0)
    return;
  withWord(dtypeBytes(dtype), [&](auto w) {
    using W = decltype(w);
    MXRT_CUDA_DTYPE_SWITCH(idxType, I, {
      pickKernel<W, I><<<blocksFor(total), kThreads, 0, stream(s)>>>(
          static_cast<const W *>(data), static_cast<const I *>(idx), static_cast<W *>(out), n,
          inner, total, mode);
      checkLaunch("pick");
    });
  });
}

void launchOneHot(int dtype, int idxType, const void *idx, void *out, int64_t nIdx, int64_t depth,
                  double on, double off, Stream s) {
  const int64_t total = nIdx * depth;
  if (total == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(dtype, T, {
    MXRT_CUDA_DTYPE_SWITCH(idxType, I, {
      oneHotKernel<T, I><<<blocksFor(total), kThreads, 0, stream(s)>>>(
          static_cast<const I *>(idx), static_cast<T *>(out), depth, total, dstore<T>(on),
          dstore<T>(off));
      checkLaunch("one_hot");
    });
  });
}

} // namespace mxrt::kernels::cuda
