// RUN: mxc-opt %s --split-input-file --convert-mx-to-linalg | FileCheck %s

// BatchNorm in inference: per-channel scale and shift from the moving
// statistics (fused into one generic over the data).
// CHECK-LABEL: func.func @batchnorm_infer
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK-NOT: materialize_in_destination
func.func @batchnorm_infer(%x: tensor<2x3x4xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %0:3 = "mx.BatchNorm"(%x, %g, %b, %m, %v) {fix_gamma = false} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %0#0 : tensor<2x3x4xf32>
}

// -----

// BatchNorm while training (mx.train), as a kernel: batch statistics by
// reductions over every axis but the channel, and the moving statistics
// written to the arguments marked mx.mutates.
// CHECK-LABEL: func.func @batchnorm_train
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %arg8
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %arg9
func.func @batchnorm_train(%a0: memref<2x3x4xf32>, %a1: memref<3xf32>, %a2: memref<3xf32>, %a3: memref<3xf32>, %a4: memref<3xf32>,
                           %a5: memref<2x3x4xf32>, %a6: memref<3xf32>, %a7: memref<3xf32>,
                           %a8: memref<3xf32> {mx.mutates = 3 : i64}, %a9: memref<3xf32> {mx.mutates = 4 : i64}) {
  %x = bufferization.to_tensor %a0 restrict : memref<2x3x4xf32>
  %g = bufferization.to_tensor %a1 restrict : memref<3xf32>
  %b = bufferization.to_tensor %a2 restrict : memref<3xf32>
  %m = bufferization.to_tensor %a3 restrict : memref<3xf32>
  %v = bufferization.to_tensor %a4 restrict : memref<3xf32>
  %0:3 = "mx.BatchNorm"(%x, %g, %b, %m, %v) {mx.train} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  bufferization.materialize_in_destination %0#0 in restrict writable %a5 : (tensor<2x3x4xf32>, memref<2x3x4xf32>) -> ()
  bufferization.materialize_in_destination %0#1 in restrict writable %a6 : (tensor<3xf32>, memref<3xf32>) -> ()
  bufferization.materialize_in_destination %0#2 in restrict writable %a7 : (tensor<3xf32>, memref<3xf32>) -> ()
  return
}

// -----

// softmax: max, exp(x - max), sum, divide, along the axis.
// CHECK-LABEL: func.func @softmax
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<3x7xf32>) -> tensor<3x7xf32> {
  %0 = "mx.softmax"(%x) : (tensor<3x7xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// SoftmaxOutput in the forward pass ignores the label.
// CHECK-LABEL: func.func @softmax_output
// CHECK: math.exp
// CHECK-NOT: %arg1
func.func @softmax_output(%x: tensor<2x5xf32>, %l: tensor<2xf32>) -> tensor<2x5xf32> {
  %0 = "mx.SoftmaxOutput"(%x, %l) : (tensor<2x5xf32>, tensor<2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Dropout in inference is the identity; the mask is ones.
// CHECK-LABEL: func.func @dropout_infer
// CHECK-NOT: memref.load
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]]
// CHECK: linalg.fill ins(%cst : f32)
func.func @dropout_infer(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0:2 = "mx.Dropout"(%x) {p = 5.000000e-01 : f64} : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0, %0#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Dropout while training draws from the random state (mx.rng): seed and
// counter loaded, a hash per element, the counter advanced by the element
// count.
// CHECK-LABEL: func.func @dropout_train
// CHECK: memref.load %arg3[%{{.*}}] : memref<2xi64>
// CHECK: linalg.index 0
// CHECK: arith.shrui
// CHECK: arith.cmpf oge
// CHECK: %[[NEXT:.*]] = arith.addi %{{.*}}, %c4_i64 : i64
// CHECK: memref.store %[[NEXT]], %arg3[%c1]
func.func @dropout_train(%a0: memref<4xf32>, %a1: memref<4xf32>, %a2: memref<4xf32>, %a3: memref<2xi64> {mx.rng}) {
  %x = bufferization.to_tensor %a0 restrict : memref<4xf32>
  %0:2 = "mx.Dropout"(%x) {p = 5.000000e-01 : f64, mx.train} : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  bufferization.materialize_in_destination %0#0 in restrict writable %a1 : (tensor<4xf32>, memref<4xf32>) -> ()
  bufferization.materialize_in_destination %0#1 in restrict writable %a2 : (tensor<4xf32>, memref<4xf32>) -> ()
  return
}
