// device.cc - CUDA device discovery that never throws or aborts.
#include <cuda_runtime_api.h>

namespace mxrt {

int cudaDeviceCountNoThrow() {
  int n = 0;
  // Without a driver or a GPU this returns an error code; treat it as 0.
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return n;
}

} // namespace mxrt
