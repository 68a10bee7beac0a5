//===- MxBridge.cpp - mx IR <-> runtime values (shapes, dtypes, attrs) ----===//
//
// Conversions between MLIR's view of a graph value or attribute and the
// runtime's (mxrt::TShape, mxrt::DType, mxrt::AttrValue). Unknown is -1 on
// the runtime side and `?` / unranked / !mx.unknown on ours.
//
//===----------------------------------------------------------------------===//
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mxrt/base.h"

#include <sstream>

using namespace mlir;
using namespace mlir::mx;

//===--- Element types ---------------------------------------------------===//

Type mlir::mx::getElementType(MLIRContext *ctx, mxrt::DType dtype) {
  Builder b(ctx);
  using mxrt::DType;
  switch (dtype) {
  case DType::Float32: return b.getF32Type();
  case DType::Float64: return b.getF64Type();
  case DType::Float16: return b.getF16Type();
  case DType::BFloat16: return b.getBF16Type();
  case DType::UInt8: return b.getIntegerType(8, /*isSigned=*/false);
  case DType::Int8: return b.getIntegerType(8);
  case DType::Int16: return b.getIntegerType(16);
  case DType::UInt16: return b.getIntegerType(16, /*isSigned=*/false);
  case DType::Int32: return b.getIntegerType(32);
  case DType::UInt32: return b.getIntegerType(32, /*isSigned=*/false);
  case DType::Int64: return b.getIntegerType(64);
  case DType::UInt64: return b.getIntegerType(64, /*isSigned=*/false);
  case DType::Bool: return b.getI1Type();
  case DType::Unknown: break;
  }
  return UnknownType::get(ctx);
}

mxrt::DType mlir::mx::getDType(Type t) {
  using mxrt::DType;
  if (t.isF32()) return DType::Float32;
  if (t.isF64()) return DType::Float64;
  if (t.isF16()) return DType::Float16;
  if (t.isBF16()) return DType::BFloat16;
  auto it = dyn_cast<IntegerType>(t);
  if (!it)
    return DType::Unknown;
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
  case 1: return u ? DType::Unknown : DType::Bool;
  case 8: return u ? DType::UInt8 : DType::Int8;
  case 16: return u ? DType::UInt16 : DType::Int16;
  case 32: return u ? DType::UInt32 : DType::Int32;
  case 64: return u ? DType::UInt64 : DType::Int64;
  default: return DType::Unknown;
  }
}

bool mlir::mx::isMxElementType(Type t) {
  return isa<UnknownType>(t) || getDType(t) != mxrt::DType::Unknown;
}

//===--- Shapes ----------------------------------------------------------===//

mxrt::TShape mlir::mx::getTShape(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked)
    return mxrt::TShape();
  mxrt::TShape shape(int(ranked.getRank()), -1);
  for (int i = 0, e = int(ranked.getRank()); i < e; ++i)
    if (!ranked.isDynamicDim(i))
      shape[i] = ranked.getDimSize(i);
  return shape;
}

TensorType mlir::mx::getTensorType(const mxrt::TShape &shape, Type elementType) {
  if (!shape.ndimKnown())
    return UnrankedTensorType::get(elementType);
  SmallVector<int64_t> dims;
  for (int64_t d : shape.dims())
    dims.push_back(d < 0 ? ShapedType::kDynamic : d);
  return RankedTensorType::get(dims, elementType);
}

std::string mlir::mx::formatProvidedShape(const mxrt::TShape &shape) {
  if (!shape.ndimKnown())
    return "[]";
  std::ostringstream os;
  os << '[';
  for (int i = 0; i < shape.ndim(); ++i)
    os << (i ? "," : "") << shape[i];
  os << ']';
  return os.str();
}

FailureOr<mxrt::TShape> mlir::mx::mergeShapes(const mxrt::TShape &a, const mxrt::TShape &b) {
  if (!a.ndimKnown())
    return b;
  if (!b.ndimKnown())
    return a;
  if (a.ndim() != b.ndim())
    return failure();
  mxrt::TShape out = a;
  for (int i = 0; i < a.ndim(); ++i) {
    if (a[i] >= 0 && b[i] >= 0 && a[i] != b[i])
      return failure();
    if (a[i] < 0)
      out[i] = b[i];
  }
  return out;
}

