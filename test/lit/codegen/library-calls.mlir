// RUN: mxc-opt %s --split-input-file --mxc-cpu-library-calls | FileCheck %s

// A matrix product on memrefs becomes one call to libmxrt's GEMM: pointers
// are aligned pointer + offset, leading dimensions the row strides.
// CHECK-LABEL: func.func private @mxrt_kernel_gemm(i32, i32, i32, i64, i64, i64, i64, !llvm.ptr, i64, i64, !llvm.ptr, i64, i64, !llvm.ptr, i64, i64)
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.matmul
// CHECK: memref.extract_aligned_pointer_as_index %arg0
// CHECK: llvm.inttoptr
// CHECK: call @mxrt_kernel_gemm(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
func.func @matmul(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}

// -----

// Transposed B (FullyConnected's weight) sets transB; views (a slice of an
// im2col matrix) pass their strides.
// CHECK-LABEL: func.func @matmul_transpose_b_view
// CHECK: %[[V:.*]] = memref.subview %arg1
// CHECK: %{{.*}}, %[[OFF:.*]], %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[V]]
// CHECK: arith.muli %[[OFF]], %c4
// CHECK: %[[LDB:.*]] = arith.index_cast %[[STRIDES]]#0 : index to i64
// CHECK: call @mxrt_kernel_gemm(%c0_i32, %c0_i32_{{[0-9]+}}, %c1_i32, %c1_i64, %c2_i64, %c5_i64, %c12_i64, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[LDB]],
func.func @matmul_transpose_b_view(%a: memref<2x12xf32>, %w: memref<5x24xf32>, %c: memref<2x5xf32>) {
  %v = memref.subview %w[0, 12] [5, 12] [1, 1] : memref<5x24xf32> to memref<5x12xf32, strided<[24, 1], offset: 12>>
  linalg.matmul_transpose_b ins(%a, %v : memref<2x12xf32>, memref<5x12xf32, strided<[24, 1], offset: 12>>) outs(%c : memref<2x5xf32>)
  return
}

// -----

// Rows that are not contiguous stay for the generated path.
// CHECK-LABEL: func.func @strided_columns
// CHECK: linalg.matmul
// CHECK-NOT: call @mxrt_kernel_gemm
func.func @strided_columns(%a: memref<4x4xf32, strided<[1, 4]>>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul ins(%a, %b : memref<4x4xf32, strided<[1, 4]>>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// -----

// A convolution generic marked for libmxrt (LowerConvCall.cpp) becomes the
// call its library_call names: dtype, N, C, H, W, F, groups, KH, KW, OH,
// OW, then the window attribute's stride, pad and dilation, then the
// data, weight and output pointers.
// CHECK-LABEL: func.func private @mxrt_kernel_conv2d(i32, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-LABEL: func.func @convolution
// CHECK-NOT: linalg.generic
// CHECK: call @mxrt_kernel_conv2d(%c0_i32, %c2_i64, %c3_i64, %c6_i64, %c7_i64, %c4_i64, %c1_i64, %c3_i64{{.*}}, %c2_i64{{.*}}, %c2_i64{{.*}}, %c3_i64{{.*}}, %c2_i64{{.*}}, %c2_i64{{.*}}, %c0_i64, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
#zero = affine_map<(n, f, a, b, c, i, j) -> (0, 0, 0, 0)>
#w = affine_map<(n, f, a, b, c, i, j) -> (f, c, i, j)>
#out = affine_map<(n, f, a, b, c, i, j) -> (n, f, a, b)>
func.func @convolution(%x: memref<2x3x6x7xf32>, %w: memref<4x3x3x2xf32>, %y: memref<2x4x2x3xf32>) {
  %c0 = arith.constant 0 : index
  linalg.generic {indexing_maps = [#zero, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "mxrt_kernel_conv2d"} ins(%x, %w : memref<2x3x6x7xf32>, memref<4x3x3x2xf32>) outs(%y : memref<2x4x2x3xf32>) attrs = {mxc.conv_window = array<i64: 1, 2, 2, 0, 1, 1, 1>} {
  ^bb0(%in: f32, %wv: f32, %acc: f32):
    %v = memref.load %x[%c0, %c0, %c0, %c0] : memref<2x3x6x7xf32>
    %p = arith.mulf %v, %wv : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An output that is not dense (a strided view) keeps the generic.
// CHECK-LABEL: func.func @convolution_strided_output
// CHECK: linalg.generic
// CHECK-NOT: call @mxrt_kernel_conv2d
#zero = affine_map<(n, f, a, b, c, i, j) -> (0, 0, 0, 0)>
#w = affine_map<(n, f, a, b, c, i, j) -> (f, c, i, j)>
#out = affine_map<(n, f, a, b, c, i, j) -> (n, f, a, b)>
func.func @convolution_strided_output(%x: memref<1x1x3x3xf32>, %w: memref<1x1x2x2xf32>, %y: memref<1x1x2x2xf32, strided<[8, 8, 4, 2]>>) {
  %c0 = arith.constant 0 : index
  linalg.generic {indexing_maps = [#zero, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "mxrt_kernel_conv2d"} ins(%x, %w : memref<1x1x3x3xf32>, memref<1x1x2x2xf32>) outs(%y : memref<1x1x2x2xf32, strided<[8, 8, 4, 2]>>) attrs = {mxc.conv_window = array<i64: 1, 1, 1, 0, 0, 1, 1>} {
  ^bb0(%in: f32, %wv: f32, %acc: f32):
    %v = memref.load %x[%c0, %c0, %c0, %c0] : memref<1x1x3x3xf32>
    %p = arith.mulf %v, %wv : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
