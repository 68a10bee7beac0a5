// elementwise.cc - CPU kernels that map elements one to one: unary math,
// scalar arithmetic and comparisons, cast/copy, clip, fill, add_n, where.
//
// Every loop runs through `mapN` below: split over the CPU workers, then
// compiled for the widest ISA (cpu_util.h). Cheap ops vectorize; ops that
// call libm (exp, sin, ...) stay scalar calls on the baseline path, so they
// skip the ISA variants to keep the library small.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels/kernel_props.h"

#include <cmath>

namespace mxrt::kernels::cpu {
namespace {

/// out[i] = f(i) over [0, n): parallel, and vectorized per ISA when `simd`.
template <bool Simd, class F> void mapN(int64_t n, const F &f) {
  parallel(n, kGrain, [&](int64_t b, int64_t e) {
    auto loop = [&](int64_t lo, int64_t hi) MXRT_INLINE {
      for (int64_t i = lo; i < hi; ++i)
        f(i);
    };
    if constexpr (Simd)
      isaDispatch(loop, b, e);
    else
      loop(b, e);
  });
}

template <class T, UnaryOp Op> void unaryT(fn::Unary<Op> f, const T *in, T *out, int64_t n) {
  using C = std::conditional_t<unaryNeedsFloat(Op), float_compute_t<T>, compute_t<T>>;
  // Ops that call libm stay scalar: ISA variants would not vectorize them.
  constexpr bool simd = !unaryNeedsFloat(Op) || Op == UnaryOp::Sqrt || Op == UnaryOp::Rsqrt ||
                        Op == UnaryOp::Reciprocal || Op == UnaryOp::Degrees ||
                        Op == UnaryOp::Radians || Op == UnaryOp::Softsign;
  // Integer inputs of float math are cast back as MXNet does.
  mapN<simd>(n, [=](int64_t i) MXRT_INLINE { out[i] = store<T>(f(load<C>(in[i]))); });
}

template <class T, class F> void scalarT(const T *in, T *out, int64_t n, compute_t<T> s, F f) {
  mapN<true>(n, [=](int64_t i) MXRT_INLINE { out[i] = store<T>(f(load<compute_t<T>>(in[i]), s)); });
}

template <class T>
void binaryScalarT(BinaryOp op, bool reverse, const T *in, T *out, int64_t n, double scalar) {
  // MXNet converts the scalar to the array's dtype first (int + 2.5 adds 2).
  compute_t<T> s = load<compute_t<T>>(store<T>(scalar));
  withBinary(op, [&](auto f) {
    if (reverse)
      scalarT(in, out, n, s, fn::Swap<decltype(f)>());
    else
      scalarT(in, out, n, s, f);
  });
}

template <class TI, class TO> void castT(const TI *in, TO *out, int64_t n) {
  if constexpr (std::is_same_v<TI, TO>) {
    if (static_cast<const void *>(in) == static_cast<const void *>(out))
      return;
  }
  if constexpr (std::is_same_v<TO, bool>)
    mapN<true>(n, [=](int64_t i) MXRT_INLINE { out[i] = load<compute_t<TI>>(in[i]) != 0; });
  else
    mapN<true>(n, [=](int64_t i) MXRT_INLINE {
      out[i] = store<TO>(load<compute_t<TO>>(load<compute_t<TI>>(in[i])));
    });
}

} // namespace

void unary(UnaryOp op, const TBlob &in, const TBlob &out) {
  checkDType(out, in.dtype, "unary", "out");
  checkSameSize(in, out, "unary", "data", "out");
  MXRT_DTYPE_SWITCH(in.dtype, T, withUnary(op, [&](auto f) {
                      unaryT(f, in.ptr<T>(), out.ptr<T>(), in.numel());
                    }));
}

void hardSigmoid(const TBlob &in, const TBlob &out, double alpha, double beta) {
  checkDType(out, in.dtype, "hard_sigmoid", "out");
  checkSameSize(in, out, "hard_sigmoid", "data", "out");
  MXRT_FLOAT_SWITCH(in.dtype, T, "hard_sigmoid", {
    using C = compute_t<T>;
    const T *x = in.ptr<T>();
    T *y = out.ptr<T>();
    C a = C(alpha), b = C(beta);
    mapN<true>(in.numel(), [=](int64_t i) MXRT_INLINE {
      C v = a * load<C>(x[i]) + b;
      y[i] = store<T>(v < C(0) ? C(0) : v > C(1) ? C(1) : v);
    });
  });
}

void binaryScalar(BinaryOp op, const TBlob &in, double scalar, bool reverse, const TBlob &out) {
  checkSameSize(in, out, "scalar op", "data", "out");
  if (out.dtype != in.dtype) {
    // is_int=False on an integer array: compute in the output's dtype.
    cast(in, out);
    binaryScalar(op, out, scalar, reverse, out);
    return;
  }
  MXRT_DTYPE_SWITCH(in.dtype, T,
                    binaryScalarT<T>(op, reverse, in.ptr<T>(), out.ptr<T>(), in.numel(), scalar));
}

void cast(const TBlob &in, const TBlob &out) {
  checkSameSize(in, out, "Cast", "data", "out");
  int64_t n = in.numel();
  MXRT_DTYPE_SWITCH(in.dtype, TI, {
    MXRT_DTYPE_SWITCH(out.dtype, TO, castT<TI, TO>(in.ptr<TI>(), out.ptr<TO>(), n));
  });
}

void clip(const TBlob &in, const TBlob &out, double lo, double hi) {
  checkDType(out, in.dtype, "clip", "out");
  checkSameSize(in, out, "clip", "data", "out");
  MXRT_DTYPE_SWITCH(in.dtype, T, {
    using C = compute_t<T>;
    const T *x = in.ptr<T>();
    T *y = out.ptr<T>();
    // MXNet casts the bounds to the dtype (clip of int32 by 2.7 is by 2).
    C a = load<C>(store<T>(lo)), b = load<C>(store<T>(hi));
    mapN<true>(in.numel(), [=](int64_t i) MXRT_INLINE {
      C v = load<C>(x[i]);
      y[i] = store<T>(v < a ? a : v > b ? b : v);
    });
  });
}

void fill(const TBlob &out, double value) {
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    T v = store<T>(value);
    T *y = out.ptr<T>();
    mapN<true>(out.numel(), [=](int64_t i) MXRT_INLINE { y[i] = v; });
  });
}