//===--- Attributes ------------------------------------------------------===//

bool mlir::mx::isHiddenAttrName(StringRef name) {
  return name.size() > 4 && name.starts_with("__") && name.ends_with("__");
}

Attribute mlir::mx::toAttribute(Builder &b, const mxrt::AttrSpec &spec,
                                const mxrt::AttrValue &value) {
  using mxrt::AttrKind;
  if (std::holds_alternative<std::monostate>(value))
    return {};
  switch (spec.kind) {
  case AttrKind::Int:
  case AttrKind::OptInt:
    if (auto *v = std::get_if<int64_t>(&value))
      return b.getI64IntegerAttr(*v);
    break;
  case AttrKind::Float:
  case AttrKind::OptFloat:
    if (auto *v = std::get_if<double>(&value))
      return b.getF64FloatAttr(*v);
    break;
  case AttrKind::Bool:
    if (auto *v = std::get_if<bool>(&value))
      return b.getBoolAttr(*v);
    break;
  case AttrKind::Enum:
  case AttrKind::OptEnum:
  case AttrKind::Str:
  case AttrKind::DType:
  case AttrKind::OptDType:
    if (auto *v = std::get_if<std::string>(&value))
      return b.getStringAttr(*v);
    break;
  case AttrKind::Shape:
  case AttrKind::OptShape:
    if (auto *v = std::get_if<std::vector<int64_t>>(&value))
      return b.getDenseI64ArrayAttr(*v);
    break;
  }
  return {};
}

mxrt::AttrValue mlir::mx::fromAttribute(const mxrt::AttrSpec &spec, Attribute attr) {
  using mxrt::AttrKind;
  if (!attr)
    return std::monostate();
  switch (spec.kind) {
  case AttrKind::Int:
  case AttrKind::OptInt:
    if (auto a = dyn_cast<IntegerAttr>(attr))
      return a.getValue().getSExtValue();
    break;
  case AttrKind::Float:
  case AttrKind::OptFloat:
    if (auto a = dyn_cast<FloatAttr>(attr))
      return a.getValueAsDouble();
    break;
  case AttrKind::Bool:
    if (auto a = dyn_cast<BoolAttr>(attr))
      return a.getValue();
    break;
  case AttrKind::Enum:
  case AttrKind::OptEnum:
  case AttrKind::Str:
  case AttrKind::DType:
  case AttrKind::OptDType:
    if (auto a = dyn_cast<StringAttr>(attr))
      return a.str();
    break;
  case AttrKind::Shape:
  case AttrKind::OptShape:
    if (auto a = dyn_cast<DenseI64ArrayAttr>(attr))
      return std::vector<int64_t>(a.asArrayRef().begin(), a.asArrayRef().end());
    break;
  }
  return std::monostate();
}

std::string mlir::mx::errorInOperator(Operation *op) {
  std::string node = getNodeName(op);
  return "Error in operator " + (node.empty() ? op->getName().getStringRef().str() : node) + ": ";
}

FailureOr<mxrt::Attrs> mlir::mx::getRuntimeAttrs(Operation *op) {
  const mxrt::OpSpec *spec = lookupOpSpec(op->getName());
  if (!spec)
    return op->emitOpError("is not in the mx op table");
  SmallVector<std::pair<std::string_view, mxrt::AttrValue>, 8> values;
  for (const mxrt::AttrSpec &a : spec->attrs)
    if (Attribute attr = op->getAttr(StringRef(a.name.data(), a.name.size())))
      values.emplace_back(a.name, fromAttribute(a, attr));
  try {
    return mxrt::Attrs::fromValues(*spec, values);
  } catch (const mxrt::Error &e) {
    return op->emitOpError() << errorInOperator(op) << e.what();
  }
}
