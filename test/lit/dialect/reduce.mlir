// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Reductions: parse, print and parse again. Every op is also built from the op
// table and round-tripped by test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @sum
// CHECK-NEXT: {{.*}} = "mx.sum"(%{{.*}}) {axis = array<i64: 1>, exclude = false, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
func.func @sum(%a0: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %0 = "mx.sum"(%a0) {axis = array<i64: 1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func.func @mean
// CHECK-NEXT: {{.*}} = "mx.mean"(%{{.*}}) {axis = array<i64: 0>, exclude = true, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
func.func @mean(%a0: tensor<2x3xf32>) -> tensor<2xf32> {
  %0 = "mx.mean"(%a0) {axis = array<i64: 0>, exclude = true} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @norm
// CHECK-NEXT: {{.*}} = "mx.norm"(%{{.*}}) {keepdims = false, ord = 2 : i64} : (tensor<2x3xf32>) -> tensor<1xf32>
func.func @norm(%a0: tensor<2x3xf32>) -> tensor<1xf32> {
  %0 = "mx.norm"(%a0) {ord = 2 : i64} : (tensor<2x3xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// CHECK-LABEL: func.func @argmax
// CHECK-NEXT: {{.*}} = "mx.argmax"(%{{.*}}) {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
func.func @argmax(%a0: tensor<2x3xf32>) -> tensor<2xf32> {
  %0 = "mx.argmax"(%a0) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
