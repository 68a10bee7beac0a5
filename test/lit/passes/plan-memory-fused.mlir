// RUN: mxc-opt %s --split-input-file --mx-fuse --mx-plan-memory | FileCheck %s
// RUN: mxc-opt %s --split-input-file --mx-fuse --mx-plan-memory="placement=pool" | FileCheck %s --check-prefix=POOL

// Planning sees what a fused group reads: the values its region uses from
// outside. The elementwise group is the last reader of %0 and %1 (the
// result's shape) and writes its result over %0 in place; the broadcast
// bias (a smaller shape) is never a candidate.
// CHECK-LABEL: func.func @elementwise_group_in_place
// CHECK-SAME: inplace = 1 : i64
// CHECK: "mx.transpose"{{.*}}mx.buffer = [{offset = [[A:[0-9]+]] : i64, slot = 0 : i64}]
// CHECK: "mx.transpose"{{.*}}mx.buffer = [{offset = [[B:[0-9]+]] : i64, slot = 0 : i64}]
// CHECK: scf.execute_region
// CHECK: mx.buffer = [{offset = [[A]] : i64, slot = 0 : i64}], mx.fused = "elementwise"
func.func @elementwise_group_in_place(%x: tensor<16x16xf32>, %y: tensor<16x16xf32>, %b: tensor<16xf32>) -> tensor<16x16xf32> {
  %0 = "mx.transpose"(%x) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %1 = "mx.transpose"(%y) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %2 = "mx.elemwise_mul"(%0, %1) : (tensor<16x16xf32>, tensor<16x16xf32>) -> tensor<16x16xf32>
  %3 = "mx.broadcast_add"(%2, %b) : (tensor<16x16xf32>, tensor<16xf32>) -> tensor<16x16xf32>
  %4 = "mx.relu"(%3) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %5 = "mx.transpose"(%4) : (tensor<16x16xf32>) -> tensor<16x16xf32>
  return %5 : tensor<16x16xf32>
}

// -----

// Pool placement returns the slots of a group's inputs once the group has
// read them: the transpose after the group reuses %1's slot instead of
// opening a third (before, a group never released what it read).
// POOL-LABEL: func.func @group_releases_inputs
// POOL-SAME: slots = array<i64: 4096, 4096>
func.func @group_releases_inputs(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = "mx.transpose"(%x) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %1 = "mx.transpose"(%0) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %2 = "mx.exp"(%1) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %3 = "mx.elemwise_add"(%2, %0) : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  %4 = "mx.transpose"(%3) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %5 = "mx.transpose"(%4) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  return %5 : tensor<32x32xf32>
}

// -----

// An epilogue group never runs in place: its anchor (here the matrix
// product) writes the result before the epilogue reads the residual.
// CHECK-LABEL: func.func @epilogue_not_in_place
// CHECK-SAME: inplace = 0 : i64
func.func @epilogue_not_in_place(%x: tensor<16x8xf32>, %w: tensor<16x16xf32>) -> tensor<16x8xf32> {
  %r = "mx.transpose"(%x) : (tensor<16x8xf32>) -> tensor<8x16xf32>
  %0 = "mx.FullyConnected"(%r, %w) {no_bias = true, num_hidden = 16 : i64, flatten = true} : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
  %1 = "mx.elemwise_add"(%0, %r) : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %2 = "mx.transpose"(%1) : (tensor<8x16xf32>) -> tensor<16x8xf32>
  return %2 : tensor<16x8xf32>
}
