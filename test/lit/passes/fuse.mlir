// RUN: mxc-opt %s --split-input-file --mx-fuse | FileCheck %s
// RUN: mxc-opt %s --split-input-file --mx-fuse="epilogues=false" | FileCheck %s --check-prefix=NOEPI
// RUN: mxc-opt %s --split-input-file --mx-fuse="max-ops=2" | FileCheck %s --check-prefix=MAX2
// RUN: mxc-opt %s --split-input-file --mx-fuse="report" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// Elementwise chain: relu(a * b + c) is one group; its intermediates are
// values of the region only.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[R:.*]] = scf.execute_region -> tensor<16xf32> {
// CHECK-NEXT: %[[M:.*]] = "mx.elemwise_mul"(%arg0, %arg1)
// CHECK-NEXT: %[[A:.*]] = "mx.elemwise_add"(%[[M]], %arg2)
// CHECK-NEXT: %[[Y:.*]] = "mx.relu"(%[[A]])
// CHECK-NEXT: scf.yield %[[Y]] : tensor<16xf32>
// CHECK-NEXT: } {mx.fused = "elementwise"}
// CHECK-NEXT: return %[[R]]
// REPORT: remark: {{.*}}mx-fuse: fused 3 ops into one kernel (elementwise): 'mul' (elemwise_mul), 'add' (elemwise_add), 'r' (relu)
func.func @chain(%a: tensor<16xf32>, %b: tensor<16xf32>, %c: tensor<16xf32>) -> tensor<16xf32> {
  %0 = "mx.elemwise_mul"(%a, %b) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("mul")
  %1 = "mx.elemwise_add"(%0, %c) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("add")
  %2 = "mx.relu"(%1) : (tensor<16xf32>) -> tensor<16xf32> loc("r")
  return %2 : tensor<16xf32>
}

// -----

