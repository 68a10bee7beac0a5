// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Softmax family and loss layers: parse, print and parse again. Every op is
// also built from the op table and round-tripped by
// test/compiler/dialect_test.cc.

// CHECK-LABEL: func.func @softmax
// CHECK-NEXT: {{.*}} = "mx.softmax"(%{{.*}}) {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
func.func @softmax(%a0: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "mx.softmax"(%a0) {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @SoftmaxOutput
// CHECK-NEXT: {{.*}} = "mx.SoftmaxOutput"(%{{.*}}, %{{.*}}) {grad_scale = 1.000000e+00 : f64, ignore_label = 0.000000e+00 : f64, multi_output = false, normalization = "batch", out_grad = false, preserve_shape = false, smooth_alpha = 0.000000e+00 : f64, use_ignore = true} : (tensor<2x5xf32>, tensor<2xf32>) -> tensor<2x5xf32>
func.func @SoftmaxOutput(%a0: tensor<2x5xf32>, %a1: tensor<2xf32>) -> tensor<2x5xf32> {
  %0 = "mx.SoftmaxOutput"(%a0, %a1) {normalization = "batch", use_ignore = true, ignore_label = 0.0 : f64} : (tensor<2x5xf32>, tensor<2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @LinearRegressionOutput
// CHECK-NEXT: {{.*}} = "mx.LinearRegressionOutput"(%{{.*}}, %{{.*}}) {grad_scale = 5.000000e-01 : f64} : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
func.func @LinearRegressionOutput(%a0: tensor<2x1xf32>, %a1: tensor<2x1xf32>) -> tensor<2x1xf32> {
  %0 = "mx.LinearRegressionOutput"(%a0, %a1) {grad_scale = 0.5 : f64} : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func.func @MakeLoss
// CHECK-NEXT: {{.*}} = "mx.MakeLoss"(%{{.*}}) {grad_scale = 1.000000e+00 : f64, normalization = "valid", valid_thresh = 0.000000e+00 : f64} : (tensor<2xf32>) -> tensor<2xf32>
func.func @MakeLoss(%a0: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "mx.MakeLoss"(%a0) {normalization = "valid"} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @BlockGrad
// CHECK-NEXT: {{.*}} = "mx.BlockGrad"(%{{.*}}) : (tensor<2xf32>) -> tensor<2xf32>
func.func @BlockGrad(%a0: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "mx.BlockGrad"(%a0) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
