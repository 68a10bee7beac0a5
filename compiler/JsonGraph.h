//===- JsonGraph.h - symbol JSON as plain data (import's first half) -*- C++ -*-===//
//
// Reading symbol JSON into nodes and entries, checking its structure and
// applying MXNet's legacy upgrades (src/nnvm/legacy_json_util.cc) happen
// here, without MLIR; SymbolJsonImport.cpp builds the function from the
// result. Internal to compiler/.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Location.h"
#include "mxrt/attrs.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mxc::detail {

/// An input or a head: output `index` of node `node`.
struct JsonEntry {
  uint32_t node = 0, index = 0, version = 0;
};

struct JsonNode {
  std::string op; ///< "null" for a variable
  std::string name;
  /// "attrs", legacy "attr" and "param" merged, as MXNet merges them.
  std::map<std::string, std::string> attrs;
  std::vector<JsonEntry> inputs;
  /// Operators: the table entry and the parsed attributes.
  const mxrt::OpSpec *spec = nullptr;
  std::optional<mxrt::Attrs> parsed;
  /// Where the node's object starts in the file (1-based; 0 if unknown).
  unsigned line = 0, column = 0;

  bool isVariable() const { return op == "null"; }
  int numOutputs() const;
};

struct JsonGraph {
  std::vector<JsonNode> nodes;
  std::vector<JsonEntry> heads;
  int version = 800; ///< attrs.mxnet_version; 0.8.0 when absent, as MXNet
  bool npShape = false;
};

/// The version MXNet 1.9.1 writes and upgrades to.
inline constexpr int kMXNetVersion = 10901;

/// Parses and checks symbol JSON, resolves operators, parses their
/// attributes and applies the legacy upgrades. Errors are emitted at
/// locations in `fileName` (the failing node's line where possible).
mlir::FailureOr<JsonGraph> readSymbolJson(llvm::StringRef text, mlir::MLIRContext *ctx,
                                          llvm::StringRef fileName);

} // namespace mxc::detail
