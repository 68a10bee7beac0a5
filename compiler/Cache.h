//===- Cache.h - compiled modules, cached by what they depend on -*- C++ -*-===//
//
// bind() and `mxc compile` share one path; this is its memory. A module is
// stored as <dir>/<key>.so, where the key (Pipeline.h moduleKey) hashes the
// graph, shapes, dtypes, resolved target, options and the compiler, with a
// sidecar <key>.so.sum holding the module's size and checksum. Writers go
// through a temporary file and rename(2), sidecar first, so concurrent
// compiles of one key from several processes are safe (the last rename
// wins; both wrote the same thing); a reader that finds no sidecar, or one
// that does not match the file (truncated, corrupted), compiles again and
// replaces the entry. The directory is $MXC_CACHE_DIR, else
// $XDG_CACHE_HOME/mxc, else ~/.cache/mxc.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/Pipeline.h"

#include <string>

namespace mxc {

/// The cache directory (created on first use).
std::string cacheDirectory();

struct CachedModule {
  std::string path; ///< the module (.so)
  std::string key;
  bool hit = false; ///< found valid in the cache (nothing compiled)
};

/// Returns the cached module for these inputs, compiling it on a miss.
llvm::Expected<CachedModule> compileCached(const CompileInputs &inputs,
                                           const CompileOptions &options);

} // namespace mxc
