// RUN: mxc-opt %s --split-input-file --mx-entry-points --mx-fuse --mx-plan-memory --mx-outline-kernels | FileCheck %s
// RUN: mxc-opt %s --split-input-file --mx-entry-points --mx-fuse --mx-outline-kernels --convert-mx-to-linalg --canonicalize --linalg-fuse-elementwise-ops | FileCheck %s --check-prefix=LINALG
// RUN: mxc-opt %s --split-input-file --mx-entry-points=train=true --mx-fuse --mx-outline-kernels | FileCheck %s --check-prefix=TRAIN

// A group of mx-fuse is one kernel: it reads what its ops read from
// outside (a, b, c), writes the root's result, and holds the ops in order;
// the intermediates have no manifest value and no buffer. Identical groups
// share the kernel function (r2 computes relu(c * b + a) with r1's). After lowering, the kernel's loops merge into
// one linalg.generic.
// CHECK-LABEL: module attributes {mx.manifest = {
// CHECK-SAME: forward_infer = [{args = array<i32: 0, 1, 2, 3>, deps = array<i32>, flags = 0 : i64, name = "r1", op = "elemwise_mul+elemwise_add+relu", reads = 3 : i64, symbol = "r1"}, {args = array<i32: 2, 1, 0, 4>, deps = array<i32>, flags = 0 : i64, name = "r2", op = "elemwise_mul+elemwise_add+relu", reads = 3 : i64, symbol = "r1"}]
// CHECK-NOT: kind = "temp"
// CHECK-SAME: name = "r2_output"
// CHECK-NOT: func.func @r2
// CHECK: func.func @r1(%arg0: memref<16xf32>, %arg1: memref<16xf32>, %arg2: memref<16xf32>, %arg3: memref<16xf32>) attributes {mx.kernel = {node = "r1", op = "elemwise_mul+elemwise_add+relu"}}
// CHECK: %[[A:.*]] = bufferization.to_tensor %arg0 restrict
// CHECK: %[[B:.*]] = bufferization.to_tensor %arg1 restrict
// CHECK: %[[C:.*]] = bufferization.to_tensor %arg2 restrict
// CHECK: %[[M:.*]] = "mx.elemwise_mul"(%[[A]], %[[B]])
// CHECK: %[[S:.*]] = "mx.elemwise_add"(%[[M]], %[[C]])
// CHECK: %[[R:.*]] = "mx.relu"(%[[S]])
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %arg3
// CHECK-NOT: func.func @r2
// LINALG-LABEL: func.func @r1
// LINALG: linalg.generic
// LINALG: arith.mulf
// LINALG: arith.addf
// LINALG: arith.select
// LINALG-NOT: linalg.generic
// LINALG: return
func.func @main(%a: tensor<16xf32> {mx.name = "a"}, %b: tensor<16xf32> {mx.name = "b"}, %c: tensor<16xf32> {mx.name = "c"}) -> (tensor<16xf32>, tensor<16xf32>) {
  %0 = "mx.elemwise_mul"(%a, %b) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("m1")
  %1 = "mx.elemwise_add"(%0, %c) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("s1")
  %2 = "mx.relu"(%1) : (tensor<16xf32>) -> tensor<16xf32> loc("r1")
  %3 = "mx.elemwise_mul"(%c, %b) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("m2")
  %4 = "mx.elemwise_add"(%3, %a) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("s2")
  %5 = "mx.relu"(%4) : (tensor<16xf32>) -> tensor<16xf32> loc("r2")
  return %2, %5 : tensor<16xf32>, tensor<16xf32>
}

// -----

// Training: forward and backward ops never share a kernel; a backward
// group is a kernel of the backward entry. The forward value the backward
// group reads (t) stays a graph value with its own buffer, so tanh and
// negative fuse in forward_infer only.
// TRAIN: module attributes {mx.manifest = {backward = [{args = array<i32: 4, 2, 3>, deps = array<i32>, flags = 0 : i64, name = "bw2", op = "_rminus_scalar+elemwise_mul", reads = 2 : i64, symbol = "bw2"}]
// TRAIN-SAME: forward_infer = [{args = array<i32: 0, 1>, deps = array<i32>, flags = 0 : i64, name = "n", op = "tanh+negative", reads = 1 : i64, symbol = "n"}]
// TRAIN-SAME: forward_train = [{args = array<i32: 0, 4>, deps = array<i32>, flags = 0 : i64, name = "t", op = "tanh", reads = 1 : i64, symbol = "t"}, {args = array<i32: 4, 1>, deps = array<i32: 0>, flags = 0 : i64, name = "n", op = "negative", reads = 1 : i64, symbol = "n_1"}]
// TRAIN-SAME: kind = "temp", name = "t_output"
func.func @main(%x: tensor<8xf32> {mx.name = "x"}, %dy: tensor<8xf32> {mx.head_grad = 0 : i64, mx.name = "y_head_grad"}) -> (tensor<8xf32>, tensor<8xf32> {mx.grad_of = "x"}) {
  %0 = "mx.tanh"(%x) : (tensor<8xf32>) -> tensor<8xf32> loc("t")
  %1 = "mx.negative"(%0) : (tensor<8xf32>) -> tensor<8xf32> loc("n")
  %2 = "mx._rminus_scalar"(%0) {scalar = 1.0 : f64, mx.phase = "backward"} : (tensor<8xf32>) -> tensor<8xf32> loc("bw")
  %3 = "mx.elemwise_mul"(%2, %dy) {mx.phase = "backward"} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> loc("bw2")
  return %1, %3 : tensor<8xf32>, tensor<8xf32>
}
