// nn_norm.cc - normalization layers and softmax: BatchNorm, LayerNorm,
// InstanceNorm, GroupNorm, L2Normalization, LRN, softmax/log_softmax/softmin,
// softmax_cross_entropy, SoftmaxOutput and SoftmaxActivation (forward).
//
// All of them reduce along one axis of an (outer, axis, inner) view and then
// map every element; statistics accumulate in double for float64 and float
// otherwise, one (outer, inner) line per task.
//
// BatchNorm follows MXNet 1.x: in training (and not use_global_stats) it
// normalizes with the batch mean and biased variance and returns them as
// `mean` and `var` = 1 / sqrt(variance + eps); otherwise it uses the moving
// statistics and returns those (var again as an inverse std). MXNet updates
// the moving statistics in the backward pass of a training forward; we do
// it in the training forward itself (moving = moving * momentum + batch *
// (1 - momentum)), which is the same update once per training step.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"

#include <cmath>
#include <limits>

namespace mxrt::kernels::cpu {
namespace {

struct AxisView {
  int64_t outer, n, inner;
};

AxisView axisView(const TShape &s, int64_t axis, const char *op) {
  const int a = normalizeAxis(axis, s.ndim(), op);
  return {s.prod(0, a), s[a], s.prod(a + 1, s.ndim())};
}

template <class T> using stat_t = std::conditional_t<std::is_same_v<T, double>, double, float>;

/// Mean and biased variance of n elements x[0], x[stride], ... (two passes).
template <class A, class T> std::pair<A, A> meanVar(const T *x, int64_t n, int64_t stride) {
  A s = 0, ss = 0;
  for (int64_t k = 0; k < n; ++k)
    s += load<A>(x[k * stride]);
  const A mu = s / A(n);
  for (int64_t k = 0; k < n; ++k) {
    const A d = load<A>(x[k * stride]) - mu;
    ss += d * d;
  }
  return {mu, ss / A(n)};
}

} // namespace

void batchNorm(const TBlob &data, const TBlob &gamma, const TBlob &beta, const TBlob &movingMean,
               const TBlob &movingVar, const BatchNormParams &p, const TBlob &out,
               const TBlob *mean, const TBlob *var) {
  const char *op = "BatchNorm";
  checkDType(out, data.dtype, op, "out");
  const AxisView v = axisView(data.shape, p.axis, op);
  for (auto [b, name] : {std::pair{&gamma, "gamma"},
                         {&beta, "beta"},
                         {&movingMean, "moving_mean"},
                         {&movingVar, "moving_var"}})
    MXRT_CHECK(b->numel() == v.n, "operator BatchNorm: argument '", name, "' has shape ",
               b->shape.str(), ", expected (", v.n, ",)");
  const bool batchStats = p.training && !p.useGlobalStats;
  const int64_t count = v.outer * v.inner;
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    // The parameters and statistics are float32 for 16-bit data (MXNet).
    MXRT_FLOAT_SWITCH(gamma.dtype, P, "BatchNorm parameters", {
      using A = stat_t<T>;
      const T *x = data.ptr<T>();
      T *y = out.ptr<T>();
      P *mm = movingMean.ptr<P>(), *mv = movingVar.ptr<P>();
      parallel(v.n, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t c = lo; c < hi; ++c) {
          A mu, invstd;
          if (batchStats) {
            A s = 0, ss = 0;
            for (int64_t o = 0; o < v.outer; ++o) {
              const T *row = x + (o * v.n + c) * v.inner;
              for (int64_t i = 0; i < v.inner; ++i)
                s += load<A>(row[i]);
            }
            mu = count ? s / A(count) : A(0);
            for (int64_t o = 0; o < v.outer; ++o) {
              const T *row = x + (o * v.n + c) * v.inner;
              for (int64_t i = 0; i < v.inner; ++i) {
                A d = load<A>(row[i]) - mu;
                ss += d * d;
              }
            }
            A variance = count ? ss / A(count) : A(0);
            invstd = A(1) / std::sqrt(variance + A(p.eps));
            mm[c] = store<P>(load<A>(mm[c]) * A(p.momentum) + mu * A(1 - p.momentum));
            mv[c] = store<P>(load<A>(mv[c]) * A(p.momentum) + variance * A(1 - p.momentum));
          } else {
            mu = load<A>(mm[c]);
            invstd = A(1) / std::sqrt(load<A>(mv[c]) + A(p.eps));
          }
          if (mean)
            mean->ptr<P>()[c] = store<P>(mu);
          if (var)
            var->ptr<P>()[c] = store<P>(invstd);
          const A g = p.fixGamma ? A(1) : load<A>(gamma.ptr<P>()[c]);
          const A scale = g * invstd, shift = load<A>(beta.ptr<P>()[c]) - mu * scale;
          for (int64_t o = 0; o < v.outer; ++o) {
            const T *row = x + (o * v.n + c) * v.inner;
            T *orow = y + (o * v.n + c) * v.inner;
            for (int64_t i = 0; i < v.inner; ++i)
              orow[i] = store<T>(load<A>(row[i]) * scale + shift);
          }
        }
      });
    });
  });
}

