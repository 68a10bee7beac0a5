// RUN: mxc-opt %s --split-input-file --verify-diagnostics --mx-gradient

// expected-error @below {{mx-gradient needs static shapes and known dtypes (run mx-infer-shape and mx-infer-type first): argument 'x' has type 'tensor<*xf32>'}}
func.func @unknown_shape(%x: tensor<*xf32> {mx.name = "x"}) -> tensor<*xf32> {
  %0 = "mx.relu"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// An op MXNet cannot differentiate, on the way from an output to x.
func.func @no_gradient(%x: tensor<3x3xf32> {mx.name = "x"}) -> tensor<3x3xf32> {
  // expected-error @below {{mx-gradient: operator _linalg_potrf is non-differentiable, and a gradient must flow through it (not implemented yet)}}
  %0 = "mx._linalg_potrf"(%x) : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %1 = "mx.relu"(%0) : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %1 : tensor<3x3xf32>
}

// -----

// The same op off the gradient's way is fine: no gradient crosses it.
func.func @no_gradient_needed(%x: tensor<3x3xf32> {mx.name = "x"}, %y: tensor<3x3xf32> {mx.name = "y"})
    -> tensor<3x3xf32> {
  %0 = "mx._linalg_potrf"(%x) : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %1 = "mx.BlockGrad"(%0) : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %2 = "mx.elemwise_mul"(%1, %y) : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  return %2 : tensor<3x3xf32>
}

// -----

// A rule that cannot handle the attributes says why.
func.func @pad_edge(%x: tensor<1x1x3x3xf32> {mx.name = "x"}) -> tensor<1x1x5x5xf32> {
  // expected-error @below {{mx-gradient: mx.Pad: the gradient of Pad supports mode 'constant' only, got 'edge'}}
  %0 = "mx.Pad"(%x) {mode = "edge", pad_width = array<i64: 0, 0, 0, 0, 1, 1, 1, 1>}
      : (tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}