void addN(std::span<const TBlob> in, const TBlob &out) {
  MXRT_CHECK(!in.empty(), "operator add_n: needs at least one input");
  for (size_t k = 0; k < in.size(); ++k) {
    checkDType(in[k], out.dtype, "add_n", "args");
    checkSameSize(in[k], out, "add_n", "args", "out");
  }
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    using C = compute_t<T>;
    T *y = out.ptr<T>();
    const size_t m = in.size();
    // Pairs of inputs per pass keep each pass memory-bound and vectorized.
    const T *a = in[0].ptr<T>();
    if (m == 1) {
      castT<T, T>(a, y, out.numel());
    } else {
      const T *b = in[1].ptr<T>();
      mapN<true>(out.numel(),
                 [=](int64_t i) MXRT_INLINE { y[i] = store<T>(C(load<C>(a[i]) + load<C>(b[i]))); });
    }
    for (size_t k = 2; k < m; ++k) {
      const T *c = in[k].ptr<T>();
      mapN<true>(out.numel(),
                 [=](int64_t i) MXRT_INLINE { y[i] = store<T>(C(load<C>(y[i]) + load<C>(c[i]))); });
    }
  });
}

void where(const TBlob &cond, const TBlob &x, const TBlob &y, const TBlob &out) {
  checkShape(y, x.shape, "where", "y");
  checkDType(y, x.dtype, "where", "y");
  checkDType(out, x.dtype, "where", "out");
  checkSameSize(x, out, "where", "x", "out");
  bool rows = cond.shape != x.shape;
  if (rows)
    MXRT_CHECK(cond.shape.ndim() == 1 && x.shape.ndim() >= 1 && cond.shape[0] == x.shape[0],
               "operator where: condition has shape ", cond.shape.str(),
               ", expected the shape of x ", x.shape.str(), " or (",
               x.shape.ndim() ? x.shape[0] : 0, ",)");
  int64_t inner = rows ? x.shape.prod(1, x.shape.ndim()) : 1;
  MXRT_DTYPE_SWITCH(cond.dtype, TC, {
    MXRT_DTYPE_SWITCH(x.dtype, T, {
      const TC *c = cond.ptr<TC>();
      const T *a = x.ptr<T>(), *b = y.ptr<T>();
      T *o = out.ptr<T>();
      if (!rows)
        mapN<true>(out.numel(), [=](int64_t i) MXRT_INLINE {
          o[i] = load<compute_t<TC>>(c[i]) != 0 ? a[i] : b[i];
        });
      else
        mapN<false>(out.numel(), [=](int64_t i) {
          o[i] = load<compute_t<TC>>(c[i / inner]) != 0 ? a[i] : b[i];
        });
    });
  });
}

