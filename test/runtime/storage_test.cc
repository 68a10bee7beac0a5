// storage_test.cc - pooled device memory: alignment, reuse, statistics,
// out-of-memory errors, and the pool's release-and-retry on exhaustion.
#include "mxrt/base.h"
#include "mxrt/engine.h"
#include "mxrt/storage.h"
#include "storage/pool.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace mxrt {
namespace {

using storage::Pool;

/// Arrays freed by earlier tests return their memory from engine ops; let
/// those finish before counting bytes.
void quiesce() { Engine::get()->waitForAll(); }

TEST(Storage, CpuBlocksAre64ByteAlignedAndWritable) {
  Storage *s = Storage::get();
  std::vector<StorageHandle> hs;
  for (size_t size : {1u, 7u, 63u, 64u, 65u, 1000u, 4096u, 4097u, 100000u, 3u << 20}) {
    StorageHandle h = s->alloc(size, Context::cpu());
    ASSERT_NE(h.dptr, nullptr) << size;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(h.dptr) % 64, 0u) << size;
    EXPECT_EQ(h.size, size);
    EXPECT_EQ(h.ctx, Context::cpu());
    std::memset(h.dptr, 0xab, size); // the whole block is ours (ASan checks)
    hs.push_back(h);
  }
  for (const StorageHandle &h : hs)
    s->free(h);
}

TEST(Storage, ZeroBytesIsANullBlock) {
  StorageHandle h = Storage::get()->alloc(0, Context::cpu());
  EXPECT_EQ(h.dptr, nullptr);
  Storage::get()->free(h); // and freeing it is harmless
}

TEST(Storage, FreedMemoryIsReusedAndCounted) {
  Storage *s = Storage::get();
  const Context cpu = Context::cpu();
  quiesce();
  s->releaseAll(cpu);
  StorageStats before = s->stats(cpu);
  const size_t size = 12345; // an odd size: its class is larger
  StorageHandle a = s->alloc(size, cpu);
  StorageStats during = s->stats(cpu);
  EXPECT_EQ(during.allocations, before.allocations + 1);
  EXPECT_EQ(during.bytesInUse, before.bytesInUse + Pool::roundSize(size));
  EXPECT_GE(during.peakBytesInUse, during.bytesInUse);
  s->free(a);
  StorageStats after = s->stats(cpu);
  EXPECT_EQ(after.bytesInUse, before.bytesInUse);
  EXPECT_EQ(after.bytesPooled, before.bytesPooled + Pool::roundSize(size));

  // Any request of the same size class gets the same block back.
  StorageHandle b = s->alloc(size + 1, cpu);
  EXPECT_EQ(b.dptr, a.dptr);
  EXPECT_EQ(s->stats(cpu).poolHits, before.poolHits + 1);
  s->free(b);

  s->releaseAll(cpu);
  EXPECT_EQ(s->stats(cpu).bytesPooled, 0u);
}

TEST(Storage, SizeClassesWasteAtMostAQuarter) {
  size_t prev = 0;
  for (size_t size = 1; size < (size_t(1) << 40); size = size * 3 / 2 + 1) {
    size_t r = Pool::roundSize(size);
    EXPECT_GE(r, size);
    EXPECT_EQ(r % 64, 0u) << size;
    if (size > 4096)
      EXPECT_LE(r - size, size / 4) << size;
    EXPECT_GE(r, prev); // monotonic
    prev = r;
  }
}

TEST(Storage, OutOfMemoryIsAnErrorNamingSizeAndDevice) {
  for (size_t size : {size_t(1) << 50, (size_t(1) << 62) + 1, SIZE_MAX}) {
    try {
      Storage::get()->alloc(size, Context::cpu());
      FAIL() << "allocating " << size << " bytes succeeded";
    } catch (const Error &e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find(std::to_string(size)), std::string::npos) << msg;
      EXPECT_NE(msg.find("cpu(0)"), std::string::npos) << msg;
      EXPECT_NE(msg.find("out of memory"), std::string::npos) << msg;
    }
  }
  // The failure leaves the pool usable.
  StorageHandle h = Storage::get()->alloc(100, Context::cpu());
  EXPECT_NE(h.dptr, nullptr);
  Storage::get()->free(h);
}

TEST(Storage, FreeingAForeignOrFreedBlockIsAnError) {
  Storage *s = Storage::get();
  int local = 0;
  EXPECT_THROW(s->free({&local, sizeof local, Context::cpu()}), Error);
  StorageHandle h = s->alloc(256, Context::cpu());
  s->free(h);
  EXPECT_THROW(s->free(h), Error);
}