void layerNorm(const TBlob &data, const TBlob &gamma, const TBlob &beta, int64_t axis, double eps,
               const TBlob &out, const TBlob *mean, const TBlob *stdOut) {
  const char *op = "LayerNorm";
  checkDType(out, data.dtype, op, "out");
  const AxisView v = axisView(data.shape, axis, op);
  MXRT_CHECK(gamma.numel() == v.n && beta.numel() == v.n, "operator LayerNorm: gamma ",
             gamma.shape.str(), " and beta ", beta.shape.str(), " must have shape (", v.n, ",)");
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = stat_t<T>;
    const T *x = data.ptr<T>(), *g = gamma.ptr<T>(), *b = beta.ptr<T>();
    T *y = out.ptr<T>();
    parallel(v.outer * v.inner, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, v.n)),
             [&](int64_t lo, int64_t hi) {
               for (int64_t t = lo; t < hi; ++t) {
                 const int64_t base = t / v.inner * v.n * v.inner + t % v.inner;
                 const auto [mu, var] = meanVar<A>(x + base, v.n, v.inner);
                 const A sd = std::sqrt(var + A(eps));
                 for (int64_t k = 0; k < v.n; ++k) {
                   const int64_t i = base + k * v.inner;
                   y[i] = store<T>((load<A>(x[i]) - mu) / sd * load<A>(g[k]) + load<A>(b[k]));
                 }
                 if (mean)
                   mean->ptr<T>()[t] = store<T>(mu);
                 if (stdOut)
                   stdOut->ptr<T>()[t] = store<T>(sd);
               }
             });
  });
}

void groupNorm(const TBlob &data, const TBlob &gamma, const TBlob &beta, int64_t groups, double eps,
               bool spreadIsVar, const TBlob &out, const TBlob *mean, const TBlob *spread) {
  const char *op = spreadIsVar ? "InstanceNorm" : "GroupNorm";
  checkDType(out, data.dtype, op, "out");
  checkShape(out, data.shape, op, "out");
  const TShape &s = data.shape;
  MXRT_CHECK(s.ndim() >= 3 && groups > 0 && s[1] % groups == 0, "operator ", op, ": data ", s.str(),
             " must be (N, C, spatial...) with C divisible by ", groups, " groups");
  MXRT_CHECK(gamma.numel() == groups && beta.numel() == groups, "operator ", op, ": gamma ",
             gamma.shape.str(), " and beta ", beta.shape.str(), " must have ", groups, " elements");
  const int64_t rows = s[0] * groups, len = s.prod(1, s.ndim()) / groups;
  for (const TBlob *b : {mean, spread})
    if (b)
      MXRT_CHECK(b->numel() == rows, "operator ", op, ": statistics output has shape ",
                 b->shape.str(), ", expected (", s[0], ", ", groups, ")");
  if (data.numel() == 0)
    return;
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = stat_t<T>;
    const T *x = data.ptr<T>(), *g = gamma.ptr<T>(), *b = beta.ptr<T>();
    T *y = out.ptr<T>();
    parallel(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, len)),
             [&](int64_t lo, int64_t hi) {
               for (int64_t r = lo; r < hi; ++r) {
                 const T *xr = x + r * len;
                 const auto [mu, var] = meanVar<A>(xr, len, 1);
                 const A sd = std::sqrt(var + A(eps));
                 const A scale = load<A>(g[r % groups]) / sd, shift = load<A>(b[r % groups]);
                 for (int64_t k = 0; k < len; ++k)
                   y[r * len + k] = store<T>((load<A>(xr[k]) - mu) * scale + shift);
                 if (mean)
                   mean->ptr<T>()[r] = store<T>(mu);
                 if (spread)
                   spread->ptr<T>()[r] = store<T>(spreadIsVar ? var : sd);
               }
             });
  });
}

