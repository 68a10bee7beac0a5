//===- Fallback.cpp - kernels that call the runtime's CPU kernel ----------===//
//
// The kernel of a fallback op is, in the LLVM dialect inside a func.func:
//
//   llvm.mlir.global internal constant @topk_descriptor("mxc-fallback 1\0Aop topk...\00")
//   func.func @topk(%in: memref<2x5xf32>, %out: memref<2x2xf32>) attributes {mx.kernel = ...} {
//     %args = llvm.alloca 2 x !llvm.ptr            // the arguments' data pointers
//     ... store (inttoptr (extract_aligned_pointer_as_index %in)) into %args[0], ...
//     call @mxrt_kernel_fallback(addressof @topk_descriptor, %args)
//   }
//
// so it goes through the same lowering to LLVM as every kernel and the
// object emitter marks it a library kernel (it calls mxrt_kernel_*).
//
//===----------------------------------------------------------------------===//
#include "codegen/Fallback.h"
#include "codegen/Lowering.h"
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "mxrt/op_registry.h"

using namespace mlir;
using namespace mxc::codegen;

bool mxc::codegen::isFallbackOp(Operation *op) {
  const mxrt::OpSpec *spec = mlir::mx::lookupOpSpec(op->getName());
  return spec && mxrt::opImpl(*spec).cpu &&
         !hasLowering(op->getContext(), op->getName().getStringRef());
}

namespace {

/// "<dtype code> <d0,d1,...>" of a static tensor type.
std::string describeArray(Type type) {
  auto t = cast<RankedTensorType>(type);
  std::string s = std::to_string(int(mlir::mx::getDType(t.getElementType()))) + " ";
  for (auto [i, d] : llvm::enumerate(t.getShape()))
    s += (i ? "," : "") + std::to_string(d);
  return s;
}

} // namespace

FailureOr<std::string> mxc::codegen::fallbackDescriptor(Operation *op, ArrayRef<unsigned> mutated,
                                                        bool usesRng) {
  std::string node = mlir::mx::getNodeName(op);
  const mxrt::OpSpec &spec = mlir::mx::getOpSpec(op);
  auto fail = [&](const Twine &why) {
    return op->emitError() << "cannot compile op '" << spec.name << "'"
                           << (node.empty() ? std::string() : " (node '" + node + "')")
                           << " through the runtime's CPU kernel: " << why;
  };
  FailureOr<mxrt::Attrs> attrs = mlir::mx::getRuntimeAttrs(op);
  if (failed(attrs))
    return failure(); // getRuntimeAttrs said why
  // The runtime's inference on the compiled input types must give the
  // compiled result types, or the kernel would write past its outputs.
  std::vector<mxrt::TShape> inShapes, outShapes;
  std::vector<mxrt::DType> inTypes, outTypes;
  for (Type t : op->getOperandTypes()) {
    inShapes.push_back(mlir::mx::getTShape(t));
    inTypes.push_back(mlir::mx::getDType(cast<RankedTensorType>(t).getElementType()));
  }
  try {
    mxrt::inferOutputs(*attrs, inShapes, inTypes, outShapes, outTypes, node);
  } catch (const mxrt::Error &e) {
    return fail(e.what());
  }
  if (outShapes.size() != op->getNumResults())
    return fail("the runtime infers " + Twine(outShapes.size()) + " outputs, the op has " +
                Twine(op->getNumResults()));
  for (auto [i, t] : llvm::enumerate(op->getResultTypes())) {
    mxrt::TShape shape = mlir::mx::getTShape(t);
    mxrt::DType dtype = mlir::mx::getDType(cast<RankedTensorType>(t).getElementType());
    if (!(outShapes[i] == shape) || outTypes[i] != dtype)
      return fail("output " + Twine(i) + " is " + outShapes[i].str() + " " +
                  mxrt::dtypeName(outTypes[i]) + " by the runtime's inference, " + shape.str() +
                  " " + mxrt::dtypeName(dtype) + " here");
  }

  std::string d = "mxc-fallback 1\nop " + std::string(spec.name) + "\nnode " + node + "\ntrain " +
                  (op->hasAttr(kTrainAttr) ? "1" : "0") + "\n";
  for (const auto &[key, value] : attrs->explicitStrings()) {
    if (mlir::mx::isHiddenAttrName(key))
      continue;
    if (value.find('\n') != std::string::npos)
      return fail("attribute '" + key + "' holds a line break");
    d += "attr " + key + "=" + value + "\n";
  }
  for (Type t : op->getOperandTypes())
    d += "in " + describeArray(t) + "\n";
  for (Type t : op->getResultTypes())
    d += "out " + describeArray(t) + "\n";
  for (unsigned m : mutated)
    d += "mutate " + std::to_string(m) + "\n";
  if (usesRng)
    d += "rng\n";
  return d;
}

void mxc::codegen::fillFallbackKernel(ModuleOp module, func::FuncOp func, StringRef descriptor,
                                      StringRef globalName) {
  MLIRContext *ctx = func.getContext();
  Location loc = func.getLoc();
  Type ptr = LLVM::LLVMPointerType::get(ctx);

  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  std::string text = descriptor.str();
  text.push_back('\0');
  mb.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(mb.getI8Type(), text.size()),
                            /*isConstant=*/true, LLVM::Linkage::Internal, globalName,
                            mb.getStringAttr(text));
  func::FuncOp callee = module.lookupSymbol<func::FuncOp>(kFallbackSymbol);
  if (!callee) {
    OpBuilder db = OpBuilder::atBlockBegin(module.getBody());
    callee = db.create<func::FuncOp>(loc, kFallbackSymbol, FunctionType::get(ctx, {ptr, ptr}, {}));
    callee.setPrivate();
  }

  Block *entry = func.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockBegin(entry);
  unsigned n = func.getNumArguments();
  Value count = b.create<LLVM::ConstantOp>(loc, b.getI64Type(), b.getI64IntegerAttr(n));
  Value args = b.create<LLVM::AllocaOp>(loc, ptr, ptr, count);
  for (BlockArgument arg : func.getArguments()) {
    Value index = b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, arg);
    Value address = b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
    Value p = b.create<LLVM::IntToPtrOp>(loc, ptr, address);
    Value slot = b.create<LLVM::GEPOp>(loc, ptr, ptr, args,
                                       ArrayRef<LLVM::GEPArg>{int32_t(arg.getArgNumber())});
    b.create<LLVM::StoreOp>(loc, p, slot);
  }
  Value desc = b.create<LLVM::AddressOfOp>(loc, ptr, globalName);
  b.create<func::CallOp>(loc, callee, ValueRange{desc, args});
  b.create<func::ReturnOp>(loc);
}
