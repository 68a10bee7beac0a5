// gpu_stream.cc - CUDA streams for the engine's GPU workers, errors as mxrt::Error.
#include "engine/gpu_stream.h"

#include "mxrt/base.h"

#include <cuda_runtime_api.h>

namespace mxrt::engine {

void gpuSetDevice(int device) {
  cudaError_t e = cudaSetDevice(device);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    fail("engine on gpu(", device, "): cudaSetDevice failed: ", cudaGetErrorString(e));
  }
}

void *gpuCreateStream(int device) {
  gpuSetDevice(device);
  cudaStream_t s = nullptr;
  cudaError_t e = cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    fail("engine on gpu(", device, "): cudaStreamCreate failed: ", cudaGetErrorString(e));
  }
  return s;
}

void gpuDestroyStream(void *stream) noexcept {
  if (stream)
    (void)cudaStreamDestroy(static_cast<cudaStream_t>(stream));
}

void gpuSyncStream(void *stream) {
  cudaError_t e = cudaStreamSynchronize(static_cast<cudaStream_t>(stream));
  // A failed launch is reported by cudaGetLastError, not by the sync.
  cudaError_t last = cudaGetLastError();
  if (e == cudaSuccess)
    e = last;
  if (e != cudaSuccess)
    fail("CUDA error: ", cudaGetErrorString(e), " (", cudaGetErrorName(e), ")");
}

} // namespace mxrt::engine
