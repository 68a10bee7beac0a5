//===- MxBridge.h - mx IR <-> runtime values (shapes, dtypes, attrs) -*- C++ -*-===//
//
// The compiler and the runtime share the op table and the shape and type
// functions; these conversions are the only place where the two
// representations meet: tensor types <-> mxrt::TShape and mxrt::DType,
// MLIR attributes <-> mxrt::AttrValue, an op's attribute dictionary ->
// mxrt::Attrs. Import, export, the interfaces and the passes all use them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OperationSupport.h"
#include "mxrt/attrs.h"
#include "mxrt/dtype.h"
#include "mxrt/shape.h"

#include <string>

namespace mlir::mx {

//===--- Element types ---------------------------------------------------===//

/// The MLIR element type of an MXNet dtype: f32, f64, f16, bf16, ui8, i8,
/// i16, ui16, i32, ui32, i64, ui64, i1 (bool); !mx.unknown for Unknown.
Type getElementType(MLIRContext *ctx, mxrt::DType dtype);
/// The dtype of an element type; Unknown for !mx.unknown and for types
/// MXNet has no code for (check with isMxElementType).
mxrt::DType getDType(Type elementType);
/// Is `type` an MXNet dtype or !mx.unknown?
bool isMxElementType(Type type);

//===--- Shapes ----------------------------------------------------------===//

/// The shape of a tensor type: ndim -1 for unranked, -1 for `?` dims.
mxrt::TShape getTShape(Type tensorType);
/// A tensor type of this shape (unranked if the rank is unknown).
TensorType getTensorType(const mxrt::TShape &shape, Type elementType);
/// MXNet's provided-shape form "[1,100]" (TShape::str gives "(1,100)").
std::string formatProvidedShape(const mxrt::TShape &shape);
/// Parses a shape as MXNet writes it (`__shape__`: "(1, 3, 224, 224)") or
/// as shape options take it ("1,3,224,224"); "()" is a scalar; a dim "?",
/// "None" or "-1" is unknown, and so is "0" unless `npShape` (MXNet 1.x
/// legacy semantics). Dims come back with ShapedType::kDynamic for unknown.
FailureOr<SmallVector<int64_t>> parseShapeText(StringRef text, bool npShape);

/// Combines what two shapes know. Fails if both know a dim (or the rank)
/// and disagree.
FailureOr<mxrt::TShape> mergeShapes(const mxrt::TShape &a, const mxrt::TShape &b);

//===--- Attributes ------------------------------------------------------===//

/// `__key__`: a hidden attribute (MXNet passes them through as strings).
bool isHiddenAttrName(StringRef name);
/// The MLIR attribute for a typed value of this attribute: i64, f64, bool,
/// string or dense i64 array; for None, a unit attribute where the default
/// is not None, else null (absent).
Attribute toAttribute(Builder &b, const mxrt::AttrSpec &spec, const mxrt::AttrValue &value);
/// The typed value of an MLIR attribute; None for null or unit.
mxrt::AttrValue fromAttribute(const mxrt::AttrSpec &spec, Attribute attr);
/// The op's declared attributes as the runtime's Attrs (defaults filled
/// in). Emits an error naming the node on failure.
FailureOr<mxrt::Attrs> getRuntimeAttrs(Operation *op);

/// For ops with several optional or variadic operands or results (ODS's
/// AttrSizedOperandSegments / AttrSizedResultSegments), the segment sizes
/// the table's input conditions and output count give for these attributes;
/// added to `state` (whose name is the op). A no-op for other ops.
void addSegmentSizes(OperationState &state, const mxrt::Attrs &attrs);

/// "Error in operator <node>: " as MXNet prefixes inference errors (the op
/// name when the node has none).
std::string errorInOperator(Operation *op);

} // namespace mlir::mx
