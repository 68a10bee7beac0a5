// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Shape and data movement: parse, print and parse again. Every op is also
// built from the op table and round-tripped by test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @Reshape
// CHECK-NEXT: {{.*}} = "mx.Reshape"(%{{.*}}) {keep_highest = false, reverse = false, shape = array<i64: -1, 0>, target_shape = array<i64>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
func.func @Reshape(%a0: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = "mx.Reshape"(%a0) {shape = array<i64: -1, 0>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// CHECK-LABEL: func.func @Flatten
// CHECK-NEXT: {{.*}} = "mx.Flatten"(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
func.func @Flatten(%a0: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = "mx.Flatten"(%a0) : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK-NEXT: {{.*}} = "mx.transpose"(%{{.*}}) {axes = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
func.func @transpose(%a0: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = "mx.transpose"(%a0) {axes = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// CHECK-LABEL: func.func @expand_dims
// CHECK-NEXT: {{.*}} = "mx.expand_dims"(%{{.*}}) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1x3xf32>
func.func @expand_dims(%a0: tensor<2x3xf32>) -> tensor<2x1x3xf32> {
  %0 = "mx.expand_dims"(%a0) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1x3xf32>
  return %0 : tensor<2x1x3xf32>
}

// CHECK-LABEL: func.func @Concat
// CHECK-NEXT: {{.*}} = "mx.Concat"(%{{.*}}, %{{.*}}, %{{.*}}) {dim = 1 : i64, num_args = 3 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
func.func @Concat(%a0: tensor<2x3xf32>, %a1: tensor<2x4xf32>, %a2: tensor<2x1xf32>) -> tensor<2x8xf32> {
  %0 = "mx.Concat"(%a0, %a1, %a2) {num_args = 3 : i64, dim = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @SliceChannel
// CHECK-NEXT: {{.*}} = "mx.SliceChannel"(%{{.*}}) {axis = 1 : i64, num_outputs = 3 : i64, squeeze_axis = true} : (tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
func.func @SliceChannel(%a0: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %0:3 = "mx.SliceChannel"(%a0) {num_outputs = 3 : i64, axis = 1 : i64, squeeze_axis = true} : (tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
  return %0#0, %0#1, %0#2 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// CHECK-LABEL: func.func @Pad
// CHECK-NEXT: {{.*}} = "mx.Pad"(%{{.*}}) {constant_value = 0.000000e+00 : f64, mode = "constant", pad_width = array<i64: 0, 0, 0, 0, 1, 1, 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
func.func @Pad(%a0: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %0 = "mx.Pad"(%a0) {mode = "constant", pad_width = array<i64: 0, 0, 0, 0, 1, 1, 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
