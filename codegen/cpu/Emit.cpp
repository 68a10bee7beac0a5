//===- Emit.cpp - LLVM dialect -> object code with the module ABI ---------===//
//
// After translation to LLVM IR, adds what makes the object a compiled
// module (runtime/include/mxrt/module_abi.h):
//   - per kernel an exported `void mxc_k_<symbol>(void *const *args)` that
//     loads the pointers and calls the kernel (internal, so O3 inlines it);
//   - the manifest as constant data and `mxc_module_manifest()` returning
//     it, its checksum computed with the ABI header's function.
// Then optimizes with LLVM's default pipeline at -O<n> and emits IR,
// assembly or an object for the resolved CPU (TargetMachine, PIC: the
// object goes into a shared library).
//
//===----------------------------------------------------------------------===//
#include "codegen/Manifest.h"
#include "codegen/cpu/CpuTarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <mutex>
#include <set>

using namespace mxc::codegen;
using llvm::Constant;
using llvm::ConstantInt;

namespace {

void initializeLLVM() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::unique_ptr<llvm::TargetMachine> makeMachine(const cpu::CpuMachine &m, int optLevel,
                                                 std::string &error) {
  initializeLLVM();
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(m.triple, error);
  if (!target)
    return nullptr;
  llvm::CodeGenOptLevel level = optLevel <= 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                                : llvm::CodeGenOptLevel::Aggressive;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      m.triple, m.cpu, m.features, llvm::TargetOptions(), llvm::Reloc::PIC_, std::nullopt, level));
}

/// Builds the constant data of module_abi.h's structures.
class ManifestWriter {
public:
  ManifestWriter(llvm::Module &mod) : mod(mod), ctx(mod.getContext()) {
    ptr = llvm::PointerType::get(ctx, 0);
    i32 = llvm::Type::getInt32Ty(ctx);
    i64 = llvm::Type::getInt64Ty(ctx);
    valueTy =
        llvm::StructType::create(ctx, {ptr, i32, i32, i32, i32, ptr, i64, i32, i32}, "mxc_value");
    bufferTy = llvm::StructType::create(ctx, {i64, i64}, "mxc_buffer");
    kernelTy =
        llvm::StructType::create(ctx, {ptr, ptr, ptr, ptr, ptr, i32, i32, i32, i32}, "mxc_kernel");
    entryTy = llvm::StructType::create(ctx, {ptr, ptr, i32, i32}, "mxc_entry");
    manifestTy = llvm::StructType::create(
        ctx, {i32, i32, ptr, ptr, ptr, ptr, ptr, ptr, i32, i32, i64}, "mxc_manifest");
  }

  /// The layouts must be the C ones (checked against the data layout).
  llvm::Error checkLayout() const {
    const llvm::DataLayout &dl = mod.getDataLayout();
    struct {
      llvm::StructType *t;
      uint64_t size;
      const char *name;
    } expected[] = {{valueTy, sizeof(mxc_value), "mxc_value"},
                    {bufferTy, sizeof(mxc_buffer), "mxc_buffer"},
                    {kernelTy, sizeof(mxc_kernel), "mxc_kernel"},
                    {entryTy, sizeof(mxc_entry), "mxc_entry"},
                    {manifestTy, sizeof(mxc_manifest), "mxc_manifest"}};
    for (auto &e : expected)
      if (dl.getTypeAllocSize(e.t) != e.size)
        return llvm::createStringError("ABI layout of " + llvm::Twine(e.name) + " differs (" +
                                       llvm::Twine(dl.getTypeAllocSize(e.t)) + " vs " +
                                       llvm::Twine(e.size) + " bytes)");
    return llvm::Error::success();
  }

  Constant *str(llvm::StringRef s) {
    auto it = strings.find(s);
    if (it != strings.end())
      return it->second;
    Constant *c = llvm::ConstantDataArray::getString(ctx, s);
    auto *g = new llvm::GlobalVariable(mod, c->getType(), true, llvm::GlobalValue::PrivateLinkage,
                                       c, ".mxc.str");
    g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    strings[s] = g;
    return g;
  }

  template <class T> Constant *array(llvm::Type *elem, llvm::ArrayRef<T> values) {
    if (values.empty())
      return llvm::ConstantPointerNull::get(ptr);
    std::vector<Constant *> cs;
    for (T v : values)
      cs.push_back(ConstantInt::get(elem, uint64_t(int64_t(v))));
    return global(llvm::ConstantArray::get(llvm::ArrayType::get(elem, cs.size()), cs), ".mxc.ints");
  }

