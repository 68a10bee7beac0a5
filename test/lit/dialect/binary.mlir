// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Element-wise binary ops, their scalar forms and add_n: parse, print and
// parse again. Every op is also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @elemwise_add
// CHECK-NEXT: {{.*}} = "mx.elemwise_add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @elemwise_add(%a0: tensor<2x3xf32>, %a1: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx.elemwise_add"(%a0, %a1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @maximum
// CHECK-NEXT: {{.*}} = "mx._maximum"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @maximum(%a0: tensor<2x3xf32>, %a1: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx._maximum"(%a0, %a1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @greater_equal
// CHECK-NEXT: {{.*}} = "mx._greater_equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @greater_equal(%a0: tensor<2x3xf32>, %a1: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx._greater_equal"(%a0, %a1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @add_n
// CHECK-NEXT: {{.*}} = "mx.add_n"(%{{.*}}, %{{.*}}, %{{.*}}) {num_args = 3 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @add_n(%a0: tensor<2x3xf32>, %a1: tensor<2x3xf32>, %a2: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx.add_n"(%a0, %a1, %a2) {num_args = 3 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @rminus_scalar
// CHECK-NEXT: {{.*}} = "mx._rminus_scalar"(%{{.*}}) {is_int = false, scalar = 2.500000e+00 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @rminus_scalar(%a0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx._rminus_scalar"(%a0) {scalar = 2.5 : f64, is_int = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @power_scalar
// CHECK-NEXT: {{.*}} = "mx._power_scalar"(%{{.*}}) {is_int = true, scalar = 2.000000e+00 : f64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
func.func @power_scalar(%a0: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = "mx._power_scalar"(%a0) {scalar = 2.0 : f64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}
