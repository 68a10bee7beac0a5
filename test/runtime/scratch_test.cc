// scratch_test.cc - the allocation functions compiled kernels call for
// their own temporaries (module_abi.h, runtime/module/scratch.cc).
#include "mxrt/module_abi.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace {

bool aligned(const void *p, uintptr_t a) { return reinterpret_cast<uintptr_t>(p) % a == 0; }

TEST(Scratch, LargeBlocksAreReusedInsteadOfRemapped) {
  const size_t bytes = size_t(8) << 20;
  void *a = _mlir_memref_to_llvm_alloc(bytes);
  ASSERT_NE(a, nullptr);
  std::memset(a, 1, bytes);
  _mlir_memref_to_llvm_free(a);
  void *b = _mlir_memref_to_llvm_alloc(bytes - 4096); // fits the cached block
  EXPECT_EQ(b, a);
  void *c = _mlir_memref_to_llvm_alloc(bytes); // the cached one is taken: a new block
  EXPECT_NE(c, b);
  _mlir_memref_to_llvm_free(b);
  _mlir_memref_to_llvm_free(c);
}

TEST(Scratch, ABlockOverTwiceTheRequestIsNotHandedOut) {
  void *big = _mlir_memref_to_llvm_alloc(size_t(32) << 20);
  _mlir_memref_to_llvm_free(big);
  void *small = _mlir_memref_to_llvm_alloc(size_t(2) << 20);
  EXPECT_NE(small, big);
  void *again = _mlir_memref_to_llvm_alloc(size_t(32) << 20);
  EXPECT_EQ(again, big);
  _mlir_memref_to_llvm_free(small);
  _mlir_memref_to_llvm_free(again);
}

TEST(Scratch, AlignmentAndSmallBlocks) {
  for (size_t bytes : {size_t(1), size_t(100), size_t(4096), size_t(3) << 20}) {
    void *p = _mlir_memref_to_llvm_alloc(bytes);
    EXPECT_TRUE(aligned(p, 64)) << bytes;
    void *q = _mlir_memref_to_llvm_aligned_alloc(4096, bytes);
    EXPECT_TRUE(aligned(q, 4096)) << bytes;
    std::memset(p, 0xab, bytes);
    std::memset(q, 0xcd, bytes);
    _mlir_memref_to_llvm_free(p);
    _mlir_memref_to_llvm_free(q);
  }
  _mlir_memref_to_llvm_free(nullptr);
}

TEST(Scratch, ThreadsNeverShareABlock) {
  // Each thread fills its blocks with its own byte and checks it survived:
  // two threads given one cached block at once would overwrite each other.
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &bad] {
      for (int i = 0; i < 50; ++i) {
        size_t bytes = (size_t(1) << 20) + size_t((t * 50 + i) % 7) * 65536;
        auto *p = static_cast<unsigned char *>(_mlir_memref_to_llvm_alloc(bytes));
        std::memset(p, t + 1, bytes);
        std::this_thread::yield();
        for (size_t k = 0; k < bytes; k += 4093)
          bad[size_t(t)] += p[k] != t + 1;
        _mlir_memref_to_llvm_free(p);
      }
    });
  for (std::thread &th : threads)
    th.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(bad[size_t(t)], 0) << "thread " << t;
}

} // namespace
