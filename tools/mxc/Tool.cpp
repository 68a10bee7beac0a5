//===- Tool.cpp - what mxc's subcommands share ----------------------------===//
#include "Tool.h"
#include "compiler/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mxc::tool;

struct Session::Handler : SourceMgrDiagnosticHandler {
  using SourceMgrDiagnosticHandler::SourceMgrDiagnosticHandler;
};

Session::Session() {
  DialectRegistry registry;
  mxc::registerMxcDialects(registry);
  ctx = std::make_unique<MLIRContext>(registry);
  ctx->loadAllAvailableDialects();
  handler = std::make_unique<Handler>(sources, ctx.get());
}

Session::~Session() = default;

const llvm::MemoryBuffer *Session::readFile(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer) {
    llvm::WithColor::error(llvm::errs(), "mxc")
        << "cannot read '" << path << "': " << buffer.getError().message() << "\n";
    return nullptr;
  }
  unsigned id = sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  return sources.getMemoryBuffer(id);
}

OwningOpRef<ModuleOp> Session::parseMlirFile(StringRef path) {
  if (!readFile(path))
    return nullptr;
  return parseSourceFile<ModuleOp>(sources, ctx.get());
}

LogicalResult Session::writeOutput(StringRef path, StringRef text) {
  if (path == "-") {
    llvm::outs() << text;
    llvm::outs().flush();
    return success();
  }
  // Temporary file, then rename: a reader never sees half a file.
  if (llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        os << text;
        return llvm::Error::success();
      })) {
    llvm::WithColor::error(llvm::errs(), "mxc")
        << "cannot write '" << path << "': " << llvm::toString(std::move(err)) << "\n";
    return failure();
  }
  return success();
}
