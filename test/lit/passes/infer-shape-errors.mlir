// RUN: mxc-opt %s --split-input-file --verify-diagnostics --mx-infer-shape="shapes=data:2,100"

// MXNet's message for a parameter whose given shape disagrees, naming the
// input at fault.
func.func @weight(%data: tensor<*xf32> {mx.name = "data"}, %w: tensor<10x50xf32> {mx.name = "w"}) {
  // expected-error @+1 {{Error in operator mx.FullyConnected: Shape inconsistent, Provided = [10,50], inferred shape=(10,100) (input 'weight')}}
  %0 = "mx.FullyConnected"(%data, %w) {num_hidden = 10 : i64, no_bias = true} : (tensor<*xf32>, tensor<10x50xf32>) -> tensor<*xf32>
  return
}
