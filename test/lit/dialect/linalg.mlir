// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Matrix products and linear algebra: parse, print and parse again. Every op
// is also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @dot
// CHECK-NEXT: {{.*}} = "mx.dot"(%{{.*}}, %{{.*}}) {transpose_a = false, transpose_b = true} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
func.func @dot(%a0: tensor<2x3xf32>, %a1: tensor<4x3xf32>) -> tensor<2x4xf32> {
  %0 = "mx.dot"(%a0, %a1) {transpose_b = true} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @batch_dot
// CHECK-NEXT: {{.*}} = "mx.batch_dot"(%{{.*}}, %{{.*}}) {transpose_a = false, transpose_b = false} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
func.func @batch_dot(%a0: tensor<5x2x3xf32>, %a1: tensor<5x3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = "mx.batch_dot"(%a0, %a1) : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// CHECK-LABEL: func.func @linalg_gemm2
// CHECK-NEXT: {{.*}} = "mx._linalg_gemm2"(%{{.*}}, %{{.*}}) {alpha = 2.000000e+00 : f64, axis = -2 : i64, transpose_a = false, transpose_b = false} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
func.func @linalg_gemm2(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = "mx._linalg_gemm2"(%a0, %a1) {alpha = 2.0 : f64} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @linalg_potrf
// CHECK-NEXT: {{.*}} = "mx._linalg_potrf"(%{{.*}}) {lower = true} : (tensor<3x3xf64>) -> tensor<3x3xf64>
func.func @linalg_potrf(%a0: tensor<3x3xf64>) -> tensor<3x3xf64> {
  %0 = "mx._linalg_potrf"(%a0) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  return %0 : tensor<3x3xf64>
}
