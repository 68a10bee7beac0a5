// functors.h - the math of every elementwise op, once, for CPU and CUDA.
//
// Each op is a functor over its compute type: float for float32/float16/
// bfloat16 (and for integer inputs of transcendental ops, as MXNet's
// mshadow math does), double for float64, the integer type itself for
// integer arithmetic. The CPU kernels (cpu/*.cc, C++20) and the CUDA kernels
// (cuda/*.cu, compiled as C++17 by nvcc) instantiate the same functors, so
// an op's semantics (Python-style modulo, NaN-propagating maximum, MXNet's
// round-half-away-from-zero) are defined here and nowhere else.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#ifdef __CUDACC__
#define MXRT_HD __host__ __device__ __forceinline__
#else
#define MXRT_HD inline __attribute__((always_inline))
#endif

namespace mxrt::kernels {

/// Unary elementwise ops, MXNet names in comments.
enum class UnaryOp : uint8_t {
  Copy, // _copy, identity, BlockGrad, stop_gradient, make_loss
  Abs,
  Sign,
  Round,
  Rint,
  Ceil,
  Floor,
  Trunc,
  Fix,
  Square,
  Sqrt,
  Rsqrt,
  Cbrt,
  Rcbrt,
  Exp,
  Log,
  Log10,
  Log2,
  Log1p,
  Expm1,
  Sin,
  Cos,
  Tan,
  Arcsin,
  Arccos,
  Arctan,
  Sinh,
  Cosh,
  Tanh,
  Arcsinh,
  Arccosh,
  Arctanh,
  Degrees,
  Radians,
  Sigmoid,
  Relu,
  Softsign,
  Softrelu,
  Negative,
  Reciprocal,
  Erf,
  Erfinv,
  Gamma,
  Gammaln,
  LogicalNot,
};

/// Binary elementwise ops (elemwise_*, broadcast_*, _*_scalar).
enum class BinaryOp : uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Power,
  Maximum,
  Minimum,
  Hypot,
  Equal,
  NotEqual,
  Greater,
  GreaterEqual,
  Lesser,
  LesserEqual,
  LogicalAnd,
  LogicalOr,
  LogicalXor,
};

/// True for ops that compute in floating point even on integer inputs.
constexpr bool unaryNeedsFloat(UnaryOp op) {
  switch (op) {
  case UnaryOp::Copy:
  case UnaryOp::Abs:
  case UnaryOp::Sign:
  case UnaryOp::Round:
  case UnaryOp::Rint:
  case UnaryOp::Ceil:
  case UnaryOp::Floor:
  case UnaryOp::Trunc:
  case UnaryOp::Fix:
  case UnaryOp::Square:
  case UnaryOp::Relu:
  case UnaryOp::Negative:
  case UnaryOp::LogicalNot:
    return false;
  default:
    return true;
  }
}

