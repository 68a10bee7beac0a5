// Export writes MXNet 1.9.1's bytes: dmlc's layout (two-space indent, ", "
// before each line break, one-entry maps inline, arrays of more than 10
// items one per line), node names from locations, arguments and
// attributes in MXNet's string forms.
// RUN: mxc export %s | FileCheck %s --strict-whitespace --match-full-lines

// CHECK:{
// CHECK-NEXT:  "nodes": [
// CHECK-NEXT:    {
// CHECK-NEXT:      "op": "null", 
// CHECK-NEXT:      "name": "data", 
// CHECK-NEXT:      "inputs": []
// CHECK-NEXT:    }, 
// CHECK-NEXT:    {
// CHECK-NEXT:      "op": "null", 
// CHECK-NEXT:      "name": "fc_weight", 
// CHECK-NEXT:      "attrs": {
// CHECK-NEXT:        "__init__": "[\"xavier\", {}]", 
// CHECK-NEXT:        "num_hidden": "3"
// CHECK-NEXT:      }, 
// CHECK-NEXT:      "inputs": []
// CHECK-NEXT:    }, 
// CHECK-NEXT:    {
// CHECK-NEXT:      "op": "FullyConnected", 
// CHECK-NEXT:      "name": "fc", 
// CHECK-NEXT:      "attrs": {
// CHECK-NEXT:        "flatten": "False", 
// CHECK-NEXT:        "no_bias": "True", 
// CHECK-NEXT:        "num_hidden": "3"
// CHECK-NEXT:      }, 
// CHECK-NEXT:      "inputs": {{\[\[}}0, 0, 0], [1, 0, 0]]
// CHECK-NEXT:    }, 
// CHECK-NEXT:    {
// CHECK-NEXT:      "op": "Activation", 
// CHECK-NEXT:      "name": "act", 
// CHECK-NEXT:      "attrs": {"act_type": "tanh"}, 
// CHECK-NEXT:      "inputs": {{\[\[}}2, 0, 0]]
// CHECK-NEXT:    }
// CHECK-NEXT:  ], 
// CHECK-NEXT:  "arg_nodes": [0, 1], 
// CHECK-NEXT:  "node_row_ptr": [0, 1, 2, 3, 4], 
// CHECK-NEXT:  "heads": {{\[\[}}3, 0, 0]], 
// CHECK-NEXT:  "attrs": {"mxnet_version": ["int", 10901]}
// CHECK-NEXT:}
func.func @main(%x: tensor<2x5xf32> {mx.name = "data"},
                %w: tensor<3x5xf32> {mx.name = "fc_weight", mx.attrs = {num_hidden = "3", __init__ = "[\"xavier\", {}]"}})
    -> tensor<2x3xf32> {
  %0 = "mx.FullyConnected"(%x, %w) {num_hidden = 3 : i64, no_bias = true, flatten = false}
      : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32> loc("fc")
  %1 = "mx.Activation"(%0) {act_type = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("act")
  return %1 : tensor<2x3xf32>
}
