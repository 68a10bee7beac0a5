// copy.h - data movement between arrays: casts on the host, and transfers
// that involve a GPU (implemented in ndarray/cuda/ when CUDA is built).
#pragma once

#include "mxrt/ndarray.h"

namespace mxrt::detail {

/// Converts n elements of type st at src into type dt at dst (host memory,
/// no overlap). Float to integer truncates, saturates and maps NaN to 0;
/// integer to integer wraps as NumPy's astype does; x != 0 gives bool.
void castHost(void *dst, DType dt, const void *src, DType st, size_t n);

/// Copies src into dst (same shape, any dtypes) when both are host memory.
/// The blobs may overlap (views of one chunk).
void copyHost(const TBlob &dst, const TBlob &src);

/// Copies src into dst when at least one of them is on a GPU, inside an
/// engine op running with rctx; returns when the data has arrived.
/// Different dtypes are cast on the host.
void copyWithDevice(const TBlob &dst, const TBlob &src, RunContext rctx);

/// Moves nbytes between any two devices (one may be the host) on rctx's
/// stream and waits for them. Throws Error when built without CUDA.
void copyBytesWithDevice(void *dst, Context dctx, const void *src, Context sctx, size_t nbytes,
                         RunContext rctx);

} // namespace mxrt::detail
