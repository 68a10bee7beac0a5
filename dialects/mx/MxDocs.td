//===- MxDocs.td - everything the dialect reference shows -----*- tablegen -*-===//
//
// Input of `mlir-tblgen -gen-dialect-doc` (target mxc_dialect_docs): the
// dialect, its types and every op.
//
//===----------------------------------------------------------------------===//

include "MxOps.td"
include "MxTypes.td"
