// What export decides besides layout.
// RUN: mxc export %s | FileCheck %s

// Ops a pass created have no node name: they get MXNet's automatic names
// (<lower-cased op><n>, skipping names in use). Attributes at their default
// are left out unless the graph gave them (mx.given), whose text is kept
// while it still means the value. Variables a BatchNorm mutates get version
// 1 in its inputs. Hidden attributes pass through.

// CHECK:      "op": "null",
// CHECK-NEXT: "name": "x",
// CHECK:      "op": "Activation",
// CHECK-NEXT: "name": "activation1",
// CHECK-NEXT: "attrs": {
// CHECK-NEXT:   "__ctx_group__": "dev1",
// CHECK-NEXT:   "act_type": "relu"
// CHECK:      "op": "Activation",
// CHECK-NEXT: "name": "activation0",
// CHECK:      "op": "BatchNorm",
// CHECK-NEXT: "name": "batchnorm0",
// CHECK-NEXT: "attrs": {
// CHECK-NEXT:   "axis": "1",
// CHECK-NEXT:   "eps": "2e-05",
// CHECK-NEXT:   "fix_gamma": "0"
// CHECK-NEXT: },
// CHECK-NEXT: "inputs": {{\[\[}}4, 0, 0], [5, 0, 0], [6, 0, 0], [7, 0, 1], [8, 0, 1]]
// CHECK:      "arg_nodes": [0, 3, 5, 6, 7, 8],
// CHECK:      "node_row_ptr": [
// CHECK:      "heads": {{\[\[}}9, 0, 0]],
func.func @main(%x: tensor<2x3xf32> {mx.name = "x"}, %g: tensor<3xf32> {mx.name = "gamma"},
                %b: tensor<3xf32> {mx.name = "beta"}, %m: tensor<3xf32> {mx.name = "mean"},
                %v: tensor<3xf32> {mx.name = "var"}, %y: tensor<2x3xf32> {mx.name = "activation0"})
    -> tensor<2x3xf32> {
  %0 = "mx.Activation"(%x) {act_type = "relu", __ctx_group__ = "dev1"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "mx.Activation"(%0) {act_type = "relu"} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("activation0")
  %2 = "mx.elemwise_add"(%1, %y) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("sum")
  // eps's given text is stale (the value changed): written from the value.
  // fix_gamma's "0" still means false: kept; so is axis, given at its
  // default. momentum, at its default and not given, is left out.
  %3:3 = "mx.BatchNorm"(%2, %g, %b, %m, %v)
      {eps = 2.0e-5 : f64, momentum = 0.9 : f64, fix_gamma = false,
       mx.given = {fix_gamma = "0", eps = "0.001", axis = "1"}}
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
      -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %3#0 : tensor<2x3xf32>
}
