//===- Info.cpp - `mxc info`: print a compiled module's manifest ----------===//
//
// Loads the module with the runtime's loader (what a deployer's program
// does), so a module `mxc info` accepts is one the runtime accepts.
//
//===----------------------------------------------------------------------===//
#include "Tool.h"
#include "mxrt/module.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

cl::SubCommand mxc::tool::infoCommand("info", "Print a compiled module's manifest");

static cl::opt<std::string> input(cl::Positional, cl::desc("<module.so>"), cl::Required,
                                  cl::sub(mxc::tool::infoCommand));

int mxc::tool::runInfo() {
  try {
    std::string path = input;
    if (path.find('/') == std::string::npos)
      path = "./" + path; // dlopen searches the library path for bare names
    auto module = mxrt::Module::load(path);
    llvm::outs() << module->describe();
    return 0;
  } catch (const std::exception &e) {
    llvm::WithColor::error(llvm::errs(), "mxc info") << e.what() << "\n";
    return 1;
  }
}
