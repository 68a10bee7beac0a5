// nn_pool.cc - Pooling (max, avg, sum, lp; global; 1-D/2-D/3-D, channel-
// first) and its gradient _backward_Pooling, and the activation layers
// with parameters: LeakyReLU.
//
// Pooling windows follow MXNet's pool kernels: a window starts at
// o * stride - pad and ends at min(start + kernel, in + pad); avg divides by
// that extent (count_include_pad, the default) or by the part inside the
// input. The output extents (valid/full/same conventions) come from the
// output array, which shape inference sized.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "mxrt/random.h"

#include <cmath>

namespace mxrt::kernels::cpu {

namespace {

/// Pooling's windows over 3 spatial axes (unused ones have extent 1).
struct PoolGeometry {
  int64_t k[3], st[3], pd[3], in[3], o[3];
  int64_t planes, inSize, outSize;

  /// Output position i's window: [b, e) clipped to the input; `area` is
  /// its extent clipped to the padded input (avg's count_include_pad).
  void window(int64_t i, int64_t b[3], int64_t e[3], int64_t &area) const {
    const int64_t oi[3] = {i / (o[1] * o[2]), i / o[2] % o[1], i % o[2]};
    area = 1;
    for (int d = 0; d < 3; ++d) {
      b[d] = oi[d] * st[d] - pd[d];
      e[d] = std::min(b[d] + k[d], in[d] + pd[d]);
      area *= e[d] - b[d];
      b[d] = std::max<int64_t>(b[d], 0);
      e[d] = std::min(e[d], in[d]);
    }
  }
};

/// The geometry of data (N, C, spatial...) pooled into out; Error names op.
PoolGeometry poolGeometry(const TShape &s, const PoolParams &p, const TShape &out, const char *op) {
  const int nd = s.ndim() - 2;
  MXRT_CHECK(nd >= 1 && nd <= 3 && out.ndim() == s.ndim(), "operator ", op, ": data ", s.str(),
             " must have rank 3 to 5 (channel-first), output ", out.str());
  MXRT_CHECK(p.global || int(p.kernel.size()) == nd, "operator ", op, ": kernel has ",
             p.kernel.size(), " entries for ", nd, "-D data ", s.str());
  MXRT_CHECK(out[0] == s[0] && out[1] == s[1], "operator ", op, ": output ", out.str(),
             " does not match data ", s.str());
  PoolGeometry g;
  for (int d = 0; d < nd; ++d) {
    g.in[d] = s[d + 2];
    g.o[d] = out[d + 2];
    g.k[d] = p.global ? g.in[d] : p.kernel[size_t(d)];
    g.st[d] = p.global || p.stride.empty() ? 1 : p.stride[size_t(d)];
    g.pd[d] = p.global || p.pad.empty() ? 0 : p.pad[size_t(d)];
    MXRT_CHECK(g.k[d] > 0 && g.st[d] > 0, "operator ", op, ": kernel and stride must be positive");
  }
  for (int d = nd; d < 3; ++d)
    g.in[d] = g.o[d] = g.k[d] = g.st[d] = 1, g.pd[d] = 0;
  MXRT_CHECK(p.type != PoolType::Lp || p.pValue == 1 || p.pValue == 2 || p.pValue == 3, "operator ",
             op, ": p_value=", p.pValue, " is not supported (1, 2 or 3, as MXNet)");
  g.planes = s[0] * s[1];
  g.inSize = g.in[0] * g.in[1] * g.in[2];
  g.outSize = g.o[0] * g.o[1] * g.o[2];
  return g;
}

/// The first element of window [b, e) in row-major order that equals y
/// (max pooling's argmax, as MXNet's unpool_max), or -1 (NaN windows).
template <class A, class T>
int64_t firstEqual(const T *x, const int64_t in[3], const int64_t b[3], const int64_t e[3], A y) {
  for (int64_t a0 = b[0]; a0 < e[0]; ++a0)
    for (int64_t a1 = b[1]; a1 < e[1]; ++a1)
      for (int64_t a2 = b[2]; a2 < e[2]; ++a2) {
        const int64_t j = (a0 * in[1] + a1) * in[2] + a2;
        if (load<A>(x[j]) == y)
          return j;
      }
  return -1;
}

} // namespace

void pooling(const TBlob &data, const PoolParams &p, const TBlob &out) {
  const char *op = "Pooling";
  checkDType(out, data.dtype, op, "out");
  const PoolGeometry g = poolGeometry(data.shape, p, out.shape, op);
  const int64_t planes = g.planes, inSize = g.inSize, outSize = g.outSize;
  const int64_t *in = g.in;
  if (out.numel() == 0)
    return;
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const T *x = data.ptr<T>();
    T *y = out.ptr<T>();
    const A pv = A(p.pValue);
    parallel(planes, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inSize)),
             [&](int64_t lo, int64_t hi) {
               for (int64_t pl = lo; pl < hi; ++pl) {
                 const T *xp = x + pl * inSize;
                 T *yp = y + pl * outSize;
                 for (int64_t i = 0; i < outSize; ++i) {
                   int64_t b[3], e[3], area;
                   g.window(i, b, e, area);
                   A acc = p.type == PoolType::Max ? -std::numeric_limits<A>::infinity() : A(0);
                   int64_t inside = 0;
                   for (int64_t a0 = b[0]; a0 < e[0]; ++a0)
                     for (int64_t a1 = b[1]; a1 < e[1]; ++a1)
                       for (int64_t a2 = b[2]; a2 < e[2]; ++a2) {
                         A v = load<A>(xp[(a0 * in[1] + a1) * in[2] + a2]);
                         ++inside;
                         switch (p.type) {
                         case PoolType::Max:
                           acc = (v > acc || std::isnan(v)) ? v : acc;
                           break;
                         case PoolType::Lp: // MXNet's a_pow_p: no abs
                           acc += pv == A(1) ? v : pv == A(2) ? v * v : v * v * v;
                           break;
                         default:
                           acc += v;
                         }
                       }
                   if (p.type == PoolType::Avg)
                     acc = acc / A(p.countIncludePad ? area : std::max<int64_t>(inside, 1));
                   else if (p.type == PoolType::Lp)
                     acc = pv == A(1) ? acc : pv == A(2) ? std::sqrt(acc) : std::cbrt(acc);
                   yp[i] = store<T>(acc);
                 }
               }
             });
  });
}

