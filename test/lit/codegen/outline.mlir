// RUN: mxc-opt %s --split-input-file --mx-entry-points --mx-outline-kernels | FileCheck %s
// RUN: mxc-opt %s --split-input-file --mx-entry-points=train=true --mx-outline-kernels | FileCheck %s --check-prefix=TRAIN

// One kernel per op, taking memrefs (reads, then writes), holding the op
// between to_tensor and materialize_in_destination; identical ops share a
// kernel; the graph becomes the manifest: arguments and outputs by MXNet's
// names, each intermediate in a buffer of its own, dependencies from the
// buffers kernels touch.
// CHECK-LABEL: module attributes {mx.manifest = {
// CHECK-SAME: buffers = [{alignment = 64 : i64, bytes = 64 : i64}, {alignment = 64 : i64, bytes = 64 : i64}]
// CHECK-SAME: forward_infer = [
// CHECK-SAME: {args = array<i32: 0, 3>, deps = array<i32>, flags = 0 : i64, name = "r1", op = "relu", reads = 1 : i64, symbol = "r1"}
// CHECK-SAME: {args = array<i32: 1, 4>, deps = array<i32>, flags = 0 : i64, name = "r2", op = "relu", reads = 1 : i64, symbol = "r1"}
// CHECK-SAME: {args = array<i32: 3, 4, 2>, deps = array<i32: 0, 1>, flags = 0 : i64, name = "sum", op = "elemwise_add", reads = 2 : i64, symbol = "sum"}
// CHECK-SAME: values = [{buffer = -1 : i64, dtype = 0 : i32, grad_of = -1 : i64, kind = "arg", name = "a", offset = 0 : i64, shape = array<i64: 4, 4>}
// CHECK-SAME: {buffer = -1 : i64, dtype = 0 : i32, grad_of = -1 : i64, kind = "output", name = "sum_output", offset = 0 : i64, shape = array<i64: 4, 4>}
// CHECK-SAME: {buffer = 0 : i64, dtype = 0 : i32, grad_of = -1 : i64, kind = "temp", name = "r1_output", offset = 0 : i64, shape = array<i64: 4, 4>}
// CHECK-NOT: func.func @forward_infer
// CHECK: func.func @r1(%arg0: memref<4x4xf32>, %arg1: memref<4x4xf32>) attributes {mx.kernel = {node = "r1", op = "relu"}}
// CHECK: %[[T:.*]] = bufferization.to_tensor %arg0 restrict : memref<4x4xf32>
// CHECK: %[[R:.*]] = "mx.relu"(%[[T]])
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %arg1
// CHECK: func.func @sum(
// CHECK-NOT: func.func @r2
// TRAIN-NOT: mx.train
func.func @main(%a: tensor<4x4xf32> {mx.name = "a"}, %b: tensor<4x4xf32> {mx.name = "b"}) -> tensor<4x4xf32> {
  %0 = "mx.relu"(%a) : (tensor<4x4xf32>) -> tensor<4x4xf32> loc("r1")
  %1 = "mx.relu"(%b) : (tensor<4x4xf32>) -> tensor<4x4xf32> loc("r2")
  %2 = "mx.elemwise_add"(%0, %1) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32> loc("sum")
  return %2 : tensor<4x4xf32>
}

// -----

// Training: forward_train gets its own kernels for mode-dependent ops
// (BatchNorm with mx.train, a write argument per moving statistic marked
// mx.mutates; Dropout with the random state marked mx.rng); the moving
// statistics are auxiliary states, read and written by the kernel.
// TRAIN-LABEL: module attributes {mx.manifest = {backward = [], buffers = [{alignment = 64 : i64, bytes = 128 : i64}
// TRAIN-SAME: forward_infer = [{args = array<i32: 0, 1, 2, 3, 4, 6, 7, 8>, deps = array<i32>, flags = 0 : i64, name = "bn", op = "BatchNorm", reads = 5 : i64, symbol = "bn"}
// TRAIN-SAME: forward_train = [{args = array<i32: 0, 1, 2, 3, 4, 10, 11, 12, 3, 4>, deps = array<i32>, flags = 0 : i64, name = "bn", op = "BatchNorm", reads = 5 : i64, symbol = "bn_1"}, {args = array<i32: 10, 5, 13, 14>, deps = array<i32: 0>, flags = 0 : i64, name = "drop", op = "Dropout", reads = 1 : i64, symbol = "drop_1"}]
// TRAIN-SAME: kind = "aux", name = "mm"
// TRAIN-SAME: kind = "rng", name = "rng_state"
// TRAIN: func.func @bn_1({{.*}}, %arg8: memref<3xf32> {mx.mutates = 3 : i64}, %arg9: memref<3xf32> {mx.mutates = 4 : i64})
// TRAIN: "mx.BatchNorm"{{.*}}mx.train
// TRAIN: func.func @drop_1({{.*}}, %arg3: memref<2xi64> {mx.rng})
// Without training, one kernel per op and no mode marks.
// CHECK-LABEL: module attributes {mx.manifest = {backward = [], buffers
// CHECK-SAME: forward_train = []
// CHECK: func.func @bn(
// CHECK-NOT: mx.train
// CHECK: func.func @drop(
func.func @main(%x: tensor<2x3x4xf32> {mx.name = "x"}, %g: tensor<3xf32> {mx.name = "g"}, %b: tensor<3xf32> {mx.name = "b"},
                %mm: tensor<3xf32> {mx.name = "mm"}, %mv: tensor<3xf32> {mx.name = "mv"}) -> tensor<2x3x4xf32> {
  %0:3 = "mx.BatchNorm"(%x, %g, %b, %mm, %mv) : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) loc("bn")
  %1:2 = "mx.Dropout"(%0#0) : (tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) loc("drop")
  return %1#0 : tensor<2x3x4xf32>
}