TEST(Storage, CpuPinnedIsUsableHostMemory) {
  // cudaHostAlloc with a GPU, plain host memory without one: either way the
  // host can use it and it is aligned.
  StorageHandle h = Storage::get()->alloc(1000, Context::cpuPinned());
  ASSERT_NE(h.dptr, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(h.dptr) % 64, 0u);
  std::memset(h.dptr, 1, 1000);
  Storage::get()->free(h);
  EXPECT_GT(Storage::get()->stats(Context::cpuPinned()).allocations, 0u);
}

TEST(Storage, BadDevicesAreErrors) {
  EXPECT_THROW(Storage::get()->alloc(16, Context::cpu(-1)), Error);
  if (numGPUs() == 0) {
    try {
      Storage::get()->alloc(16, Context::gpu(0));
      FAIL();
    } catch (const Error &e) {
      EXPECT_NE(std::string(e.what()).find("gpu(0)"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(Storage::get()->stats(Context::gpu(7)).allocations, 0u);
}

TEST(Storage, ConcurrentAllocAndFreeKeepStatsConsistent) {
  Storage *s = Storage::get();
  const Context cpu = Context::cpu();
  quiesce();
  StorageStats before = s->stats(cpu);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([s, cpu, t] {
      std::vector<StorageHandle> mine;
      for (int i = 0; i < 2000; ++i) {
        mine.push_back(s->alloc(64 * (1 + (i * 7 + t) % 50), cpu));
        std::memset(mine.back().dptr, t, mine.back().size);
        if (i % 3 == 0) {
          s->free(mine.front());
          mine.erase(mine.begin());
        }
      }
      for (const StorageHandle &h : mine)
        s->free(h);
    });
  for (std::thread &t : threads)
    t.join();
  StorageStats after = s->stats(cpu);
  EXPECT_EQ(after.bytesInUse, before.bytesInUse);
  EXPECT_EQ(after.allocations, before.allocations + 8000);
  EXPECT_GT(after.poolHits, before.poolHits);
}

/// Host memory with a fixed budget: how a GPU behaves when it fills up.
class BudgetAllocator final : public storage::DeviceAllocator {
public:
  explicit BudgetAllocator(size_t budget) : budget_(budget), host_(storage::makeHostAllocator()) {}
  void *allocate(size_t bytes) override {
    if (used_ + bytes > budget_)
      return nullptr;
    used_ += bytes;
    return host_->allocate(bytes);
  }
  void deallocate(void *p, size_t bytes) override {
    used_ -= bytes;
    host_->deallocate(p, bytes);
  }

private:
  size_t budget_, used_ = 0;
  std::unique_ptr<storage::DeviceAllocator> host_;
};

TEST(StoragePool, ReleasesPooledBlocksAndRetriesWhenTheDeviceIsFull) {
  Pool pool(Context::gpu(3), std::make_unique<BudgetAllocator>(1 << 20), SIZE_MAX);
  void *a = pool.alloc(600 << 10);
  pool.free(a, 600 << 10); // pooled: the device still counts it as used
  EXPECT_EQ(pool.stats().bytesPooled, Pool::roundSize(600 << 10));
  void *b = pool.alloc(800 << 10); // fits only once the pooled block is gone
  EXPECT_NE(b, nullptr);
  EXPECT_EQ(pool.stats().bytesPooled, 0u);
  try {
    pool.alloc(900 << 10);
    FAIL();
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("gpu(3)"), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::to_string(900 << 10)), std::string::npos) << msg;
  }
  pool.free(b, 800 << 10);
}

TEST(StoragePool, KeepsNoMoreThanItsCap) {
  Pool pool(Context::cpu(), storage::makeHostAllocator(), 10000);
  std::vector<void *> ps;
  for (int i = 0; i < 4; ++i)
    ps.push_back(pool.alloc(4096));
  for (void *p : ps)
    pool.free(p, 4096);
  EXPECT_EQ(pool.stats().bytesPooled, 2u * 4096);
  EXPECT_EQ(pool.stats().bytesInUse, 0u);
}

TEST(StorageGPU, CachingPoolReusesDeviceMemory) {
  if (numGPUs() == 0)
    GTEST_SKIP() << "no GPU on this machine";
  Storage *s = Storage::get();
  StorageHandle a = s->alloc(1 << 20, Context::gpu(0));
  ASSERT_NE(a.dptr, nullptr);
  s->free(a);
  StorageHandle b = s->alloc(1 << 20, Context::gpu(0));
  EXPECT_EQ(a.dptr, b.dptr);
  s->free(b);
  try {
    s->alloc(size_t(1) << 50, Context::gpu(0));
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("gpu(0)"), std::string::npos) << e.what();
  }
  s->releaseAll(Context::gpu(0));
  EXPECT_EQ(s->stats(Context::gpu(0)).bytesPooled, 0u);
}

} // namespace
} // namespace mxrt
