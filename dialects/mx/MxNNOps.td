//===- MxNNOps.td - neural-network layers -------------------*- tablegen -*-===//

#ifndef MX_NN_OPS_TD
#define MX_NN_OPS_TD

include "MxBase.td"

def Mx_FullyConnectedOp : Mx_Op<"FullyConnected"> {
  let summary = "Applies a linear transformation: Y = X W^T + b";
  let description = [{
    data (N, ...) is flattened to (N, K) unless `flatten` is false; weight is
    (num_hidden, K), bias (num_hidden,).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$weight, Optional<AnyTensor>:$bias,
                   MxIntReq:$num_hidden, MxBool<"False">:$no_bias, MxBool<"True">:$flatten);
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["bias=!no_bias"];
  let mxOutputNames = ["output"];
}

def Mx_ActivationOp : Mx_Op<"Activation"> {
  let summary = "Applies an activation function element-wise";
  let arguments = (ins AnyTensor:$data,
                   MxEnumReq<["relu", "sigmoid", "tanh", "softrelu", "softsign"]>:$act_type);
  let results = (outs AnyTensor:$output);
  let mxOutputNames = ["output"];
  let mxInplace = [0, 0];
}

#endif // MX_NN_OPS_TD
