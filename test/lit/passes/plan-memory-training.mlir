// RUN: mxc-opt %s --mx-gradient --mx-plan-memory | FileCheck %s

// A training graph: the backward ops come after the forward ones, so a
// forward value the backward reads (sigmoid's output, for y (1 - y)) stays
// live until then, and no value defined in between may take its bytes.
// CHECK-LABEL: func.func @train
// CHECK: %[[Y:.*]] = "mx.sigmoid"(%arg0) {mx.buffer = [{offset = [[A:[0-9]+]] : i64, slot = 0 : i64}]
// CHECK-NOT: offset = [[A]] : i64
// CHECK: "mx._rminus_scalar"(%[[Y]])
// CHECK-NOT: offset = [[A]] : i64
// CHECK: "mx.elemwise_mul"(%[[Y]], %{{.*}})
// CHECK: return
func.func @train(%x: tensor<256xf32> {mx.name = "x"}) -> tensor<256xf32> {
  %0 = "mx.sigmoid"(%x) : (tensor<256xf32>) -> tensor<256xf32>
  %1 = "mx.cos"(%0) : (tensor<256xf32>) -> tensor<256xf32>
  %2 = "mx.exp"(%1) : (tensor<256xf32>) -> tensor<256xf32>
  return %2 : tensor<256xf32>
}
