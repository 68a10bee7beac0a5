// RUN: mxc-opt %s | mxc-opt | FileCheck %s
// RUN: mxc-opt %s --mlir-print-op-generic | mxc-opt | FileCheck %s

// Shape and data-movement ops: parse, print and parse again.

// CHECK-LABEL: func.func @concat
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>, %c: tensor<2x1xf32>) -> tensor<2x8xf32> {
  // CHECK: "mx.Concat"(%{{.*}}, %{{.*}}, %{{.*}}) {dim = 1 : i64, num_args = 3 : i64}
  %0 = "mx.Concat"(%a, %b, %c) {num_args = 3 : i64, dim = 1 : i64}
      : (tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
