//===- main.cpp - mxc, the command-line compiler --------------------------===//
//
// `mxc <subcommand> ...`: the subcommands are listed here and live one per
// file (Import.cpp, Export.cpp, ...). Adding one is a new file and a line
// in `subcommands`.
//
//===----------------------------------------------------------------------===//
#include "Tool.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace mxc::tool;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  const Subcommand subcommands[] = {
      {importCommand, runImport},
      {exportCommand, runExport},
      {compileCommand, runCompile},
      {infoCommand, runInfo},
  };
  mlir::registerAsmPrinterCLOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "mxc: the MXNet graph compiler\n\n"
      "  mxc import model-symbol.json [--shape data=1,3,224,224] [--dtype data=float32]\n"
      "  mxc export model.mlir -o model-symbol.json\n"
      "  mxc compile model-symbol.json --shape data=1,3,224,224 [--target cpu] [-O3] -o net.so\n"
      "  mxc info net.so\n");
  for (const Subcommand &s : subcommands)
    if (s.command)
      return s.run();
  llvm::WithColor::error(llvm::errs(), "mxc")
      << "expected a subcommand (import, export, compile, info); see mxc --help\n";
  return 1;
}
