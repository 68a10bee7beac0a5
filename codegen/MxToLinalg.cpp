//===- MxToLinalg.cpp - the convert-mx-to-linalg pass ---------------------===//
//
// Thin glue over the lowering patterns (codegen/Lower*.cpp): apply them
// greedily to each function; a single-op kernel whose lowering declined
// the configuration runs the runtime's CPU kernel instead (Fallback.h);
// then report every mx op left, naming op and node, with the reason a
// pattern gave when it declined. Also the small queries the
// outliner asks (is there a lowering for this op? does it depend on the
// training mode? which kernel argument receives a mutated input?).
//
//===----------------------------------------------------------------------===//
#include "codegen/Fallback.h"
#include "codegen/Lowering.h"
#include "codegen/ManifestAttr.h"
#include "codegen/Passes.h"
#include "mx/MxBridge.h"
#include "mx/MxOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/StringSet.h"

#include "mxrt/op_registry.h"

#include <mutex>

namespace mxc::codegen {
#define GEN_PASS_DEF_MXCONVERTTOLINALG
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;
using namespace mxc::codegen;

void mxc::codegen::populateMxToLinalgPatterns(RewritePatternSet &patterns,
                                              std::shared_ptr<UnsupportedReasons> reasons) {
  populateElementwiseLowerings(patterns, reasons);
  populateNNLowerings(patterns, reasons);
  populateNNGradLowerings(patterns, reasons);
  populateNormLowerings(patterns, reasons);
  populateShapeLowerings(patterns, reasons);
}

bool mxc::codegen::hasLowering(MLIRContext *ctx, StringRef opName) {
  // The set of root ops, computed once per context.
  static llvm::DenseMap<MLIRContext *, llvm::StringSet<>> cache;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(ctx);
  if (it == cache.end()) {
    RewritePatternSet patterns(ctx);
    populateMxToLinalgPatterns(patterns, nullptr);
    llvm::StringSet<> names;
    for (const std::unique_ptr<RewritePattern> &p : patterns.getNativePatterns())
      if (std::optional<OperationName> root = p->getRootKind())
        names.insert(root->getStringRef());
    it = cache.try_emplace(ctx, std::move(names)).first;
  }
  return it->second.contains(opName);
}

bool mxc::codegen::dependsOnTraining(Operation *op) {
  if (isa<mlir::mx::BatchNormOp, mlir::mx::DropoutOp>(op))
    return true;
  if (auto leaky = dyn_cast<mlir::mx::LeakyReLUOp>(op))
    return leaky.getActType() == "rrelu";
  return false;
}

Value mxc::codegen::getMutatedBuffer(Operation *op, unsigned operand) {
  auto toTensor = op->getOperand(operand).getDefiningOp<bufferization::ToTensorOp>();
  auto func = op->getParentOfType<func::FuncOp>();
  if (!toTensor || !func)
    return nullptr;
  auto readArg = dyn_cast<BlockArgument>(toTensor.getMemref());
  if (!readArg)
    return nullptr;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto m = func.getArgAttrOfType<IntegerAttr>(i, kMutatesAttr))
      if (m.getInt() == int64_t(readArg.getArgNumber()))
        return func.getArgument(i);
  return nullptr;
}

Value mxc::codegen::getRngBuffer(Operation *op) {
  auto func = op->getParentOfType<func::FuncOp>();
  if (!func)
    return nullptr;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, kRngAttr))
      return func.getArgument(i);
  return nullptr;
}

