// cpu_util.h - what every CPU kernel shares: threading, ISA dispatch, the
// compute type of each dtype and its vectorizable conversions.
//
// Threads: kernels split work with mxrt::parallelFor (the engine's idle
// workers plus the caller), through `parallel()` below, which runs small
// ranges inline so tiny arrays pay no thread hand-off. Results never depend
// on the number of threads: reductions split their input into fixed blocks.
//
// ISA: the build targets baseline x86-64 so it runs anywhere; hot loops are
// compiled three times (AVX-512, AVX2+FMA+F16C, baseline) by wrapping them in
// `isaDispatch`, which calls the widest version this CPU supports. The loop
// body is an always-inline lambda, so it is vectorized inside each target
// function with that target's registers.
#pragma once

#include "mxrt/base.h"
#include "mxrt/dtype.h"
#include "mxrt/engine.h"
#include "mxrt/ndarray.h"
#include "mxrt/op_registry.h"

#include <bit>
#include <cstdint>
#include <type_traits>

namespace mxrt::kernels::cpu {

// ---- threads ------------------------------------------------------------

/// Elements per task for memory-bound loops: below this, waking a worker
/// costs more than it saves.
constexpr int64_t kGrain = 32768;

/// While alive, kernels on this thread run single-threaded (tests compare
/// single- and multi-threaded results with it).
class SerialScope {
public:
  SerialScope();
  ~SerialScope();
  SerialScope(const SerialScope &) = delete;
  SerialScope &operator=(const SerialScope &) = delete;
};
bool serialForced();

/// Threads a kernel can use at most (the engine's CPU workers).
int cpuThreads();

/// Runs f(begin, end) over [0, n), in parallel when n > grain.
template <class F> void parallel(int64_t n, int64_t grain, const F &f) {
  if (n <= 0)
    return;
  if (n <= grain || serialForced()) {
    f(int64_t(0), n);
    return;
  }
  parallelFor(n, grain, [&f](int64_t b, int64_t e) { f(b, e); });
}

// ---- ISA dispatch ---------------------------------------------------------

enum class Isa : uint8_t { Base, Avx2, Avx512 };
/// The widest ISA of this CPU (detected once).
Isa cpuIsa();

#define MXRT_TARGET_AVX2 __attribute__((target("avx2,fma,f16c,bmi2,popcnt")))
#define MXRT_TARGET_AVX512                                                                         \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c,bmi2,popcnt")))
/// Put on loop lambdas given to isaDispatch so they inline into each target.
#define MXRT_INLINE __attribute__((always_inline))

template <class F, class... A> MXRT_TARGET_AVX512 void runAvx512(const F &f, A... a) { f(a...); }
template <class F, class... A> MXRT_TARGET_AVX2 void runAvx2(const F &f, A... a) { f(a...); }

/// Calls f(a...) compiled for the widest ISA available.
template <class F, class... A> void isaDispatch(const F &f, A... a) {
  switch (cpuIsa()) {
  case Isa::Avx512:
    runAvx512(f, a...);
    break;
  case Isa::Avx2:
    runAvx2(f, a...);
    break;
  default:
    f(a...);
  }
}

// ---- compute types and conversions ---------------------------------------

/// The type arithmetic happens in: float for the 16-bit floats.
template <class T> struct Compute { using type = T; };
template <> struct Compute<half_t> { using type = float; };
template <> struct Compute<bf16_t> { using type = float; };
template <class T> using compute_t = typename Compute<T>::type;

/// The type transcendental math happens in: double for float64, float for
/// everything else (integers too, as MXNet's mshadow math).
template <class T>
using float_compute_t = std::conditional_t<std::is_same_v<T, double>, double, float>;

template <class T>
constexpr bool isFloatLike =
    std::is_floating_point_v<T> || std::is_same_v<T, half_t> || std::is_same_v<T, bf16_t>;

/// Element -> compute value. Inline (the dtype.h conversions are not), so
/// half converts with vcvtph2ps where F16C is there.
template <class C, class T> MXRT_INLINE inline C load(T v) {
  if constexpr (std::is_same_v<T, half_t>)
    return C(float(std::bit_cast<_Float16>(v.bits)));
  else if constexpr (std::is_same_v<T, bf16_t>)
    return C(std::bit_cast<float>(uint32_t(v.bits) << 16));
  else
    return C(v);
}

/// Compute value -> element, rounding to nearest even for 16-bit floats.
template <class T, class C> MXRT_INLINE inline T store(C v) {
  if constexpr (std::is_same_v<T, half_t>) {
    half_t h;
    h.bits = std::bit_cast<uint16_t>(_Float16(float(v)));
    return h;
  } else if constexpr (std::is_same_v<T, bf16_t>) {
    uint32_t u = std::bit_cast<uint32_t>(float(v));
    bf16_t b;
    if ((u & 0x7fffffffu) > 0x7f800000u)
      b.bits = uint16_t((u >> 16) | 0x40);
    else
      b.bits = uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    return b;
  } else {
    return T(v);
  }
}

/// The unsigned word of an element's size (dtype-agnostic data movement).
template <class T>
using word_t =
    std::conditional_t<sizeof(T) == 1, uint8_t,
                       std::conditional_t<sizeof(T) == 2, uint16_t,
                                          std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;

/// Element of any dtype -> double (scalars, tests, reductions' finalize).
template <class T> inline double toDouble(T v) { return load<double>(v); }

// ---- dtype switches ---------------------------------------------------------

/// Runs the block with DT bound to a floating dtype's C++ type; other dtypes
/// raise an Error naming `what`.
#define MXRT_FLOAT_SWITCH(dtype, DT, what, ...)                                                    \
  switch (dtype) {                                                                                 \
  case ::mxrt::DType::Float32: {                                                                   \
    using DT = float;                                                                              \
    __VA_ARGS__;                                                                                   \
    break;                                                                                         \
  }                                                                                                \
  case ::mxrt::DType::Float64: {                                                                   \
    using DT = double;                                                                             \
    __VA_ARGS__;                                                                                   \
    break;                                                                                         \
  }                                                                                                \
  case ::mxrt::DType::Float16: {                                                                   \
    using DT = ::mxrt::half_t;                                                                     \
    __VA_ARGS__;                                                                                   \
    break;                                                                                         \
  }                                                                                                \
  case ::mxrt::DType::BFloat16: {                                                                  \
    using DT = ::mxrt::bf16_t;                                                                     \
    __VA_ARGS__;                                                                                   \
    break;                                                                                         \
  }                                                                                                \
  default:                                                                                         \
    ::mxrt::failUnsupportedDType(dtype, what);                                                     \
  }

// ---- checks -------------------------------------------------------------------

/// Error unless the blob has `dtype`; names the op and the argument.
void checkDType(const TBlob &b, DType dtype, const char *op, const char *arg);
/// Error unless the blob has `shape`.
void checkShape(const TBlob &b, const TShape &shape, const char *op, const char *arg);
/// Error unless both blobs have the same number of elements.
void checkSameSize(const TBlob &a, const TBlob &b, const char *op, const char *argA,
                   const char *argB);

/// Normalizes a possibly negative axis against ndim; Error names the op.
int normalizeAxis(int64_t axis, int ndim, const char *op, const char *arg = "axis");

/// Runs its argument once at static initialization: how each family's file
/// registers its kernels (`const KernelRegistrar r([] { registerKernel(...); });`).
struct KernelRegistrar {
  template <class F> explicit KernelRegistrar(F f) { f(); }
};

} // namespace mxrt::kernels::cpu
