// kernels_elementwise_test.cc - unary, binary (broadcasting), scalar, cast,
// clip, fill, add_n and where kernels against double-precision references.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

#include <functional>
#include <limits>

namespace mxrt {
namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;
using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

double erfinvRef(double y) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) {
    double m = 0.5 * (lo + hi);
    (std::erf(m) < y ? lo : hi) = m;
  }
  return 0.5 * (lo + hi);
}

struct UnaryCase {
  UnaryOp op;
  const char *name;
  std::function<double(double)> ref;
  double lo, hi;
  bool intToo; ///< also checked on integer dtypes
};

std::vector<UnaryCase> unaryCases() {
  auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
  auto softplus = [](double x) { return std::log1p(std::exp(x)); };
  return {
      {UnaryOp::Copy, "copy", [](double x) { return x; }, -3, 3, true},
      {UnaryOp::Abs, "abs", [](double x) { return std::abs(x); }, -3, 3, true},
      {UnaryOp::Sign, "sign", [](double x) { return double((x > 0) - (x < 0)); }, -3, 3, true},
      {UnaryOp::Round, "round", [](double x) { return std::round(x); }, -3, 3, true},
      {UnaryOp::Rint, "rint", [](double x) { return std::nearbyint(x); }, -3, 3, true},
      {UnaryOp::Ceil, "ceil", [](double x) { return std::ceil(x); }, -3, 3, true},
      {UnaryOp::Floor, "floor", [](double x) { return std::floor(x); }, -3, 3, true},
      {UnaryOp::Trunc, "trunc", [](double x) { return std::trunc(x); }, -3, 3, true},
      {UnaryOp::Fix, "fix", [](double x) { return std::trunc(x); }, -3, 3, true},
      {UnaryOp::Square, "square", [](double x) { return x * x; }, -3, 3, true},
      {UnaryOp::Sqrt, "sqrt", [](double x) { return std::sqrt(x); }, 0, 9, true},
      {UnaryOp::Rsqrt, "rsqrt", [](double x) { return 1 / std::sqrt(x); }, 0.1, 9, false},
      {UnaryOp::Cbrt, "cbrt", [](double x) { return std::cbrt(x); }, -9, 9, true},
      {UnaryOp::Rcbrt, "rcbrt", [](double x) { return 1 / std::cbrt(x); }, 0.1, 9, false},
      {UnaryOp::Exp, "exp", [](double x) { return std::exp(x); }, -3, 3, true},
      {UnaryOp::Log, "log", [](double x) { return std::log(x); }, 0.1, 9, false},
      {UnaryOp::Log10, "log10", [](double x) { return std::log10(x); }, 0.1, 9, false},
      {UnaryOp::Log2, "log2", [](double x) { return std::log2(x); }, 0.1, 9, false},
      {UnaryOp::Log1p, "log1p", [](double x) { return std::log1p(x); }, -0.5, 9, false},
      {UnaryOp::Expm1, "expm1", [](double x) { return std::expm1(x); }, -3, 3, false},
      {UnaryOp::Sin, "sin", [](double x) { return std::sin(x); }, -3, 3, false},
      {UnaryOp::Cos, "cos", [](double x) { return std::cos(x); }, -3, 3, false},
      {UnaryOp::Tan, "tan", [](double x) { return std::tan(x); }, -1.2, 1.2, false},
      {UnaryOp::Arcsin, "arcsin", [](double x) { return std::asin(x); }, -0.99, 0.99, false},
      {UnaryOp::Arccos, "arccos", [](double x) { return std::acos(x); }, -0.99, 0.99, false},
      {UnaryOp::Arctan, "arctan", [](double x) { return std::atan(x); }, -3, 3, false},
      {UnaryOp::Sinh, "sinh", [](double x) { return std::sinh(x); }, -3, 3, false},
      {UnaryOp::Cosh, "cosh", [](double x) { return std::cosh(x); }, -3, 3, false},
      {UnaryOp::Tanh, "tanh", [](double x) { return std::tanh(x); }, -3, 3, false},
      {UnaryOp::Arcsinh, "arcsinh", [](double x) { return std::asinh(x); }, -3, 3, false},
      {UnaryOp::Arccosh, "arccosh", [](double x) { return std::acosh(x); }, 1.01, 5, false},
      {UnaryOp::Arctanh, "arctanh", [](double x) { return std::atanh(x); }, -0.9, 0.9, false},
      {UnaryOp::Degrees, "degrees", [](double x) { return x * 180 / M_PI; }, -3, 3, false},
      {UnaryOp::Radians, "radians", [](double x) { return x * M_PI / 180; }, -90, 90, false},
      {UnaryOp::Sigmoid, "sigmoid", sig, -5, 5, false},
      {UnaryOp::Relu, "relu", [](double x) { return x > 0 ? x : 0; }, -3, 3, true},
      {UnaryOp::Softsign, "softsign", [](double x) { return x / (1 + std::abs(x)); }, -3, 3, false},
      {UnaryOp::Softrelu, "softrelu", softplus, -5, 5, false},
      {UnaryOp::Negative, "negative", [](double x) { return -x; }, -3, 3, true},
      {UnaryOp::Reciprocal, "reciprocal", [](double x) { return 1 / x; }, 0.2, 5, false},
      {UnaryOp::Erf, "erf", [](double x) { return std::erf(x); }, -2, 2, false},
      {UnaryOp::Erfinv, "erfinv", erfinvRef, -0.99, 0.99, false},
      {UnaryOp::Gamma, "gamma", [](double x) { return std::tgamma(x); }, 0.2, 5, false},
      {UnaryOp::Gammaln, "gammaln", [](double x) { return std::lgamma(x); }, 0.2, 5, false},
      {UnaryOp::LogicalNot, "logical_not", [](double x) { return double(x == 0); }, -1, 1, true},
  };
}

