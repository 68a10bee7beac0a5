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
