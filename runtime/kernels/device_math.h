// device_math.h - element conversions that compile for both the CPU and
// CUDA (nvcc, C++17): the kernels written once as templates over an
// element loop (optimizer updates, the KVStore's sums) use these.
//
// Arithmetic happens in Compute<T>: float for the 16-bit floats, T itself
// otherwise. Conversions round to nearest even, as the CPU kernels'
// store<T> in cpu/cpu_util.h does; on the host, half goes through
// _Float16 (vcvtph2ps where F16C is there), on the device through the
// __half intrinsics.
#pragma once

#include "mxrt/dtype.h"

#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__CUDACC__)
#include <cuda_fp16.h>
#define MXRT_HD __host__ __device__ __forceinline__
#else
#define MXRT_HD inline __attribute__((always_inline))
#endif

namespace mxrt::kernels::dev {

template <class T> struct Compute { using type = T; };
template <> struct Compute<half_t> { using type = float; };
template <> struct Compute<bf16_t> { using type = float; };
template <class T> using compute_t = typename Compute<T>::type;

MXRT_HD float bitsToFloat(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, 4);
  return f;
#endif
}

MXRT_HD uint32_t floatToBits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
#endif
}

/// Element -> compute value.
template <class C, class T> MXRT_HD C ld(T v) {
  if constexpr (std::is_same_v<T, half_t>) {
#if defined(__CUDA_ARCH__)
    return C(__half2float(__ushort_as_half(v.bits)));
#elif defined(__CUDACC__)
    // nvcc's host pass has no _Float16: widen by hand (rare on the host).
    return C(float(v));
#else
    _Float16 h;
    std::memcpy(&h, &v.bits, 2);
    return C(float(h));
#endif
  } else if constexpr (std::is_same_v<T, bf16_t>) {
    return C(bitsToFloat(uint32_t(v.bits) << 16));
  } else {
    return C(v);
  }
}

/// Compute value -> element, rounding to nearest even for 16-bit floats.
template <class T, class C> MXRT_HD T st(C v) {
  if constexpr (std::is_same_v<T, half_t>) {
    T h;
#if defined(__CUDA_ARCH__)
    h.bits = __half_as_ushort(__float2half_rn(float(v)));
#elif defined(__CUDACC__)
    h = half_t(float(v));
#else
    _Float16 x = _Float16(float(v));
    std::memcpy(&h.bits, &x, 2);
#endif
    return h;
  } else if constexpr (std::is_same_v<T, bf16_t>) {
    uint32_t u = floatToBits(float(v));
    T b;
    if ((u & 0x7fffffffu) > 0x7f800000u)
      b.bits = uint16_t((u >> 16) | 0x40);
    else
      b.bits = uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    return b;
  } else {
    return T(v);
  }
}

} // namespace mxrt::kernels::dev
