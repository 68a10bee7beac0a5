//===- Registration.h - what code generation registers -----------*- C++ -*-===//
//
// The dialects, interface models and transform extensions the codegen
// phases need in a context, and the codegen passes for mxc-opt.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mxc::codegen {

/// Every upstream dialect with its interface models and extensions (as
/// mxc-opt has them) and the translations to LLVM IR.
void registerCodegenDialects(mlir::DialectRegistry &registry);
/// The passes of codegen/Passes.td.
void registerCodegenPasses();

} // namespace mxc::codegen
