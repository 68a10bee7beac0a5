// reducers.h - the accumulate/merge rule of each reduction, shared by the
// CPU and CUDA reduce kernels: sum, mean, prod, NaN-skipping sum/prod,
// NaN-propagating max/min, and the 1- and 2-norms.
#pragma once

#include "kernels/functors.h"

#include <limits>

namespace mxrt::kernels {

/// Reductions over axes (sum, mean, prod, max, min, nansum, nanprod, norm).
enum class ReduceOp : uint8_t { Sum, Mean, Prod, Max, Min, NanSum, NanProd, Norm1, Norm2 };

template <ReduceOp Op, class A> struct Reducer;
template <class A> struct Reducer<ReduceOp::Sum, A> {
  MXRT_HD static A init() { return A(0); }
  MXRT_HD static A step(A acc, A x) { return acc + x; }
  MXRT_HD static A merge(A a, A b) { return a + b; }
};
template <class A> struct Reducer<ReduceOp::Mean, A> : Reducer<ReduceOp::Sum, A> {};
template <class A> struct Reducer<ReduceOp::Prod, A> {
  MXRT_HD static A init() { return A(1); }
  MXRT_HD static A step(A acc, A x) { return acc * x; }
  MXRT_HD static A merge(A a, A b) { return a * b; }
};
template <class A> struct Reducer<ReduceOp::NanSum, A> {
  MXRT_HD static A init() { return A(0); }
  MXRT_HD static A step(A acc, A x) { return fn::isNan(x) ? acc : acc + x; }
  MXRT_HD static A merge(A a, A b) { return a + b; }
};
template <class A> struct Reducer<ReduceOp::NanProd, A> {
  MXRT_HD static A init() { return A(1); }
  MXRT_HD static A step(A acc, A x) { return fn::isNan(x) ? acc : acc * x; }
  MXRT_HD static A merge(A a, A b) { return a * b; }
};
template <class A> struct Reducer<ReduceOp::Max, A> {
  MXRT_HD static A init() {
    return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                : std::numeric_limits<A>::lowest();
  }
  MXRT_HD static A step(A acc, A x) { return (x > acc || fn::isNan(x)) ? x : acc; }
  MXRT_HD static A merge(A a, A b) { return step(a, b); }
};
template <class A> struct Reducer<ReduceOp::Min, A> {
  MXRT_HD static A init() {
    return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity()
                                                : std::numeric_limits<A>::max();
  }
  MXRT_HD static A step(A acc, A x) { return (x < acc || fn::isNan(x)) ? x : acc; }
  MXRT_HD static A merge(A a, A b) { return step(a, b); }
};
template <class A> struct Reducer<ReduceOp::Norm1, A> : Reducer<ReduceOp::Sum, A> {
  MXRT_HD static A step(A acc, A x) { return acc + (x < A(0) ? -x : x); }
};
template <class A> struct Reducer<ReduceOp::Norm2, A> : Reducer<ReduceOp::Sum, A> {
  MXRT_HD static A step(A acc, A x) { return acc + x * x; }
};

} // namespace mxrt::kernels