void l2Normalization(const TBlob &data, L2Mode mode, double eps, const TBlob &out,
                     const TBlob *norm) {
  const char *op = "L2Normalization";
  checkDType(out, data.dtype, op, "out");
  checkShape(out, data.shape, op, "out");
  const TShape &s = data.shape;
  MXRT_CHECK(s.ndim() >= (mode == L2Mode::Instance ? 1 : 3), "operator ", op, ": data ", s.str(),
             " has too few axes for this mode");
  // An (outer, n, inner) view summed along n.
  AxisView v{s[0], s.prod(1, s.ndim()), 1};
  if (mode == L2Mode::Channel)
    v = {s[0], s[1], s.prod(2, s.ndim())};
  else if (mode == L2Mode::Spatial)
    v = {s[0] * s[1], s.prod(2, s.ndim()), 1};
  if (norm)
    MXRT_CHECK(norm->numel() == v.outer * v.inner, "operator ", op, ": norm has shape ",
               norm->shape.str(), ", expected ", v.outer * v.inner, " elements");
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = stat_t<T>;
    const T *x = data.ptr<T>();
    T *y = out.ptr<T>();
    parallel(v.outer * v.inner, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, v.n)),
             [&](int64_t lo, int64_t hi) {
               for (int64_t t = lo; t < hi; ++t) {
                 const int64_t base = t / v.inner * v.n * v.inner + t % v.inner;
                 A ss = 0;
                 for (int64_t k = 0; k < v.n; ++k) {
                   const A e = load<A>(x[base + k * v.inner]);
                   ss += e * e;
                 }
                 const A nrm = std::sqrt(ss + A(eps));
                 for (int64_t k = 0; k < v.n; ++k)
                   y[base + k * v.inner] = store<T>(load<A>(x[base + k * v.inner]) / nrm);
                 if (norm)
                   norm->ptr<T>()[t] = store<T>(nrm);
               }
             });
  });
}

void lrn(const TBlob &data, int64_t nsize, double alpha, double beta, double knorm,
         const TBlob &out, const TBlob *norm) {
  const char *op = "LRN";
  checkDType(out, data.dtype, op, "out");
  checkShape(out, data.shape, op, "out");
  const TShape &s = data.shape;
  MXRT_CHECK(s.ndim() >= 2 && nsize > 0 && nsize % 2 == 1, "operator LRN: data ", s.str(),
             " must be (N, C, ...) and nsize (", nsize, ") odd, as MXNet");
  if (norm)
    checkShape(*norm, s, op, "tmp_norm");
  const int64_t C = s[1], inner = s.prod(2, s.ndim()), half = nsize / 2;
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = stat_t<T>;
    const T *x = data.ptr<T>();
    T *y = out.ptr<T>();
    // One (sample, position) line across the channels per task; channel c
    // sums the squares over [c - nsize/2, c + nsize/2] (clipped).
    parallel(s[0] * inner, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, C)),
             [&](int64_t lo, int64_t hi) {
               for (int64_t t = lo; t < hi; ++t) {
                 const int64_t base = t / inner * C * inner + t % inner;
                 auto sq = [&](int64_t c) {
                   const A v = load<A>(x[base + c * inner]);
                   return v * v;
                 };
                 for (int64_t c = 0; c < C; ++c) {
                   A sum = 0;
                   for (int64_t k = std::max<int64_t>(0, c - half);
                        k <= std::min<int64_t>(C - 1, c + half); ++k)
                     sum += sq(k);
                   const A n = A(knorm) + A(alpha) / A(nsize) * sum;
                   const int64_t i = base + c * inner;
                   y[i] = store<T>(load<A>(x[i]) * std::pow(n, -A(beta)));
                   if (norm)
                     norm->ptr<T>()[i] = store<T>(n);
                 }
               }
             });
  });
}

