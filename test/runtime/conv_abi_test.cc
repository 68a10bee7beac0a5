// conv_abi_test.cc - mxrt_kernel_conv2d / mxrt_kernel_deconv2d (the routines
// compiled convolutions call) against a direct double-precision loop nest:
// odd shapes, stride, padding, dilation, groups, 1-D (H = 1), 1x1 windows,
// one image (the split path) and many (the parallel path), windows larger
// than the output (the by-channel path of weight gradients), float32/64.
#include "mxrt/module_abi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

struct Case {
  int64_t N, C, H, W, F, G, KH, KW, sh, sw, ph, pw, dh, dw;
  /// Convolution output extent along one axis.
  static int64_t convOut(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
    return (in + 2 * p - d * (k - 1) - 1) / s + 1;
  }
  /// Deconvolution output extent (no adj).
  static int64_t deconvOut(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
    return s * (in - 1) + d * (k - 1) + 1 - 2 * p;
  }
};

std::vector<double> randomValues(size_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> v(n);
  for (double &x : v)
    x = u(rng);
  return v;
}

/// y += conv(x, w) (or deconv with `transposed`), directly: every input
/// position, tap and channel, in double.
void reference(const Case &c, bool transposed, int64_t OH, int64_t OW, const std::vector<double> &x,
               const std::vector<double> &w, std::vector<double> &y) {
  const int64_t Cg = c.C / c.G, Fg = c.F / c.G;
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t f = 0; f < c.F; ++f)
      for (int64_t ci = 0; ci < Cg; ++ci) {
        const int64_t ch = f / Fg * Cg + ci;
        for (int64_t ky = 0; ky < c.KH; ++ky)
          for (int64_t kx = 0; kx < c.KW; ++kx) {
            const double wv = transposed ? w[((ch * Fg + f % Fg) * c.KH + ky) * c.KW + kx]
                                         : w[((f * Cg + ci) * c.KH + ky) * c.KW + kx];
            // Conv: output o reads input o*s - p + k*d; deconv: input i
            // adds to output i*s - p + k*d.
            const int64_t outerH = transposed ? c.H : OH, outerW = transposed ? c.W : OW;
            for (int64_t a = 0; a < outerH; ++a)
              for (int64_t b = 0; b < outerW; ++b) {
                const int64_t pa = a * c.sh - c.ph + ky * c.dh, pb = b * c.sw - c.pw + kx * c.dw;
                if (transposed) {
                  if (pa < 0 || pa >= OH || pb < 0 || pb >= OW)
                    continue;
                  y[((n * c.F + f) * OH + pa) * OW + pb] +=
                      x[((n * c.C + ch) * c.H + a) * c.W + b] * wv;
                } else {
                  if (pa < 0 || pa >= c.H || pb < 0 || pb >= c.W)
                    continue;
                  y[((n * c.F + f) * OH + a) * OW + b] +=
                      x[((n * c.C + ch) * c.H + pa) * c.W + pb] * wv;
                }
              }
          }
      }
}

template <class T> std::vector<T> as(const std::vector<double> &v) {
  return std::vector<T>(v.begin(), v.end());
}

template <class T> void check(const Case &c, bool transposed) {
  std::mt19937 rng(unsigned(c.N * 131 + c.C * 17 + c.KH * 7 + c.sh + transposed));
  const int64_t OH = transposed ? Case::deconvOut(c.H, c.KH, c.sh, c.ph, c.dh)
                                : Case::convOut(c.H, c.KH, c.sh, c.ph, c.dh);
  const int64_t OW = transposed ? Case::deconvOut(c.W, c.KW, c.sw, c.pw, c.dw)
                                : Case::convOut(c.W, c.KW, c.sw, c.pw, c.dw);
  ASSERT_GT(OH, 0);
  ASSERT_GT(OW, 0);
  const int64_t wRows = transposed ? c.C * (c.F / c.G) : c.F * (c.C / c.G);
  std::vector<double> x = randomValues(size_t(c.N * c.C * c.H * c.W), rng),
                      w = randomValues(size_t(wRows * c.KH * c.KW), rng),
                      y = randomValues(size_t(c.N * c.F * OH * OW), rng);
  std::vector<T> xt = as<T>(x), wt = as<T>(w), yt = as<T>(y);
  reference(c, transposed, OH, OW, x, w, y);
  const int32_t dtype = sizeof(T) == 8 ? 1 : 0;
  (transposed ? mxrt_kernel_deconv2d
              : mxrt_kernel_conv2d)(dtype, c.N, c.C, c.H, c.W, c.F, c.G, c.KH, c.KW, OH, OW, c.sh,
                                    c.sw, c.ph, c.pw, c.dh, c.dw, xt.data(), wt.data(), yt.data());
  const double tol = sizeof(T) == 8 ? 1e-10 : 1e-4;
  for (size_t i = 0; i < y.size(); ++i)
    ASSERT_NEAR(double(yt[i]), y[i], tol * (1 + std::fabs(y[i])))
        << (transposed ? "deconv" : "conv") << " N=" << c.N << " C=" << c.C << " H=" << c.H
        << " W=" << c.W << " F=" << c.F << " G=" << c.G << " k=" << c.KH << "x" << c.KW
        << " s=" << c.sh << "," << c.sw << " p=" << c.ph << "," << c.pw << " d=" << c.dh << ","
        << c.dw << " at " << i;
}

const Case kCases[] = {
    // N, C, H, W, F, G, KH, KW, sh, sw, ph, pw, dh, dw
    {5, 3, 9, 7, 4, 1, 3, 3, 1, 1, 0, 0, 1, 1},     // plain, odd sizes, many images
    {1, 6, 11, 13, 4, 2, 3, 2, 2, 3, 1, 2, 1, 1},   // one image, groups, stride, pad
    {3, 4, 10, 9, 6, 2, 3, 3, 1, 2, 2, 1, 2, 3},    // dilation
    {4, 5, 6, 6, 7, 1, 1, 1, 1, 1, 0, 0, 1, 1},     // 1x1: no im2col
    {6, 2, 1, 17, 3, 1, 1, 4, 1, 2, 0, 1, 1, 2},    // 1-D as H = 1
    {1, 128, 12, 12, 3, 1, 8, 8, 1, 1, 0, 0, 1, 1}, // a weight gradient's shape
    {3, 5, 9, 8, 4, 1, 6, 5, 2, 1, 1, 2, 1, 2},     // the same, strided, padded, dilated
    {2, 3, 5, 5, 3, 3, 5, 5, 1, 1, 2, 2, 1, 1},     // depthwise, window as big as the image
};

TEST(ConvAbi, Conv2dMatchesDirectLoops) {
  for (const Case &c : kCases) {
    check<float>(c, false);
    check<double>(c, false);
  }
}

TEST(ConvAbi, Deconv2dMatchesDirectLoops) {
  for (const Case &c : kCases) {
    check<float>(c, true);
    check<double>(c, true);
  }
}

} // namespace
