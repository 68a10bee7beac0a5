// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Element-wise unary functions, Cast and clip: parse, print and parse again.
// Every op is also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @relu
// CHECK-NEXT: {{.*}} = "mx.relu"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @relu(%a0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx.relu"(%a0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @exp
// CHECK-NEXT: {{.*}} = "mx.exp"(%{{.*}}) : (tensor<2x3xf16>) -> tensor<2x3xf16>
func.func @exp(%a0: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %0 = "mx.exp"(%a0) : (tensor<2x3xf16>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// CHECK-LABEL: func.func @copy
// CHECK-NEXT: {{.*}} = "mx._copy"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @copy(%a0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx._copy"(%a0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @Cast
// CHECK-NEXT: {{.*}} = "mx.Cast"(%{{.*}}) {dtype = "float16"} : (tensor<2x3xf32>) -> tensor<2x3xf16>
func.func @Cast(%a0: tensor<2x3xf32>) -> tensor<2x3xf16> {
  %0 = "mx.Cast"(%a0) {dtype = "float16"} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// CHECK-LABEL: func.func @clip
// CHECK-NEXT: {{.*}} = "mx.clip"(%{{.*}}) {a_max = 1.000000e+00 : f64, a_min = -1.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @clip(%a0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx.clip"(%a0) {a_min = -1.0 : f64, a_max = 1.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
