// kernels_layout_test.cc - transpose, slice, flip, tile, repeat, concat,
// stack, split/_split_v2, pad, Crop and nearest UpSampling against
// index-by-index references and numbers printed by MXNet 1.9.1.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

#include <algorithm>
#include <numeric>

namespace mxrt {
namespace {

using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

int64_t ravel(const std::vector<int64_t> &idx, const TShape &s) {
  int64_t f = 0;
  for (int d = 0; d < s.ndim(); ++d)
    f = f * s[d] + idx[size_t(d)];
  return f;
}

/// One dtype per element size: the kernels move words.
const DType kSizes[] = {DType::UInt8, DType::Float16, DType::Float32, DType::Float64};

TEST(KernelsLayout, TransposeRandomPermutations) {
  std::mt19937 rng(31);
  for (int rep = 0; rep < 40; ++rep) {
    int nd = rep % 7;
    DType t = kSizes[rep % 4];
    TShape s = randomShape(rng, nd, 1, 5);
    std::vector<int64_t> perm(static_cast<size_t>(nd));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<int64_t> od;
    for (int64_t p : perm)
      od.push_back(s[int(p)]);
    HostArray in = randomArray(s, t, rng, 0, 100), out(toShape(od), t);
    kc::transpose(in, perm, out);
    std::vector<double> want(static_cast<size_t>(out.numel()));
    for (int64_t i = 0; i < out.numel(); ++i) {
      auto oi = unravel(i, out.shape());
      std::vector<int64_t> ii(static_cast<size_t>(nd));
      for (int d = 0; d < nd; ++d)
        ii[size_t(perm[size_t(d)])] = oi[size_t(d)];
      want[size_t(i)] = in.get(ravel(ii, s));
    }
    expectClose(out, want, str("transpose ", s.str(), " ", dtypeName(t)));
  }
}

TEST(KernelsLayout, TransposeTiledPathsAndDefaultAxes) {
  std::mt19937 rng(32);
  // 2-D and NCHW -> NHWC take the tiled path; empty axes reverse.
  for (auto [s, perm] : {std::pair{TShape{333, 517}, std::vector<int64_t>{1, 0}},
                         {TShape{2, 35, 9, 11}, std::vector<int64_t>{0, 2, 3, 1}},
                         {TShape{4, 40, 50}, std::vector<int64_t>{}}}) {
    std::vector<int64_t> p = perm;
    if (p.empty())
      for (int d = s.ndim() - 1; d >= 0; --d)
        p.push_back(d);
    std::vector<int64_t> od;
    for (int64_t x : p)
      od.push_back(s[int(x)]);
    HostArray in = randomArray(s, DType::Float32, rng), out(toShape(od), DType::Float32);
    kc::transpose(in, perm, out);
    std::vector<double> want(static_cast<size_t>(out.numel()));
    for (int64_t i = 0; i < out.numel(); ++i) {
      auto oi = unravel(i, out.shape());
      std::vector<int64_t> ii(oi.size());
      for (size_t d = 0; d < oi.size(); ++d)
        ii[size_t(p[d])] = oi[d];
      want[size_t(i)] = in.get(ravel(ii, s));
    }
    expectClose(out, want, "tiled transpose " + s.str());
  }
  HostArray in(TShape{2, 3}, DType::Float32), out(TShape{2, 3}, DType::Float32);
  EXPECT_THROW(kc::transpose(in, std::vector<int64_t>{0, 0}, out), Error);
}

/// Python's slice(b, e, s).indices(len) as a list of indices.
std::vector<int64_t> pyRange(std::optional<int64_t> b, std::optional<int64_t> e, int64_t s,
                             int64_t len) {
  int64_t lower = s > 0 ? 0 : -1, upper = s > 0 ? len : len - 1;
  int64_t start =
      !b ? (s < 0 ? upper : lower) : (*b < 0 ? std::max(*b + len, lower) : std::min(*b, upper));
  int64_t stop =
      !e ? (s < 0 ? lower : upper) : (*e < 0 ? std::max(*e + len, lower) : std::min(*e, upper));
  std::vector<int64_t> r;
  for (int64_t i = start; s > 0 ? i < stop : i > stop; i += s)
    r.push_back(i);
  return r;
}

TEST(KernelsLayout, SliceMatchesPythonSlicing) {
  std::mt19937 rng(33);
  std::uniform_int_distribution<int64_t> pick(-7, 7);
  for (int rep = 0; rep < 200; ++rep) {
    int nd = 1 + rep % 4;
    TShape s = randomShape(rng, nd, 0, 6);
    int nb = 1 + int(rng() % nd);
    std::vector<std::optional<int64_t>> b, e, st;
    std::vector<std::vector<int64_t>> idx;
    for (int d = 0; d < nd; ++d) {
      auto opt = [&]() -> std::optional<int64_t> {
        if (rng() % 3 == 0)
          return std::nullopt;
        return pick(rng);
      };
      std::optional<int64_t> bb = opt(), ee = opt();
      int64_t ss = rng() % 2 ? 1 : (rng() % 2 ? 2 : -1 - int64_t(rng() % 2));
      if (d < nb) {
        b.push_back(bb);
        e.push_back(ee);
        st.push_back(ss == 1 && rng() % 2 ? std::optional<int64_t>() : ss);
        idx.push_back(pyRange(bb, ee, ss, s[d]));
      } else {
        idx.push_back(pyRange(std::nullopt, std::nullopt, 1, s[d]));
      }
    }
    auto ranges = kc::resolveSlice(s, b, e, st);
    std::vector<int64_t> od;
    for (auto &v : idx)
      od.push_back(int64_t(v.size()));
    HostArray in = randomArray(s, DType::Int32, rng, 0, 1000), out(toShape(od), DType::Int32);
    for (int d = 0; d < nd; ++d)
      ASSERT_EQ(ranges[size_t(d)].length, od[size_t(d)]) << "axis " << d << " of " << s.str();
    kc::slice(in, ranges, out);
    std::vector<double> want(static_cast<size_t>(out.numel()));
    for (int64_t i = 0; i < out.numel(); ++i) {
      auto oi = unravel(i, out.shape());
      for (int d = 0; d < nd; ++d)
        oi[size_t(d)] = idx[size_t(d)][size_t(oi[size_t(d)])];
      want[size_t(i)] = in.get(ravel(oi, s));
    }
    expectClose(out, want, "slice of " + s.str());
  }
  // MXNet examples: begin=(None,-1), step=(None,-1) keeps (2,3,4).
  auto r = kc::resolveSlice(TShape{2, 3, 4}, std::vector<std::optional<int64_t>>{std::nullopt, -1},
                            std::vector<std::optional<int64_t>>{std::nullopt, std::nullopt},
                            std::vector<std::optional<int64_t>>{std::nullopt, -1});
  EXPECT_EQ(r[1].length, 3);
  EXPECT_THROW(kc::resolveSlice(TShape{3}, std::vector<std::optional<int64_t>>{0},
                                std::vector<std::optional<int64_t>>{2},
                                std::vector<std::optional<int64_t>>{0}),
               Error);
}

TEST(KernelsLayout, SliceAxisAndFlip) {
  std::mt19937 rng(34);
  HostArray in = randomArray(TShape{2, 5, 3}, DType::Float32, rng),
            out(TShape{2, 2, 3}, DType::Float32);
  kc::sliceAxis(in, 1, -2, std::nullopt, out);
  for (int64_t i = 0; i < out.numel(); ++i) {
    auto oi = unravel(i, out.shape());
    oi[1] += 3;
    EXPECT_EQ(out.get(i), in.get(ravel(oi, in.shape())));
  }
  EXPECT_THROW(kc::sliceAxis(in, 1, 2, 1, out), Error);
  HostArray f(TShape{2, 5, 3}, DType::Float32);
  kc::flip(in, std::vector<int64_t>{0, 2}, f);
  for (int64_t i = 0; i < f.numel(); ++i) {
    auto oi = unravel(i, f.shape());
    oi[0] = 1 - oi[0];
    oi[2] = 2 - oi[2];
    EXPECT_EQ(f.get(i), in.get(ravel(oi, in.shape())));
  }
}

TEST(KernelsLayout, TileAndRepeatFollowMXNet) {
  HostArray a(TShape{3}, DType::Float32), t(TShape{2, 6}, DType::Float32);
  for (int i = 0; i < 3; ++i)
    a.set(i, i);
  kc::tile(a, std::vector<int64_t>{2, 2}, t);
  EXPECT_EQ(t.values(), (std::vector<double>{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}));
  HostArray m(TShape{2, 2}, DType::Int64), r(TShape{8}, DType::Int64),
      r0(TShape{4, 2}, DType::Int64), r1(TShape{2, 4}, DType::Int64);
  for (int i = 0; i < 4; ++i)
    m.set(i, i);
  kc::repeat(m, 2, std::nullopt, r);
  EXPECT_EQ(r.values(), (std::vector<double>{0, 0, 1, 1, 2, 2, 3, 3}));
  kc::repeat(m, 2, 0, r0);
  EXPECT_EQ(r0.values(), (std::vector<double>{0, 1, 0, 1, 2, 3, 2, 3}));
  kc::repeat(m, 2, -1, r1);
  EXPECT_EQ(r1.values(), (std::vector<double>{0, 0, 1, 1, 2, 2, 3, 3}));
  // reps shorter than the rank repeat the last axes.
  HostArray b(TShape{2, 3}, DType::Float32), bt(TShape{2, 6}, DType::Float32);
  kc::tile(b, std::vector<int64_t>{2}, bt);
}

TEST(KernelsLayout, ConcatStackSplit) {
  std::mt19937 rng(35);
  for (int axis = 0; axis < 3; ++axis) {
    TShape s1{2, 3, 4}, s2{2, 3, 4};
    std::vector<int64_t> d2(s2.begin(), s2.end());
    d2[size_t(axis)] = 5;
    s2 = toShape(d2);
    std::vector<int64_t> od(s1.begin(), s1.end());
    od[size_t(axis)] += 5;
    HostArray a = randomArray(s1, DType::Float16, rng), b = randomArray(s2, DType::Float16, rng),
              o(toShape(od), DType::Float16);
    const TBlob ins[] = {a, b};
    kc::concat(ins, axis, o);
    for (int64_t i = 0; i < o.numel(); ++i) {
      auto oi = unravel(i, o.shape());
      bool first = oi[size_t(axis)] < s1[axis];
      if (!first)
        oi[size_t(axis)] -= s1[axis];
      EXPECT_EQ(o.get(i), first ? a.get(ravel(oi, s1)) : b.get(ravel(oi, s2)));
    }
    // split it back into two halves when even.
    HostArray p0(s1, DType::Float16), p1(s1, DType::Float16),
        whole(TShape{2, 3, 4}, DType::Float16);
    std::vector<int64_t> dd(s1.begin(), s1.end());
    dd[size_t(axis)] *= 2;
    HostArray cat(toShape(dd), DType::Float16);
    const TBlob twice[] = {a, a};
    kc::concat(twice, axis, cat);
    const TBlob parts[] = {p0, p1};
    kc::split(cat, axis, parts);
    EXPECT_TRUE(sameBits(p0, a) && sameBits(p1, a)) << axis;
  }
  HostArray a = randomArray(TShape{2, 3}, DType::Int32, rng),
            b = randomArray(TShape{2, 3}, DType::Int32, rng);
  const TBlob ins[] = {a, b};
  for (int axis : {0, 1, 2, -1}) {
    int ax = axis < 0 ? axis + 3 : axis;
    std::vector<int64_t> od{2, 3};
    od.insert(od.begin() + ax, 2);
    HostArray o(toShape(od), DType::Int32);
    kc::stack(ins, axis, o);
    for (int64_t i = 0; i < o.numel(); ++i) {
      auto oi = unravel(i, o.shape());
      int64_t which = oi[size_t(ax)];
      oi.erase(oi.begin() + ax);
      EXPECT_EQ(o.get(i), (which ? b : a).get(ravel(oi, a.shape())));
    }
  }
  HostArray bad(TShape{2, 4}, DType::Int32), o(TShape{4, 3}, DType::Int32);
  const TBlob mism[] = {a, bad};
  EXPECT_THROW(kc::concat(mism, 0, o), Error);
}

TEST(KernelsLayout, PadModes) {
  HostArray in(TShape{1, 1, 4, 4}, DType::Float32);
  for (int i = 0; i < 16; ++i)
    in.set(i, i);
  const std::vector<int64_t> w{0, 0, 0, 0, 2, 2, 2, 2};
  HostArray out(TShape{1, 1, 8, 8}, DType::Float32);
  auto col0 = [&] {
    std::vector<double> c;
    for (int r = 0; r < 8; ++r)
      c.push_back(out.get(r * 8));
    return c;
  };
  kc::pad(in, kc::PadMode::Reflect, w, 0, out); // numbers from MXNet 1.9
  EXPECT_EQ(col0(), (std::vector<double>{10, 6, 2, 6, 10, 14, 10, 6}));
  kc::pad(in, kc::PadMode::Edge, w, 0, out);
  EXPECT_EQ(col0(), (std::vector<double>{0, 0, 0, 4, 8, 12, 12, 12}));
  kc::pad(in, kc::PadMode::Constant, w, -1, out);
  EXPECT_EQ(col0(), std::vector<double>(8, -1));
  EXPECT_EQ(out.get(2 * 8 + 2), 0);
  EXPECT_EQ(out.get(5 * 8 + 5), 15);
  HostArray small(TShape{1, 1, 8, 8}, DType::Float32);
  EXPECT_THROW(
      kc::pad(in, kc::PadMode::Reflect, std::vector<int64_t>{0, 0, 0, 0, 4, 0, 0, 4}, 0, small),
      Error);
}

TEST(KernelsLayout, MultithreadedEqualsSingleThreaded) {
  std::mt19937 rng(36);
  HostArray in = randomArray(TShape{64, 96, 70}, DType::Float32, rng);
  HostArray m(TShape{70, 64, 96}, DType::Float32), s(TShape{70, 64, 96}, DType::Float32);
  kc::transpose(in, std::vector<int64_t>{2, 0, 1}, m);
  {
    kc::SerialScope serial;
    kc::transpose(in, std::vector<int64_t>{2, 0, 1}, s);
  }
  EXPECT_TRUE(sameBits(m, s));
}

TEST(KernelsLayout, SplitV2AtIndicesAndSections) {
  // MXNet 1.9.1: _split_v2(zeros((2, 10)), indices=(), sections=3, axis=1)
  // gives (2, 4), (2, 3), (2, 3) (numpy.array_split).
  EXPECT_EQ(kc::splitV2Starts(TShape{2, 10}, 1, 3, {}), (std::vector<int64_t>{0, 4, 7}));
  EXPECT_EQ(kc::splitV2Starts(TShape{2, 10}, -1, 0, std::vector<int64_t>{0, 3, 7}),
            (std::vector<int64_t>{0, 3, 7}));
  std::mt19937 rng(36);
  for (int axis = 0; axis < 3; ++axis) {
    TShape s{6, 7, 5};
    HostArray in = randomArray(s, DType::Float32, rng);
    const std::vector<int64_t> starts{0, 1, 4};
    std::vector<HostArray> parts;
    for (size_t k = 0; k < starts.size(); ++k) {
      std::vector<int64_t> d(s.begin(), s.end());
      d[size_t(axis)] = (k + 1 < starts.size() ? starts[k + 1] : s[axis]) - starts[k];
      parts.emplace_back(toShape(d), DType::Float32);
    }
    const TBlob outs[] = {parts[0], parts[1], parts[2]};
    kc::splitAt(in, axis, starts, outs);
    for (size_t k = 0; k < parts.size(); ++k)
      for (int64_t i = 0; i < parts[k].numel(); ++i) {
        auto idx = unravel(i, parts[k].shape());
        idx[size_t(axis)] += starts[k];
        ASSERT_EQ(parts[k].get(i), in.get(ravel(idx, s))) << axis << " part " << k;
      }
  }
  // squeeze_axis: parts of extent 1 without the axis.
  HostArray in = randomArray(TShape{2, 3}, DType::Int32, rng), p0(TShape{2}, DType::Int32),
            p1(TShape{2}, DType::Int32), p2(TShape{2}, DType::Int32);
  const TBlob sq[] = {p0, p1, p2};
  kc::splitAt(in, 1, std::vector<int64_t>{0, 1, 2}, sq);
  EXPECT_EQ(p2.values(), (std::vector<double>{in.get(2), in.get(5)}));
  const TBlob two[] = {p0, p1};
  EXPECT_THROW(kc::splitAt(in, 1, std::vector<int64_t>{2, 1}, two), Error);
}

TEST(KernelsLayout, CropAndNearestUpSamplingMatchMXNet) {
  HostArray d(TShape{2, 1, 4, 5}, DType::Float32), c(TShape{2, 1, 2, 3}, DType::Float32),
      cc(TShape{2, 1, 2, 2}, DType::Float32);
  for (int64_t i = 0; i < d.numel(); ++i)
    d.set(i, double(i));
  kc::crop(d, std::vector<int64_t>{1, 2}, false, c);
  expectClose(c, {7, 8, 9, 12, 13, 14, 27, 28, 29, 32, 33, 34}, "crop at offset");
  kc::crop(d, std::vector<int64_t>{0, 0}, true, cc);
  expectClose(cc, {6, 7, 11, 12, 26, 27, 31, 32}, "centre crop");
  EXPECT_THROW(kc::crop(d, std::vector<int64_t>{3, 0}, false, c), Error);

  HostArray a(TShape{1, 1, 2, 2}, DType::Float32), b(TShape{1, 1, 4, 4}, DType::Float32),
      up(TShape{1, 1, 4, 4}, DType::Float32), cat(TShape{1, 2, 4, 4}, DType::Float32);
  for (int64_t i = 0; i < 4; ++i)
    a.set(i, double(i));
  for (int64_t i = 0; i < 16; ++i)
    b.set(i, 10.0 * double(i));
  const TBlob one[] = {a}, two[] = {a, b};
  kc::upsampleNearest(one, false, up);
  expectClose(up, {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3}, "nearest x2");
  kc::upsampleNearest(two, false, cat);
  expectClose(cat, {0, 0,  1,  1,  0,  0,  1,  1,  2,  2,  3,   3,   2,   2,   3,   3,
                    0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150},
              "concat");
  kc::upsampleNearest(two, true, up);
  expectClose(up, {0, 10, 21, 31, 40, 50, 61, 71, 82, 92, 103, 113, 122, 132, 143, 153}, "sum");
  EXPECT_THROW(kc::upsampleNearest(two, false, up), Error);
}

} // namespace
} // namespace mxrt
