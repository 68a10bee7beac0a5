// kernels_nn_test.cc - Convolution, Pooling and its gradient, BatchNorm,
// LayerNorm, GroupNorm/InstanceNorm, L2Normalization, LRN, softmax family,
// softmax_cross_entropy and LeakyReLU against naive double-precision
// references and numbers printed by MXNet 1.9.1.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

#include <cmath>
#include <tuple>

namespace mxrt {
namespace {

using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

// ---- Convolution -----------------------------------------------------------------

/// Direct convolution in double over 1-3 spatial dims (padded to 3).
std::vector<double> convRef(const HostArray &x, const HostArray &w, const HostArray *b,
                            const kc::ConvGeometry &g, int64_t F) {
  const int64_t N = x.shape()[0], C = x.shape()[1], Cg = C / g.groups, Fg = F / g.groups;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1},
          d[3] = {1, 1, 1}, p[3] = {0, 0, 0};
  for (int i = 0; i < g.ndim; ++i) {
    in[i] = g.in[i];
    out[i] = g.out[i];
    k[i] = g.kernel[i];
    s[i] = g.stride[i];
    d[i] = g.dilate[i];
    p[i] = g.pad[i];
  }
  std::vector<double> y(static_cast<size_t>(N * F * out[0] * out[1] * out[2]));
  size_t yi = 0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t f = 0; f < F; ++f)
      for (int64_t o0 = 0; o0 < out[0]; ++o0)
        for (int64_t o1 = 0; o1 < out[1]; ++o1)
          for (int64_t o2 = 0; o2 < out[2]; ++o2) {
            double acc = b ? b->get(f) : 0;
            const int64_t grp = f / Fg;
            for (int64_t c = 0; c < Cg; ++c)
              for (int64_t k0 = 0; k0 < k[0]; ++k0)
                for (int64_t k1 = 0; k1 < k[1]; ++k1)
                  for (int64_t k2 = 0; k2 < k[2]; ++k2) {
                    int64_t i0 = o0 * s[0] - p[0] + k0 * d[0], i1 = o1 * s[1] - p[1] + k1 * d[1],
                            i2 = o2 * s[2] - p[2] + k2 * d[2];
                    if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 || i2 >= in[2])
                      continue;
                    int64_t xi = (((n * C + grp * Cg + c) * in[0] + i0) * in[1] + i1) * in[2] + i2;
                    int64_t wi = (((f * Cg + c) * k[0] + k0) * k[1] + k1) * k[2] + k2;
                    acc += x.get(xi) * w.get(wi);
                  }
            y[yi++] = acc;
          }
  return y;
}

