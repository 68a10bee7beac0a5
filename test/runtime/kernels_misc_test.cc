// kernels_misc_test.cc - the smaller ops of misc.cc (_arange, _linspace,
// _eye, _slice_assign(_scalar), diag, depth_to_space/space_to_depth,
// moments, smooth_l1, SequenceMask/Last/Reverse) against index-by-index
// references and numbers printed by MXNet 1.9.1.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

#include <cmath>

namespace mxrt {
namespace {

using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

TEST(KernelsMisc, SequencesMatchMXNet) {
  // mx.nd.arange(0, 1, 0.1): float32 arithmetic, as MXNet's range_fwd.
  HostArray a(TShape{10}, DType::Float32);
  kc::arange(0, 0.1, 1, a);
  for (int64_t i = 0; i < 10; ++i)
    EXPECT_EQ(float(a.get(i)), float(i) * 0.1f) << i;
  EXPECT_FLOAT_EQ(float(a.get(9)), 0.9000000357627869f);
  HostArray r(TShape{8}, DType::Float32);
  kc::arange(2, 1.5, 2, r);
  expectClose(r, {2, 2, 3.5, 3.5, 5, 5, 6.5, 6.5}, 0, "repeat");
  HostArray ai(TShape{3}, DType::Int32); // arange(0.5, 7, 2.7, dtype=int32)
  kc::arange(0.5, 2.7, 1, ai);
  expectClose(ai, {0, 2, 4}, "int32");
  EXPECT_THROW(kc::arange(0, 1, 0, r), Error);

  HostArray l(TShape{5}, DType::Float32);
  kc::linspace(0, 1, 5, false, l);
  expectClose(l, {0, 0.2, 0.4, 0.6, 0.8}, "linspace");
  HostArray li(TShape{4}, DType::Int32);
  kc::linspace(0, 10, 4, true, li);
  expectClose(li, {0, 3, 6, 10}, "linspace int32");

  HostArray e(TShape{3, 4}, DType::Float64);
  kc::eye(1, e);
  expectClose(e, {0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, "eye k=1");
  kc::eye(-2, e);
  expectClose(e, {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, "eye k=-2");
}

TEST(KernelsMisc, SliceAssignWritesOnlyTheSlice) {
  std::mt19937 rng(71);
  for (DType t : {DType::UInt8, DType::Float16, DType::Float32, DType::Float64}) {
    TShape s{4, 5, 6};
    HostArray lhs = randomArray(s, t, rng, 0, 100), out(s, t);
    // a[1:4:2, ::-2, 1:5] = rhs
    std::vector<std::optional<int64_t>> b{1, std::nullopt, 1}, e{4, std::nullopt, 5},
        st{2, -2, std::nullopt};
    auto ranges = kc::resolveSlice(s, b, e, st);
    HostArray rhs = randomArray(TShape{2, 3, 4}, t, rng, 0, 100);
    kc::sliceAssign(lhs, &rhs.blob(), 0, ranges, out);
    std::vector<double> want = lhs.values();
    int64_t k = 0;
    for (int64_t i : {1, 3})
      for (int64_t j : {4, 2, 0})
        for (int64_t l = 1; l < 5; ++l)
          want[size_t((i * 5 + j) * 6 + l)] = rhs.get(k++);
    expectClose(out, want, str("slice_assign ", dtypeName(t)));
    // In place, with a scalar.
    kc::sliceAssign(lhs, nullptr, 7, ranges, lhs);
    for (int64_t i : {1, 3})
      for (int64_t j : {4, 2, 0})
        for (int64_t l = 1; l < 5; ++l)
          want[size_t((i * 5 + j) * 6 + l)] = 7;
    expectClose(lhs, want, str("slice_assign_scalar ", dtypeName(t)));
  }
  HostArray lhs(TShape{3, 3}, DType::Float32), bad(TShape{2, 2}, DType::Float32);
  std::vector<std::optional<int64_t>> b{0, 0}, e{3, 3}, st{};
  EXPECT_THROW(kc::sliceAssign(lhs, &bad.blob(), 0, kc::resolveSlice(lhs.shape(), b, e, st), lhs),
               Error);
}

TEST(KernelsMisc, DiagOfVectorsAndMatrices) {
  HostArray v = arange(TShape{3}, DType::Int32), m(TShape{4, 4}, DType::Int32);
  kc::diag(v, 1, 0, 1, m);
  expectClose(m, {0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0}, "vector k=1");
  kc::diag(v, -1, 0, 1, m);
  expectClose(m, {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0}, "vector k=-1");
  HostArray a = arange(TShape{3, 4}), d1(TShape{3}, DType::Float32), d2(TShape{2}, DType::Float32);
  kc::diag(a, 1, 0, 1, d1);
  expectClose(d1, {1, 6, 11}, "matrix k=1");
  kc::diag(a, -1, 0, 1, d2);
  expectClose(d2, {4, 9}, "matrix k=-1");
  // 3-D: the diagonal of axes (0, 2) becomes the last axis.
  HostArray c = arange(TShape{2, 3, 2}), d3(TShape{3, 2}, DType::Float32);
  kc::diag(c, 0, 0, 2, d3);
  expectClose(d3, {0, 7, 2, 9, 4, 11}, "3-D");
  EXPECT_THROW(kc::diag(c, 0, 1, 1, d3), Error);
}

TEST(KernelsMisc, DepthToSpaceMatchesMXNet) {
  HostArray x = arange(TShape{1, 4, 2, 2}), y(TShape{1, 1, 4, 4}, DType::Float32);
  kc::depthToSpace(x, 2, true, y);
  expectClose(y, {0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15}, "depth_to_space");
  HostArray s = arange(TShape{1, 1, 4, 4}), z(TShape{1, 4, 2, 2}, DType::Float32);
  kc::depthToSpace(s, 2, false, z);
  expectClose(z, {0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15}, "space_to_depth");
  // The two are inverses.
  std::mt19937 rng(72);
  HostArray r = randomArray(TShape{2, 18, 2, 3}, DType::Float64, rng),
            t(TShape{2, 2, 6, 9}, DType::Float64), back(TShape{2, 18, 2, 3}, DType::Float64);
  kc::depthToSpace(r, 3, true, t);
  kc::depthToSpace(t, 3, false, back);
  expectClose(back, r.values(), 0, "round trip");
  EXPECT_THROW(kc::depthToSpace(arange(TShape{1, 3, 2, 2}), 2, true, y), Error);
}

TEST(KernelsMisc, MomentsAndSmoothL1MatchMXNet) {
  HostArray x(TShape{2, 3}, DType::Float32), mean(TShape{2}, DType::Float32),
      var(TShape{2}, DType::Float32);
  for (int i = 0; i < 6; ++i)
    x.set(i, std::vector<double>{1, 2, 3, 4, 5, 7}[size_t(i)]);
  kc::moments(x, 2, mean, var);
  expectClose(mean, {2, 5.333333492279053}, 1e-6, "mean");
  expectClose(var, {0.6666666865348816, 1.5555554628372192}, 1e-6, "var");
  HostArray m0(TShape{3}, DType::Float32), v0(TShape{3}, DType::Float32);
  kc::moments(x, 1, m0, v0);
  expectClose(m0, {2.5, 3.5, 5}, "mean axis 0");
  expectClose(v0, {2.25, 2.25, 4}, "var axis 0");

  const std::vector<double> in{-3, -0.5, -0.25, 0, 0.1, 0.25, 1, 2.5};
  HostArray s(TShape{8}, DType::Float32), o(TShape{8}, DType::Float32);
  for (size_t i = 0; i < in.size(); ++i)
    s.set(int64_t(i), in[i]);
  kc::smoothL1(s, 2, o);
  expectClose(o, {2.875, 0.375, 0.125, 0, 0.020000001415610313, 0.125, 0.875, 2.375}, 0,
              "smooth_l1");
}

TEST(KernelsMisc, SequenceMaskMatchesMXNet) {
  HostArray x = arange(TShape{3, 2, 2}), len(TShape{2}, DType::Float32),
            y(TShape{3, 2, 2}, DType::Float32);
  len.set(0, 1);
  len.set(1, 3);
  kc::sequenceMask(x, &len.blob(), -1, 0, y);
  expectClose(y, {0, 1, 2, 3, -1, -1, 6, 7, -1, -1, 10, 11}, "axis 0");
  HostArray x1 = arange(TShape{2, 3, 2}), l1(TShape{2}, DType::Int32),
            y1(TShape{2, 3, 2}, DType::Float32);
  l1.set(0, 2);
  l1.set(1, 0);
  kc::sequenceMask(x1, &l1.blob(), -1, 1, y1);
  expectClose(y1, {0, 1, 2, 3, -1, -1, -1, -1, -1, -1, -1, -1}, "axis 1");
  kc::sequenceMask(x1, nullptr, -1, 1, y1); // no lengths: a copy
  expectClose(y1, x1.values(), "copy");
}

TEST(KernelsMisc, SequenceLastAndReverseMatchMXNet) {
  HostArray x = arange(TShape{3, 2, 2}), len(TShape{2}, DType::Float32),
            last(TShape{2, 2}, DType::Float32), rev(TShape{3, 2, 2}, DType::Float32);
  len.set(0, 1);
  len.set(1, 3);
  kc::sequenceLast(x, &len.blob(), 0, last);
  expectClose(last, {0, 1, 10, 11}, "last axis 0");
  kc::sequenceLast(x, nullptr, 0, last);
  expectClose(last, {8, 9, 10, 11}, "last without lengths");
  HostArray x1 = arange(TShape{2, 3, 2});
  len.set(0, 2);
  kc::sequenceLast(x1, &len.blob(), 1, last);
  expectClose(last, {2, 3, 10, 11}, "last axis 1");
  len.set(0, 4); // outside [1, T]: zeros
  kc::sequenceLast(x1, &len.blob(), 1, last);
  expectClose(last, {0, 0, 10, 11}, "length past the end");

  len.set(0, 2);
  len.set(1, 3);
  kc::sequenceReverse(x, &len.blob(), 0, rev);
  expectClose(rev, {4, 5, 10, 11, 0, 1, 6, 7, 8, 9, 2, 3}, "reverse axis 0");
  kc::sequenceReverse(x, nullptr, 0, rev);
  expectClose(rev, {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}, "reverse without lengths");
  HostArray rev1(TShape{2, 3, 2}, DType::Float32);
  kc::sequenceReverse(x1, &len.blob(), 1, rev1); // (B, T): sequence 0 has 2 steps
  expectClose(rev1, {2, 3, 0, 1, 4, 5, 10, 11, 8, 9, 6, 7}, "reverse axis 1");
}

} // namespace
} // namespace mxrt