namespace fn {

template <class T> MXRT_HD bool isNan(T x) {
  if constexpr (std::is_floating_point_v<T>)
    return x != x;
  else
    return false;
}

// C math by compute type: the C functions exist on host (math.h) and device.
#define MXRT_MATH1(name, f32, f64)                                                                 \
  MXRT_HD float name(float x) { return ::f32(x); }                                                 \
  MXRT_HD double name(double x) { return ::f64(x); }
MXRT_MATH1(exp_, expf, exp)
MXRT_MATH1(log_, logf, log)
MXRT_MATH1(log10_, log10f, log10)
MXRT_MATH1(log2_, log2f, log2)
MXRT_MATH1(log1p_, log1pf, log1p)
MXRT_MATH1(expm1_, expm1f, expm1)
MXRT_MATH1(sqrt_, sqrtf, sqrt)
MXRT_MATH1(cbrt_, cbrtf, cbrt)
MXRT_MATH1(sin_, sinf, sin)
MXRT_MATH1(cos_, cosf, cos)
MXRT_MATH1(tan_, tanf, tan)
MXRT_MATH1(asin_, asinf, asin)
MXRT_MATH1(acos_, acosf, acos)
MXRT_MATH1(atan_, atanf, atan)
MXRT_MATH1(sinh_, sinhf, sinh)
MXRT_MATH1(cosh_, coshf, cosh)
MXRT_MATH1(tanh_, tanhf, tanh)
MXRT_MATH1(asinh_, asinhf, asinh)
MXRT_MATH1(acosh_, acoshf, acosh)
MXRT_MATH1(atanh_, atanhf, atanh)
MXRT_MATH1(erf_, erff, erf)
MXRT_MATH1(tgamma_, tgammaf, tgamma)
MXRT_MATH1(ceil_, ceilf, ceil)
MXRT_MATH1(floor_, floorf, floor)
MXRT_MATH1(trunc_, truncf, trunc)
MXRT_MATH1(round_, roundf, round)
MXRT_MATH1(rint_, rintf, rint)
MXRT_MATH1(fabs_, fabsf, fabs)
#undef MXRT_MATH1
MXRT_HD float pow_(float a, float b) { return ::powf(a, b); }
MXRT_HD double pow_(double a, double b) { return ::pow(a, b); }
MXRT_HD float fmod_(float a, float b) { return ::fmodf(a, b); }
MXRT_HD double fmod_(double a, double b) { return ::fmod(a, b); }
MXRT_HD float hypot_(float a, float b) { return ::hypotf(a, b); }
MXRT_HD double hypot_(double a, double b) { return ::hypot(a, b); }

// lgamma writes the global signgam on glibc; lgamma_r does not.
MXRT_HD float lgamma_(float x) {
#ifdef __CUDA_ARCH__
  return ::lgammaf(x);
#else
  int s;
  return ::lgammaf_r(x, &s);
#endif
}
MXRT_HD double lgamma_(double x) {
#ifdef __CUDA_ARCH__
  return ::lgamma(x);
#else
  int s;
  return ::lgamma_r(x, &s);
#endif
}

/// Inverse error function: Giles' single-precision approximation, then two
/// Newton steps on erf (exact to the last bits for float and double).
template <class T> MXRT_HD T erfinv_(T y) {
  if (y <= T(-1) || y >= T(1))
    return y == T(-1)  ? -std::numeric_limits<T>::infinity()
           : y == T(1) ? std::numeric_limits<T>::infinity()
                       : std::numeric_limits<T>::quiet_NaN();
  double x = double(y);
  double w = -::log((1.0 - x) * (1.0 + x)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = ::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  double r = p * x;
  const double k = 1.1283791670955126; // 2/sqrt(pi)
  for (int i = 0; i < 2; ++i)
    r -= (::erf(r) - x) / (k * ::exp(-r * r));
  return T(r);
}

// ---- unary -------------------------------------------------------------
// C is the compute type (see the file comment).

template <UnaryOp Op> struct Unary;
#define MXRT_UNARY(OP, expr)                                                                       \
  template <> struct Unary<UnaryOp::OP> {                                                          \
    template <class C> MXRT_HD C operator()(C x) const { return expr; }                            \
  };
MXRT_UNARY(Copy, x)
MXRT_UNARY(Abs, (x < C(0) ? C(-x) : x))
MXRT_UNARY(Sign, C((x > C(0)) - (x < C(0))))
// Rounding is the identity on integers.
#define MXRT_ROUNDING(OP, f)                                                                       \
  template <> struct Unary<UnaryOp::OP> {                                                          \
    template <class C> MXRT_HD C operator()(C x) const {                                           \
      if constexpr (std::is_floating_point_v<C>)                                                   \
        return f(x);                                                                               \
      else                                                                                         \
        return x;                                                                                  \
    }                                                                                              \
  };
MXRT_ROUNDING(Round, round_)
MXRT_ROUNDING(Rint, rint_)
MXRT_ROUNDING(Ceil, ceil_)
MXRT_ROUNDING(Floor, floor_)
MXRT_ROUNDING(Trunc, trunc_)
MXRT_ROUNDING(Fix, trunc_)
#undef MXRT_ROUNDING
MXRT_UNARY(Square, C(x *x))
MXRT_UNARY(Sqrt, sqrt_(x))
MXRT_UNARY(Rsqrt, C(1) / sqrt_(x))
MXRT_UNARY(Cbrt, cbrt_(x))
MXRT_UNARY(Rcbrt, C(1) / cbrt_(x))
MXRT_UNARY(Exp, exp_(x))
MXRT_UNARY(Log, log_(x))
MXRT_UNARY(Log10, log10_(x))
MXRT_UNARY(Log2, log2_(x))
MXRT_UNARY(Log1p, log1p_(x))
MXRT_UNARY(Expm1, expm1_(x))
MXRT_UNARY(Sin, sin_(x))
MXRT_UNARY(Cos, cos_(x))
MXRT_UNARY(Tan, tan_(x))
MXRT_UNARY(Arcsin, asin_(x))
MXRT_UNARY(Arccos, acos_(x))
MXRT_UNARY(Arctan, atan_(x))
MXRT_UNARY(Sinh, sinh_(x))
MXRT_UNARY(Cosh, cosh_(x))
MXRT_UNARY(Tanh, tanh_(x))
MXRT_UNARY(Arcsinh, asinh_(x))
MXRT_UNARY(Arccosh, acosh_(x))
MXRT_UNARY(Arctanh, atanh_(x))
MXRT_UNARY(Degrees, x *C(57.29577951308232))
MXRT_UNARY(Radians, x *C(0.017453292519943295))
MXRT_UNARY(Sigmoid, C(1) / (C(1) + exp_(-x)))
MXRT_UNARY(Relu, (x > C(0) ? x : C(0)))
MXRT_UNARY(Softsign, x / (C(1) + fabs_(x)))
// log(1 + exp(x)) without overflow, as MXNet's softrelu (threshold 20).
MXRT_UNARY(Softrelu, (x > C(20) ? x : log1p_(exp_(x))))
MXRT_UNARY(Negative, C(-x))
MXRT_UNARY(Reciprocal, C(1) / x)
MXRT_UNARY(Erf, erf_(x))
MXRT_UNARY(Erfinv, erfinv_(x))
MXRT_UNARY(Gamma, tgamma_(x))
MXRT_UNARY(Gammaln, lgamma_(x))
MXRT_UNARY(LogicalNot, C(x == C(0)))
#undef MXRT_UNARY

// ---- binary ------------------------------------------------------------

template <BinaryOp Op> struct Binary;
#define MXRT_BINARY(OP, expr)                                                                      \
  template <> struct Binary<BinaryOp::OP> {                                                        \
    template <class C> MXRT_HD C operator()(C a, C b) const { return expr; }                       \
  };
MXRT_BINARY(Add, C(a + b))
MXRT_BINARY(Sub, C(a - b))
MXRT_BINARY(Mul, C(a *b))
MXRT_BINARY(Maximum, ((isNan(a) || a > b) ? a : b))
MXRT_BINARY(Minimum, ((isNan(a) || a < b) ? a : b))
MXRT_BINARY(Equal, C(a == b))
MXRT_BINARY(NotEqual, C(a != b))
MXRT_BINARY(Greater, C(a > b))
MXRT_BINARY(GreaterEqual, C(a >= b))
MXRT_BINARY(Lesser, C(a < b))
MXRT_BINARY(LesserEqual, C(a <= b))
MXRT_BINARY(LogicalAnd, C(a != C(0) && b != C(0)))
MXRT_BINARY(LogicalOr, C(a != C(0) || b != C(0)))
MXRT_BINARY(LogicalXor, C((a != C(0)) != (b != C(0))))
#undef MXRT_BINARY

/// Integer division truncates; by zero it gives 0 (no trap), and
/// MIN / -1 wraps instead of trapping.
template <> struct Binary<BinaryOp::Div> {
  template <class C> MXRT_HD C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      return a / b;
    } else if constexpr (std::is_same_v<C, bool>) {
      return b ? a : false;
    } else {
      if (b == C(0))
        return C(0);
      if constexpr (std::is_signed_v<C>)
        if (b == C(-1))
          return C(C(0) - a);
      return C(a / b);
    }
  }
};

