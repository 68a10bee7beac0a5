// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Broadcasting binary ops and broadcast_to/like/axis: parse, print and parse
// again. Every op is also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @broadcast_add
// CHECK-NEXT: {{.*}} = "mx.broadcast_add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
func.func @broadcast_add(%a0: tensor<2x3xf32>, %a1: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx.broadcast_add"(%a0, %a1) : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @broadcast_lesser
// CHECK-NEXT: {{.*}} = "mx.broadcast_lesser"(%{{.*}}, %{{.*}}) : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
func.func @broadcast_lesser(%a0: tensor<2x1xf32>, %a1: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx.broadcast_lesser"(%a0, %a1) : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @broadcast_to
// CHECK-NEXT: {{.*}} = "mx.broadcast_to"(%{{.*}}) {shape = array<i64: 4, 3>} : (tensor<1x3xf32>) -> tensor<4x3xf32>
func.func @broadcast_to(%a0: tensor<1x3xf32>) -> tensor<4x3xf32> {
  %0 = "mx.broadcast_to"(%a0) {shape = array<i64: 4, 3>} : (tensor<1x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @broadcast_axis
// CHECK-NEXT: {{.*}} = "mx.broadcast_axis"(%{{.*}}) {axis = array<i64: 0>, size = array<i64: 5>} : (tensor<1x3xf32>) -> tensor<5x3xf32>
func.func @broadcast_axis(%a0: tensor<1x3xf32>) -> tensor<5x3xf32> {
  %0 = "mx.broadcast_axis"(%a0) {axis = array<i64: 0>, size = array<i64: 5>} : (tensor<1x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// CHECK-LABEL: func.func @broadcast_like
// CHECK-NEXT: {{.*}} = "mx.broadcast_like"(%{{.*}}, %{{.*}}) : (tensor<1x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
func.func @broadcast_like(%a0: tensor<1x3xf32>, %a1: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = "mx.broadcast_like"(%a0, %a1) : (tensor<1x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
