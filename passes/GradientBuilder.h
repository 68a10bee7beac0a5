//===- GradientBuilder.h - building backward ops for one forward op -*- C++ -*-===//
//
// What a gradient rule (GradientRules*.cpp) sees: the forward op (operands,
// results, MXNet attributes), which inputs want a gradient, whether the graph
// is for training, and a builder that creates mx ops by their MXNet name with
// attributes as typed values, inferring result types through the ops' own
// shape and type functions. Rules therefore read like MXNet's FGradient
// functions and never name a C++ op class.
//
// Every value a rule handles has a static shape and a known element type
// (mx-gradient checks this up front), so helpers can compute axes and
// shapes at compile time. A failed creation (an inference error) is
// reported once, on the forward op, and makes every later creation return
// a null value; the driver checks failed() after the rule.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mxrt/attrs.h"

#include <string_view>
#include <utility>

namespace mlir::mx {

/// An attribute of an op to create: MXNet name and typed value.
using GradAttr = std::pair<std::string_view, mxrt::AttrValue>;
/// A tuple attribute value (axes, shapes).
using Dims = std::vector<int64_t>;

class GradBuilder {
public:
  GradBuilder(OpBuilder &builder, Operation *forward, const mxrt::Attrs &attrs,
              ArrayRef<bool> wanted, bool training);

  //===--- The forward op --------------------------------------------------===//
  Operation *op() const { return fwd; }
  Value in(unsigned i) const;
  Value out(unsigned i) const;
  unsigned numIn() const;
  const mxrt::Attrs &attrs() const { return fwdAttrs; }
  /// Does input i need a gradient? Rules skip work for inputs that do not.
  bool wants(unsigned i) const { return i < wanted.size() && wanted[i]; }
  /// The function runs in training mode (mx.train): BatchNorm uses batch
  /// statistics, Dropout its mask.
  bool training() const { return isTraining; }

  //===--- Creating ops ----------------------------------------------------===//
  /// Creates `mx.<name>` and returns its first result (null after a failure).
  Value create(std::string_view name, ValueRange operands, ArrayRef<GradAttr> attrs = {});
  /// All results of `mx.<name>`. With `types`, the results get them instead
  /// of inferred ones.
  SmallVector<Value> createAll(std::string_view name, ValueRange operands,
                               ArrayRef<GradAttr> attrs = {}, TypeRange types = {});

  //===--- Shapes ----------------------------------------------------------===//
  static ArrayRef<int64_t> shape(Value v);
  static int64_t rank(Value v) { return int64_t(shape(v).size()); }
  static int64_t numel(Value v);
  static Type elementType(Value v);
  static bool isFloat(Value v);
  /// MXNet's name of v's dtype ("float32"), for dtype attributes.
  static std::string dtypeName(Value v);

  //===--- Arithmetic (same-shape operands unless named broadcast) ---------===//
  Value add(Value a, Value b) { return create("elemwise_add", {a, b}); }
  Value sub(Value a, Value b) { return create("elemwise_sub", {a, b}); }
  Value mul(Value a, Value b) { return create("elemwise_mul", {a, b}); }
  Value div(Value a, Value b) { return create("elemwise_div", {a, b}); }
  Value neg(Value a) { return create("negative", {a}); }
  Value scalar(std::string_view op, Value a, double s);
  Value mulScalar(Value a, double s) { return s == 1 ? a : scalar("_mul_scalar", a, s); }
  Value addScalar(Value a, double s) { return s == 0 ? a : scalar("_plus_scalar", a, s); }
  Value rsubScalar(double s, Value a) { return scalar("_rminus_scalar", a, s); }
  Value powScalar(Value a, double s) { return scalar("_power_scalar", a, s); }
  Value unary(std::string_view op, Value a) { return create(op, {a}); }
  /// broadcast_<op>(a, b).
  Value bcast(std::string_view op, Value a, Value b);
  /// Sum of several gradients (add_n for three or more).
  Value sum(ArrayRef<Value> terms);

  //===--- Shape ops -------------------------------------------------------===//
  Value reshape(Value v, ArrayRef<int64_t> shape);
  Value transpose(Value v, ArrayRef<int64_t> axes);
  /// Sums over `axes` (keepdims as given).
  Value reduceSum(Value v, ArrayRef<int64_t> axes, bool keepdims);
  /// The gradient of a broadcast: sums `g` down to `shape` (NumPy rules:
  /// leading axes and axes of extent 1 in `shape`).
  Value sumTo(Value g, ArrayRef<int64_t> shape);
  /// broadcast_to(v, shape) (v of the same rank, extents 1 where broadcast).
  Value broadcastTo(Value v, ArrayRef<int64_t> shape);
  /// Zeros of a shape and element type, depending on no value.
  Value zeros(ArrayRef<int64_t> shape, Type elementType);
  Value zerosLike(Value v) { return zeros(shape(v), elementType(v)); }
  Value cast(Value v, Type elementType);
  /// v with its element type, or cast to `like`'s.
  Value castLike(Value v, Value like);

  //===--- Failure ---------------------------------------------------------===//
  /// An error on the forward op, naming its node; marks the builder failed.
  InFlightDiagnostic error();
  bool failed() const { return hasFailed; }

private:
  OpBuilder &b;
  Operation *fwd;
  const mxrt::Attrs &fwdAttrs;
  ArrayRef<bool> wanted;
  bool isTraining;
  bool hasFailed = false;
  Location loc;
};

} // namespace mlir::mx