  Constant *global(Constant *init, const llvm::Twine &name) {
    return new llvm::GlobalVariable(mod, init->getType(), true, llvm::GlobalValue::PrivateLinkage,
                                    init, name);
  }

  Constant *structs(llvm::StructType *t, std::vector<Constant *> &items, const char *name) {
    if (items.empty())
      return llvm::ConstantPointerNull::get(ptr);
    return global(llvm::ConstantArray::get(llvm::ArrayType::get(t, items.size()), items), name);
  }

  Constant *i32c(int64_t v) { return ConstantInt::get(i32, uint64_t(v)); }
  Constant *i64c(int64_t v) { return ConstantInt::get(i64, uint64_t(v)); }

  void write(const Manifest &m, const std::map<std::string, llvm::Function *> &wrappers) {
    std::vector<Constant *> values, buffers, entries;
    for (const ManifestValue &v : m.values)
      values.push_back(llvm::ConstantStruct::get(
          valueTy,
          {str(v.name), i32c(v.kind), i32c(v.dtype), i32c(int64_t(v.shape.size())), i32c(v.buffer),
           array<int64_t>(i64, v.shape), i64c(v.offset), i32c(v.gradOf), i32c(0)}));
    for (const ManifestBuffer &b : m.buffers)
      buffers.push_back(llvm::ConstantStruct::get(bufferTy, {i64c(b.bytes), i64c(b.alignment)}));
    for (int e = 0; e < MXC_NUM_ENTRIES; ++e) {
      std::vector<Constant *> kernels;
      for (const ManifestKernel &k : m.entries[e])
        kernels.push_back(llvm::ConstantStruct::get(
            kernelTy, {str(k.name), str(k.op), wrappers.at(k.symbol), array<int32_t>(i32, k.args),
                       array<int32_t>(i32, k.deps), i32c(int64_t(k.args.size())), i32c(k.numReads),
                       i32c(int64_t(k.deps.size())), i32c(k.flags)}));
      entries.push_back(llvm::ConstantStruct::get(
          entryTy, {str(entryName(e)), structs(kernelTy, kernels, ".mxc.kernels"),
                    i32c(int64_t(m.entries[e].size())), i32c(0)}));
    }
    Constant *manifest = llvm::ConstantStruct::get(
        manifestTy,
        {i32c(MXC_MODULE_ABI_VERSION), i32c(int64_t(m.values.size())), str(m.compilerVersion),
         str(m.target), str(m.graphHash), structs(valueTy, values, ".mxc.values"),
         structs(bufferTy, buffers, ".mxc.buffers"), structs(entryTy, entries, ".mxc.entries"),
         i32c(int64_t(m.buffers.size())), i32c(MXC_NUM_ENTRIES),
         ConstantInt::get(i64, m.checksum())});
    Constant *data = global(manifest, ".mxc.manifest");
    auto *fn =
        llvm::Function::Create(llvm::FunctionType::get(ptr, false),
                               llvm::GlobalValue::ExternalLinkage, MXC_MODULE_MANIFEST_SYMBOL, mod);
    fn->setVisibility(llvm::GlobalValue::DefaultVisibility);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    b.CreateRet(data);
  }

private:
  llvm::Module &mod;
  llvm::LLVMContext &ctx;
  llvm::PointerType *ptr;
  llvm::Type *i32, *i64;
  llvm::StructType *valueTy, *bufferTy, *kernelTy, *entryTy, *manifestTy;
  llvm::StringMap<Constant *> strings;
};

/// `void mxc_k_<name>(void *const *args)` calling the kernel with args[i].
llvm::Function *makeWrapper(llvm::Module &mod, llvm::Function *kernel) {
  llvm::LLVMContext &ctx = mod.getContext();
  llvm::Type *ptr = llvm::PointerType::get(ctx, 0);
  auto *w =
      llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false),
                             llvm::GlobalValue::ExternalLinkage, "mxc_k_" + kernel->getName(), mod);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", w));
  std::vector<llvm::Value *> args;
  for (unsigned i = 0; i < kernel->arg_size(); ++i) {
    llvm::Value *slot = b.CreateConstInBoundsGEP1_64(ptr, w->getArg(0), i);
    args.push_back(b.CreateLoad(ptr, slot));
  }
  b.CreateCall(kernel, args);
  b.CreateRetVoid();
  kernel->setLinkage(llvm::GlobalValue::InternalLinkage);
  return w;
}