TEST(KernelsNN, ConvolutionAgainstDirectReference) {
  std::mt19937 rng(61);
  struct Case {
    TShape data;
    std::vector<int64_t> kernel, stride, dilate, pad;
    int64_t F, groups;
    bool bias;
    DType t;
  };
  const Case cases[] = {
      {TShape{2, 3, 11}, {3}, {2}, {1}, {1}, 4, 1, true, DType::Float32},
      {TShape{2, 4, 9, 8}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 6, 2, true, DType::Float32},
      {TShape{1, 3, 10, 7}, {3, 2}, {2, 1}, {2, 1}, {0, 2}, 5, 1, false, DType::Float64},
      {TShape{3, 8, 5, 5}, {1, 1}, {}, {}, {}, 4, 1, true, DType::Float32}, // direct GEMM path
      {TShape{2, 4, 5, 6, 7},
       {2, 3, 2},
       {1, 2, 1},
       {1, 1, 2},
       {1, 0, 1},
       4,
       4,
       true,
       DType::Float32},
      {TShape{2, 2, 6, 6}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 3, 1, true, DType::Float16},
  };
  for (const Case &c : cases) {
    kc::ConvGeometry g =
        kc::convGeometry(c.data, c.kernel, c.stride, c.dilate, c.pad, c.groups, "Convolution");
    std::vector<int64_t> ws{c.F, c.data[1] / c.groups};
    ws.insert(ws.end(), c.kernel.begin(), c.kernel.end());
    std::vector<int64_t> os{c.data[0], c.F};
    for (int d = 0; d < g.ndim; ++d)
      os.push_back(g.out[d]);
    HostArray x = randomArray(c.data, c.t, rng, -1, 1),
              w = randomArray(toShape(ws), c.t, rng, -1, 1),
              b = randomArray(TShape{c.F}, c.t, rng, -1, 1), y(toShape(os), c.t);
    kc::convolution(x, w, c.bias ? &b.blob() : nullptr, g, y);
    std::vector<double> want = convRef(x, w, c.bias ? &b : nullptr, g, c.F);
    for (double &v : want)
      v = roundTo(c.t, v);
    double tol = c.t == DType::Float32 ? 1e-5 : c.t == DType::Float16 ? 4e-3 : 1e-12;
    expectClose(y, want, tol, "conv " + c.data.str());
  }
  HostArray x(TShape{1, 3, 4, 4}, DType::Float32), w(TShape{2, 2, 3, 3}, DType::Float32),
      y(TShape{1, 2, 2, 2}, DType::Float32);
  kc::ConvGeometry g = kc::convGeometry(x.shape(), std::vector<int64_t>{3, 3}, {}, {}, {}, 1, "c");
  EXPECT_THROW(kc::convolution(x, w, nullptr, g, y), Error); // weight has 2 input channels
  EXPECT_THROW(kc::convGeometry(x.shape(), std::vector<int64_t>{5, 5}, {}, {}, {}, 1, "c"), Error);
}

// ---- Pooling ------------------------------------------------------------------------

TEST(KernelsNN, PoolingMatchesMXNet) {
  HostArray x = arange(TShape{1, 1, 5, 5});
  HostArray y(TShape{1, 1, 3, 3}, DType::Float32);
  kc::PoolParams p;
  p.kernel = {3, 3};
  p.stride = {2, 2};
  p.pad = {1, 1};
  p.type = kc::PoolType::Avg;
  kc::pooling(x, p, y);
  expectClose(y, {4.0 / 3, 3, 8.0 / 3, 7, 12, 9, 8, 13, 28.0 / 3}, 1e-6, "avg");
  p.countIncludePad = false;
  kc::pooling(x, p, y);
  expectClose(y, {3, 4.5, 6, 10.5, 12, 13.5, 18, 19.5, 21}, 1e-6, "avg no pad");
  p.type = kc::PoolType::Max;
  kc::pooling(x, p, y);
  expectClose(y, {6, 8, 9, 16, 18, 19, 21, 23, 24}, 0, "max");
  p.type = kc::PoolType::Sum;
  kc::pooling(x, p, y);
  expectClose(y, {12, 27, 24, 63, 108, 81, 72, 117, 84}, 0, "sum");
  // 'full' convention: the last window is cut at the input's end.
  HostArray x6 = arange(TShape{1, 1, 6, 6}), y6(TShape{1, 1, 3, 3}, DType::Float32);
  kc::PoolParams f;
  f.kernel = {3, 3};
  f.stride = {2, 2};
  f.type = kc::PoolType::Avg;
  kc::pooling(x6, f, y6);
  expectClose(y6, {7, 9, 10.5, 19, 21, 22.5, 28, 30, 31.5}, 1e-6, "full avg");
  kc::PoolParams lp;
  lp.kernel = {2, 2};
  lp.stride = {2, 2};
  lp.type = kc::PoolType::Lp;
  HostArray y2(TShape{1, 1, 2, 2}, DType::Float32);
  kc::pooling(x, lp, y2);
  expectClose(y2, {7.874007701873779, 11.224971771240234, 26.495283126831055, 30.430248260498047},
              1e-6, "lp");
  kc::PoolParams gp;
  gp.global = true;
  gp.type = kc::PoolType::Avg;
  HostArray g1(TShape{1, 1, 1, 1}, DType::Float32);
  kc::pooling(x, gp, g1);
  EXPECT_FLOAT_EQ(float(g1.get(0)), 12);
  // 1-D and 3-D max pooling over random data against a brute-force max.
  std::mt19937 rng(62);
  HostArray x3 = randomArray(TShape{2, 3, 4, 5, 6}, DType::Float64, rng),
            y3(TShape{2, 3, 2, 2, 3}, DType::Float64);
  kc::PoolParams p3;
  p3.kernel = {2, 2, 2};
  p3.stride = {2, 2, 2};
  kc::pooling(x3, p3, y3);
  for (int64_t i = 0; i < y3.numel(); ++i) {
    auto o = unravel(i, y3.shape());
    double m = -INFINITY;
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b)
        for (int c = 0; c < 2; ++c)
          m = std::max(m, x3.get((((o[0] * 3 + o[1]) * 4 + 2 * o[2] + a) * 5 + 2 * o[3] + b) * 6 +
                                 2 * o[4] + c));
    ASSERT_EQ(y3.get(i), m);
  }
}

