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
/// Combines what two shapes know. Fails if both know a dim (or the rank)
/// and disagree.
FailureOr<mxrt::TShape> mergeShapes(const mxrt::TShape &a, const mxrt::TShape &b);

//===--- Attributes ------------------------------------------------------===//

/// `__key__`: a hidden attribute (MXNet passes them through as strings).
bool isHiddenAttrName(StringRef name);
/// The MLIR attribute for a typed value of this attribute kind; null for
/// None (an absent optional attribute).
Attribute toAttribute(Builder &b, const mxrt::AttrSpec &spec, const mxrt::AttrValue &value);
/// The typed value of an MLIR attribute of this kind; None for a null
/// attribute or one of the wrong kind (the ODS verifier rejects those).
mxrt::AttrValue fromAttribute(const mxrt::AttrSpec &spec, Attribute attr);
/// The op's declared attributes as the runtime's Attrs (defaults filled
/// in). Emits an error naming the node on failure.
FailureOr<mxrt::Attrs> getRuntimeAttrs(Operation *op);

/// "Error in operator <node>: " as MXNet prefixes inference errors (the op
/// name when the node has none).
std::string errorInOperator(Operation *op);

} // namespace mlir::mx
