// conv_abi.cc - the convolution routines compiled kernels call (module_abi.h).
//
// mxrt_kernel_conv2d and mxrt_kernel_deconv2d do per image what the im2col
// lowering did for the whole batch at once, but parallel over the images
// with a scratch column matrix per worker: each worker gathers one image's
// columns (im2col, cache-sized) and multiplies them with the weight
// (single-threaded OpenBLAS), or multiplies first and scatters the columns
// back (col2im) for the transposed convolution. A GEMM per image is too
// small to split over the cores, so the images are what the workers share.
// With fewer images than workers (a weight gradient, whose "batch" is the
// data's channels) the images run in turn and the GEMM and the gather are
// split instead.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "mxrt/module_abi.h"

#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace {

using mxrt::parallelFor;
using mxrt::kernels::cpu::cpuThreads;
using mxrt::kernels::cpu::serialForced;

/// The window of a 2-D convolution; 1-D ones have H = KH = OH = 1.
struct Conv {
  int64_t N, C, H, W, F, G, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw;
  int64_t Cg() const { return C / G; }
  int64_t Fg() const { return F / G; }
  int64_t K() const { return KH * KW; }
  /// Kernel 1x1, stride 1, no padding: the image is its own column matrix.
  bool direct() const {
    return KH == 1 && KW == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && OH == H && OW == W;
  }
};

void blas(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
          const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M),
              int(N), int(K), 1.0f, A, int(lda), B, int(ldb), beta, C, int(ldc));
}
void blas(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const double *A, int64_t lda,
          const double *B, int64_t ldb, double beta, double *C, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M),
              int(N), int(K), 1.0, A, int(lda), B, int(ldb), beta, C, int(ldc));
}

/// C = op(A) B + beta C: split over the workers (mxrt's gemm) when the
/// images run in turn, one BLAS call when each worker has its own image.
template <class T>
void product(bool split, bool ta, int64_t M, int64_t N, int64_t K, const T *A, int64_t lda,
             const T *B, int64_t ldb, T beta, T *C, int64_t ldc) {
  if (split)
    mxrt::kernels::cpu::gemm(ta, false, M, N, K, T(1), A, lda, B, ldb, beta, C, ldc);
  else
    blas(ta, false, M, N, K, A, lda, B, ldb, beta, C, ldc);
}

/// The range [lo, hi) of output positions o along one axis whose input
/// position o * s - p + k * d lies in [0, extent).
std::pair<int64_t, int64_t> validRange(int64_t out, int64_t extent, int64_t s, int64_t p,
                                       int64_t kd) {
  // o * s >= p - kd  and  o * s <= extent - 1 + p - kd.
  int64_t lo = p - kd <= 0 ? 0 : (p - kd + s - 1) / s;
  int64_t top = extent - 1 + p - kd;
  int64_t hi = top < 0 ? 0 : std::min(out, top / s + 1);
  return {std::min(lo, hi), hi};
}

/// Rows [r0, r1) of one image's column matrix (Cg*KH*KW, OH*OW) for group
/// g: col[(c, ky, kx), (oy, ox)] = x[g*Cg + c, oy*sh - ph + ky*dh, ox*sw - pw
/// + kx*dw], zero outside the image.
template <class T> void im2col(const Conv &v, const T *x, int64_t r0, int64_t r1, T *col) {
  const int64_t O = v.OH * v.OW;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t c = r / v.K(), ky = r / v.KW % v.KH, kx = r % v.KW;
    const T *xc = x + c * v.H * v.W;
    T *row = col + r * O;
    auto [y0, y1] = validRange(v.OH, v.H, v.sh, v.ph, ky * v.dh);
    auto [x0, x1] = validRange(v.OW, v.W, v.sw, v.pw, kx * v.dw);
    std::fill(row, row + y0 * v.OW, T(0));
    for (int64_t oy = y0; oy < y1; ++oy) {
      T *out = row + oy * v.OW;
      const T *in = xc + (oy * v.sh - v.ph + ky * v.dh) * v.W + (kx * v.dw - v.pw);
      std::fill(out, out + x0, T(0));
      if (v.sw == 1 && x1 - x0 >= 64)
        std::memcpy(out + x0, in + x0, size_t(x1 - x0) * sizeof(T));
      else if (v.sw == 1) // short rows (a weight gradient's are the kernel's): no call
        for (int64_t ox = x0; ox < x1; ++ox)
          out[ox] = in[ox];
      else
        for (int64_t ox = x0; ox < x1; ++ox)
          out[ox] = in[ox * v.sw];
      std::fill(out + x1, out + v.OW, T(0));
    }
    std::fill(row + y1 * v.OW, row + O, T(0));
  }
}

