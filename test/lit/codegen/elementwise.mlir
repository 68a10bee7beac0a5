// RUN: mxc-opt %s --split-input-file --convert-mx-to-linalg | FileCheck %s

// Unary ops: one linalg.generic over the result's shape, the op's math in
// its body (here relu: compare and select).
// CHECK-LABEL: func.func @relu
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%{{.*}} : tensor<2x3xf32>)
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK-NOT: mx.
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "mx.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Activation picks the functor from act_type: tanh stays math.tanh here
// (mxc-math-approx expands it later).
// CHECK-LABEL: func.func @activation_tanh
// CHECK: linalg.generic
// CHECK: math.tanh
func.func @activation_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "mx.Activation"(%x) {act_type = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Transcendental functions on integers compute in floating point, as MXNet.
// CHECK-LABEL: func.func @exp_int
// CHECK: arith.sitofp {{.*}} : i32 to f64
// CHECK: math.exp {{.*}} : f64
// CHECK: arith.fptosi {{.*}} : f64 to i32
func.func @exp_int(%x: tensor<5xi32>) -> tensor<5xi32> {
  %0 = "mx.exp"(%x) : (tensor<5xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// -----

// Same-shape binary ops: identity maps; integer forms use arith's integer ops.
// CHECK-LABEL: func.func @add_int
// CHECK: arith.addi
func.func @add_int(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = "mx.elemwise_add"(%a, %b) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Broadcasting: extents of 1 against larger ones map to the constant 0,
// missing leading dims are dropped (NumPy rules).
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$RHS:.*]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @broadcast_mul
// CHECK: linalg.generic {indexing_maps = [#[[$OUT]], #[[$RHS]], #[[$OUT]]]
// CHECK: arith.mulf
func.func @broadcast_mul(%a: tensor<2x3x4xf32>, %b: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  %0 = "mx.broadcast_mul"(%a, %b) : (tensor<2x3x4xf32>, tensor<1x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Scalar ops: the scalar is a constant of the output's dtype; _r* ops swap
// the operands.
// CHECK-LABEL: func.func @rminus_scalar
// CHECK: %[[C:.*]] = arith.constant 2.500000e+00 : f32
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: arith.subf %[[C]], %[[X]]
func.func @rminus_scalar(%x: tensor<6xf32>) -> tensor<6xf32> {
  %0 = "mx._rminus_scalar"(%x) {scalar = 2.5 : f64} : (tensor<6xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// Comparisons give 1 or 0 in the input's dtype.
// CHECK-LABEL: func.func @greater
// CHECK: arith.cmpf ogt
// CHECK: arith.uitofp {{.*}} : i1 to f32
func.func @greater(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "mx._greater"(%a, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Python's modulo: remf, then the divisor's sign, and 0 for a zero divisor.
// CHECK-LABEL: func.func @mod
// CHECK: arith.remf
// CHECK: arith.addf
// CHECK: arith.select
func.func @mod(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "mx._mod"(%a, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// add_n: one generic over every input.
// CHECK-LABEL: func.func @add_n
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-COUNT-2: arith.addf
func.func @add_n(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "mx.add_n"(%a, %b, %c) {num_args = 3 : i64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Cast from an unsigned dtype: carried as signless, converted unsigned.
// CHECK-LABEL: func.func @cast_u8
// CHECK: tensor.bitcast {{.*}} : tensor<4xui8> to tensor<4xi8>
// CHECK: arith.uitofp {{.*}} : i8 to f32
func.func @cast_u8(%x: tensor<4xui8>) -> tensor<4xf32> {
  %0 = "mx.Cast"(%x) {dtype = "float32"} : (tensor<4xui8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// prelu: gamma per channel (axis 1).
// CHECK-DAG: #[[$CHAN:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @prelu
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$CHAN]], #{{.*}}]
func.func @prelu(%x: tensor<2x3x4xf32>, %g: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %0 = "mx.LeakyReLU"(%x, %g) {act_type = "prelu"} : (tensor<2x3x4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}
