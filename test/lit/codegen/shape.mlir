// RUN: mxc-opt %s --split-input-file --convert-mx-to-linalg | FileCheck %s

// Reshapes take their target from the result type: collapse to 1-D, expand.
// CHECK-LABEL: func.func @flatten
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [2, 12] : tensor<24xf32> into tensor<2x12xf32>
func.func @flatten(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = "mx.Flatten"(%x) : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

// transpose: linalg.transpose with the axes as permutation.
// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<3x4x2xf32>) permutation = [1, 2, 0]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = "mx.transpose"(%x) {axes = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

// Concat: each input inserted at its offset along the axis.
// CHECK-LABEL: func.func @concat
// CHECK: tensor.insert_slice %arg0 into %{{.*}}[0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %arg1 into %{{.*}}[0, 3] [2, 5] [1, 1]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "mx.Concat"(%a, %b) {num_args = 2 : i64, dim = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// SliceChannel: one slice per output.
// CHECK-LABEL: func.func @slice_channel
// CHECK: tensor.extract_slice %arg0[0, 0] [2, 2] [1, 1]
// CHECK: tensor.extract_slice %arg0[0, 2] [2, 2] [1, 1]
func.func @slice_channel(%x: tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %0:2 = "mx.SliceChannel"(%x) {num_outputs = 2 : i64} : (tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  return %0#0, %0#1 : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// _slice_assign (slice's gradient): rhs inserted at slice's offsets and
// steps (None: from 0), its own shape the sizes.
// CHECK-LABEL: func.func @slice_assign
// CHECK: tensor.insert_slice %arg1 into %arg0[0, 1] [3, 2] [1, 2]
func.func @slice_assign(%x: tensor<3x4xf32>, %y: tensor<3x2xf32>) -> tensor<3x4xf32> {
  %0 = "mx._slice_assign"(%x, %y) {begin = array<i64: -9223372036854775808, -3>, end = array<i64: -9223372036854775808, 4>, step = array<i64: 1, 2>} : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Reductions: a generic with reduction loops; keepdims reshapes after.
// CHECK-LABEL: func.func @sum_keepdims
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.addf
// CHECK: tensor.expand_shape {{.*}} into tensor<2x1x4xf32>
func.func @sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = "mx.sum"(%x) {axis = array<i64: 1>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// Init ops are fills.
// CHECK-LABEL: func.func @full
// CHECK: %[[C:.*]] = arith.constant 2.500000e+00 : f32
// CHECK: linalg.fill ins(%[[C]] : f32)
func.func @full() -> tensor<2x3xf32> {
  %0 = "mx._full"() {shape = array<i64: 2, 3>, value = 2.5 : f64} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
