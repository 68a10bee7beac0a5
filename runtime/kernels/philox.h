// philox.h - the counter-based generator behind every random op, CPU and
// CUDA alike: Philox4x32-10 (Salmon et al., "Parallel random numbers: as
// easy as 1, 2, 3", SC'11).
//
// A draw is a pure function of (key, counter), so element i of an op's
// output is the same whichever thread or device computes it: streams are
// reproducible after `seed`, independent of the thread count, and a GPU
// with the same seed yields the CPU's numbers. A device's generator is just
// (seed, next block); an op that fills n elements consumes blocksFor(n)
// blocks of four 32-bit words.
#pragma once

#include "kernels/functors.h"

#include <cstdint>

namespace mxrt::kernels {

/// Where an op's draws start: the generator's key and first block.
struct PhiloxState {
  uint64_t seed = 0;
  uint64_t block = 0;
};

struct Philox4 {
  uint32_t v[4];
};

MXRT_HD void mulhilo(uint32_t a, uint32_t b, uint32_t &hi, uint32_t &lo) {
  uint64_t p = uint64_t(a) * uint64_t(b);
  hi = uint32_t(p >> 32);
  lo = uint32_t(p);
}

/// Four 32-bit words for block `block` of the stream keyed by `seed`.
MXRT_HD Philox4 philox(uint64_t seed, uint64_t block) {
  uint32_t c0 = uint32_t(block), c1 = uint32_t(block >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = uint32_t(seed), k1 = uint32_t(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(0xD2511F53u, c0, hi0, lo0);
    mulhilo(0xCD9E8D57u, c2, hi1, lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

/// [0, 1) with 24 random bits.
MXRT_HD float uniform24(uint32_t x) { return float(x >> 8) * (1.0f / 16777216.0f); }
/// (0, 1] with 24 random bits (safe under log).
MXRT_HD float uniform24Open(uint32_t x) { return float((x >> 8) + 1) * (1.0f / 16777216.0f); }
/// [0, 1) with 53 random bits from two words.
MXRT_HD double uniform53(uint32_t a, uint32_t b) {
  return (double(a >> 5) * 67108864.0 + double(b >> 6)) * (1.0 / 9007199254740992.0);
}

/// What a distribution draws per element.
enum class RandomKind : uint8_t { Uniform, Normal, Randint };

/// Elements produced per Philox block: 4 single-word values, or 2 when an
/// element needs two words (float64, 64-bit integers).
MXRT_HD int perBlock(bool wide) { return wide ? 2 : 4; }

} // namespace mxrt::kernels
