// cpu_util.cc - ISA detection, the serial scope and the shared argument checks.
#include "kernels/cpu/cpu_util.h"

#include <algorithm>

namespace mxrt::kernels::cpu {
namespace {
thread_local int serialDepth = 0;

Isa detectIsa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("f16c") && __builtin_cpu_supports("bmi2"))
    return Isa::Avx2;
  return Isa::Base;
}
} // namespace

SerialScope::SerialScope() { ++serialDepth; }
SerialScope::~SerialScope() { --serialDepth; }
bool serialForced() { return serialDepth > 0; }

int cpuThreads() { return std::max(1, Engine::get()->numCPUWorkers()); }

Isa cpuIsa() {
  static const Isa isa = detectIsa();
  return isa;
}

void checkDType(const TBlob &b, DType dtype, const char *op, const char *arg) {
  MXRT_CHECK(b.dtype == dtype, "operator ", op, ": argument '", arg, "' has dtype ",
             dtypeName(b.dtype), ", expected ", dtypeName(dtype));
}

void checkShape(const TBlob &b, const TShape &shape, const char *op, const char *arg) {
  MXRT_CHECK(b.shape == shape, "operator ", op, ": argument '", arg, "' has shape ", b.shape.str(),
             ", expected ", shape.str());
}

void checkSameSize(const TBlob &a, const TBlob &b, const char *op, const char *argA,
                   const char *argB) {
  MXRT_CHECK(a.numel() == b.numel(), "operator ", op, ": '", argA, "' ", a.shape.str(), " and '",
             argB, "' ", b.shape.str(), " differ in size");
}

int normalizeAxis(int64_t axis, int ndim, const char *op, const char *arg) {
  int64_t a = axis < 0 ? axis + ndim : axis;
  MXRT_CHECK(a >= 0 && a < ndim, "operator ", op, ": ", arg, "=", axis,
             " is out of range for an array of rank ", ndim);
  return int(a);
}

} // namespace mxrt::kernels::cpu