/// Python-style modulo (the result has the divisor's sign); x % 0 == 0.
template <> struct Binary<BinaryOp::Mod> {
  template <class C> MXRT_HD C operator()(C a, C b) const {
    if (b == C(0))
      return C(0);
    if constexpr (std::is_floating_point_v<C>) {
      C r = fmod_(a, b);
      if (r != C(0) && ((r < C(0)) != (b < C(0))))
        r += b;
      return r;
    } else if constexpr (std::is_same_v<C, bool>) {
      return false;
    } else if constexpr (std::is_signed_v<C>) {
      if (b == C(-1))
        return C(0);
      C r = C(a % b);
      if (r != C(0) && ((r < C(0)) != (b < C(0))))
        r = C(r + b);
      return r;
    } else {
      return C(a % b);
    }
  }
};

/// Integer powers are exact (square-and-multiply); a negative exponent
/// truncates toward zero as MXNet's float pow cast back to the integer.
template <> struct Binary<BinaryOp::Power> {
  template <class C> MXRT_HD C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      return pow_(a, b);
    } else if constexpr (std::is_same_v<C, bool>) {
      return a || !b;
    } else {
      if constexpr (std::is_signed_v<C>)
        if (b < C(0))
          return a == C(1) ? C(1) : a == C(-1) ? ((b & 1) ? C(-1) : C(1)) : C(0);
      using U = std::make_unsigned_t<C>;
      U r = 1, base = U(a);
      for (U e = U(b); e; e >>= 1) {
        if (e & 1)
          r = U(r * base);
        base = U(base * base);
      }
      return C(r);
    }
  }
};

