//===- MxGraph.h - how an MXNet graph is held in MLIR ------------*- C++ -*-===//
//
// A symbol graph is one func.func: its arguments are list_arguments()
// followed by list_auxiliary_states(), each named by `mx.name` and keeping
// the variable's JSON attributes (`__shape__`, `__init__`, ...) as strings in
// `mx.attrs`; its results are the symbol's outputs. Ops keep their node name
// as a NameLoc and hidden attributes (`__key__`) in their dictionary.
// `mx.np_shape` on the function marks a graph saved under numpy shape
// semantics (0 is then a real extent, not "unknown").
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Value.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mxrt/attrs.h"

#include <string>

namespace mlir::mx {

/// Argument attribute: the variable's name (StringAttr).
inline constexpr llvm::StringLiteral kArgNameAttr = "mx.name";
/// Argument attribute: the variable's JSON attributes (DictionaryAttr of
/// StringAttr), hidden ones included.
inline constexpr llvm::StringLiteral kArgAttrsAttr = "mx.attrs";
/// Function attribute (unit): numpy shape semantics (graph attr is_np_shape).
inline constexpr llvm::StringLiteral kNpShapeAttr = "mx.np_shape";
/// Op attribute (array of strings): attributes the graph gave explicitly
/// with their default value. ODS fills in defaults whenever an op is created
/// or parsed, so this is what keeps `no_bias="False"` apart from an absent
/// no_bias: export writes an attribute iff its value is not the default or
/// it is listed here, as MXNet writes exactly the attributes it was given.
inline constexpr llvm::StringLiteral kGivenDefaultsAttr = "mx.given_defaults";

/// The name of argument `i` (`mx.name`), or "arg<i>" when it has none.
std::string getArgName(FunctionOpInterface func, unsigned i);
/// The default of a non-required attribute, as a value (None for optional
/// attributes without a default).
mxrt::AttrValue getDefaultValue(const mxrt::AttrSpec &spec);

/// Is this value an auxiliary state: a graph argument that some mx op
/// mutates (the op table's mutateInputs, e.g. BatchNorm's moving stats)?
bool isAuxState(Value value);

} // namespace mlir::mx