// -----

// Memory planning's contract: mx.buffer on ops (slot and byte offset per
// result) in the slots of mx.plan on the function. Kernels depend on each
// other through the bytes they touch: n3's result overlaps n1's bytes in
// slot 0, so n3 follows n1 (write after write) and n1's reader n2 (write
// after read); n2 gets a buffer of its own (no mx.buffer).
// CHECK-LABEL: module attributes {mx.manifest = {
// CHECK-SAME: buffers = [{alignment = 64 : i64, bytes = 64 : i64}, {alignment = 64 : i64, bytes = 64 : i64}]
// CHECK-SAME: {args = array<i32: 3, 4>, deps = array<i32: 0, 1>, flags = 0 : i64, name = "n3", op = "exp", reads = 1 : i64, symbol = "n2"}
// CHECK-SAME: {buffer = 0 : i64, dtype = 0 : i32, grad_of = -1 : i64, kind = "temp", name = "n1_output", offset = 0 : i64
// CHECK-SAME: {buffer = 0 : i64, dtype = 0 : i32, grad_of = -1 : i64, kind = "temp", name = "n3_output", offset = 16 : i64
func.func @main(%a: tensor<8xf32> {mx.name = "a"}) -> tensor<8xf32> attributes {mx.plan = {slots = array<i64: 64>}} {
  %0 = "mx.relu"(%a) {mx.buffer = [{slot = 0 : i64, offset = 0 : i64}]} : (tensor<8xf32>) -> tensor<8xf32> loc("n1")
  %1 = "mx.exp"(%0) : (tensor<8xf32>) -> tensor<8xf32> loc("n2")
  %2 = "mx.exp"(%1) {mx.buffer = [{slot = 0 : i64, offset = 16 : i64}]} : (tensor<8xf32>) -> tensor<8xf32> loc("n3")
  %3 = "mx.negative"(%2) : (tensor<8xf32>) -> tensor<8xf32> loc("n4")
  return %3 : tensor<8xf32>
}

// -----

// Disjoint bytes of one slot are independent: the two branches (results at
// offsets 0 and 32 of slot 0) have no dependency; the add follows both.
// CHECK-LABEL: module attributes {mx.manifest = {
// CHECK-SAME: {args = array<i32: 0, 3>, deps = array<i32>, flags = 0 : i64, name = "left"
// CHECK-SAME: {args = array<i32: 1, 4>, deps = array<i32>, flags = 0 : i64, name = "right"
// CHECK-SAME: {args = array<i32: 3, 4, 2>, deps = array<i32: 0, 1>, flags = 0 : i64, name = "join"
func.func @main(%a: tensor<8xf32> {mx.name = "a"}, %b: tensor<8xf32> {mx.name = "b"}) -> tensor<8xf32> attributes {mx.plan = {slots = array<i64: 64>}} {
  %0 = "mx.relu"(%a) {mx.buffer = [{slot = 0 : i64, offset = 0 : i64}]} : (tensor<8xf32>) -> tensor<8xf32> loc("left")
  %1 = "mx.sigmoid"(%b) {mx.buffer = [{slot = 0 : i64, offset = 32 : i64}]} : (tensor<8xf32>) -> tensor<8xf32> loc("right")
  %2 = "mx.elemwise_add"(%0, %1) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> loc("join")
  return %2 : tensor<8xf32>
}