TEST(KernelsElementwise, UnaryMatchesReferenceOnEveryDType) {
  std::mt19937 rng(1);
  for (const UnaryCase &c : unaryCases()) {
    for (DType t : allDTypes()) {
      bool isInt = !isFloat(t);
      if (isInt && !c.intToo)
        continue;
      if (t == DType::Bool && c.op != UnaryOp::LogicalNot && c.op != UnaryOp::Copy)
        continue;
      double lo = c.lo, hi = c.hi;
      if (t == DType::UInt8 && lo < 0)
        lo = 0; // negative values do not exist there
      TShape shape = randomShape(rng, int(rng() % 4), 1, 40);
      HostArray in = randomArray(shape, t, rng, lo, hi), out(shape, t);
      kc::unary(c.op, in, out);
      std::vector<double> want(static_cast<size_t>(in.numel()));
      for (int64_t i = 0; i < in.numel(); ++i)
        want[size_t(i)] = roundTo(t, c.ref(in.get(i)));
      double tol = t == DType::Float32 ? 1e-5 : tolerance(t);
      expectClose(out, want, tol, str(c.name, " ", dtypeName(t)));
    }
  }
}

TEST(KernelsElementwise, UnaryFollowsMXNetOnIntegersAndSpecialValues) {
  HostArray i8(TShape{2}, DType::Int8), o8(TShape{2}, DType::Int8);
  i8.set(0, -128);
  i8.set(1, 5);
  kc::unary(UnaryOp::Abs, i8, o8); // abs(-128) wraps, as MXNet
  EXPECT_EQ(o8.get(0), -128);
  HostArray u8(TShape{2}, DType::UInt8), ou8(TShape{2}, DType::UInt8);
  u8.set(0, 1);
  u8.set(1, 2);
  kc::unary(UnaryOp::Negative, u8, ou8);
  EXPECT_EQ(ou8.values(), (std::vector<double>{255, 254}));
  HostArray f(TShape{5}, DType::Float32), g(TShape{5}, DType::Float32);
  const double vals[] = {-2.5, -1.5, 0.5, 1.5, 2.5};
  for (int i = 0; i < 5; ++i)
    f.set(i, vals[i]);
  kc::unary(UnaryOp::Round, f, g); // half away from zero
  EXPECT_EQ(g.values(), (std::vector<double>{-3, -2, 1, 2, 3}));
  kc::unary(UnaryOp::Rint, f, g); // half to even
  EXPECT_EQ(g.values(), (std::vector<double>{-2, -2, 0, 2, 2}));
  f.set(0, std::nan(""));
  kc::unary(UnaryOp::Sign, f, g); // sign(nan) == 0 in MXNet
  EXPECT_EQ(g.get(0), 0);
  HostArray si(TShape{3}, DType::Int32), so(TShape{3}, DType::Int32);
  si.set(0, 2);
  si.set(1, 9);
  si.set(2, 10);
  kc::unary(UnaryOp::Sqrt, si, so); // computed in float, truncated back
  EXPECT_EQ(so.values(), (std::vector<double>{1, 3, 3}));
}

