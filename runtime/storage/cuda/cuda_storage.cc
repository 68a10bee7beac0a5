// cuda_storage.cc - device allocators for GPU memory and pinned host memory.
//
// Compiled only when CUDA is built. cudaMalloc/cudaFree are slow and
// synchronize the device, which is why Pool caches what they return.
// Out-of-memory is reported as nullptr so that the pool can release its
// cache and retry; any other CUDA error is an Error naming the call.
#include "mxrt/base.h"
#include "storage/pool.h"

#include <cuda_runtime_api.h>

namespace mxrt::storage {
namespace {

void checkCuda(cudaError_t e, const char *call, const std::string &where) {
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    fail(call, " failed on ", where, ": ", cudaGetErrorString(e));
  }
}

/// Makes `device` current for the scope and restores the caller's device:
/// the engine's GPU workers rely on their thread's current device.
class DeviceGuard {
public:
  explicit DeviceGuard(int device) {
    if (cudaGetDevice(&prev_) != cudaSuccess)
      prev_ = -1;
    if (prev_ != device)
      checkCuda(cudaSetDevice(device), "cudaSetDevice", Context::gpu(device).str());
  }
  ~DeviceGuard() {
    int cur = -1;
    if (prev_ >= 0 && cudaGetDevice(&cur) == cudaSuccess && cur != prev_)
      (void)cudaSetDevice(prev_);
  }

private:
  int prev_ = -1;
};

bool isOutOfMemory(cudaError_t e) {
  if (e != cudaErrorMemoryAllocation)
    return false;
  (void)cudaGetLastError(); // clear the sticky-free error so later calls work
  return true;
}

class GPUAllocator final : public DeviceAllocator {
public:
  explicit GPUAllocator(int device) : device_(device) {}
  void *allocate(size_t bytes) override {
    DeviceGuard guard(device_);
    void *p = nullptr;
    cudaError_t e = cudaMalloc(&p, bytes);
    if (isOutOfMemory(e))
      return nullptr;
    checkCuda(e, "cudaMalloc", Context::gpu(device_).str());
    return p;
  }
  void deallocate(void *ptr, size_t) override {
    DeviceGuard guard(device_);
    // Runs in destructors of pools and arrays: never throw.
    if (cudaFree(ptr) != cudaSuccess)
      (void)cudaGetLastError();
  }

private:
  int device_;
};

class PinnedAllocator final : public DeviceAllocator {
public:
  void *allocate(size_t bytes) override {
    void *p = nullptr;
    // Portable: page-locked for every GPU, not only the current one.
    cudaError_t e = cudaHostAlloc(&p, bytes, cudaHostAllocPortable);
    if (isOutOfMemory(e))
      return nullptr;
    checkCuda(e, "cudaHostAlloc", "cpu_pinned(0)");
    return p;
  }
  void deallocate(void *ptr, size_t) override {
    if (cudaFreeHost(ptr) != cudaSuccess)
      (void)cudaGetLastError();
  }
};

} // namespace

std::unique_ptr<DeviceAllocator> makeGPUAllocator(int device) {
  return std::make_unique<GPUAllocator>(device);
}
std::unique_ptr<DeviceAllocator> makePinnedAllocator() {
  return std::make_unique<PinnedAllocator>();
}

} // namespace mxrt::storage
