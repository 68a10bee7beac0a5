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
/// Op attribute (dictionary of strings): attribute texts from the graph that
/// the typed attributes alone cannot reproduce: defaults given explicitly
/// (ODS fills in defaults whenever an op is created or parsed, so
/// `no_bias="False"` and an absent no_bias look alike) and texts not in
/// canonical form (`squeeze_axis="1"`, `kernel="(3,3)"`). Export writes
/// such a text as long as it still parses to the attribute's value, so a
/// pass that changes the value needs not know about it.
inline constexpr llvm::StringLiteral kGivenAttr = "mx.given";

/// The name of argument `i` (`mx.name`), or "arg<i>" when it has none.
std::string getArgName(FunctionOpInterface func, unsigned i);
/// The default of a non-required attribute, as a value (None for optional
/// attributes without a default).
mxrt::AttrValue getDefaultValue(const mxrt::AttrSpec &spec);

/// Is this value an auxiliary state: a graph argument that some mx op
/// mutates (the op table's mutateInputs, e.g. BatchNorm's moving stats)?
bool isAuxState(Value value);

} // namespace mlir::mx
