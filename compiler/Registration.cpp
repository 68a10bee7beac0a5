//===- Registration.cpp - what the mxc tools register ---------------------===//
#include "compiler/Registration.h"
#include "codegen/Registration.h"
#include "mx/MxDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void mxc::registerMxcDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::mx::MxDialect, mlir::func::FuncDialect>();
}

void mxc::registerMxcPasses() {
  mlir::mx::registerMxPasses();
  mxc::codegen::registerCodegenPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
}
