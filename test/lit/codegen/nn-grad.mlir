// RUN: mxc-opt %s --split-input-file --convert-mx-to-linalg | FileCheck %s

// Deconvolution (Convolution's data gradient), float32 over one or two
// spatial dims: one generic marked for libmxrt's mxrt_kernel_deconv2d; the
// data and weight are read at computed positions (the input i with i *
// stride - pad + k * dilate = o, where it divides), a window operand gives
// the (channel, tap) extents.
// CHECK-LABEL: func.func @deconvolution_call
// CHECK: linalg.generic {{.*}} library_call = "mxrt_kernel_deconv2d"} ins(%arg0, %arg1, %{{.*}} : tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>, tensor<4x3x3xf32>) outs(%{{.*}} : tensor<1x2x5x5xf32>) attrs = {mxc.conv_window = array<i64: 1, 2, 2, 1, 1, 1, 1>}
// CHECK: arith.remui
// CHECK: tensor.extract %arg0
// CHECK: tensor.extract %arg1
func.func @deconvolution_call(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x5x5xf32> {
  %0 = "mx.Deconvolution"(%x, %w) {kernel = array<i64: 3, 3>, num_filter = 2 : i64, pad = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// -----

// Other dtypes: one matmul per image and
// group, weight^T times the data (the columns, 18 = 2 filters x 3x3
// window, by 9 inputs), then col2im as a gather: each output sums, over the
// window (reduction loops), the column whose input position
// (x + pad - k * dilate) / stride divides and lies inside the data.
// CHECK-LABEL: func.func @deconvolution
// CHECK: scf.for
// CHECK: linalg.matmul_transpose_a ins(%{{.*}}, %{{.*}} : tensor<4x18xf16>, tensor<4x9xf16>) outs(%{{.*}} : tensor<18x9xf16>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<3x3xf16>) outs(%{{.*}} : tensor<1x2x5x5xf16>)
// CHECK: arith.divui
// CHECK: arith.remui
// CHECK: tensor.extract %{{.*}} : tensor<1x2x3x3x3x3xf16>
// CHECK: arith.select
func.func @deconvolution(%x: tensor<1x4x3x3xf16>, %w: tensor<4x2x3x3xf16>) -> tensor<1x2x5x5xf16> {
  %0 = "mx.Deconvolution"(%x, %w) {kernel = array<i64: 3, 3>, num_filter = 2 : i64, pad = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x4x3x3xf16>, tensor<4x2x3x3xf16>) -> tensor<1x2x5x5xf16>
  return %0 : tensor<1x2x5x5xf16>
}

// -----

// Unit stride: no divisibility test; groups: one matmul per group.
// CHECK-LABEL: func.func @deconvolution_groups
// CHECK: linalg.matmul_transpose_a ins(%{{.*}}, %{{.*}} : tensor<2x6xf16>, tensor<2x3xf16>)
// CHECK: linalg.generic
// CHECK-NOT: arith.remui
// CHECK: linalg.yield
func.func @deconvolution_groups(%x: tensor<1x4x3xf16>, %w: tensor<4x3x2xf16>) -> tensor<1x6x4xf16> {
  %0 = "mx.Deconvolution"(%x, %w) {kernel = array<i64: 2>, num_filter = 6 : i64, num_group = 2 : i64} : (tensor<1x4x3xf16>, tensor<4x3x2xf16>) -> tensor<1x6x4xf16>
  return %0 : tensor<1x6x4xf16>
}

// -----

// Max pooling's gradient: loops over the outputs (n, c, oh, ow) carrying
// the gradient, a search of the window for the first element equal to the
// output, and dy added there.
// CHECK-LABEL: func.func @backward_max_pool
// CHECK: linalg.fill
// CHECK-COUNT-4: scf.for
// CHECK: tensor.extract %{{.*}} : tensor<1x2x2x2xf32>
// CHECK: scf.for {{.*}} -> (i1, index, index)
// CHECK: arith.cmpf oeq
// CHECK: scf.if
// CHECK: arith.addf
// CHECK: tensor.insert
func.func @backward_max_pool(%dy: tensor<1x2x2x2xf32>, %x: tensor<1x2x4x4xf32>, %y: tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "mx._backward_Pooling"(%dy, %x, %y) {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pool_type = "max"} : (tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Average pooling's gradient: dy divided by the forward's divisor (the
// window clipped to the padded extent), added over the clipped window.
// CHECK-LABEL: func.func @backward_avg_pool
// CHECK: arith.sitofp
// CHECK: arith.divf
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: tensor.insert
// CHECK-NOT: scf.if
func.func @backward_avg_pool(%dy: tensor<1x1x3x3xf32>, %x: tensor<1x1x5x5xf32>, %y: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  %0 = "mx._backward_Pooling"(%dy, %x, %y) {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, pad = array<i64: 1, 1>, pool_type = "avg"} : (tensor<1x1x3x3xf32>, tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}
