//===- mxc-opt.cpp - run any pass on .mlir files, like mlir-opt -----------===//
//
// The lit driver and the compiler engineer's tool: every upstream dialect,
// extension and pass mlir-opt has, plus the mx dialect and the mx passes.
//
//===----------------------------------------------------------------------===//
#include "compiler/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mxc::registerMxcPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mxc::registerMxcDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "mxc optimizer driver: the mx dialect and passes\n", registry));
}
