// RUN: mxc-opt %s --split-input-file --mx-infer-shape="shapes=a:4,3" | FileCheck %s

// Forward: given a's shape, everything downstream follows; the function type
// is updated.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%{{.*}}: tensor<4x3xf32> {mx.name = "a"}, %{{.*}}: tensor<4x3xf32> {mx.name = "b"}) -> tensor<4xf32>
func.func @forward(%a: tensor<*xf32> {mx.name = "a"}, %b: tensor<*xf32> {mx.name = "b"}) -> tensor<*xf32> {
  // CHECK: "mx.elemwise_add"({{.*}}) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %0 = "mx.elemwise_add"(%a, %b) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  // CHECK: "mx.sum"({{.*}}) {axis = array<i64: 1>, {{.*}}} : (tensor<4x3xf32>) -> tensor<4xf32>
  %1 = "mx.sum"(%0) {axis = array<i64: 1>} : (tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// Backward: a's shape reaches c through the ops' results, and b through an
// op's other input, as MXNet's pass sweeps forward then backward.
// CHECK-LABEL: func.func @backward
// CHECK-SAME: tensor<4x3xf32> {mx.name = "b"}, %{{.*}}: tensor<4x3xf32> {mx.name = "c"}, %{{.*}}: tensor<4x3xf32> {mx.name = "a"}
func.func @backward(%b: tensor<*xf32> {mx.name = "b"}, %c: tensor<*xf32> {mx.name = "c"}, %a: tensor<*xf32> {mx.name = "a"}) -> tensor<*xf32> {
  %0 = "mx.elemwise_mul"(%b, %c) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  %1 = "mx.elemwise_add"(%0, %a) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// Partly known shapes stay partly known; broadcasting against an unknown
// extent leaves it unknown.
// CHECK-LABEL: func.func @partial
// CHECK-SAME: tensor<?x3xf32> {mx.name = "c"}) -> tensor<?x3xf32>
func.func @partial(%a: tensor<*xf32> {mx.name = "a"}, %c: tensor<?x3xf32> {mx.name = "c"}) -> tensor<*xf32> {
  // CHECK: "mx.broadcast_mul"({{.*}}) : (tensor<4x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %0 = "mx.broadcast_mul"(%a, %c) : (tensor<*xf32>, tensor<?x3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Shapes the graph's types already hold take part too.
// CHECK-LABEL: func.func @from_types
// CHECK: -> (tensor<4x3xf32>, tensor<2x5xf32>)
func.func @from_types(%a: tensor<*xf32> {mx.name = "a"}, %x: tensor<2x5xf32> {mx.name = "x"}) -> (tensor<*xf32>, tensor<*xf32>) {
  %0 = "mx.relu"(%a) : (tensor<*xf32>) -> tensor<*xf32>
  %1 = "mx.relu"(%x) : (tensor<2x5xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}
