//===- MxGradOps.td - internal backward ops of mx-gradient ----*- tablegen -*-===//
//
// The few backward computations that forward ops cannot express well. The
// gradient table (passes/GradientRules*.cpp) builds every other gradient
// from forward ops; these are created by mx-gradient only. They are internal
// (mxInternal): not MXNet operators, hidden from the Python frontend and
// from the op table check against MXNet.
//
// Keep this list short: each op here needs its own shape function, kernel
// and lowering, where a decomposition needs none.
//
//===----------------------------------------------------------------------===//

#ifndef MX_GRAD_OPS_TD
#define MX_GRAD_OPS_TD

include "MxBase.td"
include "MxNNOps.td"

def Mx_BackwardPoolingOp : Mx_Op<"_backward_Pooling", [Pure]> {
  let summary = "The gradient of Pooling with respect to its data";
  let description = [{
    Inputs: `out_grad` (the output's shape), the forward `data` and the
    forward `output`; the attributes are Pooling's. The result has the
    data's shape:
    - max: each out_grad element goes to the first element of its window,
      in row-major scan order, that equals the window's output (as MXNet's
      unpool_max); windows that overlap accumulate.
    - avg: out_grad / (window size, or the count of unpadded elements when
      count_include_pad is false) spread over the window.
    - sum: out_grad spread over the window.
    - lp: out_grad * (x / output)^(p - 1) over the window (p_value).
    Padding follows the forward op (windows clipped to the padded extent);
    `global_pool` windows cover each whole feature map.

    Example: _backward_Pooling(dy (1, 1, 1, 1), x (1, 1, 2, 2) = [[1, 4], [4, 2]],
    y = [[4]], kernel=(2, 2), pool_type='max') = [[0, dy], [0, 0]].
  }];
  let arguments = !con((ins AnyTensor:$out_grad), Mx_PoolingOp.arguments,
                       (ins AnyTensor:$output));
  let results = (outs AnyTensor:$data_grad);
  let mxInternal = 1;
  let mxNoGradient = 1;
}

#endif // MX_GRAD_OPS_TD