/// _backward_Pooling of x with out_grad 1, 2, 3, ... (the forward output
/// computed by pooling()).
HostArray poolGrad(const HostArray &x, const kc::PoolParams &p, const TShape &outShape) {
  HostArray y(outShape, x.dtype()), dy = arange(outShape, x.dtype()), dx(x.shape(), x.dtype());
  for (int64_t i = 0; i < dy.numel(); ++i)
    dy.set(i, double(i + 1));
  kc::pooling(x, p, y);
  kc::poolingBackward(dy, x, y, p, dx);
  return dx;
}

TEST(KernelsNN, PoolingBackwardMatchesMXNet) {
  // Numbers from MXNet 1.9.1's autograd with out_grad = 1, 2, 3, ...
  HostArray x = arange(TShape{1, 1, 5, 5});
  kc::PoolParams p;
  p.kernel = {3, 3};
  p.stride = {2, 2};
  p.pad = {1, 1};
  p.type = kc::PoolType::Avg;
  expectClose(poolGrad(x, p, TShape{1, 1, 3, 3}),
              {0.11111111, 0.33333334, 0.22222222, 0.55555558, 0.33333334, 0.55555558, 1.3333334,
               0.77777779, 1.7777779,  1,          0.44444445, 1,          0.55555558, 1.2222223,
               0.66666669, 1.2222222,  2.6666667,  1.4444444,  3.1111112,  1.6666667,  0.77777779,
               1.6666667,  0.8888889,  1.8888888,  1},
              1e-6, "avg");
  p.countIncludePad = false;
  expectClose(poolGrad(x, p, TShape{1, 1, 3, 3}),
              {0.25,       0.58333337, 0.33333334, 1.0833334,  0.75,      0.91666669, 1.8055556,
               0.88888896, 2.6388888,  1.75,       0.66666669, 1.2222223, 0.55555558, 1.5555556,
               1,          2.4166667,  4.3055558,  1.888889,   5.1388888, 3.25,       1.75,
               3.0833335,  1.3333334,  3.5833335,  2.25},
              1e-6, "avg no pad");
  p.type = kc::PoolType::Sum;
  expectClose(poolGrad(x, p, TShape{1, 1, 3, 3}),
              {1, 3, 2, 5, 3, 5, 12, 7, 16, 9, 4, 9, 5, 11, 6, 11, 24, 13, 28, 15, 7, 15, 8, 17, 9},
              0, "sum");
  // max: ties go to the first element of the window in row-major order;
  // overlapping windows accumulate.
  HostArray xt(TShape{1, 1, 4, 4}, DType::Float32);
  const double tv[] = {1, 4, 4, 2, 0, 4, 3, 3, 5, 1, 1, 5, 2, 2, 0, 5};
  for (int i = 0; i < 16; ++i)
    xt.set(i, tv[i]);
  kc::PoolParams m;
  m.kernel = {3, 3};
  m.stride = {1, 1};
  expectClose(poolGrad(xt, m, TShape{1, 1, 2, 2}), {0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 6, 0, 0, 0, 0},
              0, "max ties");
  // 'full' convention: the cut last windows.
  HostArray x6 = arange(TShape{1, 1, 6, 6});
  m.stride = {2, 2};
  expectClose(poolGrad(x6, m, TShape{1, 1, 3, 3}),
              {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 3,
               0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 5, 6, 0, 0, 7, 0, 8, 9},
              0, "max full");
  kc::PoolParams lp;
  lp.kernel = {2, 2};
  lp.stride = {2, 2};
  lp.type = kc::PoolType::Lp;
  expectClose(poolGrad(x, lp, TShape{1, 1, 2, 2}),
              {0,         0.12700012, 0.35634834, 0.53452247, 0,         0.63500065, 0.7620008,
               1.2472192, 1.4253933,  0,          1.132277,   1.2455046, 1.5773779,  1.7088261,
               0,         1.6984155,  1.8116431,  2.2346187,  2.3660667, 0,          0,
               0,         0,          0,          0},
              1e-6, "lp 2");
  // lp with p = 1 is a plain sum in MXNet (no absolute value), its gradient dy.
  HostArray xn(TShape{1, 1, 5, 5}, DType::Float32), yn(TShape{1, 1, 2, 2}, DType::Float32);
  for (int64_t i = 0; i < 25; ++i)
    xn.set(i, double(i - 12));
  lp.pValue = 1;
  kc::pooling(xn, lp, yn);
  expectClose(yn, {-36, -28, 4, 12}, 0, "lp 1 forward");
  expectClose(poolGrad(xn, lp, TShape{1, 1, 2, 2}),
              {1, 1, 2, 2, 0, 1, 1, 2, 2, 0, 3, 3, 4, 4, 0, 3, 3, 4, 4, 0, 0, 0, 0, 0, 0}, 0,
              "lp 1");
  lp.pValue = 4;
  EXPECT_THROW(kc::pooling(xn, lp, yn), Error);
}