// ---- binary --------------------------------------------------------------------

double pyMod(double a, double b) {
  if (b == 0)
    return 0;
  double r = std::fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0)))
    r += b;
  return r;
}

/// The reference of a binary op on values of dtype t.
double binaryRef(BinaryOp op, DType t, double a, double b) {
  bool isInt = !isFloat(t);
  switch (op) {
  case BinaryOp::Add:
    return a + b;
  case BinaryOp::Sub:
    return a - b;
  case BinaryOp::Mul:
    return a * b;
  case BinaryOp::Div:
    return isInt ? (b == 0 ? 0 : std::trunc(a / b)) : a / b;
  case BinaryOp::Mod:
    return pyMod(a, b);
  case BinaryOp::Power: // integer 0 ** -n is 0 here (MXNet casts inf: undefined)
    return isInt ? (a == 0 && b < 0 ? 0 : std::trunc(std::pow(a, b))) : std::pow(a, b);
  case BinaryOp::Maximum:
    return std::isnan(a) || a > b ? a : b;
  case BinaryOp::Minimum:
    return std::isnan(a) || a < b ? a : b;
  case BinaryOp::Hypot:
    return std::hypot(a, b);
  case BinaryOp::Equal:
    return a == b;
  case BinaryOp::NotEqual:
    return a != b;
  case BinaryOp::Greater:
    return a > b;
  case BinaryOp::GreaterEqual:
    return a >= b;
  case BinaryOp::Lesser:
    return a < b;
  case BinaryOp::LesserEqual:
    return a <= b;
  case BinaryOp::LogicalAnd:
    return a != 0 && b != 0;
  case BinaryOp::LogicalOr:
    return a != 0 || b != 0;
  case BinaryOp::LogicalXor:
    return (a != 0) != (b != 0);
  }
  return 0;
}

const BinaryOp kAllBinary[] = {BinaryOp::Add,          BinaryOp::Sub,       BinaryOp::Mul,
                               BinaryOp::Div,          BinaryOp::Mod,       BinaryOp::Power,
                               BinaryOp::Maximum,      BinaryOp::Minimum,   BinaryOp::Hypot,
                               BinaryOp::Equal,        BinaryOp::NotEqual,  BinaryOp::Greater,
                               BinaryOp::GreaterEqual, BinaryOp::Lesser,    BinaryOp::LesserEqual,
                               BinaryOp::LogicalAnd,   BinaryOp::LogicalOr, BinaryOp::LogicalXor};

/// Random input shape broadcastable to out: leading dims dropped, some 1s.
TShape broadcastableFrom(const TShape &out, std::mt19937 &rng) {
  int drop = out.ndim() ? int(rng() % (out.ndim() + 1)) : 0;
  std::vector<int64_t> d;
  for (int i = drop; i < out.ndim(); ++i)
    d.push_back(rng() % 3 == 0 ? 1 : out[i]);
  return toShape(d);
}

void checkBinary(BinaryOp op, DType t, const TShape &sa, const TShape &sb, const TShape &so,
                 std::mt19937 &rng) {
  bool isInt = !isFloat(t);
  double lo = t == DType::UInt8 || t == DType::Bool ? 0 : -4, hi = t == DType::Bool ? 1 : 4;
  HostArray a = randomArray(sa, t, rng, lo, hi), b = randomArray(sb, t, rng, lo, hi);
  if (op == BinaryOp::Power && !isInt)
    for (int64_t i = 0; i < a.numel(); ++i)
      a.set(i, std::abs(a.get(i)) + 0.5); // real powers of positive bases
  HostArray out(so, t);
  kc::binary(op, a, b, out);
  std::vector<double> want(static_cast<size_t>(out.numel()));
  for (int64_t i = 0; i < out.numel(); ++i) {
    auto idx = unravel(i, so);
    double x = a.get(ravelBroadcast(idx, sa)), y = b.get(ravelBroadcast(idx, sb));
    want[size_t(i)] = roundTo(t, binaryRef(op, t, x, y));
  }
  double tol = t == DType::Float32 ? 1e-6 : tolerance(t);
  expectClose(out, want, tol, str("op ", int(op), " ", dtypeName(t), " ", sa.str(), " ", sb.str()));
}

