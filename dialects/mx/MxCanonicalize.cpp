//===- MxCanonicalize.cpp - canonicalization patterns of the mx dialect ---===//
//
// Registered through the dialect (MxDialect::getCanonicalizationPatterns),
// so op defs need no hasCanonicalizer lets and `--canonicalize` picks them
// up for every mx op.
//
//===----------------------------------------------------------------------===//
#include "mx/MxOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::mx;

void MxDialect::getCanonicalizationPatterns(RewritePatternSet &results) const {}