TEST(KernelsNN, PoolingBackwardAgainstFiniteDifferences) {
  // avg and lp 2 in 1-D and 3-D with padding, in float64.
  std::mt19937 rng(63);
  for (auto [type, shape, out] :
       {std::tuple{kc::PoolType::Avg, TShape{2, 2, 7}, TShape{2, 2, 4}},
        {kc::PoolType::Lp, TShape{1, 2, 4, 3, 5}, TShape{1, 2, 3, 2, 3}},
        {kc::PoolType::Sum, TShape{1, 2, 4, 3, 5}, TShape{1, 2, 3, 2, 3}}}) {
    kc::PoolParams p;
    p.type = type;
    const int nd = shape.ndim() - 2;
    p.kernel.assign(size_t(nd), 3);
    p.stride.assign(size_t(nd), 2);
    p.pad.assign(size_t(nd), 1);
    HostArray x = randomArray(shape, DType::Float64, rng, 0.5, 2), y(out, DType::Float64),
              dy = randomArray(out, DType::Float64, rng), dx(shape, DType::Float64);
    kc::pooling(x, p, y);
    kc::poolingBackward(dy, x, y, p, dx);
    // d(sum(dy * pool(x)))/dx_i by central differences.
    auto objective = [&](const HostArray &xx) {
      HostArray yy(out, DType::Float64);
      kc::pooling(xx, p, yy);
      double s = 0;
      for (int64_t i = 0; i < yy.numel(); ++i)
        s += dy.get(i) * yy.get(i);
      return s;
    };
    std::vector<double> want(size_t(x.numel()));
    for (int64_t i = 0; i < x.numel(); ++i) {
      const double v = x.get(i), h = 1e-6;
      x.set(i, v + h);
      const double up = objective(x);
      x.set(i, v - h);
      want[size_t(i)] = (up - objective(x)) / (2 * h);
      x.set(i, v);
    }
    expectClose(dx, want, 1e-6, "finite differences " + shape.str());
  }
}

// ---- normalization and softmax --------------------------------------------------------

