// storage.cc - Storage::get(): one pool per device, created on first use.
//
// Host memory (cpu, cpu_shared) comes from posix_memalign; cpu_pinned from
// cudaHostAlloc when CUDA is built and a GPU is present (page-locked memory
// makes host<->device copies asynchronous), else from the host allocator.
// GPU memory comes from a caching cudaMalloc pool (storage/cuda/). Every
// cpu(i) shares one pool: the id names no separate memory.
#include "mxrt/storage.h"

#include "mxrt/base.h"
#include "storage/pool.h"

#include <map>
#include <unistd.h>

namespace mxrt {
namespace storage {
#ifdef MXRT_USE_CUDA
std::unique_ptr<DeviceAllocator> makeGPUAllocator(int device); // storage/cuda/
std::unique_ptr<DeviceAllocator> makePinnedAllocator();        // storage/cuda/
#endif
} // namespace storage

namespace {

using storage::Pool;

/// Pooled host memory is capped at a quarter of RAM: the CPU pool must not
/// starve the rest of the process. GPU memory belongs to us alone; its
/// pool gives everything back only when cudaMalloc fails.
size_t hostPoolCap() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? size_t(pages) * size_t(page) / 4 : size_t(1) << 30;
}

class PooledStorage final : public Storage {
public:
  StorageHandle alloc(size_t size, Context ctx) override {
    checkContext(ctx);
    StorageHandle h;
    h.size = size;
    h.ctx = ctx;
    if (size)
      h.dptr = pool(ctx).alloc(size);
    return h;
  }

  void free(StorageHandle handle) override {
    if (handle.dptr)
      pool(handle.ctx).free(handle.dptr, handle.size);
  }

  void releaseAll(Context ctx) override {
    if (Pool *p = find(ctx))
      p->releaseAll();
  }

  StorageStats stats(Context ctx) const override {
    const Pool *p = find(ctx);
    return p ? p->stats() : StorageStats{};
  }

private:
  /// Host devices share memory across ids.
  static Context key(Context ctx) { return ctx.isHost() ? Context{ctx.type, 0} : ctx; }

  Pool *find(Context ctx) const {
    std::lock_guard lock(mu_);
    auto it = pools_.find(key(ctx));
    return it == pools_.end() ? nullptr : it->second.get();
  }

  Pool &pool(Context ctx) {
    Context k = key(ctx);
    std::lock_guard lock(mu_);
    auto &slot = pools_[k];
    if (!slot)
      slot = makePool(k);
    return *slot;
  }

  static std::unique_ptr<Pool> makePool(Context ctx) {
    switch (ctx.type) {
    case DeviceType::GPU:
#ifdef MXRT_USE_CUDA
      return std::make_unique<Pool>(ctx, storage::makeGPUAllocator(ctx.id), SIZE_MAX);
#else
      break; // checkContext has refused it already
#endif
    case DeviceType::CPUPinned:
#ifdef MXRT_USE_CUDA
      if (numGPUs() > 0)
        return std::make_unique<Pool>(ctx, storage::makePinnedAllocator(), hostPoolCap());
#endif
      [[fallthrough]];
    case DeviceType::CPU:
    case DeviceType::CPUShared:
      return std::make_unique<Pool>(ctx, storage::makeHostAllocator(), hostPoolCap());
    }
    fail("no memory pool for device ", ctx.str());
  }

  struct Less {
    bool operator()(Context a, Context b) const {
      return std::pair(int(a.type), a.id) < std::pair(int(b.type), b.id);
    }
  };
  mutable std::mutex mu_;
  std::map<Context, std::unique_ptr<Pool>, Less> pools_;
};

} // namespace

Storage *Storage::get() {
  // Never destroyed: arrays released by static destructors of other
  // translation units may still free into it at exit.
  static Storage *s = new PooledStorage;
  return s;
}

} // namespace mxrt
