// kernels_gemm_test.cc - gemm, dot, batch_dot, FullyConnected, _linalg_gemm(2)
// and khatri_rao against a naive triple loop in double precision, on odd
// sizes and every transpose, and numbers printed by MXNet 1.9.1.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

namespace mxrt {
namespace {

using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

/// C[M,N] = op(A) op(B) in double; A stored (M,K) or (K,M), B (K,N) or (N,K).
std::vector<double> matmulRef(const std::vector<double> &A, const std::vector<double> &B, bool ta,
                              bool tb, int64_t M, int64_t N, int64_t K) {
  std::vector<double> C(static_cast<size_t>(M * N));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double s = 0;
      for (int64_t k = 0; k < K; ++k)
        s += A[size_t(ta ? k * M + i : i * K + k)] * B[size_t(tb ? j * K + k : k * N + j)];
      C[size_t(i * N + j)] = s;
    }
  return C;
}

TEST(KernelsGemm, OddSizesEveryTransposeAlphaBeta) {
  std::mt19937 rng(21);
  const int64_t sizes[][3] = {{1, 1, 1},     {3, 5, 7},       {17, 1, 33},
                              {65, 130, 31}, {257, 129, 200}, {1, 300, 513}};
  for (auto [M, N, K] : sizes)
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        HostArray a = randomArray(TShape{M * K}, DType::Float32, rng),
                  b = randomArray(TShape{K * N}, DType::Float32, rng),
                  c = randomArray(TShape{M * N}, DType::Float32, rng);
        std::vector<double> want = matmulRef(a.values(), b.values(), ta, tb, M, N, K);
        for (int64_t i = 0; i < M * N; ++i)
          want[size_t(i)] = 1.5 * want[size_t(i)] + 0.5 * c.get(i);
        kc::gemm(ta, tb, M, N, K, 1.5f, a.blob().ptr<float>(), ta ? M : K, b.blob().ptr<float>(),
                 tb ? K : N, 0.5f, c.blob().ptr<float>(), N);
        expectClose(c, want, 1e-6 + 8e-7 * double(K),
                    str("sgemm ", M, "x", N, "x", K, " ta ", ta, " tb ", tb));

        HostArray ad = randomArray(TShape{M * K}, DType::Float64, rng),
                  bd = randomArray(TShape{K * N}, DType::Float64, rng),
                  cd(TShape{M * N}, DType::Float64);
        kc::gemm(ta, tb, M, N, K, 1.0, ad.blob().ptr<double>(), ta ? M : K, bd.blob().ptr<double>(),
                 tb ? K : N, 0.0, cd.blob().ptr<double>(), N);
        expectClose(cd, matmulRef(ad.values(), bd.values(), ta, tb, M, N, K), 1e-12, "dgemm");
      }
}

TEST(KernelsGemm, DotFollowsMXNetShapesAndDTypes) {
  std::mt19937 rng(22);
  struct Case {
    TShape l, r;
    bool ta, tb;
    TShape out;
  };
  const Case cases[] = {
      {TShape{7}, TShape{7}, false, false, TShape{1}},
      {TShape{5}, TShape{5, 3}, false, false, TShape{3}},
      {TShape{2, 3, 4}, TShape{4, 5}, false, false, TShape{2, 3, 5}},
      {TShape{4, 2, 3}, TShape{4, 5}, true, false, TShape{2, 3, 5}},
      {TShape{2, 3, 4}, TShape{5, 4}, false, true, TShape{2, 3, 5}},
      {TShape{4, 3}, TShape{5, 2, 4}, true, true, TShape{3, 5, 2}},
      {TShape{3, 0}, TShape{0, 4}, false, false, TShape{3, 4}},
  };
  for (const Case &c : cases)
    for (DType t : {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16, DType::Int32,
                    DType::Int64, DType::Int8}) {
      kc::DotDims d = kc::dotDims(c.l, c.r, c.ta, c.tb);
      ASSERT_EQ(d.M * d.N, c.out.numel());
      HostArray a = randomArray(c.l, t, rng, -3, 3), b = randomArray(c.r, t, rng, -3, 3),
                o(c.out, t);
      kc::dot(a, b, c.ta, c.tb, o);
      std::vector<double> want = matmulRef(a.values(), b.values(), c.ta, c.tb, d.M, d.N, d.K);
      for (double &w : want)
        w = roundTo(t, w);
      double tol = t == DType::Float32 ? 1e-5 : tolerance(t);
      expectClose(o, want, tol, str("dot ", c.l.str(), c.r.str(), " ", dtypeName(t)));
    }
}

