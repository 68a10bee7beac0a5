// RUN: mxc-opt %s --mxc-unshare-empty-tensors | FileCheck %s

// A tensor.empty CSE shared between two ops: each gets its own.
// CHECK-LABEL: func.func @shared
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-DAG: linalg.fill ins(%arg0 : f32) outs(%[[E2]] : tensor<4xf32>)
// CHECK-DAG: linalg.fill ins(%arg1 : f32) outs(%[[E1]] : tensor<4xf32>)
func.func @shared(%a: f32, %b: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.fill ins(%a : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %1 = linalg.fill ins(%b : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
