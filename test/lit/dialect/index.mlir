// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Slicing, gathering and sorting: parse, print and parse again. Every op is
// also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @slice
// CHECK-NEXT: {{.*}} = "mx.slice"(%{{.*}}) {begin = array<i64: 0, 1>, end = array<i64: 2, 3>, step = array<i64>} : (tensor<4x5xf32>) -> tensor<2x2xf32>
func.func @slice(%a0: tensor<4x5xf32>) -> tensor<2x2xf32> {
  %0 = "mx.slice"(%a0) {begin = array<i64: 0, 1>, end = array<i64: 2, 3>} : (tensor<4x5xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @slice_axis
// CHECK-NEXT: {{.*}} = "mx.slice_axis"(%{{.*}}) {axis = 1 : i64, begin = 1 : i64, end = 3 : i64} : (tensor<4x5xf32>) -> tensor<4x2xf32>
func.func @slice_axis(%a0: tensor<4x5xf32>) -> tensor<4x2xf32> {
  %0 = "mx.slice_axis"(%a0) {axis = 1 : i64, begin = 1 : i64, end = 3 : i64} : (tensor<4x5xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @take
// CHECK-NEXT: {{.*}} = "mx.take"(%{{.*}}, %{{.*}}) {axis = 0 : i64, mode = "clip"} : (tensor<4x5xf32>, tensor<3xf32>) -> tensor<3x5xf32>
func.func @take(%a0: tensor<4x5xf32>, %a1: tensor<3xf32>) -> tensor<3x5xf32> {
  %0 = "mx.take"(%a0, %a1) {axis = 0 : i64, mode = "clip"} : (tensor<4x5xf32>, tensor<3xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @one_hot
// CHECK-NEXT: {{.*}} = "mx.one_hot"(%{{.*}}) {depth = 10 : i64, dtype = "float32", off_value = 0.000000e+00 : f64, on_value = 1.000000e+00 : f64} : (tensor<4xi32>) -> tensor<4x10xf32>
func.func @one_hot(%a0: tensor<4xi32>) -> tensor<4x10xf32> {
  %0 = "mx.one_hot"(%a0) {depth = 10 : i64} : (tensor<4xi32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// CHECK-LABEL: func.func @topk
// CHECK-NEXT: {{.*}} = "mx.topk"(%{{.*}}) {dtype = "float32", is_ascend = false, k = 2 : i64, ret_typ = "value"} : (tensor<4x5xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)

func.func @topk(%a0: tensor<4x5xf32>) -> tensor<4x2xf32> {
  %0:2 = "mx.topk"(%a0) {k = 2 : i64, ret_typ = "value"} : (tensor<4x5xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  return %0#0 : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @where
// CHECK-NEXT: {{.*}} = "mx.where"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
func.func @where(%a0: tensor<4xf32>, %a1: tensor<4xf32>, %a2: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "mx.where"(%a0, %a1, %a2) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
