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
  case DType::Float32:
    return b.getF32Type();
  case DType::Float64:
    return b.getF64Type();
  case DType::Float16:
    return b.getF16Type();
  case DType::BFloat16:
    return b.getBF16Type();
  case DType::UInt8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case DType::Int8:
    return b.getIntegerType(8);
  case DType::Int16:
    return b.getIntegerType(16);
  case DType::UInt16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case DType::Int32:
    return b.getIntegerType(32);
  case DType::UInt32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case DType::Int64:
    return b.getIntegerType(64);
  case DType::UInt64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case DType::Bool:
    return b.getI1Type();
  case DType::Unknown:
    break;
  }
  return UnknownType::get(ctx);
}

mxrt::DType mlir::mx::getDType(Type t) {
  using mxrt::DType;
  if (t.isF32())
    return DType::Float32;
  if (t.isF64())
    return DType::Float64;
  if (t.isF16())
    return DType::Float16;
  if (t.isBF16())
    return DType::BFloat16;
  auto it = dyn_cast<IntegerType>(t);
  if (!it)
    return DType::Unknown;
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
  case 1:
    return u ? DType::Unknown : DType::Bool;
  case 8:
    return u ? DType::UInt8 : DType::Int8;
  case 16:
    return u ? DType::UInt16 : DType::Int16;
  case 32:
    return u ? DType::UInt32 : DType::Int32;
  case 64:
    return u ? DType::UInt64 : DType::Int64;
  default:
    return DType::Unknown;
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

FailureOr<SmallVector<int64_t>> mlir::mx::parseShapeText(StringRef text, bool npShape) {
  text = text.trim();
  if (text.consume_front("(") && !text.consume_back(")"))
    return failure();
  SmallVector<int64_t> dims;
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  if (parts.size() > 1 && parts.back().trim().empty())
    parts.pop_back(); // "(3,)"
  if (parts.size() == 1 && parts[0].trim().empty())
    return dims; // "()"
  for (StringRef part : parts) {
    part = part.trim();
    int64_t dim;
    if (part == "?" || part == "None")
      dim = -1;
    else if (part.getAsInteger(10, dim) || dim < -1)
      return failure();
    if (dim == 0 && !npShape)
      dim = -1;
    dims.push_back(dim < 0 ? ShapedType::kDynamic : dim);
  }
  return dims;
}

//===--- Attributes ------------------------------------------------------===//

bool mlir::mx::isHiddenAttrName(StringRef name) {
  return name.size() > 4 && name.starts_with("__") && name.ends_with("__");
}

// Both directions follow the value, not the kind, so new attribute kinds
// need no change here: ints are i64, floats f64, tuples dense i64 arrays,
// enums and dtypes strings. An explicit None is a unit attribute where the
// attribute has a non-None default (MxBase.td's MxOptOf) and absent
// otherwise.
Attribute mlir::mx::toAttribute(Builder &b, const mxrt::AttrSpec &spec,
                                const mxrt::AttrValue &value) {
  return std::visit(
      [&](const auto &v) -> Attribute {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return spec.required || spec.dflt != "None" ? Attribute(b.getUnitAttr()) : Attribute();
        else if constexpr (std::is_same_v<T, int64_t>)
          return b.getI64IntegerAttr(v);
        else if constexpr (std::is_same_v<T, double>)
          return b.getF64FloatAttr(v);
        else if constexpr (std::is_same_v<T, bool>)
          return b.getBoolAttr(v);
        else if constexpr (std::is_same_v<T, std::string>)
          return b.getStringAttr(v);
        else
          return b.getDenseI64ArrayAttr(v);
      },
      value);
}

mxrt::AttrValue mlir::mx::fromAttribute(const mxrt::AttrSpec &, Attribute attr) {
  if (auto a = dyn_cast_or_null<BoolAttr>(attr))
    return a.getValue();
  if (auto a = dyn_cast_or_null<IntegerAttr>(attr))
    return a.getValue().getSExtValue();
  if (auto a = dyn_cast_or_null<FloatAttr>(attr))
    return a.getValueAsDouble();
  if (auto a = dyn_cast_or_null<StringAttr>(attr))
    return a.str();
  if (auto a = dyn_cast_or_null<DenseI64ArrayAttr>(attr))
    return std::vector<int64_t>(a.asArrayRef().begin(), a.asArrayRef().end());
  return std::monostate(); // null or unit: None
}

void mlir::mx::addSegmentSizes(OperationState &state, const mxrt::Attrs &attrs) {
  const mxrt::OpSpec &spec = attrs.op();
  Builder b(state.getContext());
  if (state.name.hasTrait<OpTrait::AttrSizedOperandSegments>()) {
    // One segment per ODS operand: an optional one is there when the
    // table's condition says so.
    // The variadic one (at most one per op) takes the inputs the others
    // leave: none when its condition is false.
    std::vector<std::string> names = mxrt::listInputNames(attrs);
    SmallVector<int32_t> sizes;
    int32_t fixed = 0;
    for (const mxrt::InputSpec &in : spec.inputs) {
      sizes.push_back(in.variadic ? 0 : int32_t(llvm::is_contained(names, std::string(in.name))));
      fixed += sizes.back();
    }
    for (auto [in, size] : llvm::zip(spec.inputs, sizes))
      if (in.variadic)
        size = int32_t(names.size()) - fixed;
    state.addAttribute("operandSegmentSizes", b.getDenseI32ArrayAttr(sizes));
  }
  if (state.name.hasTrait<OpTrait::AttrSizedResultSegments>()) {
    // The ODS results are the most there can be and the last ones optional
    // (MxBase.td, mxNumOutputs): the first numOutputs are present.
    int present = mxrt::numOutputs(attrs);
    SmallVector<int32_t> sizes;
    for (int i = 0; i < spec.numOutputs; ++i)
      sizes.push_back(i < present ? 1 : 0);
    state.addAttribute("resultSegmentSizes", b.getDenseI32ArrayAttr(sizes));
  }
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