TEST(KernelsNN, BatchNormTrainingAndInference) {
  std::mt19937 rng(63);
  const TShape s{4, 3, 2, 2};
  HostArray x = randomArray(s, DType::Float32, rng), g(TShape{3}, DType::Float32),
            b(TShape{3}, DType::Float32), mm(TShape{3}, DType::Float32),
            mv(TShape{3}, DType::Float32), y(s, DType::Float32), mean(TShape{3}, DType::Float32),
            var(TShape{3}, DType::Float32);
  for (int c = 0; c < 3; ++c) {
    g.set(c, 1.5 - 0.5 * c);
    b.set(c, 0.1 * (c + 1));
    mm.set(c, 0.5);
    mv.set(c, 2);
  }
  kc::BatchNormParams p;
  p.fixGamma = false;
  p.training = true;
  kc::batchNorm(x, g, b, mm, mv, p, y, &mean.blob(), &var.blob());
  for (int c = 0; c < 3; ++c) {
    double s1 = 0, s2 = 0;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 4; ++i)
        s1 += x.get((n * 3 + c) * 4 + i);
    double mu = s1 / 16;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 4; ++i)
        s2 += std::pow(x.get((n * 3 + c) * 4 + i) - mu, 2);
    double v = s2 / 16, inv = 1 / std::sqrt(v + 1e-3);
    EXPECT_NEAR(mean.get(c), mu, 1e-6);
    EXPECT_NEAR(var.get(c), inv, 1e-5); // MXNet returns the inverse std
    EXPECT_NEAR(mm.get(c), 0.5 * 0.9 + mu * 0.1, 1e-6);
    EXPECT_NEAR(mv.get(c), 2 * 0.9 + v * 0.1, 1e-6);
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 4; ++i) {
        int64_t k = (n * 3 + c) * 4 + i;
        EXPECT_NEAR(y.get(k), (x.get(k) - mu) * inv * g.get(c) + b.get(c), 1e-5);
      }
  }
  // Inference with fix_gamma: the moving statistics, gamma taken as 1.
  p.training = false;
  p.fixGamma = true;
  kc::batchNorm(x, g, b, mm, mv, p, y, &mean.blob(), &var.blob());
  for (int64_t k = 0; k < y.numel(); ++k) {
    int c = int(k / 4 % 3);
    EXPECT_NEAR(y.get(k), (x.get(k) - mm.get(c)) / std::sqrt(mv.get(c) + 1e-3) + b.get(c), 1e-5);
  }
  EXPECT_NEAR(var.get(0), 1 / std::sqrt(mv.get(0) + 1e-3), 1e-6);
}