/// The transposed gather: rows [r0, r1) of the column matrix (Fg*KH*KW,
/// H*W) of one image added into its output (Fg, OH, OW), y[f, iy*sh - ph +
/// ky*dh, ix*sw - pw + kx*dw] += col[(f, ky, kx), (iy, ix)]. Rows of one f
/// write the same output plane, so callers split at multiples of K.
template <class T> void col2im(const Conv &v, const T *col, int64_t r0, int64_t r1, T *y) {
  const int64_t I = v.H * v.W;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t f = r / v.K(), ky = r / v.KW % v.KH, kx = r % v.KW;
    T *yf = y + f * v.OH * v.OW;
    const T *row = col + r * I;
    // Input positions i whose output i * s - p + k * d lies inside.
    auto [y0, y1] = validRange(v.H, v.OH, v.sh, v.ph, ky * v.dh);
    auto [x0, x1] = validRange(v.W, v.OW, v.sw, v.pw, kx * v.dw);
    for (int64_t iy = y0; iy < y1; ++iy) {
      T *out = yf + (iy * v.sh - v.ph + ky * v.dh) * v.OW + (kx * v.dw - v.pw);
      const T *in = row + iy * v.W;
      if (v.sw == 1)
        for (int64_t ix = x0; ix < x1; ++ix)
          out[ix] += in[ix];
      else
        for (int64_t ix = x0; ix < x1; ++ix)
          out[ix * v.sw] += in[ix];
    }
  }
}

/// Per-thread scratch, kept between calls (a training step calls the same
/// shapes again).
template <class T> T *scratch(size_t n) {
  thread_local std::vector<T> buffer;
  if (buffer.size() < n)
    buffer.resize(n);
  return buffer.data();
}

/// Whether the images go to the workers (else: in turn, each split).
bool imagesInParallel(const Conv &v) {
  const int threads = serialForced() ? 1 : cpuThreads();
  return threads > 1 && v.N >= threads;
}

/// Runs image(n, split) for every image: in parallel over the images, or
/// in turn with `split` telling the image to split its own work.
template <class Fn> void forEachImage(const Conv &v, const Fn &image) {
  if (imagesInParallel(v)) {
    parallelFor(v.N, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t n = lo; n < hi; ++n)
        image(n, false);
    });
    return;
  }
  for (int64_t n = 0; n < v.N; ++n)
    image(n, !serialForced());
}

/// Runs body(lo, hi) over [0, rows): split over the workers or not.
template <class Fn> void rowsOf(bool split, int64_t rows, int64_t grain, const Fn &body) {
  if (split)
    parallelFor(rows, grain, [&](int64_t lo, int64_t hi) { body(lo, hi); });
  else
    body(0, rows);
}

/// A weight gradient's shape (the data's channels as images, the output
/// gradient as the window: a window larger than the output, few images):
/// per-image GEMMs would be long and thin. Instead each worker takes input
/// channels c and adds their rank-K updates y[f, (n, o)] += w[f, c, k]
/// col[(n, o), k] into its own partial sum (col gathers channel c of every
/// image, in runs of KW contiguous inputs); the partials add up at the end.
bool byChannels(const Conv &v) { return v.G == 1 && v.OH * v.OW < v.K(); }

template <class T> void conv2dByChannels(const Conv &v, const T *x, const T *w, T *y) {
  const int64_t O = v.OH * v.OW, K = v.K(), cols = v.N * O, out = v.F * cols;
  const int threads = serialForced() ? 1 : cpuThreads();
  const int64_t parts = std::min<int64_t>(v.C, 4 * int64_t(threads));
  // From the kernels' scratch cache: a vector this size would be a fresh
  // mmap, page-faulted in on every call.
  std::unique_ptr<T, void (*)(void *)> partialBlock(
      static_cast<T *>(_mlir_memref_to_llvm_alloc(size_t(parts * out) * sizeof(T))),
      _mlir_memref_to_llvm_free);
  T *partial = partialBlock.get();
  std::fill(partial, partial + parts * out, T(0));
  parallelFor(parts, 1, [&](int64_t lo, int64_t hi) {
    T *col = scratch<T>(size_t(cols * K));
    for (int64_t part = lo; part < hi; ++part)
      for (int64_t c = part * v.C / parts; c < (part + 1) * v.C / parts; ++c) {
        for (int64_t n = 0; n < v.N; ++n)
          for (int64_t oy = 0; oy < v.OH; ++oy)
            for (int64_t ox = 0; ox < v.OW; ++ox) {
              T *row = col + ((n * v.OH + oy) * v.OW + ox) * K;
              const T *xc = x + (n * v.C + c) * v.H * v.W;
              for (int64_t ky = 0; ky < v.KH; ++ky) {
                const int64_t iy = oy * v.sh - v.ph + ky * v.dh;
                for (int64_t kx = 0; kx < v.KW; ++kx) {
                  const int64_t ix = ox * v.sw - v.pw + kx * v.dw;
                  row[ky * v.KW + kx] =
                      iy >= 0 && iy < v.H && ix >= 0 && ix < v.W ? xc[iy * v.W + ix] : T(0);
                }
              }
            }
        blas(false, true, v.F, cols, K, w + c * K, v.C * K, col, K, T(1),
             partial + part * out, cols);
      }
  });
  // y[n, f, o] += the partials' [f, (n, o)].
  for (int64_t part = 0; part < parts; ++part)
    for (int64_t f = 0; f < v.F; ++f)
      for (int64_t n = 0; n < v.N; ++n) {
        const T *p = partial + part * out + f * cols + n * O;
        T *yo = y + (n * v.F + f) * O;
        for (int64_t o = 0; o < O; ++o)
          yo[o] += p[o];
      }
}

