// RUN: mxc-opt %s -split-input-file -verify-diagnostics

// The generic verifier (MxOpInterface): what ODS cannot check, from the op
// table. Messages name the op (and the node when the op has a NameLoc:
// see ../import/errors.test).

func.func @unknown_attribute(%x: tensor<2x5xf32>, %w: tensor<3x5xf32>) {
  // expected-error @+1 {{'mx.FullyConnected' op unknown attribute 'num_hiden' (FullyConnected takes num_hidden, no_bias, flatten)}}
  %0 = "mx.FullyConnected"(%x, %w) {num_hidden = 3 : i64, no_bias = true, num_hiden = 3 : i64}
      : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @bias_given_with_no_bias(%x: tensor<2x5xf32>, %w: tensor<3x5xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{expects 2 inputs (data, weight), got 3; 'bias' is an input only when no_bias is false}}
  %0 = "mx.FullyConnected"(%x, %w, %b) {num_hidden = 3 : i64, no_bias = true}
      : (tensor<2x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @bias_missing(%x: tensor<2x5xf32>, %w: tensor<3x5xf32>) {
  // expected-error @+1 {{'mx.FullyConnected' op expects 3 inputs (data, weight, bias), got 2}}
  %0 = "mx.FullyConnected"(%x, %w) {num_hidden = 3 : i64}
      : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @num_args_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{expects 3 inputs (arg0, arg1, arg2), got 2; num_args = 3 sets the number of 'data' inputs}}
  %0 = "mx.Concat"(%a, %b) {num_args = 3 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @missing_required(%x: tensor<2x5xf32>, %w: tensor<3x5xf32>) {
  // expected-error @+1 {{'mx.FullyConnected' op requires attribute 'num_hidden'}}
  %0 = "mx.FullyConnected"(%x, %w) {no_bias = true} : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @bad_enum(%x: tensor<2x5xf32>) {
  // expected-error @+1 {{'mx.Activation' op attribute 'act_type' failed to satisfy constraint: string attribute one of 'relu', 'sigmoid'}}
  %0 = "mx.Activation"(%x) {act_type = "gelu"} : (tensor<2x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @not_an_mxnet_dtype(%x: tensor<2x5xi7>) {
  // expected-error @+1 {{operand #0 has type 'tensor<2x5xi7>', which is not a tensor of an MXNet dtype}}
  %0 = "mx.Activation"(%x) {act_type = "relu"} : (tensor<2x5xi7>) -> tensor<*xf32>
  return
}

// -----

func.func @hidden_attributes_pass(%x: tensor<2x5xf32>) {
  // Hidden (__key__) and dialect (mx.*) attributes are allowed anywhere.
  %0 = "mx.Activation"(%x) {act_type = "relu", __ctx_group__ = "dev1", mx.given = {}} : (tensor<2x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @window_ranks(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'mx.Convolution' op stride must have the same number of dimensions as kernel, but kernel is (3, 3) while stride is (1, 1, 1)}}
  %0 = "mx.Convolution"(%x, %w) {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1, 1>, num_filter = 4 : i64, no_bias = true}
      : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @output_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'mx.SliceChannel' op expects 3 results, got 2 (num_outputs = 3)}}
  %0:2 = "mx.SliceChannel"(%x) {num_outputs = 3 : i64} : (tensor<2x3xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}
