// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Ops that create arrays from attributes only: parse, print and parse again.
// Every op is also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @zeros
// CHECK-NEXT: {{.*}} = "mx._zeros"() {ctx = "", dtype = "float32", shape = array<i64: 2, 3>} : () -> tensor<2x3xf32>
func.func @zeros() -> tensor<2x3xf32> {
  %0 = "mx._zeros"() {shape = array<i64: 2, 3>} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @full
// CHECK-NEXT: {{.*}} = "mx._full"() {ctx = "", dtype = "int32", shape = array<i64: 2>, value = 7.000000e+00 : f64} : () -> tensor<2xi32>
func.func @full() -> tensor<2xi32> {
  %0 = "mx._full"() {shape = array<i64: 2>, value = 7.0 : f64, dtype = "int32"} : () -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// CHECK-LABEL: func.func @arange
// CHECK-NEXT: {{.*}} = "mx._arange"() {ctx = "", dtype = "float32", infer_range = false, repeat = 1 : i64, start = 0.000000e+00 : f64, step = 1.000000e+00 : f64, stop = 5.000000e+00 : f64} : () -> tensor<5xf32>
func.func @arange() -> tensor<5xf32> {
  %0 = "mx._arange"() {start = 0.0 : f64, stop = 5.0 : f64} : () -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @eye
// CHECK-NEXT: {{.*}} = "mx._eye"() {M = 0 : i64, N = 3 : i64, ctx = "", dtype = "float32", k = 0 : i64} : () -> tensor<3x3xf32>
func.func @eye() -> tensor<3x3xf32> {
  %0 = "mx._eye"() {N = 3 : i64} : () -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}
