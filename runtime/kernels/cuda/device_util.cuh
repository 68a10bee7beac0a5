// device_util.cuh - what the .cu files share: dtype codes to device types,
// compute-type conversions, launch geometry and error checks.
#pragma once

#include "kernels/cuda/launch.h"
#include "mxrt/base.h"
#include "mxrt/dtype.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <type_traits>

namespace mxrt::kernels::cuda {

/// The type arithmetic happens in: float for the 16-bit floats.
template <class T> struct DevCompute { using type = T; };
template <> struct DevCompute<__half> { using type = float; };
template <> struct DevCompute<__nv_bfloat16> { using type = float; };
template <class T> using dcompute_t = typename DevCompute<T>::type;

template <class T> constexpr bool kIsFloat =
    std::is_floating_point_v<T> || std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;

/// Element -> compute value (host or device).
template <class C, class T> __host__ __device__ __forceinline__ C dload(T v) {
  if constexpr (std::is_same_v<T, __half>)
    return C(__half2float(v));
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return C(__bfloat162float(v));
  else
    return C(v);
}

/// Compute value -> element, rounding to nearest even (host or device).
template <class T, class C> __host__ __device__ __forceinline__ T dstore(C v) {
  if constexpr (std::is_same_v<T, __half>)
    return __float2half_rn(float(v));
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return __float2bfloat16_rn(float(v));
  else if constexpr (std::is_same_v<T, bool>)
    return v != C(0);
  else
    return T(v);
}

/// Runs the block with T bound to the device type of a dtype code.
#define MXRT_CUDA_DTYPE_SWITCH(code, T, ...)                                                       \
  switch (code) {                                                                                  \
  case 0: { using T = float; __VA_ARGS__; break; }                                                 \
  case 1: { using T = double; __VA_ARGS__; break; }                                                \
  case 2: { using T = __half; __VA_ARGS__; break; }                                                \
  case 12: { using T = __nv_bfloat16; __VA_ARGS__; break; }                                        \
  case 3: { using T = uint8_t; __VA_ARGS__; break; }                                               \
  case 5: { using T = int8_t; __VA_ARGS__; break; }                                                \
  case 4: { using T = int32_t; __VA_ARGS__; break; }                                               \
  case 6: { using T = int64_t; __VA_ARGS__; break; }                                               \
  case 7: { using T = bool; __VA_ARGS__; break; }                                                  \
  default: ::mxrt::fail("dtype code ", code, " is not supported by the GPU kernels");              \
  }

/// Calls f(W{}) with W the unsigned word of elemSize bytes (data movement
/// needs only the size of an element).
template <class F> void withWord(int elemSize, F &&f) {
  switch (elemSize) {
  case 1: return f(uint8_t{});
  case 2: return f(uint16_t{});
  case 4: return f(uint32_t{});
  case 8: return f(uint64_t{});
  default: ::mxrt::fail("GPU copy: unsupported element size ", elemSize);
  }
}

inline int dtypeBytes(int code) { return int(::mxrt::dtypeSize(::mxrt::DType(code))); }

constexpr int kThreads = 256;

inline unsigned blocksFor(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return unsigned(b < 65535 * 32 ? (b > 0 ? b : 1) : 65535 * 32);
}

inline cudaStream_t stream(Stream s) { return static_cast<cudaStream_t>(s); }

/// Throws the pending launch error, naming the kernel.
inline void checkLaunch(const char *what) {
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess)
    ::mxrt::fail("CUDA kernel ", what, " failed to launch: ", cudaGetErrorString(e));
}

/// Grid-stride loop over [0, n).
#define MXRT_CUDA_LOOP(i, n)                                                                       \
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n);                        \
       i += int64_t(blockDim.x) * gridDim.x)

/// Offset of output element i of operand k through a plan (row-major).
__device__ __forceinline__ int64_t planOffset(const StridedPlan &p, int k, int64_t i) {
  int64_t off = p.offset[k];
  for (int d = p.ndim - 1; d >= 0; --d) {
    const int64_t e = p.shape[d];
    off += (i % e) * p.stride[k][d];
    i /= e;
  }
  return off;
}

} // namespace mxrt::kernels::cuda
