// arena_blocks.h - which temporaries of a compiled module share bytes.
//
// Memory planning packs temporaries into arena buffers at byte offsets,
// reusing bytes at many offsets. Two kernels must run in order when the
// bytes they touch overlap, and may run in parallel otherwise. The
// compiler derives the manifest's kernel dependencies from this
// (codegen/Outline.cpp) and the executor its engine variables
// (runtime/module/executor.cc): one definition keeps them in agreement.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace mxrt {

/// Where a temporary lives: bytes [begin, end) of arena buffer `buffer`.
struct ArenaRange {
  int32_t buffer = -1; ///< -1: not a temporary
  int64_t begin = 0, end = 0;
  bool operator==(const ArenaRange &) const = default;
};

/// Blocks (the distinct ranges temporaries occupy) and how they overlap.
struct ArenaBlocks {
  std::vector<int> blockOf;                  ///< per value: its block, -1 if not a temporary
  std::vector<std::vector<int>> overlapping; ///< per block: blocks sharing a byte (itself too)
};

/// The blocks of `ranges` (one per value; an empty range counts one byte).
inline ArenaBlocks arenaBlocks(std::span<const ArenaRange> ranges) {
  ArenaBlocks out;
  std::vector<ArenaRange> blocks;
  for (ArenaRange r : ranges) {
    if (r.buffer < 0) {
      out.blockOf.push_back(-1);
      continue;
    }
    r.end = std::max(r.end, r.begin + 1);
    auto it = std::find(blocks.begin(), blocks.end(), r);
    out.blockOf.push_back(int(it - blocks.begin()));
    if (it == blocks.end())
      blocks.push_back(r);
  }
  out.overlapping.resize(blocks.size());
  for (size_t a = 0; a < blocks.size(); ++a)
    for (size_t b = 0; b < blocks.size(); ++b)
      if (blocks[a].buffer == blocks[b].buffer && blocks[a].begin < blocks[b].end &&
          blocks[b].begin < blocks[a].end)
        out.overlapping[a].push_back(int(b));
  return out;
}

} // namespace mxrt
