// nn_conv.cc - Convolution (1-D/2-D/3-D, channel-first, groups, stride,
// dilation, padding) as im2col + GEMM.
//
// Per image and group: col (C/g * K, P) gathers the receptive fields of the
// P output positions, then out (F/g, P) = W_g (F/g, C/g * K) col. A 1x1
// convolution with unit stride and no padding skips im2col (col is the
// input itself). With at least as many images as workers, images run in
// parallel with single-threaded GEMMs; otherwise each GEMM is split.
// float16/bfloat16 convolve in float32.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"

#include <vector>

namespace mxrt::kernels::cpu {
namespace {

/// Fills col (C * prod(k), prod(outSpatial)) for one image of one group.
template <class T> void im2col(const T *x, int64_t C, const ConvGeometry &g, T *col) {
  const int nd = g.ndim;
  int64_t kSize = 1, pSize = 1;
  for (int d = 0; d < nd; ++d) {
    kSize *= g.kernel[d];
    pSize *= g.out[d];
  }
  int64_t inSize = 1;
  for (int d = 0; d < nd; ++d)
    inSize *= g.in[d];
  for (int64_t c = 0; c < C; ++c)
    for (int64_t k = 0; k < kSize; ++k) {
      // kernel offset per dim
      int64_t kd[3] = {0, 0, 0}, rem = k;
      for (int d = nd - 1; d >= 0; --d) {
        kd[d] = rem % g.kernel[d];
        rem /= g.kernel[d];
      }
      T *dst = col + (c * kSize + k) * pSize;
      const T *src = x + c * inSize;
      int64_t p = 0;
      // Iterate output positions; the innermost dim is a strided row.
      int64_t o[3] = {0, 0, 0};
      const int64_t rows = pSize / g.out[nd - 1];
      for (int64_t r = 0; r < rows; ++r) {
        int64_t off = 0;
        bool valid = true;
        for (int d = 0; d < nd - 1; ++d) {
          int64_t i = o[d] * g.stride[d] - g.pad[d] + kd[d] * g.dilate[d];
          valid = valid && i >= 0 && i < g.in[d];
          off = off * g.in[d] + i;
        }
        const int dl = nd - 1;
        const int64_t W = g.in[dl], s = g.stride[dl];
        const int64_t i0 = kd[dl] * g.dilate[dl] - g.pad[dl];
        for (int64_t ow = 0; ow < g.out[dl]; ++ow, ++p) {
          int64_t i = ow * s + i0;
          dst[p] = (valid && i >= 0 && i < W) ? src[off * W + i] : T(0);
        }
        for (int d = nd - 2; d >= 0; --d) {
          if (++o[d] < g.out[d])
            break;
          o[d] = 0;
        }
      }
    }
}

template <class T>
void convT(const T *x, const T *w, const T *bias, T *y, int64_t N, int64_t C, int64_t F,
           const ConvGeometry &g) {
  const int64_t G = g.groups, Cg = C / G, Fg = F / G;
  int64_t kSize = 1, pSize = 1, inSize = 1;
  for (int d = 0; d < g.ndim; ++d) {
    kSize *= g.kernel[d];
    pSize *= g.out[d];
    inSize *= g.in[d];
  }
  bool direct = kSize == 1;
  for (int d = 0; d < g.ndim; ++d)
    direct = direct && g.stride[d] == 1 && g.pad[d] == 0 && g.out[d] == g.in[d];
  const int64_t K = Cg * kSize;
  auto image = [&](int64_t n, std::vector<T> &col) {
    for (int64_t gi = 0; gi < G; ++gi) {
      const T *xg = x + (n * C + gi * Cg) * inSize;
      const T *B = xg;
      if (!direct) {
        col.resize(size_t(K * pSize));
        im2col(xg, Cg, g, col.data());
        B = col.data();
      }
      T *yg = y + (n * F + gi * Fg) * pSize;
      gemm(false, false, Fg, pSize, K, T(1), w + gi * Fg * K, K, B, pSize, T(0), yg, pSize);
      if (bias)
        for (int64_t f = 0; f < Fg; ++f) {
          const T b = bias[gi * Fg + f];
          for (int64_t p = 0; p < pSize; ++p)
            yg[f * pSize + p] += b;
        }
    }
  };
  if (N >= cpuThreads() && !serialForced()) {
    parallel(N, 1, [&](int64_t lo, int64_t hi) {
      SerialScope serial;
      std::vector<T> col;
      for (int64_t n = lo; n < hi; ++n)
        image(n, col);
    });
  } else {
    std::vector<T> col;
    for (int64_t n = 0; n < N; ++n)
      image(n, col);
  }
}

} // namespace

ConvGeometry convGeometry(const TShape &data, std::span<const int64_t> kernel,
                          std::span<const int64_t> stride, std::span<const int64_t> dilate,
                          std::span<const int64_t> pad, int64_t groups, const char *op) {
  ConvGeometry g;
  g.ndim = int(kernel.size());
  MXRT_CHECK(g.ndim >= 1 && g.ndim <= 3 && data.ndim() == g.ndim + 2, "operator ", op, ": kernel ",
             kernel.size(), "-D needs data of rank ", kernel.size() + 2, ", got ", data.str());
  auto pick = [&](std::span<const int64_t> v, int d, int64_t dflt, const char *name) {
    MXRT_CHECK(v.empty() || int(v.size()) == g.ndim, "operator ", op, ": ", name, " has ", v.size(),
               " entries, expected ", g.ndim);
    return v.empty() ? dflt : v[size_t(d)];
  };
  g.groups = groups;
  for (int d = 0; d < g.ndim; ++d) {
    g.kernel[d] = kernel[size_t(d)];
    g.stride[d] = pick(stride, d, 1, "stride");
    g.dilate[d] = pick(dilate, d, 1, "dilate");
    g.pad[d] = pick(pad, d, 0, "pad");
    g.in[d] = data[d + 2];
    MXRT_CHECK(g.kernel[d] > 0 && g.stride[d] > 0 && g.dilate[d] > 0 && g.pad[d] >= 0, "operator ",
               op, ": kernel, stride and dilate must be positive and pad >= 0");
    const int64_t span = (g.kernel[d] - 1) * g.dilate[d] + 1;
    g.out[d] = (g.in[d] + 2 * g.pad[d] - span) / g.stride[d] + 1;
    MXRT_CHECK(g.in[d] + 2 * g.pad[d] >= span, "operator ", op, ": kernel extent ", span,
               " exceeds the padded input extent ", g.in[d] + 2 * g.pad[d], " of data ",
               data.str());
  }
  return g;
}

void convolution(const TBlob &data, const TBlob &weight, const TBlob *bias, const ConvGeometry &g,
                 const TBlob &out) {
  const char *op = "Convolution";
  checkDType(weight, data.dtype, op, "weight");
  checkDType(out, data.dtype, op, "out");
  const int64_t N = data.shape[0], C = data.shape[1], F = weight.shape[0];
  MXRT_CHECK(C % g.groups == 0 && F % g.groups == 0, "operator Convolution: num_group=", g.groups,
             " must divide the input channels ", C, " and num_filter ", F);
  int64_t kSize = 1, pSize = 1;
  for (int d = 0; d < g.ndim; ++d) {
    kSize *= g.kernel[d];
    pSize *= g.out[d];
  }
  MXRT_CHECK(weight.numel() == F * (C / g.groups) * kSize,
             "operator Convolution: argument "
             "'weight' has shape ",
             weight.shape.str(), ", expected ", F * (C / g.groups) * kSize,
             " elements (num_filter, channels / num_group, kernel...)");
  MXRT_CHECK(out.numel() == N * F * pSize, "operator Convolution: output has ", out.numel(),
             " elements, expected ", N * F * pSize);
  if (bias) {
    checkDType(*bias, data.dtype, op, "bias");
    MXRT_CHECK(bias->numel() == F, "operator Convolution: argument 'bias' has shape ",
               bias->shape.str(), ", expected (", F, ",)");
  }
  if (out.numel() == 0)
    return;
  switch (data.dtype) {
  case DType::Float32:
    return convT(data.ptr<float>(), weight.ptr<float>(), bias ? bias->ptr<float>() : nullptr,
                 out.ptr<float>(), N, C, F, g);
  case DType::Float64:
    return convT(data.ptr<double>(), weight.ptr<double>(), bias ? bias->ptr<double>() : nullptr,
                 out.ptr<double>(), N, C, F, g);
  case DType::Float16:
  case DType::BFloat16: {
    auto widen = [](const TBlob &b) {
      std::vector<float> v(static_cast<size_t>(b.numel()));
      cast(b, TBlob{v.data(), b.shape, DType::Float32, b.ctx});
      return v;
    };
    std::vector<float> x = widen(data), w = widen(weight), b, y(static_cast<size_t>(out.numel()));
    if (bias)
      b = widen(*bias);
    convT(x.data(), w.data(), bias ? b.data() : nullptr, y.data(), N, C, F, g);
    cast(TBlob{y.data(), out.shape, DType::Float32, out.ctx}, out);
    return;
  }
  default:
    failUnsupportedDType(data.dtype, op);
  }
}

// ---- op registration -----------------------------------------------------------

namespace {
const KernelRegistrar registrations([] {
  registerKernel(
      "Convolution", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        if (!a.isNone("layout")) {
          const std::string &l = a.getStr("layout");
          MXRT_CHECK(l == "NCW" || l == "NCHW" || l == "NCDHW", "operator Convolution: layout ", l,
                     " is not supported on CPU (channel-first only)");
        }
        ConvGeometry g = convGeometry(in[0].shape, a.getShape("kernel"), a.getShape("stride"),
                                      a.getShape("dilate"), a.getShape("pad"),
                                      a.getInt("num_group"), "Convolution");
        convolution(in[0], in[1], a.getBool("no_bias") ? nullptr : &in[2], g, out[0]);
      });
});
} // namespace
} // namespace mxrt::kernels::cpu
