// RUN: mxc-opt %s --split-input-file --mx-entry-points --mx-outline-kernels --verify-diagnostics

// Kernels are compiled for static shapes: an unknown extent names the argument.
// expected-error @+1 {{argument 'a' has no static shape (tensor<?x4xf32>): give every input's shape (--shape)}}
func.func @main(%a: tensor<?x4xf32> {mx.name = "a"}) -> tensor<?x4xf32> {
  %0 = "mx.relu"(%a) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A planned buffer must hold what is placed in it.
func.func @main(%a: tensor<8xf32> {mx.name = "a"}) -> tensor<8xf32> attributes {mx.plan = {slots = array<i64: 16>}} {
  // expected-error @+1 {{mx.buffer: result 0 (32 bytes at offset 0) lies outside slot 0 of the function's mx.plan}}
  %0 = "mx.relu"(%a) {mx.buffer = [{slot = 0 : i64, offset = 0 : i64}]} : (tensor<8xf32>) -> tensor<8xf32>
  %1 = "mx.exp"(%0) : (tensor<8xf32>) -> tensor<8xf32>
  return %1 : tensor<8xf32>
}
