// The shapes option: partial shapes (? or -1), MXNet 1.x's 0 for unknown,
// keyword shapes overriding the graph's, and errors that name the argument.

// RUN: mxc-opt %s --mx-infer-shape="shapes=a:?,3;b:0,3" | FileCheck %s --check-prefix=PARTIAL
// PARTIAL: func.func @main(%{{.*}}: tensor<?x3xf32> {mx.name = "a"}, %{{.*}}: tensor<?x3xf32> {mx.name = "b"}) -> tensor<?x3xf32>

// RUN: mxc-opt %s --mx-infer-shape="shapes=a:(2,3)" | FileCheck %s --check-prefix=TUPLE
// TUPLE: func.func @main(%{{.*}}: tensor<2x3xf32> {mx.name = "a"}, %{{.*}}: tensor<2x3xf32> {mx.name = "b"}) -> tensor<2x3xf32>

// RUN: not mxc-opt %s --mx-infer-shape="shapes=data:2,3" 2>&1 | FileCheck %s --check-prefix=UNKNOWN-NAME
// UNKNOWN-NAME: error: option shapes: argument name data not found.
// UNKNOWN-NAME-NEXT: Candidate arguments:
// UNKNOWN-NAME-NEXT: [0]a
// UNKNOWN-NAME-NEXT: [1]b

// RUN: not mxc-opt %s --mx-infer-shape="shapes=a:2,x" 2>&1 | FileCheck %s --check-prefix=BAD-SHAPE
// BAD-SHAPE: error: option shapes: bad shape '2,x' for argument a

// RUN: not mxc-opt %s --mx-infer-shape="shapes=a" 2>&1 | FileCheck %s --check-prefix=BAD-ENTRY
// BAD-ENTRY: error: option shapes: expected 'name:value' entries separated by ';', got 'a'

// RUN: not mxc-opt %s --mx-infer-shape="shapes=a:?,3 require-complete=true" 2>&1 | FileCheck %s --check-prefix=INCOMPLETE
// INCOMPLETE: error: InferShape pass cannot decide shapes for the following arguments (-1 means unknown dimensions). Please consider providing them as inputs:
// INCOMPLETE-NEXT: a: [-1,3]
// INCOMPLETE-NEXT: b: [-1,3]

// A conflict is MXNet's error, naming the node and the input.
// RUN: not mxc-opt %s --mx-infer-shape="shapes=a:2,3;b:4,3" 2>&1 | FileCheck %s --check-prefix=CONFLICT
// CONFLICT: error: Error in operator add0: Incompatible attr at 1-th input: expected [2,3], got [4,3] (input 'rhs')

func.func @main(%a: tensor<*xf32> {mx.name = "a"}, %b: tensor<*xf32> {mx.name = "b"}) -> tensor<*xf32> {
  %0 = "mx.elemwise_add"(%a, %b) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32> loc(fused["add0", "infer-shape-options.mlir":1:1])
  return %0 : tensor<*xf32>
}
