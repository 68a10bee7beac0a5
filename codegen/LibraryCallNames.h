//===- LibraryCallNames.h - libmxrt routines the lowerings mark ----------===//
//
// The lowerings mark a linalg.generic with the library_call of the libmxrt
// routine (runtime/include/mxrt/module_abi.h) that computes it; the CPU
// target's library-calls pass (cpu/LibraryCalls.cpp) makes the call.
//
//===----------------------------------------------------------------------===//
#ifndef MXC_CODEGEN_LIBRARYCALLNAMES_H
#define MXC_CODEGEN_LIBRARYCALLNAMES_H

#include "llvm/ADT/StringRef.h"

namespace mxc::codegen {

/// y += conv(x, w) and y += deconv(x, w) over 1 or 2 spatial dims.
inline constexpr llvm::StringLiteral kConvolutionCall = "mxrt_kernel_conv2d";
inline constexpr llvm::StringLiteral kDeconvolutionCall = "mxrt_kernel_deconv2d";
/// Their window, a DenseI64ArrayAttr: groups, stride (2), pad (2), dilate (2).
inline constexpr llvm::StringLiteral kConvWindowAttr = "mxc.conv_window";

} // namespace mxc::codegen

#endif // MXC_CODEGEN_LIBRARYCALLNAMES_H
