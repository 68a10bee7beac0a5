// gpu_stream.h - the CUDA calls the engine needs, implemented in engine/cuda/ (CUDA builds only).
//
// Kept behind four functions so that the engine core compiles without the
// CUDA headers; callers guard their use with MXRT_USE_CUDA.
#pragma once

namespace mxrt::engine {

/// Binds the calling thread to GPU `device` and creates a non-blocking
/// stream on it. Throws Error naming the device and cudaGetErrorString.
void *gpuCreateStream(int device);

/// Makes `device` the calling thread's current GPU (the naive engine runs
/// ops for any GPU on the pushing thread). Throws Error like gpuCreateStream.
void gpuSetDevice(int device);

/// Destroys a stream made by gpuCreateStream (errors are ignored: this runs
/// when a worker exits).
void gpuDestroyStream(void *stream) noexcept;

/// Waits until the stream is idle; a pending CUDA error (an asynchronous
/// kernel fault, a failed launch) becomes an Error with cudaGetErrorString.
void gpuSyncStream(void *stream);

} // namespace mxrt::engine
