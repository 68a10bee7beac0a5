// reduce_gpu.h - the CUDA side of the KVStore's sums, behind a C++17
// interface (nvcc compiles the .cu as C++17; the runtime's headers are
// C++20).
#pragma once

#include <cstdint>

namespace mxrt::kvstore {

/// out[i] = in[0][i] + ... + in[m-1][i] for n elements of MXNet dtype code
/// `dtype`, launched on `stream`. Returns null, or a static message naming
/// the CUDA error or the unsupported dtype.
const char *launchSumGPU(const void *const *in, int m, void *out, int64_t n, int dtype,
                         void *stream);

} // namespace mxrt::kvstore
