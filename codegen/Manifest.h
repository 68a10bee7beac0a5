//===- Manifest.h - what a compiled module says about itself -----*- C++ -*-===//
//
// The compiler's side of runtime/include/mxrt/module_abi.h: the same facts
// as plain C++ (no MLIR), filled in by kernel outlining and written into
// the .so as constant C data by the object emitter. `mxc info` prints the
// loaded manifest through the runtime, so there is one reader.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mxrt/module_abi.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mxc::codegen {

struct ManifestValue {
  std::string name;
  int32_t kind = MXC_VALUE_TEMP; ///< mxc_value_kind
  int32_t dtype = 0;             ///< MXNet dtype code
  std::vector<int64_t> shape;
  int32_t buffer = -1;
  int64_t offset = 0;
  int32_t gradOf = -1;
};

struct ManifestBuffer {
  int64_t bytes = 0;
  int64_t alignment = 64;
};

struct ManifestKernel {
  std::string name;   ///< node name
  std::string op;     ///< MXNet op name
  std::string symbol; ///< the kernel function's symbol in the .so
  std::vector<int32_t> args;
  int32_t numReads = 0;
  std::vector<int32_t> deps;
  int32_t flags = 0;
};

struct Manifest {
  std::string compilerVersion;
  std::string target;
  std::string graphHash;
  std::vector<ManifestValue> values;
  std::vector<ManifestBuffer> buffers;
  std::array<std::vector<ManifestKernel>, MXC_NUM_ENTRIES> entries;

  /// mxc_manifest_checksum over these contents (the same function the
  /// loader runs on the emitted data).
  uint64_t checksum() const;
};

/// The entry names as the ABI lists them ("forward_infer", ...).
const char *entryName(int entry);

} // namespace mxc::codegen
