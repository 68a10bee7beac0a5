// copy.cc (cuda) - byte transfers that involve a GPU.
//
// cudaMemcpyDefault lets unified addressing pick the direction, including
// GPU to GPU across devices. The copy is queued on the engine worker's
// stream, behind the kernels that produced the data, and waited for: the
// op completes only when the bytes have arrived, as MXNet's copies do.
#include "ndarray/copy.h"
#include "mxrt/base.h"

#include <cuda_runtime_api.h>

namespace mxrt::detail {

void copyBytesWithDevice(void *dst, Context dctx, const void *src, Context sctx, size_t nbytes,
                         RunContext rctx) {
  if (nbytes == 0)
    return;
  Context gpu = dctx.isGPU() ? dctx : sctx;
  int prev = -1;
  (void)cudaGetDevice(&prev);
  if (rctx.ctx.isGPU() && prev != rctx.ctx.id)
    (void)cudaSetDevice(rctx.ctx.id);
  auto stream = static_cast<cudaStream_t>(rctx.stream);
  cudaError_t e = cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDefault, stream);
  if (e == cudaSuccess)
    e = cudaStreamSynchronize(stream);
  if (prev >= 0 && rctx.ctx.isGPU() && prev != rctx.ctx.id)
    (void)cudaSetDevice(prev);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    fail("copying ", nbytes, " bytes from ", sctx.str(), " to ", dctx.str(), " failed on ",
         gpu.str(), ": ", cudaGetErrorString(e));
  }
}

} // namespace mxrt::detail
