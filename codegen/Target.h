//===- Target.h - a code generation target, as passes see it -----*- C++ -*-===//
//
// One interface for every target (`cpu` now, `cuda` in its own issue):
// passes above codegen know nothing of the target beyond these few
// questions (vector width, memory spaces, library calls), and the pipeline
// asks the target for the passes of its device-specific phases and for the
// final code. A target is made from a spec string:
//
//   cpu                 the host CPU, its name and every feature it has
//   cpu:host            the same
//   cpu:x86-64-v3       a named CPU (any -mcpu name LLVM knows), its features
//   cpu:znver4,-avx512f a named CPU plus or minus features
//
// Heavy MLIR and LLVM headers stay out of this file: it is included by the
// driver, the cache and the tools.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace llvm {
class raw_pwrite_stream;
} // namespace llvm

namespace mlir {
class ModuleOp;
class OpPassManager;
} // namespace mlir

namespace mxc::codegen {

struct Manifest;

/// Where matrix products go: a routine of libmxrt (OpenBLAS split over the
/// engine's workers) or code generated from linalg (tiled and vectorized
/// with the transform dialect). bench/codegen/gemm_path.cc decided the
/// default (docs/codegen.md has the numbers).
enum class GemmPath { Library, Generated };

/// Options of the device-specific phases.
struct CodegenOptions {
  int optLevel = 3; ///< 0..3, as -O
  GemmPath gemm = GemmPath::Library;
};

/// What `emit` writes.
enum class EmitKind { LLVMIR, Assembly, Object };

class Target {
public:
  virtual ~Target();

  /// "cpu" (the family).
  virtual llvm::StringRef kind() const = 0;
  /// The canonical spec this target was resolved to (host CPU name and
  /// features spelled out), as the manifest and the cache key record it.
  virtual std::string str() const = 0;

  /// The widest vector register in bits (512 with AVX-512, 256 with AVX2).
  virtual unsigned vectorBits() const = 0;
  /// The memory space of kernel arguments and arena buffers (0: host).
  virtual unsigned bufferMemorySpace() const { return 0; }
  /// Does a matrix product become a library call (see GemmPath)?
  virtual bool gemmIsLibraryCall(const CodegenOptions &options) const = 0;

  /// Phase "vector": from bufferized kernels to the target's loops and
  /// vectors (library calls, tiling, vectorization).
  virtual void addVectorPasses(mlir::OpPassManager &pm, const CodegenOptions &options) const = 0;
  /// Phase "llvm-dialect": everything down to the LLVM dialect.
  virtual void addLLVMDialectPasses(mlir::OpPassManager &pm,
                                    const CodegenOptions &options) const = 0;
  /// Translates a module in the LLVM dialect, adds the ABI wrappers and the
  /// manifest, optimizes and writes LLVM IR, assembly or an object file.
  virtual llvm::Error emit(mlir::ModuleOp module, const Manifest &manifest,
                           const CodegenOptions &options, EmitKind kind,
                           llvm::raw_pwrite_stream &os) const = 0;
  /// Links object files into the module's shared library.
  virtual llvm::Error link(llvm::StringRef objectPath, llvm::StringRef outputPath) const = 0;
};

/// Makes a target from its spec ("cpu", "cpu:x86-64-v3", ...); the error
/// names the spec and what is accepted.
llvm::Expected<std::unique_ptr<Target>> createTarget(llvm::StringRef spec);

/// The CPU family (codegen/cpu/): `cpu` takes the part after "cpu:".
llvm::Expected<std::unique_ptr<Target>> createCpuTarget(llvm::StringRef cpuSpec);

} // namespace mxc::codegen
