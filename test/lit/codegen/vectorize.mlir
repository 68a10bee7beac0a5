// RUN: mxc-opt %s --mxc-cpu-vectorize="tile-m=8 tile-n=32 tile-k=8" --canonicalize | FileCheck %s

// The generated GEMM path: tiles of 8x32x8, vectorized with masks, the
// contraction lowered to outer products (FMAs on 32-wide rows once in LLVM).
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.matmul
// CHECK: scf.for
// CHECK-COUNT-8: vector.outerproduct {{.*}} : vector<8xf32>, vector<32xf32>
func.func @matmul(%a: memref<64x128xf32>, %b: memref<128x64xf32>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x64xf32>) outs(%c : memref<64x64xf32>)
  return
}
