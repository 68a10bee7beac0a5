// RUN: not mxc export %s 2>&1 | FileCheck %s

// Only mx ops and graph arguments can be written as symbol JSON.
// CHECK: error: 'func.call' op cannot be written as symbol JSON: only mx ops and graph arguments can
func.func @main(%x: tensor<2xf32> {mx.name = "x"}) -> tensor<2xf32> {
  %0 = func.call @helper(%x) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "mx.relu"(%0) : (tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}
func.func private @helper(tensor<2xf32>) -> tensor<2xf32>
