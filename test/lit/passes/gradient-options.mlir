// Bad mx-gradient options name the culprit.
// RUN: not mxc-opt %s --mx-gradient="grad-req=moving_mean:write" 2>&1 | FileCheck %s --check-prefix=AUX
// RUN: not mxc-opt %s --mx-gradient="grad-req=nope:write" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not mxc-opt %s --mx-gradient="default-grad-req=sometimes" 2>&1 | FileCheck %s --check-prefix=BADREQ
// RUN: not mxc-opt %s --mx-gradient="grad-req=data" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not mxc-opt %s --mx-gradient="grad-req=gamma:null,beta:null" 2>&1 | FileCheck %s --check-prefix=NODE

// AUX: error: option grad-req: 'moving_mean' is an auxiliary state, which takes no gradient
// UNKNOWN: error: option grad-req: argument name nope not found.
// UNKNOWN-NEXT: Candidate arguments:
// UNKNOWN-NEXT: [0]data
// BADREQ: error: option default-grad-req: grad_req must be 'write', 'add' or 'null', got 'sometimes'
// SYNTAX: error: option grad-req: expected 'name:value' entries separated by ';', got 'data'
// An op without a gradient on the way names its node.
// NODE: error: loc("update"): mx-gradient: operator sgd_update (node 'update') is non-differentiable, and a gradient must flow through it (an optimizer update has no gradient (MXNet registers none))
func.func @main(%x: tensor<4x3xf32> {mx.name = "data"}, %g: tensor<3xf32> {mx.name = "gamma"},
                %b: tensor<3xf32> {mx.name = "beta"}, %mm: tensor<3xf32> {mx.name = "moving_mean"},
                %mv: tensor<3xf32> {mx.name = "moving_var"}) -> tensor<4x3xf32> {
  %0:3 = "mx.BatchNorm"(%x, %g, %b, %mm, %mv)
      : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
      -> (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>)
  %1 = "mx.sgd_update"(%0#0, %0#0) {lr = 0.1 : f64} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32> loc("update")
  return %1 : tensor<4x3xf32>
}
