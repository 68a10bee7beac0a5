// RUN: mxc-opt %s --split-input-file --convert-mx-to-linalg | FileCheck %s

// Deconvolution (Convolution's data gradient): the data spread by the
// stride (a strided insert into zeros), padded by dilate * (k - 1) - pad,
// the weight's windows flipped and its channel axes exchanged, then the
// convolution's im2col + matmul with stride 1.
// CHECK-DAG: #[[$FLIP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, -d3 + 2, -d4 + 2)>
// CHECK-LABEL: func.func @deconvolution
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 4, 3, 3] [1, 1, 2, 2] : tensor<1x4x3x3xf32> into tensor<1x4x5x5xf32>
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[$FLIP]], #{{.*}}]
// CHECK-SAME: outs(%{{.*}} : tensor<1x2x4x3x3xf32>)
// CHECK: scf.for
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x36xf32>, tensor<36x25xf32>)
func.func @deconvolution(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x5x5xf32> {
  %0 = "mx.Deconvolution"(%x, %w) {kernel = array<i64: 3, 3>, num_filter = 2 : i64, pad = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// -----

// A padding larger than dilate * (kernel - 1) cuts the spread data.
// CHECK-LABEL: func.func @deconvolution_cut
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 1] [1, 1, 4] [1, 1, 1] : tensor<1x1x5xf32> to tensor<1x1x4xf32>
func.func @deconvolution_cut(%x: tensor<1x1x3xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  %0 = "mx.Deconvolution"(%x, %w) {kernel = array<i64: 2>, num_filter = 1 : i64, pad = array<i64: 2>, stride = array<i64: 2>, adj = array<i64: 1>} : (tensor<1x1x3xf32>, tensor<1x1x2xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
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