TEST(KernelsBroadcast, BinaryOpsBroadcastLikeNumPyOnEveryDType) {
  std::mt19937 rng(2);
  for (BinaryOp op : kAllBinary)
    for (DType t : allDTypes()) {
      if (t == DType::Bool && (op == BinaryOp::Power || op == BinaryOp::Hypot))
        continue;
      for (int rep = 0; rep < 6; ++rep) {
        TShape so = randomShape(rng, rep % 7, 1, 4);
        checkBinary(op, t, broadcastableFrom(so, rng), broadcastableFrom(so, rng), so, rng);
      }
    }
}

TEST(KernelsBroadcast, EdgeCasesOfShapes) {
  std::mt19937 rng(3);
  // rank 0 with rank 0, scalar-like with large, empty arrays, rank 6.
  checkBinary(BinaryOp::Add, DType::Float32, TShape{}, TShape{}, TShape{}, rng);
  checkBinary(BinaryOp::Sub, DType::Float32, TShape{}, TShape{100000}, TShape{100000}, rng);
  checkBinary(BinaryOp::Sub, DType::Float32, TShape{100000}, TShape{1}, TShape{100000}, rng);
  checkBinary(BinaryOp::Mul, DType::Float32, TShape{0, 3}, TShape{3}, TShape{0, 3}, rng);
  checkBinary(BinaryOp::Mul, DType::Float64, TShape{2, 1, 3, 1, 2, 1}, TShape{1, 4, 1, 5, 1, 3},
              TShape{2, 4, 3, 5, 2, 3}, rng);
  checkBinary(BinaryOp::Add, DType::Float16, TShape{300, 1}, TShape{1, 400}, TShape{300, 400}, rng);
  checkBinary(BinaryOp::Maximum, DType::BFloat16, TShape{7, 1, 5000}, TShape{7, 3, 1},
              TShape{7, 3, 5000}, rng);
}

TEST(KernelsBroadcast, MismatchedShapesNameTheOpAndShapes) {
  HostArray a(TShape{2, 3}, DType::Float32), b(TShape{4}, DType::Float32),
      out(TShape{2, 3}, DType::Float32);
  try {
    kc::binary(BinaryOp::Add, a, b, out);
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("(4,)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(2,3)"), std::string::npos) << e.what();
  }
  HostArray c(TShape{2, 3}, DType::Int32);
  EXPECT_THROW(kc::binary(BinaryOp::Add, a, c, out), Error);
}

TEST(KernelsBroadcast, MaximumPropagatesNaNBothWays) {
  HostArray a(TShape{2}, DType::Float32), b(TShape{2}, DType::Float32),
      o(TShape{2}, DType::Float32);
  a.set(0, std::nan(""));
  a.set(1, 1);
  b.set(0, 1);
  b.set(1, std::nan(""));
  kc::binary(BinaryOp::Maximum, a, b, o);
  EXPECT_TRUE(std::isnan(o.get(0)) && std::isnan(o.get(1)));
}

// ---- scalar ----------------------------------------------------------------------

TEST(KernelsElementwise, ScalarOpsForwardAndReversed) {
  std::mt19937 rng(4);
  for (BinaryOp op : kAllBinary)
    for (DType t : allDTypes())
      for (bool reverse : {false, true}) {
        if (t == DType::Bool)
          continue;
        bool isInt = !isFloat(t);
        double scalar = isInt ? 3.7 : 1.75; // integers see int(3.7) == 3
        TShape shape = randomShape(rng, int(rng() % 4), 1, 30);
        HostArray in = randomArray(shape, t, rng, t == DType::UInt8 ? 0 : -4, 4), out(shape, t);
        if (op == BinaryOp::Power && !isInt)
          for (int64_t i = 0; i < in.numel(); ++i)
            in.set(i, std::abs(in.get(i)) + 0.5);
        kc::binaryScalar(op, in, scalar, reverse, out);
        double s = roundTo(t, scalar);
        std::vector<double> want(static_cast<size_t>(in.numel()));
        for (int64_t i = 0; i < in.numel(); ++i)
          want[size_t(i)] =
              roundTo(t, reverse ? binaryRef(op, t, s, in.get(i)) : binaryRef(op, t, in.get(i), s));
        double tol = t == DType::Float32 ? 1e-6 : tolerance(t);
        expectClose(out, want, tol, str("op ", int(op), " ", dtypeName(t), " rev ", reverse));
      }
}

