// kernels_indexing_test.cc - take, pick, batch_take, one_hot, gather_nd,
// scatter_nd, _ravel_multi_index/_unravel_index and topk/sort/argsort
// against references and MXNet 1.9's printed results.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

#include <algorithm>
#include <numeric>

namespace mxrt {
namespace {

using kernels::cpu::IndexMode;
using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

HostArray fromValues(const std::vector<double> &v, const TShape &s, DType t = DType::Float32) {
  HostArray a(s, t);
  for (size_t i = 0; i < v.size(); ++i)
    a.set(int64_t(i), v[i]);
  return a;
}

TEST(KernelsIndexing, TakeModesAsMXNet) {
  HostArray a = arange(TShape{3, 4});
  HostArray idx = fromValues({-1, 5.7}, TShape{1, 2});
  HostArray w(TShape{3, 1, 2}, DType::Float32);
  kc::take(a, idx, 1, IndexMode::Wrap, w);
  EXPECT_EQ(w.values(), (std::vector<double>{3, 1, 7, 5, 11, 9}));
  HostArray c(TShape{1, 2, 4}, DType::Float32);
  kc::take(a, idx, 0, IndexMode::Clip, c);
  EXPECT_EQ(c.values(), (std::vector<double>{0, 1, 2, 3, 8, 9, 10, 11}));
  EXPECT_THROW(kc::take(a, idx, 0, IndexMode::Raise, c), Error);
}

TEST(KernelsIndexing, TakeRandomAgainstReference) {
  std::mt19937 rng(41);
  for (int rep = 0; rep < 30; ++rep) {
    int nd = 1 + rep % 4;
    TShape s = randomShape(rng, nd, 1, 5);
    int axis = int(rng() % nd);
    TShape is = randomShape(rng, int(rng() % 3), 1, 4);
    const DType kinds[] = {DType::UInt8, DType::Float16, DType::Float32, DType::Float64};
    HostArray a = randomArray(s, kinds[rep % 4], rng, 0, 50);
    HostArray idx = randomArray(is, DType::Int32, rng, -2, double(s[axis]) + 1);
    std::vector<int64_t> od(s.begin(), s.begin() + axis);
    od.insert(od.end(), is.begin(), is.end());
    od.insert(od.end(), s.begin() + axis + 1, s.end());
    HostArray out(toShape(od), a.dtype());
    kc::take(a, idx, axis, IndexMode::Clip, out);
    std::vector<double> want(static_cast<size_t>(out.numel()));
    for (int64_t i = 0; i < out.numel(); ++i) {
      auto oi = unravel(i, out.shape());
      std::vector<int64_t> ii(oi.begin(), oi.begin() + axis);
      std::vector<int64_t> jj(oi.begin() + axis, oi.begin() + axis + is.ndim());
      int64_t flat = 0;
      for (int d = 0; d < is.ndim(); ++d)
        flat = flat * is[d] + jj[size_t(d)];
      int64_t k = std::clamp<int64_t>(int64_t(idx.get(flat)), 0, s[axis] - 1);
      ii.push_back(k);
      ii.insert(ii.end(), oi.begin() + axis + is.ndim(), oi.end());
      int64_t src = 0;
      for (int d = 0; d < nd; ++d)
        src = src * s[d] + ii[size_t(d)];
      want[size_t(i)] = a.get(src);
    }
    expectClose(out, want, "take " + s.str());
  }
}

TEST(KernelsIndexing, PickOneHotGatherNd) {
  HostArray a = arange(TShape{3, 4});
  HostArray idx = fromValues({0, 5, -1}, TShape{3});
  HostArray p(TShape{3}, DType::Float32);
  kc::pick(a, idx, 1, IndexMode::Clip, p);
  EXPECT_EQ(p.values(), (std::vector<double>{0, 7, 8}));
  kc::pick(a, idx, 1, IndexMode::Wrap, p);
  EXPECT_EQ(p.values(), (std::vector<double>{0, 5, 11}));
  HostArray idx0 = fromValues({0, 5, -1, 2}, TShape{1, 4}), p0(TShape{1, 4}, DType::Float32);
  kc::pick(a, idx0, 0, IndexMode::Clip, p0);
  EXPECT_EQ(p0.values(), (std::vector<double>{0, 9, 2, 11}));

  HostArray oh(TShape{3, 4}, DType::Int32);
  kc::oneHot(fromValues({1, -1, 5}, TShape{3}), 4, 1, 0, oh);
  EXPECT_EQ(oh.values(), (std::vector<double>{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  kc::oneHot(fromValues({3, 0, 2}, TShape{3}), 4, 5, -1, oh);
  EXPECT_EQ(oh.values(), (std::vector<double>{-1, -1, -1, 5, 5, -1, -1, -1, -1, -1, 5, -1}));

  HostArray g(TShape{2}, DType::Float32);
  kc::gatherNd(a, fromValues({0, 2, 1, 3}, TShape{2, 2}), g);
  EXPECT_EQ(g.values(), (std::vector<double>{1, 11}));
  HostArray rows(TShape{2, 4}, DType::Float32);
  kc::gatherNd(a, fromValues({2, 0}, TShape{1, 2}), rows);
  EXPECT_EQ(rows.values(), (std::vector<double>{8, 9, 10, 11, 0, 1, 2, 3}));
}

TEST(KernelsIndexing, TopkSortArgsortAsMXNet) {
  HostArray x = fromValues({3, 1, 3, 2}, TShape{4});
  HostArray i2(TShape{2}, DType::Float32);
  kc::sortAlong(x, -1, 2, false, nullptr, &i2.blob(), nullptr);
  EXPECT_EQ(i2.values(), (std::vector<double>{0, 2}));
  HostArray v(TShape{4}, DType::Float32), m(TShape{4}, DType::Float32);
  kc::sortAlong(x, -1, 0, false, &v.blob(), nullptr, nullptr);
  EXPECT_EQ(v.values(), (std::vector<double>{3, 3, 2, 1}));
  kc::sortAlong(x, -1, 2, false, nullptr, nullptr, &m.blob());
  EXPECT_EQ(m.values(), (std::vector<double>{1, 0, 1, 0}));
  HostArray ai(TShape{4}, DType::Int64);
  kc::sortAlong(x, -1, 0, true, nullptr, &ai.blob(), nullptr);
  EXPECT_EQ(ai.values(), (std::vector<double>{1, 3, 0, 2}));
  kc::sortAlong(x, -1, 0, false, nullptr, &ai.blob(), nullptr);
  EXPECT_EQ(ai.values(), (std::vector<double>{0, 2, 3, 1}));
  HostArray flat(TShape{3}, DType::Float32);
  kc::sortAlong(fromValues({3, 1, 3, 2}, TShape{2, 2}), std::nullopt, 3, false, nullptr,
                &flat.blob(), nullptr);
  EXPECT_EQ(flat.values(), (std::vector<double>{0, 2, 3}));
}

TEST(KernelsIndexing, SortAlongMiddleAxisAgainstReference) {
  std::mt19937 rng(42);
  TShape s{3, 17, 5};
  HostArray x = randomArray(s, DType::Float64, rng), v(TShape{3, 4, 5}, DType::Float64),
            ix(TShape{3, 4, 5}, DType::Int32);
  kc::sortAlong(x, 1, 4, true, &v.blob(), &ix.blob(), nullptr);
  for (int64_t o = 0; o < 3; ++o)
    for (int64_t k = 0; k < 5; ++k) {
      std::vector<double> col;
      for (int64_t r = 0; r < 17; ++r)
        col.push_back(x.get((o * 17 + r) * 5 + k));
      std::vector<double> sorted = col;
      std::sort(sorted.begin(), sorted.end());
      for (int64_t r = 0; r < 4; ++r) {
        EXPECT_EQ(v.get((o * 4 + r) * 5 + k), sorted[size_t(r)]);
        EXPECT_EQ(col[size_t(ix.get((o * 4 + r) * 5 + k))], sorted[size_t(r)]);
      }
    }
}

TEST(KernelsIndexing, ScatterNdInvertsGatherNd) {
  // MXNet 1.9.1: scatter_nd([2, 3, 4], [[1, 0, 1], [0, 1, 0]], shape=(2, 2))
  // = [[0, 3], [4, 0]] (a repeated position keeps the last row).
  HostArray out(TShape{2, 2}, DType::Float32);
  kc::scatterNd(fromValues({2, 3, 4}, TShape{3}), fromValues({1, 0, 1, 0, 1, 0}, TShape{2, 3}),
                out);
  EXPECT_EQ(out.values(), (std::vector<double>{0, 3, 4, 0}));
  // Rows: gather_nd of the scattered array gives the data back.
  std::mt19937 rng(81);
  for (DType t : {DType::UInt8, DType::Float16, DType::Float32, DType::Float64}) {
    HostArray data = randomArray(TShape{3, 4}, t, rng, 1, 50), idx(TShape{2, 3}, DType::Int64),
              big(TShape{5, 2, 4}, t), back(TShape{3, 4}, t);
    const std::vector<double> pos{4, 0, -3, 1, 0, 1}; // (4, 1), (0, 0), (-3 = 2, 1)
    for (int64_t i = 0; i < 6; ++i)
      idx.set(i, pos[size_t(i)]);
    kc::scatterNd(data, idx, big);
    kc::gatherNd(big, idx, back);
    EXPECT_TRUE(sameBits(back, data)) << dtypeName(t);
    const std::vector<double> v = big.values();
    EXPECT_EQ(std::count(v.begin(), v.end(), 0.0), big.numel() - data.numel())
        << "everything else is zero";
  }
  HostArray bad(TShape{2, 2}, DType::Float32);
  EXPECT_THROW(kc::scatterNd(fromValues({1}, TShape{1}), fromValues({2, 0}, TShape{2, 1}), bad),
               Error);
}

TEST(KernelsIndexing, BatchTakeRavelUnravelAsMXNet) {
  HostArray bt(TShape{2}, DType::Float32);
  kc::batchTake(fromValues({1, 2, 3, 4, 5, 6}, TShape{2, 3}),
                fromValues({5, -1}, TShape{2}, DType::Int32), bt);
  EXPECT_EQ(bt.values(), (std::vector<double>{3, 4})) << "indices clipped into the row";
  const std::vector<int64_t> shape{2, 3};
  HostArray flat(TShape{3}, DType::Float32);
  kc::ravelMultiIndex(fromValues({1, 0, 1, 2, 1, 3}, TShape{2, 3}), shape, flat);
  EXPECT_EQ(flat.values(), (std::vector<double>{5, 1, 6})) << "no bounds check, as MXNet";
  HostArray tuples(TShape{2, 3}, DType::Float32);
  kc::unravelIndex(fromValues({5, 1, -4}, TShape{3}), shape, tuples);
  EXPECT_EQ(tuples.values(), (std::vector<double>{1, 0, -1, 2, 1, -1}));
  // Round trip over every position of a 3-D shape.
  const std::vector<int64_t> s3{3, 4, 5};
  HostArray all(TShape{60}, DType::Int64), t3(TShape{3, 60}, DType::Int64),
      back(TShape{60}, DType::Int64);
  for (int64_t i = 0; i < 60; ++i)
    all.set(i, double(i));
  kc::unravelIndex(all, s3, t3);
  kc::ravelMultiIndex(t3, s3, back);
  EXPECT_EQ(back.values(), all.values());
  EXPECT_THROW(kc::ravelMultiIndex(t3, shape, back), Error);
}

} // namespace
} // namespace mxrt
