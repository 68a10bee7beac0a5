// RUN: mxc-opt %s --split-input-file --verify-diagnostics --mx-infer-type="dtypes=a:float16;b:float32"

func.func @conflict(%a: tensor<2x!mx.unknown> {mx.name = "a"}, %b: tensor<2x!mx.unknown> {mx.name = "b"}) {
  // expected-error @+1 {{Error in operator mx.elemwise_add: Incompatible attr at 1-th input: expected float16, got float32}}
  %0 = "mx.elemwise_add"(%a, %b) : (tensor<2x!mx.unknown>, tensor<2x!mx.unknown>) -> tensor<2x!mx.unknown>
  return
}

// -----

// expected-error @+1 {{option dtypes: argument name b not found.}}
func.func @missing(%a: tensor<2x!mx.unknown> {mx.name = "a"}) {
  return
}
