//===- CpuTarget.cpp - the cpu target: passes of its phases ---------------===//
//
// Phase "vector": matrix products become libmxrt calls (library GEMM) or
// tiled vector code (generated GEMM). Phase "llvm-dialect": the lowering
// verified in RECIPE.md section 2 (vector/linalg to loops, math
// approximations, affine/scf to cf, everything to the LLVM dialect), with
// two changes: kernels use the bare-pointer calling convention (a kernel
// is `void f(T *a, T *b, ...)`: shapes are static) and the math that has no
// approximation or intrinsic becomes libm calls.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/CpuTarget.h"
#include "codegen/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mxc::codegen;

namespace {

class CpuTarget final : public Target {
public:
  explicit CpuTarget(cpu::CpuMachine machine) : machine(std::move(machine)) {}

  llvm::StringRef kind() const override { return "cpu"; }
  std::string str() const override {
    return "cpu:" + machine.cpu + (machine.features.empty() ? "" : "," + machine.features);
  }
  unsigned vectorBits() const override { return machine.vectorBits; }
  bool gemmIsLibraryCall(const CodegenOptions &options) const override {
    return options.gemm == GemmPath::Library;
  }

  void addVectorPasses(OpPassManager &pm, const CodegenOptions &options) const override {
    if (gemmIsLibraryCall(options))
      pm.addPass(createMxcCpuLibraryCalls());
    if (options.optLevel > 0) {
      // N tile: two vector registers of f32.
      MxcCpuVectorizeOptions v;
      v.tileN = int64_t(std::max(8u, machine.vectorBits / 16));
      pm.addPass(createMxcCpuVectorize(v));
    }
    pm.addPass(createCanonicalizerPass());
  }

  void addLLVMDialectPasses(OpPassManager &pm, const CodegenOptions &options) const override {
    pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass());
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
    pm.addPass(createMxcMathApprox());
    pm.addPass(createLowerAffinePass());
    pm.addPass(createConvertSCFToCFPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(createConvertVectorToLLVMPass());
    pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
    pm.addPass(createConvertMathToLibmPass());
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createLowerAffinePass());
    // Kernel-local buffers through libmxrt's scratch cache (module_abi.h),
    // not malloc: large blocks are reused instead of mapped per call.
    FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
    memrefOptions.useGenericFunctions = true;
    pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
    pm.addPass(createArithToLLVMConversionPass());
    ConvertFuncToLLVMPassOptions funcOptions;
    funcOptions.useBarePtrCallConv = true;
    pm.addPass(createConvertFuncToLLVMPass(funcOptions));
    pm.addPass(createConvertControlFlowToLLVMPass());
    pm.addPass(createConvertIndexToLLVMPass());
    pm.addPass(createReconcileUnrealizedCastsPass());
  }

  llvm::Error emit(ModuleOp module, const Manifest &manifest, const CodegenOptions &options,
                   EmitKind kind, llvm::raw_pwrite_stream &os) const override {
    return cpu::emitModule(module, manifest, machine, options.optLevel, kind, os);
  }

  llvm::Error link(llvm::StringRef objectPath, llvm::StringRef outputPath) const override {
    return cpu::linkShared(objectPath, outputPath);
  }

private:
  cpu::CpuMachine machine;
};

} // namespace

llvm::Expected<std::unique_ptr<Target>> mxc::codegen::createCpuTarget(llvm::StringRef cpuSpec) {
  llvm::Expected<cpu::CpuMachine> machine = cpu::resolveCpu(cpuSpec);
  if (!machine)
    return machine.takeError();
  return std::make_unique<CpuTarget>(std::move(*machine));
}
