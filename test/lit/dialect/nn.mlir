// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Neural-network layers: parse, print and parse again.

// CHECK-LABEL: func.func @fully_connected
func.func @fully_connected(%x: tensor<2x5xf32>, %w: tensor<3x5xf32>, %b: tensor<3xf32>)
    -> (tensor<2x3xf32>, tensor<*x!mx.unknown>) {
  // CHECK: "mx.FullyConnected"(%{{.*}}, %{{.*}}, %{{.*}}) {flatten = true, no_bias = false, num_hidden = 3 : i64}
  %0 = "mx.FullyConnected"(%x, %w, %b) {num_hidden = 3 : i64}
      : (tensor<2x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // Without bias, and with hidden attributes and a node name kept.
  // CHECK: "mx.FullyConnected"(%{{.*}}, %{{.*}}) {__lr_mult__ = "0.1", flatten = false, no_bias = true, num_hidden = 3 : i64}
  %1 = "mx.FullyConnected"(%x, %w) {num_hidden = 3 : i64, no_bias = true, flatten = false, __lr_mult__ = "0.1"}
      : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<*x!mx.unknown> loc("fc_nobias")
  return %0, %1 : tensor<2x3xf32>, tensor<*x!mx.unknown>
}

// CHECK-LABEL: func.func @activation
func.func @activation(%x: tensor<2x5xf16>) -> tensor<2x5xf16> {
  // CHECK: "mx.Activation"(%{{.*}}) {act_type = "softrelu"}
  %0 = "mx.Activation"(%x) {act_type = "softrelu"} : (tensor<2x5xf16>) -> tensor<2x5xf16>
  return %0 : tensor<2x5xf16>
}

// CHECK-LABEL: func.func @convolution
// CHECK-NEXT: {{.*}} = "mx.Convolution"(%{{.*}}, %{{.*}}, %{{.*}}) {cudnn_off = false, dilate = array<i64>, kernel = array<i64: 3, 3>, no_bias = false, num_filter = 4 : i64, num_group = 1 : i64, pad = array<i64: 1, 1>, stride = array<i64: 2, 2>, workspace = 1024 : i64} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
func.func @convolution(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x4x4xf32> {
  %0 = "mx.Convolution"(%x, %w, %b) {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, pad = array<i64: 1, 1>, num_filter = 4 : i64}
      : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
  return %0 : tensor<2x4x4x4xf32>
}

// CHECK-LABEL: func.func @pooling
// CHECK-NEXT: {{.*}} = "mx.Pooling"(%{{.*}}) {cudnn_off = false, global_pool = true, kernel = array<i64>, pad = array<i64>, pool_type = "avg", pooling_convention = "valid", stride = array<i64>} : (tensor<2x3x8x8xf32>) -> tensor<2x3x1x1xf32>
func.func @pooling(%x: tensor<2x3x8x8xf32>) -> tensor<2x3x1x1xf32> {
  %0 = "mx.Pooling"(%x) {global_pool = true, pool_type = "avg"} : (tensor<2x3x8x8xf32>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// CHECK-LABEL: func.func @embedding
// CHECK-NEXT: {{.*}} = "mx.Embedding"(%{{.*}}, %{{.*}}) {dtype = "float32", input_dim = 100 : i64, output_dim = 8 : i64, sparse_grad = false} : (tensor<2x5xf32>, tensor<100x8xf32>) -> tensor<2x5x8xf32>
func.func @embedding(%idx: tensor<2x5xf32>, %w: tensor<100x8xf32>) -> tensor<2x5x8xf32> {
  %0 = "mx.Embedding"(%idx, %w) {input_dim = 100 : i64, output_dim = 8 : i64}
      : (tensor<2x5xf32>, tensor<100x8xf32>) -> tensor<2x5x8xf32>
  return %0 : tensor<2x5x8xf32>
}

// CHECK-LABEL: func.func @dropout
// CHECK-NEXT: {{.*}} = "mx.Dropout"(%{{.*}}) {axes = array<i64>, mode = "training", p = 2.500000e-01 : f64} : (tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>)
func.func @dropout(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0:2 = "mx.Dropout"(%x) {p = 0.25 : f64} : (tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>)
  return %0#0 : tensor<2x5xf32>
}
