// kernels_testing.h - host arrays, random data and tolerant comparison for
// the kernel tests (kernels_*_test.cc).
//
// References are computed in the tests themselves in double precision; this
// header only moves values between dtypes and compares with a tolerance
// that fits the dtype (exact for integers).
#pragma once

#include "mxrt/dtype.h"
#include "mxrt/ndarray.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace mxrt::testing {

/// An owned, 64-byte aligned host buffer with its TBlob.
class HostArray {
public:
  HostArray() = default;
  HostArray(const TShape &shape, DType dtype) {
    size_t bytes = size_t(shape.numel()) * dtypeSize(dtype);
    mem_.reset(static_cast<std::byte *>(std::aligned_alloc(64, (bytes + 64) / 64 * 64)));
    std::memset(mem_.get(), 0, (bytes + 64) / 64 * 64);
    blob_.dptr = mem_.get();
    blob_.shape = shape;
    blob_.dtype = dtype;
  }
  const TBlob &blob() const { return blob_; }
  operator const TBlob &() const { return blob_; }
  int64_t numel() const { return blob_.numel(); }
  DType dtype() const { return blob_.dtype; }
  const TShape &shape() const { return blob_.shape; }

  double get(int64_t i) const {
    double v = 0;
    MXRT_DTYPE_SWITCH(blob_.dtype, T, v = double(static_cast<const T *>(blob_.dptr)[i]));
    return v;
  }
  void set(int64_t i, double v) {
    MXRT_DTYPE_SWITCH(blob_.dtype, T, static_cast<T *>(blob_.dptr)[i] = cast<T>(v));
  }
  std::vector<double> values() const {
    std::vector<double> v(static_cast<size_t>(numel()));
    for (int64_t i = 0; i < numel(); ++i)
      v[size_t(i)] = get(i);
    return v;
  }
  /// v converted to T as the kernels store it (16-bit floats round to nearest even).
  template <class T> static T cast(double v) {
    if constexpr (std::is_same_v<T, half_t> || std::is_same_v<T, bf16_t>)
      return T(float(v));
    else if constexpr (std::is_same_v<T, bool>)
      return v != 0;
    else if constexpr (std::is_integral_v<T>)
      return T(int64_t(v)); // wraps like the kernels' integer arithmetic; no UB for -1 -> uint8
    else
      return T(v);
  }

private:
  struct Free {
    void operator()(std::byte *p) const { std::free(p); }
  };
  std::unique_ptr<std::byte, Free> mem_;
  TBlob blob_;
};

inline bool isFloat(DType t) {
  return t == DType::Float32 || t == DType::Float64 || t == DType::Float16 || t == DType::BFloat16;
}

/// The value v as stored in dtype t (rounded, truncated or wrapped).
inline double roundTo(DType t, double v) {
  HostArray a(TShape{1}, t);
  a.set(0, v);
  return a.get(0);
}

/// 0, 1, 2, ... over shape.
inline HostArray arange(const TShape &shape, DType dtype = DType::Float32) {
  HostArray a(shape, dtype);
  for (int64_t i = 0; i < a.numel(); ++i)
    a.set(i, double(i));
  return a;
}

/// Random values in [lo, hi] (integers for integer dtypes), as stored.
inline HostArray randomArray(const TShape &shape, DType dtype, std::mt19937 &rng, double lo = -2,
                             double hi = 2) {
  HostArray a(shape, dtype);
  std::uniform_real_distribution<double> u(lo, hi);
  for (int64_t i = 0; i < a.numel(); ++i) {
    double v = u(rng);
    a.set(i, isFloat(dtype) ? v : std::round(v));
  }
  return a;
}

/// Relative tolerance of a dtype's rounding (0: exact).
inline double tolerance(DType t) {
  switch (t) {
  case DType::Float32:
    return 2e-6;
  case DType::Float64:
    return 1e-12;
  case DType::Float16:
    return 2e-3;
  case DType::BFloat16:
    return 1.6e-2;
  default:
    return 0;
  }
}

/// Expects actual == expected within rtol (relative to max(1, |expected|));
/// NaNs must match NaNs. Reports the first few mismatches with indices.
inline void expectClose(const HostArray &actual, const std::vector<double> &expected, double rtol,
                        const std::string &what = {}) {
  ASSERT_EQ(size_t(actual.numel()), expected.size()) << what;
  int bad = 0;
  for (size_t i = 0; i < expected.size() && bad < 5; ++i) {
    double a = actual.get(int64_t(i)), e = expected[i];
    bool ok = (std::isnan(e) && std::isnan(a)) || a == e ||
              (std::isfinite(e) && std::abs(a - e) <= rtol * std::max(1.0, std::abs(e)));
    if (!ok) {
      ++bad;
      ADD_FAILURE() << what << " at " << i << ": got " << a << ", expected " << e;
    }
  }
}
inline void expectClose(const HostArray &actual, const std::vector<double> &expected,
                        const std::string &what = {}) {
  expectClose(actual, expected, tolerance(actual.dtype()), what);
}

/// Bitwise equality of two arrays (multi- vs single-threaded runs).
inline bool sameBits(const HostArray &a, const HostArray &b) {
  return a.blob().nbytes() == b.blob().nbytes() &&
         std::memcmp(a.blob().dptr, b.blob().dptr, a.blob().nbytes()) == 0;
}

inline TShape toShape(const std::vector<int64_t> &d) { return TShape(std::span<const int64_t>(d)); }

/// A random shape of the given rank with extents in [lo, hi].
inline TShape randomShape(std::mt19937 &rng, int ndim, int64_t lo = 1, int64_t hi = 5) {
  std::vector<int64_t> d(static_cast<size_t>(ndim));
  std::uniform_int_distribution<int64_t> u(lo, hi);
  for (auto &x : d)
    x = u(rng);
  return toShape(d);
}

/// Row-major multi-index of flat index i in shape.
inline std::vector<int64_t> unravel(int64_t i, const TShape &shape) {
  std::vector<int64_t> idx(size_t(std::max(shape.ndim(), 0)));
  for (int d = shape.ndim() - 1; d >= 0; --d) {
    idx[size_t(d)] = i % shape[d];
    i /= shape[d];
  }
  return idx;
}

/// Flat index of a multi-index (extent-1 dims of a broadcast input read 0).
inline int64_t ravelBroadcast(const std::vector<int64_t> &outIdx, const TShape &in) {
  int64_t off = int64_t(outIdx.size()) - in.ndim(), flat = 0;
  for (int d = 0; d < in.ndim(); ++d)
    flat = flat * in[d] + (in[d] == 1 ? 0 : outIdx[size_t(d + off)]);
  return flat;
}

inline const std::vector<DType> &allDTypes() {
  static const std::vector<DType> v = {DType::Float32,  DType::Float64, DType::Float16,
                                       DType::BFloat16, DType::UInt8,   DType::Int8,
                                       DType::Int32,    DType::Int64,   DType::Bool};
  return v;
}

} // namespace mxrt::testing
