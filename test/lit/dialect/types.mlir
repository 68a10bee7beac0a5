// RUN: mxc-opt %s | mxc-opt | FileCheck %s

// Graph values: ranked tensors with `?` for unknown extents, unranked for an
// unknown rank, !mx.unknown for an element type not inferred yet.

// CHECK-LABEL: func.func @unknowns
// CHECK-SAME: tensor<*x!mx.unknown>
// CHECK-SAME: tensor<?x3x!mx.unknown>
// CHECK-SAME: tensor<2x3xf16>
func.func @unknowns(%a: tensor<*x!mx.unknown>, %b: tensor<?x3x!mx.unknown>, %c: tensor<2x3xf16>) {
  return
}

// CHECK-LABEL: func.func @graph_arguments
// CHECK-SAME: mx.attrs = {__init__ = "[\22zero\22, {}]", __shape__ = "(0, 3)"}, mx.name = "bn_moving_mean"
func.func @graph_arguments(%m: tensor<?x3xf32> {mx.name = "bn_moving_mean", mx.attrs = {__shape__ = "(0, 3)", __init__ = "[\"zero\", {}]"}}) {
  return
}
