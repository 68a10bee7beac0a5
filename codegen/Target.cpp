//===- Target.cpp - target specs to targets -------------------------------===//
//
// The only place that knows which target families exist: `cuda` joins here.
//
//===----------------------------------------------------------------------===//
#include "codegen/Target.h"

using namespace mxc::codegen;

Target::~Target() = default;

llvm::Expected<std::unique_ptr<Target>> mxc::codegen::createTarget(llvm::StringRef spec) {
  auto [family, rest] = spec.split(':');
  if (family == "cpu")
    return createCpuTarget(rest);
  return llvm::createStringError("unknown target '" + spec +
                                 "' (expected cpu, cpu:host or cpu:<llvm cpu name>[,+feature...])");
}
