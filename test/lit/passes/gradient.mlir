// RUN: mxc-opt %s --split-input-file --mx-gradient | FileCheck %s

// FullyConnected: the data gradient is dy . W, the weight gradient dy^T . x
// (dot with transpose_a), the bias gradient a sum over the batch. The head
// gradient of the output is a new argument; gradients are new results
// named after their arguments.
// CHECK-LABEL: func.func @fully_connected
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x5xf32> {mx.name = "x"}, %[[W:[^:]*]]: tensor<3x5xf32> {mx.name = "w"}, %[[B:[^:]*]]: tensor<3xf32> {mx.name = "b"}, %[[DY:[^:]*]]: tensor<2x3xf32> {mx.head_grad = 0 : i64, mx.name = "fc1_output_head_grad"}
// CHECK-SAME: -> (tensor<2x3xf32>, tensor<2x5xf32> {mx.grad_of = "x", mx.grad_req = "write"}, tensor<3x5xf32> {mx.grad_of = "w", mx.grad_req = "write"}, tensor<3xf32> {mx.grad_of = "b", mx.grad_req = "write"})
// CHECK-SAME: attributes {mx.train}
func.func @fully_connected(%x: tensor<2x5xf32> {mx.name = "x"}, %w: tensor<3x5xf32> {mx.name = "w"},
                           %b: tensor<3xf32> {mx.name = "b"}) -> tensor<2x3xf32> {
  // CHECK: %[[Y:.*]] = "mx.FullyConnected"(%[[X]], %[[W]], %[[B]]) {{.*}}mx.phase = "forward"
  %0 = "mx.FullyConnected"(%x, %w, %b) {num_hidden = 3 : i64}
      : (tensor<2x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("fc1")
  // CHECK: %[[DX:.*]] = "mx.dot"(%[[DY]], %[[W]]) {mx.phase = "backward", transpose_a = false, transpose_b = false}
  // CHECK: %[[DW:.*]] = "mx.dot"(%[[DY]], %[[X]]) {mx.phase = "backward", transpose_a = true, transpose_b = false}
  // CHECK: %[[DB:.*]] = "mx.sum"(%[[DY]]) {axis = array<i64: 0>, {{.*}}keepdims = false
  // CHECK: return %[[Y]], %[[DX]], %[[DW]], %[[DB]]
  return %0 : tensor<2x3xf32>
}

// -----

// Element-wise ops: the chain rule, f' from the output where MXNet's
// kernels take it (sigmoid: y (1 - y)).
// CHECK-LABEL: func.func @sigmoid
func.func @sigmoid(%x: tensor<4xf32> {mx.name = "x"}) -> tensor<4xf32> {
  // CHECK: %[[Y:.*]] = "mx.sigmoid"
  %0 = "mx.sigmoid"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[ONE_MINUS:.*]] = "mx._rminus_scalar"(%[[Y]]) {{.*}}scalar = 1.0
  // CHECK: %[[D:.*]] = "mx.elemwise_mul"(%[[Y]], %[[ONE_MINUS]])
  // CHECK: %[[DX:.*]] = "mx.elemwise_mul"(%{{.*}}, %[[D]])
  // CHECK: return %[[Y]], %[[DX]]
  return %0 : tensor<4xf32>
}

// -----

