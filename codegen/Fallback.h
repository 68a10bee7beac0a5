//===- Fallback.h - kernels that call the runtime's CPU kernel ---*- C++ -*-===//
//
// An op no lowering handles but for which libmxrt registered a CPU kernel
// (mxrt::OpImpl::cpu) still compiles: the outliner gives it a kernel whose
// body calls libmxrt's mxrt_kernel_fallback with a constant descriptor of
// the op, its attributes and its arrays (runtime/include/mxrt/module_abi.h
// gives the format) and the kernel's argument pointers. Such kernels are
// marked MXC_KERNEL_FALLBACK in the manifest and `fallback` in `mx.kernel`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mxc::codegen {

/// The declaration of libmxrt's routine.
inline constexpr llvm::StringLiteral kFallbackSymbol = "mxrt_kernel_fallback";

/// Does `op` compile through the runtime's CPU kernel: an mx op with no
/// lowering and a registered CPU kernel?
bool isFallbackOp(mlir::Operation *op);

/// The descriptor of `op` (module_abi.h), with `mutated` the operands it
/// updates and `usesRng` whether it draws random numbers. Checks ahead of
/// time what the runtime checks at its first call: the attributes parse and
/// the runtime's shape and type inference gives the op's result types.
mlir::FailureOr<std::string> fallbackDescriptor(mlir::Operation *op,
                                                llvm::ArrayRef<unsigned> mutated, bool usesRng);

/// Fills the kernel function `func` (memref arguments, as the outliner
/// makes them) with: the descriptor as a constant global named
/// `globalName`, an array of the arguments' data pointers, and the call.
void fillFallbackKernel(mlir::ModuleOp module, mlir::func::FuncOp func, llvm::StringRef descriptor,
                        llvm::StringRef globalName);

} // namespace mxc::codegen
