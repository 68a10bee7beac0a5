// context.cc - device names and GPU discovery.
#include "mxrt/context.h"

#include "mxrt/base.h"

namespace mxrt {

#ifdef MXRT_USE_CUDA
int cudaDeviceCountNoThrow(); // base/cuda/device.cc
#endif

std::string Context::str() const {
  switch (type) {
  case DeviceType::CPU:
    return mxrt::str("cpu(", id, ")");
  case DeviceType::GPU:
    return mxrt::str("gpu(", id, ")");
  case DeviceType::CPUPinned:
    return mxrt::str("cpu_pinned(", id, ")");
  case DeviceType::CPUShared:
    return mxrt::str("cpu_shared(", id, ")");
  }
  return mxrt::str("device(", int(type), ",", id, ")");
}

int numGPUs() {
#ifdef MXRT_USE_CUDA
  static const int n = cudaDeviceCountNoThrow();
  return n;
#else
  return 0;
#endif
}

void checkContext(const Context &ctx) {
  switch (ctx.type) {
  case DeviceType::CPU:
  case DeviceType::CPUPinned:
  case DeviceType::CPUShared:
    MXRT_CHECK(ctx.id >= 0, "invalid device ", ctx.str(), ": negative device id");
    return;
  case DeviceType::GPU: {
    int n = numGPUs();
#ifndef MXRT_USE_CUDA
    fail("device ", ctx.str(), " is not available: mxc was built without CUDA");
#endif
    MXRT_CHECK(ctx.id >= 0 && ctx.id < n, "device ", ctx.str(), " is not available: ", n,
               " GPU(s) present");
    return;
  }
  }
  fail("invalid device type code ", int(ctx.type));
}

} // namespace mxrt