/// Does the kernel call into libmxrt (a library kernel)?
bool callsLibrary(const llvm::Function &f) {
  for (const llvm::BasicBlock &bb : f)
    for (const llvm::Instruction &inst : bb)
      if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst))
        if (const llvm::Function *callee = call->getCalledFunction())
          if (callee->getName().starts_with("mxrt_kernel_"))
            return true;
  return false;
}

void optimize(llvm::Module &mod, llvm::TargetMachine &tm, int optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = optLevel >= 2;
  pto.SLPVectorization = optLevel >= 2;
  llvm::PassBuilder pb(&tm, pto);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel <= 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = level == llvm::OptimizationLevel::O0
                                    ? pb.buildO0DefaultPipeline(level)
                                    : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(mod, mam);
}

} // namespace

llvm::Expected<cpu::CpuMachine> cpu::resolveCpu(llvm::StringRef spec) {
  initializeLLVM();
  CpuMachine m;
  m.triple = llvm::sys::getProcessTriple();
  auto [name, extra] = spec.split(',');
  if (name.empty() || name == "host") {
    m.cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures f;
    for (const auto &kv : llvm::sys::getHostCPUFeatures())
      f.AddFeature(kv.first(), kv.second);
    // Sorted, so one host always gives one spec (the cache key).
    std::vector<std::string> features = f.getFeatures();
    llvm::sort(features);
    m.features = llvm::join(features, ",");
  } else {
    m.cpu = name.str();
  }
  if (!extra.empty())
    m.features += (m.features.empty() ? "" : ",") + extra.str();
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = makeMachine(m, 0, error);
  if (!tm)
    return llvm::createStringError("target cpu:" + spec + ": " + error);
  const llvm::MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
  if (!sti->isCPUStringValid(m.cpu))
    return llvm::createStringError(
        "target cpu:" + spec + ": unknown CPU '" + m.cpu +
        "' (try x86-64, x86-64-v2, x86-64-v3, x86-64-v4, skylake-avx512, "
        "znver4, or host)");
  m.vectorBits = sti->checkFeatures("+avx512f") ? 512 : sti->checkFeatures("+avx") ? 256 : 128;
  return m;
}

llvm::Error cpu::emitModule(mlir::ModuleOp module, const Manifest &manifestIn,
                            const CpuMachine &machine, int optLevel, EmitKind kind,
                            llvm::raw_pwrite_stream &os) {
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());
  llvm::LLVMContext llctx;
  std::unique_ptr<llvm::Module> mod = mlir::translateModuleToLLVMIR(module, llctx, "mxc_module");
  if (!mod)
    return llvm::createStringError("translation of the LLVM dialect to LLVM IR failed");
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = makeMachine(machine, optLevel, error);
  if (!tm)
    return llvm::createStringError(error);
  mod->setDataLayout(tm->createDataLayout());
  mod->setTargetTriple(machine.triple);

  Manifest manifest = manifestIn;
  std::map<std::string, llvm::Function *> wrappers;
  for (auto &kernels : manifest.entries)
    for (ManifestKernel &k : kernels) {
      llvm::Function *f = mod->getFunction(k.symbol);
      if (!f)
        return llvm::createStringError("kernel function '" + k.symbol + "' is missing");
      if (callsLibrary(*f))
        k.flags |= MXC_KERNEL_LIBRARY;
      if (!wrappers.count(k.symbol))
        wrappers[k.symbol] = makeWrapper(*mod, f);
    }
  ManifestWriter writer(*mod);
  if (llvm::Error e = writer.checkLayout())
    return e;
  writer.write(manifest, wrappers);
  if (llvm::verifyModule(*mod, &llvm::errs()))
    return llvm::createStringError("the LLVM module does not verify");

  optimize(*mod, *tm, optLevel);
  if (kind == EmitKind::LLVMIR) {
    mod->print(os, nullptr);
    return llvm::Error::success();
  }
  llvm::legacy::PassManager cg;
  auto type = kind == EmitKind::Assembly ? llvm::CodeGenFileType::AssemblyFile
                                         : llvm::CodeGenFileType::ObjectFile;
  if (tm->addPassesToEmitFile(cg, os, nullptr, type))
    return llvm::createStringError("the target cannot emit this file type");
  cg.run(*mod);
  return llvm::Error::success();
}
