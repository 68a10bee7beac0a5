//===- MxTensorOps.td - shape and data movement ops ---------*- tablegen -*-===//

#ifndef MX_TENSOR_OPS_TD
#define MX_TENSOR_OPS_TD

include "MxBase.td"

def Mx_ConcatOp : Mx_Op<"Concat"> {
  let summary = "Joins input arrays along a given axis";
  let arguments = (ins Variadic<AnyTensor>:$data, MxIntReq:$num_args, MxInt<"1">:$dim);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["concat"];
  let mxNumArgsAttr = "num_args";
}

#endif // MX_TENSOR_OPS_TD
