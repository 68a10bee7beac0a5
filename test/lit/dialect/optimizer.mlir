// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Fused optimizer updates (they mutate their state inputs): parse, print and
// parse again. Every op is also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @sgd_update
// CHECK-NEXT: {{.*}} = "mx.sgd_update"(%{{.*}}, %{{.*}}) {clip_gradient = -1.000000e+00 : f64, lazy_update = true, lr = 1.000000e-01 : f64, rescale_grad = 1.000000e+00 : f64, wd = 1.000000e-04 : f64} : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
func.func @sgd_update(%a0: tensor<10xf32>, %a1: tensor<10xf32>) -> tensor<10xf32> {
  %0 = "mx.sgd_update"(%a0, %a1) {lr = 1.0e-01 : f64, wd = 1.0e-04 : f64} : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// CHECK-LABEL: func.func @sgd_mom_update
// CHECK-NEXT: {{.*}} = "mx.sgd_mom_update"(%{{.*}}, %{{.*}}, %{{.*}}) {clip_gradient = -1.000000e+00 : f64, lazy_update = true, lr = 1.000000e-01 : f64, momentum = 9.000000e-01 : f64, rescale_grad = 1.000000e+00 : f64, wd = 0.000000e+00 : f64} : (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
func.func @sgd_mom_update(%a0: tensor<10xf32>, %a1: tensor<10xf32>, %a2: tensor<10xf32>) -> tensor<10xf32> {
  %0 = "mx.sgd_mom_update"(%a0, %a1, %a2) {lr = 1.0e-01 : f64, momentum = 9.0e-01 : f64} : (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// CHECK-LABEL: func.func @adam_update
// CHECK-NEXT: {{.*}} = "mx.adam_update"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, clip_gradient = -1.000000e+00 : f64, epsilon = 1.000000e-08 : f64, lazy_update = true, lr = 1.000000e-03 : f64, rescale_grad = 1.000000e+00 : f64, wd = 0.000000e+00 : f64} : (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
func.func @adam_update(%a0: tensor<10xf32>, %a1: tensor<10xf32>, %a2: tensor<10xf32>, %a3: tensor<10xf32>) -> tensor<10xf32> {
  %0 = "mx.adam_update"(%a0, %a1, %a2, %a3) {lr = 1.0e-03 : f64} : (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}
