// scratch.cc - the memory compiled kernels allocate for themselves.
//
// A kernel's own temporaries (a convolution's padded input and im2col
// columns, a reduction's partial sums) are memref.alloc/dealloc inside the
// kernel, lowered to the three functions below (MLIR's "generic" allocation
// functions). Through malloc, a large block is a fresh mmap on every call:
// the kernel then page-faults its way through zeroed pages and munmaps them
// again (measured: about a quarter of ResNet-18's CPU time at batch 32). Here freed blocks of
// 1 MiB or more stay mapped in a cache shared by all threads and serve the
// next request that fits (a block at most twice the request), up to
// MXC_SCRATCH_CACHE_MB cached (default 1024, as MXNet's default
// convolution workspace; 0 turns caching off).
#include "mxrt/base.h"
#include "mxrt/module_abi.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>

namespace {

constexpr size_t kCachedMin = size_t(1) << 20;
constexpr size_t kAlignment = 64;

class ScratchCache {
public:
  ScratchCache() : cap_(size_t(std::max(0L, mxrt::envInt("MXC_SCRATCH_CACHE_MB", 1024))) << 20) {}

  void *allocate(size_t bytes, size_t alignment) {
    bytes = std::max<size_t>(bytes, 1);
    alignment = std::max(alignment, kAlignment);
    if (bytes >= kCachedMin) {
      std::lock_guard<std::mutex> lock(mu_);
      // The smallest free block that fits, unless it wastes over half.
      auto it = free_.lower_bound(bytes);
      if (it != free_.end() && it->first <= 2 * bytes) {
        void *p = it->second;
        if (reinterpret_cast<uintptr_t>(p) % alignment == 0) {
          cached_ -= it->first;
          live_[p] = it->first;
          free_.erase(it);
          return p;
        }
      }
    }
    size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    void *p = std::aligned_alloc(alignment, rounded);
    if (!p)
      return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    live_[p] = rounded;
    return p;
  }

  void release(void *p) {
    if (!p)
      return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = live_.find(p);
      if (it != live_.end()) {
        size_t bytes = it->second;
        live_.erase(it);
        if (bytes >= kCachedMin && cached_ + bytes <= cap_) {
          cached_ += bytes;
          free_.emplace(bytes, p);
          return;
        }
      }
    }
    std::free(p);
  }

private:
  std::mutex mu_;
  std::multimap<size_t, void *> free_;    ///< cached blocks by size
  std::unordered_map<void *, size_t> live_; ///< blocks handed out, with their size
  size_t cached_ = 0, cap_;
};

ScratchCache &cache() {
  // Never destroyed: kernels of modules still loaded at exit may free.
  static ScratchCache *c = new ScratchCache;
  return *c;
}

} // namespace

extern "C" void *_mlir_memref_to_llvm_alloc(size_t bytes) {
  return cache().allocate(bytes, kAlignment);
}

extern "C" void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t bytes) {
  return cache().allocate(bytes, alignment);
}

extern "C" void _mlir_memref_to_llvm_free(void *p) { cache().release(p); }