TEST(KernelsNN, LayerNormAndSoftmaxFamily) {
  std::mt19937 rng(64);
  const TShape s{3, 5, 4};
  HostArray x = randomArray(s, DType::Float32, rng),
            g = randomArray(TShape{5}, DType::Float32, rng),
            b = randomArray(TShape{5}, DType::Float32, rng), y(s, DType::Float32),
            mean(TShape{3, 1, 4}, DType::Float32), sd(TShape{3, 1, 4}, DType::Float32);
  kc::layerNorm(x, g, b, 1, 1e-5, y, &mean.blob(), &sd.blob());
  for (int64_t o = 0; o < 3; ++o)
    for (int64_t i = 0; i < 4; ++i) {
      double m = 0, v = 0;
      for (int k = 0; k < 5; ++k)
        m += x.get((o * 5 + k) * 4 + i) / 5;
      for (int k = 0; k < 5; ++k)
        v += std::pow(x.get((o * 5 + k) * 4 + i) - m, 2) / 5;
      EXPECT_NEAR(sd.get(o * 4 + i), std::sqrt(v + 1e-5), 1e-6);
      for (int k = 0; k < 5; ++k) {
        int64_t j = (o * 5 + k) * 4 + i;
        EXPECT_NEAR(y.get(j), (x.get(j) - m) / std::sqrt(v + 1e-5) * g.get(k) + b.get(k), 1e-5);
      }
    }
  for (auto kind : {kc::SoftmaxKind::Plain, kc::SoftmaxKind::Log, kc::SoftmaxKind::Min})
    for (double temp : {1.0, 2.5}) {
      HostArray o(s, DType::Float64);
      kc::softmax(x, 1, temp, kind, nullptr, o);
      for (int64_t a = 0; a < 3; ++a)
        for (int64_t i = 0; i < 4; ++i) {
          double z[5], m = -INFINITY, sum = 0;
          for (int k = 0; k < 5; ++k) {
            z[k] = x.get((a * 5 + k) * 4 + i) / temp * (kind == kc::SoftmaxKind::Min ? -1 : 1);
            m = std::max(m, z[k]);
          }
          for (int k = 0; k < 5; ++k)
            sum += std::exp(z[k] - m);
          for (int k = 0; k < 5; ++k) {
            double want =
                kind == kc::SoftmaxKind::Log ? z[k] - m - std::log(sum) : std::exp(z[k] - m) / sum;
            EXPECT_NEAR(o.get((a * 5 + k) * 4 + i), want, 1e-6);
          }
        }
    }
  // use_length: entries past the length are 0, the rest renormalized.
  HostArray v(TShape{2, 4}, DType::Float32), len(TShape{2}, DType::Int32),
      o(TShape{2, 4}, DType::Float32);
  for (int i = 0; i < 8; ++i)
    v.set(i, 1);
  len.set(0, 2);
  len.set(1, 4);
  kc::softmax(v, -1, 1, kc::SoftmaxKind::Plain, &len.blob(), o);
  expectClose(o, {0.5, 0.5, 0, 0, 0.25, 0.25, 0.25, 0.25}, 1e-6, "use_length");
}

TEST(KernelsNN, GroupInstanceAndL2NormalizationMatchMXNet) {
  // data = arange(24).reshape(2, 4, 3) ** 1.5, numbers from MXNet 1.9.1.
  HostArray d(TShape{2, 4, 3}, DType::Float32), o(TShape{2, 4, 3}, DType::Float32);
  for (int64_t i = 0; i < d.numel(); ++i)
    d.set(i, std::pow(double(i), 1.5));
  HostArray g(TShape{2}, DType::Float32), b(TShape{2}, DType::Float32),
      mean(TShape{2, 2}, DType::Float32), sd(TShape{2, 2}, DType::Float32);
  g.set(0, 0.5);
  g.set(1, 2);
  b.set(0, 0.1);
  b.set(1, -1);
  kc::groupNorm(d, g, b, 2, 1e-5, false, o, &mean.blob(), &sd.blob());
  expectClose(o, {-0.4988952,  -0.37149292, -0.13854712,  0.16310646,  0.5203231,  0.92550564,
                  -3.8070858,  -2.7811856,  -1.6791248,   -0.50584286, 0.73457253, 2.0386672,
                  -0.61464196, -0.34264305, -0.059970818, 0.23298606,  0.53587836, 0.84839028,
                  -3.8792112,  -2.7663755,  -1.6238546,   -0.45240128, 0.74728549, 1.9745572},
              2e-5, "GroupNorm");
  expectClose(mean, {4.70082, 25.158377, 55.502026, 93.059448}, 1e-6, "GroupNorm mean");
  expectClose(sd, {3.9245765, 7.4535937, 9.7481031, 11.594785}, 1e-6, "GroupNorm std");
  HostArray g4(TShape{4}, DType::Float32), b4(TShape{4}, DType::Float32);
  const double gv[] = {0.5, 2, 1, -1}, bv[] = {0.1, -1, 0, 2};
  for (int i = 0; i < 4; ++i) {
    g4.set(i, gv[i]);
    b4.set(i, bv[i]);
  }
  kc::groupNorm(d, g4, b4, 4, 1e-3, true, o, nullptr, nullptr);
  expectClose(o, {-0.44465205, -0.017856367, 0.76250845, -3.3963397, -1.102663,  1.4990015,
                  -1.2098175,  -0.02921525,  1.2390325,  3.2143612,  2.0204315,  0.76520896,
                  -0.50839144, 0.092144974,  0.71624649, -3.4365771, -1.0255244, 1.4621012,
                  -1.2193164,  -0.010747698, 1.2300597,  3.2200599,  2.00928,    0.77066004},
              2e-5, "InstanceNorm");
  kc::l2Normalization(d, kc::L2Mode::Instance, 1e-10, o, nullptr);
  expectClose(o, {0,          0.015151516, 0.042854957, 0.078729577, 0.12121212, 0.16939908,
                  0.22268088, 0.28061,     0.34283966,  0.40909091,  0.47913298, 0.55277079,
                  0.15511335, 0.17490102,  0.19546516,  0.2167775,   0.23881263, 0.2615476,
                  0.28496143, 0.30903503,  0.33375078,  0.35909244,  0.38504487, 0.41159403},
              1e-6, "L2Normalization instance");
  HostArray nrm(TShape{2, 1, 3}, DType::Float32);
  kc::l2Normalization(d, kc::L2Mode::Channel, 1e-10, o, &nrm.blob());
  expectClose(o, {0,          0.02665009, 0.063628472, 0.16666666, 0.21320072, 0.25151363,
                  0.47140452, 0.49356657, 0.50902778,  0.86602539, 0.84274977, 0.82072103,
                  0.29250896, 0.30382711, 0.31403804,  0.40879372, 0.41485035, 0.42020729,
                  0.5373733,  0.53683633, 0.53621036,  0.67716777, 0.66887587, 0.66127473},
              1e-6, "L2Normalization channel");
  EXPECT_NEAR(nrm.get(0), std::sqrt(0.0 + 27 + 216 + 729), 1e-3);
  kc::l2Normalization(d, kc::L2Mode::Spatial, 1e-10, o, nullptr);
  expectClose(o, {0,          0.33333334, 0.94280905, 0.35355338, 0.54433107, 0.76072574,
                  0.44908872, 0.56591648, 0.69141734, 0.48809353, 0.57166195, 0.65952051,
                  0.50902778, 0.573964,   0.64144832, 0.52204317, 0.57510811, 0.62985837,
                  0.5309065,  0.57575756, 0.62180507, 0.53732723, 0.57616109, 0.61588788},
              1e-6, "L2Normalization spatial");
  EXPECT_THROW(kc::groupNorm(d, g, b, 3, 1e-5, false, o, nullptr, nullptr), Error);
}

