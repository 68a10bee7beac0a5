//===- MxOps.cpp - the mx op classes generated from the ODS --------------===//
//
// Only generated code: ops have no hand-written C++ (their verifier,
// inference and in-place pairs are the generic interfaces of
// MxInterfaces.cpp). Kept apart from MxDialect.cpp so that adding an op
// rebuilds this file and not the dialect's.
//
//===----------------------------------------------------------------------===//
#include "mx/MxOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#define GET_OP_CLASSES
#include "mx/MxOps.cpp.inc"
