// RUN: mxc-opt %s --split-input-file --mx-plan-memory | FileCheck %s
// RUN: mxc-opt %s --split-input-file --mx-plan-memory="disable" | FileCheck %s --check-prefix=OFF
// RUN: mxc-opt %s --split-input-file --mx-plan-memory="placement=pool" | FileCheck %s --check-prefix=POOL
// RUN: mxc-opt %s --split-input-file --mx-plan-memory="stats" -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS

// In place: each op is its input's last reader and may overwrite it, so
// one 4 KiB buffer holds every intermediate; the result is the caller's.
// CHECK-LABEL: func.func @inplace_chain
// CHECK-SAME: mx.plan = {alignment = 64 : i64, inplace = 2 : i64, peak_bytes = 8192 : i64, planned_bytes = 4096 : i64, reused = 0 : i64, slots = array<i64: 4096>, unplanned_bytes = 12288 : i64}
// CHECK: "mx.relu"{{.*}}mx.buffer = [{offset = 0 : i64, slot = 0 : i64}]
// CHECK: "mx.sigmoid"{{.*}}mx.buffer = [{offset = 0 : i64, slot = 0 : i64}]
// CHECK: "mx.tanh"{{.*}}mx.buffer = [{offset = 0 : i64, slot = 0 : i64}]
// CHECK: "mx.exp"{{.*}}mx.buffer = [{offset = -1 : i64, slot = -1 : i64}]
// OFF-LABEL: func.func @inplace_chain
// OFF-SAME: inplace = 0 : i64, {{.*}}planned_bytes = 12288 : i64, {{.*}}unplanned_bytes = 12288 : i64
// POOL-LABEL: func.func @inplace_chain
// POOL-SAME: slots = array<i64: 4096>
// STATS: remark: mx-plan-memory @inplace_chain: planned 4096 bytes (0.00 MB) in 1 buffers, 1 slot(s); unplanned 12288 bytes (0.01 MB); peak live 8192 bytes (0.01 MB); 2 in place, 0 reused
func.func @inplace_chain(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %0 = "mx.relu"(%x) : (tensor<1024xf32>) -> tensor<1024xf32>
  %1 = "mx.sigmoid"(%0) : (tensor<1024xf32>) -> tensor<1024xf32>
  %2 = "mx.tanh"(%1) : (tensor<1024xf32>) -> tensor<1024xf32>
  %3 = "mx.exp"(%2) : (tensor<1024xf32>) -> tensor<1024xf32>
  return %3 : tensor<1024xf32>
}

// -----

// Reuse without in-place: transpose may not overwrite its input, but a
// value dead before another is defined leaves it its bytes: %0 and %2
// share, %1 lives between them elsewhere.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: planned_bytes = 8192 : i64
// CHECK: "mx.transpose"{{.*}}mx.buffer = [{offset = [[A:[0-9]+]] : i64, slot = 0 : i64}]
// CHECK: "mx.transpose"{{.*}}mx.buffer = [{offset = [[B:[0-9]+]] : i64, slot = 0 : i64}]
// CHECK: "mx.transpose"{{.*}}mx.buffer = [{offset = [[A]] : i64, slot = 0 : i64}]
// POOL-LABEL: func.func @reuse
// POOL: "mx.transpose"{{.*}}mx.buffer = [{offset = 0 : i64, slot = [[S0:[0-9]+]] : i64}]
// POOL: "mx.transpose"{{.*}}mx.buffer = [{offset = 0 : i64, slot = [[S1:[0-9]+]] : i64}]
// POOL: "mx.transpose"{{.*}}mx.buffer = [{offset = 0 : i64, slot = [[S0]] : i64}]
func.func @reuse(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %0 = "mx.transpose"(%x) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %1 = "mx.transpose"(%0) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %2 = "mx.transpose"(%1) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %3 = "mx.transpose"(%2) : (tensor<32x32xf32>) -> tensor<32x32xf32>
  return %3 : tensor<32x32xf32>
}

// -----

// No reuse across live ranges: %0 is read again at the end, so nothing
// defined meanwhile may take its bytes; the add is not its last reader and
// runs in place of %1 instead.
// CHECK-LABEL: func.func @live_across
// CHECK-SAME: planned_bytes = 8192 : i64
// CHECK: "mx.exp"{{.*}}mx.buffer = [{offset = [[X:[0-9]+]] : i64, slot = 0 : i64}]
// CHECK: "mx.sin"{{.*}}mx.buffer = [{offset = [[Y:[0-9]+]] : i64, slot = 0 : i64}]
// CHECK: "mx.elemwise_add"{{.*}}mx.buffer = [{offset = [[Y]] : i64, slot = 0 : i64}]
// CHECK: "mx.cos"{{.*}}mx.buffer = [{offset = [[Y]] : i64, slot = 0 : i64}]
func.func @live_across(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %0 = "mx.exp"(%x) : (tensor<1024xf32>) -> tensor<1024xf32>
  %1 = "mx.sin"(%x) : (tensor<1024xf32>) -> tensor<1024xf32>
  %2 = "mx.elemwise_add"(%0, %1) : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
  %3 = "mx.cos"(%2) : (tensor<1024xf32>) -> tensor<1024xf32>
  %4 = "mx.elemwise_mul"(%3, %0) : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
  return %4 : tensor<1024xf32>
}

// -----

// Sizes: each buffer rounds up to the alignment; a hidden output nobody
// reads still gets bytes while its op runs, then frees them.
// CHECK-LABEL: func.func @sizes
// CHECK-SAME: planned_bytes = 128 : i64
// CHECK-SAME: unplanned_bytes = 192 : i64
// CHECK: "mx.Dropout"{{.*}}mx.buffer = [{offset = 0 : i64, slot = 0 : i64}, {offset = 64 : i64, slot = 0 : i64}]
func.func @sizes(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0:2 = "mx.Dropout"(%x) : (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  %1 = "mx.relu"(%0#0) : (tensor<3xf32>) -> tensor<3xf32>
  %2 = "mx.exp"(%1) : (tensor<3xf32>) -> tensor<3xf32>
  return %2 : tensor<3xf32>
}
