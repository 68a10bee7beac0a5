// kernels_random_test.cc - Philox sampling: reproducible, thread-count
// independent, with the right moments and ranges (exponential too);
// Dropout's mask; _shuffle's permutations.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

namespace mxrt {
namespace {

using kernels::PhiloxState;
using kernels::RandomKind;
using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

TEST(KernelsRandom, PhiloxMatchesTheReferenceVector) {
  // Known-answer test of Random123: philox4x32_10, counter 0, key 0.
  kernels::Philox4 r = kernels::philox(0, 0);
  EXPECT_EQ(r.v[0], 0x6627e8d5u);
  EXPECT_EQ(r.v[1], 0xe169c58du);
  EXPECT_EQ(r.v[2], 0xbc57ac4cu);
  EXPECT_EQ(r.v[3], 0x9b00dbd8u);
}

struct Moments {
  double mean = 0, var = 0, lo = INFINITY, hi = -INFINITY;
};
Moments moments(const HostArray &a) {
  Moments m;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = a.get(i);
    m.mean += x;
    m.lo = std::min(m.lo, x);
    m.hi = std::max(m.hi, x);
  }
  m.mean /= double(a.numel());
  for (int64_t i = 0; i < a.numel(); ++i)
    m.var += (a.get(i) - m.mean) * (a.get(i) - m.mean);
  m.var /= double(a.numel() - 1);
  return m;
}

TEST(KernelsRandom, UniformNormalRandintMoments) {
  const int64_t n = 200001;
  for (DType t : {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16}) {
    HostArray u(TShape{n}, t), g(TShape{n}, t);
    kc::randomFill(RandomKind::Uniform, {7, 0}, -1, 3, u);
    Moments mu = moments(u);
    EXPECT_NEAR(mu.mean, 1.0, 0.02) << dtypeName(t);
    EXPECT_NEAR(mu.var, 16.0 / 12, 0.03) << dtypeName(t);
    EXPECT_GE(mu.lo, -1);
    EXPECT_LE(mu.hi, 3);
    kc::randomFill(RandomKind::Normal, {7, 1000}, 2, 0.5, g);
    Moments mg = moments(g);
    EXPECT_NEAR(mg.mean, 2.0, 0.01) << dtypeName(t);
    EXPECT_NEAR(mg.var, 0.25, 0.01) << dtypeName(t);
  }
  for (DType t : {DType::Int32, DType::Int64}) {
    HostArray r(TShape{n}, t);
    kc::randomFill(RandomKind::Randint, {9, 5}, -3, 4, r);
    Moments m = moments(r);
    EXPECT_EQ(m.lo, -3);
    EXPECT_EQ(m.hi, 3);
    EXPECT_NEAR(m.mean, 0, 0.03);
  }
  HostArray bad(TShape{4}, DType::Int32);
  EXPECT_THROW(kc::randomFill(RandomKind::Randint, {}, 3, 3, bad), Error);
}

TEST(KernelsRandom, SameStateSameNumbersWhateverTheThreads) {
  HostArray a(TShape{1 << 20}, DType::Float32), b(TShape{1 << 20}, DType::Float32),
      c(TShape{1 << 20}, DType::Float32);
  kc::randomFill(RandomKind::Normal, {42, 17}, 0, 1, a);
  {
    kc::SerialScope serial;
    kc::randomFill(RandomKind::Normal, {42, 17}, 0, 1, b);
  }
  EXPECT_TRUE(sameBits(a, b));
  kc::randomFill(RandomKind::Normal, {42, 18}, 0, 1, c);
  EXPECT_FALSE(sameBits(a, c));
  // A later block of the stream continues it: element 4 of block 17 is
  // element 0 of block 18.
  HostArray d(TShape{4}, DType::Float32);
  kc::randomFill(RandomKind::Normal, {42, 18}, 0, 1, d);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(d.get(i), a.get(4 + i));
  EXPECT_EQ(kc::randomBlocks(DType::Float32, 9), 3u);
  EXPECT_EQ(kc::randomBlocks(DType::Float64, 9), 5u);
}

TEST(KernelsRandom, DropoutMaskScalesKeptElements) {
  std::mt19937 rng(51);
  HostArray data = randomArray(TShape{100, 1000}, DType::Float32, rng, 1, 2),
            out(TShape{100, 1000}, DType::Float32), mask(TShape{100, 1000}, DType::Float32);
  kc::dropout({3, 0}, 0.3, data, out, mask);
  int64_t kept = 0;
  for (int64_t i = 0; i < mask.numel(); ++i) {
    double m = mask.get(i);
    ASSERT_TRUE(m == 0 || std::abs(m - 1 / 0.7) < 1e-6) << m;
    kept += m != 0;
    ASSERT_FLOAT_EQ(float(out.get(i)), float(data.get(i) * m));
  }
  EXPECT_NEAR(double(kept) / double(mask.numel()), 0.7, 0.01);
  // Variational dropout: a mask of (100, 1) drops whole rows.
  HostArray rowMask(TShape{100, 1}, DType::Float32);
  kc::dropout({3, 0}, 0.5, data, out, rowMask);
  for (int64_t r = 0; r < 100; ++r)
    for (int64_t c = 0; c < 1000; c += 97)
      ASSERT_FLOAT_EQ(float(out.get(r * 1000 + c)), float(data.get(r * 1000 + c) * rowMask.get(r)));
}

TEST(KernelsRandom, ShuffleIsARowPermutation) {
  std::mt19937 rng(52);
  HostArray data(TShape{1000, 3}, DType::Int64), out(TShape{1000, 3}, DType::Int64),
      again(TShape{1000, 3}, DType::Int64);
  for (int64_t r = 0; r < 1000; ++r)
    for (int64_t c = 0; c < 3; ++c)
      data.set(r * 3 + c, double(r * 10 + c));
  kc::shuffle({9, 0}, data, out);
  std::vector<int> seen(1000);
  int64_t fixed = 0;
  for (int64_t r = 0; r < 1000; ++r) {
    const int64_t src = int64_t(out.get(r * 3)) / 10;
    ASSERT_TRUE(src >= 0 && src < 1000);
    ++seen[size_t(src)];
    fixed += src == r;
    for (int64_t c = 0; c < 3; ++c)
      ASSERT_EQ(out.get(r * 3 + c), double(src * 10 + c)) << "rows move whole";
  }
  for (int n : seen)
    ASSERT_EQ(n, 1);
  EXPECT_LT(fixed, 10) << "about one fixed point is expected";
  // Reproducible from its state, and in place.
  kc::shuffle({9, 0}, data, again);
  EXPECT_TRUE(sameBits(out, again));
  kc::shuffle({9, 0}, data, data);
  EXPECT_TRUE(sameBits(out, data));
  EXPECT_EQ(kc::shuffleBlocks(data), kc::randomBlocks(DType::Float64, 1000));
  // Each of 3 rows lands first about a third of the time.
  HostArray small(TShape{3}, DType::Float32), s(TShape{3}, DType::Float32);
  for (int i = 0; i < 3; ++i)
    small.set(i, i);
  int first[3] = {0, 0, 0};
  for (uint64_t k = 0; k < 3000; ++k) {
    kc::shuffle({k, 0}, small, s);
    ++first[int(s.get(0))];
  }
  for (int f : first)
    EXPECT_NEAR(f, 1000, 120);
}

TEST(KernelsRandom, ExponentialHasTheRightMoments) {
  for (DType t : {DType::Float32, DType::Float64}) {
    HostArray a(TShape{200000}, t), u(TShape{200000}, t);
    kc::randomExponential({5, 0}, 2.5, a);
    Moments m = moments(a);
    EXPECT_NEAR(m.mean, 1 / 2.5, 0.005) << dtypeName(t);
    EXPECT_NEAR(m.var, 1 / 6.25, 0.005) << dtypeName(t);
    EXPECT_GE(m.lo, 0);
    // The inverse transform of the same stream's uniforms.
    kc::randomFill(RandomKind::Uniform, {5, 0}, 0, 1, u);
    for (int64_t i = 0; i < 100; ++i)
      ASSERT_NEAR(a.get(i), -std::log1p(-u.get(i)) / 2.5, 1e-6);
  }
  HostArray a(TShape{4}, DType::Float32);
  EXPECT_THROW(kc::randomExponential({5, 0}, 0, a), Error);
}

} // namespace
} // namespace mxrt
