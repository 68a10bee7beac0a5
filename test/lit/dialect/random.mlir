// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Samplers: parse, print and parse again. Every op is also built from the op
// table and round-tripped by test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @random_uniform
// CHECK-NEXT: {{.*}} = "mx._random_uniform"() {ctx = "", high = 1.000000e+00 : f64, low = -1.000000e+00 : f64, shape = array<i64: 2, 3>} : () -> tensor<2x3xf32>
func.func @random_uniform() -> tensor<2x3xf32> {
  %0 = "mx._random_uniform"() {low = -1.0 : f64, high = 1.0 : f64, shape = array<i64: 2, 3>} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @random_normal
// CHECK-NEXT: {{.*}} = "mx._random_normal"() {ctx = "", dtype = "float64", loc = 0.000000e+00 : f64, scale = 2.000000e+00 : f64, shape = array<i64: 4>} : () -> tensor<4xf64>
func.func @random_normal() -> tensor<4xf64> {
  %0 = "mx._random_normal"() {loc = 0.0 : f64, scale = 2.0 : f64, shape = array<i64: 4>, dtype = "float64"} : () -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func @sample_uniform
// CHECK-NEXT: {{.*}} = "mx._sample_uniform"(%{{.*}}, %{{.*}}) {shape = array<i64: 3>} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2x3xf32>
func.func @sample_uniform(%a0: tensor<2xf32>, %a1: tensor<2xf32>) -> tensor<2x3xf32> {
  %0 = "mx._sample_uniform"(%a0, %a1) {shape = array<i64: 3>} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
