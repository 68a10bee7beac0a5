// RUN: mxc-opt %s --mx-entry-points --mx-outline-kernels --convert-mx-to-linalg | FileCheck %s
// RUN: not mxc-opt %s --convert-mx-to-linalg 2>&1 >/dev/null | FileCheck %s --check-prefix=BARE

// Pooling has a lowering, which declines pool_type='lp'; the runtime has a
// CPU kernel for it. The kernel of that one op then calls the runtime's
// kernel (as an op without a lowering does): `fallback` in mx.kernel, the
// manifest flag MXC_KERNEL_FALLBACK (2), a descriptor with the attributes.
// The relu next to it still lowers.
// CHECK-LABEL: module attributes {mx.manifest = {
// CHECK-SAME: {args = array<i32: 0, 2>, deps = array<i32>, flags = 2 : i64, name = "lp", op = "Pooling", reads = 1 : i64, symbol = "lp"}
// CHECK-SAME: {args = array<i32: 2, 1>, deps = array<i32: 0>, flags = 0 : i64, name = "act", op = "relu", reads = 1 : i64, symbol = "act"}
// CHECK: func.func @lp(%arg0: memref<1x2x4x4xf32>, %arg1: memref<1x2x2x2xf32>) attributes {mx.kernel = {fallback, node = "lp", op = "Pooling"}}
// CHECK: call @mxrt_kernel_fallback
// CHECK-NOT: mx.Pooling
// CHECK: func.func @act(
// CHECK: linalg.generic
// CHECK: llvm.mlir.global internal constant @lp_descriptor("mxc-fallback 1\0Aop Pooling\0Anode lp\0Atrain 0\0A{{.*}}attr pool_type=lp\0A{{.*}}in 0 1,2,4,4\0Aout 0 1,2,2,2\0A\00")

// Outside an outlined kernel (no mx.kernel) a declined op stays an error.
// BARE: error: {{.*}}cannot compile op 'Pooling' (node 'lp'): its lowering does not support pool_type 'lp' yet
func.func @main(%x: tensor<1x2x4x4xf32> {mx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %0 = "mx.Pooling"(%x) {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pool_type = "lp", p_value = 2 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> loc("lp")
  %1 = "mx.relu"(%0) : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("act")
  return %1 : tensor<1x2x2x2xf32>
}
