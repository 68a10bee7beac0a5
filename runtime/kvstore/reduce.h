// reduce.h - the KVStore's sums: m arrays of one dtype added into one.
//
// A push with values from several devices ends in one of these: on the
// host in one pass over memory (each block of elements is summed in cache
// across all inputs before it is stored), split over the CPU workers; on a
// GPU, one grid-stride kernel on the op's stream.
#pragma once

#include "mxrt/ndarray.h"

#include <cstdint>
#include <span>

namespace mxrt::kvstore {

/// out = in[0] + in[1] + ... (left to right), all host memory of out's
/// dtype and size; out may be one of the inputs.
void sumHost(std::span<const TBlob> in, const TBlob &out);

/// The same for device memory of one GPU, on `stream` (a cudaStream_t).
/// Error when built without CUDA.
void sumGPU(std::span<const TBlob> in, const TBlob &out, void *stream);

} // namespace mxrt::kvstore