void softmaxCrossEntropy(const TBlob &data, const TBlob &label, const TBlob &out) {
  const char *op = "softmax_cross_entropy";
  checkDType(out, data.dtype, op, "out");
  MXRT_CHECK(data.shape.ndim() == 2 && label.numel() == data.shape[0] && out.numel() == 1,
             "operator softmax_cross_entropy: data ", data.shape.str(), " must be (N, K), label ",
             label.shape.str(), " (N,) and the output one element, got ", out.shape.str());
  const int64_t rows = data.shape[0], k = data.shape[1];
  std::vector<int64_t> lab(static_cast<size_t>(rows));
  MXRT_DTYPE_SWITCH(label.dtype, L, {
    for (int64_t i = 0; i < rows; ++i)
      lab[size_t(i)] = int64_t(load<double>(label.ptr<L>()[i]));
  });
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    using A = stat_t<T>;
    const T *x = data.ptr<T>();
    A total = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const T *xr = x + i * k;
      const int64_t l = lab[size_t(i)];
      MXRT_CHECK(l >= 0 && l < k, "operator softmax_cross_entropy: label ", l, " of row ", i,
                 " is outside [0, ", k, ")");
      A m = -std::numeric_limits<A>::infinity(), s = 0;
      for (int64_t j = 0; j < k; ++j)
        m = std::max(m, load<A>(xr[j]));
      for (int64_t j = 0; j < k; ++j)
        s += std::exp(load<A>(xr[j]) - m);
      // MXNet: -log(max(softmax[label], 1e-8)).
      total -= std::log(std::max(std::exp(load<A>(xr[l]) - m) / s, A(1e-8)));
    }
    out.ptr<T>()[0] = store<T>(total);
  });
}

void softmax(const TBlob &data, int64_t axis, double temperature, SoftmaxKind kind,
             const TBlob *length, const TBlob &out) {
  const char *op = kind == SoftmaxKind::Log ? "log_softmax" : "softmax";
  checkSameSize(data, out, op, "data", "out");
  const AxisView v = axisView(data.shape, axis, op);
  std::vector<int64_t> lengths;
  if (length) {
    MXRT_CHECK(length->numel() == v.outer * v.inner, "operator ", op, ": length has shape ",
               length->shape.str(), ", expected ", v.outer * v.inner, " elements");
    lengths.resize(size_t(length->numel()));
    MXRT_DTYPE_SWITCH(length->dtype, L, {
      for (size_t i = 0; i < lengths.size(); ++i)
        lengths[i] = int64_t(load<double>(length->ptr<L>()[i]));
    });
  }
  const bool negate = kind == SoftmaxKind::Min;
  MXRT_FLOAT_SWITCH(data.dtype, T, op, {
    MXRT_FLOAT_SWITCH(out.dtype, TO, op, {
      using A = std::conditional_t<std::is_same_v<T, double> || std::is_same_v<TO, double>, double,
                                   float>;
      const T *x = data.ptr<T>();
      TO *y = out.ptr<TO>();
      const A invT = A(1 / temperature);
      parallel(v.outer * v.inner, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, v.n)),
               [&](int64_t lo, int64_t hi) {
                 for (int64_t t = lo; t < hi; ++t) {
                   const int64_t base = t / v.inner * v.n * v.inner + t % v.inner;
                   const int64_t len =
                       length ? std::clamp<int64_t>(lengths[size_t(t)], 0, v.n) : v.n;
                   auto at = [&](int64_t k) {
                     A z = load<A>(x[base + k * v.inner]) * invT;
                     return negate ? -z : z;
                   };
                   A m = -std::numeric_limits<A>::infinity();
                   for (int64_t k = 0; k < len; ++k)
                     m = std::max(m, at(k));
                   A s = 0;
                   for (int64_t k = 0; k < len; ++k)
                     s += std::exp(at(k) - m);
                   const A logS = std::log(s);
                   for (int64_t k = 0; k < v.n; ++k) {
                     A r = k >= len                   ? A(0)
                           : kind == SoftmaxKind::Log ? at(k) - m - logS
                                                      : std::exp(at(k) - m) / s;
                     y[base + k * v.inner] = store<TO>(r);
                   }
                 }
               });
    });
  });
}

// ---- op registration -----------------------------------------------------------

