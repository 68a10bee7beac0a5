//===- SymbolJson.h - MXNet symbol JSON <-> the mx dialect -------*- C++ -*-===//
//
// Import reads a graph as MXNet 1.x writes it (Symbol.tojson/save), and the
// legacy 0.8 format with MXNet's upgrades, into a module holding one
// func.func (see mx/MxGraph.h for the conventions). Export writes such a
// function back, byte for byte as MXNet 1.9.1's writer would, so that
// mx.sym.load() gives back an identical graph.
//
// Errors are MLIR diagnostics (malformed JSON with line and column; unknown
// or Custom operators, bad attributes, dangling inputs and cycles naming the
// node); both functions return failure after emitting them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace mxc {

struct ImportOptions {
  /// The graph function's name.
  std::string funcName = "main";
  /// Where the JSON came from, for error locations.
  std::string fileName = "<symbol-json>";
};

/// Parses symbol JSON into a new module; null after emitting errors.
mlir::OwningOpRef<mlir::ModuleOp> importSymbolJson(llvm::StringRef json, mlir::MLIRContext *ctx,
                                                   const ImportOptions &options = {});

/// Writes one graph function as symbol JSON.
mlir::FailureOr<std::string> exportSymbolJson(mlir::func::FuncOp func);
/// Writes the module's graph: its only function, or @main.
mlir::FailureOr<std::string> exportSymbolJson(mlir::ModuleOp module);

} // namespace mxc
