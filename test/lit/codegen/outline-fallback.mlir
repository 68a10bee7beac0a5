// RUN: mxc-opt %s --split-input-file --mx-entry-points --mx-outline-kernels --verify-diagnostics | FileCheck %s
// RUN: not mxc-opt %s --split-input-file --mx-entry-points=train=true --mx-outline-kernels=report=true 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT

// `report` names each op that falls back, once per kernel (forward_infer
// and forward_train share them here; r2 shares r1's).
// REPORT: remark: {{.*}}mx-outline-kernels: topk 'top' has no lowering: its kernel runs the runtime's CPU kernel
// REPORT-NEXT: remark: {{.*}}mx-outline-kernels: _random_uniform_like 'noise' has no lowering
// REPORT-NEXT: remark: {{.*}}mx-outline-kernels: reverse 'r1' has no lowering
// REPORT-NOT: remark:

// An op without a lowering but with a CPU kernel in the runtime (topk)
// becomes a kernel that calls mxrt_kernel_fallback with a constant
// descriptor (op, node, mode, attributes, each input's and output's dtype
// code and shape, hidden outputs included) and an array of its arguments'
// data pointers; the manifest flags it MXC_KERNEL_FALLBACK (2). A random op
// (_random_uniform_like) gets the random state as its last argument and
// `rng` in its descriptor. Lowered ops (elemwise_add) are unchanged.
// CHECK-LABEL: module attributes {mx.manifest = {
// CHECK-SAME: forward_infer = [
// CHECK-SAME: {args = array<i32: 0, 2, 3>, deps = array<i32>, flags = 2 : i64, name = "top", op = "topk", reads = 1 : i64, symbol = "top"}
// CHECK-SAME: {args = array<i32: 2, 4, 5>, deps = array<i32: 0>, flags = 2 : i64, name = "noise", op = "_random_uniform_like", reads = 1 : i64, symbol = "noise"}
// CHECK-SAME: {args = array<i32: 2, 4, 1>, deps = array<i32: 0, 1>, flags = 0 : i64, name = "sum", op = "elemwise_add", reads = 2 : i64, symbol = "sum"}
// CHECK-SAME: kind = "rng", name = "rng_state"
// CHECK: func.func private @mxrt_kernel_fallback(!llvm.ptr, !llvm.ptr)
// CHECK: func.func @top(%arg0: memref<4x5xf32>, %arg1: memref<4x2xf32>, %arg2: memref<4x2xi32>) attributes {mx.kernel = {fallback, node = "top", op = "topk"}}
// CHECK: %[[N:.*]] = llvm.mlir.constant(3 : i64) : i64
// CHECK: %[[ARGS:.*]] = llvm.alloca %[[N]] x !llvm.ptr
// CHECK: %[[P0:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK: %[[A0:.*]] = arith.index_cast %[[P0]] : index to i64
// CHECK: %[[Q0:.*]] = llvm.inttoptr %[[A0]] : i64 to !llvm.ptr
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[ARGS]][0]
// CHECK: llvm.store %[[Q0]], %[[S0]]
// CHECK: llvm.getelementptr %[[ARGS]][2]
// CHECK: %[[D:.*]] = llvm.mlir.addressof @top_descriptor
// CHECK: call @mxrt_kernel_fallback(%[[D]], %[[ARGS]])
// CHECK-NOT: mx.topk
// CHECK: llvm.mlir.global internal constant @top_descriptor("mxc-fallback 1\0Aop topk\0Anode top\0Atrain 0\0Aattr dtype=float32\0Aattr is_ascend=False\0Aattr k=2\0Aattr ret_typ=value\0Ain 0 4,5\0Aout 0 4,2\0Aout 4 4,2\0A\00")
// CHECK: func.func @noise({{.*}}, %arg2: memref<2xi64> {mx.rng}) attributes {mx.kernel = {fallback, node = "noise", op = "_random_uniform_like"}}
// CHECK: llvm.mlir.global internal constant @noise_descriptor("mxc-fallback 1\0Aop _random_uniform_like\0Anode noise\0Atrain 0\0Aattr high=3.0\0Aattr low=2.0\0Ain 0 4,2\0Aout 0 4,2\0Arng\0A\00")
// CHECK: func.func @sum(
// CHECK: "mx.elemwise_add"
func.func @main(%x: tensor<4x5xf32> {mx.name = "x"}) -> tensor<4x2xf32> {
  %0:2 = "mx.topk"(%x) {k = 2 : i64, ret_typ = "value"} : (tensor<4x5xf32>) -> (tensor<4x2xf32>, tensor<4x2xi32>) loc("top")
  %1 = "mx._random_uniform_like"(%0#0) {low = 2.0 : f64, high = 3.0 : f64} : (tensor<4x2xf32>) -> tensor<4x2xf32> loc("noise")
  %2 = "mx.elemwise_add"(%0#0, %1) : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32> loc("sum")
  return %2 : tensor<4x2xf32>
}

// -----

// Identical fallback ops share one kernel, as lowered ones do.
// CHECK-LABEL: module attributes {mx.manifest = {
// CHECK-SAME: name = "r1", op = "reverse", reads = 1 : i64, symbol = "r1"
// CHECK-SAME: name = "r2", op = "reverse", reads = 1 : i64, symbol = "r1"
// CHECK: func.func @r1(
// CHECK-NOT: func.func @r2
func.func @main(%a: tensor<3x4xf32> {mx.name = "a"}, %b: tensor<3x4xf32> {mx.name = "b"}) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %0 = "mx.reverse"(%a) {axis = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("r1")
  %1 = "mx.reverse"(%b) {axis = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("r2")
  return %0, %1 : tensor<3x4xf32>, tensor<3x4xf32>
}

// -----

// The runtime's inference must give the op's result types, or its kernel
// would write outside its outputs: checked at compile time (topk's
// indices are int32 by the runtime's rule). (Unnamed: the verifier
// matches file locations.)
func.func @main(%x: tensor<4x5xf32> {mx.name = "x"}) -> tensor<4x2xf32> {
  // expected-error @+1 {{cannot compile op 'topk' through the runtime's CPU kernel: output 1 is (4,2) int32 by the runtime's inference, (4,2) float32 here}}
  %0:2 = "mx.topk"(%x) {k = 2 : i64, ret_typ = "value"} : (tensor<4x5xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  return %0#0 : tensor<4x2xf32>
}
