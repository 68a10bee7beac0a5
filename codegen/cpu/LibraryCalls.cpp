//===- LibraryCalls.cpp - the mxc-cpu-library-calls pass ------------------===//
//
// Matrix products on memrefs become one call to libmxrt's
//
//   void mxrt_kernel_gemm(int32 dtype, int32 transA, int32 transB,
//                         int64 batch, int64 M, int64 N, int64 K,
//                         ptr A, int64 lda, int64 strideA,
//                         ptr B, int64 ldb, int64 strideB,
//                         ptr C, int64 ldc, int64 strideC)   // C += op(A) op(B)
//
// (runtime/include/mxrt/module_abi.h), which runs OpenBLAS split over the
// engine's CPU workers. Pointers are the memref's aligned pointer plus its
// offset; leading dimensions and batch strides are its strides, so views
// (a slice of the im2col matrix, one image of a batch) need no copy. An
// operand whose rows are not contiguous stays a linalg op for the generated
// path.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mxc::codegen {
#define GEN_PASS_DEF_MXCCPULIBRARYCALLS
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;

namespace {

constexpr StringLiteral kGemmSymbol = "mxrt_kernel_gemm";

/// The libmxrt declaration, added to the module once.
func::FuncOp getOrDeclareGemm(ModuleOp module) {
  if (auto f = module.lookupSymbol<func::FuncOp>(kGemmSymbol))
    return f;
  MLIRContext *ctx = module.getContext();
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type i32 = b.getI32Type(), i64 = b.getI64Type(), ptr = LLVM::LLVMPointerType::get(ctx);
  auto type = FunctionType::get(
      ctx, {i32, i32, i32, i64, i64, i64, i64, ptr, i64, i64, ptr, i64, i64, ptr, i64, i64}, {});
  auto f = b.create<func::FuncOp>(module.getLoc(), kGemmSymbol, type);
  f.setPrivate();
  return f;
}

/// One operand as the library sees it: a pointer, the leading dimension
/// (stride of the row axis) and the batch stride.
struct Operand {
  Value ptr, ld, batchStride;
};

/// Fails unless the last axis is contiguous.
FailureOr<Operand> describe(OpBuilder &b, Location loc, Value memref, bool batched) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(type, strides, offset)) || strides.back() != 1)
    return failure();
  auto meta = b.create<memref::ExtractStridedMetadataOp>(loc, memref);
  Value base = b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, memref);
  int64_t elemBytes = type.getElementTypeBitWidth() / 8;
  Value byteOffset = b.create<arith::MulIOp>(loc, meta.getOffset(),
                                             b.create<arith::ConstantIndexOp>(loc, elemBytes));
  Value addr = b.create<arith::AddIOp>(loc, base, byteOffset);
  Value addr64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), addr);
  Operand o;
  o.ptr = b.create<LLVM::IntToPtrOp>(loc, LLVM::LLVMPointerType::get(b.getContext()), addr64);
  auto i64 = [&](Value v) { return b.create<arith::IndexCastOp>(loc, b.getI64Type(), v); };
  unsigned rows = batched ? 1 : 0;
  o.ld = i64(meta.getStrides()[rows]);
  o.batchStride = batched ? Value(i64(meta.getStrides()[0]))
                          : Value(b.create<arith::ConstantIntOp>(loc, 0, 64));
  return o;
}

/// Rewrites one matrix product; transA/transB say how A and B are stored.
LogicalResult rewriteProduct(linalg::LinalgOp op, bool transA, bool transB, bool batched) {
  Value A = op.getDpsInputOperand(0)->get(), B = op.getDpsInputOperand(1)->get();
  Value C = op.getDpsInitOperand(0)->get();
  auto ct = dyn_cast<MemRefType>(C.getType());
  if (!ct || !isa<MemRefType>(A.getType()) || !isa<MemRefType>(B.getType()) || !ct.hasStaticShape())
    return failure();
  Type elem = ct.getElementType();
  int32_t dtype;
  if (elem.isF32())
    dtype = 0;
  else if (elem.isF64())
    dtype = 1;
  else
    return failure();
  if (cast<MemRefType>(A.getType()).getElementType() != elem ||
      cast<MemRefType>(B.getType()).getElementType() != elem)
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  FailureOr<Operand> a = describe(b, loc, A, batched), bo = describe(b, loc, B, batched),
                     c = describe(b, loc, C, batched);
  if (failed(a) || failed(bo) || failed(c))
    return failure();
  auto ashape = cast<MemRefType>(A.getType()).getShape();
  unsigned r = batched ? 1 : 0;
  int64_t batch = batched ? ct.getDimSize(0) : 1;
  int64_t M = ct.getDimSize(r), N = ct.getDimSize(r + 1);
  int64_t K = transA ? ashape[r] : ashape[r + 1];
  auto i32 = [&](int64_t v) { return b.create<arith::ConstantIntOp>(loc, v, 32).getResult(); };
  auto i64 = [&](int64_t v) { return b.create<arith::ConstantIntOp>(loc, v, 64).getResult(); };
  func::FuncOp gemm = getOrDeclareGemm(op->getParentOfType<ModuleOp>());
  b.create<func::CallOp>(loc, gemm,
                         ValueRange{i32(dtype), i32(transA), i32(transB), i64(batch), i64(M),
                                    i64(N), i64(K), a->ptr, a->ld, a->batchStride, bo->ptr, bo->ld,
                                    bo->batchStride, c->ptr, c->ld, c->batchStride});
  op->erase();
  return success();
}

struct LibraryCallsPass : mxc::codegen::impl::MxcCpuLibraryCallsBase<LibraryCallsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> products;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::MatmulOp, linalg::MatmulTransposeAOp, linalg::MatmulTransposeBOp,
              linalg::BatchMatmulOp, linalg::BatchMatmulTransposeAOp,
              linalg::BatchMatmulTransposeBOp>(op))
        products.push_back(op);
    });
    for (Operation *op : products) {
      auto l = cast<linalg::LinalgOp>(op);
      bool batched = isa<linalg::BatchMatmulOp, linalg::BatchMatmulTransposeAOp,
                         linalg::BatchMatmulTransposeBOp>(op);
      bool ta = isa<linalg::MatmulTransposeAOp, linalg::BatchMatmulTransposeAOp>(op);
      bool tb = isa<linalg::MatmulTransposeBOp, linalg::BatchMatmulTransposeBOp>(op);
      (void)rewriteProduct(l, ta, tb, batched); // else: generated code
    }
  }
};

} // namespace