TEST(KernelsGemm, DotErrorsNameShapes) {
  HostArray a(TShape{2, 3}, DType::Float32), b(TShape{4, 5}, DType::Float32),
      o(TShape{2, 5}, DType::Float32);
  try {
    kc::dot(a, b, false, false, o);
    FAIL() << "no error";
  } catch (const Error &e) {
    std::string m = e.what();
    EXPECT_NE(m.find("dot"), std::string::npos) << m;
    EXPECT_NE(m.find("(2,3)"), std::string::npos) << m;
    EXPECT_NE(m.find("(4,5)"), std::string::npos) << m;
  }
  HostArray bi(TShape{3, 5}, DType::Int32);
  EXPECT_THROW(kc::dot(a, bi, false, false, o), Error);
}

TEST(KernelsGemm, BatchDot) {
  std::mt19937 rng(23);
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (int64_t batch : {1, 3, 40}) {
        int64_t M = 5, N = 6, K = 7;
        TShape ls = ta ? TShape{batch, K, M} : TShape{batch, M, K};
        TShape rs = tb ? TShape{batch, N, K} : TShape{batch, K, N};
        HostArray a = randomArray(ls, DType::Float32, rng),
                  b = randomArray(rs, DType::Float32, rng), o(TShape{batch, M, N}, DType::Float32);
        kc::batchDot(a, b, ta, tb, o);
        std::vector<double> av = a.values(), bv = b.values(), want;
        for (int64_t i = 0; i < batch; ++i) {
          std::vector<double> ab(av.begin() + i * M * K, av.begin() + (i + 1) * M * K),
              bb(bv.begin() + i * K * N, bv.begin() + (i + 1) * K * N);
          auto c = matmulRef(ab, bb, ta, tb, M, N, K);
          want.insert(want.end(), c.begin(), c.end());
        }
        expectClose(o, want, 1e-5, str("batch_dot ", batch, " ", ta, tb));
      }
  HostArray a(TShape{2, 3, 4}, DType::Float32), b(TShape{3, 4, 5}, DType::Float32),
      o(TShape{2, 3, 5}, DType::Float32);
  EXPECT_THROW(kc::batchDot(a, b, false, false, o), Error);
}

TEST(KernelsGemm, FullyConnected) {
  std::mt19937 rng(24);
  for (bool flatten : {true, false})
    for (bool withBias : {true, false}) {
      TShape ds{4, 3, 5};
      int64_t H = 6, N = flatten ? 4 : 12, K = flatten ? 15 : 5;
      HostArray data = randomArray(ds, DType::Float32, rng),
                w = randomArray(TShape{H, K}, DType::Float32, rng),
                bias = randomArray(TShape{H}, DType::Float32, rng),
                out(flatten ? TShape{4, H} : TShape{4, 3, H}, DType::Float32);
      kc::fullyConnected(data, w, withBias ? &bias.blob() : nullptr, flatten, out);
      std::vector<double> want = matmulRef(data.values(), w.values(), false, true, N, H, K);
      if (withBias)
        for (int64_t i = 0; i < N * H; ++i)
          want[size_t(i)] += bias.get(i % H);
      expectClose(out, want, 1e-5, str("fc flatten ", flatten, " bias ", withBias));
    }
  HostArray data(TShape{4, 5}, DType::Float32), w(TShape{6, 4}, DType::Float32),
      out(TShape{4, 6}, DType::Float32);
  EXPECT_THROW(kc::fullyConnected(data, w, nullptr, true, out), Error);
}

