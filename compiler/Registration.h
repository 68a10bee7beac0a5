//===- Registration.h - what the mxc tools register -------------*- C++ -*-===//
//
// The dialects and passes of the mx pipeline, in one place, so that mxc,
// mxc-opt and the Python extension see the same set.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mxc {

/// The mx dialect and the upstream dialects graphs are held in (func).
void registerMxcDialects(mlir::DialectRegistry &registry);
/// The mx passes, the codegen passes and the generic ones pipelines use
/// (canonicalize, cse).
void registerMxcPasses();

} // namespace mxc