void poolingBackward(const TBlob &outGrad, const TBlob &data, const TBlob &output,
                     const PoolParams &p, const TBlob &dataGrad) {
  const char *op = "_backward_Pooling";
  checkDType(outGrad, data.dtype, op, "out_grad");
  checkDType(output, data.dtype, op, "output");
  checkDType(dataGrad, data.dtype, op, "data_grad");
  checkShape(output, outGrad.shape, op, "output");
  checkShape(dataGrad, data.shape, op, "data_grad");
  const PoolGeometry g = poolGeometry(data.shape, p, outGrad.shape, op);
  fill(dataGrad, 0);
  if (outGrad.numel() == 0 || data.numel() == 0)
    return;
  const int64_t *in = g.in;
  // MXNet's unpool kernels: each window adds its share of out_grad to the
  // inputs it read; overlapping windows accumulate. A plane is one task.
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const T *x = data.ptr<T>(), *y = output.ptr<T>(), *dy = outGrad.ptr<T>();
    T *dx = dataGrad.ptr<T>();
    const A pv = A(p.pValue);
    parallel(g.planes, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, g.inSize)),
             [&](int64_t lo, int64_t hi) {
               std::vector<A> acc(static_cast<size_t>(g.inSize));
               for (int64_t pl = lo; pl < hi; ++pl) {
                 const T *xp = x + pl * g.inSize;
                 std::fill(acc.begin(), acc.end(), A(0));
                 for (int64_t i = 0; i < g.outSize; ++i) {
                   int64_t b[3], e[3], area;
                   g.window(i, b, e, area);
                   const A gi = load<A>(dy[pl * g.outSize + i]);
                   const A yi = load<A>(y[pl * g.outSize + i]);
                   if (p.type == PoolType::Max) {
                     const int64_t j = firstEqual(xp, in, b, e, yi);
                     if (j >= 0)
                       acc[size_t(j)] += gi;
                     continue;
                   }
                   A share = gi;
                   if (p.type == PoolType::Avg)
                     share = gi / A(p.countIncludePad
                                        ? area
                                        : std::max<int64_t>(1, (e[0] - b[0]) * (e[1] - b[1]) *
                                                                   (e[2] - b[2])));
                   for (int64_t a0 = b[0]; a0 < e[0]; ++a0)
                     for (int64_t a1 = b[1]; a1 < e[1]; ++a1)
                       for (int64_t a2 = b[2]; a2 < e[2]; ++a2) {
                         const int64_t j = (a0 * in[1] + a1) * in[2] + a2;
                         if (p.type != PoolType::Lp)
                           acc[size_t(j)] += share;
                         else if (gi != A(0)) // lp: dy * x^(p-1) / y^(p-1), MXNet's lp_grad
                           acc[size_t(j)] +=
                               gi * std::pow(load<A>(xp[j]), pv - A(1)) / std::pow(yi, pv - A(1));
                       }
                 }
                 T *dxp = dx + pl * g.inSize;
                 for (int64_t j = 0; j < g.inSize; ++j)
                   dxp[j] = store<T>(acc[size_t(j)]);
               }
             });
  });
}

