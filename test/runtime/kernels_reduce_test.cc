// kernels_reduce_test.cc - sum/mean/prod/max/min/nansum/nanprod/norm and
// argmax/argmin against double-precision references, over random axes.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels_testing.h"

#include <limits>

namespace mxrt {
namespace {

using kernels::cpu::AxisMask;
using kernels::cpu::ReduceOp;
using namespace mxrt::testing;
namespace kc = mxrt::kernels::cpu;

/// Output shape of reducing `in` over mask (keepdims=False).
TShape reducedShape(const TShape &in, AxisMask mask) {
  std::vector<int64_t> d;
  for (int i = 0; i < in.ndim(); ++i)
    if (!((mask >> i) & 1))
      d.push_back(in[i]);
  return toShape(d);
}

/// Double-precision reference; integer sums wrap into dtype t at the end.
std::vector<double> reduceRef(ReduceOp op, const HostArray &in, AxisMask mask, DType outT) {
  TShape os = reducedShape(in.shape(), mask);
  size_t nOut = size_t(os.numel());
  int64_t n = nOut ? in.numel() / int64_t(nOut) : 0;
  std::vector<double> acc(nOut), cnt(nOut, 0);
  double init = op == ReduceOp::Prod || op == ReduceOp::NanProd ? 1
                : op == ReduceOp::Max                           ? -INFINITY
                : op == ReduceOp::Min                           ? INFINITY
                                                                : 0;
  std::fill(acc.begin(), acc.end(), init);
  for (int64_t i = 0; i < in.numel(); ++i) {
    auto idx = unravel(i, in.shape());
    int64_t o = 0;
    for (int d = 0; d < in.shape().ndim(); ++d)
      if (!((mask >> d) & 1))
        o = o * in.shape()[d] + idx[size_t(d)];
    double x = in.get(i), &a = acc[size_t(o)];
    switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Mean:
      a += x;
      break;
    case ReduceOp::Prod:
      a *= x;
      break;
    case ReduceOp::NanSum:
      a += std::isnan(x) ? 0 : x;
      break;
    case ReduceOp::NanProd:
      a *= std::isnan(x) ? 1 : x;
      break;
    case ReduceOp::Max:
      a = (std::isnan(x) || std::isnan(a) || x > a) ? (std::isnan(a) ? a : x) : a;
      break;
    case ReduceOp::Min:
      a = (std::isnan(x) || std::isnan(a) || x < a) ? (std::isnan(a) ? a : x) : a;
      break;
    case ReduceOp::Norm1:
      a += std::abs(x);
      break;
    case ReduceOp::Norm2:
      a += x * x;
      break;
    }
  }
  for (double &a : acc) {
    if (op == ReduceOp::Norm2)
      a = std::sqrt(a);
    if (op == ReduceOp::Mean)
      a = isFloat(outT) ? a / double(n) : std::trunc(roundTo(outT, a) / double(n));
    a = roundTo(outT, a);
  }
  return acc;
}

const ReduceOp kOps[] = {ReduceOp::Sum,     ReduceOp::Mean,  ReduceOp::Prod,
                         ReduceOp::Max,     ReduceOp::Min,   ReduceOp::NanSum,
                         ReduceOp::NanProd, ReduceOp::Norm1, ReduceOp::Norm2};

void checkReduce(ReduceOp op, DType t, const TShape &shape, AxisMask mask, std::mt19937 &rng,
                 const std::string &what) {
  bool prod = op == ReduceOp::Prod || op == ReduceOp::NanProd;
  double lo = t == DType::UInt8 || t == DType::Bool ? 0 : prod ? (isFloat(t) ? 0.7 : -1) : -2;
  double hi = t == DType::Bool ? 1 : prod ? (isFloat(t) ? 1.3 : 1) : 2;
  HostArray in = randomArray(shape, t, rng, lo, hi);
  HostArray out(reducedShape(shape, mask), t);
  kc::reduce(op, in, mask, out);
  // float32 accumulates in float: allow the error of long sums.
  double tol = t == DType::Float32 ? 1e-5 : t == DType::Float16 ? 4e-3 : tolerance(t) * 2;
  expectClose(out, reduceRef(op, in, mask, t), tol, what);
}

TEST(KernelsReduce, RandomShapesAxesAndDTypes) {
  std::mt19937 rng(11);
  for (ReduceOp op : kOps)
    for (DType t : allDTypes()) {
      if (t == DType::Bool && op != ReduceOp::Max && op != ReduceOp::Min)
        continue;
      for (int rep = 0; rep < 8; ++rep) {
        int nd = rep % 7;
        TShape shape = randomShape(rng, nd, 1, isFloat(t) ? 6 : 3);
        AxisMask mask = nd ? AxisMask(rng()) & ((AxisMask(1) << nd) - 1) : 0;
        if (mask == 0 && nd)
          mask = (AxisMask(1) << nd) - 1;
        checkReduce(op, t, shape, mask, rng,
                    str("op ", int(op), " ", dtypeName(t), " ", shape.str(), " mask ", mask));
      }
    }
}

TEST(KernelsReduce, LongRowsColumnsAndInterleavedAxes) {
  std::mt19937 rng(12);
  checkReduce(ReduceOp::Sum, DType::Float32, TShape{300001}, 1, rng, "long row");
  checkReduce(ReduceOp::Max, DType::Float32, TShape{3, 70001}, 2, rng, "rows");
  checkReduce(ReduceOp::Sum, DType::Float64, TShape{5000, 7}, 1, rng, "columns");
  checkReduce(ReduceOp::Mean, DType::Float32, TShape{4, 300, 513}, 2, rng, "outer columns");
  checkReduce(ReduceOp::Norm2, DType::Float32, TShape{3, 4, 5, 6}, 0b0101, rng, "R K R K");
  checkReduce(ReduceOp::Sum, DType::Float16, TShape{2, 3, 4, 5, 6, 7}, 0b101010, rng, "rank 6");
  checkReduce(ReduceOp::Sum, DType::Float32, TShape{0, 4}, 1, rng, "empty reduced axis");
  checkReduce(ReduceOp::Sum, DType::Float32, TShape{4, 0}, 1, rng, "empty kept axis");
  checkReduce(ReduceOp::Sum, DType::Float32, TShape{}, 0, rng, "rank 0");
}

TEST(KernelsReduce, MaskFollowsMXNetAxisAndExclude) {
  EXPECT_EQ(kc::reduceMask(std::nullopt, false, 3, "sum"), 0b111u);
  EXPECT_EQ(kc::reduceMask(std::vector<int64_t>{}, true, 3, "sum"), 0b111u);
  EXPECT_EQ(kc::reduceMask(std::vector<int64_t>{-1}, false, 3, "sum"), 0b100u);
  EXPECT_EQ(kc::reduceMask(std::vector<int64_t>{0}, true, 3, "sum"), 0b110u);
  EXPECT_THROW(kc::reduceMask(std::vector<int64_t>{3}, false, 3, "sum"), Error);
  EXPECT_THROW(kc::reduceMask(std::vector<int64_t>{1, -2}, false, 3, "sum"), Error);
}

TEST(KernelsReduce, MaxOverEmptyAxisIsAnError) {
  HostArray in(TShape{0, 3}, DType::Float32), out(TShape{3}, DType::Float32);
  try {
    kc::reduce(ReduceOp::Max, in, 1, out);
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("(0,3)"), std::string::npos) << e.what();
  }
}

