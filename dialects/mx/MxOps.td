//===- MxOps.td - every mx operator -------------------------*- tablegen -*-===//
//
// The one list of MXNet operators in mxc. Families live in their own files;
// this file gathers them for mlir-tblgen and for tools/gen_optable.py.
//
//===----------------------------------------------------------------------===//

#ifndef MX_OPS_TD
#define MX_OPS_TD

include "MxBase.td"
include "MxNNOps.td"
include "MxNormOps.td"
include "MxLossOps.td"
include "MxUnaryOps.td"
include "MxBinaryOps.td"
include "MxBroadcastOps.td"
include "MxReduceOps.td"
include "MxShapeOps.td"
include "MxIndexOps.td"
include "MxLinalgOps.td"
include "MxInitOps.td"
include "MxRandomOps.td"
include "MxOptimizerOps.td"
include "MxGradOps.td"

#endif // MX_OPS_TD
