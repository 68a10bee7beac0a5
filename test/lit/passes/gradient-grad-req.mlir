// RUN: mxc-opt %s --split-input-file --mx-gradient="grad-req=w:add,x:null" | FileCheck %s
// RUN: mxc-opt %s --split-input-file --mx-gradient="default-grad-req=null grad-req=w:write" | FileCheck %s --check-prefix=ONLYW
// RUN: mxc-opt %s --split-input-file --mx-gradient="train=false grad-req=x:null" | FileCheck %s --check-prefix=INFER

// grad_req add: the incoming gradient is an argument marked like the
// result (code generation maps both to w's gradient array) and the new
// gradient is added to it; null: no result at all.
// CHECK-LABEL: func.func @requests
// CHECK-SAME: %[[W:[^:]*]]: tensor<3x5xf32> {mx.name = "w"}, %[[DY:[^:]*]]: tensor<2x3xf32> {mx.head_grad = 0 : i64, {{.*}}}, %[[ACC:[^:]*]]: tensor<3x5xf32> {mx.grad_of = "w", mx.name = "w_grad"})
// CHECK-SAME: -> (tensor<2x3xf32>, tensor<3x5xf32> {mx.grad_of = "w", mx.grad_req = "add"})
// ONLYW-LABEL: func.func @requests
// ONLYW-SAME: -> (tensor<2x3xf32>, tensor<3x5xf32> {mx.grad_of = "w", mx.grad_req = "write"})
// ONLYW-NOT: "mx.dot"(%arg2, %arg1)
// ONLYW: "mx.dot"(%arg2, %arg0)
func.func @requests(%x: tensor<2x5xf32> {mx.name = "x"}, %w: tensor<3x5xf32> {mx.name = "w"}) -> tensor<2x3xf32> {
  %0 = "mx.FullyConnected"(%x, %w) {num_hidden = 3 : i64, no_bias = true}
      : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  // The data gradient is not built when x takes none.
  // CHECK-NOT: "mx.dot"(%[[DY]], %[[W]])
  // CHECK: %[[G:.*]] = "mx.dot"(%[[DY]], %arg0) {{.*}}transpose_a = true
  // CHECK: %[[SUM:.*]] = "mx.elemwise_add"(%[[ACC]], %[[G]]) {mx.phase = "backward"}
  // CHECK: return %{{.*}}, %[[SUM]]
  return %0 : tensor<2x3xf32>
}

// -----

// add with no gradient reaching the argument: the incoming gradient passes
// through a copy (every gradient result is written by an op of its own);
// write gives zeros.
// CHECK-LABEL: func.func @add_unreached
// ONLYW-LABEL: func.func @add_unreached
// ONLYW: %[[Z:.*]] = "mx._zeros"() {{{.*}}shape = array<i64: 4>}
// ONLYW: return %{{.*}}, %[[Z]]
// CHECK: %[[C:.*]] = "mx._copy"(%arg3) {mx.phase = "backward"}
// CHECK: return %{{.*}}, %[[C]]
func.func @add_unreached(%x: tensor<4xf32> {mx.name = "x"}, %w: tensor<4xf32> {mx.name = "w"}) -> tensor<4xf32> {
  %0 = "mx.BlockGrad"(%w) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "mx.elemwise_add"(%0, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// train=false: no mx.train; BatchNorm's gradient uses the moving
// statistics, and Dropout passes the gradient through.
// INFER-LABEL: func.func @inference_mode
// INFER-NOT: mx.train
// INFER: "mx.BatchNorm"
// INFER: %[[V:.*]] = "mx._plus_scalar"(%arg4) {{.*}}scalar = 1.000000e-03
// INFER: "mx.rsqrt"(%[[V]])
// INFER-NOT: "mx.elemwise_mul"(%{{.*}}, %mask)
func.func @inference_mode(%x: tensor<4x3xf32> {mx.name = "x"}, %g: tensor<3xf32> {mx.name = "w"},
                          %b: tensor<3xf32> {mx.name = "b"}, %mm: tensor<3xf32> {mx.name = "mm"},
                          %mv: tensor<3xf32> {mx.name = "mv"}) -> tensor<4x3xf32> {
  %0:3 = "mx.BatchNorm"(%x, %g, %b, %mm, %mv) {fix_gamma = false}
      : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
      -> (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>)
  %1:2 = "mx.Dropout"(%0#0) : (tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>)
  return %1#0 : tensor<4x3xf32>
}