TEST(KernelsNN, SoftmaxCrossEntropyMatchesMXNet) {
  HostArray d(TShape{3, 2}, DType::Float32), l(TShape{3}, DType::Float32),
      o(TShape{1}, DType::Float32);
  const double dv[] = {0, 0, 1, 2, 0, 100}, lv[] = {1, 0, 0};
  for (int i = 0; i < 6; ++i)
    d.set(i, dv[i]);
  for (int i = 0; i < 3; ++i)
    l.set(i, lv[i]);
  kc::softmaxCrossEntropy(d, l, o);
  // log 2 + 1.3133 + -log(1e-8): MXNet clips the probability at 1e-8.
  expectClose(o, {20.42708969116211}, 1e-6, "softmax_cross_entropy");
  HostArray d2(TShape{2, 3}, DType::Float64), l2(TShape{2}, DType::Int32),
      o2(TShape{1}, DType::Float64);
  const double d2v[] = {1, 2, 3, 4, -1, 0.5};
  for (int i = 0; i < 6; ++i)
    d2.set(i, d2v[i]);
  l2.set(0, 2);
  l2.set(1, 1);
  kc::softmaxCrossEntropy(d2, l2, o2);
  expectClose(o2, {5.443875789642334}, 1e-6, "float64");
  l2.set(1, 3);
  EXPECT_THROW(kc::softmaxCrossEntropy(d2, l2, o2), Error);
}

