// optimizer_updates.cu - the optimizer update steps on a GPU: the functors
// of kernels/optimizer_math.h in one grid-stride kernel template.
#include "kernels/cuda/optimizer_gpu.h"

#include <cuda_runtime.h>

namespace mxrt::kernels::opt {
namespace {

template <class F> __global__ void updateKernel(int64_t n, F f) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x)
    f(i);
}

struct Launch {
  cudaStream_t stream;
  template <class F> void operator()(int64_t n, const F &f) const {
    if (n == 0)
      return;
    int64_t blocks = (n + 255) / 256;
    updateKernel<<<unsigned(blocks < 65535 ? blocks : 65535), 256, 0, stream>>>(n, f);
  }
};

} // namespace

const char *launchUpdateGPU(const UpdateArgs &args, void *stream) {
  Launch run{static_cast<cudaStream_t>(stream)};
  switch (args.dtype) {
  case 0:
    dispatchUpdate<float>(args, run);
    break;
  case 1:
    dispatchUpdate<double>(args, run);
    break;
  case 2:
    dispatchUpdate<half_t>(args, run);
    break;
  default:
    return "the weight must be float16, float32 or float64";
  }
  cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

} // namespace mxrt::kernels::opt
