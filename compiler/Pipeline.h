//===- Pipeline.h - symbol JSON -> compiled module, in named phases -*- C++ -*-===//
//
// The one compile path: `mxc compile`, bind() in Python (through the C API
// and the cache) and the tests all call compileGraph. The phases, in order,
// are listed once in Pipeline.cpp; each is a place to stop and print
// (`mxc compile --compile-to=<phase> --emit=mlir`, like IREE's
// --compile-to):
//
//   import     symbol JSON -> the mx graph function
//   infer      shapes and dtypes of every value (static: all must be known)
//   graph      gradient (--train), entry points, canonicalize, memory planning
//   outline    one kernel per op + the manifest (mx.manifest)
//   linalg     mx ops -> linalg/tensor/arith/math
//   bufferize  tensors -> memrefs
//   vector     the target's library calls, tiling and vectorization
//   llvm-dialect  everything in the LLVM dialect
//   then LLVM IR, assembly, the object and the shared library.
//
// This header stays light (no MLIR): the cache, the C API and the tools
// include it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/Target.h"

#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace mxc {

/// What the compiler is given besides the graph.
struct CompileOptions {
  /// "cpu", "cpu:x86-64-v3", ... (codegen/Target.h).
  std::string target = "cpu";
  /// -O0..3: LLVM's optimization level; 0 also skips vectorization, 2 and up
  /// fuse elementwise chains and epilogues (mx-fuse).
  int optLevel = 3;
  /// Also compile forward_train and backward (the gradient pass).
  bool train = false;
  /// With train: MXNet's grad_req per argument, "name:req,..." with req
  /// 'write', 'add' or 'null' ("data:null,softmax_label:null"); arguments
  /// not named take 'write' (simple_bind's default).
  std::string gradReq;
  /// Memory planning (mx-plan-memory, pool placement): temporaries share
  /// buffers when their lifetimes do not overlap.
  bool planMemory = true;
  codegen::GemmPath gemm = codegen::GemmPath::Library;
  /// Debugging: print the IR after every pass / time every pass (stderr).
  bool printIRAfterAll = false;
  bool timePasses = false;
};

/// The graph and the shapes and dtypes of its inputs, as `mxc compile`
/// takes them: ("data", "1,3,224,224"), ("data", "float32").
struct CompileInputs {
  std::string json;
  std::string fileName = "<symbol-json>";
  std::vector<std::pair<std::string, std::string>> shapes;
  std::vector<std::pair<std::string, std::string>> dtypes;
};

/// What to write.
enum class EmitKind { MLIR, LLVMIR, Assembly, Object, SharedLibrary };

/// The MLIR phases, in order (names for --compile-to).
const std::vector<std::string> &phaseNames();

/// Compiles `inputs` and writes the requested form to `outputPath` ("-":
/// stdout, for text forms). With `stopAfter` (a phase name) it stops there
/// and writes MLIR. Diagnostics name the culprit (node, argument); they are
/// printed to stderr as they happen and returned in the error.
llvm::Error compileGraph(const CompileInputs &inputs, const CompileOptions &options, EmitKind emit,
                         const std::string &outputPath, const std::string &stopAfter = "");

/// `gradReq` in one spelling ("a:add,b:null": sorted, without 'write'
/// entries), for the cache key.
std::string canonicalGradReq(llvm::StringRef gradReq);

/// The compiler's version as manifests record it ("mxc 0.1.0").
std::string compilerVersion();

/// A hex digest of everything a compiled module depends on: the graph, the
/// shapes and dtypes, the resolved target, the options that change code,
/// and the compiler (its version and a hash of its sources). Used as the cache key and
/// recorded in the manifest (graph_hash).
std::string moduleKey(const CompileInputs &inputs, const CompileOptions &options,
                      const std::string &resolvedTarget);

} // namespace mxc
