// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Normalization layers (BatchNorm's moving statistics are auxiliary states):
// parse, print and parse again. Every op is also built from the op table and
// round-tripped by test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @BatchNorm
// CHECK-NEXT: {{.*}} = "mx.BatchNorm"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {axis = 1 : i64, cudnn_off = false, eps = 2.000000e-05 : f64, fix_gamma = false, momentum = 9.000000e-01 : f64, output_mean_var = true, use_global_stats = false} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
func.func @BatchNorm(%a0: tensor<2x3x4x4xf32>, %a1: tensor<3xf32>, %a2: tensor<3xf32>, %a3: tensor<3xf32>, %a4: tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0:3 = "mx.BatchNorm"(%a0, %a1, %a2, %a3, %a4) {eps = 2.0e-05 : f64, fix_gamma = false, output_mean_var = true} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @LayerNorm
// CHECK-NEXT: {{.*}} = "mx.LayerNorm"(%{{.*}}, %{{.*}}, %{{.*}}) {axis = -1 : i64, eps = 1.000000e-05 : f64, output_mean_var = false} : (tensor<2x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
func.func @LayerNorm(%a0: tensor<2x5xf32>, %a1: tensor<5xf32>, %a2: tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %0:3 = "mx.LayerNorm"(%a0, %a1, %a2) {axis = -1 : i64} : (tensor<2x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// CHECK-LABEL: func.func @InstanceNorm
// CHECK-NEXT: {{.*}} = "mx.InstanceNorm"(%{{.*}}, %{{.*}}, %{{.*}}) {eps = 1.000000e-03 : f64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
func.func @InstanceNorm(%a0: tensor<2x3x4xf32>, %a1: tensor<3xf32>, %a2: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %0:3 = "mx.InstanceNorm"(%a0, %a1, %a2) {eps = 1.0e-03 : f64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @L2Normalization
// CHECK-NEXT: {{.*}} = "mx.L2Normalization"(%{{.*}}) {eps = 1.000000e-10 : f64, mode = "channel"} : (tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x4xf32>)
func.func @L2Normalization(%a0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0:2 = "mx.L2Normalization"(%a0) {mode = "channel"} : (tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x4xf32>)
  return %0#0 : tensor<2x3x4xf32>
}
