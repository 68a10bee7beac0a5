//===- Import.cpp - `mxc import`: symbol JSON -> mx module ----------------===//
//
// Reads MXNet symbol JSON and prints the mx module, with node names as
// locations. With --shape or --dtype it runs mx-infer-shape and
// mx-infer-type (arguments without a dtype default to float32, as
// simple_bind does).
//
//===----------------------------------------------------------------------===//
#include "Tool.h"
#include "compiler/SymbolJson.h"
#include "passes/Passes.h"

#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

cl::SubCommand mxc::tool::importCommand("import", "Read MXNet symbol JSON, print the mx module");

static cl::opt<std::string> input(cl::Positional, cl::desc("<model-symbol.json>"), cl::Required,
                                  cl::sub(mxc::tool::importCommand));
static cl::opt<std::string> output("o", cl::desc("Output file (default: stdout)"),
                                   cl::value_desc("file"), cl::init("-"),
                                   cl::sub(mxc::tool::importCommand));
static cl::list<std::string> shapes("shape", cl::desc("An argument's shape, e.g. data=1,3,224,224"),
                                    cl::value_desc("name=dims"), cl::sub(mxc::tool::importCommand));
static cl::list<std::string> dtypes("dtype", cl::desc("An argument's dtype, e.g. data=float16"),
                                    cl::value_desc("name=dtype"),
                                    cl::sub(mxc::tool::importCommand));
static cl::opt<std::string> funcName("func-name", cl::desc("Name of the graph function"),
                                     cl::init("main"), cl::sub(mxc::tool::importCommand));
static cl::opt<bool> locations("locations", cl::desc("Print node names as locations"),
                               cl::init(true), cl::sub(mxc::tool::importCommand));

/// "data=1,3;label=2" from --shape data=1,3 --shape label=2, in the passes'
/// "name:value;..." form.
static FailureOr<std::string> passOption(const cl::list<std::string> &values, StringRef flag) {
  std::string joined;
  for (StringRef v : values) {
    auto [name, value] = v.split('=');
    if (name.empty() || !v.contains('=')) {
      llvm::WithColor::error(llvm::errs(), "mxc import")
          << "--" << flag << " '" << v << "': expected name=value\n";
      return failure();
    }
    joined += (joined.empty() ? "" : ";") + name.str() + ":" + value.str();
  }
  return joined;
}

int mxc::tool::runImport() {
  Session session;
  const llvm::MemoryBuffer *buffer = session.readFile(input);
  if (!buffer)
    return 1;
  ImportOptions options;
  options.funcName = funcName;
  options.fileName = buffer->getBufferIdentifier().str();
  OwningOpRef<ModuleOp> module = importSymbolJson(buffer->getBuffer(), &session.context(), options);
  if (!module)
    return 1;
  if (!shapes.empty() || !dtypes.empty()) {
    FailureOr<std::string> shapeOption = passOption(shapes, "shape");
    FailureOr<std::string> dtypeOption = passOption(dtypes, "dtype");
    if (failed(shapeOption) || failed(dtypeOption))
      return 1;
    PassManager pm(&session.context());
    pm.addNestedPass<func::FuncOp>(mlir::mx::createMxInferShape({*shapeOption}));
    mlir::mx::MxInferTypeOptions typeOptions;
    typeOptions.dtypes = *dtypeOption;
    pm.addNestedPass<func::FuncOp>(mlir::mx::createMxInferType(typeOptions));
    if (failed(pm.run(*module)))
      return 1;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  if (locations)
    flags.enableDebugInfo();
  module->print(os, flags);
  return failed(session.writeOutput(output, text)) ? 1 : 0;
}