TEST(KernelsReduce, NormWithOtherOutputDType) {
  std::mt19937 rng(13);
  HostArray in = randomArray(TShape{4, 5}, DType::Float16, rng), out(TShape{4}, DType::Float32);
  kc::reduce(ReduceOp::Norm2, in, 0b10, out);
  expectClose(out, reduceRef(ReduceOp::Norm2, in, 0b10, DType::Float32), 1e-6);
}

TEST(KernelsReduce, ArgMaxArgMin) {
  std::mt19937 rng(14);
  for (DType t : {DType::Float32, DType::Float16, DType::Int32, DType::UInt8}) {
    TShape shape{3, 7, 5};
    HostArray in = randomArray(shape, t, rng, 0, 50);
    for (int axis = 0; axis < 3; ++axis)
      for (bool isMax : {true, false}) {
        std::vector<int64_t> od;
        for (int d = 0; d < 3; ++d)
          if (d != axis)
            od.push_back(shape[d]);
        TShape os = toShape(od);
        HostArray out(os, t);
        kc::argReduce(isMax, in, axis, out);
        std::vector<double> want(static_cast<size_t>(os.numel()));
        for (int64_t o = 0; o < os.numel(); ++o) {
          auto oi = unravel(o, os);
          double best = 0;
          int64_t bi = -1;
          for (int64_t r = 0; r < shape[axis]; ++r) {
            std::vector<int64_t> ii = oi;
            ii.insert(ii.begin() + axis, r);
            double v = in.get((ii[0] * shape[1] + ii[1]) * shape[2] + ii[2]);
            if (bi < 0 || (isMax ? v > best : v < best)) {
              best = v;
              bi = r;
            }
          }
          want[size_t(o)] = double(bi);
        }
        expectClose(out, want, str("arg ", dtypeName(t), " axis ", axis));
      }
  }
  // Flattened, with NaN counting as the maximum (first one wins), as MXNet.
  HostArray f(TShape{4}, DType::Float32), idx(TShape{1}, DType::Float32);
  f.set(0, 1);
  f.set(1, std::nan(""));
  f.set(2, 3);
  f.set(3, std::nan(""));
  kc::argReduce(true, f, std::nullopt, idx);
  EXPECT_EQ(idx.get(0), 1);
}

TEST(KernelsReduce, MultithreadedEqualsSingleThreaded) {
  std::mt19937 rng(15);
  HostArray in = randomArray(TShape{3, 1 << 18}, DType::Float32, rng);
  for (AxisMask mask : {AxisMask(0b11), AxisMask(0b10), AxisMask(0b01)}) {
    HostArray m(reducedShape(in.shape(), mask), DType::Float32), s(m.shape(), DType::Float32);
    kc::reduce(ReduceOp::Sum, in, mask, m);
    {
      kc::SerialScope serial;
      kc::reduce(ReduceOp::Sum, in, mask, s);
    }
    EXPECT_TRUE(sameBits(m, s)) << mask;
  }
}

} // namespace
} // namespace mxrt
