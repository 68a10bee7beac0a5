//===- Tool.h - what mxc's subcommands share ---------------------*- C++ -*-===//
//
// mxc is one executable with subcommands (`mxc import`, `mxc export`, `mxc compile`,
// `mxc info`), each in its own file with its own llvm::cl
// SubCommand and options. A subcommand returns the process exit code: 0, or
// 1 after its errors were printed (diagnostics name the culprit).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace mxc::tool {

struct Subcommand {
  llvm::cl::SubCommand &command;
  int (*run)();
};

/// The subcommands, defined each in its own file.
extern llvm::cl::SubCommand importCommand, exportCommand, compileCommand, infoCommand;
int runImport();
int runExport();
int runCompile();
int runInfo();

/// A context with the mx dialects loaded whose diagnostics print to stderr
/// with the source line of any buffer in `sources`.
class Session {
public:
  Session();
  ~Session();
  mlir::MLIRContext &context() { return *ctx; }
  /// Reads a file ("-" for stdin) into the source manager; null after an
  /// error message.
  const llvm::MemoryBuffer *readFile(llvm::StringRef path);
  /// Parses an .mlir file; null after errors.
  mlir::OwningOpRef<mlir::ModuleOp> parseMlirFile(llvm::StringRef path);
  /// Writes text to a file atomically, or to stdout for "-".
  mlir::LogicalResult writeOutput(llvm::StringRef path, llvm::StringRef text);

private:
  std::unique_ptr<mlir::MLIRContext> ctx;
  llvm::SourceMgr sources;
  struct Handler;
  std::unique_ptr<Handler> handler;
};

} // namespace mxc::tool
