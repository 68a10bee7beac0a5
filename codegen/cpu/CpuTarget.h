//===- CpuTarget.h - the pieces of the cpu target ----------------*- C++ -*-===//
//
// Internal to codegen/cpu: the machine a spec resolves to, object emission
// (Emit.cpp: LLVM IR, ABI wrappers, the manifest as C data, optimization,
// TargetMachine) and linking (Link.cpp: `cc -shared` against libmxrt).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/Target.h"

namespace mxc::codegen::cpu {

/// An x86-64 (or host) machine: triple, -mcpu name and feature string.
struct CpuMachine {
  std::string triple;
  std::string cpu;
  std::string features; ///< "+avx2,-avx512f,..." (empty: the CPU's own)
  unsigned vectorBits = 128;
};

/// "" or "host": the host CPU and every feature it has; else "<cpu>" or
/// "<cpu>,+feat,-feat". Fails for a CPU name LLVM does not know.
llvm::Expected<CpuMachine> resolveCpu(llvm::StringRef spec);

/// Translates a module in the LLVM dialect and writes it (see Target::emit).
llvm::Error emitModule(mlir::ModuleOp module, const Manifest &manifest, const CpuMachine &machine,
                       int optLevel, EmitKind kind, llvm::raw_pwrite_stream &os);

/// `cc -shared -Wl,--no-undefined` of one object against libmxrt (and
/// libm), with an rpath to libmxrt's directory and to $ORIGIN.
llvm::Error linkShared(llvm::StringRef objectPath, llvm::StringRef outputPath);

} // namespace mxc::codegen::cpu
