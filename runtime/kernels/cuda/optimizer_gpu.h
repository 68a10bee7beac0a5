// optimizer_gpu.h - the CUDA side of the optimizer update steps, behind a
// C++17 interface for the registrations in cpu/optimizer_updates.cc.
#pragma once

#include "kernels/optimizer_math.h"

namespace mxrt::kernels::opt {

/// Runs one update step on the GPU holding the arrays, on `stream` (a
/// cudaStream_t). Returns null, or a static message naming the CUDA error.
const char *launchUpdateGPU(const UpdateArgs &args, void *stream);

} // namespace mxrt::kernels::opt