TEST(KernelsNN, LrnMatchesMXNet) {
  // data = (arange(20).reshape(2, 5, 2, 1) - 7) * 0.5, nsize=3, alpha=0.1,
  // beta=0.75, knorm=2: numbers from MXNet 1.9.1.
  HostArray x(TShape{2, 5, 2, 1}, DType::Float32), y(TShape{2, 5, 2, 1}, DType::Float32),
      n(TShape{2, 5, 2, 1}, DType::Float32);
  for (int64_t i = 0; i < x.numel(); ++i)
    x.set(i, (double(i) - 7) * 0.5);
  kc::lrn(x, 3, 0.1, 0.75, 2, y, &n.blob());
  expectClose(y, {-1.7012053,  -1.5398202,  -1.1896633, -1.016125,  -0.80533701,
                  -0.55995858, -0.28747538, 0,          0.29545709, 0.58727777,
                  0.80754042,  1.0265468,   1.1896633,  1.327149,   1.4322083,
                  1.5095811,   1.5641823,   1.6005547,  2.0686257,  2.1081581},
              1e-6, "LRN");
  // Channel 0 of position 0 sums channels 0 and 1: 2 + 0.1 / 3 * (3.5^2 + 2.5^2).
  EXPECT_NEAR(n.get(0), 2 + 0.1 / 3 * (12.25 + 6.25), 1e-6);
  EXPECT_THROW(kc::lrn(x, 2, 0.1, 0.75, 2, y, nullptr), Error);
}

// ---- LeakyReLU --------------------------------------------------------------------------

TEST(KernelsNN, LeakyReluVariants) {
  HostArray x(TShape{2, 3, 2}, DType::Float32), y(TShape{2, 3, 2}, DType::Float32);
  const double vals[] = {-2, -0.5, 0, 0.5, 1, 3, -1, -3, 2, -0.25, 0.75, -4};
  for (int i = 0; i < 12; ++i)
    x.set(i, vals[i]);
  auto check = [&](kc::LeakyType t, const std::function<double(double, int64_t)> &f,
                   const HostArray *gamma = nullptr) {
    kc::LeakyParams p;
    p.type = t;
    p.slope = 0.3;
    kc::leakyRelu(x, gamma ? &gamma->blob() : nullptr, p, y, nullptr);
    std::vector<double> want;
    for (int64_t i = 0; i < 12; ++i)
      want.push_back(f(x.get(i), i));
    expectClose(y, want, 1e-6, "leaky " + std::to_string(int(t)));
  };
  check(kc::LeakyType::Leaky, [](double v, int64_t) { return v > 0 ? v : 0.3 * v; });
  check(kc::LeakyType::Elu, [](double v, int64_t) { return v > 0 ? v : 0.3 * std::expm1(v); });
  check(kc::LeakyType::Selu, [](double v, int64_t) {
    return 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * std::expm1(v));
  });
  check(kc::LeakyType::Gelu,
        [](double v, int64_t) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2))); });
  HostArray gamma(TShape{3}, DType::Float32);
  gamma.set(0, 0.1);
  gamma.set(1, 0.2);
  gamma.set(2, 0.3);
  check(
      kc::LeakyType::PRelu,
      [&](double v, int64_t i) { return v > 0 ? v : gamma.get(i / 2 % 3) * v; }, &gamma);
  check(kc::LeakyType::RRelu,
        [](double v, int64_t) { return v > 0 ? v : (0.125 + 0.334) / 2 * v; });
}

TEST(KernelsNN, MultithreadedEqualsSingleThreaded) {
  std::mt19937 rng(66);
  HostArray x = randomArray(TShape{8, 16, 20, 20}, DType::Float32, rng),
            w = randomArray(TShape{32, 16, 3, 3}, DType::Float32, rng),
            m(TShape{8, 32, 18, 18}, DType::Float32), s(TShape{8, 32, 18, 18}, DType::Float32);
  kc::ConvGeometry g = kc::convGeometry(x.shape(), std::vector<int64_t>{3, 3}, {}, {}, {}, 1, "c");
  kc::convolution(x, w, nullptr, g, m);
  {
    kc::SerialScope serial;
    kc::convolution(x, w, nullptr, g, s);
  }
  expectClose(m, s.values(), 1e-6, "threads");
}

} // namespace
} // namespace mxrt