// ---- op registration -----------------------------------------------------------

namespace {

template <UnaryOp Op>
void unaryKernel(const OpContext &, const Attrs &, std::span<const TBlob> in,
                 std::span<const TBlob> out) {
  unary(Op, in[0], out[0]);
}

template <BinaryOp Op, bool Reverse>
void scalarKernel(const OpContext &, const Attrs &attrs, std::span<const TBlob> in,
                  std::span<const TBlob> out) {
  binaryScalar(Op, in[0], attrs.getFloat("scalar"), Reverse, out[0]);
}

UnaryOp activationOp(const Attrs &attrs) {
  const std::string &t = attrs.getStr("act_type");
  if (t == "relu")
    return UnaryOp::Relu;
  if (t == "sigmoid")
    return UnaryOp::Sigmoid;
  if (t == "tanh")
    return UnaryOp::Tanh;
  if (t == "softrelu")
    return UnaryOp::Softrelu;
  if (t == "softsign")
    return UnaryOp::Softsign;
  fail("operator Activation: act_type='", t, "' is not supported");
}

void activationKernel(const OpContext &, const Attrs &attrs, std::span<const TBlob> in,
                      std::span<const TBlob> out) {
  unary(activationOp(attrs), in[0], out[0]);
}

void copyKernel(const OpContext &, const Attrs &, std::span<const TBlob> in,
                std::span<const TBlob> out) {
  cast(in[0], out[0]);
}

const KernelRegistrar registrations([] {
  using U = UnaryOp;
  const std::pair<const char *, KernelFn> unaries[] = {
      {"abs", unaryKernel<U::Abs>},
      {"sign", unaryKernel<U::Sign>},
      {"round", unaryKernel<U::Round>},
      {"rint", unaryKernel<U::Rint>},
      {"ceil", unaryKernel<U::Ceil>},
      {"floor", unaryKernel<U::Floor>},
      {"trunc", unaryKernel<U::Trunc>},
      {"fix", unaryKernel<U::Fix>},
      {"square", unaryKernel<U::Square>},
      {"sqrt", unaryKernel<U::Sqrt>},
      {"rsqrt", unaryKernel<U::Rsqrt>},
      {"cbrt", unaryKernel<U::Cbrt>},
      {"rcbrt", unaryKernel<U::Rcbrt>},
      {"exp", unaryKernel<U::Exp>},
      {"log", unaryKernel<U::Log>},
      {"log10", unaryKernel<U::Log10>},
      {"log2", unaryKernel<U::Log2>},
      {"log1p", unaryKernel<U::Log1p>},
      {"expm1", unaryKernel<U::Expm1>},
      {"sin", unaryKernel<U::Sin>},
      {"cos", unaryKernel<U::Cos>},
      {"tan", unaryKernel<U::Tan>},
      {"arcsin", unaryKernel<U::Arcsin>},
      {"arccos", unaryKernel<U::Arccos>},
      {"arctan", unaryKernel<U::Arctan>},
      {"sinh", unaryKernel<U::Sinh>},
      {"cosh", unaryKernel<U::Cosh>},
      {"tanh", unaryKernel<U::Tanh>},
      {"arcsinh", unaryKernel<U::Arcsinh>},
      {"arccosh", unaryKernel<U::Arccosh>},
      {"arctanh", unaryKernel<U::Arctanh>},
      {"degrees", unaryKernel<U::Degrees>},
      {"radians", unaryKernel<U::Radians>},
      {"sigmoid", unaryKernel<U::Sigmoid>},
      {"relu", unaryKernel<U::Relu>},
      {"softsign", unaryKernel<U::Softsign>},
      {"negative", unaryKernel<U::Negative>},
      {"reciprocal", unaryKernel<U::Reciprocal>},
      {"erf", unaryKernel<U::Erf>},
      {"erfinv", unaryKernel<U::Erfinv>},
      {"gamma", unaryKernel<U::Gamma>},
      {"gammaln", unaryKernel<U::Gammaln>},
      {"logical_not", unaryKernel<U::LogicalNot>},
      {"_copy", copyKernel},
      {"BlockGrad", copyKernel},
      {"make_loss", copyKernel},
      {"Activation", activationKernel},
  };
  for (const auto &[name, k] : unaries) {
    registerKernel(name, DeviceType::CPU, k);
    markAliasSafe(name);
  }

  using B = BinaryOp;
  const std::pair<const char *, KernelFn> scalars[] = {
      {"_plus_scalar", scalarKernel<B::Add, false>},
      {"_minus_scalar", scalarKernel<B::Sub, false>},
      {"_rminus_scalar", scalarKernel<B::Sub, true>},
      {"_mul_scalar", scalarKernel<B::Mul, false>},
      {"_div_scalar", scalarKernel<B::Div, false>},
      {"_rdiv_scalar", scalarKernel<B::Div, true>},
      {"_mod_scalar", scalarKernel<B::Mod, false>},
      {"_rmod_scalar", scalarKernel<B::Mod, true>},
      {"_power_scalar", scalarKernel<B::Power, false>},
      {"_rpower_scalar", scalarKernel<B::Power, true>},
      {"_maximum_scalar", scalarKernel<B::Maximum, false>},
      {"_minimum_scalar", scalarKernel<B::Minimum, false>},
      {"_hypot_scalar", scalarKernel<B::Hypot, false>},
      {"_equal_scalar", scalarKernel<B::Equal, false>},
      {"_not_equal_scalar", scalarKernel<B::NotEqual, false>},
      {"_greater_scalar", scalarKernel<B::Greater, false>},
      {"_greater_equal_scalar", scalarKernel<B::GreaterEqual, false>},
      {"_lesser_scalar", scalarKernel<B::Lesser, false>},
      {"_lesser_equal_scalar", scalarKernel<B::LesserEqual, false>},
      {"_logical_and_scalar", scalarKernel<B::LogicalAnd, false>},
      {"_logical_or_scalar", scalarKernel<B::LogicalOr, false>},
      {"_logical_xor_scalar", scalarKernel<B::LogicalXor, false>},
  };
  for (const auto &[name, k] : scalars) {
    registerKernel(name, DeviceType::CPU, k);
    markAliasSafe(name);
  }
  for (const char *name : {"Cast", "clip", "hard_sigmoid", "add_n", "where"})
    markAliasSafe(name);

  registerKernel(
      "hard_sigmoid", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        hardSigmoid(in[0], out[0], a.getFloat("alpha"), a.getFloat("beta"));
      });
  registerKernel("Cast", DeviceType::CPU, copyKernel);
  registerKernel(
      "clip", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        clip(in[0], out[0], a.getFloat("a_min"), a.getFloat("a_max"));
      });
  registerKernel("zeros_like", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, std::span<const TBlob>,
                    std::span<const TBlob> out) { fill(out[0], 0); });
  registerKernel("ones_like", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, std::span<const TBlob>,
                    std::span<const TBlob> out) { fill(out[0], 1); });
  registerKernel("_zeros", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, std::span<const TBlob>,
                    std::span<const TBlob> out) { fill(out[0], 0); });
  registerKernel("_ones", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, std::span<const TBlob>,
                    std::span<const TBlob> out) { fill(out[0], 1); });
  registerKernel("_full", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, std::span<const TBlob>,
                    std::span<const TBlob> out) { fill(out[0], a.getFloat("value")); });
  registerKernel("add_n", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, std::span<const TBlob> in,
                    std::span<const TBlob> out) { addN(in, out[0]); });
  registerKernel("where", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, std::span<const TBlob> in,
                    std::span<const TBlob> out) { where(in[0], in[1], in[2], out[0]); });
});

} // namespace
} // namespace mxrt::kernels::cpu