namespace {

void batchNormKernel(const OpContext &ctx, const Attrs &a, std::span<const TBlob> in,
                     std::span<const TBlob> out) {
  BatchNormParams p;
  p.eps = a.getFloat("eps");
  p.momentum = a.getFloat("momentum");
  p.fixGamma = a.getBool("fix_gamma");
  p.useGlobalStats = a.getBool("use_global_stats");
  p.axis = a.getInt("axis");
  p.training = ctx.isTrain;
  batchNorm(in[0], in[1], in[2], in[3], in[4], p, out[0], out.size() > 1 ? &out[1] : nullptr,
            out.size() > 2 ? &out[2] : nullptr);
}

template <SoftmaxKind Kind>
void softmaxKernel(const OpContext &, const Attrs &a, std::span<const TBlob> in,
                   std::span<const TBlob> out) {
  std::optional<double> t = a.getOptFloat("temperature");
  softmax(in[0], a.getInt("axis"), t ? *t : 1.0, Kind, in.size() > 1 ? &in[1] : nullptr, out[0]);
}

/// SoftmaxOutput/SoftmaxActivation: softmax over axis 1 of (N, C, rest) or
/// over everything but the first axis, as the op's mode says.
void softmaxOver(const TBlob &data, bool channel, bool lastAxis, const TBlob &out) {
  TBlob d = data, o = out;
  const TShape &s = data.shape;
  if (lastAxis) {
    softmax(d, -1, 1, SoftmaxKind::Plain, nullptr, o);
  } else if (channel) {
    MXRT_CHECK(s.ndim() >= 2, "softmax over channels needs rank >= 2, got ", s.str());
    d.shape = o.shape = TShape{s[0], s[1], s.prod(2, s.ndim())};
    softmax(d, 1, 1, SoftmaxKind::Plain, nullptr, o);
  } else {
    d.shape = o.shape = TShape{s.ndim() ? s[0] : 1, s.ndim() ? s.prod(1, s.ndim()) : 1};
    softmax(d, 1, 1, SoftmaxKind::Plain, nullptr, o);
  }
}

const KernelRegistrar registrations([] {
  using In = std::span<const TBlob>;
  registerKernel("BatchNorm", DeviceType::CPU, batchNormKernel);
  registerKernel(
      "LayerNorm", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
        layerNorm(in[0], in[1], in[2], a.getInt("axis"), a.getFloat("eps"), out[0],
                  out.size() > 1 ? &out[1] : nullptr, out.size() > 2 ? &out[2] : nullptr);
      });
  registerKernel(
      "InstanceNorm", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
        const int64_t channels = in[0].shape.ndim() >= 2 ? in[0].shape[1] : 0;
        groupNorm(in[0], in[1], in[2], channels, a.getFloat("eps"), true, out[0],
                  out.size() > 1 ? &out[1] : nullptr, out.size() > 2 ? &out[2] : nullptr);
      });
  registerKernel(
      "GroupNorm", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
        groupNorm(in[0], in[1], in[2], a.getInt("num_groups"), a.getFloat("eps"), false, out[0],
                  out.size() > 1 ? &out[1] : nullptr, out.size() > 2 ? &out[2] : nullptr);
      });
  registerKernel("L2Normalization", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   const std::string &m = a.getStr("mode");
                   l2Normalization(in[0],
                                   m == "channel"   ? L2Mode::Channel
                                   : m == "spatial" ? L2Mode::Spatial
                                                    : L2Mode::Instance,
                                   a.getFloat("eps"), out[0], out.size() > 1 ? &out[1] : nullptr);
                 });
  registerKernel("LRN", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    lrn(in[0], a.getInt("nsize"), a.getFloat("alpha"), a.getFloat("beta"), a.getFloat("knorm"),
        out[0], out.size() > 1 ? &out[1] : nullptr);
  });
  registerKernel("softmax_cross_entropy", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, In in, In out) {
                   softmaxCrossEntropy(in[0], in[1], out[0]);
                 });
  registerKernel("softmax", DeviceType::CPU, softmaxKernel<SoftmaxKind::Plain>);
  registerKernel("log_softmax", DeviceType::CPU, softmaxKernel<SoftmaxKind::Log>);
  registerKernel("softmin", DeviceType::CPU, softmaxKernel<SoftmaxKind::Min>);
  registerKernel(
      "SoftmaxOutput", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
        softmaxOver(in[0], a.getBool("multi_output"), a.getBool("preserve_shape"), out[0]);
      });
  registerKernel("SoftmaxActivation", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   softmaxOver(in[0], a.getStr("mode") == "channel", false, out[0]);
                 });
});

} // namespace
} // namespace mxrt::kernels::cpu
