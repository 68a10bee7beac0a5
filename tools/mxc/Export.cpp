//===- Export.cpp - `mxc export`: mx module -> symbol JSON ----------------===//
//
// Writes the module's graph (@main or its only function) as MXNet symbol
// JSON, as MXNet 1.9.1 writes it, atomically.
//
//===----------------------------------------------------------------------===//
#include "Tool.h"
#include "compiler/SymbolJson.h"

namespace cl = llvm::cl;

cl::SubCommand mxc::tool::exportCommand("export", "Write an mx module as MXNet symbol JSON");

static cl::opt<std::string> input(cl::Positional, cl::desc("<module.mlir>"), cl::Required,
                                  cl::sub(mxc::tool::exportCommand));
static cl::opt<std::string> output("o", cl::desc("Output file (default: stdout)"),
                                   cl::value_desc("file"), cl::init("-"),
                                   cl::sub(mxc::tool::exportCommand));

int mxc::tool::runExport() {
  Session session;
  mlir::OwningOpRef<mlir::ModuleOp> module = session.parseMlirFile(input);
  if (!module)
    return 1;
  mlir::FailureOr<std::string> json = exportSymbolJson(*module);
  if (mlir::failed(json))
    return 1;
  return mlir::failed(session.writeOutput(output, *json)) ? 1 : 0;
}
