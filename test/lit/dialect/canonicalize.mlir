// RUN: mxc-opt %s --split-input-file --canonicalize | FileCheck %s
// RUN: mxc-opt %s --split-input-file --canonicalize --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @copy(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = "mx._copy"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "mx._copy"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Kept when it refines the type: its users expect the result's type.
// CHECK-LABEL: func.func @copy_refining
// CHECK: "mx._copy"
func.func @copy_refining(%x: tensor<*xf32>) -> tensor<2x3xf32> {
  %0 = "mx._copy"(%x) : (tensor<*xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @neutral_scalars
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[KEEP:.*]] = "mx._mul_scalar"(%[[X]]) {{.*}}scalar = 2.0{{.*}}
// CHECK-NEXT: return %[[KEEP]]
func.func @neutral_scalars(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "mx._mul_scalar"(%x) {scalar = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "mx._plus_scalar"(%0) {scalar = 0.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "mx._minus_scalar"(%1) {scalar = 0.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = "mx._div_scalar"(%2) {scalar = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = "mx._mul_scalar"(%3) {scalar = 2.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// A reshape whose shape has no special values means the same on the first
// input; the surviving op keeps the outer node's name.
// CHECK-LABEL: func.func @reshape_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = "mx.Reshape"(%[[X]]) {{{.*}}shape = array<i64: 4, -1>{{.*}}} : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
// LOC-NOT: loc("inner")
// LOC: loc("outer")
func.func @reshape_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = "mx.Reshape"(%x) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32> loc("inner")
  %1 = "mx.Reshape"(%0) {shape = array<i64: 4, -1>} : (tensor<6x4xf32>) -> tensor<4x6xf32> loc("outer")
  return %1 : tensor<4x6xf32>
}

// -----

// Special values (0 copies the inner result's dim) are spelled out from the
// known result type.
// CHECK-LABEL: func.func @reshape_special
// CHECK-NEXT: "mx.Reshape"(%arg0) {{{.*}}shape = array<i64: 6, 2, 2>{{.*}}} : (tensor<2x3x4xf32>) -> tensor<6x2x2xf32>
// CHECK-NEXT: return
func.func @reshape_special(%x: tensor<2x3x4xf32>) -> tensor<6x2x2xf32> {
  %0 = "mx.Reshape"(%x) {shape = array<i64: -3, -2>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = "mx.Reshape"(%0) {shape = array<i64: 0, 2, -1>} : (tensor<6x4xf32>) -> tensor<6x2x2xf32>
  return %1 : tensor<6x2x2xf32>
}

// -----

// ... and left alone when the result is not known.
// CHECK-LABEL: func.func @reshape_special_unknown
// CHECK-COUNT-2: "mx.Reshape"
func.func @reshape_special_unknown(%x: tensor<*xf32>) -> tensor<*xf32> {
  %0 = "mx.Reshape"(%x) {shape = array<i64: -3, -2>} : (tensor<*xf32>) -> tensor<*xf32>
  %1 = "mx.Reshape"(%0) {shape = array<i64: 0, 0>} : (tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_to_itself
// CHECK-NEXT: return %arg0
func.func @reshape_to_itself(%x: tensor<6x4xf32>) -> tensor<6x4xf32> {
  %0 = "mx.Reshape"(%x) {shape = array<i64: 6, -1>} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_transpose
// CHECK-NEXT: "mx.transpose"(%arg0) {axes = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return
func.func @transpose_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = "mx.transpose"(%x) {axes = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = "mx.transpose"(%0) {axes = array<i64: 2, 1, 0>} : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// Reversing twice (empty axes) is the identity.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-NEXT: return %arg0
func.func @transpose_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = "mx.transpose"(%x) : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %1 = "mx.transpose"(%0) : (tensor<4x3x2xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}
