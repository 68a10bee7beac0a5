//===- Passes.h - code generation passes (generated declarations) -*- C++ -*-===//
#pragma once

#include "mlir/Pass/Pass.h"

namespace mxc::codegen {

#define GEN_PASS_DECL
#include "codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/Passes.h.inc"

} // namespace mxc::codegen
