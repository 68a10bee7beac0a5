// RUN: mxc-opt %s --split-input-file --mx-gradient="grad-req=label:null" | FileCheck %s

// SoftmaxOutput is a loss layer: no head gradient; the gradient is
// (softmax - onehot(label)) scaled by grad_scale / batch size ('batch').
// CHECK-LABEL: func.func @softmax_output_batch
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4x3xf32> {mx.name = "data"}, %[[L:[^:]*]]: tensor<4xf32> {mx.name = "label"})
// CHECK-SAME: -> (tensor<4x3xf32>, tensor<4x3xf32> {mx.grad_of = "data", mx.grad_req = "write"})
func.func @softmax_output_batch(%x: tensor<4x3xf32> {mx.name = "data"}, %l: tensor<4xf32> {mx.name = "label"}) -> tensor<4x3xf32> {
  // CHECK: %[[P:.*]] = "mx.SoftmaxOutput"
  %0 = "mx.SoftmaxOutput"(%x, %l) {normalization = "batch", grad_scale = 2.0 : f64}
      : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<4x3xf32>
  // CHECK: %[[HOT:.*]] = "mx.one_hot"(%[[L]]) {depth = 3 : i64, dtype = "float32"
  // CHECK: %[[D:.*]] = "mx.elemwise_sub"(%[[P]], %[[HOT]])
  // CHECK: %[[G:.*]] = "mx._mul_scalar"(%[[D]]) {{.*}}scalar = 5.000000e-01
  // CHECK: return %[[P]], %[[G]]
  return %0 : tensor<4x3xf32>
}

// -----

// use_ignore zeroes rows labelled ignore_label; 'valid' divides by the
// count of labels that are not.
// CHECK-LABEL: func.func @softmax_output_valid
func.func @softmax_output_valid(%x: tensor<4x3xf32> {mx.name = "data"}, %l: tensor<4xf32> {mx.name = "label"}) -> tensor<4x3xf32> {
  %0 = "mx.SoftmaxOutput"(%x, %l) {normalization = "valid", use_ignore = true, ignore_label = 2.0 : f64}
      : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<4x3xf32>
  // CHECK: %[[KEEP:.*]] = "mx._not_equal_scalar"(%arg1) {{.*}}scalar = 2.000000e+00
  // CHECK: %[[KEEP2:.*]] = "mx.Reshape"(%[[KEEP]]) {{.*}}shape = array<i64: 4, 1>
  // CHECK: "mx.broadcast_mul"(%{{.*}}, %[[KEEP2]])
  // CHECK: %[[NE:.*]] = "mx._not_equal_scalar"(%arg1)
  // CHECK: %[[COUNT:.*]] = "mx.sum"(%[[NE]])
  // CHECK: %[[ATLEAST1:.*]] = "mx._maximum_scalar"(%[[COUNT]]) {{.*}}scalar = 1.000000e+00
  // CHECK: "mx.broadcast_div"
  return %0 : tensor<4x3xf32>
}

// -----

// multi_output: classes along axis 1, labels (N, spatial); 'null' still
// divides by the spatial size.
// CHECK-LABEL: func.func @softmax_output_multi
func.func @softmax_output_multi(%x: tensor<2x3x5xf32> {mx.name = "data"}, %l: tensor<2x5xf32> {mx.name = "label"}) -> tensor<2x3x5xf32> {
  %0 = "mx.SoftmaxOutput"(%x, %l) {multi_output = true}
      : (tensor<2x3x5xf32>, tensor<2x5xf32>) -> tensor<2x3x5xf32>
  // CHECK: %[[HOT:.*]] = "mx.one_hot"({{.*}}) {depth = 3 : i64{{.*}} -> tensor<2x5x3xf32>
  // CHECK: "mx.transpose"(%[[HOT]]) {axes = array<i64: 0, 2, 1>
  // CHECK: "mx._mul_scalar"({{.*}}scalar = 2.000000e-01
  return %0 : tensor<2x3x5xf32>
}

// -----

// Probability labels (the output's shape): (softmax - label) * grad_scale.
// With out_grad the head gradient is an argument and multiplies the result.
// CHECK-LABEL: func.func @softmax_output_prob
// CHECK-SAME: %[[DY:[^:]*]]: tensor<2x3xf32> {mx.head_grad = 0 : i64
func.func @softmax_output_prob(%x: tensor<2x3xf32> {mx.name = "data"}, %l: tensor<2x3xf32> {mx.name = "label"}) -> tensor<2x3xf32> {
  %0 = "mx.SoftmaxOutput"(%x, %l) {out_grad = true} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[D:.*]] = "mx.elemwise_sub"(%{{.*}}, %arg1)
  // CHECK: "mx.elemwise_mul"(%[[D]], %[[DY]])
  return %0 : tensor<2x3xf32>
}

// -----

// Regression outputs: (out - label) * grad_scale / outputs per sample; the
// label (N,) of data (N, 1) is reshaped; MAE takes the sign.
// CHECK-LABEL: func.func @regression
// CHECK-SAME: -> (tensor<4x1xf32>, tensor<2x3xf32>, tensor<4x1xf32> {mx.grad_of = "a", {{.*}}}, tensor<2x3xf32> {mx.grad_of = "b", {{.*}}})
func.func @regression(%a: tensor<4x1xf32> {mx.name = "a"}, %la: tensor<4xf32> {mx.name = "label"},
                      %b: tensor<2x3xf32> {mx.name = "b"}, %lb: tensor<2x3xf32> {mx.name = "lb"})
    -> (tensor<4x1xf32>, tensor<2x3xf32>) {
  %0 = "mx.LinearRegressionOutput"(%a, %la) {grad_scale = 2.0 : f64} : (tensor<4x1xf32>, tensor<4xf32>) -> tensor<4x1xf32>
  %1 = "mx.MAERegressionOutput"(%b, %lb) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[D1:.*]] = "mx.elemwise_sub"(%{{.*}}, %arg3)
  // CHECK: %[[S:.*]] = "mx.sign"(%[[D1]])
  // CHECK: "mx._mul_scalar"(%[[S]]) {{.*}}scalar = 0.33333333
  // CHECK: %[[LA:.*]] = "mx.Reshape"(%arg1) {{.*}}shape = array<i64: 4, 1>
  // CHECK: %[[D0:.*]] = "mx.elemwise_sub"(%{{.*}}, %[[LA]])
  // CHECK: "mx._mul_scalar"(%[[D0]]) {{.*}}scalar = 2.000000e+00
  return %0, %1 : tensor<4x1xf32>, tensor<2x3xf32>
}

// -----

// MakeLoss: the gradient is grad_scale (here / batch size), whatever the
// data; make_loss: ones.
// CHECK-LABEL: func.func @make_loss
// CHECK-NOT: mx.head_grad
func.func @make_loss(%x: tensor<4x2xf32> {mx.name = "x"}, %unused: tensor<4xf32> {mx.name = "label"})
    -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %0 = "mx.square"(%x) : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %1 = "mx.MakeLoss"(%0) {grad_scale = 3.0 : f64, normalization = "batch"} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %2 = "mx.make_loss"(%x) : (tensor<4x2xf32>) -> tensor<4x2xf32>
  // CHECK: %[[ONES:.*]] = "mx._full"() {{.*}}value = 1.000000e+00
  // CHECK: %[[SCALE:.*]] = "mx._full"() {{.*}}value = 7.500000e-01
  // CHECK: "mx.elemwise_mul"(%[[SCALE]], %{{.*}})
  // CHECK: "mx.elemwise_add"
  return %1, %2 : tensor<4x2xf32>, tensor<4x2xf32>
}
