// RUN: mxc-opt %s --split-input-file --convert-mx-to-linalg --verify-diagnostics

// An op without a CPU lowering is an error naming the op and the node.
// (Nodes are unnamed here: the verifier matches file locations. pipeline.test
// checks the node name on a graph.)
func.func @no_lowering(%x: tensor<4x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{cannot compile op 'argmax': no CPU lowering for this op yet}}
  %0 = "mx.argmax"(%x) {axis = 0 : i64} : (tensor<4x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// A lowering that declines a configuration says why.
func.func @lp_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{cannot compile op 'Pooling': its lowering does not support pool_type 'lp' yet}}
  %0 = "mx.Pooling"(%x) {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pool_type = "lp", p_value = 2 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// _backward_Pooling declines lp pooling, naming it.
func.func @backward_lp_pool(%dy: tensor<1x1x2x2xf32>, %x: tensor<1x1x4x4xf32>, %y: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error@+1 {{its lowering does not support pool_type 'lp' yet}}
  %0 = "mx._backward_Pooling"(%dy, %x, %y) {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pool_type = "lp", p_value = 2 : i64} : (tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
