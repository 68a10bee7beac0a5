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
// The convolution generics the lowerings mark with a library_call
// (LowerConvCall.cpp) become a call to that routine, mxrt_kernel_conv2d or
// mxrt_kernel_deconv2d, with the shapes of their dense operands and the
// window of their kConvWindowAttr.
//
//===----------------------------------------------------------------------===//
#include "codegen/LibraryCallNames.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mxc::codegen {
#define GEN_PASS_DEF_MXCCPULIBRARYCALLS
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;

namespace {

constexpr StringLiteral kGemmSymbol = "mxrt_kernel_gemm";

/// A libmxrt declaration, added to the module once.
func::FuncOp getOrDeclare(ModuleOp module, StringRef name, ArrayRef<Type> params) {
  if (auto f = module.lookupSymbol<func::FuncOp>(name))
    return f;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto f = b.create<func::FuncOp>(module.getLoc(), name,
                                  FunctionType::get(module.getContext(), params, {}));
  f.setPrivate();
  return f;
}

func::FuncOp getOrDeclareGemm(ModuleOp module) {
  OpBuilder b(module.getContext());
  Type i32 = b.getI32Type(), i64 = b.getI64Type(), ptr = LLVM::LLVMPointerType::get(b.getContext());
  return getOrDeclare(
      module, kGemmSymbol,
      {i32, i32, i32, i64, i64, i64, i64, ptr, i64, i64, ptr, i64, i64, ptr, i64, i64});
}

/// The address of a memref's first element as an !llvm.ptr.
Value pointerOf(OpBuilder &b, Location loc, Value memref, Value offset) {
  auto type = cast<MemRefType>(memref.getType());
  Value base = b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, memref);
  int64_t elemBytes = type.getElementTypeBitWidth() / 8;
  Value byteOffset =
      b.create<arith::MulIOp>(loc, offset, b.create<arith::ConstantIndexOp>(loc, elemBytes));
  Value addr = b.create<arith::AddIOp>(loc, base, byteOffset);
  Value addr64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), addr);
  return b.create<LLVM::IntToPtrOp>(loc, LLVM::LLVMPointerType::get(b.getContext()), addr64);
}

/// The library's dtype code: 0 float32, 1 float64, -1 none.
int32_t dtypeOf(Type elem) { return elem.isF32() ? 0 : elem.isF64() ? 1 : -1; }

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
  Operand o;
  o.ptr = pointerOf(b, loc, memref, meta.getOffset());
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
  int32_t dtype = dtypeOf(elem);
  if (dtype < 0)
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

/// Whether the generic's body reads `buffer` (the convolution generics read
/// the data, and the transposed one the weight, through memref.load; an
/// input that some rewrite replaced would no longer be what they read).
bool bodyReads(linalg::GenericOp op, Value buffer) {
  bool found = false;
  op.getRegion().walk([&](memref::LoadOp load) { found |= load.getMemRef() == buffer; });
  return found;
}

/// A convolution generic (LowerConvCall.cpp) on dense memrefs -> the
/// libmxrt routine its library_call names, the window from its attribute.
LogicalResult rewriteConvolution(linalg::GenericOp op) {
  std::optional<StringRef> name = op.getLibraryCall();
  auto window = op->getAttrOfType<DenseI64ArrayAttr>(mxc::codegen::kConvWindowAttr);
  if (!name ||
      (*name != mxc::codegen::kConvolutionCall && *name != mxc::codegen::kDeconvolutionCall) ||
      !window || window.size() != 7 || op.getNumDpsInits() != 1 || op.getNumDpsInputs() < 2)
    return failure();
  bool transposed = *name == mxc::codegen::kDeconvolutionCall;
  Value x = op.getDpsInputOperand(0)->get(), w = op.getDpsInputOperand(1)->get(),
        y = op.getDpsInitOperand(0)->get();
  for (Value v : {x, w, y}) {
    auto t = dyn_cast<MemRefType>(v.getType());
    if (!t || !memref::isStaticShapeAndContiguousRowMajor(t) ||
        (t.getRank() != 3 && t.getRank() != 4))
      return failure();
  }
  if (!bodyReads(op, x) || (transposed && !bodyReads(op, w)))
    return failure();
  auto xt = cast<MemRefType>(x.getType()), wt = cast<MemRefType>(w.getType()),
       yt = cast<MemRefType>(y.getType());
  int32_t dtype = dtypeOf(yt.getElementType());
  if (dtype < 0 || xt.getElementType() != yt.getElementType() ||
      wt.getElementType() != yt.getElementType())
    return failure();
  // (N, C, H, W), a 1-D one as H = 1.
  auto spatial = [](MemRefType t) {
    ArrayRef<int64_t> s = t.getShape();
    return s.size() == 3 ? std::pair<int64_t, int64_t>{1, s[2]} : std::pair{s[2], s[3]};
  };
  auto [H, W] = spatial(xt);
  auto [KH, KW] = spatial(wt);
  auto [OH, OW] = spatial(yt);
  ArrayRef<int64_t> win = window.asArrayRef();
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto i64 = [&](int64_t v) -> Value { return b.create<arith::ConstantIntOp>(loc, v, 64); };
  SmallVector<Value> args{b.create<arith::ConstantIntOp>(loc, dtype, 32)};
  for (int64_t v : {xt.getDimSize(0), xt.getDimSize(1), H, W, yt.getDimSize(1), win[0], KH, KW, OH,
                    OW, win[1], win[2], win[3], win[4], win[5], win[6]})
    args.push_back(i64(v));
  for (Value v : {x, w, y})
    args.push_back(
        pointerOf(b, loc, v, b.create<memref::ExtractStridedMetadataOp>(loc, v).getOffset()));
  SmallVector<Type> types;
  for (Value a : args)
    types.push_back(a.getType());
  b.create<func::CallOp>(loc, getOrDeclare(op->getParentOfType<ModuleOp>(), *name, types), args);
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
    SmallVector<linalg::GenericOp> convolutions;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.getLibraryCall())
        convolutions.push_back(op);
    });
    for (linalg::GenericOp op : convolutions)
      (void)rewriteConvolution(op); // else: the generic's own loops
  }
};

} // namespace