// Broadcast, scalar and activation ops join too; a diamond (one producer,
// two consumers, both in the group) is one group.
// CHECK-LABEL: func.func @broadcast_scalar_diamond
// CHECK-NEXT: scf.execute_region
// CHECK-NEXT: "mx.broadcast_add"
// CHECK-NEXT: "mx._mul_scalar"
// CHECK-NEXT: "mx.Activation"
// CHECK-NEXT: "mx.elemwise_sub"
// CHECK-NEXT: scf.yield
// CHECK-NEXT: } {mx.fused = "elementwise"}
func.func @broadcast_scalar_diamond(%x: tensor<4x8xf32>, %bias: tensor<1x8xf32>) -> tensor<4x8xf32> {
  %0 = "mx.broadcast_add"(%x, %bias) : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  %1 = "mx._mul_scalar"(%0) {scalar = 2.0 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = "mx.Activation"(%0) {act_type = "tanh"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = "mx.elemwise_sub"(%1, %2) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %3 : tensor<4x8xf32>
}

// -----

// A value with a user outside the group stays a graph value: exp's result
// is also an output, so only the ops after it fuse.
// CHECK-LABEL: func.func @escaping_output
// CHECK-NEXT: %[[E:.*]] = "mx.exp"
// CHECK-NEXT: scf.execute_region
// CHECK-NEXT: "mx.negative"(%[[E]])
// CHECK-NEXT: "mx.sigmoid"
// REPORT: remark: {{.*}}'e' (exp) not fused into 'n' (negative): its result is a graph output
func.func @escaping_output(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = "mx.exp"(%x) : (tensor<8xf32>) -> tensor<8xf32> loc("e")
  %1 = "mx.negative"(%0) : (tensor<8xf32>) -> tensor<8xf32> loc("n")
  %2 = "mx.sigmoid"(%1) : (tensor<8xf32>) -> tensor<8xf32> loc("s")
  return %2, %0 : tensor<8xf32>, tensor<8xf32>
}

// -----

// The same when the other user is an op outside the group (a softmax):
// and the softmax itself, not elementwise, joins no group.
// CHECK-LABEL: func.func @escaping_user
// CHECK-NEXT: "mx.exp"
// CHECK-NEXT: "mx.softmax"
// CHECK-NEXT: scf.execute_region
// CHECK-NEXT: "mx.relu"
// CHECK-NEXT: "mx.elemwise_add"
// CHECK-NEXT: "mx.square"
// REPORT: remark: {{.*}}'e' (exp) not fused into 'r' (relu): its result is also used by 'sm' (softmax), outside the group
// REPORT: remark: {{.*}}'sm' (softmax) not fused into 'sum' (elemwise_add): it is not elementwise (no fusion rule for 'softmax')
func.func @escaping_user(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = "mx.exp"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("e")
  %1 = "mx.softmax"(%0) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("sm")
  %2 = "mx.relu"(%0) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("r")
  %3 = "mx.elemwise_add"(%1, %2) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("sum")
  %4 = "mx.square"(%3) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("sq")
  return %4 : tensor<2x8xf32>
}

// -----

// Phase boundary: a forward op read only by backward ops still stays out
// of their group (the two run in different entry points); each phase fuses
// on its own.
// CHECK-LABEL: func.func @phases
// CHECK-NEXT: %[[F:.*]] = scf.execute_region
// CHECK-NEXT: "mx.tanh"
// CHECK-NEXT: "mx.square"
// CHECK: } {mx.fused = "elementwise"}
// CHECK-NEXT: scf.execute_region
// CHECK-NEXT: "mx._rminus_scalar"(%[[F]])
// CHECK-NEXT: "mx.elemwise_mul"
// CHECK: } {mx.fused = "elementwise", mx.phase = "backward"}
// REPORT: remark: {{.*}}'sq' (square) not fused into 'bw' (_rminus_scalar): it is in the forward phase, the group in the backward phase
func.func @phases(%x: tensor<8xf32>, %dy: tensor<8xf32>) -> tensor<8xf32> {
  %0 = "mx.tanh"(%x) : (tensor<8xf32>) -> tensor<8xf32> loc("t")
  %1 = "mx.square"(%0) : (tensor<8xf32>) -> tensor<8xf32> loc("sq")
  %2 = "mx._rminus_scalar"(%1) {scalar = 1.0 : f64, mx.phase = "backward"} : (tensor<8xf32>) -> tensor<8xf32> loc("bw")
  %3 = "mx.elemwise_mul"(%2, %dy) {mx.phase = "backward"} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> loc("bw2")
  return %3 : tensor<8xf32>
}

// -----

// Epilogue: the FullyConnected feeding a bias add and an activation runs
// them in its kernel; its own producers stay outside (the relu on x).
// Without `epilogues`, only the elementwise ops fuse.
// CHECK-LABEL: func.func @epilogue
// CHECK-NEXT: "mx.relu"
// CHECK-NEXT: scf.execute_region
// CHECK-NEXT: "mx.FullyConnected"
// CHECK-NEXT: "mx.broadcast_add"
// CHECK-NEXT: "mx.Activation"
// CHECK: } {mx.fused = "epilogue"}
// NOEPI-LABEL: func.func @epilogue
// NOEPI-NEXT: "mx.relu"
// NOEPI-NEXT: "mx.FullyConnected"
// NOEPI-NEXT: scf.execute_region
// NOEPI-NEXT: "mx.broadcast_add"
// NOEPI-NEXT: "mx.Activation"
// NOEPI: } {mx.fused = "elementwise"}
func.func @epilogue(%x: tensor<2x12xf32>, %w: tensor<5x12xf32>, %b: tensor<1x5xf32>) -> tensor<2x5xf32> {
  %0 = "mx.relu"(%x) : (tensor<2x12xf32>) -> tensor<2x12xf32>
  %1 = "mx.FullyConnected"(%0, %w) {num_hidden = 5 : i64, no_bias = true} : (tensor<2x12xf32>, tensor<5x12xf32>) -> tensor<2x5xf32>
  %2 = "mx.broadcast_add"(%1, %b) : (tensor<2x5xf32>, tensor<1x5xf32>) -> tensor<2x5xf32>
  %3 = "mx.Activation"(%2) {act_type = "sigmoid"} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %3 : tensor<2x5xf32>
}

// -----

// Residual block: convolution, inference BatchNorm, the residual add and
// the activation are one kernel with the first convolution the add reads;
// the second, under the BatchNorm, stays out (one anchor per group).
// max-ops caps the group.
// CHECK-LABEL: func.func @residual
// CHECK-NEXT: %[[C2:.*]] = "mx.Convolution"(%arg0, %arg2)
// CHECK-NEXT: scf.execute_region
// CHECK-NEXT: "mx.Convolution"(%arg0, %arg1)
// CHECK-NEXT: "mx.BatchNorm"(%[[C2]],
// CHECK-NEXT: "mx.elemwise_add"
// CHECK-NEXT: "mx.Activation"
// CHECK: } {mx.fused = "epilogue"}
// MAX2-LABEL: func.func @residual
// MAX2: scf.execute_region -> (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>)
// MAX2-NEXT: "mx.Convolution"
// MAX2-NEXT: "mx.BatchNorm"
// MAX2: scf.execute_region
// MAX2-NEXT: "mx.elemwise_add"
// MAX2-NEXT: "mx.Activation"
// MAX2-NEXT: scf.yield
// REPORT: remark: {{.*}}'c2' (Convolution) not fused into 'bn' (BatchNorm): the group has an anchor already
func.func @residual(%x: tensor<1x4x6x6xf32>, %w1: tensor<4x4x1x1xf32>, %w2: tensor<4x4x1x1xf32>,
                    %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %0 = "mx.Convolution"(%x, %w1) {kernel = array<i64: 1, 1>, num_filter = 4 : i64, no_bias = true} : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32> loc("c1")
  %1 = "mx.Convolution"(%x, %w2) {kernel = array<i64: 1, 1>, num_filter = 4 : i64, no_bias = true} : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32> loc("c2")
  %2:3 = "mx.BatchNorm"(%1, %g, %be, %m, %v) : (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) loc("bn")
  %3 = "mx.elemwise_add"(%2#0, %0) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("add")
  %4 = "mx.Activation"(%3) {act_type = "relu"} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("act")
  return %4 : tensor<1x4x6x6xf32>
}

// -----

// Training forms keep their own kernels: a BatchNorm marked mx.train (batch
// statistics, moving averages) and a Dropout.
// CHECK-LABEL: func.func @training
// CHECK-NEXT: "mx.BatchNorm"
// CHECK-NEXT: "mx.Dropout"
// CHECK-NEXT: "mx.relu"
// CHECK-NEXT: return
// REPORT: remark: {{.*}}'bn' (BatchNorm) not fused into 'act' (relu): it is not elementwise (no fusion rule for 'BatchNorm' while training)
func.func @training(%x: tensor<2x4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %0:3 = "mx.BatchNorm"(%x, %g, %be, %m, %v) {mx.train} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) loc("bn")
  %1:2 = "mx.Dropout"(%x) {mx.train, p = 0.5 : f64} : (tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) loc("drop")
  %2 = "mx.relu"(%0#0) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("act")
  return %2, %1#0 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Unsigned integer ops stay alone: the elementwise lowerings do not handle
// them, so each keeps a kernel of its own that runs the runtime's kernel.
// CHECK-LABEL: func.func @unsigned_not_fused
// CHECK-NOT: scf.execute_region
// CHECK: "mx.elemwise_add"
// CHECK: "mx._maximum"
// CHECK: return
func.func @unsigned_not_fused(%a: tensor<16xui8>, %b: tensor<16xui8>) -> tensor<16xui8> {
  %0 = "mx.elemwise_add"(%a, %b) : (tensor<16xui8>, tensor<16xui8>) -> tensor<16xui8>
  %1 = "mx._maximum"(%0, %b) : (tensor<16xui8>, tensor<16xui8>) -> tensor<16xui8>
  return %1 : tensor<16xui8>
}
