// dtype.h - element types with MXNet's type codes, and 16-bit float storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace mxrt {

/// MXNet's type flags (mshadow TypeFlag); the codes are written in files.
enum class DType : int32_t {
  Unknown = -1,
  Float32 = 0,
  Float64 = 1,
  Float16 = 2,
  UInt8 = 3,
  Int32 = 4,
  Int8 = 5,
  Int64 = 6,
  Bool = 7,
  Int16 = 8,
  UInt16 = 9,
  UInt32 = 10,
  UInt64 = 11,
  BFloat16 = 12,
};

/// Bytes per element; 0 for Unknown.
size_t dtypeSize(DType t);
/// "float32", "float16", ... ("unknown" for Unknown or a bad code).
std::string_view dtypeName(DType t);
/// Parses a name as dtypeName writes it (also "float", "double", "half").
std::optional<DType> parseDType(std::string_view name);
/// True for the codes 0..12.
bool isValidDTypeCode(int32_t code);

/// IEEE half, stored as bits; converts through float.
struct half_t {
  uint16_t bits = 0;
  half_t() = default;
  half_t(float f);
  operator float() const;
};

/// bfloat16 (upper half of a float32), round-to-nearest-even on conversion.
struct bf16_t {
  uint16_t bits = 0;
  bf16_t() = default;
  bf16_t(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) { // NaN stays NaN
      bits = uint16_t((u >> 16) | 0x40);
    } else {
      u += 0x7fffu + ((u >> 16) & 1u);
      bits = uint16_t(u >> 16);
    }
  }
  operator float() const {
    uint32_t u = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
};

template <class T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::Float32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::Float64; };
template <> struct DTypeOf<half_t> { static constexpr DType value = DType::Float16; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::Int8; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::Bool; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::Int16; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::UInt16; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::UInt32; };
template <> struct DTypeOf<uint64_t> { static constexpr DType value = DType::UInt64; };
template <> struct DTypeOf<bf16_t> { static constexpr DType value = DType::BFloat16; };

[[noreturn]] void failUnsupportedDType(DType t, const char *what);

} // namespace mxrt

/// Runs the block with `DT` bound to the C++ type of `dtype` (every dtype).
#define MXRT_DTYPE_SWITCH(dtype, DT, ...)                                                          \
  switch (dtype) {                                                                                 \
  case ::mxrt::DType::Float32: { using DT = float; __VA_ARGS__; break; }                          \
  case ::mxrt::DType::Float64: { using DT = double; __VA_ARGS__; break; }                         \
  case ::mxrt::DType::Float16: { using DT = ::mxrt::half_t; __VA_ARGS__; break; }                 \
  case ::mxrt::DType::UInt8: { using DT = uint8_t; __VA_ARGS__; break; }                          \
  case ::mxrt::DType::Int32: { using DT = int32_t; __VA_ARGS__; break; }                          \
  case ::mxrt::DType::Int8: { using DT = int8_t; __VA_ARGS__; break; }                            \
  case ::mxrt::DType::Int64: { using DT = int64_t; __VA_ARGS__; break; }                          \
  case ::mxrt::DType::Bool: { using DT = bool; __VA_ARGS__; break; }                              \
  case ::mxrt::DType::Int16: { using DT = int16_t; __VA_ARGS__; break; }                          \
  case ::mxrt::DType::UInt16: { using DT = uint16_t; __VA_ARGS__; break; }                        \
  case ::mxrt::DType::UInt32: { using DT = uint32_t; __VA_ARGS__; break; }                        \
  case ::mxrt::DType::UInt64: { using DT = uint64_t; __VA_ARGS__; break; }                        \
  case ::mxrt::DType::BFloat16: { using DT = ::mxrt::bf16_t; __VA_ARGS__; break; }                \
  default: ::mxrt::failUnsupportedDType(dtype, "this operation");                                 \
  }
