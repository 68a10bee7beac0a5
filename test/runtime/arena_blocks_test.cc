// arena_blocks_test.cc - which temporaries share bytes (mxrt/arena_blocks.h),
// the rule behind both the manifest's kernel dependencies and the
// executor's engine variables.
#include "mxrt/arena_blocks.h"

#include <gtest/gtest.h>

namespace {

using mxrt::ArenaRange;

TEST(ArenaBlocks, OverlappingRangesShareAndDisjointOnesDoNot) {
  std::vector<ArenaRange> ranges{
      {0, 0, 32},  // v0: block 0
      {},          // v1: not a temporary
      {0, 16, 48}, // v2: block 1, overlaps block 0 and block 2
      {0, 32, 64}, // v3: block 2, touches block 0 only at its end (no shared byte)
      {0, 0, 32},  // v4: block 0 again (in place)
      {1, 0, 32},  // v5: block 3, same offsets in another buffer
  };
  mxrt::ArenaBlocks b = mxrt::arenaBlocks(ranges);
  EXPECT_EQ(b.blockOf, (std::vector<int>{0, -1, 1, 2, 0, 3}));
  ASSERT_EQ(b.overlapping.size(), 4u);
  EXPECT_EQ(b.overlapping[0], (std::vector<int>{0, 1}));
  EXPECT_EQ(b.overlapping[1], (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(b.overlapping[2], (std::vector<int>{1, 2}));
  EXPECT_EQ(b.overlapping[3], (std::vector<int>{3}));
}

TEST(ArenaBlocks, AnEmptyRangeCountsOneByte) {
  mxrt::ArenaBlocks b = mxrt::arenaBlocks(std::vector<ArenaRange>{{0, 8, 8}, {0, 8, 16}});
  EXPECT_EQ(b.overlapping[0], (std::vector<int>{0, 1}));
}

} // namespace
