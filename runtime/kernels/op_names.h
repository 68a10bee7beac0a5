// op_names.h - which MXNet operator runs which elementwise functor: the one
// list both the CPU and the CUDA registrations read, and the per-op lookup
// their kernels use at run time (one adapter serves a whole family).
#pragma once

#include "kernels/functors.h"
#include "mxrt/op_table.h"

#include <string_view>
#include <vector>

namespace mxrt::kernels {

struct UnaryName {
  const char *name;
  UnaryOp op;
};
inline constexpr UnaryName kUnaryOps[] = {
    {"abs", UnaryOp::Abs},
    {"sign", UnaryOp::Sign},
    {"round", UnaryOp::Round},
    {"rint", UnaryOp::Rint},
    {"ceil", UnaryOp::Ceil},
    {"floor", UnaryOp::Floor},
    {"trunc", UnaryOp::Trunc},
    {"fix", UnaryOp::Fix},
    {"square", UnaryOp::Square},
    {"sqrt", UnaryOp::Sqrt},
    {"rsqrt", UnaryOp::Rsqrt},
    {"cbrt", UnaryOp::Cbrt},
    {"rcbrt", UnaryOp::Rcbrt},
    {"exp", UnaryOp::Exp},
    {"log", UnaryOp::Log},
    {"log10", UnaryOp::Log10},
    {"log2", UnaryOp::Log2},
    {"log1p", UnaryOp::Log1p},
    {"expm1", UnaryOp::Expm1},
    {"sin", UnaryOp::Sin},
    {"cos", UnaryOp::Cos},
    {"tan", UnaryOp::Tan},
    {"arcsin", UnaryOp::Arcsin},
    {"arccos", UnaryOp::Arccos},
    {"arctan", UnaryOp::Arctan},
    {"sinh", UnaryOp::Sinh},
    {"cosh", UnaryOp::Cosh},
    {"tanh", UnaryOp::Tanh},
    {"arcsinh", UnaryOp::Arcsinh},
    {"arccosh", UnaryOp::Arccosh},
    {"arctanh", UnaryOp::Arctanh},
    {"degrees", UnaryOp::Degrees},
    {"radians", UnaryOp::Radians},
    {"sigmoid", UnaryOp::Sigmoid},
    {"relu", UnaryOp::Relu},
    {"softsign", UnaryOp::Softsign},
    {"negative", UnaryOp::Negative},
    {"reciprocal", UnaryOp::Reciprocal},
    {"erf", UnaryOp::Erf},
    {"erfinv", UnaryOp::Erfinv},
    {"gamma", UnaryOp::Gamma},
    {"gammaln", UnaryOp::Gammaln},
    {"logical_not", UnaryOp::LogicalNot},
    {"_copy", UnaryOp::Copy},
    {"BlockGrad", UnaryOp::Copy},
    {"make_loss", UnaryOp::Copy},
    {"MakeLoss", UnaryOp::Copy},
};

struct BinaryName {
  const char *name;
  BinaryOp op;
  bool reverse = false; ///< scalar ops: scalar op array (_rminus_scalar, ...)
};
/// Array-array ops (elemwise_* have equal shapes, broadcast_* broadcast).
inline constexpr BinaryName kBinaryOps[] = {
    {"elemwise_add", BinaryOp::Add},
    {"elemwise_sub", BinaryOp::Sub},
    {"elemwise_mul", BinaryOp::Mul},
    {"elemwise_div", BinaryOp::Div},
    {"_grad_add", BinaryOp::Add},
    {"_mod", BinaryOp::Mod},
    {"_power", BinaryOp::Power},
    {"_maximum", BinaryOp::Maximum},
    {"_minimum", BinaryOp::Minimum},
    {"_hypot", BinaryOp::Hypot},
    {"_equal", BinaryOp::Equal},
    {"_not_equal", BinaryOp::NotEqual},
    {"_greater", BinaryOp::Greater},
    {"_greater_equal", BinaryOp::GreaterEqual},
    {"_lesser", BinaryOp::Lesser},
    {"_lesser_equal", BinaryOp::LesserEqual},
    {"_logical_and", BinaryOp::LogicalAnd},
    {"_logical_or", BinaryOp::LogicalOr},
    {"_logical_xor", BinaryOp::LogicalXor},
    {"broadcast_add", BinaryOp::Add},
    {"broadcast_sub", BinaryOp::Sub},
    {"broadcast_mul", BinaryOp::Mul},
    {"broadcast_div", BinaryOp::Div},
    {"broadcast_mod", BinaryOp::Mod},
    {"broadcast_power", BinaryOp::Power},
    {"broadcast_maximum", BinaryOp::Maximum},
    {"broadcast_minimum", BinaryOp::Minimum},
    {"broadcast_hypot", BinaryOp::Hypot},
    {"broadcast_equal", BinaryOp::Equal},
    {"broadcast_not_equal", BinaryOp::NotEqual},
    {"broadcast_greater", BinaryOp::Greater},
    {"broadcast_greater_equal", BinaryOp::GreaterEqual},
    {"broadcast_lesser", BinaryOp::Lesser},
    {"broadcast_lesser_equal", BinaryOp::LesserEqual},
    {"broadcast_logical_and", BinaryOp::LogicalAnd},
    {"broadcast_logical_or", BinaryOp::LogicalOr},
    {"broadcast_logical_xor", BinaryOp::LogicalXor},
};
/// Array-scalar ops (attribute `scalar`).
inline constexpr BinaryName kScalarOps[] = {
    {"_plus_scalar", BinaryOp::Add},
    {"_minus_scalar", BinaryOp::Sub},
    {"_rminus_scalar", BinaryOp::Sub, true},
    {"_mul_scalar", BinaryOp::Mul},
    {"_div_scalar", BinaryOp::Div},
    {"_rdiv_scalar", BinaryOp::Div, true},
    {"_mod_scalar", BinaryOp::Mod},
    {"_rmod_scalar", BinaryOp::Mod, true},
    {"_power_scalar", BinaryOp::Power},
    {"_rpower_scalar", BinaryOp::Power, true},
    {"_maximum_scalar", BinaryOp::Maximum},
    {"_minimum_scalar", BinaryOp::Minimum},
    {"_hypot_scalar", BinaryOp::Hypot},
    {"_equal_scalar", BinaryOp::Equal},
    {"_not_equal_scalar", BinaryOp::NotEqual},
    {"_greater_scalar", BinaryOp::Greater},
    {"_greater_equal_scalar", BinaryOp::GreaterEqual},
    {"_lesser_scalar", BinaryOp::Lesser},
    {"_lesser_equal_scalar", BinaryOp::LesserEqual},
    {"_logical_and_scalar", BinaryOp::LogicalAnd},
    {"_logical_or_scalar", BinaryOp::LogicalOr},
    {"_logical_xor_scalar", BinaryOp::LogicalXor},
};

/// A value per operator of the table, set by name at registration and
/// read by OpSpec in kernels (an index, no lookup by string).
template <class V> class OpMap {
public:
  void set(std::string_view name, V v) {
    if (const OpSpec *op = findOp(name)) {
      if (v_.empty())
        v_.resize(opTable().size());
      v_[size_t(op - opTable().data())] = v;
    }
  }
  const V &operator[](const OpSpec &op) const { return v_[size_t(&op - opTable().data())]; }

private:
  std::vector<V> v_;
};

} // namespace mxrt::kernels
