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
