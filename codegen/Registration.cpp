//===- Registration.cpp - what code generation registers ------------------===//
//
// A context that compiles needs the dialects, their external interface
// models and the transform extensions (RECIPE.md section 2 lists the errors
// you get without some of them).
//
//===----------------------------------------------------------------------===//
#include "codegen/Registration.h"
#include "codegen/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

using namespace mlir;

void mxc::codegen::registerCodegenDialects(DialectRegistry &registry) {
  // Every dialect with its interface models (bufferization, value bounds,
  // tiling) and every extension (transform ops, func/memref conversions), as
  // mxc-opt registers them: the transform script's patterns rely on value
  // bounds models for masks and loop peeling, and behave differently (or
  // never converge) without them. Registering is cheap; dialects load only
  // when a phase uses them.
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void mxc::codegen::registerCodegenPasses() { registerMxCodegenPasses(); }