namespace {

/// If `op`, left in the kernel function `func` of which it is the only mx
/// op because its lowering declined, has a runtime CPU kernel that the
/// kernel's arguments can feed, turns `func` into a fallback kernel and
/// returns true (the caller flags it in the manifest). Fails when the
/// runtime's inference disagrees (said).
FailureOr<bool> fallBackDeclined(ModuleOp module, func::FuncOp func, Operation *op) {
  auto kernel = func->getAttrOfType<DictionaryAttr>(kKernelAttr);
  const mxrt::OpSpec *spec = mlir::mx::lookupOpSpec(op->getName());
  if (!kernel || kernel.get("fallback") || !spec || !mxrt::opImpl(*spec).cpu)
    return false;
  // The outliner gave the kernel its arguments for the lowering: the same
  // layout as a fallback's (inputs, outputs, mutated inputs, rng), provided
  // the runtime kernel needs no array the lowering did not.
  SmallVector<unsigned> mutated;
  bool hasRng = false;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    if (auto m = func.getArgAttrOfType<IntegerAttr>(i, kMutatesAttr))
      mutated.push_back(unsigned(m.getInt()));
    hasRng |= bool(func.getArgAttr(i, kRngAttr));
  }
  size_t mutates = llvm::count_if(spec->mutateInputs,
                                  [&](int m) { return unsigned(m) < op->getNumOperands(); });
  // (Random draws happen in training mode only.)
  bool draws = mxrt::opImpl(*spec).usesRandom && op->hasAttr(kTrainAttr);
  if ((draws && !hasRng) || (mutates && mutated.size() != mutates))
    return false;
  FailureOr<std::string> descriptor = fallbackDescriptor(op, mutated, hasRng);
  if (failed(descriptor))
    return failure();
  func.getBody().dropAllReferences();
  func.getBody().getBlocks().clear();
  fillFallbackKernel(module, func, *descriptor, (func.getSymName() + "_descriptor").str());
  NamedAttrList attrs(kernel);
  attrs.set("fallback", UnitAttr::get(func.getContext()));
  func->setAttr(kKernelAttr, attrs.getDictionary(func.getContext()));
  return true;
}

/// Flags the kernels `symbols` MXC_KERNEL_FALLBACK in the module's
/// manifest, as kernels outlined as fallbacks are.
LogicalResult flagFallbacks(ModuleOp module, const llvm::StringSet<> &symbols) {
  Attribute m = module->getAttr(kManifestAttr);
  if (!m || symbols.empty())
    return success();
  std::string error;
  FailureOr<Manifest> manifest = manifestFromAttr(m, error);
  if (failed(manifest))
    return module.emitError("the module's manifest does not parse: ") << error;
  for (auto &kernels : manifest->entries)
    for (ManifestKernel &k : kernels)
      if (symbols.contains(k.symbol))
        k.flags |= MXC_KERNEL_FALLBACK;
  module->setAttr(kManifestAttr, manifestToAttr(module.getContext(), *manifest));
  return success();
}

struct ConvertToLinalgPass : mxc::codegen::impl::MxConvertToLinalgBase<ConvertToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool failedAny = false;
    llvm::StringSet<> fallbacks;
    for (func::FuncOp func : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      if (func.isExternal())
        continue;
      auto reasons = std::make_shared<UnsupportedReasons>();
      RewritePatternSet patterns(&getContext());
      populateMxToLinalgPatterns(patterns, reasons);
      GreedyRewriteConfig config;
      config.useTopDownTraversal = true;
      (void)applyPatternsAndFoldGreedily(func, std::move(patterns), config);
      SmallVector<Operation *> left;
      func.walk([&](Operation *op) {
        if (isa<mlir::mx::MxDialect>(op->getDialect()))
          left.push_back(op);
      });
      if (left.size() == 1 && reasons->count(left[0])) {
        FailureOr<bool> replaced = fallBackDeclined(module, func, left[0]);
        if (failed(replaced)) {
          failedAny = true;
          continue;
        }
        if (*replaced) {
          fallbacks.insert(func.getSymName());
          continue;
        }
      }
      for (Operation *op : left) {
        std::string node = mlir::mx::getNodeName(op);
        std::string name = op->getName().stripDialect().str();
        InFlightDiagnostic d = op->emitError()
                               << "cannot compile op '" << name << "'"
                               << (node.empty() ? std::string() : " (node '" + node + "')")
                               << ": ";
        auto it = reasons->find(op);
        if (it != reasons->end())
          d << "its lowering does not support " << it->second << " yet";
        else if (!hasLowering(op->getContext(), op->getName().getStringRef()))
          d << "no CPU lowering for this op yet";
        else
          d << "its lowering failed";
        failedAny = true;
      }
    }
    if (failedAny || failed(flagFallbacks(module, fallbacks)))
      signalPassFailure();
  }
};
} // namespace
