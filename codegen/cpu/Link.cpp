//===- Link.cpp - object -> the module's shared library -------------------===//
//
// `cc -shared -Wl,--no-undefined` (RECIPE.md section 3): the system
// toolchain adds libc; --no-undefined turns a missing runtime symbol into a
// link error instead of a dlopen failure. The module needs libmxrt (the
// library kernels) and libm (math without an approximation); it finds
// libmxrt through an rpath to $ORIGIN (deployment: ship them side by side)
// and to the directory of the libmxrt this compiler runs with.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/CpuTarget.h"
#include "mxrt/c_api.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <dlfcn.h>

using namespace mxc::codegen;

/// The directory of the libmxrt loaded in this process.
static std::string runtimeLibraryDir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void *>(&mxrtGetVersion), &info) && info.dli_fname) {
    llvm::SmallString<256> path(info.dli_fname);
    llvm::sys::fs::make_absolute(path);
    return llvm::sys::path::parent_path(path).str();
  }
  return {};
}

llvm::Error cpu::linkShared(llvm::StringRef objectPath, llvm::StringRef outputPath) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return llvm::createStringError("cannot link: no `cc` on PATH (a C toolchain links the module)");
  std::string libDir = runtimeLibraryDir();
  if (libDir.empty())
    return llvm::createStringError("cannot link: cannot locate libmxrt");
  std::vector<std::string> args = {*cc,
                                   "-shared",
                                   "-o",
                                   outputPath.str(),
                                   objectPath.str(),
                                   "-Wl,--no-undefined",
                                   "-L" + libDir,
                                   "-lmxrt",
                                   "-lm",
                                   "-Wl,-rpath,$ORIGIN",
                                   "-Wl,-rpath," + libDir};
  llvm::SmallString<128> log;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("mxc-link", "log", log))
    return llvm::createStringError("cannot link: " + ec.message());
  std::vector<llvm::StringRef> argv(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*cc, argv, std::nullopt, redirects, 0, 0, &message);
  std::string output;
  if (auto buf = llvm::MemoryBuffer::getFile(log))
    output = (*buf)->getBuffer().str();
  llvm::sys::fs::remove(log);
  if (rc != 0)
    return llvm::createStringError("linking '" + outputPath + "' failed (" + llvm::join(argv, " ") +
                                   "): " + message + "\n" + output);
  return llvm::Error::success();
}
