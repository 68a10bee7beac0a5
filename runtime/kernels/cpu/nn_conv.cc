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

void deconvolution(const TBlob &data, const TBlob &weight, const TBlob *bias,
                   std::span<const int64_t> kernel, std::span<const int64_t> stride,
                   std::span<const int64_t> dilate, std::span<const int64_t> pad, int64_t groups,
                   const TBlob &out) {
  const char *op = "Deconvolution";
  checkDType(weight, data.dtype, op, "weight");
  checkDType(out, data.dtype, op, "out");
  const int nd = int(kernel.size());
  const TShape &s = data.shape, &o = out.shape;
  MXRT_CHECK(nd >= 1 && nd <= 3 && s.ndim() == nd + 2 && o.ndim() == nd + 2 && o[0] == s[0],
             "operator Deconvolution: kernel ", nd, "-D with data ", s.str(), " and output ",
             o.str());
  const int64_t N = s[0], C = s[1], F = o[1];
  MXRT_CHECK(groups > 0 && C % groups == 0 && F % groups == 0 && weight.shape.ndim() == nd + 2 &&
                 weight.shape[0] == C && weight.shape[1] == F / groups,
             "operator Deconvolution: weight ", weight.shape.str(), " does not match data ",
             s.str(), ", output ", o.str(), " and num_group=", groups);
  if (bias)
    MXRT_CHECK(bias->numel() == F, "operator Deconvolution: bias has shape ", bias->shape.str(),
               ", expected (", F, ",)");
  int64_t k[3] = {1, 1, 1}, st[3] = {1, 1, 1}, dl[3] = {1, 1, 1}, pd[3] = {0, 0, 0},
          in[3] = {1, 1, 1}, ou[3] = {1, 1, 1};
  for (int d = 0; d < nd; ++d) {
    k[d] = kernel[size_t(d)];
    st[d] = stride.empty() ? 1 : stride[size_t(d)];
    dl[d] = dilate.empty() ? 1 : dilate[size_t(d)];
    pd[d] = pad.empty() ? 0 : pad[size_t(d)];
    in[d] = s[d + 2];
    ou[d] = o[d + 2];
  }
  const int64_t Cg = C / groups, Fg = F / groups, inSize = in[0] * in[1] * in[2],
                outSize = ou[0] * ou[1] * ou[2], kSize = k[0] * k[1] * k[2];
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const T *x = data.ptr<T>(), *w = weight.ptr<T>();
    T *y = out.ptr<T>();
    // The transpose of Convolution's gather: input position i and kernel
    // tap q add x * w to output position i * stride - pad + q * dilate.
    // One (sample, output channel) plane per task.
    parallel(N * F, 1, [&](int64_t lo, int64_t hi) {
      std::vector<A> acc(static_cast<size_t>(outSize));
      for (int64_t t = lo; t < hi; ++t) {
        const int64_t n = t / F, fo = t % F, g = fo / Fg, f = fo % Fg;
        std::fill(acc.begin(), acc.end(), bias ? load<A>(bias->ptr<T>()[fo]) : A(0));
        for (int64_t c = g * Cg; c < (g + 1) * Cg; ++c) {
          const T *xp = x + (n * C + c) * inSize;
          const T *wp = w + (c * Fg + f) * kSize;
          for (int64_t i = 0; i < inSize; ++i) {
            const int64_t ii[3] = {i / (in[1] * in[2]), i / in[2] % in[1], i % in[2]};
            const A xv = load<A>(xp[i]);
            for (int64_t q = 0; q < kSize; ++q) {
              const int64_t qq[3] = {q / (k[1] * k[2]), q / k[2] % k[1], q % k[2]};
              int64_t pos = 0;
              bool inside = true;
              for (int d = 0; d < 3 && inside; ++d) {
                const int64_t od = ii[d] * st[d] - pd[d] + qq[d] * dl[d];
                inside = od >= 0 && od < ou[d];
                pos = pos * ou[d] + od;
              }
              if (inside)
                acc[size_t(pos)] += xv * load<A>(wp[q]);
            }
          }
        }
        T *yp = y + t * outSize;
        for (int64_t j = 0; j < outSize; ++j)
          yp[j] = store<T>(acc[size_t(j)]);
      }
    });
  });
}

/// Deconvolution's pad: given, or from target_shape (MXNet's InferPad: the
/// total stride * (in - 1) + dilated kernel - target, half of it rounded
/// up; the odd remainder is adj, which only the output's size reflects).
std::vector<int64_t> deconvPad(const TShape &data, std::span<const int64_t> kernel,
                               std::span<const int64_t> stride, std::span<const int64_t> dilate,
                               std::span<const int64_t> pad, std::span<const int64_t> target) {
  bool useTarget = !target.empty();
  for (int64_t v : target)
    useTarget = useTarget && v > 0;
  if (!useTarget)
    return {pad.begin(), pad.end()};
  std::vector<int64_t> p(kernel.size());
  for (size_t d = 0; d < kernel.size(); ++d) {
    const int64_t st = stride.empty() ? 1 : stride[d], dl = dilate.empty() ? 1 : dilate[d];
    const int64_t total = st * (data[int(d) + 2] - 1) + dl * (kernel[d] - 1) + 1 - target[d];
    MXRT_CHECK(total >= 0, "operator Deconvolution: target_shape ", target[d],
               " is too large for data ", data.str());
    p[d] = (total + 1) / 2;
  }
  return p;
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
  registerKernel(
      "Deconvolution", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        if (!a.isNone("layout")) {
          const std::string &l = a.getStr("layout");
          MXRT_CHECK(l == "NCW" || l == "NCHW" || l == "NCDHW", "operator Deconvolution: layout ",
                     l, " is not supported on CPU (channel-first only)");
        }
        const std::vector<int64_t> &k = a.getShape("kernel"), &st = a.getShape("stride"),
                                   &dl = a.getShape("dilate");
        deconvolution(
            in[0], in[1], a.getBool("no_bias") ? nullptr : &in[2], k, st, dl,
            deconvPad(in[0].shape, k, st, dl, a.getShape("pad"), a.getShape("target_shape")),
            a.getInt("num_group"), out[0]);
      });
});
} // namespace
} // namespace mxrt::kernels::cpu
