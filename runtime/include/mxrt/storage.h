// storage.h - pooled memory per device.
//
// CPU memory is 64-byte aligned; freed blocks go back to a size-bucketed
// pool and are reused. On GPUs (when built with CUDA) a caching cudaMalloc
// pool does the same. cpu_pinned is page-locked (cudaHostAlloc) when CUDA is
// built and a GPU exists, else plain host memory; cpu_shared is plain host
// memory. Every cpu(i) shares one pool. Out of memory is an Error naming the
// size and the device, never an abort.
#pragma once

#include "mxrt/context.h"

#include <cstddef>
#include <cstdint>

namespace mxrt {

struct StorageHandle {
  void *dptr = nullptr;
  size_t size = 0; ///< bytes requested
  Context ctx;
};

/// Per device; sizes are the pool's size classes (requests rounded up: to
/// 64 bytes up to 4 KiB, then by at most a quarter), i.e. memory held.
struct StorageStats {
  size_t bytesInUse = 0;    ///< handed out and not freed
  size_t bytesPooled = 0;   ///< freed, kept for reuse
  size_t peakBytesInUse = 0;
  uint64_t allocations = 0; ///< alloc calls
  uint64_t poolHits = 0;    ///< alloc calls served from the pool
};

class Storage {
public:
  static Storage *get();
  virtual ~Storage() = default;
  /// size 0 gives a null pointer. Throws Error on out-of-memory or a bad ctx.
  virtual StorageHandle alloc(size_t size, Context ctx) = 0;
  /// Returns the block to its device's pool. Throws Error for a block the
  /// pool did not hand out (or a second free).
  virtual void free(StorageHandle handle) = 0;
  /// Returns pooled (unused) memory of ctx's device to the system.
  virtual void releaseAll(Context ctx) = 0;
  virtual StorageStats stats(Context ctx) const = 0;
};

} // namespace mxrt