template <> struct Binary<BinaryOp::Hypot> {
  template <class C> MXRT_HD C operator()(C a, C b) const {
    if constexpr (std::is_same_v<C, double>)
      return hypot_(a, b);
    else
      return C(hypot_(float(a), float(b)));
  }
};

/// Reverses the operands (_rminus_scalar, _rdiv_scalar, ...).
template <class F> struct Swap {
  template <class C> MXRT_HD C operator()(C a, C b) const { return F()(b, a); }
};

} // namespace fn

/// Calls f(fn::Unary<op>()) for a runtime op: one switch for every kernel.
template <class F> MXRT_HD void withUnary(UnaryOp op, F &&f) {
  switch (op) {
    // clang-format off
#define MXRT_CASE(OP) case UnaryOp::OP: return f(fn::Unary<UnaryOp::OP>());
    MXRT_CASE(Copy) MXRT_CASE(Abs) MXRT_CASE(Sign) MXRT_CASE(Round) MXRT_CASE(Rint) MXRT_CASE(Ceil)
    MXRT_CASE(Floor) MXRT_CASE(Trunc) MXRT_CASE(Fix) MXRT_CASE(Square) MXRT_CASE(Sqrt)
    MXRT_CASE(Rsqrt) MXRT_CASE(Cbrt) MXRT_CASE(Rcbrt) MXRT_CASE(Exp) MXRT_CASE(Log) MXRT_CASE(Log10)
    MXRT_CASE(Log2) MXRT_CASE(Log1p) MXRT_CASE(Expm1) MXRT_CASE(Sin) MXRT_CASE(Cos) MXRT_CASE(Tan)
    MXRT_CASE(Arcsin) MXRT_CASE(Arccos) MXRT_CASE(Arctan) MXRT_CASE(Sinh) MXRT_CASE(Cosh)
    MXRT_CASE(Tanh) MXRT_CASE(Arcsinh) MXRT_CASE(Arccosh) MXRT_CASE(Arctanh) MXRT_CASE(Degrees)
    MXRT_CASE(Radians) MXRT_CASE(Sigmoid) MXRT_CASE(Relu) MXRT_CASE(Softsign) MXRT_CASE(Softrelu)
    MXRT_CASE(Negative) MXRT_CASE(Reciprocal) MXRT_CASE(Erf) MXRT_CASE(Erfinv) MXRT_CASE(Gamma)
    MXRT_CASE(Gammaln) MXRT_CASE(LogicalNot)
#undef MXRT_CASE
    // clang-format on
  }
}

/// Calls f(fn::Binary<op>()) for a runtime op.
template <class F> MXRT_HD void withBinary(BinaryOp op, F &&f) {
  switch (op) {
    // clang-format off
#define MXRT_CASE(OP) case BinaryOp::OP: return f(fn::Binary<BinaryOp::OP>());
    MXRT_CASE(Add) MXRT_CASE(Sub) MXRT_CASE(Mul) MXRT_CASE(Div) MXRT_CASE(Mod) MXRT_CASE(Power)
    MXRT_CASE(Maximum) MXRT_CASE(Minimum) MXRT_CASE(Hypot) MXRT_CASE(Equal) MXRT_CASE(NotEqual)
    MXRT_CASE(Greater) MXRT_CASE(GreaterEqual) MXRT_CASE(Lesser) MXRT_CASE(LesserEqual)
    MXRT_CASE(LogicalAnd) MXRT_CASE(LogicalOr) MXRT_CASE(LogicalXor)
#undef MXRT_CASE
    // clang-format on
  }
}

} // namespace mxrt::kernels