TEST(KernelsGemm, MultithreadedEqualsSingleThreaded) {
  std::mt19937 rng(25);
  for (auto [M, N] : {std::pair<int64_t, int64_t>{300, 200}, {64, 500}}) {
    int64_t K = 256;
    HostArray a = randomArray(TShape{M, K}, DType::Float32, rng),
              b = randomArray(TShape{K, N}, DType::Float32, rng), m(TShape{M, N}, DType::Float32),
              s(TShape{M, N}, DType::Float32);
    kc::dot(a, b, false, false, m);
    {
      kc::SerialScope serial;
      kc::dot(a, b, false, false, s);
    }
    expectClose(m, s.values(), 1e-6, "threads");
  }
}

TEST(KernelsGemm, LinalgGemmAndKhatriRaoMatchMXNet) {
  // Numbers from MXNet 1.9.1: linalg.gemm(A, B, C, alpha=2, beta=0.5) with
  // A = arange(12) (2, 3, 2), B = arange(12) * 0.5 (2, 2, 3), C = ones.
  HostArray A = arange(TShape{2, 3, 2}), B = arange(TShape{2, 2, 3}),
            C(TShape{2, 3, 3}, DType::Float32), out(TShape{2, 3, 3}, DType::Float32);
  for (int64_t i = 0; i < 12; ++i)
    B.set(i, 0.5 * double(i));
  for (int64_t i = 0; i < C.numel(); ++i)
    C.set(i, 1);
  kc::linalgGemm(A, B, &C.blob(), false, false, 2, 0.5, -2, out);
  expectClose(out,
              {3.5, 4.5, 5.5, 9.5, 14.5, 19.5, 15.5, 24.5, 33.5, 99.5, 112.5, 125.5, 129.5, 146.5,
               163.5, 159.5, 180.5, 201.5},
              0, "gemm");
  // gemm2 with the rows on axis 0: linalg.gemm2(A2, B2, axis=0, transpose_b=True).
  HostArray A2 = arange(TShape{3, 2, 2}), B2 = arange(TShape{3, 2, 2}),
            o2(TShape{3, 2, 3}, DType::Float32);
  for (int64_t i = 0; i < 12; ++i)
    B2.set(i, double(i + 1));
  kc::linalgGemm(A2, B2, nullptr, false, true, 1, 0, 0, o2);
  expectClose(o2, {2, 6, 10, 18, 38, 58, 14, 50, 86, 46, 98, 150, 26, 94, 162, 74, 158, 242}, 0,
              "gemm2 axis 0");
  // 2-D, transposed, float64, against the reference.
  std::mt19937 rng(24);
  HostArray a = randomArray(TShape{5, 4}, DType::Float64, rng),
            b = randomArray(TShape{6, 5}, DType::Float64, rng), o(TShape{4, 6}, DType::Float64);
  kc::linalgGemm(a, b, nullptr, true, true, -1.5, 0, -2, o);
  std::vector<double> want = matmulRef(a.values(), b.values(), true, true, 4, 6, 5);
  for (double &w : want)
    w *= -1.5;
  expectClose(o, want, "gemm2 2-D");
  HostArray ai = arange(TShape{2, 2}, DType::Int32), oi(TShape{2, 2}, DType::Int32);
  EXPECT_THROW(kc::linalgGemm(ai, ai, nullptr, false, false, 1, 0, -2, oi), Error);

  // khatri_rao([[1, -1], [2, -3]], [[1, 4], [2, 5], [3, 6]]), MXNet's example.
  HostArray ka(TShape{2, 2}, DType::Float32), kb(TShape{3, 2}, DType::Float32),
      ko(TShape{6, 2}, DType::Float32);
  const double av[] = {1, -1, 2, -3}, bv[] = {1, 4, 2, 5, 3, 6};
  for (int i = 0; i < 4; ++i)
    ka.set(i, av[i]);
  for (int i = 0; i < 6; ++i)
    kb.set(i, bv[i]);
  const TBlob kin[] = {ka, kb};
  kc::khatriRao(kin, ko);
  expectClose(ko, {1, -4, 2, -5, 3, -6, 2, -12, 4, -15, 6, -18}, 0, "khatri_rao");
  const TBlob bad[] = {ka, arange(TShape{3, 3})};
  EXPECT_THROW(kc::khatriRao(bad, ko), Error);
}

} // namespace
} // namespace mxrt
