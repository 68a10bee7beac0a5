// RUN: mxc-opt %s --split-input-file --convert-mx-to-linalg | FileCheck %s

// FullyConnected: data flattened to 2-D, the bias broadcast into the
// accumulator, one linalg.matmul_transpose_b (weight is (num_hidden, K)).
// CHECK-LABEL: func.func @fully_connected
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x12xf32>
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<5xf32>) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: linalg.matmul_transpose_b ins(%{{.*}}, %{{.*}} : tensor<2x12xf32>, tensor<5x12xf32>) outs(%[[BIAS]] : tensor<2x5xf32>)
func.func @fully_connected(%x: tensor<2x3x4xf32>, %w: tensor<5x12xf32>, %b: tensor<5xf32>) -> tensor<2x5xf32> {
  %0 = "mx.FullyConnected"(%x, %w, %b) {num_hidden = 5 : i64} : (tensor<2x3x4xf32>, tensor<5x12xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// dot with transpose_a: linalg.matmul_transpose_a, no copy of the operand.
// CHECK-LABEL: func.func @dot_ta
// CHECK: linalg.matmul_transpose_a ins(%{{.*}}, %{{.*}} : tensor<5x4xf32>, tensor<5x3xf32>)
func.func @dot_ta(%a: tensor<5x4xf32>, %b: tensor<5x3xf32>) -> tensor<4x3xf32> {
  %0 = "mx.dot"(%a, %b) {transpose_a = true} : (tensor<5x4xf32>, tensor<5x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Convolution, float32 over two spatial dims: one generic computing it
// directly (the data read at o * stride - pad + k * dilate, zero outside),
// marked for libmxrt's mxrt_kernel_conv2d with its window (groups, stride,
// pad, dilate), accumulating onto the broadcast bias.
// CHECK-DAG: #[[$ZERO:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (0, 0, 0, 0)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
// CHECK-LABEL: func.func @convolution
// CHECK-NOT: tensor.pad
// CHECK: %[[BIAS:.*]] = linalg.generic
// CHECK: linalg.generic {indexing_maps = [#[[$ZERO]], #[[$W]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "mxrt_kernel_conv2d"} ins(%arg0, %arg1 : tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) outs(%[[BIAS]] : tensor<1x8x4x4xf32>) attrs = {mxc.conv_window = array<i64: 1, 2, 2, 1, 1, 1, 1>}
// CHECK: tensor.extract %arg0
// CHECK: arith.select
func.func @convolution(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = "mx.Convolution"(%x, %w, %b) {kernel = array<i64: 3, 3>, num_filter = 8 : i64, pad = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// A 1-D window is a 2-D one of height 1 to the library (unit stride and
// dilation, no padding along the height).
// CHECK-LABEL: func.func @convolution_1d
// CHECK: library_call = "mxrt_kernel_conv2d"
// CHECK-SAME: mxc.conv_window = array<i64: 2, 1, 3, 0, 1, 1, 2>
func.func @convolution_1d(%x: tensor<2x4x9xf32>, %w: tensor<6x2x3xf32>) -> tensor<2x6x3xf32> {
  %0 = "mx.Convolution"(%x, %w) {kernel = array<i64: 3>, num_filter = 6 : i64, num_group = 2 : i64, stride = array<i64: 3>, pad = array<i64: 1>, dilate = array<i64: 2>, no_bias = true} : (tensor<2x4x9xf32>, tensor<6x2x3xf32>) -> tensor<2x6x3xf32>
  return %0 : tensor<2x6x3xf32>
}

// -----

// Other dtypes (and 3-D windows): zero padding, the im2col gather (input
// index o * stride + k * dilate), then one matmul per image and group
// inside scf.for loops, accumulating onto the broadcast bias.
// CHECK-DAG: #[[$IM2COL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-LABEL: func.func @convolution_f16
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[$IM2COL]], #{{.*}}]
// CHECK-SAME: outs(%{{.*}} : tensor<1x3x3x3x4x4xf16>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x27xf16>, tensor<27x16xf16>) outs(%{{.*}} : tensor<8x16xf16>)
// CHECK: tensor.insert_slice
func.func @convolution_f16(%x: tensor<1x3x8x8xf16>, %w: tensor<8x3x3x3xf16>, %b: tensor<8xf16>) -> tensor<1x8x4x4xf16> {
  %0 = "mx.Convolution"(%x, %w, %b) {kernel = array<i64: 3, 3>, num_filter = 8 : i64, pad = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x3x8x8xf16>, tensor<8x3x3x3xf16>, tensor<8xf16>) -> tensor<1x8x4x4xf16>
  return %0 : tensor<1x8x4x4xf16>
}

// -----

// A 1x1 convolution reads its input as the column matrix: no im2col.
// CHECK-LABEL: func.func @convolution_1x1
// CHECK-NOT: tensor.pad
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x4xf16>, tensor<4x25xf16>)
func.func @convolution_1x1(%x: tensor<2x4x5x5xf16>, %w: tensor<6x4x1x1xf16>) -> tensor<2x6x5x5xf16> {
  %0 = "mx.Convolution"(%x, %w) {kernel = array<i64: 1, 1>, num_filter = 6 : i64, no_bias = true} : (tensor<2x4x5x5xf16>, tensor<6x4x1x1xf16>) -> tensor<2x6x5x5xf16>
  return %0 : tensor<2x6x5x5xf16>
}

// -----

// Max pooling: padding with -inf, a window operand giving the kernel
// extents, reduction loops over it.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[$WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-LABEL: func.func @max_pool
// CHECK: tensor.pad
// CHECK: tensor.yield %cst
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$WIN]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.maximumf
func.func @max_pool(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "mx.Pooling"(%x) {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, pad = array<i64: 1, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Average pooling divides by MXNet's window size per output position,
// computed from linalg.index.
// CHECK-LABEL: func.func @avg_pool
// CHECK: arith.addf
// CHECK: linalg.index 2
// CHECK: linalg.index 3
// CHECK: arith.divf
func.func @avg_pool(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "mx.Pooling"(%x) {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, pad = array<i64: 1, 1>, pool_type = "avg"} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Embedding: a gather with clipped indices.
// CHECK-LABEL: func.func @embedding
// CHECK: arith.fptosi
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<6x4xf32>
func.func @embedding(%i: tensor<2x3xf32>, %w: tensor<6x4xf32>) -> tensor<2x3x4xf32> {
  %0 = "mx.Embedding"(%i, %w) {input_dim = 6 : i64, output_dim = 4 : i64} : (tensor<2x3xf32>, tensor<6x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// one_hot: the index (truncated to an integer) compared with the position
// along the new last axis; out-of-range indices give a row of off_value.
// CHECK-LABEL: func.func @one_hot
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<3xf32>) outs(%{{.*}} : tensor<3x5xf32>)
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: linalg.index 1
// CHECK: arith.cmpi eq
// CHECK: arith.select
func.func @one_hot(%i: tensor<3xf32>) -> tensor<3x5xf32> {
  %0 = "mx.one_hot"(%i) {depth = 5 : i64} : (tensor<3xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}
