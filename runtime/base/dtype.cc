// dtype.cc - dtype names, sizes and half-precision conversion.
#include "mxrt/dtype.h"

#include "mxrt/base.h"

#include <bit>
#include <cmath>

namespace mxrt {
namespace {
struct DTypeInfo {
  DType type;
  std::string_view name;
  size_t size;
};
constexpr DTypeInfo kInfo[] = {
    {DType::Float32, "float32", 4}, {DType::Float64, "float64", 8}, {DType::Float16, "float16", 2},
    {DType::UInt8, "uint8", 1},     {DType::Int32, "int32", 4},     {DType::Int8, "int8", 1},
    {DType::Int64, "int64", 8},     {DType::Bool, "bool", 1},       {DType::Int16, "int16", 2},
    {DType::UInt16, "uint16", 2},   {DType::UInt32, "uint32", 4},   {DType::UInt64, "uint64", 8},
    {DType::BFloat16, "bfloat16", 2},
};
} // namespace

bool isValidDTypeCode(int32_t code) { return code >= 0 && code <= 12; }

size_t dtypeSize(DType t) {
  return isValidDTypeCode(int32_t(t)) ? kInfo[int32_t(t)].size : 0;
}

std::string_view dtypeName(DType t) {
  return isValidDTypeCode(int32_t(t)) ? kInfo[int32_t(t)].name : "unknown";
}

std::optional<DType> parseDType(std::string_view name) {
  for (const DTypeInfo &i : kInfo)
    if (i.name == name)
      return i.type;
  if (name == "float")
    return DType::Float32;
  if (name == "double")
    return DType::Float64;
  if (name == "half")
    return DType::Float16;
  return std::nullopt;
}

void failUnsupportedDType(DType t, const char *what) {
  fail("dtype ", dtypeName(t), " (code ", int32_t(t), ") is not supported by ", what);
}

// IEEE binary16 <-> binary32, round-to-nearest-even, with subnormals, inf, NaN.
half_t::half_t(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mag = x & 0x7fffffffu;
  if (mag > 0x7f800000u) { // NaN
    bits = uint16_t(sign | 0x7e00u);
    return;
  }
  if (mag >= 0x47800000u) { // >= 65536: inf (values just below round up in the normal path)
    bits = uint16_t(sign | 0x7c00u);
    return;
  }
  if (mag < 0x38800000u) { // subnormal half (or zero)
    float a = std::bit_cast<float>(mag);
    // scale so that the half subnormal unit (2^-24) becomes 1, then round
    float scaled = a * 16777216.0f; // 2^24
    uint32_t m = uint32_t(std::nearbyint(scaled));
    bits = uint16_t(sign | m);
    return;
  }
  uint32_t exp = ((mag >> 23) - 112u) << 10;
  uint32_t mant = (mag >> 13) & 0x3ffu;
  uint32_t rest = mag & 0x1fffu;
  uint32_t h = exp | mant;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
    ++h; // may carry into the exponent, which is correct (up to inf)
  bits = uint16_t(sign | h);
}

half_t::operator float() const {
  uint32_t sign = uint32_t(bits & 0x8000u) << 16;
  uint32_t exp = (bits >> 10) & 0x1fu;
  uint32_t mant = bits & 0x3ffu;
  if (exp == 0) {
    float v = float(mant) / 16777216.0f; // mant * 2^-24
    return sign ? -v : v;
  }
  if (exp == 31)
    return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
  return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (mant << 13));
}

} // namespace mxrt
