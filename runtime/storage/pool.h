// pool.h - a size-class memory pool in front of one device's allocator.
//
// Storage keeps one Pool per device. A freed block goes to the free list of
// its size class and the next request of that class takes it back, so a
// training loop that allocates the same shapes every step stops calling the
// device allocator after the first step. Sizes are rounded up to classes of
// at most 25% waste (64-byte steps up to 4 KiB, then four classes per power
// of two). When the device reports out-of-memory, the pool gives every
// pooled block back and tries once more before failing with an Error.
#pragma once

#include "mxrt/storage.h"

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace mxrt::storage {

/// Where a pool gets memory from: the system, cudaMalloc, cudaHostAlloc.
class DeviceAllocator {
public:
  virtual ~DeviceAllocator() = default;
  /// A block of `bytes` (a multiple of 64), 64-byte aligned at least, or
  /// nullptr when the device has no room. Other failures throw Error.
  virtual void *allocate(size_t bytes) = 0;
  virtual void deallocate(void *ptr, size_t bytes) = 0;
};

/// The allocator of plain host memory (posix_memalign, 64-byte aligned).
std::unique_ptr<DeviceAllocator> makeHostAllocator();

class Pool {
public:
  /// Keeps at most maxPooledBytes of freed memory; a block freed beyond
  /// that goes straight back to the device.
  Pool(Context ctx, std::unique_ptr<DeviceAllocator> device, size_t maxPooledBytes);
  ~Pool();

  /// Throws Error naming the size and device when memory is exhausted.
  void *alloc(size_t size);
  /// `size` is the size given to alloc. Throws Error for a pointer this pool
  /// did not hand out (double free, wrong device).
  void free(void *ptr, size_t size);
  void releaseAll();
  StorageStats stats() const;

  /// The size class of a request: what the pool actually allocates.
  static size_t roundSize(size_t size);

private:
  void releaseLocked();

  Context ctx_;
  std::unique_ptr<DeviceAllocator> device_;
  size_t maxPooled_;
  mutable std::mutex mu_;
  std::unordered_map<size_t, std::vector<void *>> free_; // size class -> blocks
  std::unordered_map<void *, size_t> live_;              // block -> size class
  StorageStats stats_;
};

} // namespace mxrt::storage