// Broadcasting: the gradient is summed down to each input's shape.
// CHECK-LABEL: func.func @broadcast
func.func @broadcast(%a: tensor<2x3xf32> {mx.name = "a"}, %b: tensor<3xf32> {mx.name = "b"}) -> tensor<2x3xf32> {
  %0 = "mx.broadcast_mul"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "mx.broadcast_mul"(%arg2, %arg1) {mx.phase = "backward"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[P:.*]] = "mx.broadcast_mul"(%arg2, %arg0) {mx.phase = "backward"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[S:.*]] = "mx.sum"(%[[P]]) {axis = array<i64: 0>, {{.*}}keepdims = true{{.*}} -> tensor<1x3xf32>
  // CHECK: "mx.Reshape"(%[[S]]) {{.*}}shape = array<i64: 3>{{.*}} -> tensor<3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Two uses of one value: their gradients are summed once, where the value
// is defined.
// CHECK-LABEL: func.func @fan_out
func.func @fan_out(%x: tensor<4xf32> {mx.name = "x"}) -> tensor<4xf32> {
  %0 = "mx.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "mx.elemwise_mul"(%0, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[G1:.*]] = "mx.elemwise_mul"(%[[DY:.*]], %[[E:.*]]) {mx.phase = "backward"}
  // CHECK: %[[G2:.*]] = "mx.elemwise_mul"(%[[DY]], %[[E]]) {mx.phase = "backward"}
  // CHECK: %[[SUM:.*]] = "mx.elemwise_add"(%[[G1]], %[[G2]]) {mx.phase = "backward"}
  // CHECK: "mx.elemwise_mul"(%[[SUM]], %[[E]])
  return %1 : tensor<4xf32>
}

// -----

// BlockGrad stops the gradient: x gets its gradient through the other
// operand only; an output of BlockGrad takes no head gradient.
// CHECK-LABEL: func.func @block_grad
// CHECK-SAME: (%{{[^:]*}}: tensor<4xf32> {mx.name = "x"}, %[[DY:[^:]*]]: tensor<4xf32> {mx.head_grad = 0 : i64
// CHECK-NOT: mx.head_grad = 1
func.func @block_grad(%x: tensor<4xf32> {mx.name = "x"}) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "mx.BlockGrad"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "mx.elemwise_mul"(%0, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[G:.*]] = "mx.elemwise_mul"(%[[DY]], %[[BG:.*]]) {mx.phase = "backward"}
  // CHECK-NOT: "mx.elemwise_add"
  // CHECK: return %{{.*}}, %{{.*}}, %[[G]]
  return %1, %0 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Convolution: data gradient by Deconvolution with the same weight (adj
// restores the input extent), weight gradient by a convolution of the data
// with dy as kernel (stride and dilation exchanged), cut to the kernel.
// CHECK-LABEL: func.func @convolution
func.func @convolution(%x: tensor<2x3x7x7xf32> {mx.name = "data"}, %w: tensor<4x3x3x3xf32> {mx.name = "w"})
    -> tensor<2x4x4x4xf32> {
  %0 = "mx.Convolution"(%x, %w) {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, pad = array<i64: 1, 1>,
                                 num_filter = 4 : i64, no_bias = true}
      : (tensor<2x3x7x7xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  // CHECK: "mx.Deconvolution"(%[[DY:.*]], %arg1) {adj = array<i64: 0, 0>, {{.*}}kernel = array<i64: 3, 3>, {{.*}}num_filter = 3 : i64, {{.*}}pad = array<i64: 1, 1>, stride = array<i64: 2, 2>{{.*}} -> tensor<2x3x7x7xf32>
  // CHECK: %[[XT:.*]] = "mx.transpose"(%arg0) {axes = array<i64: 1, 0, 2, 3>
  // CHECK: %[[KT:.*]] = "mx.transpose"(%[[DY]]) {axes = array<i64: 1, 0, 2, 3>
  // CHECK: %[[C:.*]] = "mx.Convolution"(%[[XT]], %[[KT]]) {{.*}}dilate = array<i64: 2, 2>, kernel = array<i64: 4, 4>, {{.*}}stride = array<i64: 1, 1>{{.*}} -> tensor<3x4x3x3xf32>
  // CHECK: "mx.transpose"(%[[C]]) {{.*}} -> tensor<4x3x3x3xf32>
  return %0 : tensor<2x4x4x4xf32>
}

// -----

// Pooling: the one internal backward op, with Pooling's attributes.
// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x2x4x4xf32> {mx.name = "data"}) -> tensor<1x2x2x2xf32> {
  // CHECK: %[[Y:.*]] = "mx.Pooling"
  %0 = "mx.Pooling"(%x) {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pool_type = "max"}
      : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  // CHECK: "mx._backward_Pooling"(%{{.*}}, %arg0, %[[Y]]) {{.*}}kernel = array<i64: 2, 2>, mx.phase = "backward", {{.*}}pool_type = "max", {{.*}}stride = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// BatchNorm while training: the gradient reads the batch mean and
// 1/sqrt(var + eps) its forward saved (hidden outputs 1 and 2); moving
// statistics (auxiliary states) get no gradient.
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: -> (tensor<4x3x2x2xf32>, tensor<4x3x2x2xf32> {mx.grad_of = "data", {{.*}}}, tensor<3xf32> {mx.grad_of = "gamma", {{.*}}}, tensor<3xf32> {mx.grad_of = "beta", {{.*}}})
func.func @batch_norm(%x: tensor<4x3x2x2xf32> {mx.name = "data"}, %g: tensor<3xf32> {mx.name = "gamma"},
                      %b: tensor<3xf32> {mx.name = "beta"}, %mm: tensor<3xf32> {mx.name = "moving_mean"},
                      %mv: tensor<3xf32> {mx.name = "moving_var"}) -> tensor<4x3x2x2xf32> {
  // CHECK: %[[OUT:.*]], %[[MEAN:.*]], %[[INVSTD:.*]] = "mx.BatchNorm"
  %0:3 = "mx.BatchNorm"(%x, %g, %b, %mm, %mv) {fix_gamma = false}
      : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
      -> (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>)
  // CHECK: "mx.Reshape"(%[[MEAN]]) {{.*}}shape = array<i64: 1, 3, 1, 1>
  // CHECK: "mx.Reshape"(%[[INVSTD]]) {{.*}}shape = array<i64: 1, 3, 1, 1>
  // CHECK: "mx.sum"({{.*}}) {axis = array<i64: 0, 2, 3>
  return %0#0 : tensor<4x3x2x2xf32>
}

// -----

// Dropout while training: dy times the mask the forward drew.
// CHECK-LABEL: func.func @dropout
func.func @dropout(%x: tensor<4x5xf32> {mx.name = "data"}) -> tensor<4x5xf32> {
  // CHECK: %[[Y:.*]], %[[MASK:.*]] = "mx.Dropout"
  %0:2 = "mx.Dropout"(%x) {p = 0.5 : f64} : (tensor<4x5xf32>) -> (tensor<4x5xf32>, tensor<4x5xf32>)
  // CHECK: %[[DX:.*]] = "mx.elemwise_mul"(%{{.*}}, %[[MASK]])
  // CHECK: return %[[Y]], %[[DX]]
  return %0#0 : tensor<4x5xf32>
}

// -----

// Shape ops: Reshape reshapes back, Concat slices its gradient apart,
// transpose applies the inverse permutation.
// CHECK-LABEL: func.func @shape_ops
func.func @shape_ops(%a: tensor<2x3xf32> {mx.name = "a"}, %b: tensor<2x2xf32> {mx.name = "b"}) -> tensor<5x2xf32> {
  %0 = "mx.Concat"(%a, %b) {num_args = 2 : i64, dim = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
  %1 = "mx.transpose"(%0) {axes = array<i64: 1, 0>} : (tensor<2x5xf32>) -> tensor<5x2xf32>
  // CHECK: %[[T:.*]] = "mx.transpose"(%{{.*}}) {axes = array<i64: 1, 0>, mx.phase = "backward"} : (tensor<5x2xf32>) -> tensor<2x5xf32>
  // CHECK: "mx.slice_axis"(%[[T]]) {axis = 1 : i64, begin = 0 : i64, end = 3 : i64
  // CHECK: "mx.slice_axis"(%[[T]]) {axis = 1 : i64, begin = 3 : i64, end = 5 : i64
  return %1 : tensor<5x2xf32>
}

// -----

// A reduction broadcasts dy back over the reduced axes; an argument no
// gradient reaches gets zeros (MXNet writes zeros).
// CHECK-LABEL: func.func @unreached
func.func @unreached(%x: tensor<2x3xf32> {mx.name = "x"}, %unused: tensor<4xf32> {mx.name = "unused"}) -> tensor<2xf32> {
  %0 = "mx.sum"(%x) {axis = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  // CHECK: %[[R:.*]] = "mx.Reshape"(%{{.*}}) {{.*}}shape = array<i64: 2, 1>
  // CHECK: "mx.broadcast_to"(%[[R]]) {{.*}}shape = array<i64: 2, 3>
  // CHECK: "mx._zeros"() {{{.*}}dtype = "float32", mx.phase = "backward", shape = array<i64: 4>}
  return %0 : tensor<2xf32>
}
