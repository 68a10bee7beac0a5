//===- Cache.cpp - compiled modules, cached by what they depend on --------===//
#include "compiler/Cache.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"

#include <unistd.h>

using namespace mxc;

std::string mxc::cacheDirectory() {
  if (std::optional<std::string> dir = llvm::sys::Process::GetEnv("MXC_CACHE_DIR");
      dir && !dir->empty())
    return *dir;
  llvm::SmallString<256> path;
  if (std::optional<std::string> xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty())
    path = *xdg;
  else if (!llvm::sys::path::home_directory(path))
    path = llvm::sys::path::get_separator() == "/" ? "/tmp" : ".";
  else
    llvm::sys::path::append(path, ".cache");
  llvm::sys::path::append(path, "mxc");
  return path.str().str();
}

namespace {

/// "<size> <xxh3 hex>" of a file's contents.
std::optional<std::string> digestOf(const std::string &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buf =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buf)
    return std::nullopt;
  llvm::StringRef bytes = (*buf)->getBuffer();
  uint64_t h = llvm::xxh3_64bits(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  return std::to_string(bytes.size()) + " " + llvm::utohexstr(h, /*LowerCase=*/true);
}

std::optional<std::string> readSmallFile(const std::string &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return std::nullopt;
  return (*buf)->getBuffer().trim().str();
}

/// Writes text to path through a temporary file and a rename.
llvm::Error writeAtomically(const std::string &path, llvm::StringRef text) {
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << text << "\n";
    return llvm::Error::success();
  });
}

} // namespace

llvm::Expected<CachedModule> mxc::compileCached(const CompileInputs &inputs,
                                                const CompileOptions &options) {
  llvm::Expected<std::unique_ptr<codegen::Target>> target = codegen::createTarget(options.target);
  if (!target)
    return target.takeError();
  CachedModule entry;
  entry.key = moduleKey(inputs, options, (*target)->str());
  std::string dir = cacheDirectory();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return llvm::createStringError("cannot create the cache directory '" + dir +
                                   "': " + ec.message());
  entry.path = dir + "/" + entry.key + ".so";
  std::string sumPath = entry.path + ".sum";

  if (llvm::sys::fs::exists(entry.path)) {
    std::optional<std::string> expected = readSmallFile(sumPath);
    std::optional<std::string> actual = digestOf(entry.path);
    if (expected && actual && *expected == *actual) {
      entry.hit = true;
      return entry;
    }
    // Missing or mismatching checksum: a corrupt or half-written entry.
  }

  // Compile into a file of our own, then publish: checksum first, module
  // second (a reader that sees the module sees a checksum for it).
  std::string tmp = entry.path + ".tmp-" + std::to_string(::getpid());
  if (llvm::Error e = compileGraph(inputs, options, EmitKind::SharedLibrary, tmp)) {
    llvm::sys::fs::remove(tmp);
    return std::move(e);
  }
  std::optional<std::string> digest = digestOf(tmp);
  if (!digest) {
    llvm::sys::fs::remove(tmp);
    return llvm::createStringError("cannot read back the compiled module '" + tmp + "'");
  }
  if (llvm::Error e = writeAtomically(sumPath, *digest)) {
    llvm::sys::fs::remove(tmp);
    return std::move(e);
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, entry.path)) {
    llvm::sys::fs::remove(tmp);
    return llvm::createStringError("cannot publish '" + entry.path + "': " + ec.message());
  }
  return entry;
}