template <class T> void conv2d(const Conv &v, const T *x, const T *w, T *y) {
  if (byChannels(v))
    return conv2dByChannels(v, x, w, y);
  const int64_t O = v.OH * v.OW, rows = v.Cg() * v.K();
  const bool direct = v.direct();
  forEachImage(v, [&](int64_t n, bool split) {
    T *col = direct ? nullptr : scratch<T>(size_t(rows * O));
    for (int64_t g = 0; g < v.G; ++g) {
      const T *xg = x + (n * v.C + g * v.Cg()) * v.H * v.W;
      if (!direct)
        rowsOf(split, rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, O)),
               [&](int64_t lo, int64_t hi) { im2col(v, xg, lo, hi, col); });
      product(split, false, v.Fg(), O, rows, w + g * v.Fg() * rows, rows, direct ? xg : col, O,
              T(1), y + (n * v.F + g * v.Fg()) * O, O);
    }
  });
}

template <class T> void deconv2d(const Conv &v, const T *x, const T *w, T *y) {
  const int64_t I = v.H * v.W, rows = v.Fg() * v.K();
  forEachImage(v, [&](int64_t n, bool split) {
    T *col = scratch<T>(size_t(rows * I));
    for (int64_t g = 0; g < v.G; ++g) {
      // col = w[g]^T x[n, g]: w[g] is stored (Cg, Fg*K).
      product(split, true, rows, I, v.Cg(), w + g * v.Cg() * rows, rows,
              x + (n * v.C + g * v.Cg()) * I, I, T(0), col, I);
      T *yg = y + (n * v.F + g * v.Fg()) * v.OH * v.OW;
      // Whole output planes per task: rows of one f add into the same plane.
      rowsOf(split, v.Fg(), 1,
             [&](int64_t lo, int64_t hi) { col2im(v, col, lo * v.K(), hi * v.K(), yg); });
    }
  });
}

/// Either routine in the dtype's precision (0 float32, 1 float64).
template <class T> void run(bool transposed, const Conv &v, const void *x, const void *w, void *y) {
  auto *xt = static_cast<const T *>(x), *wt = static_cast<const T *>(w);
  if (transposed)
    deconv2d(v, xt, wt, static_cast<T *>(y));
  else
    conv2d(v, xt, wt, static_cast<T *>(y));
}

void run(int32_t dtype, bool transposed, const Conv &v, const void *x, const void *w, void *y) {
  if (dtype == 1)
    run<double>(transposed, v, x, w, y);
  else
    run<float>(transposed, v, x, w, y);
}

} // namespace

extern "C" void mxrt_kernel_conv2d(int32_t dtype, int64_t N, int64_t C, int64_t H, int64_t W,
                                   int64_t F, int64_t G, int64_t KH, int64_t KW, int64_t OH,
                                   int64_t OW, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                                   int64_t dh, int64_t dw, const void *x, const void *w, void *y) {
  run(dtype, false, Conv{N, C, H, W, F, G, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw}, x, w, y);
}

extern "C" void mxrt_kernel_deconv2d(int32_t dtype, int64_t N, int64_t C, int64_t H, int64_t W,
                                     int64_t F, int64_t G, int64_t KH, int64_t KW, int64_t OH,
                                     int64_t OW, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                                     int64_t dh, int64_t dw, const void *x, const void *w,
                                     void *y) {
  run(dtype, true, Conv{N, C, H, W, F, G, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw}, x, w, y);
}