TEST(KernelsElementwise, ScalarOnIntegersWithFloatOutputKeepsTheFraction) {
  // _plus_scalar(int32, 2.5, is_int=False) gives float32 in MXNet 1.9.
  HostArray in(TShape{2}, DType::Int32), out(TShape{2}, DType::Float32);
  in.set(0, -7);
  in.set(1, 3);
  kc::binaryScalar(BinaryOp::Add, in, 2.5, false, out);
  EXPECT_EQ(out.values(), (std::vector<double>{-4.5, 5.5}));
}

// ---- cast, clip, fill, add_n, where -------------------------------------------------

TEST(KernelsElementwise, CastBetweenEveryPairOfDTypes) {
  std::mt19937 rng(5);
  for (DType from : allDTypes())
    for (DType to : allDTypes()) {
      double hi = from == DType::Bool ? 1 : 100;
      HostArray in = randomArray(TShape{37}, from, rng, 0, hi), out(TShape{37}, to);
      kc::cast(in, out);
      std::vector<double> want(37);
      for (int i = 0; i < 37; ++i)
        want[size_t(i)] = to == DType::Bool
                              ? double(in.get(i) != 0)
                              : roundTo(to, isFloat(to) ? in.get(i) : std::trunc(in.get(i)));
      expectClose(out, want, tolerance(to), str(dtypeName(from), "->", dtypeName(to)));
    }
}

TEST(KernelsElementwise, ClipFillAddNWhere) {
  std::mt19937 rng(6);
  for (DType t : {DType::Float32, DType::Float16, DType::Int32, DType::Int8}) {
    HostArray x = randomArray(TShape{50}, t, rng, -5, 5), y(TShape{50}, t);
    kc::clip(x, y, -2.5, 3);
    std::vector<double> want(50);
    double lo = roundTo(t, -2.5);
    for (int i = 0; i < 50; ++i)
      want[size_t(i)] = std::min(std::max(x.get(i), lo), 3.0);
    expectClose(y, want, str("clip ", dtypeName(t)));

    kc::fill(y, 7);
    expectClose(y, std::vector<double>(50, 7.0), "fill");

    HostArray a = randomArray(TShape{50}, t, rng, -5, 5),
              b = randomArray(TShape{50}, t, rng, -5, 5),
              c = randomArray(TShape{50}, t, rng, -5, 5), s(TShape{50}, t);
    const TBlob args[] = {a, b, c};
    kc::addN(args, s);
    for (int i = 0; i < 50; ++i)
      want[size_t(i)] = roundTo(t, a.get(i) + b.get(i) + c.get(i));
    expectClose(s, want, 2 * tolerance(t), str("add_n ", dtypeName(t)));

    HostArray cond = randomArray(TShape{50}, DType::Float32, rng, -1, 1), w(TShape{50}, t);
    kc::where(cond, a, b, w);
    for (int i = 0; i < 50; ++i)
      want[size_t(i)] = cond.get(i) != 0 ? a.get(i) : b.get(i);
    expectClose(w, want, "where");
  }
  // where with a 1-D condition selects rows.
  HostArray cond(TShape{3}, DType::Int32), a = randomArray(TShape{3, 4}, DType::Float32, rng),
                                           b = randomArray(TShape{3, 4}, DType::Float32, rng),
                                           o(TShape{3, 4}, DType::Float32);
  cond.set(1, 1);
  kc::where(cond, a, b, o);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(o.get(i), i / 4 == 1 ? a.get(i) : b.get(i));
  HostArray badCond(TShape{4}, DType::Int32);
  EXPECT_THROW(kc::where(badCond, a, b, o), Error);
}

TEST(KernelsElementwise, MultithreadedEqualsSingleThreaded) {
  std::mt19937 rng(7);
  TShape shape{1 << 20};
  HostArray a = randomArray(shape, DType::Float32, rng),
            b = randomArray(TShape{1 << 20}, DType::Float32, rng);
  HostArray m(shape, DType::Float32), s(shape, DType::Float32);
  kc::binary(BinaryOp::Hypot, a, b, m);
  {
    kc::SerialScope serial;
    kc::binary(BinaryOp::Hypot, a, b, s);
  }
  EXPECT_TRUE(sameBits(m, s));
  kc::unary(UnaryOp::Tanh, a, m);
  {
    kc::SerialScope serial;
    kc::unary(UnaryOp::Tanh, a, s);
  }
  EXPECT_TRUE(sameBits(m, s));
}

} // namespace
} // namespace mxrt