void leakyRelu(const TBlob &data, const TBlob *gamma, LeakyParams p, const TBlob &out,
               const TBlob *mask) {
  const char *op = "LeakyReLU";
  checkDType(out, data.dtype, op, "out");
  checkSameSize(data, out, op, "data", "out");
  // prelu's gamma runs along axis 1 (one slope per channel), or is one value.
  int64_t inner = 1, channels = 1;
  if (p.type == LeakyType::PRelu) {
    MXRT_CHECK(gamma, "operator LeakyReLU: prelu needs the gamma input");
    channels = gamma->numel();
    if (channels > 1) {
      MXRT_CHECK(data.shape.ndim() >= 2 && data.shape[1] == channels,
                 "operator LeakyReLU: gamma has shape ", gamma->shape.str(),
                 ", expected one slope per channel of data ", data.shape.str());
      inner = data.shape.prod(2, data.shape.ndim());
    }
  }
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const T *x = data.ptr<T>();
    T *y = out.ptr<T>();
    const T *g = gamma ? gamma->ptr<T>() : nullptr;
    const A slope =
        A(p.type == LeakyType::RRelu && !p.training ? (p.lower + p.upper) / 2 : p.slope);
    constexpr A kAlpha = A(1.6732632423543772848170429916717);
    constexpr A kLambda = A(1.0507009873554804934193349852946);
    const int64_t n = data.numel();
    std::vector<T> randomSlope;
    if (p.type == LeakyType::RRelu && p.training) {
      MXRT_CHECK(mask, "operator LeakyReLU: rrelu in training needs the mask output");
      randomFill(RandomKind::Uniform, p.random, p.lower, p.upper, *mask);
    }
    parallel(n, kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        const A v = load<A>(x[i]);
        A r;
        switch (p.type) {
        case LeakyType::Leaky:
          r = v > 0 ? v : slope * v;
          break;
        case LeakyType::PRelu:
          r = v > 0 ? v : load<A>(g[channels > 1 ? i / inner % channels : 0]) * v;
          break;
        case LeakyType::Elu:
          r = v > 0 ? v : slope * (std::exp(v) - A(1));
          break;
        case LeakyType::Selu:
          r = kLambda * (v > 0 ? v : kAlpha * (std::exp(v) - A(1)));
          break;
        case LeakyType::Gelu:
          r = A(0.5) * v * (A(1) + std::erf(v * A(0.7071067811865476)));
          break;
        case LeakyType::RRelu:
          r = v > 0 ? v : (p.training ? load<A>(mask->ptr<T>()[i]) : slope) * v;
          break;
        }
        y[i] = store<T>(r);
      }
    });
    if (mask && p.type == LeakyType::RRelu && !p.training)
      fill(*mask, double(slope));
  });
}

// ---- op registration -----------------------------------------------------------

namespace {

PoolType poolType(const std::string &t) {
  if (t == "max")
    return PoolType::Max;
  if (t == "avg")
    return PoolType::Avg;
  if (t == "sum")
    return PoolType::Sum;
  if (t == "lp")
    return PoolType::Lp;
  fail("operator Pooling: pool_type='", t, "' is not supported");
}

/// Pooling's attributes (also _backward_Pooling's).
PoolParams poolParams(const Attrs &a) {
  if (!a.isNone("layout")) {
    const std::string &l = a.getStr("layout");
    MXRT_CHECK(l == "NCW" || l == "NCHW" || l == "NCDHW", "operator ", a.op().name, ": layout ", l,
               " is not supported on CPU (channel-first only)");
  }
  PoolParams p;
  p.type = poolType(a.getStr("pool_type"));
  p.global = a.getBool("global_pool");
  p.kernel = a.getShape("kernel");
  p.stride = a.getShape("stride");
  p.pad = a.getShape("pad");
  std::optional<int64_t> pv = a.getOptInt("p_value");
  p.pValue = pv ? double(*pv) : 2.0;
  const AttrValue &cip = a.get("count_include_pad");
  p.countIncludePad = !std::holds_alternative<bool>(cip) || std::get<bool>(cip);
  return p;
}

LeakyType leakyType(const std::string &t) {
  if (t == "leaky")
    return LeakyType::Leaky;
  if (t == "prelu")
    return LeakyType::PRelu;
  if (t == "elu")
    return LeakyType::Elu;
  if (t == "selu")
    return LeakyType::Selu;
  if (t == "gelu")
    return LeakyType::Gelu;
  if (t == "rrelu")
    return LeakyType::RRelu;
  fail("operator LeakyReLU: act_type='", t, "' is not supported");
}

const KernelRegistrar registrations([] {
  registerKernel("Pooling", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, std::span<const TBlob> in,
                    std::span<const TBlob> out) { pooling(in[0], poolParams(a), out[0]); });
  registerKernel(
      "_backward_Pooling", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        poolingBackward(in[0], in[1], in[2], poolParams(a), out[0]);
      });
  registerKernel(
      "LeakyReLU", DeviceType::CPU,
      [](const OpContext &ctx, const Attrs &a, std::span<const TBlob> in,
         std::span<const TBlob> out) {
        LeakyParams p;
        p.type = leakyType(a.getStr("act_type"));
        p.slope = a.getFloat("slope");
        p.lower = a.getFloat("lower_bound");
        p.upper = a.getFloat("upper_bound");
        p.training = ctx.isTrain;
        const TBlob *mask = out.size() > 1 ? &out[1] : nullptr;
        if (p.type == LeakyType::RRelu && p.training && mask) {
          RandomStream s = reserveRandom(ctx.run.ctx, randomBlocks(mask->dtype, mask->numel()));
          p.random = {s.key, s.block};
        }
        leakyRelu(in[0], in.size() > 1 ? &in[1] : nullptr, p, out[0], mask);
      },
      true);
});

} // namespace
} // namespace mxrt::kernels::cpu
