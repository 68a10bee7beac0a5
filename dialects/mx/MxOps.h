//===- MxOps.h - the mx op classes generated from the ODS -------*- C++ -*-===//
//
// One C++ class per operator (mx::FullyConnectedOp, ...), for code that
// names ops (canonicalization patterns, lowerings). Generic code includes
// MxDialect.h only: this header grows with every operator.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mx/MxDialect.h"

#include "mlir/IR/OpImplementation.h" // OpAsmOpInterface, which ODS adds to ops with named results

#define GET_OP_CLASSES
#include "mx/MxOps.h.inc"
