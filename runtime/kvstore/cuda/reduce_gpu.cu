// reduce_gpu.cu - the KVStore's sum of m device arrays, one grid-stride
// kernel per group of up to kMaxIn inputs (more are folded in as further
// passes that add to the output).
#include "kvstore/cuda/reduce_gpu.h"

#include "kernels/device_math.h"

#include <cuda_runtime.h>

namespace mxrt::kvstore {
namespace {

using kernels::dev::compute_t;
using kernels::dev::ld;
using kernels::dev::st;

constexpr int kMaxIn = 16;

template <class T> struct SumArgs {
  const T *in[kMaxIn];
  int m;
  bool addOut; ///< a later pass: out holds the partial sum
  T *out;
  int64_t n;
};

template <class T> __global__ void sumKernel(SumArgs<T> a) {
  using C = compute_t<T>;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < a.n;
       i += int64_t(gridDim.x) * blockDim.x) {
    C acc = a.addOut ? ld<C>(a.out[i]) : ld<C>(a.in[0][i]);
    for (int k = a.addOut ? 0 : 1; k < a.m; ++k)
      acc = C(acc + ld<C>(a.in[k][i]));
    a.out[i] = st<T>(acc);
  }
}

template <class T>
const char *launch(const void *const *in, int m, void *out, int64_t n, cudaStream_t s) {
  int blocks = int((n + 255) / 256);
  blocks = blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks);
  for (int first = 0; first < m; first += kMaxIn) {
    SumArgs<T> a{};
    a.m = m - first < kMaxIn ? m - first : kMaxIn;
    for (int k = 0; k < a.m; ++k)
      a.in[k] = static_cast<const T *>(in[first + k]);
    a.addOut = first > 0;
    a.out = static_cast<T *>(out);
    a.n = n;
    sumKernel<T><<<blocks, 256, 0, s>>>(a);
  }
  cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

} // namespace

const char *launchSumGPU(const void *const *in, int m, void *out, int64_t n, int dtype,
                         void *stream) {
  if (n == 0 || m == 0)
    return nullptr;
  auto s = static_cast<cudaStream_t>(stream);
  switch (dtype) {
  case 0:
    return launch<float>(in, m, out, n, s);
  case 1:
    return launch<double>(in, m, out, n, s);
  case 2:
    return launch<half_t>(in, m, out, n, s);
  case 3:
    return launch<uint8_t>(in, m, out, n, s);
  case 4:
    return launch<int32_t>(in, m, out, n, s);
  case 5:
    return launch<int8_t>(in, m, out, n, s);
  case 6:
    return launch<int64_t>(in, m, out, n, s);
  case 12:
    return launch<bf16_t>(in, m, out, n, s);
  default:
    return "this dtype cannot be summed on a GPU (float16/32/64, bfloat16, int8/32/64, uint8)";
  }
}

} // namespace mxrt::kvstore
