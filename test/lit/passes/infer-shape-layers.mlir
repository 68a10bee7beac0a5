// RUN: mxc-opt %s --split-input-file --mx-infer-shape="shapes=data:2,3,8,8" | FileCheck %s

// Parameters, labels and auxiliary states get their shapes backwards from
// the data, as in MXNet: the layers' shape functions fill inputs too.
// CHECK-LABEL: func.func @convnet
// CHECK-SAME: tensor<2x3x8x8xf32> {mx.name = "data"}
// CHECK-SAME: tensor<4x3x3x3xf32> {mx.name = "conv_weight"}
// CHECK-SAME: tensor<4xf32> {mx.name = "conv_bias"}
// CHECK-SAME: tensor<4xf32> {mx.name = "bn_gamma"}
// CHECK-SAME: tensor<4xf32> {mx.name = "bn_beta"}
// CHECK-SAME: tensor<10x16xf32> {mx.name = "fc_weight"}
// CHECK-SAME: tensor<10xf32> {mx.name = "fc_bias"}
// CHECK-SAME: tensor<2xf32> {mx.name = "softmax_label"}
// CHECK-SAME: tensor<4xf32> {mx.name = "bn_moving_mean"}
// CHECK-SAME: tensor<4xf32> {mx.name = "bn_moving_var"}
// CHECK-SAME: -> tensor<2x10xf32>
func.func @convnet(%data: tensor<*xf32> {mx.name = "data"}, %cw: tensor<*xf32> {mx.name = "conv_weight"},
                   %cb: tensor<*xf32> {mx.name = "conv_bias"}, %g: tensor<*xf32> {mx.name = "bn_gamma"},
                   %b: tensor<*xf32> {mx.name = "bn_beta"}, %fw: tensor<*xf32> {mx.name = "fc_weight"},
                   %fb: tensor<*xf32> {mx.name = "fc_bias"}, %label: tensor<*xf32> {mx.name = "softmax_label"},
                   %mm: tensor<*xf32> {mx.name = "bn_moving_mean"}, %mv: tensor<*xf32> {mx.name = "bn_moving_var"})
    -> tensor<*xf32> {
  // CHECK: "mx.Convolution"{{.*}} -> tensor<2x4x8x8xf32>
  %0 = "mx.Convolution"(%data, %cw, %cb) {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1>, num_filter = 4 : i64}
      : (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  // CHECK: "mx.BatchNorm"{{.*}} -> (tensor<2x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>)
  %1:3 = "mx.BatchNorm"(%0, %g, %b, %mm, %mv) {fix_gamma = false}
      : (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  // CHECK: "mx.Pooling"{{.*}} -> tensor<2x4x2x2xf32>
  %2 = "mx.Pooling"(%1#0) {kernel = array<i64: 3, 3>, stride = array<i64: 3, 3>, pool_type = "max"} : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: "mx.FullyConnected"{{.*}} -> tensor<2x10xf32>
  %3 = "mx.FullyConnected"(%2, %fw, %fb) {num_hidden = 10 : i64} : (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  %4 = "mx.SoftmaxOutput"(%3, %label) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %4 : tensor<*xf32>
}

// -----

// The batch size of the data follows from the output (FullyConnected fills
// its input back from its output).
// CHECK-LABEL: func.func @batch_from_output
// CHECK-SAME: tensor<2x3x8x8xf32> {mx.name = "data"}, %{{.*}}: tensor<5x192xf32> {mx.name = "w"}
// CHECK-SAME: tensor<2x5xf32> {mx.name = "other"}
func.func @batch_from_output(%data: tensor<?x3x8x8xf32> {mx.name = "data"}, %w: tensor<*xf32> {mx.name = "w"},
                             %other: tensor<*xf32> {mx.name = "other"}) -> tensor<*xf32> {
  %0 = "mx.FullyConnected"(%data, %w) {num_hidden = 5 : i64, no_bias = true} : (tensor<?x3x8x8xf32>, tensor<*xf32>) -> tensor<*xf32>
  %1 = "mx.elemwise_add"(%0, %other) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}
