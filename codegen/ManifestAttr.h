//===- ManifestAttr.h - the manifest as a module attribute -------*- C++ -*-===//
//
// Between outlining and object emission the manifest travels with the
// module as the `mx.manifest` attribute, so every phase can stop, print and
// resume (mxc-opt, `mxc compile --emit=mlir`), and lit tests see it:
//
//   mx.manifest = {
//     values = [{name = "data", kind = "arg", dtype = 0 : i32,
//                shape = array<i64: 2, 784>, buffer = -1, offset = 0,
//                grad_of = -1}, ...],
//     buffers = [{bytes = 1024, alignment = 64}, ...],
//     forward_infer = [{name = "fc1", op = "FullyConnected", symbol = "fc1",
//                       args = array<i32: 0, 1, 2, 3>, reads = 3,
//                       deps = array<i32>}, ...],
//     forward_train = [...], backward = [...]}
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/Manifest.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LogicalResult.h"

namespace mxc::codegen {

/// Result attribute of a graph function: the output's MXNet name
/// (`<node>_<output>`), recorded before canonicalization can forward an
/// identity op and lose the node.
inline constexpr llvm::StringLiteral kOutputNameAttr = "mx.name";

/// MXNet's name of a graph value: `<node>_<output>` for op results (as
/// list_outputs() names them), the variable's name for arguments.
std::string graphValueName(mlir::Value v);

/// Module attribute holding the manifest.
inline constexpr llvm::StringLiteral kManifestAttr = "mx.manifest";

/// The value kinds as the attribute spells them ("arg", "aux", ...).
const char *valueKindName(int kind);

mlir::DictionaryAttr manifestToAttr(mlir::MLIRContext *ctx, const Manifest &manifest);
/// Fails (with a message in `error`) on a malformed attribute.
mlir::FailureOr<Manifest> manifestFromAttr(mlir::Attribute attr, std::string &error);

} // namespace mxc::codegen
