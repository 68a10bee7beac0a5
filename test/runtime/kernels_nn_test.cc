// kernels_nn_test.cc - Convolution, Deconvolution, Pooling and its
// gradient, BatchNorm, LayerNorm, GroupNorm/InstanceNorm, L2Normalization,
// LRN, softmax family, softmax_cross_entropy and LeakyReLU against naive
// double-precision references and numbers printed by MXNet 1.9.1.
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

TEST(KernelsNN, DeconvolutionAndBilinearUpSamplingMatchMXNet) {
  // MXNet 1.9.1: Deconvolution(x, w, b, kernel=(3, 2), stride=(2, 1),
  // pad=(1, 0), adj=(1, 0), num_filter=6, num_group=2) with x = arange * 0.1
  // - 3 (2, 4, 3, 3), w = arange * 0.05 - 1 (4, 3, 3, 2).
  HostArray x(TShape{2, 4, 3, 3}, DType::Float32), w(TShape{4, 3, 3, 2}, DType::Float32),
      b(TShape{6}, DType::Float32), y(TShape{2, 6, 6, 4}, DType::Float32);
  for (int64_t i = 0; i < x.numel(); ++i)
    x.set(i, double(i) * 0.1 - 3);
  for (int64_t i = 0; i < w.numel(); ++i)
    w.set(i, double(i) * 0.05 - 1);
  const double bv[] = {0.5, -1, 2, 0.25, 1, -0.5};
  for (int i = 0; i < 6; ++i)
    b.set(i, bv[i]);
  const std::vector<int64_t> k{3, 2}, st{2, 1}, pad{1, 0};
  kc::deconvolution(x, w, &b.blob(), k, st, {}, pad, 2, y);
  expectClose(y,
              {3.1999998,    5.5550003,   5.3850002,    2.7850001,     5.5700002,     9.9799995,
               9.6400003,    4.77,        2.9300001,    5.0450001,     4.875,         2.5450001,
               5.0300002,    8.96,        8.6199999,    4.29,          2.6600001,     4.5349998,
               4.3649998,    2.3050001,   2.27,         3.7750001,     3.645,         1.955,
               0.17000008,   1.0550003,   1.0050001,    -0.125,        1.1900001,     2.8399999,
               2.7399998,    0.63000011,  0.080000162,  0.90500009,    0.8549999,     -0.185,
               1.0100002,    2.54,        2.4399996,    0.50999999,    -0.0099999905, 0.75500011,
               0.70500004,   -0.24499995, -0.39999998,  -0.0049999952, -0.014999986,  -0.59499991,
               1.6400001,    1.0550001,   1.125,        1.465,         1.3100002,     0.20000005,
               0.33999991,   0.99000001,  1.73,         1.2650001,     1.3349999,     1.585,
               1.4900001,    0.62000012,  0.75999999,   1.23,          1.8199999,     1.475,
               1.5450001,    1.705,       1.4300001,    0.71500003,    0.82500005,    1.355,
               -1.37,        -2.7950001,  -2.2449999,   -0.88499999,   -2.24,         -4.3100004,
               -3.21,        -1.24,       -0.55999994,  -1.145,        -0.59500003,   -0.044999957,
               -0.61999995,  -1.01,       0.089999974,  0.44000003,    0.24999999,    0.50500005,
               1.0549999,    0.79500002,  0.22,         0.46500003,    1.0550001,     0.80500007,
               -1.0700002,   -2.885,      -2.2150002,   -0.46500003,   -2.21,         -4.8800001,
               -3.54,        -0.97000003, -0.080000043, -0.875,        -0.20500004,   0.55500007,
               -0.23000002,  -0.8599999,  0.48000002,   1.0699999,     0.90999997,    1.135,
               1.8049999,    1.575,       0.88,         1.095,         1.8050001,     1.585,
               -3.0200002,   -5.2250004,  -4.4350004,   -2.2950001,    -4.4300003,    -7.7000008,
               -6.1199999,   -2.95,       -1.8499999,   -2.855,        -2.0650001,    -1.0949999,
               -2.0899999,   -2.96,       -1.3800001,   -0.55000007,   -0.67999995,   -0.4849999,
               0.30500007,   0.10500002,  -0.71000004,  -0.52499998,   0.30499995,    0.11499995,
               -0.040000021, -0.56500006, -0.73500001,  -0.095000029,  -0.90999997,   -2.26,
               -2.5999999,   -0.99000001, -0.30999994,  -1.075,        -1.245,        -0.33500004,
               -1.45,        -3.28,       -3.6199999,   -1.47,         -0.58000004,   -1.585,
               -1.7550001,   -0.57500005, -0.25000006,  -0.90499997,   -1.0349998,    -0.20499992,
               -0.90999997,  -0.745,      -0.79499996,  -0.84500003,   -0.97000003,   -0.75999999,
               -0.8599999,   -0.80999994, -1,           -0.89500004,   -0.94500005,   -0.90500003,
               -1.1500001,   -1.0600001,  -1.1599998,   -0.93000001,   -1.09,         -1.0450001,
               -1.095,       -0.96500003, -0.76000005,  -0.36500001,   -0.37499994,   -0.59500003,
               2.72,         3.575,       3.645,        2.905,         3.4699998,     5.2399998,
               5.3800001,    3.8699999,   2.8099999,    3.7849998,     3.855,         3.0250001,
               3.6499999,    5.6599998,   5.8000002,    4.1100001,     2.9000001,     3.9949999,
               4.0650001,    3.145,       3.23,         4.6750002,     4.7849998,     3.5149999,
               8.3499994,    17.005001,   17.555,       9.1949997,     17.200001,     35.290001,
               36.390003,    18.92,       9.1599998,    18.655001,     19.205,        10.035,
               18.82,        38.59,       39.689999,    20.599998,     9.9700003,     20.305,
               20.855,       10.875,      10.66,        21.705,        22.295,        11.605,
               10.809999,    21.235001,   21.904999,    11.775001,     21.549999,     43.360001,
               44.700001,    23.51,       11.799999,    23.244999,     23.915001,     12.795,
               23.530001,    47.379997,   48.720001,    25.549999,     12.79,         25.255001,
               25.924999,    13.815001,   13.48,        26.655001,     27.365,        14.545,
               11.02,        23.215,      24.005001,    12.105,        23.65,         49.18,
               50.760002,    25.85,       12.190001,    25.584999,     26.375,        13.305,
               25.99,        53.919998,   55.5,         28.25,         13.360001,     27.955,
               28.744999,    14.505,      14.05,        29.355,        30.184999,     15.235},
              1e-5, "Deconvolution");
  // target_shape decides the pad: total 2 * (3 - 1) + 3 - 6 = 1 -> pad 1 (adj 1).
  EXPECT_EQ(kc::deconvPad(x.shape(), k, st, {}, {}, std::vector<int64_t>{6, 4}),
            (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(kc::deconvPad(x.shape(), k, st, {}, pad, {}), pad);

  // UpSampling bilinear, scale 2: a depthwise Deconvolution (kernel 4,
  // stride 2, pad 1) with the weight given (arange * 0.1, (2, 1, 4, 4)).
  HostArray d = arange(TShape{1, 2, 3, 3}), wb(TShape{2, 1, 4, 4}, DType::Float32),
            u(TShape{1, 2, 6, 6}, DType::Float32);
  for (int64_t i = 0; i < wb.numel(); ++i)
    wb.set(i, double(i) * 0.1);
  kc::deconvolution(d, wb, nullptr, std::vector<int64_t>{4, 4}, std::vector<int64_t>{2, 2}, {},
                    std::vector<int64_t>{1, 1}, 2, u);
  expectClose(
      u, {0,         0.40000001, 0.5,       1.4000001, 1.7,       1.2,       0.30000001, 1.4000001,
          2.2,       3.3999999,  4.6000004, 3,         1.5,       4.5999999, 5.3999996,  8.2000008,
          9.3999996, 5.8000002,  3.2999997, 7.3999996, 9.3999996, 9.3999996, 11.8,       6.5999999,
          6.8999996, 15.400001,  17.4,      19.000002, 21.4,      11.8,      5.3999996,  11.6,
          12.9,      13.4,       14.9,      8,         18.9,      39.800003, 41.699997,  44,
          46.099998, 24.200001,  42.900002, 89.800003, 94.200005, 98.200005, 103,        53.799995,
          51.299999, 107.4,      111.8,     117.4,     122.2,     63.800003, 55.5,       115,
          120.60001, 123.39999,  129.40001, 67,        66.300003, 137.39999, 143,        147.39999,
          153.39999, 79.400002,  37.5,      77.400002, 80.5,      82.400002, 85.699997,  44.199997},
      1e-5, "bilinear");
  EXPECT_THROW(kc::deconvolution(x, w, nullptr, k, st, {}, pad, 3, y), Error);
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
