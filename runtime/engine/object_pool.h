// object_pool.h - recycled engine objects (op blocks, variables) without malloc per push.
//
// An op block is taken by the pushing thread and given back by the worker
// that completes it, so objects flow between threads. Each thread keeps a
// private cache (no atomics on the hot path); caches trade whole batches
// with one process-wide free list under a spin lock, so the lock is taken
// once per kBatch objects. Objects are constructed once and reused as they
// are: the owner resets what it needs (this keeps, e.g., the capacity an
// op block grew for many variables).
//
// Under a sanitizer the pool is bypassed (plain new/delete) so ASan sees
// every use after free and TSan every lifetime as it really is.
#pragma once

#include "engine/spin_lock.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace mxrt::engine {

template <class T> class ObjectPool {
public:
  static T *get() {
#if MXRT_ENGINE_SANITIZED
    return new T();
#else
    Cache &c = cache();
    if (c.items.empty())
      c.refill();
    T *p = c.items.back();
    c.items.pop_back();
    return p;
#endif
  }

  static void put(T *p) {
#if MXRT_ENGINE_SANITIZED
    delete p;
#else
    Cache &c = cache();
    c.items.push_back(p);
    if (c.items.size() >= 2 * kBatch)
      c.spill(kBatch);
#endif
  }

private:
  static constexpr size_t kBatch = 64;

  /// Objects no thread holds. Never destroyed: threads may return their
  /// caches during static destruction.
  struct Global {
    SpinLock lock;
    std::vector<T *> items;
  };
  static Global &global() {
    static Global *g = new Global();
    return *g;
  }

  struct Cache {
    std::vector<T *> items;
    Cache() { items.reserve(2 * kBatch); }
    ~Cache() { spill(items.size()); }
    void refill() {
      Global &g = global();
      {
        std::lock_guard<SpinLock> lock(g.lock);
        size_t take = std::min(kBatch, g.items.size());
        items.insert(items.end(), g.items.end() - take, g.items.end());
        g.items.resize(g.items.size() - take);
      }
      while (items.size() < kBatch)
        items.push_back(new T());
    }
    void spill(size_t n) {
      Global &g = global();
      std::lock_guard<SpinLock> lock(g.lock);
      g.items.insert(g.items.end(), items.end() - n, items.end());
      items.resize(items.size() - n);
    }
  };
  static Cache &cache() {
    thread_local Cache c;
    return c;
  }
};

} // namespace mxrt::engine
